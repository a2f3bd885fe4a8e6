#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_ims_config
short_description: Manage an Adobe IMS technical account configuration of AEM 6.5
version_added: 0.1.0
description:
  - Creates, updates or removes the Adobe IMS configuration (Tools > Security > Adobe IMS Configurations) that the
    AEM 6.5 Brand Portal cloud service uses to obtain tokens, idempotently. O(title) identifies the configuration.
  - AEM stores it as two OSGi factory configurations, a token provider
    (C(com.adobe.granite.auth.oauth.accesstoken.provider)) and a request customizer holding the client secret
    (C(com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl)). The module reads and writes them
    through the Felix web console (C(/system/console/configMgr)), always with the full property list, so the
    properties it does not manage (timeouts, token reuse) keep their values.
  - For O(credential_type=jwt), the key pair lives in the keystore of the system user
    C(brandportal-imsconfig-service) under O(keypair_alias). AEM generates it, or you bring your own with
    O(private_key) and O(certificate) so that one Developer Console credential serves a whole fleet. The public
    certificate (C(AEM-Adobe-IMS.crt)) is returned and can be written to O(certificate_path).
  - Without the credential yet (first run of a JWT set-up), the module creates the key pair, returns the
    certificate for Adobe's console and warns which options are missing; a re-run with them creates the
    configuration.
  - With O(check_health=true), AEM obtains a token with the stored configuration, as its "Check Health" button does,
    and the task fails with the reason when it cannot.
  - Reads the AEM version from C(/system/console/status-productinfo.json). JWT configurations can no longer be
    created or updated from AEM 6.5.21.0; OAuth Server-to-Server needs 6.5.21.0 or Adobe's compatibility hotfix
    on 6.5.11.0 to 6.5.20.0.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.connection
  - aemtools.brand_portal.cloud_service
  - aemtools.brand_portal.attributes
  - aemtools.brand_portal.attributes.ACTION_GROUP
attributes:
  check_mode:
    support: full
    details:
      - Reads only. The certificate of a key pair AEM would generate is not known in check mode.
      - O(check_health) is skipped in check mode when the configuration would change.
  diff_mode:
    support: full
    details:
      - Shows only the properties that change, by their OSGi names, and the key pair; the client secret appears
        as V(<redacted>).
options:
  title:
    description:
      - Title of the configuration (C(auth.token.provider.title)); identifies it. Several configurations with the
        same title are an error.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the configuration; V(absent) removes both OSGi configurations. The key pair
        stays in the keystore.
    type: str
    choices: [present, absent]
    default: present
  credential_type:
    description:
      - The Adobe Developer Console credential type. V(oauth) is OAuth Server-to-Server (client credentials);
        V(jwt) is the Service Account (JWT) credential Adobe ended in 2025.
      - Switching an existing configuration from V(jwt) to V(oauth) migrates it.
    type: str
    choices: [oauth, jwt]
    default: oauth
  authorization_server:
    description:
      - Base URL of Adobe IMS (the "Authorization Server" field), without a path.
    type: str
    default: https://ims-na1.adobelogin.com
  api_key:
    description:
      - The credential's client ID (API key).
      - Required to create the configuration; if not set, an existing configuration keeps its value.
    type: str
    aliases: [client_id]
  client_secret:
    description:
      - The credential's client secret.
      - AEM never shows it back, so it cannot be compared; O(client_secret_update) decides when it is written.
      - Required to create the configuration.
    type: str
  client_secret_update:
    description:
      - V(on_create) writes the client secret only when AEM holds none (the configuration is new), or when the
        credential changes - another O(api_key), which needs O(client_secret), or a switch of O(credential_type), which
        writes O(client_secret) when it is given.
      - V(always) writes it on every run, and the task reports a change each time.
    type: str
    choices: [on_create, always]
    default: on_create
  org_id:
    description:
      - The organization ID, for example V(12345678ABCDEF0123456789@AdobeOrg).
      - Required to create the configuration; if not set, an existing configuration keeps its value.
    type: str
  technical_account_id:
    description:
      - O(credential_type=jwt) only. The technical account ID, for example V(0123456789ABCDEF@techacct.adobe.com).
      - Required to create a JWT configuration; if not set, an existing configuration keeps its value.
    type: str
  metascopes:
    description:
      - O(credential_type=jwt) only. Metascopes of the credential, as names or full claim URLs; each becomes
        the JWT claim C(<authorization_server>/s/<name>:true).
      - If not set, V([ent_brand_portal_sdk]), the Brand Portal metascope.
    type: list
    elements: str
  scopes:
    description:
      - O(credential_type=oauth) only. The scopes of the OAuth Server-to-Server credential, as listed in the
        Developer Console, for example V([openid, AdobeID]).
      - Required to create an OAuth configuration; if not set, an existing configuration keeps its value.
    type: list
    elements: str
  keypair_alias:
    description:
      - O(credential_type=jwt) only. Alias of the key pair in the keystore of C(brandportal-imsconfig-service).
      - If the alias does not exist, AEM generates the key pair, or the module uploads O(private_key) and
        O(certificate). An existing alias is kept, unless O(certificate) differs from it (then it is replaced).
      - Required to create a JWT configuration; if not set, an existing configuration keeps its value.
    type: str
  private_key:
    description:
      - O(credential_type=jwt) only. Bring your own key pair - the RSA private key (PEM), together with O(certificate).
    type: str
  certificate:
    description:
      - O(credential_type=jwt) only. The public certificate (PEM) of O(private_key), registered with the credential
        in the Adobe Developer Console.
    type: str
  keystore_password:
    description:
      - Password of the keystore of C(brandportal-imsconfig-service), used only when the module must create that
        keystore to upload O(private_key). If not set, a random password is used.
    type: str
  certificate_path:
    description:
      - O(credential_type=jwt) only. Write the public certificate (PEM) to this path on the host that runs the
        module, usually the controller, when its content differs. A directory gets the file C(AEM-Adobe-IMS.crt).
      - Upload that file to the credential in the Adobe Developer Console.
    type: path
  check_health:
    description:
      - Have AEM obtain a token with the configuration, as its "Check Health" button does, and fail with the reason
        (for example a wrong client secret or an unregistered certificate) when it cannot.
      - A failure without an IMS error code (IMS unreachable, or answering with a server error) is transient and is
        asked again, up to O(retries) times with backoff; one with an IMS error code is final.
    type: bool
    default: false
