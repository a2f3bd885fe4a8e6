#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ims_oauth_token
short_description: Obtain an Adobe IMS access token with an OAuth Server-to-Server credential
version_added: 0.1.0
description:
  - Requests an access token with the C(client_credentials) grant at C(<ims_url>/ims/token/v3), the credential
    type Adobe uses since Service Account (JWT) credentials ended in 2025.
  - Returns the access token and its absolute expiry (IMS states the lifetime in seconds).
  - Used to check a credential before it is written into AEM.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.ims
  - aemtools.brand_portal.attributes
  - aemtools.brand_portal.attributes.IMS_ACTION_GROUP
attributes:
  check_mode:
    support: full
    details:
      - Asking for a token changes nothing, so the module does the same in check mode.
  diff_mode:
    support: none
options:
  scopes:
    description:
      - The scopes of the credential, as listed on its page in the Adobe Developer Console. They are sent
        comma-separated.
    type: list
    elements: str
    required: true
  org_id:
    description:
      - Organization ID (V(...@AdobeOrg)), for credentials that are not owned by one organization.
    type: str
seealso:
  - module: aemtools.brand_portal.ims_jwt_token
  - name: OAuth Server-to-Server credential
    description: Adobe's guide to the credential and its token endpoint.
    link: https://developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/
"""

EXAMPLES = r"""
- name: Check the Brand Portal OAuth credential before writing it into AEM
  aemtools.brand_portal.ims_oauth_token:
    client_id: "{{ bp_client_id }}"
    client_secret: "{{ vault_bp_client_secret }}"
    scopes: [openid, AdobeID, read_organizations]
  no_log: true
  register: bp_token

- name: Fail early when the token would expire within the next hour
  ansible.builtin.assert:
    that: bp_token.expires_in > 3600
"""

RETURN = r"""
access_token:
  description: The IMS access token. A secret - set C(no_log) on the task.
  returned: success
  type: str
token_type:
  description: The token type IMS returned.
  returned: success
  type: str
  sample: bearer
expires_in:
  description: Seconds the token is valid from the request.
  returned: success
  type: int
  sample: 86399
expires_at:
  description: When the token expires, in seconds since the epoch.
  returned: success
  type: int
  sample: 1795000000
expires_at_iso:
  description: When the token expires, as an ISO 8601 UTC timestamp.
  returned: success
  type: str
  sample: "2026-11-23T08:00:00Z"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_module import (
    fail_from,
    ims_argument_spec,
    new_ims_client,
)


def argument_spec():
    spec = ims_argument_spec()
    spec.update(
        scopes=dict(type="list", elements="str", required=True),
        org_id=dict(type="str"),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    scopes = [s.strip() for s in params["scopes"] if s and s.strip()]
    if not scopes:
        module.fail_json(msg="option scopes: empty; expected the scopes listed on the credential in the Adobe "
                             "Developer Console, e.g. [openid, AdobeID]")
    try:
        client = new_ims_client(module)
        token = client.client_credentials(params["client_id"], params["client_secret"], scopes, params["org_id"])
    except AemError as error:
        fail_from(module, error)
    module.exit_json(changed=False, **token.as_result())


if __name__ == "__main__":
    main()
