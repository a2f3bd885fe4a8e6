# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's reports: one per author from its aem_brand_portal (state=gathered) result, the fleet's summary, a
JUnit XML that CI can read (failure = drift, error = not audited), files written only when their content differs."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from ansible_collections.aemtools.brand_portal.plugins.module_utils._audit_report import (
    NOT_AUDITED,
    fleet_report,
    host_report,
    html_report,
    junit,
    markdown_summary,
    rows,
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
    assert names == ["author1.json", "author2.json", "author3.json", "author4.json", "fleet.json", "junit.xml",
                     "report.html", "summary.md"]
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
    assert changed == ["author2.json", "fleet.json", "junit.xml", "report.html", "summary.md"]
    assert not [n for n in os.listdir(dest) if n.startswith(".audit-")]


# -- for people: report.html and summary.md --------------------------------------------------------------------------

class Table(HTMLParser):
    """The report's rows as the browser would see them: attributes and the text of each cell, unescaped."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.rows, self.tags, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr" and dict(attrs).get("data-host") is not None:
            self.rows.append({"attrs": dict(attrs), "cells": []})
        elif tag == "td" and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1]["cells"].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parsed(page):
    table = Table()
    table.feed(page)
    return table


def test_rows_put_failed_first_then_drifting_then_in_sync():
    summary = fleet_report({"a-in-sync": host_report("a-in-sync", IN_SYNC),
                            "b-drifting": host_report("b-drifting", DRIFTING),
                            "c-failed": host_report("c-failed", FAILED),
                            "z-drifting": host_report("z-drifting", DRIFTING),
                            "d-no-result": host_report("d-no-result", None)})
    assert [(r["host"], r["status"]) for r in rows(summary)] == [
        ("c-failed", "failed"), ("d-no-result", "failed"), ("b-drifting", "drifting"), ("z-drifting", "drifting"),
        ("a-in-sync", "in sync")]
    page = parsed(html_report(summary))
    assert [r["attrs"]["data-host"] for r in page.rows] == ["c-failed", "d-no-result", "b-drifting", "z-drifting",
                                                            "a-in-sync"]
    md_hosts = [line.split("|")[1].strip() for line in markdown_summary(summary).splitlines()[6:]]
    assert md_hosts == ["c-failed", "d-no-result", "b-drifting", "z-drifting", "a-in-sync"]


def test_the_html_row_has_version_model_credential_status_drift_and_queues():
    page = parsed(html_report(fleet()))
    by_host = dict((r["attrs"]["data-host"], r) for r in page.rows)
    row = by_host["author2"]
    assert row["attrs"]["data-status"] == "drifting" and row["attrs"]["class"] == "drifting"
    host, version, model, credential, state, what, queues = row["cells"]
    assert (host, version, model, credential, state) == ("author2", "6.5.21.0", "ims", "oauth", "drifting")
    assert "agent mp_replication_2: protocolHTTPConnectionClosed: false -> true" in what
    assert queues == "-"
    assert by_host["author1"]["cells"][4] == "in sync" and by_host["author1"]["cells"][5] == "-"
    assert by_host["author3"]["cells"][4] == "failed" and by_host["author3"]["cells"][5] == FAILED["msg"]
    assert by_host["author4"]["cells"][5] == NOT_AUDITED and by_host["author4"]["cells"][1] == "-"


def test_the_queue_state_is_shown_when_the_result_carries_it():
    queued = dict(IN_SYNC, queues={"publish_to_bp": {"blocked": False, "pending": 3}, "mp_replication": "idle"})
    summary = fleet_report({"author1": host_report("author1", queued)})
    assert summary["results"]["author1"]["queues"] == queued["queues"]
    [row] = parsed(html_report(summary)).rows
    assert row["cells"][6] == 'mp_replication: idle, publish_to_bp: {"blocked": false, "pending": 3}'
    assert "mp_replication: idle" in markdown_summary(summary)


def test_html_escapes_a_host_name_and_values_that_hold_markup():
    evil = "<script>alert(1)</script>"
    result = dict(DRIFTING, aem_version='6.5"><img src=x onerror=alert(2)>', drift=[
        {"step": "agent", "item": evil, "before": {"title": "<b>old</b>"}, "after": {"title": evil}}])
    summary = fleet_report({evil: host_report(evil, result), "a&b": host_report("a&b", dict(FAILED, msg=evil))})
    page = html_report(summary)
    # no markup of ours is opened by the data: the only tags are the page's own
    table = parsed(page)
    assert "script" not in table.tags and "img" not in table.tags and "b" not in table.tags
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    by_host = dict((r["attrs"]["data-host"], r) for r in table.rows)
    assert set(by_host) == {evil, "a&b"}
    assert by_host[evil]["cells"][0] == evil and by_host[evil]["cells"][1] == result["aem_version"]
    assert by_host["a&b"]["cells"][5] == evil
    summary_md = markdown_summary(summary)
    assert "<script>" not in summary_md and "<img" not in summary_md and "&lt;script&gt;" in summary_md


def test_markdown_cells_cannot_break_the_table():
    result = dict(FAILED, msg="line one\nline | two `code`")
    summary_md = markdown_summary(fleet_report({"a|b": host_report("a|b", result)}))
    [row] = summary_md.splitlines()[6:]
    # 7 cells: 8 unescaped pipes
    assert len(re.findall(r"(?<!\\)\|", row)) == 8
    assert "a\\|b" in row and "line one line \\| two \\`code\\`" in row and "**failed**" in row


def test_secret_looking_values_are_never_shown():
    result = dict(DRIFTING, drift=[
        {"step": "agent", "item": "publish_to_bp", "before": {"transportPassword": "old-s3cret-value", "enabled": "true"},
         "after": {"transportPassword": "new-s3cret-value", "enabled": "false"}},
        {"step": "ims", "item": "config", "before": {"nested": {"clientSecret": "nested-s3cret"}},
         "after": {"nested": {"clientSecret": "other-s3cret"}, "privateKey": "-----BEGIN PRIVATE KEY-----abc"}}],
        queues={"publish_to_bp": {"accessToken": "queue-s3cret", "pending": 1}})
    summary = fleet_report({"author1": host_report("author1", result)})
    page, summary_md = html_report(summary), markdown_summary(summary)
    for text in (page, summary_md):
        assert "s3cret" not in text and "BEGIN PRIVATE KEY" not in text
        assert "publish_to_bp: transportPassword: &lt;redacted&gt; -&gt; &lt;redacted&gt;" in text
        assert "publish_to_bp: enabled: true -&gt; false" in text
        assert "config: privateKey: - -&gt; &lt;redacted&gt;" in text
    [row] = parsed(page).rows
    assert 'config: nested: {"clientSecret": "<redacted>"} -> {"clientSecret": "<redacted>"}' in row["cells"][5]
    assert row["cells"][6] == 'publish_to_bp: {"accessToken": "<redacted>", "pending": 1}'


def test_the_html_page_is_self_contained():
    page = html_report(fleet())
    table = parsed(page)
    assert "style" in table.tags and "script" not in table.tags and "link" not in table.tags
    assert not re.search(r"(?i)(src|href)\s*=|url\(|@import", page)


# -- live health (aem_brand_portal health=true) ----------------------------------------------------------------------

HEALTHY = dict(IN_SYNC, healthy=True, expiring=False, problems=[], aem_credential_type="oauth",
               health={"checked": True, "ok": True, "source": "aem_check_health",
                       "message": "Token is retrieved successfully"}, certificate_expiry=None)
BROKEN_TOKEN = dict(HEALTHY, healthy=False, health={"checked": True, "ok": False, "source": "aem_check_health",
                                                    "message": "Error: invalid_client"},
                    problems=[{"kind": "token", "item": "Brand Portal", "message": "Error: invalid_client"}])
BLOCKED = dict(HEALTHY, healthy=False, problems=[
    {"kind": "queue", "item": "mp_replication_1", "message": "the queue is blocked with 1 item"}])
EXPIRING = dict(HEALTHY, expiring=True, aem_credential_type="jwt", credential_type="jwt", problems=[
    {"kind": "expiry", "item": "brandportal", "message": "the certificate CN=x expires in 10 days"}],
    certificate_expiry={"alias": "brandportal", "not_after": "2026-12-16T12:00:00Z", "days_left": 10,
                        "status": "expiring", "warn_days": 30})


def health_fleet():
    return fleet_report(dict((h, host_report(h, r)) for h, r in (
        ("a-healthy", HEALTHY), ("b-token", BROKEN_TOKEN), ("c-queue", BLOCKED), ("d-expiring", EXPIRING),
        ("e-drifting", dict(HEALTHY, in_sync=False, drift=DRIFTING["drift"])), ("f-failed", FAILED))))


def test_health_goes_into_each_report_and_the_fleet_lists_unhealthy_and_expiring_hosts():
    summary = health_fleet()
    assert summary["health_checked"] is True
    assert summary["unhealthy"] == ["b-token", "c-queue"] and summary["expiring"] == ["d-expiring"]
    report = summary["results"]["b-token"]
    assert report["health"]["healthy"] is False and report["health"]["token"]["message"] == "Error: invalid_client"
    assert summary["results"]["d-expiring"]["health"]["certificate"]["days_left"] == 10
    assert summary["results"]["d-expiring"]["health"]["aem_credential_type"] == "jwt"
    # a failed audit carries no health; an author without health data (an older result) none either
    assert "health" not in summary["results"]["f-failed"] and "health" not in host_report("x", IN_SYNC)
    assert "health_checked" not in fleet()


def test_rows_put_unhealthy_right_after_failed_and_expiring_before_in_sync():
    assert [(r["host"], r["status"]) for r in rows(health_fleet())] == [
        ("f-failed", "failed"), ("b-token", "unhealthy"), ("c-queue", "unhealthy"), ("e-drifting", "drifting"),
        ("d-expiring", "expiring"), ("a-healthy", "in sync")]


def test_health_shows_in_junit_html_and_markdown():
    summary = health_fleet()
    root = ET.fromstring(junit(summary))
    suites = dict((s.get("name"), s) for s in root)
    assert sorted(suites) == ["brand_portal_drift", "brand_portal_health"]
    health = suites["brand_portal_health"]
    assert health.get("failures") == "3" and health.get("errors") == "1" and root.get("tests") == "12"
    cases = dict((c.get("name"), c) for c in health)
    assert cases["b-token"].find("failure").get("type") == "unhealthy"
    assert "token Brand Portal: Error: invalid_client" in cases["b-token"].find("failure").text
    assert cases["d-expiring"].find("failure").get("type") == "expiry"
    assert list(cases["a-healthy"]) == [] and cases["f-failed"].find("error") is not None
    page = html_report(summary)
    by_host = dict((r["attrs"]["data-host"], r) for r in parsed(page).rows)
    assert "<th>Health</th>" in page and by_host["a-healthy"]["cells"][7] == "ok"
    assert by_host["c-queue"]["cells"][7] == "queue mp_replication_1: the queue is blocked with 1 item"
    assert by_host["c-queue"]["attrs"]["data-status"] == "unhealthy"
    md = markdown_summary(summary)
    assert "| Queues | Health |" in md and "**unhealthy**" in md and "**expiring**" in md
    assert "2 unhealthy, 1 with a certificate expiring" in md


def test_health_from_the_engine_round_trips_into_the_report():
    aem = configured_author()
    aem.queued["mp_replication_3"] = ["/content/dam/x.jpg"]
    result = run(aem, ims=no_ims, state="gathered", health=True)[0]
    report = host_report("author1", result)
    assert report["health"]["healthy"] is False and report["drift"] is False
    assert [(p["kind"], p["item"]) for p in report["health"]["problems"]] == [("queue", "mp_replication_3")]
    assert fleet_report({"author1": report})["unhealthy"] == ["author1"]
