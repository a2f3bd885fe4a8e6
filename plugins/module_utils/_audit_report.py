# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The audit's reports from the ``aem_brand_portal`` (state=gathered) result of every author: one JSON per author,
the fleet's JSON and a JUnit XML (one test case per author: a failure lists what drifts, an error says why the
author could not be audited). Pure functions and file writes; nothing here talks to AEM."""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET

NOT_AUDITED = "host unreachable or the audit stopped before its report"


def host_report(host, result, aem_url=None):
    """``{"host", "aem_url", "aem_version", "model", "credential_type", "drift", "error", "changes"}`` for one author;
    ``result`` None means the author has no result (unreachable, or the play stopped before the audit)."""
    result = result or {}
    error = None
    if not result:
        error = NOT_AUDITED
    elif result.get("failed") or result.get("unreachable"):
        error = result.get("msg") or "the audit failed on this host"
    changes = [{"item": ("%s %s" % (d["step"], d["item"])).strip(), "before": d.get("before") or {},
                "after": d.get("after") or {}} for d in (result.get("drift") or [])] if not error else []
    return {"host": host, "aem_url": aem_url, "aem_version": result.get("aem_version"), "model": result.get("model"),
            "credential_type": result.get("credential_type"), "drift": bool(changes), "error": error,
            "changes": changes}


def fleet_report(reports):
    """The fleet summary: hosts, drifting, failed, in_sync (host names, sorted) and every report by host."""
    hosts = sorted(reports)
    failed = [h for h in hosts if reports[h]["error"]]
    return {"hosts": len(hosts),
            "drifting": [h for h in hosts if reports[h]["drift"]],
            "failed": failed,
            # kept for readers of the earlier reports: the hosts with no result at all are among "failed" now
            "unreachable": [h for h in failed if reports[h]["error"] == NOT_AUDITED],
            "in_sync": [h for h in hosts if not reports[h]["drift"] and not reports[h]["error"]],
            "results": dict((h, reports[h]) for h in hosts)}


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
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def summary_line(fleet, dest):
    return ("%d host(s) audited: %d in sync, drifting: %s, failed: %s; reports in %s"
            % (fleet["hosts"], len(fleet["in_sync"]), ", ".join(fleet["drifting"]) or "none",
               ", ".join(fleet["failed"]) or "none", dest))


def _write(path, text):
    """Write ``text`` atomically when it differs; True when the file changed."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except (IOError, OSError):
        pass
    handle, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".audit-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return True


def write_reports(dest, fleet):
    """``<host>.json`` per host, ``fleet.json`` and ``junit.xml`` in ``dest``; the files that changed."""
    os.makedirs(dest, exist_ok=True)
    changed = []
    for host, report in fleet["results"].items():
        name = os.path.join(dest, "%s.json" % host)
        if _write(name, json.dumps(report, indent=2, sort_keys=True) + "\n"):
            changed.append(name)
    for name, text in (("fleet.json", json.dumps(fleet, indent=2, sort_keys=True) + "\n"), ("junit.xml", junit(fleet))):
        if _write(os.path.join(dest, name), text):
            changed.append(os.path.join(dest, name))
    return changed
