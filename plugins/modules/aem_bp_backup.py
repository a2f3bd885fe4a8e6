#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_backup
short_description: Back up the Brand Portal configuration of an AEM author into a new folder
version_added: 0.2.0
description:
  - Reads everything Brand Portal owns on one AEM author and writes it into a NEW folder
    C(<dest>/<host>/<UTC timestamp>-<random>/) on the host that runs the module (the controller, with
    C(connection=local) as in the collection's playbooks). M(aemtools.brand_portal.aem_bp_restore) puts such a
    folder back.
  - "The backup holds: the cloud services under C(/etc/cloudservices/mediaportal) and
    C(/conf/global/settings/cloudconfigs/mediaportal) (whole trees, C(.infinity.json)); the replication agents under
    C(/etc/replication/agents.author) whose name starts with O(agent_prefix); the MAC users under C(/home/users/mac)
    with the binary of their keystore (C(keystore/store.p12), base64) where they have one; on the AEM 6.5 model the
    Adobe IMS configuration titled O(ims_config_title) (the OSGi properties of its token provider and customizer, as
    configMgr shows them); and the roots themselves, so that a restore also removes what was created later."
  - Values AEM keeps encrypted (C({hex}), for example an agent's C(transportPassword)) are kept as AEM stores them.
    They decrypt only on the instance that encrypted them, and a restore needs them as they are. Secret-looking
    values AEM keeps in clear (names containing password, secret, private key, access or refresh token,
    credential) are replaced by V(<redacted>) unless O(redact=false); a restore then takes them as input. The
    client secret of an IMS configuration is never in a backup, because configMgr does not give it out.
  - The folder is 0700 and every file 0600; nothing existing is ever overwritten. C(manifest.json), written last,
    names the host, the AEM URL, version and model, the time, every file with its SHA-256 checksum.
  - A tree larger than AEM renders at once (C(json.maximumresults) of the Apache Sling GET Servlet) fails the task
    instead of giving an incomplete backup.
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
      - Reads AEM and writes nothing; returns the folder and the files a real run would write.
  diff_mode:
    support: none
options:
  dest:
    description:
      - Base folder of the backups. The backup goes into a new folder C(<dest>/<host>/<UTC timestamp>-<random>/);
        C(<dest>) and C(<dest>/<host>) are created (0700) when missing.
    type: path
    required: true
  host:
    description:
      - Name of the author the backup is of, usually V({{ inventory_hostname }}); it names the folder and is
        recorded in the manifest. M(aemtools.brand_portal.aem_bp_restore) refuses to restore the backup under
        another host name or through another O(url).
    type: str
    required: true
  agent_prefix:
    description:
      - Name prefix of the Brand Portal replication agents under C(/etc/replication/agents.author).
    type: str
    default: mp_replication
  ims_config_title:
    description:
      - AEM 6.5 model only. Title of the Adobe IMS configuration to back up (the one the Brand Portal cloud service
        uses, the one aemtools.brand_portal.brand_portal_configure creates or updates). The manifest records it, so
        that a restore also removes a configuration of this title created after the backup.
      - Without it no IMS configuration is backed up or restored.
    type: str
  redact:
    description:
      - Replace secret-looking values that AEM keeps in clear text by V(<redacted>) in the files.
      - AEM-encrypted values (C({hex})) are kept either way (see the description).
      - With V(false) the clear-text secrets are stored as they are, and the restore needs no input for them; keep
        such a folder like a password store.
    type: bool
    default: true
notes:
  - Keep backup folders private even when redacted - they hold AEM-encrypted values, user names, tenant URLs and
    the MAC user's keystore (protected by the keystore password on AEM).
seealso:
  - module: aemtools.brand_portal.aem_bp_restore
  - module: aemtools.brand_portal.aem_ims_config
"""

EXAMPLES = r"""
- name: Back up the Brand Portal configuration of every author on the controller
  aemtools.brand_portal.aem_bp_backup:
    url: "{{ aem_url }}"
    username: "{{ aem_username }}"
    password: "{{ aem_password }}"
    dest: /var/backups/brand_portal
    host: "{{ inventory_hostname }}"
    ims_config_title: Brand Portal
  register: bp_backup

- name: Show where it went
  ansible.builtin.debug:
    msg: "{{ bp_backup.path }}: {{ bp_backup.files | join(', ') }}"
"""

RETURN = r"""
path:
  description:
    - The backup folder. In check mode, the folder a real run would have written (a real run picks its own time
      and random part).
  returned: success
  type: str
  sample: /var/backups/brand_portal/author1/20260301T101500Z-04711093
files:
  description: The files of the folder besides C(manifest.json), relative to it (in check mode, those a real run
    would write).
  returned: success
  type: list
  elements: str
  sample: [agents/mp_replication.json, cloudservices/brand-portal.json, mac_users/mac-acme-replication.json]
counts:
  description: How many cloud services, agents, MAC users, keystores and IMS configurations the backup holds.
  returned: success
  type: dict
  sample: {"cloudservices": 1, "agents": 4, "mac_users": 1, "keystores": 1, "ims_configs": 0}
manifest:
  description:
    - The manifest as written, without node content (its C(roots) are only the paths of the roots that exist).
    - C(redacted_properties) lists the paths of the values replaced by V(<redacted>).
  returned: success
  type: dict
  contains:
    format:
      description: Format of the folder.
      type: str
      sample: aemtools.brand_portal/bp-backup/1
    host:
      description: O(host).
      type: str
    aem_url:
      description: O(url), without a trailing slash.
      type: str
    aem_version:
      description: The AEM version, four numbers.
      type: str
    model:
      description: V(ims) (AEM 6.5) or V(cloudservice) (6.3, 6.4).
      type: str
    created:
      description: UTC time of the backup.
      type: str
    sha256:
      description: The SHA-256 checksum of every file.
      type: dict
"""

from datetime import datetime, timezone
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._backup import (
    build_backup,
    folder_name,
    read_footprint,
    summary,
    validate_host,
    write_backup,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        dest=dict(type="path", required=True),
        host=dict(type="str", required=True),
        agent_prefix=dict(type="str", default="mp_replication"),
        ims_config_title=dict(type="str"),
        redact=dict(type="bool", default=True),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        host = validate_host("host", params["host"])
        if not (params["agent_prefix"] or "").strip():
            module.fail_json(msg="option agent_prefix: empty; expected the agents' name prefix, e.g. mp_replication")
        client = new_client(module)
        footprint = read_footprint(client, params["agent_prefix"], params["ims_config_title"])
        created = datetime.now(timezone.utc)
        files, manifest = build_backup(footprint, host, params["url"], redact=params["redact"], created=created)
        if module.check_mode:
            path = os.path.join(params["dest"], host, folder_name(created))
        else:
            path = write_backup(params["dest"], host, files, manifest, created)
    except AemError as error:
        fail_from(module, error)
    counts = dict((kind, len(footprint.items[kind])) for kind in footprint.items)
    counts["keystores"] = sum(1 for user in manifest["mac_users"] if user["keystore"])
    counts["ims_configs"] = len(manifest["ims_configs"])
    module.exit_json(changed=True, path=path, files=manifest["files"], counts=counts, manifest=summary(manifest))


if __name__ == "__main__":
    main()
