# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aemtools.brand_portal.aem_bp_audit_report on the controller: it collects every host's audit result from the
play's host variables and writes the reports in one task (a copy or template task per host would start a module
process per author)."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.aemtools.brand_portal.plugins.modules.aem_bp_audit_report import argument_spec, report


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        validation = ArgumentSpecValidator(argument_spec()).validate(dict(self._task.args))
        if validation.error_messages:
            result.update(failed=True, changed=False, msg=validation.error_messages[0])
            return result
        params = validation.validated_parameters
        hostvars = task_vars.get("hostvars") or {}
        if params["hosts"] is None:
            params["hosts"] = list(task_vars.get("ansible_play_hosts_all") or [])
        results, urls = params["results"], {}
        if results is None:
            results = {}
            for host in params["hosts"]:
                host_vars = hostvars.get(host) or {}
                if params["result_var"] in host_vars:
                    results[host] = host_vars[params["result_var"]]
        for host in params["hosts"]:
            try:
                urls[host] = (hostvars.get(host) or {}).get("aem_url")
            except Exception:  # an undefined or unresolvable aem_url leaves the field empty
                urls[host] = None
        result.update(report(params, results, urls))
        return result