notes:
  - The HTTP endpoints behind AEM's "Create certificate", "Download Public Key" and "Check Health" buttons, the name
    given to a new configuration and the customizer type format are inferred, not observed on a real instance;
    M(aemtools.brand_portal.aem_info) lists every inferred fact (C(brand_portal.inferred)).
  - Adobe recommends a single IMS configuration for Brand Portal per AEM instance.
seealso:
  - module: aemtools.brand_portal.aem_bp_cloudservice
  - module: aemtools.brand_portal.aem_info
  - module: aemtools.brand_portal.ims_oauth_token
  - name: Setting up IMS integrations for AEM 6.5
    description: The configuration the module manages.
    link: https://experienceleague.adobe.com/en/docs/experience-manager-65/content/security/setting-up-ims-integrations-for-aem
"""

EXAMPLES = r"""
- name: AEM 6.5.21+ - OAuth Server-to-Server configuration for Brand Portal, checked
  aemtools.brand_portal.aem_ims_config:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ vault_aem_password }}"
    title: Brand Portal
    api_key: "{{ bp_client_id }}"
    client_secret: "{{ vault_bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    scopes: [openid, AdobeID]
    check_health: true
  register: ims

- name: Reference it from the Brand Portal cloud service
  aemtools.brand_portal.aem_bp_cloudservice:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ vault_aem_password }}"
    name: brand-portal
    tenant_url: https://acme.brand-portal.adobe.com
    ims_config: "{{ ims.ims_config.id }}"

- name: AEM 6.5.x before SP21 - first run, AEM generates the key pair; upload the certificate at Adobe
  aemtools.brand_portal.aem_ims_config:
    title: Brand Portal
    credential_type: jwt
    keypair_alias: brandportal
    certificate_path: "{{ playbook_dir }}/certs/{{ inventory_hostname }}/"

- name: Second run, with the credential of the Developer Console
  aemtools.brand_portal.aem_ims_config:
    title: Brand Portal
    credential_type: jwt
    keypair_alias: brandportal
    api_key: "{{ bp_api_key }}"
    client_secret: "{{ vault_bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    technical_account_id: 0123456789ABCDEF@techacct.adobe.com
    check_health: true

- name: One credential for a fleet - bring your own key pair
  aemtools.brand_portal.aem_ims_config:
    title: Brand Portal
    credential_type: jwt
    keypair_alias: brandportal
    private_key: "{{ vault_bp_private_key }}"
    certificate: "{{ lookup('ansible.builtin.file', 'certs/AEM-Adobe-IMS.crt') }}"
    api_key: "{{ bp_api_key }}"
    client_secret: "{{ vault_bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    technical_account_id: 0123456789ABCDEF@techacct.adobe.com

