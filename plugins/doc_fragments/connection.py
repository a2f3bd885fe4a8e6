# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # The connection contract shared by every module that talks to an AEM author.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the AEM author instance, for example V(https://author.example.com) or V(http://localhost:4502).
      - If not set, the value of the E(AEM_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - Name of the AEM user the module authenticates as (HTTP Basic authentication).
      - If not set, the value of the E(AEM_USERNAME) environment variable is used.
      - There is no default; use a dedicated technical user with the permissions the module needs.
    type: str
    required: true
  password:
    description:
      - Password of O(username). It must not be empty or start or end with whitespace (a newline read from a
        file is refused before any request).
      - If not set, the value of the E(AEM_PASSWORD) environment variable is used.
      - There is no default. Keep it in Ansible Vault.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the TLS certificate of AEM when O(url) uses V(https).
      - Set to V(false) only for throw-away test instances; prefer O(ca_path) for private CAs.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to verify the AEM server certificate.
      - If not set, the value of the E(AEM_CA_PATH) environment variable is used; otherwise the system trust store.
    type: path
  timeout:
    description:
      - Seconds to wait for AEM to accept a connection and to answer one request.
    type: float
    default: 30
  retries:
    description:
      - How many times a request that is safe to repeat is retried after a connection error, a timeout or
        an HTTP 502, 503 or 504 answer, with exponential backoff and jitter.
      - Each retry is reported as a warning. V(0) disables retries.
    type: int
    default: 3
notes:
  - All requests of one module run share one HTTP session (connection reuse, one CSRF token).
  - When AEM refuses a write with HTTP 403, the module fetches a CSRF token from
    C(/libs/granite/csrf/token.json), sends it as the C(CSRF-Token) header and retries that write once.
  - Set the connection options once for all modules of the collection with
    C(module_defaults) and the action group C(group/aemtools.brand_portal.aem).
requirements:
  - requests
"""
