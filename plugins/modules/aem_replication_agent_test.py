#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_replication_agent_test
short_description: Run Test Connection of AEM replication agents
version_added: 0.1.0
description:
  - Runs the "Test Connection" of one or several classic replication agents, as the button of the agent page does
    (C(GET <agent>.test.html)), and reports per agent whether it succeeded and, when not, the reason lines of
    the test log.
  - A test succeeded when AEM's answer contains V(succeeded), as Adobe's own test clients decide.
  - The task fails unless every selected agent succeeded (see O(fail_on_error)). An agent listed in O(names) that
    does not exist counts as failed, and so does a selection that matches no agent.
  - The test sends a test request to the receiving side and writes the agent's log, but changes no content or
    configuration, so the task never reports a change.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.connection
  - aemtools.brand_portal.replication_selection
  - aemtools.brand_portal.attributes
  - aemtools.brand_portal.attributes.ACTION_GROUP
attributes:
  check_mode:
    support: full
    details:
      - The test runs in check mode too, because it changes no AEM content; it still sends the test request to
        the receiving side.
  diff_mode:
    support: none
options:
  fail_on_error:
    description:
      - Fail the task unless every selected agent passed the test.
      - With V(false) the task succeeds and reports the failures in RV(agents) and RV(failed_agents).
    type: bool
    default: true
notes:
  - At least one of O(names), O(name_prefix) and O(transport_uri_prefix) is required, so that a task never tests
    every agent of an instance by accident.
  - For the classic replication agents of AEM 6.x; it does not read the AEM version. AEM as a Cloud Service has no
    classic replication agents (Sling Content Distribution), and Brand Portal is activated there from Cloud Manager.
seealso:
  - module: aemtools.brand_portal.aem_replication_agent
  - module: aemtools.brand_portal.aem_replication_agent_info
"""

EXAMPLES = r"""
- name: Test the Brand Portal agents of one tenant
  aemtools.brand_portal.aem_replication_agent_test:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ aem_password }}"
    transport_uri_prefix: https://acme.brand-portal.adobe.com

- name: Test two agents and decide later what to do about failures
  aemtools.brand_portal.aem_replication_agent_test:
    names: [publish, publish2]
    fail_on_error: false
  register: agent_tests

- name: Show why an agent failed
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.reason | join(' / ') }}"
  loop: "{{ agent_tests.agents | rejectattr('success') }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
agents:
  description: One entry per tested agent (and per missing agent listed in O(names)), sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name of the agent.
      type: str
      sample: publish
    path:
      description: Path of the agent page.
      type: str
      sample: /etc/replication/agents.author/publish
    success:
      description: Whether the test succeeded.
      type: bool
      sample: false
    reason:
      description:
        - On failure, the lines of the test log that say what went wrong (without time stamps), or the HTTP error
          of the test request; empty on success. Secrets are V(<redacted>).
      type: list
      elements: str
      sample: ["sent. Response: 401 Unauthorized", "Replication test failed"]
    log:
      description: The test log as AEM returned it, at most the last 100 lines; secrets are V(<redacted>).
      type: list
      elements: str
      sample: ["22.11.2026 08:14:30 - Create new HttpClient for Default Agent", "Replication test succeeded"]
all_succeeded:
  description: Whether every selected agent succeeded (and at least one was selected).
  returned: always
  type: bool
  sample: true
failed_agents:
  description: Names of the agents whose test failed or that do not exist.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    agent_path,
    find_agents,
    run_test_connection,
    selection_argument_spec,
    selection_text,
    validate_selection,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(selection_argument_spec())
    spec.update(fail_on_error=dict(type="bool", default=True))
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_one_of=[("names", "name_prefix", "transport_uri_prefix")])
    params = module.params
    try:
        validate_selection(params)
        client = new_client(module)
        agents, missing = find_agents(client, params)
        results = []
        for agent in agents:
            outcome = run_test_connection(client, agent)
            results.append(dict(name=agent.name, path=agent.path, **outcome))
    except AemError as error:
        fail_from(module, error)
    for name in missing:
        path = agent_path(params["runmode"], name)
        results.append(dict(name=name, path=path, success=False, log=[],
                            reason=["the agent does not exist (%s)" % path]))
    results.sort(key=lambda item: item["name"])
    failed = [item["name"] for item in results if not item["success"]]
    all_succeeded = bool(results) and not failed
    result = dict(changed=False, agents=results, failed_agents=failed, all_succeeded=all_succeeded)
    if all_succeeded:
        module.exit_json(**result)
    if not results:
        msg = "No replication agent matches the selection (%s)" % selection_text(params)
    else:
        msg = "Test Connection failed for %d of %d agents: %s" % (
            len(failed), len(results),
            "; ".join("%s: %s" % (item["name"], " / ".join(item["reason"]) or "no reason in the log")
                      for item in results if not item["success"]))
    if params["fail_on_error"]:
        module.fail_json(msg=msg, **result)
    module.warn(msg)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
