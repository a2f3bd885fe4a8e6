# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aemtools.brand_portal.aem_brand_portal in the controller's worker process.

A module task starts a new Python process per author that imports Ansible and the module_utils again (about
0.4 s each on a 2-core controller, tests/benchmark/README.md); the work of this module is HTTP from the
controller, so it runs here, with the module's own argument spec and the same engine
(``module_utils/_bp_converge.py``). Delegated to another host, the task runs the module there instead.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_converge import Host, execute
from ansible_collections.aemtools.brand_portal.plugins.modules.aem_brand_portal import (
    REQUIRED_TOGETHER,
    argument_spec,
)

display = Display()

IMS_GROUP = "group/aemtools.brand_portal.ims"
# option of this module <- option of the IMS group's module_defaults
IMS_DEFAULTS = (("ims_url", "ims_url"), ("ims_retries", "retries"))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        if not self._runs_on_controller():
            return self._execute_module(module_name="aemtools.brand_portal.aem_brand_portal",
                                        module_args=self._task.args, task_vars=task_vars)
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        for option, value in self._ims_defaults(task_vars).items():
            args.setdefault(option, value)
        validation = ArgumentSpecValidator(argument_spec(), required_together=REQUIRED_TOGETHER).validate(args)
        no_log_values = validation._no_log_values
        if validation.error_messages:
            result.update(failed=True, changed=False, msg=validation.error_messages[0])
            return result
        warnings = []
        host = Host(self._play_context.check_mode, warnings.append)
        outcome = execute(validation.validated_parameters, host)
        outcome = remove_values(outcome, no_log_values)
        if not self._task.diff:
            outcome.pop("diff", None)
        if warnings:
            outcome["warnings"] = [remove_values(w, no_log_values) for w in warnings]
        result.update(outcome)
        return result

    def _runs_on_controller(self):
        # connection: local, or delegated to localhost (which Ansible makes local)
        return getattr(self._connection, "transport", None) in ("local", "ansible.builtin.local") or \
            getattr(self._play_context, "connection", None) in ("local", "ansible.builtin.local")

    def _ims_defaults(self, task_vars):
        """The IMS connection the play set once for ``group/aemtools.brand_portal.ims`` (module_defaults)."""
        merged = {}
        for defaults in self._task.module_defaults or []:
            merged.update(defaults.get(IMS_GROUP) or {})
        if not merged:
            return {}
        try:
            # ansible-core 2.19+: resolves templates and drops omitted values
            merged = self._templar.resolve_to_container(merged)
        except AttributeError:
            self._templar.available_variables = task_vars
            merged = self._templar.template(merged)
        omit = task_vars.get("omit")
        return dict((option, merged[key]) for option, key in IMS_DEFAULTS
                    if key in merged and merged[key] is not None and merged[key] != omit)
