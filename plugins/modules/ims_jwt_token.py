#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ims_jwt_token
short_description: Obtain an Adobe IMS access token with a Service Account (JWT) credential
version_added: 0.1.0
description:
  - Builds the JWT claims Adobe documents for a Service Account credential (C(exp), C(iat), C(iss) = organization,
    C(sub) = technical account, C(aud) = C(<ims_url>/c/<client_id>) and one claim per metascope), signs them with
    RS256 and exchanges the JWT at C(<ims_url>/ims/exchange/jwt).
  - Returns the access token and its absolute expiry. IMS states the lifetime of these tokens in milliseconds;
    the module converts it to seconds.
  - Used to check a credential before it is written into AEM, and by AEM 6.3/6.4 style integrations that still
    run on JWT credentials.
  - Adobe ended Service Account (JWT) credentials on 30 June 2025 and converts the remaining ones to OAuth
    Server-to-Server credentials; new installations use M(aemtools.brand_portal.ims_oauth_token).
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
  org_id:
    description:
      - Organization ID, the JWT C(iss) claim, for example V(12345678ABCDEF0123456789@AdobeOrg).
    type: str
    required: true
  technical_account_id:
    description:
      - Technical account ID, the JWT C(sub) claim, for example V(0123456789ABCDEF@techacct.adobe.com).
    type: str
    required: true
  private_key:
    description:
      - The PEM private key (PKCS#8 or PKCS#1 RSA) whose public certificate is registered with the credential.
      - Mutually exclusive with O(private_key_path).
    type: str
  private_key_path:
    description:
      - Path, on the host that runs the module, of a PEM file holding the private key.
      - Mutually exclusive with O(private_key).
    type: path
  private_key_passphrase:
    description:
      - Passphrase of an encrypted private key.
    type: str
  metascopes:
    description:
      - Metascopes of the credential, as names (V(ent_brand_portal_sdk)) or full claim URLs.
      - Each becomes the claim C(<ims_url>/s/<name>) with the value V(true).
    type: list
    elements: str
    default: [ent_brand_portal_sdk]
  jwt_lifetime:
    description:
      - Seconds until the signed JWT expires. It is exchanged at once, so Adobe recommends a few minutes.
      - This is not the lifetime of the access token, which IMS decides (usually 24 hours).
    type: int
    default: 300
seealso:
  - module: aemtools.brand_portal.ims_oauth_token
  - name: Adobe Developer Console, Service Account (JWT) credential
    description: How the JWT is built and exchanged.
    link: https://developer.adobe.com/developer-console/docs/guides/authentication/
"""

EXAMPLES = r"""
- name: Check the Brand Portal credential before writing it into AEM
  aemtools.brand_portal.ims_jwt_token:
    client_id: "{{ bp_api_key }}"
    client_secret: "{{ vault_bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    technical_account_id: 0123456789ABCDEF@techacct.adobe.com
    private_key_path: /secure/AEM-Adobe-IMS.key
  no_log: true
  register: bp_token

- name: Use the token
  ansible.builtin.uri:
    url: https://example.adobe.io/api
    headers:
      Authorization: "Bearer {{ bp_token.access_token }}"
  no_log: true
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
  description: Seconds the token is valid from the request (IMS answers in milliseconds for JWT exchanges).
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_module import (
    fail_from,
    ims_argument_spec,
    new_ims_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    BRAND_PORTAL_METASCOPE,
    DEFAULT_JWT_LIFETIME,
    JWT_IMPORT_ERROR,
    build_jwt_claims,
    sign_jwt,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    load_private_key,
)


def argument_spec():
    spec = ims_argument_spec()
    spec.update(
        org_id=dict(type="str", required=True),
        technical_account_id=dict(type="str", required=True),
        private_key=dict(type="str", no_log=True),
        private_key_path=dict(type="path"),
        private_key_passphrase=dict(type="str", no_log=True),
        metascopes=dict(type="list", elements="str", default=[BRAND_PORTAL_METASCOPE]),
        jwt_lifetime=dict(type="int", default=DEFAULT_JWT_LIFETIME),
    )
    return spec


def read_private_key(module):
    if module.params["private_key"] is not None:
        return module.params["private_key"]
    path = module.params["private_key_path"]
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        module.fail_json(msg="option private_key_path: cannot read %s: %s; expected a readable PEM file"
                         % (path, exc.strerror))


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[("private_key", "private_key_path")],
                           required_one_of=[("private_key", "private_key_path")])
    if JWT_IMPORT_ERROR is not None or CRYPTOGRAPHY_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("PyJWT and cryptography"),
                         exception=JWT_IMPORT_ERROR or CRYPTOGRAPHY_IMPORT_ERROR)
    params = module.params
    try:
        client = new_ims_client(module)
        key = load_private_key(read_private_key(module), params["private_key_passphrase"])
        claims = build_jwt_claims(params["ims_url"], params["client_id"], params["org_id"],
                                  params["technical_account_id"], params["metascopes"], params["jwt_lifetime"])
        token = client.exchange_jwt(params["client_id"], params["client_secret"], sign_jwt(claims, key))
    except AemError as error:
        fail_from(module, error)
    module.exit_json(changed=False, **token.as_result())


if __name__ == "__main__":
    main()
