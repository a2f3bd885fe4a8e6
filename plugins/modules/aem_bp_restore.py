#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_restore
short_description: Put a Brand Portal backup back on the AEM author it was taken of
version_added: 0.2.0
description:
  - Makes the Brand Portal configuration of one AEM author equal to a folder written by
    M(aemtools.brand_portal.aem_bp_backup) (the upgrade role writes one per run) - a rollback of an upgrade, or of
    any change since the backup.
  - Before anything is sent to AEM it checks the folder (the manifest, the SHA-256 checksum of every file) and that
    the backup is of this author - O(host) must be the manifest's host and O(url) its AEM URL. It refuses a backup of
    another host, because a backup holds values encrypted with the key of the instance it was taken on.
  - "Per cloud service, agent and MAC user it compares the tree in the backup with the tree AEM holds and writes only
    what differs: a missing one is imported whole (Sling POST C(:operation=import)), one that differs is updated in
    one Sling POST (C(@TypeHint) for every value, C(@Delete) for what the backup does not hold) or imported again with
    C(:replace) when an update cannot express the difference. Encrypted values (C({hex})) are written as stored. A
    MAC user's keystore is uploaded as the file it was (C(keystore/store.p12))."
  - Cloud services, agents and MAC users that the backup does not hold are deleted (those created after the backup,
    such as the new configuration of an upgrade); so is an Adobe IMS configuration titled as the manifest's
    C(ims_config_title) when the backup holds none.
  - On the AEM 6.5 model the IMS configuration's OSGi properties are written back through configMgr, with the
    client secret from O(client_secret) (configMgr never shows it, so the backup cannot hold it). configMgr generates
    the PID of a configuration it creates; the configuration's C(name), which cloud services reference, is the
    backup's.
  - "Order: the cloud services first, then the IMS configuration, the agents and the MAC users with their keystores.
    Saving a cloud service makes AEM generate the four agents and the MAC user; what it generated is then
    overwritten from the backup. Each step reads what AEM holds at that moment. How AEM reacts to a cloud service
    written through the Sling POST servlet, and that it reads a keystore file put back so, is inferred, not verified
    (M(aemtools.brand_portal.aem_info) lists the inferred facts)."
  - After the writes it reads the whole configuration again and fails, naming what differs, when it does not equal
    the backup.
  - Properties the repository maintains (C(jcr:created*), C(jcr:lastModified*), C(cq:lastModified*), C(jcr:uuid),
    version properties, binary lengths) are not compared; protected C(rep:*) items (user ids, password hashes, access
    control) are written only in a node the module imports and are otherwise AEM's.
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
      - Reads only and reports every action it would take. Each step is planned against the author as it is, so
        what AEM would generate when the cloud service is written is not foreseen.
  diff_mode:
    support: full
    details:
      - One entry per node or configuration that changes, with the values that differ; secrets, encrypted values
        and the client secret appear as V(<redacted>), binaries by size and checksum.
