#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_cloudservice
short_description: Manage the AEM Brand Portal cloud service of an AEM Assets author
version_added: 0.1.0
description:
  - Creates, updates or removes the Brand Portal cloud service that connects an AEM Assets author to a Brand
    Portal tenant. Saving it makes AEM create the tenant's four replication agents and its MAC user; the module
    returns the agents as found afterwards.
  - On AEM 6.3 and 6.4 (model C(cloudservice)) the page lives under C(/etc/cloudservices/mediaportal) and holds
    the tenant URL, the authorization server and the credentials of the Adobe Developer Console integration.
    Saving it makes AEM generate a key pair; the module returns its public certificate and can write it to a
    file, because a person must upload it to the console.
  - On AEM 6.5 (model C(ims)) the cloud service lives under C(/conf/global/settings/cloudconfigs/mediaportal)
    and references an Adobe IMS configuration that holds the credentials and the key pair (see
    M(aemtools.brand_portal.aem_ims_config)).
  - When credentials are not given yet, the module creates what it can, returns the certificate, warns and lists
    what is missing in RV(missing); a re-run with the credentials completes the configuration.
  - Some property names and URLs of these configurations are inferred from public documentation rather than
    observed on a real instance; M(aemtools.brand_portal.aem_info) lists them.
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
  diff_mode:
    support: full
    details:
      - Shows only the properties that change; the client secret appears as V(<redacted>).
