#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_capture_compare
short_description: Say which of the collection's version facts a Brand Portal capture confirms or contradicts
version_added: 0.3.0
description:
  - Compares a capture that M(aemtools.brand_portal.aem_bp_capture) wrote (or returned) with the collection's table
    of version facts (C(plugins/module_utils/_profiles.py), the paths, property names, agent names and servlet URLs
    the modules rely on) and says, for every fact, whether the capture confirms it, contradicts it (with the
    captured value beside the expected one) or does not cover it. Facts marked inferred in the table are the ones a
    capture of a real author is for; C(inferred) in RV(summary) lists them by verdict.
  - Needs no AEM - only the capture file - so a capture taken on a customer's author can be checked anywhere the
    collection is installed, for example
    C(ansible localhost -m aemtools.brand_portal.aem_bp_capture_compare -a src=capture/author1.json).
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.attributes
attributes:
  check_mode:
    support: full
    details:
      - The module only reads the capture.
  diff_mode:
    support: none
options:
  src:
    description:
      - Path of a capture file (JSON, as M(aemtools.brand_portal.aem_bp_capture) writes it with its O(aemtools.brand_portal.aem_bp_capture#module:dest)) on the
        machine that runs the module.
      - Exactly one of O(src) and O(capture) is required.
    type: path
  capture:
    description:
      - A capture as M(aemtools.brand_portal.aem_bp_capture) returns it (RV(aemtools.brand_portal.aem_bp_capture#module:capture)).
    type: dict
  fail_on_contradiction:
    description: Fail (after comparing, with the whole result) when the capture contradicts a fact.
    type: bool
    default: false
seealso:
  - module: aemtools.brand_portal.aem_bp_capture
"""

EXAMPLES = r"""
- name: Check a capture received from a colleague's author
  aemtools.brand_portal.aem_bp_capture_compare:
    src: captures/author-6.5.21.json
    fail_on_contradiction: true
  register: comparison
  delegate_to: localhost

- name: Show each fact's verdict
  ansible.builtin.debug:
    msg: "{{ comparison.report }}"
"""

RETURN = r"""
facts:
  description:
    - One entry per fact of the collection's table - C(fact), C(status) (C(verified) or C(inferred)), C(verdict)
      (C(confirmed), C(contradicted) or C(not_covered)), C(expected) (the table's value), C(captured) (what the
      capture shows), C(detail) and C(source) (C(AEM facts §N) and C(IMS facts §N) are sections of the
      collection's docs page docs/docsite/rst/aem_facts.rst).
  returned: success
  type: list
  elements: dict
  sample:
    - {"fact": "ims_oauth_token_request", "status": "verified", "verdict": "confirmed",
       "expected": "{server}/ims/token/v3",
       "captured": {"com.adobe.granite.auth.oauth.accesstoken.provider.4f1c": "https://ims-na1.adobelogin.com/ims/token/v3"},
       "detail": "", "source": "IMS facts §4.6 and AEM facts §7.2 ..."}
summary:
  description: Counts by verdict (C(confirmed), C(contradicted), C(not_covered)), the inferred facts by verdict
    (C(inferred)), C(contradicted_facts), the capture's C(host) and C(version).
  returned: success
  type: dict
  sample: {"confirmed": 20, "contradicted": 0, "not_covered": 10, "contradicted_facts": [], "host": "author1",
           "version": "6.5.21.0", "inferred": {"confirmed": ["agent_names"], "contradicted": [], "not_covered": []}}
report:
  description: One line per fact for people, contradictions first.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._capture import (
    compare,
    load,
    message,
    report_lines,
    summary,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError


def argument_spec():
    return dict(
        src=dict(type="path"),
        capture=dict(type="dict"),
        fail_on_contradiction=dict(type="bool", default=False),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[("src", "capture")], required_one_of=[("src", "capture")])
    params = module.params
    try:
        capture = load(params["src"]) if params["src"] else params["capture"]
        facts = compare(capture)
    except AemError as error:
        option = "src" if params["src"] else "capture"
        module.fail_json(msg="option %s: %s" % (option, error.message))
    counts = summary(facts, capture)
    result = {"changed": False, "facts": facts, "summary": counts, "report": report_lines(facts),
              "msg": message(counts)}
    if params["fail_on_contradiction"] and counts["contradicted"]:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
