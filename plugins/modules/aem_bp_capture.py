#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_capture
short_description: Capture, redacted, what an AEM author holds for Brand Portal and check the collection's inferred facts
version_added: 0.3.0
description:
  - Reads, with GET and HEAD requests only, what an AEM author holds for Brand Portal - the product information and
    version, every replication agent under C(/etc/replication/agents.author) (C(transportUri), C(userId), the
    properties of its C(jcr:content)), the cloud services under both roots (C(/etc/cloudservices/mediaportal) and
    C(/conf/global/settings/cloudconfigs/mediaportal)), the Adobe IMS configurations of the configuration manager
    (the token providers and their client-secret customizers), the keystore aliases of the IMS service user and of
    the MAC users (subject, serial number and expiry of each certificate, never a key), and the answers of the
    servlets whose URLs the collection infers where a GET is safe (the public certificate downloads; Check Health
    with O(check_health=true)).
  - Returns the capture redacted, and writes it as JSON in O(dest) when given. The value of every property whose
    name looks secret (password, secret, private key, access or refresh token, credential), every password of the
    configuration manager, every AEM-encrypted C({...}) value, every token-shaped text, the AEM password and the
    values of O(secrets) are replaced by C(<redacted>); a capture that would still hold such a value after that fails
    the task and is not written. Property names stay, so the comparison can tell which exist.
  - Compares the capture with the collection's table of version facts (C(plugins/module_utils/_profiles.py)) and
    says for every fact whether the capture confirms it, contradicts it or does not cover it (RV(facts),
    RV(summary)); M(aemtools.brand_portal.aem_bp_capture_compare) does the same for a capture file later, without
    an author. The comparison is only as good as the author - one configured by hand in AEM's UI tells how AEM
    does things; values this collection wrote confirm only themselves.
  - A read AEM refuses (403, an unreadable answer) is listed in C(errors) of the capture and the capture goes on;
    a wrong password fails the task.
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
      - The module only reads AEM (its client refuses any request but GET and HEAD), in check mode too.
      - Writes the capture file O(dest) in check mode too - it is the module's output on the machine that runs it,
        not a change to the author.
  diff_mode:
    support: none
options:
  dest:
    description:
      - Path of the JSON file to write the redacted capture in, on the machine that runs the module (the controller
        with C(connection=local)); missing folders are created. The file is rewritten only when its content
        differs, so an unchanged author gives C(changed=false). Not written when omitted.
    type: path
  host:
    description:
      - Name of the author in the capture (for example C(inventory_hostname)). Defaults to the host and port of
        O(url).
    type: str
  check_health:
    description:
      - Also GET AEM's Check Health for every Adobe IMS configuration (the inferred
        C(<ims servlet base>/health?configurationId=<pid>)). AEM then asks Adobe IMS for a token with the stored
        credential - nothing is written in AEM, but IMS issues a token - so it is off by default.
    type: bool
    default: false
  secrets:
    description:
      - More values to redact wherever they appear (for example the client secret), besides the AEM password and
        every secret-looking property.
    type: list
    elements: str
    default: []
requirements:
  - cryptography (to describe the downloaded public certificates)
notes:
  - A capture file contains no secret but does describe the author (paths, user names, certificate subjects, tenant
    URL); share it as you would a configuration export.
seealso:
  - module: aemtools.brand_portal.aem_bp_capture_compare
  - module: aemtools.brand_portal.aem_info
"""

EXAMPLES = r"""
- name: Capture what the author holds for Brand Portal, on the controller
  aemtools.brand_portal.aem_bp_capture:
    dest: "{{ playbook_dir }}/capture/{{ inventory_hostname }}.json"
    host: "{{ inventory_hostname }}"
  register: capture

- name: Show which inferred facts it confirms or contradicts
  ansible.builtin.debug:
    msg: "{{ capture.report }}"
"""

RETURN = r"""
capture:
  description:
    - The redacted capture, as written in O(dest) - C(format) (C(aemtools.brand_portal/capture/1)), C(host),
      C(aem_url), C(version), C(product_info), C(profile) (what the collection does on that version), C(agents),
      C(cloudservices) (by root), C(ims_configurations) (C(providers), C(customizers)), C(users)
      (C(ims_service_user), C(mac_users) with their keystore aliases), C(servlets) (C(ims_certificate),
      C(classic_certificate), C(ims_health)) and C(errors).
  returned: always
  type: dict
dest:
  description: The file written, when O(dest) was given.
  returned: when O(dest) is given
  type: str
facts:
  description:
    - One entry per fact of the collection's table - C(fact), C(status) (C(verified) or C(inferred)), C(verdict)
      (C(confirmed), C(contradicted) or C(not_covered)), C(expected) (the table's value), C(captured) (what the
      capture shows), C(detail) and C(source) (where the table's value comes from - C(AEM facts §N) and
      C(IMS facts §N) are sections of the collection's docs page docs/docsite/rst/aem_facts.rst).
  returned: always
  type: list
  elements: dict
  sample:
    - {"fact": "agent_names", "status": "inferred", "verdict": "confirmed",
       "expected": ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"],
       "captured": ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"],
       "detail": "per tenant: https://acme.brand-portal.adobe.com: 4 agents", "source": "AEM facts §6.4: ..."}
summary:
  description: Counts by verdict (C(confirmed), C(contradicted), C(not_covered)), the inferred facts by verdict
    (C(inferred)), C(contradicted_facts), C(host) and C(version).
  returned: always
  type: dict
report:
  description: One line per fact for people, contradictions first.
  returned: always
  type: list
  elements: str
"""

from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._capture import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    capture_author,
    compare,
    message,
    report_lines,
    summary,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._files import write_if_changed
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import COLLECTION_VERSION, without_credentials


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        dest=dict(type="path"),
        host=dict(type="str"),
        check_health=dict(type="bool", default=False),
        secrets=dict(type="list", elements="str", default=[], no_log=True),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if CRYPTOGRAPHY_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    params = module.params
    client = new_client(module)
    # a capture only reads, in check mode or not: the client refuses anything but GET and HEAD
    client.read_only = True
    aem_url = without_credentials(params["url"])
    host = params["host"] or urlsplit(aem_url).netloc or aem_url
    try:
        capture, text = capture_author(client, host, aem_url, COLLECTION_VERSION, params["check_health"],
                                       params["secrets"])
    except AemError as error:
        fail_from(module, error)
    facts = compare(capture)
    counts = summary(facts, capture)
    result = {"changed": False, "capture": capture, "facts": facts, "summary": counts,
              "report": report_lines(facts), "msg": message(counts)}
    if params["dest"]:
        try:
            result["changed"] = write_if_changed(params["dest"], text)
        except (IOError, OSError) as exc:
            result["msg"] = ("option dest: cannot write %s: %s; expected a file path the machine running the module "
                             "can write" % (params["dest"], exc.strerror or exc))
            module.fail_json(**result)
        result["dest"] = params["dest"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
