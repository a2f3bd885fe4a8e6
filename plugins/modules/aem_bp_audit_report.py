#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_bp_audit_report
short_description: Write the Brand Portal audit's reports for the whole fleet in one task
version_added: 0.3.0
description:
  - Takes the M(aemtools.brand_portal.aem_brand_portal) result (O(aemtools.brand_portal.aem_brand_portal#module:state=gathered)) of every author and writes, in
    O(dest), C(<host>.json) per author, C(fleet.json) (hosts, drifting, failed, in_sync, every report),
    C(junit.xml) (one test case per author - a failure lists what drifts, an error says why the author could not be
    audited), C(report.html) and C(summary.md). Returns the fleet summary.
  - C(report.html) is a self-contained page (inline CSS, no script, no external asset) and C(summary.md) the same
    table in Markdown for CI job summaries - one row per author with AEM version, model, credential type, status
    (failed, drifting or in sync), what drifts (item, property, before and after) or why the author could not be
    audited, and the queue state when the audit result carries a C(queues) key (C(-) otherwise).
  - When the audit checked health (O(aemtools.brand_portal.aem_brand_portal#module:health=true)), every report also
    carries it - C(<host>.json) a C(health) key (C(healthy), C(expiring), C(problems), the token check, the certificate
    and the credential type AEM holds), C(fleet.json) the C(unhealthy) and C(expiring) hosts, C(junit.xml) a second
    suite C(brand_portal_health) (a failure of type C(unhealthy) or C(expiry) lists the problems), and the HTML and
    Markdown tables a Health column; an unhealthy author is listed right after the failed ones. Failed authors
    come first, then drifting ones, then those in sync. The value of every secret-looking property (a name with
    password, secret, private key, access or refresh token, credential) is shown as C(<redacted>); host names and
    values are escaped.
  - Run it once (C(run_once)) after the audit task. As an action plugin it collects the results itself from the
    registered variable O(result_var) of every host of the play, in the controller's process, so a fleet of any size
    costs one task; an author with no result (unreachable, or failed before the audit) is reported as failed.
  - The files are written only when their content differs, and reported drift is not a change - a re-run of an
    unchanged fleet reports C(changed=false).
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.attributes
attributes:
  check_mode:
    support: full
    details:
      - Writes the reports in check mode too - they are the audit's output on the controller, not a change to any
        author.
  diff_mode:
    support: none
options:
  dest:
    description: Directory on the controller for the reports; created when missing.
    type: path
    required: true
  results:
    description:
      - The aem_brand_portal result of each author, by inventory host name. When omitted (the usual way), the action
        plugin reads O(result_var) of every host in O(hosts).
    type: dict
  result_var:
    description: Name of the variable each host registered the aem_brand_portal result in.
    type: str
    default: brand_portal_configure_audit
  hosts:
    description: The hosts to report on. Defaults to every host of the play (C(ansible_play_hosts_all)).
    type: list
    elements: str
  fail_on_drift:
    description:
      - Fail (after writing the reports) when an author drifts or could not be audited. The same as O(fail_on=[drift]).
    type: bool
    default: false
  fail_on:
    description:
      - Fail (after writing the reports) on any of these; an author that could not be audited fails under each.
      - C(drift) - an author differs from its desired state.
      - C(unhealthy) - the audit checked health (M(aemtools.brand_portal.aem_brand_portal) with
        O(aemtools.brand_portal.aem_brand_portal#module:health=true)) and something does not work - Adobe IMS issues no
        token with the credential AEM holds, a queue is blocked, paused or stuck, a Test Connection failed, the
        certificate has expired.
      - C(expiry) - a certificate expires within the audit's
        O(aemtools.brand_portal.aem_brand_portal#module:certificate_warn_days).
    type: list
    elements: str
    choices: [drift, unhealthy, expiry]
    default: []
"""

EXAMPLES = r"""
- name: Compare each author with the desired state
  aemtools.brand_portal.aem_brand_portal:
    state: gathered
    tenant_url: "{{ bp_tenant_url }}"
  register: brand_portal_configure_audit
  ignore_errors: true

- name: Write the reports
  aemtools.brand_portal.aem_bp_audit_report:
    dest: "{{ playbook_dir }}/audit-report"
    fail_on_drift: true
  run_once: true
"""

RETURN = r"""
fleet:
  description: The fleet summary - C(hosts) (number), C(drifting), C(failed), C(in_sync), C(unhealthy), C(expiring)
    (host names), C(health_checked) - without the per-host reports.
  returned: always
  type: dict
  sample: {hosts: 3, drifting: [author2], failed: [], in_sync: [author1, author3], unhealthy: [author3],
           expiring: [], health_checked: true}
written:
  description: The report files whose content changed (among C(<host>.json), C(fleet.json), C(junit.xml),
    C(report.html), C(summary.md) in O(dest)).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._audit_report import (
    FAIL_ON,
    failing,
    fleet_report,
    host_report,
    summary_line,
    write_reports,
)


def argument_spec():
    return dict(
        dest=dict(type="path", required=True),
        results=dict(type="dict"),
        result_var=dict(type="str", default="brand_portal_configure_audit"),
        hosts=dict(type="list", elements="str"),
        fail_on_drift=dict(type="bool", default=False),
        fail_on=dict(type="list", elements="str", choices=list(FAIL_ON), default=[]),
    )


def report(params, results, urls=None):
    """Write the reports; the task result (``failed`` with fail_on_drift and drift or failures)."""
    hosts = params["hosts"] if params["hosts"] is not None else sorted(results)
    reports = dict((h, host_report(h, results.get(h), (urls or {}).get(h))) for h in hosts)
    fleet = fleet_report(reports)
    try:
        written = write_reports(params["dest"], fleet)
    except (IOError, OSError) as exc:
        return {"failed": True, "changed": False,
                "msg": "option dest: cannot write the reports in %s: %s; expected a directory the controller can "
                       "write" % (params["dest"], exc.strerror or exc)}
    summary = dict((k, v) for k, v in fleet.items() if k != "results")
    result = {"changed": False, "fleet": summary, "written": written, "msg": summary_line(fleet, params["dest"])}
    fail_on = set(params.get("fail_on") or []) | ({"drift"} if params["fail_on_drift"] else set())
    reasons = failing(fleet, fail_on)
    if reasons:
        names = (("drift", "Drift"), ("unhealthy", "unhealthy"), ("expiry", "certificate expiring"))
        parts = ["%s: %s" % (label, ", ".join(reasons.get(key) or []) or "none") for key, label in names
                 if key in fail_on]
        result.update(failed=True, msg="%s; not audited: %s. See %s." % (
            "; ".join(parts), ", ".join(fleet["failed"]) or "none", params["dest"] + "/fleet.json"))
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if module.params["results"] is None:
        module.fail_json(msg="option results: required when the module runs without its action plugin (the action "
                             "plugin collects each host's result_var); expected the results by host name")
    result = report(module.params, module.params["results"])
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