options:
  name:
    description:
      - Node name of the cloud service, for example V(brand-portal).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the cloud service; V(absent) removes it (not its agents or MAC user,
        which the upgrade role removes).
    type: str
    choices: [present, absent]
    default: present
  model:
    description:
      - Which configuration model to use. V(auto) reads the AEM version and uses V(cloudservice) on 6.3 and 6.4
        and V(ims) on 6.5.
    type: str
    choices: [auto, cloudservice, ims]
    default: auto
  title:
    description:
      - Title of the cloud service. A new cloud service defaults to O(name); if not set, an existing one keeps
        its title.
    type: str
  tenant_url:
    description:
      - The Brand Portal tenant URL, for example V(https://acme.brand-portal.adobe.com). Must be an absolute
        https URL; a host outside C(*.brand-portal.adobe.com) gets a warning.
      - Required with O(state=present).
    type: str
  authorization_server:
    description:
      - Model V(cloudservice) only. Base URL of Adobe IMS.
    type: str
    default: https://ims-na1.adobelogin.com
  api_key:
    description:
      - Model V(cloudservice) only. Client ID (API key) of the integration in the Adobe Developer Console.
    type: str
  technical_account_id:
    description:
      - Model V(cloudservice) only. Technical account ID of the integration (V(...@techacct.adobe.com)).
    type: str
  org_id:
    description:
      - Model V(cloudservice) only. Organization ID of the integration (V(...@AdobeOrg)).
    type: str
  client_secret:
    description:
      - Model V(cloudservice) only. Client secret of the integration.
    type: str
  client_secret_update:
    description:
      - V(on_create) writes the client secret only when the cloud service has none yet; AEM may keep it
        encrypted, and then it cannot be compared.
      - V(always) rewrites an encrypted secret on every run and reports a change each time.
    type: str
    choices: [on_create, always]
    default: on_create
  ims_config:
    description:
      - Model V(ims) only. The id (accessTokenConfigId) of the Adobe IMS configuration the cloud service uses,
        as returned by M(aemtools.brand_portal.aem_ims_config) in C(ims_config.id).
      - It must name an existing Adobe IMS configuration; otherwise the module fails before writing anything (also
        in check mode) and lists the configurations that exist.
    type: str
  oauth_scopes:
    description:
      - Model V(ims) only. The scopes the cloud service requests.
    type: str
    default: dam-read dam-write dam-sync cc-share
  private_key:
    description:
      - Model V(cloudservice) only. Bring your own key pair - the PEM private key (RSA) to use instead of the one
        AEM generated, so that one certificate registered in the Adobe Developer Console serves a whole fleet of
        authors without an upload per author. Requires O(certificate).
      - It is stored in the keystore of the tenant's MAC user, which AEM creates when the cloud service is saved.
      - On AEM 6.5 the key pair belongs to the IMS configuration; see M(aemtools.brand_portal.aem_ims_config).
    type: str
  certificate:
    description:
      - Model V(cloudservice) only. The PEM certificate of O(private_key). The key pair is replaced when the stored
        certificate differs from this one.
    type: str
  keystore_password:
    description:
      - Password for the MAC user's keystore if the module has to create it (with O(private_key)). A random one is
        used when not set.
    type: str
  certificate_path:
    description:
      - Write the public certificate (PEM, C(AEM-Adobe-IMS.crt)) to this path on the host that runs the module,
        usually the controller, when its content differs. Model V(cloudservice) only; on 6.5 the certificate
        belongs to the IMS configuration.
    type: path
"""

EXAMPLES = r"""
- name: First run on AEM 6.4 - create the cloud service and fetch the certificate for Adobe's console
  aemtools.brand_portal.aem_bp_cloudservice:
    name: brand-portal
    tenant_url: https://acme.brand-portal.adobe.com
    certificate_path: "{{ playbook_dir }}/certs/{{ inventory_hostname }}/AEM-Adobe-IMS.crt"
  register: bp

- name: Second run, after the certificate was uploaded - add the credentials
  aemtools.brand_portal.aem_bp_cloudservice:
    name: brand-portal
    tenant_url: https://acme.brand-portal.adobe.com
    api_key: "{{ bp_api_key }}"
    technical_account_id: "{{ bp_technical_account_id }}"
    org_id: "{{ bp_org_id }}"
    client_secret: "{{ vault_bp_client_secret }}"

- name: AEM 6.5 - reference an IMS configuration
  aemtools.brand_portal.aem_bp_cloudservice:
    name: brand-portal
    tenant_url: https://acme.brand-portal.adobe.com
    ims_config: "{{ ims.ims_config.id }}"
"""

RETURN = r"""
model:
  description: The configuration model used.
  returned: always
  type: str
  sample: cloudservice
cloudservice:
  description: The cloud service's path and its C(jcr:content) properties after the task (secrets redacted);
    in check mode, as they would be. Null when absent.
  returned: always
  type: dict
  sample: {"path": "/etc/cloudservices/mediaportal/brand-portal", "properties": {"tenantURL": "https://acme.brand-portal.adobe.com"}}
diff:
  description: The properties that change, before and after; secrets redacted.
  returned: always
  type: dict
certificate:
  description: The public certificate (PEM) of the cloud service's key pair (model V(cloudservice)), AEM's own or
    O(certificate); null when AEM has none yet (for example in check mode before the first save).
  returned: when O(state=present)
  type: str
certificate_written:
  description: Whether O(certificate_path) was written (or, in check mode, would be).
  returned: when O(certificate_path) is set
  type: bool
agents:
  description: The tenant's replication agents as found after the save (transport URI starts with the tenant URL).
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{"name": "mp_replication", "path": "/etc/replication/agents.author/mp_replication", "enabled": true,
            "transport_uri": "https://acme.brand-portal.adobe.com/bin/receive?sling:authRequestLogin=1",
            "title": "Brand Portal", "user_id": "mac-acme-replication"}]
missing:
  description: Options still needed to complete the configuration (for example the credentials before the
    certificate was uploaded), that is neither given to the task nor already held by the cloud service. Empty
    when complete.
  returned: when O(state=present)
  type: list
  elements: str
