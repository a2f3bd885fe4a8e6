#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_replication_queue_wait
short_description: Wait until the queues of AEM replication agents are idle
version_added: 0.1.0
description:
  - Polls the queues of the selected classic replication agents (C(<agent>/jcr:content.queue.json)) until every
    one is empty and not blocked, for example before an upgrade deletes and re-creates the Brand Portal agents.
  - When O(wait_timeout) passes first, the task fails and names each agent that is still busy with its number of
    queued items and the first of their paths.
  - Without a filter, every agent of O(runmode) is waited for.
  - Changes nothing; the task never reports a change.
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
      - The module only reads, so it waits in check mode too.
  diff_mode:
    support: none
options:
  wait_timeout:
    description:
      - Seconds to wait at most. V(0) checks once.
      - O(timeout) is the time one HTTP request may take, as for every module of the collection.
    type: int
    default: 300
  wait_interval:
    description:
      - Seconds between two polls.
    type: float
    default: 5
  queue_items:
    description:
      - How many of the first queued items to report per agent.
    type: int
    default: 5
notes:
  - A paused queue that still holds items is busy; a paused empty queue is idle.
  - A blocked queue (its first item failed and waits for a retry) is busy even when AEM reports no items.
  - For the classic replication agents of AEM 6.x; it does not read the AEM version. AEM as a Cloud Service has no
    classic replication agents (Sling Content Distribution), and Brand Portal is activated there from Cloud Manager.
seealso:
  - module: aemtools.brand_portal.aem_replication_agent_info
  - module: aemtools.brand_portal.aem_replication_agent
"""

EXAMPLES = r"""
- name: Wait up to 10 minutes until the tenant's Brand Portal queues are empty
  aemtools.brand_portal.aem_replication_queue_wait:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ aem_password }}"
    transport_uri_prefix: https://acme.brand-portal.adobe.com
    wait_timeout: 600
    wait_interval: 10

- name: Wait for the default publish agent only
  aemtools.brand_portal.aem_replication_queue_wait:
    names: [publish]
    wait_timeout: 120
"""

RETURN = r"""
agents:
  description: The agents waited for, sorted by name, each with the status of its queue at the last poll.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name of the agent.
      type: str
      sample: mp_replication
    path:
      description: Path of the agent page.
      type: str
      sample: /etc/replication/agents.author/mp_replication
    queue:
      description: Status of the queue, in the form of the C(queue) of each agent that
        M(aemtools.brand_portal.aem_replication_agent_info) returns.
      type: dict
      sample: {"item_count": 0, "blocked": false, "paused": false, "idle": true, "available": true,
               "next_retry_period": 0, "first_items": []}
busy:
  description: On timeout, the agents whose queues were still busy, in the same form as RV(agents).
  returned: failure
  type: list
  elements: dict
  sample: [{"name": "mp_replication", "path": "/etc/replication/agents.author/mp_replication",
            "queue": {"item_count": 2, "blocked": false, "paused": false, "idle": false, "available": true,
                      "next_retry_period": 0, "first_items": [{"path": "/content/dam/a.png", "type": "Activate",
                                                                "time": 1700000000000}]}}]
elapsed:
  description: Seconds spent waiting.
  returned: success
  type: float
  sample: 12.5
polls:
  description: How many times the queues were read.
  returned: success
  type: int
  sample: 3
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError, AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    QueueTimeoutError,
    find_agents,
    selection_argument_spec,
    selection_text,
    validate_selection,
    validate_wait,
    wait_until_idle,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(selection_argument_spec())
    spec.update(
        wait_timeout=dict(type="int", default=300),
        wait_interval=dict(type="float", default=5.0),
        queue_items=dict(type="int", default=5),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        validate_selection(params)
        validate_wait(params["wait_timeout"], params["wait_interval"])
        if params["queue_items"] < 0:
            raise AemInputError("option queue_items: %d is negative; expected 0 or more" % params["queue_items"])
        client = new_client(module)
        agents, missing = find_agents(client, params)
        if missing:
            raise AemInputError("option names: no replication agent named %s below /etc/replication/agents.%s"
                                % (", ".join(missing), params["runmode"]))
        if not agents:
            module.warn("No replication agent matches the selection (%s); nothing to wait for"
                        % selection_text(params))
        queues, polls, elapsed = wait_until_idle(client, agents, params["wait_timeout"], params["wait_interval"],
                                                 first=params["queue_items"])
    except QueueTimeoutError as error:
        fail_from(module, error, busy=error.busy, changed=False)
    except AemError as error:
        fail_from(module, error)
    views = [dict(name=agent.name, path=agent.path, queue=queues[agent.name]) for agent in agents]
    module.exit_json(changed=False, agents=views, polls=polls, elapsed=round(elapsed, 3))


if __name__ == "__main__":
    main()
