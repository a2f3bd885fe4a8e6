# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's report.html in a real browser: chromium renders it (a screenshot is taken), and its DOM has one row
per author in the order failed, drifting, in sync, the drifting author's row marked drifting with what drifts, the
secret redacted, and a host name holding markup shown as text (no element injected)."""

from __future__ import annotations

import os
from html.parser import HTMLParser

from ansible_collections.aemtools.brand_portal.plugins.module_utils._audit_report import (
    fleet_report,
    host_report,
    write_reports,
)

from conftest import png_size_and_colours

IN_SYNC = {"changed": False, "drift": [], "aem_version": "6.5.21.0", "model": "ims", "credential_type": "oauth"}
DRIFTING = dict(IN_SYNC, drift=[
    {"step": "agent", "item": "mp_replication_2", "before": {"protocolHTTPConnectionClosed": "false"},
     "after": {"protocolHTTPConnectionClosed": "true"}},
    {"step": "ims", "item": "config", "before": {"clientSecret": "old-s3cret"}, "after": {"clientSecret": "new-s3cret"}},
], queues={"publish_to_bp": "idle"})
EVIL = 'author5<img src="x" onerror="document.title=1">'


class Rows(HTMLParser):
    def __init__(self):
        HTMLParser.__init__(self)
        self.rows, self.tags, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "tr" and "data-host" in attrs:
            self.rows.append(dict(attrs, cells=[]))
        elif tag == "td" and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_report_renders_and_the_drifting_authors_row_is_there(chromium, tmp_path):
    reports = {"author1": host_report("author1", IN_SYNC), "author2": host_report("author2", DRIFTING),
               "author3": host_report("author3", {"failed": True, "msg": "AEM refused the credentials (HTTP 401)"}),
               "author4": host_report("author4", None), EVIL: host_report(EVIL, IN_SYNC)}
    dest = str(tmp_path / "audit-report")
    write_reports(dest, fleet_report(reports))
    page = os.path.join(dest, "report.html")

    dom = Rows()
    dom.feed(chromium.dom(page))
    assert "img" not in dom.tags and "script" not in dom.tags
    assert [(r["data-host"], r["data-status"]) for r in dom.rows] == [
        ("author3", "failed"), ("author4", "failed"), ("author2", "drifting"), ("author1", "in sync"),
        (EVIL, "in sync")]
    [drifting] = [r for r in dom.rows if r["data-host"] == "author2"]
    assert drifting["class"] == "drifting"
    host, version, model, credential, status, what, queues = drifting["cells"]
    assert (host, version, model, credential, status, queues) == (
        "author2", "6.5.21.0", "ims", "oauth", "drifting", "publish_to_bp: idle")
    assert "mp_replication_2: protocolHTTPConnectionClosed: false -> true" in what
    assert "config: clientSecret: <redacted> -> <redacted>" in what and "s3cret" not in what
    assert dom.rows[-1]["cells"][0] == EVIL

    (width, height), colours = png_size_and_colours(chromium.screenshot(page, "audit-report.png"))
    assert (width, height) == (1280, 1600) and colours > 20, (width, height, colours)
