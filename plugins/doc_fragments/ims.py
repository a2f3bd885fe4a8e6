# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # The contract shared by the modules that ask Adobe IMS for access tokens.
    DOCUMENTATION = r"""
options:
  ims_url:
    description:
      - Base URL of Adobe IMS. Production is V(https://ims-na1.adobelogin.com) for every region.
      - The JWT audience and metascope claims are built from this URL, so it must be the IMS that is called.
      - If not set, the value of the E(ADOBE_IMS_URL) environment variable is used.
    type: str
    default: https://ims-na1.adobelogin.com
  client_id:
    description:
      - Client ID (API key) of the credential in the Adobe Developer Console.
      - If not set, the value of the E(ADOBE_IMS_CLIENT_ID) environment variable is used.
    type: str
    required: true
  client_secret:
    description:
      - Client secret of the credential in the Adobe Developer Console.
      - If not set, the value of the E(ADOBE_IMS_CLIENT_SECRET) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the TLS certificate of IMS.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to verify the IMS certificate (for example behind a TLS-inspecting proxy).
    type: path
  timeout:
    description:
      - Seconds to wait for IMS to accept a connection and to answer.
    type: float
    default: 30
  retries:
    description:
      - How many times a token request is retried after a connection error, a timeout or an HTTP 502, 503 or 504
        answer, with exponential backoff and jitter. Each retry is reported as a warning.
    type: int
    default: 3
notes:
  - The returned RV(access_token) is a secret. Set C(no_log=true) on the task, or at least never print the
    registered variable.
  - IMS errors are explained in terms of what to fix (wrong secret, certificate not registered, missing API in the
    project, ...); the client secret, the private key and the token never appear in results or messages.
  - Asking for a token does not change anything, so the module runs normally in check mode and reports no change.
requirements:
  - requests
"""
