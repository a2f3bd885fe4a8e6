#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_replication_agent
short_description: Manage one classic replication agent of an AEM 6.x instance
version_added: 0.1.0
description:
  - Creates, updates or deletes one replication agent below C(/etc/replication/agents.<runmode>), idempotently.
  - An agent is a C(cq:Page) whose C(jcr:content) node (C(nt:unstructured)) holds its settings. A new agent is
    created with one Sling POST carrying the page and its content, with
    C(sling:resourceType=cq/replication/components/agent) and C(cq:template=/libs/cq/replication/templates/agent).
  - Only the settings given are compared and written, in one Sling POST, and read back afterwards. Settings
    are stored as strings, as AEM's agent dialog stores them (for example C(enabled=true),
    C(retryDelay=60000)); values are compared by their text, so a Boolean V(true) stored by another tool is
    equal to V(true).
  - Below C(agents.<runmode>) AEM answers HTTP 403 instead of 404 for an agent that does not exist; both mean
    "absent" to this module.
  - Deletion uses C(:operation=delete) on the agent page, because AEM answers the HTTP DELETE method with 405.
  - The Brand Portal agents that AEM creates when a Brand Portal cloud service is saved (names starting with
    C(mp_replication)) can be adjusted with this module too, for example O(close_connection=true), which
    Adobe recommends for them.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.connection
  - aemtools.brand_portal.attributes
  - aemtools.brand_portal.attributes.ACTION_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - Shows only the properties that change; the transport password and other secret properties appear as
        V(<redacted>).
