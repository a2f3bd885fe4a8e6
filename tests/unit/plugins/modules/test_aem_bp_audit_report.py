# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aem_bp_audit_report's report(): the reports are always written; fail_on_drift fails the task afterwards when an
author drifts or could not be audited; reported drift is not a change."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.aemtools.brand_portal.plugins.modules.aem_bp_audit_report import report

IN_SYNC = {"changed": False, "in_sync": True, "drift": [], "aem_version": "6.5.21.0", "model": "ims",
           "credential_type": "oauth"}
DRIFTING = dict(IN_SYNC, in_sync=False, drift=[{"step": "cloudservice", "item": "brand-portal",
                                                "before": {"tenantURL": "https://old.brand-portal.adobe.com"},
                                                "after": {"tenantURL": "https://acme.brand-portal.adobe.com"}}])
FAILED = {"failed": True, "msg": "Failed to read the AEM version: HTTP 401"}


def params(dest, fail_on_drift=False, hosts=None):
    return {"dest": dest, "results": None, "result_var": "brand_portal_configure_audit", "hosts": hosts,
            "fail_on_drift": fail_on_drift}


def fleet_json(dest):
    with open(os.path.join(dest, "fleet.json")) as handle:
        return json.load(handle)


@pytest.mark.parametrize("fail_on_drift", [False, True])
def test_drift_fails_the_task_only_with_fail_on_drift_and_the_reports_are_written_either_way(tmp_path, fail_on_drift):
    dest = str(tmp_path)
    result = report(params(dest, fail_on_drift), {"a1": IN_SYNC, "a2": DRIFTING},
                    {"a1": "https://a1:4502", "a2": "https://a2:4502"})
    assert result["changed"] is False
    assert sorted(os.path.basename(p) for p in result["written"]) == [
        "a1.json", "a2.json", "fleet.json", "junit.xml", "report.html", "summary.md"]
    assert result["fleet"] == {"hosts": 2, "drifting": ["a2"], "failed": [], "unreachable": [], "in_sync": ["a1"]}
    assert fleet_json(dest)["results"]["a2"]["aem_url"] == "https://a2:4502"
    if fail_on_drift:
        assert result["failed"] is True
        assert result["msg"] == "Drift: a2; not audited: none. See %s/fleet.json." % dest
    else:
        assert "failed" not in result
        assert result["msg"].startswith("2 host(s) audited: 1 in sync, drifting: a2, failed: none")


def test_a_host_without_a_result_fails_with_fail_on_drift_as_not_audited(tmp_path):
    dest = str(tmp_path)
    result = report(params(dest, True, hosts=["a1", "a2", "a3"]), {"a1": IN_SYNC, "a3": FAILED})
    assert result["failed"] is True
    assert result["msg"] == "Drift: none; not audited: a2, a3. See %s/fleet.json." % dest
    assert result["fleet"]["failed"] == ["a2", "a3"] and result["fleet"]["unreachable"] == ["a2"]


def test_fail_on_drift_passes_when_every_author_is_in_sync(tmp_path):
    result = report(params(str(tmp_path), True), {"a1": IN_SYNC, "a2": IN_SYNC})
    assert "failed" not in result and result["fleet"]["in_sync"] == ["a1", "a2"]


def test_hosts_limits_the_report_to_those_hosts(tmp_path):
    result = report(params(str(tmp_path), True, hosts=["a1"]), {"a1": IN_SYNC, "a2": DRIFTING})
    assert "failed" not in result and result["fleet"]["hosts"] == 1
    assert not os.path.exists(os.path.join(str(tmp_path), "a2.json"))


def test_a_rerun_of_an_unchanged_fleet_writes_nothing(tmp_path):
    dest = str(tmp_path)
    results = {"a1": IN_SYNC, "a2": DRIFTING}
    assert report(params(dest, True), results)["written"]
    again = report(params(dest, True), results)
    assert again["written"] == [] and again["changed"] is False and again["failed"] is True


def test_a_dest_that_cannot_be_a_directory_is_named_in_the_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = report(params(str(blocker / "reports")), {"a1": IN_SYNC})
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("option dest: cannot write the reports in %s" % (blocker / "reports"))


HEALTHY = dict(IN_SYNC, healthy=True, expiring=False, problems=[])
TOKEN = {"kind": "token", "item": "Brand Portal", "message": "Error: invalid_client"}
UNHEALTHY = dict(IN_SYNC, healthy=False, expiring=False, problems=[TOKEN])
EXPIRY = {"kind": "expiry", "item": "brandportal", "message": "expires in 10 days"}
EXPIRING = dict(IN_SYNC, healthy=True, expiring=True, problems=[EXPIRY])


@pytest.mark.parametrize("fail_on, fails, words", [
    ([], False, None),
    (["drift"], False, None),
    (["unhealthy"], True, "unhealthy: a2"),
    (["expiry"], True, "certificate expiring: a3"),
    (["drift", "unhealthy", "expiry"], True, "Drift: none; unhealthy: a2; certificate expiring: a3"),
])
def test_fail_on_picks_what_fails_the_audit(tmp_path, fail_on, fails, words):
    dest = str(tmp_path)
    result = report(dict(params(dest), fail_on=fail_on), {"a1": HEALTHY, "a2": UNHEALTHY, "a3": EXPIRING})
    assert result["fleet"]["unhealthy"] == ["a2"] and result["fleet"]["expiring"] == ["a3"]
    assert bool(result.get("failed")) is fails
    if fails:
        assert result["msg"].startswith(words) and "not audited: none" in result["msg"]
    assert fleet_json(dest)["results"]["a2"]["health"]["problems"][0]["kind"] == "token"


def test_fail_on_unhealthy_also_fails_on_an_author_that_could_not_be_audited(tmp_path):
    result = report(dict(params(str(tmp_path), hosts=["a1", "a2"]), fail_on=["unhealthy"]), {"a1": HEALTHY})
    assert result["failed"] is True and "not audited: a2" in result["msg"]