"""

import uuid

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    DEFAULT_OAUTH_SCOPES,
    classic_certificate,
    cloudservice_path,
    cloudservice_root,
    detect_profile,
    ensure_classic,
    ensure_ims_model,
    ensure_mac_key_pair,
    missing_credentials,
    tenant_agents,
    validate_credential_options,
    validate_name,
    validate_tenant_url,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError, AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._files import write_if_changed
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import ensure_absent
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    certificate_pem,
    load_key_pair,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        model=dict(type="str", choices=["auto", "cloudservice", "ims"], default="auto"),
        title=dict(type="str"),
        tenant_url=dict(type="str"),
        authorization_server=dict(type="str", default="https://ims-na1.adobelogin.com"),
        api_key=dict(type="str", no_log=False),
        technical_account_id=dict(type="str"),
        org_id=dict(type="str"),
        client_secret=dict(type="str", no_log=True),
        client_secret_update=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        ims_config=dict(type="str"),
        oauth_scopes=dict(type="str", default=DEFAULT_OAUTH_SCOPES),
        private_key=dict(type="str", no_log=True),
        certificate=dict(type="str"),
        keystore_password=dict(type="str", no_log=True),
        certificate_path=dict(type="path"),
    )
    return spec


def write_certificate(module, path, pem):
    """Write ``pem`` to ``path`` when it differs; True when it was (or would be) written."""
    try:
        return write_if_changed(path, pem, module.check_mode)
    except (IOError, OSError) as exc:
        module.fail_json(msg="option certificate_path: cannot write %s: %s" % (path, exc.strerror))


def run(module, client):
    params = module.params
    name = validate_name(params["name"])
    if params["state"] == "present" and not params["tenant_url"]:
        raise AemInputError("option tenant_url: required with state=present; expected the Brand Portal tenant URL "
                            "such as https://acme.brand-portal.adobe.com")
    tenant_url = validate_tenant_url(params["tenant_url"], module.warn) if params["tenant_url"] else None
    validate_credential_options(params)
    profile = detect_profile(client)
    model = profile.model if params["model"] == "auto" else params["model"]
    path = cloudservice_path(cloudservice_root(model), name)

    if params["state"] == "absent":
        result = ensure_absent(client, path, module.check_mode)
        return dict(result, model=model, cloudservice=None)

    title = params["title"] or None
    key_pair = load_key_pair(params["private_key"], params["certificate"]) if params["private_key"] else None
    if model == "cloudservice":
        result, node = ensure_classic(client, path, title, tenant_url, params, module.check_mode)
        if key_pair:
            changed, before, after = ensure_mac_key_pair(client, tenant_url, key_pair[0], key_pair[1],
                                                         module.check_mode,
                                                         params["keystore_password"] or uuid.uuid4().hex)
            result["changed"] = result["changed"] or changed
            if changed:
                result["diff"]["before"]["keypair"] = before
                result["diff"]["after"]["keypair"] = after
            certificate = certificate_pem(key_pair[1])
        elif node is not None and not result.get("predicted"):
            certificate = classic_certificate(client, name)
        else:
            certificate = None
    else:
        if key_pair:
            raise AemInputError("option private_key: on AEM 6.5 the key pair belongs to the Adobe IMS configuration; "
                                "give private_key and certificate to aemtools.brand_portal.aem_ims_config")
        if not profile.ims_configuration:
            raise AemInputError("option model: AEM %s has no Adobe IMS configuration integration for Brand Portal "
                                "(it needs 6.5.4.0 or later)" % profile.version)
        result, node = ensure_ims_model(client, path, title, tenant_url, params, module.check_mode)
        certificate = None
    missing = missing_credentials(model, params, node)
    result.pop("predicted", None)
    result.update(model=model, missing=missing, certificate=certificate,
                  cloudservice={"path": path, "properties": node},
                  agents=tenant_agents(client, tenant_url))
    if params["certificate_path"]:
        written = bool(certificate) and write_certificate(module, params["certificate_path"], certificate)
        result["certificate_written"] = written
        result["changed"] = result["changed"] or written
    if missing and model == "ims":
        module.warn("the Brand Portal cloud service references no Adobe IMS configuration yet: create one with "
                    "aemtools.brand_portal.aem_ims_config, then re-run with option ims_config")
    elif missing:
        where = " (written to %s)" % params["certificate_path"] if certificate and params["certificate_path"] else ""
        module.warn("the Brand Portal configuration is incomplete: upload the public certificate%s to the "
                    "integration in the Adobe Developer Console, then re-run with: %s" % (where, ", ".join(missing)))
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_together=[("private_key", "certificate")])
    if module.params["private_key"] is not None and CRYPTOGRAPHY_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    try:
        client = new_client(module)
        result = run(module, client)
    except AemError as error:
        fail_from(module, error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
