#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_info
short_description: Read what an AEM author holds of Brand Portal, and which of it is a legacy integration
version_added: 0.2.0
description:
  - Reads, in a few GETs, the Brand Portal cloud services under both roots (C(/etc/cloudservices/mediaportal) and
    C(/conf/global/settings/cloudconfigs/mediaportal)), the replication agents whose name starts with
    O(agent_prefix), the MAC users under C(/home/users/mac) and, on the AEM 6.5 model, the Adobe IMS configuration
    titled O(ims_config_title).
  - Tells which of them make up a legacy (pre-2020 OAuth Gateway) integration, the one Adobe's "Upgrade existing
    integration" procedure deletes - RV(legacy). The role aemtools.brand_portal.brand_portal_upgrade uses it, so
    that every read of the role goes through the connection set once in C(module_defaults).
  - Paths, the MAC user naming and the legacy client-ID property come from the collection's one table of version
    facts; M(aemtools.brand_portal.aem_info) lists the inferred ones.
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
      - The module only reads, and does the same in check mode.
  diff_mode:
    support: none
options:
  agent_prefix:
    description:
      - Name prefix of the Brand Portal replication agents under C(/etc/replication/agents.author).
    type: str
    default: mp_replication
  ims_config_title:
    description:
      - Title of the Adobe IMS configuration to read on the AEM 6.5 model (the one the configure role creates or
        updates). Not read when omitted, or on AEM 6.3 and 6.4.
    type: str
  legacy_names:
    description:
      - Node names of the cloud services that are legacy. Without them a cloud service is legacy when, on AEM 6.5,
        it lives under C(/etc/cloudservices/mediaportal) (6.5 keeps new ones in C(/conf)), and on AEM 6.3 and 6.4
        when it has the OAuth Gateway's client ID and no Adobe I/O API key.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Find a legacy Brand Portal integration
  aemtools.brand_portal.aem_bp_info:
    ims_config_title: Brand Portal
  register: bp

- name: Show what an upgrade would delete
  ansible.builtin.debug:
    msg: "{{ bp.legacy.cloudservices | map(attribute='path') | list + bp.legacy.agent_paths }}"
  when: bp.legacy.found
"""

RETURN = r"""
version:
  description: The AEM version, four numbers.
  returned: always
  type: str
  sample: 6.5.21.0
brand_portal:
  description: What the collection does on this version, as M(aemtools.brand_portal.aem_info) returns it.
  returned: always
  type: dict
cloudservices:
  description: Every Brand Portal cloud service under both roots.
  returned: always
  type: list
  elements: dict
  sample:
    - {"name": "brand-portal", "path": "/etc/cloudservices/mediaportal/brand-portal",
       "root": "/etc/cloudservices/mediaportal", "title": "Brand Portal",
       "tenant_url": "https://acme.brand-portal.adobe.com", "ims_config": null, "api_key": false,
       "legacy_client_id": true, "legacy": true}
agents:
  description: The replication agents whose name starts with O(agent_prefix); no credentials.
  returned: always
  type: list
  elements: dict
  sample:
    - {"name": "mp_replication", "path": "/etc/replication/agents.author/mp_replication", "title": "...",
       "enabled": true, "transport_uri": "https://acme.brand-portal.adobe.com/bin/receive?...",
       "user_id": "mac-acme-replication"}
mac_users:
  description: The users under C(/home/users/mac), with their authorizable IDs.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "mac-acme-replication", "path": "/home/users/mac/mac-acme-replication"}]
ims_config:
  description:
    - The Adobe IMS configuration titled O(ims_config_title) as found, its secret-looking properties redacted;
      null when there is none or it was not asked for.
  returned: always
  type: dict
legacy:
  description: The legacy integration, what Adobe's upgrade procedure backs up and deletes.
  returned: always
  type: dict
  contains:
    found:
      description: Whether there is a legacy cloud service.
      type: bool
    cloudservices:
      description: The legacy cloud services (name, path, tenant_url).
      type: list
      elements: dict
    agents:
      description: Names of the agents whose transport URI lies below a legacy tenant URL.
      type: list
      elements: str
    agent_paths:
      description: Their paths.
      type: list
      elements: str
    mac_users:
      description: The MAC users of those tenants and agents (id, path).
      type: list
      elements: dict
    ims_configs:
      description: On AEM 6.5 with a legacy integration, the IMS configuration the configure role will update (title, pid, id, credential_type).
      type: list
      elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_detect import detect
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import read_profile


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        agent_prefix=dict(type="str", default="mp_replication"),
        ims_config_title=dict(type="str"),
        legacy_names=dict(type="list", elements="str", default=[]),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    if not params["agent_prefix"].strip():
        module.fail_json(msg="option agent_prefix: empty; expected the agents' name prefix, e.g. mp_replication")
    client = new_client(module)
    try:
        profile = read_profile(client)
        state = detect(client, profile, params["agent_prefix"].strip(), params["ims_config_title"],
                       params["legacy_names"])
    except AemError as error:
        fail_from(module, error)
    module.exit_json(changed=False, version=profile.version.text, brand_portal=profile.as_dict(), **state)


if __name__ == "__main__":
    main()