- name: Read the configuration before changing it (state=absent in check mode only reads)
  aemtools.brand_portal.aem_ims_config:
    title: Brand Portal
    state: absent
  check_mode: true
  changed_when: false
  register: ims_saved

- name: Keep it as JSON on the controller
  ansible.builtin.copy:
    content: "{{ ims_saved.ims_config_before | to_nice_json }}"
    dest: "{{ playbook_dir }}/backups/{{ inventory_hostname }}-ims-config.json"
    mode: "0600"
  delegate_to: localhost
  when: ims_saved.ims_config_before is not none

- name: Remove the configuration
  aemtools.brand_portal.aem_ims_config:
    title: Brand Portal
    state: absent
"""

RETURN = r"""
ims_config:
  description:
    - The configuration after the task (read back after a write); in check mode, as it would be.
    - V(null) when it does not exist (O(state=absent), or not created yet because options are missing).
  returned: always
  type: dict
  contains:
    pid:
      description: PID of the token provider configuration (V(null) in check mode before it exists).
      type: str
      sample: com.adobe.granite.auth.oauth.accesstoken.provider.1f2e3d4c-0000-4000-8000-000000000000
    id:
      description: The configuration's id (the provider's C(name)), which the Brand Portal cloud service references.
      type: str
      sample: 3f1c0d9e8b7a4c2e9f0a1b2c3d4e5f60
    title:
      description: The title.
      type: str
      sample: Brand Portal
    credential_type:
      description: V(oauth) or V(jwt).
      type: str
    properties:
      description: The provider's OSGi properties; secret-looking ones are V(<redacted>).
      type: dict
    customizer:
      description: PID and properties of the customizer configuration; the client secret is V(<redacted>).
      type: dict
ims_config_before:
  description:
    - The configuration as it was before the task, read before any write (also in check mode), in the form of
      RV(ims_config); secret-looking properties are V(<redacted>), and AEM never gives out the client secret anyway.
    - V(null) when no configuration had the title.
    - With O(state=absent) in check mode the task only reads, which makes it a way to save the configuration
      before changing it (the role aemtools.brand_portal.brand_portal_upgrade backs it up so).
  returned: always
  type: dict
  contains:
    pid:
      description: PID of the token provider configuration.
      type: str
      sample: com.adobe.granite.auth.oauth.accesstoken.provider.1f2e3d4c-0000-4000-8000-000000000000
    id:
      description: The configuration's id (the provider's C(name)), which the Brand Portal cloud service references.
      type: str
    title:
      description: The title.
      type: str
      sample: Brand Portal
    credential_type:
      description: V(oauth) or V(jwt), as the stored properties show it.
      type: str
    properties:
      description: The provider's OSGi properties that are set; secret-looking ones are V(<redacted>).
      type: dict
    customizer:
      description: PID and properties of the customizer configuration; the client secret is V(<redacted>).
      type: dict
certificate:
  description:
    - The public certificate (PEM) of the key pair, to register with the credential in the Adobe Developer Console.
    - V(null) for OAuth, and in check mode when AEM would generate the key pair.
  returned: when O(state=present)
  type: str
keypair:
  description: Alias, subject, serial number and expiry of the key pair (JWT).
  returned: when O(state=present)
  type: dict
  sample: {"alias": "brandportal", "subject": "CN=AEM-Adobe-IMS", "serial_number": "1234", "not_after": "..."}
certificate_path:
  description: The file the certificate was written to (or would be, in check mode), when O(certificate_path) is set.
  returned: when O(certificate_path) is set
  type: str
certificate_file_changed:
  description: Whether the certificate file was (or, in check mode, would be) written.
  returned: when O(certificate_path) is set
  type: bool
missing:
  description: Options still needed to create the configuration (it was not created); empty when complete.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["api_key", "org_id", "technical_account_id", "client_secret"]
secret_written:
  description: Whether the client secret was (or, in check mode, would be) written.
  returned: when O(state=present)
  type: bool
health:
  description:
    - The result of the health check; C(ok), AEM's C(message) and C(log), and a C(hint) on failure.
    - On failure also C(retries), how often the check was asked again before it gave up.
  returned: when O(check_health=true)
  type: dict
  sample: {"ok": true, "message": "Token is retrieved successfully", "log": []}
