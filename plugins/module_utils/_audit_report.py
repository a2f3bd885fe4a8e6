# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The audit's reports from the ``aem_brand_portal`` (state=gathered) result of every author: one JSON per author,
the fleet's JSON, a JUnit XML (one test case per author: a failure lists what drifts, an error says why the
author could not be audited), and for people an HTML page and a Markdown summary (one row per author, the problems
first, secret-looking values redacted). Pure functions and file writes; nothing here talks to AEM."""

from __future__ import annotations

import html
import json
import os
import xml.etree.ElementTree as ET

from ansible_collections.aemtools.brand_portal.plugins.module_utils._files import write_if_changed
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name

NOT_AUDITED = "host unreachable or the audit stopped before its report"


def host_report(host, result, aem_url=None):
    """``{"host", "aem_url", "aem_version", "model", "credential_type", "drift", "error", "changes", "queues"}`` for one
    author (``queues``: the result's queue state when it carries one, else None);
    ``result`` None means the author has no result (unreachable, or the play stopped before the audit)."""
    result = result or {}
    error = None
    if not result:
        error = NOT_AUDITED
    elif result.get("failed") or result.get("unreachable"):
        error = result.get("msg") or "the audit failed on this host"
    changes = [{"item": ("%s %s" % (d["step"], d["item"])).strip(), "before": d.get("before") or {},
                "after": d.get("after") or {}} for d in (result.get("drift") or [])] if not error else []
    report = {"host": host, "aem_url": aem_url, "aem_version": result.get("aem_version"), "model": result.get("model"),
              "credential_type": result.get("credential_type"), "drift": bool(changes), "error": error,
              "changes": changes, "queues": result.get("queues")}
    if "healthy" in result and not error:
        # aem_brand_portal health=true: the live checks, beside the drift
        report.update(health={"healthy": result["healthy"], "expiring": result.get("expiring", False),
                              "problems": result.get("problems") or [], "token": result.get("health"),
                              "certificate": result.get("certificate_expiry"),
                              "aem_credential_type": result.get("aem_credential_type")})
    return report


def _health(report):
    return report.get("health") or {}


def unhealthy(report):
    return bool(report.get("health")) and not report["health"]["healthy"]


def expiring(report):
    return bool(_health(report).get("expiring"))


def fleet_report(reports):
    """The fleet summary: hosts, drifting, failed, in_sync (host names, sorted) and every report by host."""
    hosts = sorted(reports)
    failed = [h for h in hosts if reports[h]["error"]]
    fleet = {"hosts": len(hosts),
             "drifting": [h for h in hosts if reports[h]["drift"]],
             "failed": failed,
             # kept for readers of the earlier reports: the hosts with no result at all are among "failed" now
             "unreachable": [h for h in failed if reports[h]["error"] == NOT_AUDITED],
             "in_sync": [h for h in hosts if not reports[h]["drift"] and not reports[h]["error"]],
             "results": dict((h, reports[h]) for h in hosts)}
    if any(reports[h].get("health") for h in hosts):
        # health checked (aem_brand_portal health=true): the authors that do not work, those to renew soon
        fleet.update(health_checked=True, unhealthy=[h for h in hosts if unhealthy(reports[h])],
                     expiring=[h for h in hosts if expiring(reports[h])])
    return fleet


FAIL_ON = ("drift", "unhealthy", "expiry")


def failing(fleet, fail_on):
    """The hosts that fail the audit under ``fail_on`` (a subset of FAIL_ON), by reason; an author that could not be
    audited fails under any of them."""
    reasons = {"failed": fleet["failed"] if fail_on else []}
    if "drift" in fail_on:
        reasons["drift"] = fleet["drifting"]
    if "unhealthy" in fail_on:
        reasons["unhealthy"] = fleet.get("unhealthy", [])
    if "expiry" in fail_on:
        reasons["expiry"] = fleet.get("expiring", [])
    return dict((k, v) for k, v in reasons.items() if v)


def junit(fleet):
    """JUnit XML: one test case per host; ``failure`` = drift, ``error`` = could not be audited."""
    counts = {"tests": str(fleet["hosts"]), "failures": str(len(fleet["drifting"])), "errors": str(len(fleet["failed"]))}
    root = ET.Element("testsuites", dict(name="brand_portal_audit", **counts))
    suite = ET.SubElement(root, "testsuite", dict(name="brand_portal_drift", skipped="0", **counts))
    for host, report in sorted(fleet["results"].items()):
        case = ET.SubElement(suite, "testcase", classname="brand_portal_audit", name=host)
        if report["error"]:
            ET.SubElement(case, "error", message=report["error"])
        if report["drift"]:
            failure = ET.SubElement(case, "failure", type="drift", message="%d item(s) drift: %s" % (
                len(report["changes"]), ", ".join(c["item"] for c in report["changes"])))
            failure.text = "\n".join("%s: %s -> %s" % (c["item"], json.dumps(c["before"], sort_keys=True),
                                                       json.dumps(c["after"], sort_keys=True))
                                     for c in report["changes"])
    if fleet.get("health_checked"):
        _health_suite(root, fleet)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _health_suite(root, fleet):
    """A second suite when health was checked: one test case per host; a failure lists what does not work (type
    ``unhealthy``) or the certificate to renew (type ``expiry``)."""
    failures = [h for h in fleet["results"] if unhealthy(fleet["results"][h]) or expiring(fleet["results"][h])]
    counts = {"tests": str(fleet["hosts"]), "failures": str(len(failures)), "errors": str(len(fleet["failed"]))}
    suite = ET.SubElement(root, "testsuite", dict(name="brand_portal_health", skipped="0", **counts))
    root.set("tests", str(int(root.get("tests")) + fleet["hosts"]))
    root.set("failures", str(int(root.get("failures")) + len(failures)))
    root.set("errors", str(int(root.get("errors")) + len(fleet["failed"])))
    for host, report in sorted(fleet["results"].items()):
        case = ET.SubElement(suite, "testcase", classname="brand_portal_health", name=host)
        if report["error"]:
            ET.SubElement(case, "error", message=report["error"])
            continue
        problems = _health(report).get("problems") or []
        if problems:
            kind = "unhealthy" if unhealthy(report) else "expiry"
            failure = ET.SubElement(case, "failure", type=kind, message="%d problem(s): %s" % (
                len(problems), ", ".join(("%s %s" % (p["kind"], p["item"])).strip() for p in problems)))
            failure.text = "\n".join(problem_lines(report))


def summary_line(fleet, dest):
    health = ""
    if fleet.get("health_checked"):
        health = ", unhealthy: %s, certificate expiring: %s" % (
            ", ".join(fleet["unhealthy"]) or "none", ", ".join(fleet["expiring"]) or "none")
    return ("%d host(s) audited: %d in sync, drifting: %s, failed: %s%s; reports in %s"
            % (fleet["hosts"], len(fleet["in_sync"]), ", ".join(fleet["drifting"]) or "none",
               ", ".join(fleet["failed"]) or "none", health, dest))


def problem_lines(report):
    """What does not work, one line per problem: ``kind item: message`` (redacted like everything shown)."""
    return ["%s: %s" % (("%s %s" % (p.get("kind"), p.get("item") or "")).strip(), redacted(p.get("message")))
            for p in _health(report).get("problems") or []]


# -- for people: one row per author, the problems first ------------------------------------------------------------

FAILED, UNHEALTHY, DRIFTING, EXPIRING, IN_SYNC = "failed", "unhealthy", "drifting", "expiring", "in sync"
_ORDER = {FAILED: 0, UNHEALTHY: 1, DRIFTING: 2, EXPIRING: 3, IN_SYNC: 4}


def status(report):
    if report["error"]:
        return FAILED
    if unhealthy(report):
        return UNHEALTHY
    if report["drift"]:
        return DRIFTING
    return EXPIRING if expiring(report) else IN_SYNC


def redacted(value, key=None):
    """``value`` with the value of every secret-looking key (_redact.is_secret_name) replaced, at any depth."""
    if key is not None and is_secret_name(str(key)) and value not in (None, ""):
        return REDACTED
    if isinstance(value, dict):
        return dict((k, redacted(v, k)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [redacted(v) for v in value]
    return value


def _show(value):
    return "-" if value is None else value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def drift_lines(report):
    """What drifts, one line per property: ``item: key: before -> after`` (secret-looking values redacted)."""
    lines = []
    for change in report["changes"]:
        before, after = redacted(change["before"]), redacted(change["after"])
        keys = sorted(set(before) | set(after))
        if not keys:
            lines.append(change["item"])
        for key in keys:
            lines.append("%s: %s: %s -> %s" % (change["item"], key, _show(before.get(key)), _show(after.get(key))))
    return lines


def queues_text(queues):
    """The queue state as one line; "-" when the result carries none."""
    if queues is None or queues == {} or queues == []:
        return "-"
    queues = redacted(queues)
    if isinstance(queues, dict):
        # aem_brand_portal (queues=true) gives each agent's queue with a one-line summary
        return ", ".join("%s: %s" % (name, queues[name]["summary"] if isinstance(queues[name], dict)
                                     and "summary" in queues[name] else _show(queues[name]))
                         for name in sorted(queues))
    if isinstance(queues, list):
        return ", ".join(_show(q) for q in queues)
    return _show(queues)


def health_text(report):
    """The live health as one line: "-" when not checked, "ok", or the problems."""
    health = report.get("health")
    if not health:
        return "-"
    return "; ".join(problem_lines(report)) or "ok"


def rows(fleet):
    """One dict per author, failed first, then drifting, then in sync (by host name within each)."""
    out = []
    for host, report in fleet["results"].items():
        out.append({"host": host, "status": status(report), "aem_version": _show(report.get("aem_version")),
                    "model": _show(report.get("model")), "credential_type": _show(report.get("credential_type")),
                    "drift": drift_lines(report), "error": report["error"],
                    "queues": queues_text(report.get("queues")), "health": health_text(report)})
    return sorted(out, key=lambda r: (_ORDER[r["status"]], r["host"]))


def _counts(fleet):
    text = "%d author(s): %d failed, %d drifting, %d in sync" % (
        fleet["hosts"], len(fleet["failed"]), len(fleet["drifting"]), len(fleet["in_sync"]))
    if fleet.get("health_checked"):
        text += "; %d unhealthy, %d with a certificate expiring" % (len(fleet["unhealthy"]), len(fleet["expiring"]))
    return text


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}p.counts{margin:0 0 1rem;color:#444}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d0d0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}ul{margin:0;padding-left:1.1rem}code{font-size:.85rem;overflow-wrap:anywhere}
td.status{font-weight:600;white-space:nowrap}
tr.failed td.status{background:#fde2e1;color:#8a1410}
tr.drifting td.status{background:#fff1cc;color:#7a5200}
tr.in-sync td.status{background:#e3f5e1;color:#1d5e1a}
tr.unhealthy td.status{background:#fde2e1;color:#8a1410}
tr.expiring td.status{background:#fff1cc;color:#7a5200}
"""


def html_report(fleet):
    """A self-contained HTML page (inline CSS, no script, no external asset): the counts and one row per author;
    every value is escaped."""
    esc = html.escape
    # the Health column only when the audit checked it (aem_brand_portal health=true)
    with_health = bool(fleet.get("health_checked"))
    body = []
    for row in rows(fleet):
        if row["error"]:
            what = "<code>%s</code>" % esc(row["error"])
        elif row["drift"]:
            what = "<ul>%s</ul>" % "".join("<li><code>%s</code></li>" % esc(line) for line in row["drift"])
        else:
            what = "-"
        body.append(
            '<tr class="%s" data-host="%s" data-status="%s"><td class="host">%s</td><td>%s</td><td>%s</td>'
            '<td>%s</td><td class="status">%s</td><td class="what">%s</td><td class="queues">%s</td>%s</tr>'
            % (row["status"].replace(" ", "-"), esc(row["host"]), esc(row["status"]), esc(row["host"]),
               esc(row["aem_version"]), esc(row["model"]), esc(row["credential_type"]), esc(row["status"]), what,
               esc(row["queues"]), '<td class="health">%s</td>' % esc(row["health"]) if with_health else ""))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Brand Portal audit</title><style>%s</style></head>\n<body>\n<h1>Brand Portal audit</h1>\n"
            "<p class=\"counts\">%s</p>\n<table id=\"authors\"><thead><tr><th>Author</th><th>AEM version</th>"
            "<th>Model</th><th>Credential type</th><th>Status</th><th>What drifts / why it failed</th>"
            "<th>Queues</th>%s</tr></thead>\n<tbody>\n%s\n</tbody></table>\n</body></html>\n"
            % (_CSS.strip(), esc(_counts(fleet)), "<th>Health</th>" if with_health else "", "\n".join(body)))


