# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's reports: one per author from its aem_brand_portal (state=gathered) result, the fleet's summary, a
JUnit XML that CI can read (failure = drift, error = not audited), files written only when their content differs."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

from ansible_collections.aemtools.brand_portal.plugins.module_utils._audit_report import (
    NOT_AUDITED,
    fleet_report,
    host_report,
    junit,
    write_reports,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.test_bp_converge import (
    FakeAuthor,
    configured_author,
    no_ims,
    run,
)

IN_SYNC = {"changed": False, "in_sync": True, "drift": [], "aem_version": "6.5.21.0", "model": "ims",
           "credential_type": "oauth", "complete": True}
DRIFTING = dict(IN_SYNC, in_sync=False, drift=[
    {"step": "agent", "item": "mp_replication_2", "before": {"protocolHTTPConnectionClosed": "false"},
     "after": {"protocolHTTPConnectionClosed": "true"}},
    {"step": "agents", "item": "", "before": {}, "after": {}},
])
FAILED = {"failed": True, "changed": False, "msg": "Failed to read the AEM version (GET /system/console/"
                                                   "status-productinfo.json): AEM refused the credentials (HTTP 401)"}
UNREACHABLE = {"unreachable": True, "msg": "Failed to connect to the host via ssh"}


def fleet():
    return fleet_report({"author1": host_report("author1", IN_SYNC, "https://author1:4502"),
                         "author2": host_report("author2", DRIFTING, "https://author2:4502"),
                         "author3": host_report("author3", FAILED),
                         "author4": host_report("author4", None)})


# -- one host ------------------------------------------------------------------------------------------------------

def test_a_drifting_gathered_result_lists_each_item_with_before_and_after():
    report = host_report("author2", DRIFTING, "https://author2:4502")
    assert report["drift"] is True and report["error"] is None
    assert report["aem_url"] == "https://author2:4502" and report["aem_version"] == "6.5.21.0"
    assert report["model"] == "ims" and report["credential_type"] == "oauth"
    assert report["changes"] == [
        {"item": "agent mp_replication_2", "before": {"protocolHTTPConnectionClosed": "false"},
         "after": {"protocolHTTPConnectionClosed": "true"}},
        {"item": "agents", "before": {}, "after": {}}]


def test_an_in_sync_result_has_no_drift_and_no_error():
    report = host_report("author1", IN_SYNC)
    assert report["drift"] is False and report["error"] is None and report["changes"] == []


def test_a_failed_result_is_an_error_with_its_message_and_no_changes():
    report = host_report("author3", dict(FAILED, drift=DRIFTING["drift"]))
    assert report["error"] == FAILED["msg"] and report["drift"] is False and report["changes"] == []
    assert host_report("x", {"failed": True})["error"] == "the audit failed on this host"
    assert host_report("x", UNREACHABLE)["error"] == UNREACHABLE["msg"]


def test_a_missing_result_means_not_audited():
    for result in (None, {}):
        report = host_report("author4", result)
        assert report["error"] == NOT_AUDITED and report["drift"] is False
        assert report["aem_version"] is None and report["changes"] == []


def test_the_report_of_a_real_gathered_run_names_the_drifting_agent():
    aem = configured_author()
    aem.agent("mp_replication_1")["protocolHTTPConnectionClosed"] = "false"
    result = run(aem, ims=no_ims, state="gathered")[0]
    report = host_report("author1", result)
    assert report["drift"] is True and [c["item"] for c in report["changes"]] == ["agent mp_replication_1"]
    assert report["aem_version"] == "6.5.21.0" and report["model"] == "ims"
    assert host_report("author2", run(FakeAuthor(), ims=no_ims, state="gathered")[0])["drift"] is True


# -- the fleet -----------------------------------------------------------------------------------------------------

def test_the_fleet_sorts_hosts_into_in_sync_drifting_and_failed():
    summary = fleet()
    assert summary["hosts"] == 4
    assert summary["in_sync"] == ["author1"]
    assert summary["drifting"] == ["author2"]
    assert summary["failed"] == ["author3", "author4"]
    assert summary["unreachable"] == ["author4"]
    assert sorted(summary["results"]) == ["author1", "author2", "author3", "author4"]


def test_junit_has_one_testcase_per_host_with_failure_or_error():
    root = ET.fromstring(junit(fleet()))
    assert root.tag == "testsuites" and root.get("tests") == "4"
    assert root.get("failures") == "1" and root.get("errors") == "2"
    [suite] = root.findall("testsuite")
    cases = dict((case.get("name"), case) for case in suite.findall("testcase"))
    assert sorted(cases) == ["author1", "author2", "author3", "author4"]
    assert list(cases["author1"]) == []
    [failure] = list(cases["author2"])
    assert failure.tag == "failure" and failure.get("type") == "drift"
    assert "2 item(s) drift" in failure.get("message") and "agent mp_replication_2" in failure.get("message")
    assert 'agent mp_replication_2: {"protocolHTTPConnectionClosed": "false"} -> ' in failure.text
    [error] = list(cases["author3"])
    assert error.tag == "error" and error.get("message") == FAILED["msg"]
    assert [e.tag for e in cases["author4"]] == ["error"] and cases["author4"][0].get("message") == NOT_AUDITED


def test_junit_escapes_what_the_messages_hold():
    bad = dict(FAILED, msg='<html> & "quotes"')
    root = ET.fromstring(junit(fleet_report({"a&b": host_report("a&b", bad)})))
    [case] = root.iter("testcase")
    assert case.get("name") == "a&b" and case.find("error").get("message") == '<html> & "quotes"'


# -- files ---------------------------------------------------------------------------------------------------------

def test_write_reports_writes_each_file_once_and_then_only_what_changed(tmp_path):
    dest = str(tmp_path / "reports")
    summary = fleet()
    written = write_reports(dest, summary)
    names = sorted(os.path.basename(p) for p in written)
    assert names == ["author1.json", "author2.json", "author3.json", "author4.json", "fleet.json", "junit.xml"]
    with open(os.path.join(dest, "author2.json")) as handle:
        assert json.load(handle) == summary["results"]["author2"]
    with open(os.path.join(dest, "fleet.json")) as handle:
        assert json.load(handle)["drifting"] == ["author2"]
    ET.parse(os.path.join(dest, "junit.xml"))
    before = os.stat(os.path.join(dest, "fleet.json")).st_mtime_ns
    assert write_reports(dest, summary) == []
    assert os.stat(os.path.join(dest, "fleet.json")).st_mtime_ns == before
    # one author back in sync: its report, the fleet and the JUnit file change; the others stay
    reports = dict(summary["results"], author2=host_report("author2", IN_SYNC, "https://author2:4502"))
    changed = sorted(os.path.basename(p) for p in write_reports(dest, fleet_report(reports)))
    assert changed == ["author2.json", "fleet.json", "junit.xml"]
    assert not [n for n in os.listdir(dest) if n.startswith(".audit-")]