options:
  backup:
    description:
      - The backup folder, C(<dest>/<host>/<UTC timestamp>-<random>), as M(aemtools.brand_portal.aem_bp_backup)
        returns it in RV(aemtools.brand_portal.aem_bp_backup#module:path).
    type: path
    required: true
  host:
    description:
      - Name of the author restored, usually V({{ inventory_hostname }}). Must equal the host recorded in the
        backup's manifest.
    type: str
    required: true
  client_secret:
    description:
      - The client secret of the Brand Portal credential. Required when the backup holds an Adobe IMS configuration
        (AEM 6.5), which keeps it in its customizer configuration, which configMgr never shows. Also fills a cloud
        service's client secret property (6.3/6.4 model) that the backup holds as V(<redacted>).
    type: str
  client_secret_update:
    description:
      - V(on_create) writes the IMS configuration's client secret only when its customizer configuration is created
        (configMgr cannot show the stored one for comparison); V(always) writes it on every run, and the task then
        always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  secret_properties:
    description:
      - Values of other properties that the backup holds as V(<redacted>) (secret-looking values AEM kept in clear
        text), by property name, for example C(transportPassword) of an agent whose password AEM kept in clear.
      - A value AEM keeps encrypted cannot be compared with the clear text; such a property is written only when AEM
        holds none.
      - The task fails before writing anything when the backup holds a V(<redacted>) value it has no input for.
    type: dict
    default: {}
notes:
  - Restoring a legacy (pre-2020 OAuth Gateway) configuration restores its content, not a working replication, because
    Adobe switched that gateway off.
seealso:
  - module: aemtools.brand_portal.aem_bp_backup
  - module: aemtools.brand_portal.aem_ims_config
"""

EXAMPLES = r"""
- name: Put the Brand Portal configuration back as it was before the upgrade
  aemtools.brand_portal.aem_bp_restore:
    url: "{{ aem_url }}"
    username: "{{ aem_username }}"
    password: "{{ aem_password }}"
    backup: /var/backups/brand_portal/author1/20260301T101500Z-04711093
    host: "{{ inventory_hostname }}"
    client_secret: "{{ vault_bp_client_secret }}"
  register: bp_restore

- name: What was written
  ansible.builtin.debug:
    msg: "{{ bp_restore.actions | map(attribute='path') | list }}"
"""

RETURN = r"""
actions:
  description: What the task did (in check mode, would do), in order. C(kind) is V(root), V(cloudservice),
    V(ims_config), V(agent) or V(mac_user); C(action) is V(create), V(update), V(replace), V(upload) (only a binary
    differed) or V(delete).
  returned: success
  type: list
  elements: dict
  sample: [{"kind": "cloudservice", "path": "/conf/global/settings/cloudconfigs/mediaportal/brand-portal",
            "action": "delete"},
           {"kind": "cloudservice", "path": "/etc/cloudservices/mediaportal/brand-portal", "action": "create"}]
restored:
  description: The paths (for the IMS configuration, the PID or title) written from the backup, by kind.
  returned: success
  type: dict
  sample: {"cloudservices": ["/etc/cloudservices/mediaportal/brand-portal"], "agents": [], "mac_users": [],
           "ims_configs": [], "roots": []}
removed:
  description: The paths (for an IMS configuration, its PID) deleted because the backup does not hold them.
  returned: success
  type: list
  elements: str
writes:
  description: The number of write requests sent to AEM (0 in check mode and when nothing differed).
  returned: success
  type: int
  sample: 9
secret_written:
  description: Whether the IMS configuration's client secret was (would be) written.
  returned: success
  type: bool
backup:
  description: The backup folder.
  returned: success
  type: str
manifest:
  description: The backup's manifest without node content (see M(aemtools.brand_portal.aem_bp_backup)).
  returned: success
  type: dict
diff:
  description: Per changed node or configuration the values that differ, before and after (secrets redacted).
  returned: success
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._backup import (
    check_target,
    load_backup,
    summary,
    validate_host,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import read_profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._restore import missing_secrets, restore, verify

KINDS = {"root": "roots", "cloudservice": "cloudservices", "ims_config": "ims_configs", "agent": "agents",
         "mac_user": "mac_users"}


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        backup=dict(type="path", required=True),
        host=dict(type="str", required=True),
        client_secret=dict(type="str", no_log=True),
        client_secret_update=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        secret_properties=dict(type="dict", default={}, no_log=True),
    )
    return spec


def preflight(params):
    """Everything checked before the first request to AEM."""
    validate_host("host", params["host"])
    backup = load_backup(params["backup"])
    check_target(backup.manifest, params["host"], params["url"])
    missing = missing_secrets(backup, params["client_secret"], params["secret_properties"])
    if missing:
        raise AemInputError("the backup cannot hold these secrets and the task gives no value for them: %s; set "
                            "option client_secret (the Brand Portal credential's client secret) or "
                            "secret_properties (by property name)" % "; ".join(missing))
    return backup


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        backup = preflight(params)
        client = new_client(module)
        profile = read_profile(client)
        if profile.version.text != backup.manifest.get("aem_version"):
            module.warn("the backup was taken on AEM %s, the author runs %s now; restoring it all the same"
                        % (backup.manifest.get("aem_version"), profile.version.text))
        report = restore(client, backup, params["client_secret"], params["secret_properties"],
                         params["client_secret_update"], module.check_mode)
        if report.actions and not module.check_mode:
            wrong = verify(client, backup, params["client_secret"], params["secret_properties"])
            if wrong:
                raise AemUnexpectedResponseError("AEM accepted the restore but these still differ from the backup when "
                                                 "read back: %s" % "; ".join(wrong),
                                                 attempted="verify the restore of %s" % backup.folder)
    except AemError as error:
        fail_from(module, error)
    restored = dict((kind, []) for kind in KINDS.values())
    removed = []
    for action in report.actions:
        if action["action"] == "delete":
            removed.append(action["path"])
        else:
            restored[KINDS[action["kind"]]].append(action["path"])
    module.exit_json(changed=bool(report.actions), actions=report.actions, restored=restored, removed=removed,
                     writes=report.writes, secret_written=report.secret_written, backup=backup.folder,
                     manifest=summary(backup.manifest), diff=report.diff)


if __name__ == "__main__":
    main()