diff:
  description: What changes, before and after, by OSGi property name; the client secret is V(<redacted>).
  returned: always
  type: dict
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
    written_statement,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError, AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import CRYPTOGRAPHY_IMPORT_ERROR
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    ImsRequest,
    certificate_expiry_warning,
    check_health,
    credential_type_problem,
    ensure_absent,
    ensure_present,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact, read_profile


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        title=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        credential_type=dict(type="str", choices=["oauth", "jwt"], default="oauth"),
        authorization_server=dict(type="str", default="https://ims-na1.adobelogin.com"),
        api_key=dict(type="str", aliases=["client_id"], no_log=False),
        client_secret=dict(type="str", no_log=True),
        client_secret_update=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        org_id=dict(type="str"),
        technical_account_id=dict(type="str"),
        metascopes=dict(type="list", elements="str"),
        scopes=dict(type="list", elements="str"),
        keypair_alias=dict(type="str", no_log=False),
        private_key=dict(type="str", no_log=True),
        certificate=dict(type="str"),
        keystore_password=dict(type="str", no_log=True),
        certificate_path=dict(type="path"),
        check_health=dict(type="bool", default=False),
    )
    return spec


def write_certificate(module, path, pem):
    """Write ``pem`` to ``path`` (a directory gets AEM-Adobe-IMS.crt) when it differs; (path, changed)."""
    if os.path.isdir(path):
        path = os.path.join(path, fact("certificate_file_name"))
    current = None
    if os.path.exists(path):
        with open(path, "r") as handle:
            current = handle.read()
    if pem is None:
        # in check mode: AEM would generate the key pair first; otherwise AEM did not give it out
        if not module.check_mode:
            module.warn("option certificate_path: AEM returned no public certificate, so %s was not written" % path)
        return path, module.check_mode
    if current == pem:
        return path, False
    if module.check_mode:
        return path, True
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        module.fail_json(msg="option certificate_path: the directory %s does not exist" % directory)
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".aem-ims-", suffix=".crt")
    with os.fdopen(handle, "w") as out:
        out.write(pem)
    os.chmod(tmp, 0o644)
    module.atomic_move(tmp, path)
    return path, True


def present(module, client, params):
    request = ImsRequest(
        params["title"], credential_type=params["credential_type"],
        authorization_server=params["authorization_server"], api_key=params["api_key"],
        client_secret=params["client_secret"], client_secret_update=params["client_secret_update"],
        org_id=params["org_id"], technical_account_id=params["technical_account_id"], metascopes=params["metascopes"],
        scopes=params["scopes"], keypair_alias=params["keypair_alias"], private_key=params["private_key"],
        certificate=params["certificate"], keystore_password=params["keystore_password"])
    if params["certificate_path"] and params["credential_type"] != "jwt":
        raise AemInputError("option certificate_path: only for credential_type=jwt; an OAuth Server-to-Server "
                            "credential has no certificate")
    if params["private_key"] is not None and CRYPTOGRAPHY_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    request.validate()
    if request.cert is not None:
        warning = certificate_expiry_warning(request.cert)
        if warning:
            module.warn(warning)
    error, warning = credential_type_problem(read_profile(client), request.credential_type)
    if error:
        raise AemInputError(error)
    if warning:
        module.warn(warning)
    result = ensure_present(client, request, module.check_mode, warn=module.warn)
    if params["certificate_path"]:
        path, file_changed = write_certificate(module, params["certificate_path"], result["certificate"])
        result.update(certificate_path=path, certificate_file_changed=file_changed)
        result["changed"] = result["changed"] or file_changed
    if params["check_health"]:
        result["health"] = health(module, client, result, request)
    return result


def health(module, client, result, request):
    config = result.get("ims_config")
    if module.check_mode and result["changed"]:
        return {"ok": None, "message": "skipped in check mode: the configuration would change first", "log": []}
    if not config or not config.get("pid"):
        module.fail_json(msg="Check Health: the Adobe IMS configuration %r does not exist yet (missing options: %s)"
                             % (request.title, ", ".join(result.get("missing") or [])), **result)
    outcome = check_health(client, config["pid"], request.credential_type)
    if not outcome["ok"]:
        msg = "Check Health of Adobe IMS configuration %r failed%s: %s" % (
            request.title, " after %d retries" % outcome["retries"] if outcome.get("retries") else "",
            outcome["message"])
        if outcome.get("hint"):
            msg = "%s - %s" % (msg, outcome["hint"])
        msg = "%s %s" % (msg.rstrip(), written_statement(client.writes))
        result["health"] = outcome
        module.fail_json(msg=msg, **result)
    return outcome


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_together=[["private_key", "certificate"]])
    params = module.params
    client = new_client(module)
    try:
        if params["state"] == "absent":
            # the version is read only to stop on AEM as a Cloud Service before the delete
            read_profile(client)
            result = ensure_absent(client, params["title"], module.check_mode)
        else:
            result = present(module, client, params)
    except AemError as error:
        fail_from(module, error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