options:
  name:
    description:
      - Node name of the agent, for example V(publish) or V(mp_replication).
      - Letters, digits, V(_) and V(-) only; a V(.) would be read by Sling as a selector.
    type: str
    required: true
  runmode:
    description:
      - Which agents folder the agent belongs to, C(/etc/replication/agents.author) or
        C(/etc/replication/agents.publish).
    type: str
    choices: [author, publish]
    default: author
  state:
    description:
      - V(present) creates the agent or updates the given settings; V(absent) deletes the agent page.
    type: str
    choices: [present, absent]
    default: present
  title:
    description:
      - Title of the agent (C(jcr:title)). On creation it defaults to O(name).
    type: str
  description:
    description:
      - Description of the agent (C(jcr:description)). An empty string removes it.
    type: str
  enabled:
    description:
      - Whether the agent is enabled (C(enabled)).
    type: bool
  transport_uri:
    description:
      - Absolute URL the agent sends to (C(transportUri)), for example
        V(https://publish.example.com/bin/receive?sling:authRequestLogin=1).
    type: str
  transport_user:
    description:
      - User the agent authenticates as at the receiving side (C(transportUser)).
    type: str
  transport_password:
    description:
      - Password of O(transport_user) (C(transportPassword)).
      - AEM keeps it encrypted, so it cannot be compared with the clear text; O(transport_password_update) decides
        when it is written. It never appears in results, diffs or error messages.
    type: str
  transport_password_update:
    description:
      - V(on_create) writes the password only when the agent has none yet (for example when it is created);
        later runs leave it alone and report no change for it.
      - V(always) rewrites the password on every run, and the task reports a change each time. Use it to rotate
        the password.
      - A password AEM holds in clear text (written by a tool without encryption) is compared and rewritten only
        when it differs, with either value.
    type: str
    choices: [on_create, always]
    default: on_create
  transport_password_encrypt:
    description:
      - Encrypt the password with the instance's own key (C(POST /system/console/crypto/.json)) before it is
        written, so that C(transportPassword) holds the C({hex}) form AEM's own agents have.
      - This needs access to the Felix web console. With V(false) the clear text is written; AEM accepts both.
    type: bool
    default: true
  serialization_type:
    description:
      - Serialization type (C(serializationType)), for example V(durbo) for content replication or V(flush)
        for a dispatcher flush agent.
    type: str
  retry_delay:
    description:
      - Milliseconds to wait before a failed item is sent again (C(retryDelay)); must be positive. AEM's dialog
        proposes V(60000).
    type: int
  log_level:
    description:
      - Log level of the agent's log (C(logLevel)).
    type: str
    choices: [error, info, debug]
  user_id:
    description:
      - User whose permissions the agent uses to read the content it replicates (C(userId)).
    type: str
  close_connection:
    description:
      - The "Close Connection" check box of the Extended tab, which Adobe recommends on Brand Portal agents to
        avoid timeouts.
      - Written as C(protocolHTTPConnectionClosed). This property name is INFERRED from the agent dialog's
        parameter list; Adobe's documents name only the check box.
    type: bool
  ssl:
    description:
      - SSL mode of the agent (C(ssl)). V(default) verifies the receiver's certificate, V(relaxed) accepts any
        certificate, V(clientauth) authenticates with a client certificate (this stored value is INFERRED).
    type: str
    choices: [default, relaxed, clientauth]
  extra_properties:
    description:
      - Further C(jcr:content) properties, for example C(protocolHTTPMethod), C(protocolHTTPHeaders),
        C(triggerReceive) or C(noVersioning), as a mapping of name to value.
      - Strings are written as C(String), integers as C(Long), booleans as C(Boolean), lists as multi-value
        properties; an empty string or list removes the property.
      - Properties that have their own option (for example C(transportUri)) cannot be set here.
    type: dict
    default: {}
  purge_properties:
    description:
      - Remove every C(jcr:content) property that no option sets, except properties AEM maintains, C(jcr:*)
        node types, C(sling:resourceType), C(cq:template), C(jcr:title) and C(transportPassword).
    type: bool
    default: false
notes:
  - Replication agents of AEM as a Cloud Service (Sling Content Distribution) are not managed by this module. It
    does not read the AEM version, so it does not refuse such an author; there Brand Portal is activated from Cloud
    Manager, and the Brand Portal modules and roles of this collection stop with that explanation.
seealso:
  - module: aemtools.brand_portal.aem_replication_agent_info
  - module: aemtools.brand_portal.aem_replication_agent_test
  - module: aemtools.brand_portal.aem_replication_queue_wait
  - name: Replication in AEM 6.5
    description: Adobe's description of replication agents and their settings.
    link: https://experienceleague.adobe.com/docs/experience-manager-65/deploying/configuring/replication.html
"""

EXAMPLES = r"""
- name: Manage agents with one connection
  module_defaults:
    group/aemtools.brand_portal.aem:
      url: https://author.example.com
      username: "{{ aem_username }}"
      password: "{{ aem_password }}"
  block:
    - name: Replicate to a second publish instance
      aemtools.brand_portal.aem_replication_agent:
        name: publish2
        title: Publish 2
        enabled: true
        transport_uri: https://publish2.example.com/bin/receive?sling:authRequestLogin=1
        transport_user: replication-receiver
        transport_password: "{{ vault_publish2_password }}"
        serialization_type: durbo
        retry_delay: 60000
        log_level: info
        ssl: default

    - name: Tick "Close Connection" on a Brand Portal agent, as Adobe recommends
      aemtools.brand_portal.aem_replication_agent:
        name: mp_replication
        close_connection: true

    - name: Rotate the password of the agent (reports a change on every run)
      aemtools.brand_portal.aem_replication_agent:
        name: publish2
        transport_password: "{{ vault_publish2_new_password }}"
        transport_password_update: always

    - name: A dispatcher flush agent on a publish instance
      aemtools.brand_portal.aem_replication_agent:
        name: flush
        runmode: publish
        title: Dispatcher Flush
        enabled: true
        serialization_type: flush
        transport_uri: http://dispatcher.example.com/dispatcher/invalidate.cache
        extra_properties:
          protocolHTTPMethod: GET
          protocolHTTPHeaders: ["CQ-Action:{action}", "CQ-Handle:{path}", "CQ-Path:{path}"]
          noVersioning: true
          triggerReceive: true
          triggerSpecific: true

    - name: Delete the agent
      aemtools.brand_portal.aem_replication_agent:
        name: publish2
        state: absent
"""

RETURN = r"""
path:
  description: Path of the agent page.
  returned: always
  type: str
  sample: /etc/replication/agents.author/publish2
agent:
  description:
    - The agent as AEM holds it after the task (read back after a write); V(null) when it does not exist.
    - In check mode, the agent as it would be.
  returned: always
  type: dict
  contains:
    name:
      description: Node name of the agent.
      type: str
      sample: publish2
    runmode:
      description: V(author) or V(publish).
      type: str
      sample: author
    path:
      description: Path of the agent page.
      type: str
      sample: /etc/replication/agents.author/publish2
    title:
      description: Title of the agent.
      type: str
      sample: Publish 2
    enabled:
      description: Whether the agent is enabled.
      type: bool
      sample: true
    transport_uri:
      description: Where the agent sends to.
      type: str
      sample: https://publish2.example.com/bin/receive?sling:authRequestLogin=1
    properties:
      description: All properties of the agent's C(jcr:content) node; secret ones are V(<redacted>).
      type: dict
      sample: {"jcr:title": "Publish 2", "enabled": "true", "transportPassword": "<redacted>",
               "sling:resourceType": "cq/replication/components/agent"}
diff:
  description: The properties that change, before and after; secret properties are V(<redacted>).
  returned: always
  type: dict
  sample: {"before": {"logLevel": "info"}, "after": {"logLevel": "debug"},
           "before_header": "/etc/replication/agents.author/publish2",
           "after_header": "/etc/replication/agents.author/publish2"}
transport_password_written:
  description: Whether the transport password was written (or, in check mode, would be).
  returned: when O(state=present)
  type: bool
  sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    LOG_LEVELS,
    OPTION_PROPERTIES,
    RUNMODES,
    SSL_MODES,
    AgentSpec,
    ensure_agent_absent,
    ensure_agent_present,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        name=dict(type="str", required=True),
        runmode=dict(type="str", choices=list(RUNMODES), default="author"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        title=dict(type="str"),
        description=dict(type="str"),
        enabled=dict(type="bool"),
        transport_uri=dict(type="str"),
        transport_user=dict(type="str"),
        transport_password=dict(type="str", no_log=True),
        transport_password_update=dict(type="str", choices=["on_create", "always"], default="on_create",
                                       no_log=False),
        transport_password_encrypt=dict(type="bool", default=True, no_log=False),
        serialization_type=dict(type="str"),
        retry_delay=dict(type="int"),
        log_level=dict(type="str", choices=list(LOG_LEVELS)),
        user_id=dict(type="str"),
        close_connection=dict(type="bool"),
        ssl=dict(type="str", choices=list(SSL_MODES)),
        extra_properties=dict(type="dict", default={}),
        purge_properties=dict(type="bool", default=False),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    spec = AgentSpec(params["name"], params["runmode"],
                     settings=dict((option, params[option]) for option, _prop in OPTION_PROPERTIES),
                     extra=params["extra_properties"], password=params["transport_password"],
                     password_update=params["transport_password_update"], purge=params["purge_properties"])
    try:
        spec.validate()
        client = new_client(module)
        if params["state"] == "absent":
            result = ensure_agent_absent(client, spec.runmode, spec.name, module.check_mode)
        else:
            result = ensure_agent_present(client, spec, module.check_mode,
                                          encrypt=params["transport_password_encrypt"])
    except AemError as error:
        fail_from(module, error)
    module.exit_json(path=spec.path, **result)


if __name__ == "__main__":
    main()
