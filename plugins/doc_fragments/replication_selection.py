# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # How the replication agent modules that work on several agents select them.
    DOCUMENTATION = r"""
options:
  names:
    description:
      - Node names of the agents, for example V([publish, mp_replication]).
      - A listed agent that does not exist is reported as missing.
    type: list
    elements: str
  name_prefix:
    description:
      - Only agents whose node name starts with this text, for example V(mp_replication) for the Brand Portal
        agents.
    type: str
  transport_uri_prefix:
    description:
      - Only agents whose C(transportUri) starts with this URL followed by V(/), for example the tenant URL
        V(https://acme.brand-portal.adobe.com) selects that tenant's Brand Portal agents and not those of
        C(https://acme.brand-portal.adobe.com.example.org).
    type: str
  runmode:
    description:
      - Which agents folder to look in, C(/etc/replication/agents.author) or C(/etc/replication/agents.publish).
    type: str
    choices: [author, publish]
    default: author
notes:
  - The filters O(names), O(name_prefix) and O(transport_uri_prefix) combine; an agent must match every one given.
  - The agents are listed with one request, C(GET /etc/replication/agents.<runmode>.2.json).
"""
