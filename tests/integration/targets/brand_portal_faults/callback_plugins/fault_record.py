# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: one JSON line per task and host in the file $FAULT_RECORD (task, status, changed, msg, and for a
loop each item's msg), so that runme.sh can tell at which task each author failed and which tasks changed
something, without parsing the screen output.  Results of no_log tasks reach callbacks already censored."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: fault_record
type: aggregate
short_description: one JSON line per task and host (brand_portal_faults test helper)
description: Writes task name, status, changed and messages of every host to the file named by FAULT_RECORD.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "fault_record"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("FAULT_RECORD")
        if not path:
            return
        res = result._result  # pylint: disable=protected-access
        items = [{"item": str(r.get("_ansible_item_label", r.get("item", ""))), "failed": bool(r.get("failed")),
                  "changed": bool(r.get("changed")), "msg": str(r.get("msg", ""))}
                 for r in res.get("results") or [] if isinstance(r, dict)]
        task = result._task  # pylint: disable=protected-access
        line = {"host": result._host.get_name(), "task": task.name,  # pylint: disable=protected-access
                "role": task._role.get_name() if task._role else None,  # pylint: disable=protected-access
                "status": status, "changed": bool(res.get("changed")), "msg": str(res.get("msg", "")),
                "items": items}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
