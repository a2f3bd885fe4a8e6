#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_preflight
short_description: Check that a Brand Portal configuration can be applied to an AEM author before anything is written
version_added: 0.2.0
description:
  - Checks, without writing anything, what a Brand Portal configuration needs from the author and from its inputs
    - the AEM version is one the collection supports and takes the credential type (OAuth Server-to-Server natively
    from 6.5.21.0, with Adobe's hotfix on 6.5.11.0 to 6.5.20.x; JWT on 6.3, 6.4 and 6.5 before 6.5.21.0);
    the tenant URL is an absolute https URL; a brought key pair belongs together and its certificate has not
    expired; the controller can write the backup folder.
  - Runs every check and fails with one message that names every problem, so that one correction is enough.
  - The roles run it before their first write; aemtools.brand_portal.brand_portal_upgrade runs it - and asks Adobe
    IMS to accept the credential with M(aemtools.brand_portal.ims_oauth_token) or
    M(aemtools.brand_portal.ims_jwt_token) - before it backs up or deletes anything.
  - Returns the AEM version and the Brand Portal model like M(aemtools.brand_portal.aem_info), so that a role needs
    no second read.
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
      - The module only reads, and runs the same checks in check mode.
  diff_mode:
    support: none
options:
  credential_type:
    description:
      - The credential the configuration will use, C(oauth) (OAuth Server-to-Server) or C(jwt) (Service Account).
    type: str
    choices: [oauth, jwt]
    default: oauth
  tenant_url:
    description:
      - The Brand Portal tenant URL, for example V(https://acme.brand-portal.adobe.com).
    type: str
    required: true
  private_key:
    description:
      - A brought private key (PEM) for a JWT credential; checked against O(certificate).
    type: str
  certificate:
    description:
      - The public certificate (PEM) of O(private_key).
    type: str
  backup_dir:
    description:
      - A folder the module's host must be able to create or write (for the upgrade's backups). Nothing is created.
    type: path
  oauth_hotfix:
    description:
      - On AEM 6.5.11.0 to 6.5.20.x with O(credential_type=oauth), whether Adobe's compatibility hotfix
        C(ims-jwt-compatibility-package-6.5-1.0.zip) must be installed. The module looks for the installed package
        where Package Manager keeps it (RV(oauth_hotfix)).
      - V(warn) warns when it is missing or cannot be detected. V(require) fails the check then (the JWT to OAuth
        migration does). V(installed) takes your word that it is installed and does not look.
    type: str
    choices: [warn, require, installed]
    default: warn
notes:
  - Where an installed hotfix shows (C(/etc/packages/adobe/cq650/hotfix/...)) is inferred, not observed on a real
    instance; M(aemtools.brand_portal.aem_info) lists it with the other inferred facts. When the user cannot read
    C(/etc/packages), the module says that it cannot detect the hotfix.
"""

EXAMPLES = r"""
- name: Check before configuring (the connection comes from module_defaults)
  aemtools.brand_portal.aem_bp_preflight:
    credential_type: oauth
    tenant_url: https://acme.brand-portal.adobe.com
    backup_dir: "{{ playbook_dir }}/brand_portal_backups/{{ inventory_hostname }}"
  register: preflight

- name: Show what was checked
  ansible.builtin.debug:
    msg: "{{ preflight.checks | map(attribute='detail') | list }}"
"""

RETURN = r"""
version:
  description: The AEM version, four numbers.
  returned: success
  type: str
  sample: 6.5.21.0
brand_portal:
  description: What the collection does on this version, as M(aemtools.brand_portal.aem_info) returns it.
  returned: success
  type: dict
oauth_hotfix:
  description:
    - On AEM 6.5.11.0 to 6.5.20.x with O(credential_type=oauth) and O(oauth_hotfix) not V(installed), what was found
      of Adobe's OAuth compatibility hotfix; null otherwise. Also returned when the module fails on a check.
    - C(state) is V(installed), V(missing) or V(unknown) (the user cannot read C(/etc/packages)); C(path) where it was
      looked for; C(detail) says it in a sentence, with what to install.
  returned: always
  type: dict
  sample: {"state": "missing", "path": "/etc/packages/adobe/cq650/hotfix/ims-jwt-compatibility-package-6.5-1.0.zip",
           "detail": "Adobe's OAuth hotfix ims-jwt-compatibility-package-6.5-1.0.zip is not installed (...): install ..."}
checks:
  description: Every check, in order, with its outcome (also returned when the module fails on a check).
  returned: always
  type: list
  elements: dict
  sample:
    - {"check": "aem_version", "ok": true, "detail": "AEM 6.5.21.0, ims model"}
    - {"check": "tenant_url", "ok": false, "detail": "option tenant_url: 'ftp://x' is not an absolute https URL; ..."}
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import CRYPTOGRAPHY_IMPORT_ERROR
from ansible_collections.aemtools.brand_portal.plugins.module_utils._preflight import (
    HOTFIX_MODES,
    PreflightError,
    read_oauth_hotfix,
    run,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import read_profile


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        credential_type=dict(type="str", choices=["oauth", "jwt"], default="oauth"),
        tenant_url=dict(type="str", required=True),
        private_key=dict(type="str", no_log=True),
        certificate=dict(type="str"),
        backup_dir=dict(type="path"),
        oauth_hotfix=dict(type="str", choices=list(HOTFIX_MODES), default="warn"),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    if params["private_key"] and CRYPTOGRAPHY_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    client = new_client(module)
    hotfix = None
    try:
        profile = read_profile(client)
        if (profile.oauth == "hotfix" and profile.model == "ims" and params["credential_type"] == "oauth"
                and params["oauth_hotfix"] != "installed"):
            hotfix = read_oauth_hotfix(client)
        checks = run(profile, params["credential_type"], params["tenant_url"], params["private_key"],
                     params["certificate"], params["backup_dir"], warn=module.warn, hotfix=hotfix,
                     hotfix_mode=params["oauth_hotfix"])
    except PreflightError as error:
        fail_from(module, error, checks=error.checks, oauth_hotfix=hotfix)
    except AemError as error:
        fail_from(module, error, checks=[], oauth_hotfix=hotfix)
    module.exit_json(changed=False, version=profile.version.text, brand_portal=profile.as_dict(), checks=checks,
                     oauth_hotfix=hotfix)


if __name__ == "__main__":
    main()
