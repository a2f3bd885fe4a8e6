#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_replication_agent_info
short_description: List the replication agents of an AEM 6.x instance with their queues
version_added: 0.1.0
description:
  - Lists the classic replication agents below C(/etc/replication/agents.<runmode>), optionally only some of them,
    for example the Brand Portal agents of one tenant.
  - Returns each agent's settings (secret properties redacted) and the status of its queue from
    C(<agent>/jcr:content.queue.json) - how many items wait, whether it is blocked or paused, and the first items.
  - Changes nothing.
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
      - The module only reads, so it does the same in check mode.
  diff_mode:
    support: none
options:
  queue:
    description:
      - Also read each agent's queue (one request per agent).
    type: bool
    default: true
  queue_items:
    description:
      - How many of the first queued items to return per agent.
    type: int
    default: 5
notes:
  - For the classic replication agents of AEM 6.x; it does not read the AEM version. AEM as a Cloud Service has no
    classic replication agents (Sling Content Distribution), and Brand Portal is activated there from Cloud Manager.
seealso:
  - module: aemtools.brand_portal.aem_replication_agent
  - module: aemtools.brand_portal.aem_replication_queue_wait
"""

EXAMPLES = r"""
- name: The Brand Portal agents of one tenant and their queues
  aemtools.brand_portal.aem_replication_agent_info:
    url: https://author.example.com
    username: "{{ aem_username }}"
    password: "{{ aem_password }}"
    transport_uri_prefix: https://acme.brand-portal.adobe.com
  register: bp_agents

- name: Fail when one of them is disabled or has a blocked queue
  ansible.builtin.assert:
    that:
      - bp_agents.agents | length == 4
      - bp_agents.agents | rejectattr('enabled') | list | length == 0
      - bp_agents.agents | selectattr('queue.blocked') | list | length == 0

- name: All agents whose name starts with mp_replication, without their queues
  aemtools.brand_portal.aem_replication_agent_info:
    name_prefix: mp_replication
    queue: false
  register: mp_agents
"""

RETURN = r"""
agents:
  description: The selected agents, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name of the agent.
      type: str
      sample: mp_replication
    runmode:
      description: V(author) or V(publish).
      type: str
      sample: author
    path:
      description: Path of the agent page.
      type: str
      sample: /etc/replication/agents.author/mp_replication
    title:
      description: Title of the agent.
      type: str
      sample: Brand Portal replication agent 1
    enabled:
      description: Whether the agent is enabled.
      type: bool
      sample: true
    transport_uri:
      description: Where the agent sends to.
      type: str
      sample: https://acme.brand-portal.adobe.com/bin/receive?sling:authRequestLogin=1
    properties:
      description: All properties of the agent's C(jcr:content) node; secret ones are V(<redacted>).
      type: dict
      sample: {"jcr:title": "Publish", "enabled": "true", "transportPassword": "<redacted>"}
    queue:
      description: Status of the agent's queue.
      returned: when O(queue=true)
      type: dict
      contains:
        item_count:
          description: Number of items waiting in the queue.
          type: int
          sample: 2
        blocked:
          description: Whether the queue is blocked (the first item failed and waits for a retry).
          type: bool
          sample: false
        paused:
          description: Whether the queue is paused.
          type: bool
          sample: false
        idle:
          description: Whether the queue is empty and not blocked.
          type: bool
          sample: false
        available:
          description: Whether AEM reported the queue's state; V(false) for example for some disabled agents.
          type: bool
          sample: true
        next_retry_period:
          description: Milliseconds until a blocked queue retries its first item; V(0) when not blocked.
          type: int
          sample: 0
        first_items:
          description: The first items of the queue, oldest first, at most O(queue_items).
          type: list
          elements: dict
          sample: [{"path": "/content/dam/acme/logo.png", "type": "Activate", "time": 1700000000000}]
missing:
  description: Names listed in O(names) that do not exist.
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
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError, AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    find_agents,
    read_queue,
    selection_argument_spec,
    validate_selection,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(selection_argument_spec())
    spec.update(
        queue=dict(type="bool", default=True),
        queue_items=dict(type="int", default=5),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        validate_selection(params)
        if params["queue_items"] < 0:
            raise AemInputError("option queue_items: %d is negative; expected 0 or more" % params["queue_items"])
        client = new_client(module)
        agents, missing = find_agents(client, params)
        views = []
        for agent in agents:
            queue = read_queue(client, agent, params["queue_items"]) if params["queue"] else None
            views.append(agent.view(client.redactor, queue))
    except AemError as error:
        fail_from(module, error)
    module.exit_json(changed=False, agents=views, missing=missing)


if __name__ == "__main__":
    main()
