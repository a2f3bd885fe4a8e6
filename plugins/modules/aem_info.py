#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_info
short_description: Report an AEM author's version, readiness and the Brand Portal model that applies
version_added: 0.1.0
description:
  - Reads the product version from C(/system/console/status-productinfo.json) and the OSGi bundle states from
    C(/system/console/bundles.json). The instance is ready when every bundle is active (fragments count as active).
  - Reports which Brand Portal configuration model the collection uses on that version, C(cloudservice) on
    AEM 6.3 and 6.4 (credentials on the cloud service) or C(ims) on AEM 6.5 (an Adobe IMS configuration
    referenced by the cloud service), and which credential types are available (JWT, OAuth Server-to-Server
    natively from 6.5.21.0 or with Adobe's hotfix on 6.5.11.0 to 6.5.20.0).
  - Optionally waits until the instance is ready, for example after a restart.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.connection
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
  wait_ready:
    description:
      - Wait until every bundle is active. While AEM starts, connection errors and error answers count as
        "not ready yet"; a wrong password still fails at once.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for readiness with O(wait_ready=true) before failing.
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two readiness checks.
    type: int
    default: 5
notes:
  - Some version-specific paths and property names are inferred from public documentation rather than observed on
    a real instance; RV(brand_portal.inferred) lists them.
  - On AEM as a Cloud Service Brand Portal is activated from Cloud Manager, not configured on the author; the
    module recognises such an author by its product information (or its C(*.adobeaemcloud.com) host, then
    without a request) and fails with that explanation, also with O(wait_ready=true) (at once, without waiting).
"""

EXAMPLES = r"""
- name: Wait for the author after a restart, then learn which model applies
  aemtools.brand_portal.aem_info:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ vault_aem_password }}"
    wait_ready: true
    wait_timeout: 900
  register: aem

- name: Show it
  ansible.builtin.debug:
    msg: "AEM {{ aem.version }} uses the {{ aem.brand_portal.model }} model"
"""

RETURN = r"""
version:
  description: The AEM version, four numbers.
  returned: always
  type: str
  sample: 6.5.21.0
version_info:
  description: The version's parts.
  returned: always
  type: dict
  sample: {"line": "6.5", "major": 6, "minor": 5, "service_pack": 21, "patch": 0}
ready:
  description: Whether every bundle is active (active plus fragments equals total).
  returned: always
  type: bool
bundles:
  description: Bundle counts from C(bundles.json).
  returned: always
  type: dict
  sample: {"total": 512, "active": 500, "fragments": 12, "resolved": 0, "installed": 0, "status": "..."}
brand_portal:
  description: What the collection does on this version.
  returned: always
  type: dict
  contains:
    supported:
      description: Whether the version is one the collection supports (6.3, 6.4, 6.5).
      type: bool
    model:
      description: C(cloudservice) (6.3, 6.4) or C(ims) (6.5).
      type: str
    cloudservice_root:
      description: Where Brand Portal cloud services live.
      type: str
    ims_configuration:
      description: Whether the Adobe IMS configuration integration exists (6.3.3.8+, 6.4.8.0+, 6.5.4.0+).
      type: bool
    oauth:
      description: OAuth Server-to-Server availability, C(native), C(hotfix) (needs Adobe's compatibility package) or C(unavailable).
      type: str
    jwt_configurable:
      description: Whether new JWT configurations can be created (not once OAuth is native).
      type: bool
    credential_types:
      description: Credential types that can be configured.
      type: list
      elements: str
    agents_root:
      description: Where the Brand Portal replication agents live.
      type: str
    agent_names:
      description: The names of the four agents per tenant (inferred).
      type: list
      elements: str
    inferred:
      description: Names of the profile entries that are inferred, not verified on a real instance.
      type: list
      elements: str
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemCloudServiceError,
    AemError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import Profile, read_version

BUNDLES = "/system/console/bundles.json"


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        wait_ready=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        wait_interval=dict(type="int", default=5),
    )
    return spec


def read_bundles(client):
    data = client.get_json(BUNDLES, "read the OSGi bundle states")
    counts = list(data.get("s") or []) + [0] * 5
    total, active, fragments, resolved, installed = (int(c) for c in counts[:5])
    return {"total": total, "active": active, "fragments": fragments, "resolved": resolved, "installed": installed,
            "status": data.get("status", "")}


def read_state(client):
    version = read_version(client)
    bundles = read_bundles(client)
    ready = bundles["total"] > 0 and bundles["active"] + bundles["fragments"] == bundles["total"]
    return version, bundles, ready


def wait_until_ready(module, client):
    deadline = time.monotonic() + module.params["wait_timeout"]
    last = "no answer yet"
    while True:
        try:
            version, bundles, ready = read_state(client)
            if ready:
                return version, bundles, ready
            last = bundles["status"] or "bundles not all active"
        except (AemAuthError, AemCloudServiceError):
            # waiting changes neither a wrong password nor the kind of AEM
            raise
        except AemError as error:
            # A starting AEM refuses connections or answers errors; keep waiting.
            last = str(error)
        if time.monotonic() >= deadline:
            module.fail_json(msg="AEM was not ready within %s s (option wait_timeout); last state: %s"
                             % (module.params["wait_timeout"], last))
        time.sleep(module.params["wait_interval"])


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if module.params["wait_timeout"] < 0 or module.params["wait_interval"] <= 0:
        module.fail_json(msg="options wait_timeout and wait_interval: expected wait_timeout >= 0 and "
                             "wait_interval > 0 seconds")
    client = new_client(module)
    try:
        if module.params["wait_ready"]:
            version, bundles, ready = wait_until_ready(module, client)
        else:
            version, bundles, ready = read_state(client)
    except AemError as error:
        fail_from(module, error)
    module.exit_json(
        changed=False,
        version=version.text,
        version_info={"line": version.line, "major": version.parts[0], "minor": version.parts[1],
                      "service_pack": version.parts[2], "patch": version.parts[3]},
        ready=ready,
        bundles=bundles,
        brand_portal=Profile(version).as_dict(),
    )


if __name__ == "__main__":
    main()