def _md(text):
    """A Markdown table cell: no line breaks, no column breaks, no HTML."""
    text = html.escape(str(text), quote=False).replace("|", "\\|").replace("`", "\\`")
    return " ".join(text.split())


def markdown_summary(fleet):
    """Markdown for a CI job summary: the counts and a table, one row per author, the problems first."""
    icons = {FAILED: "**failed**", UNHEALTHY: "**unhealthy**", DRIFTING: "**drifting**", EXPIRING: "**expiring**",
             IN_SYNC: "in sync"}
    with_health = bool(fleet.get("health_checked"))
    lines = ["## Brand Portal audit", "", _md(_counts(fleet)), "",
             "| Author | AEM version | Model | Credential type | Status | What drifts / why it failed | Queues |"
             + (" Health |" if with_health else ""),
             "| --- | --- | --- | --- | --- | --- | --- |" + (" --- |" if with_health else "")]
    for row in rows(fleet):
        what = row["error"] if row["error"] else "; ".join(row["drift"]) or "-"
        cells = [row["host"], row["aem_version"], row["model"], row["credential_type"], icons[row["status"]], what,
                 row["queues"]] + ([row["health"]] if with_health else [])
        lines.append("| %s |" % " | ".join(_md(v) for v in cells))
    return "\n".join(lines) + "\n"


REPORT_FILES = ("fleet.json", "junit.xml", "report.html", "summary.md")


def write_reports(dest, fleet):
    """``<host>.json`` per host, ``fleet.json``, ``junit.xml``, ``report.html`` and ``summary.md`` in ``dest``; the
    files that changed."""
    os.makedirs(dest, exist_ok=True)
    changed = []
    for host, report in fleet["results"].items():
        name = os.path.join(dest, "%s.json" % host)
        if write_if_changed(name, json.dumps(report, indent=2, sort_keys=True) + "\n"):
            changed.append(name)
    texts = (json.dumps(fleet, indent=2, sort_keys=True) + "\n", junit(fleet), html_report(fleet),
             markdown_summary(fleet))
    for name, text in zip(REPORT_FILES, texts):
        if write_if_changed(os.path.join(dest, name), text):
            changed.append(os.path.join(dest, name))
    return changed
