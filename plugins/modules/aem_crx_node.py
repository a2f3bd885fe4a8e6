#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_crx_node
short_description: Manage one JCR node of an AEM author through the Sling POST servlet
version_added: 0.1.0
description:
  - Creates, updates or removes one node of the AEM repository (JCR) and its properties, idempotently.
  - Reads the node as Sling JSON, compares it with the requested properties and writes only the
    differences in one Sling POST, with a C(@TypeHint) for every property so that AEM stores the
    intended type.
  - Properties the repository maintains itself (C(jcr:created*), C(jcr:lastModified*),
    C(cq:lastModified*), C(jcr:uuid), version properties and C(:)-prefixed keys) are never compared
    or removed.
  - Values are compared by their text, as AEM's own readers convert them, so a Boolean V(true) and the
    String V("true") are equal; a single value and a list are different.
  - Removal uses C(:operation=delete), because AEM answers the HTTP DELETE method with 405.
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
      - Shows only the properties that change; secret properties appear as V(<redacted>).
options:
  path:
    description:
      - Absolute JCR path of the node, for example V(/conf/acme/settings/example).
      - Missing parent nodes are created by AEM when the node is created.
    type: str
    required: true
  state:
    description:
      - V(present) creates the node or updates its properties; V(absent) removes it with all its children.
    type: str
    choices: [present, absent]
    default: present
  primary_type:
    description:
      - Node type (C(jcr:primaryType)) used when the node is created, for example V(nt:unstructured) or V(sling:Folder).
      - If the node exists with another type the module fails instead of changing it.
      - If not set, AEM chooses the type when it creates the node.
    type: str
  properties:
    description:
      - Properties the node must hold, as a mapping of name to value.
      - Strings are written as C(String), integers as C(Long), floats as C(Double), booleans as C(Boolean);
        a list is written as a multi-value property of its elements' type, even with one element.
        All elements of a list must have the same type.
      - An empty string or an empty list removes the property (Sling treats an empty value as a removal).
      - Names must be plain property names; C(:)-prefixed names, C(_charset_), C(j_*) and names containing
        C(@) or C(/) are rejected because the Sling POST servlet treats them as control parameters or paths.
    type: dict
    default: {}
  purge_properties:
    description:
      - Remove every property that is not listed in O(properties) or O(secret_properties), except
        server-managed ones, C(jcr:primaryType), C(jcr:mixinTypes), C(rep:*) and those matching O(ignore_properties).
    type: bool
    default: false
  ignore_properties:
    description:
      - Property names never compared or removed. Shell-style wildcards are allowed, for example V(cq:*).
    type: list
    elements: str
    default: []
  secret_properties:
    description:
      - Properties whose values are secret, as a mapping of name to value. They are written like
        O(properties) but never shown in the diff, the result or error messages.
      - AEM keeps some secrets encrypted (values of the form C({hex})), which cannot be compared with
        the clear text; O(secret_properties_update) decides what happens then.
        A value AEM keeps in clear is compared and written only when it differs.
    type: dict
    default: {}
  secret_properties_update:
    description:
      - V(on_create) writes an encrypted secret only when the property does not exist yet;
        later runs leave it alone and report no change for it.
      - V(always) rewrites every encrypted secret on every run, and the task reports a change each time.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - A generic module for any Sling-based AEM author, so it does not read the AEM version and also works on AEM as a
    Cloud Service (where C(/apps) and C(/libs) are read-only). It is no way to configure Brand Portal there; on
    AEM as a Cloud Service Brand Portal is activated from Cloud Manager, and the Brand Portal modules and roles of
    this collection stop with that explanation before they write anything.
seealso:
  - name: Sling POST servlet
    description: How AEM creates, modifies and deletes content over HTTP.
    link: https://sling.apache.org/documentation/bundles/manipulating-content-the-slingpostservlet-servlets-post.html
"""

EXAMPLES = r"""
- name: Connect once for every module of the collection
  module_defaults:
    group/aemtools.brand_portal.aem:
      url: https://author.example.com
      username: "{{ aem_username }}"
      password: "{{ aem_password }}"
  block:
    - name: Ensure a configuration node with typed properties
      aemtools.brand_portal.aem_crx_node:
        path: /conf/acme/settings/example
        primary_type: nt:unstructured
        properties:
          jcr:title: Example
          enabled: true
          retryDelay: 60000
          tags: [brand, portal]

    - name: Keep only the listed properties, ignoring the cq:* ones
      aemtools.brand_portal.aem_crx_node:
        path: /conf/acme/settings/example
        properties:
          jcr:title: Example
        purge_properties: true
        ignore_properties: ["cq:*"]

    - name: Set a secret once; AEM encrypts it, so later runs leave it alone
      aemtools.brand_portal.aem_crx_node:
        path: /conf/acme/settings/example
        secret_properties:
          apiSecret: "{{ vault_api_secret }}"
        secret_properties_update: on_create

    - name: Remove the node and its subtree
      aemtools.brand_portal.aem_crx_node:
        path: /conf/acme/settings/example
        state: absent
"""

RETURN = r"""
node:
  description:
    - The node's properties as AEM holds them after the task (read back after a write), without child
      nodes; secret properties are V(<redacted>).
    - In check mode, the properties the node would hold.
    - V(null) when the node does not exist (O(state=absent)).
  returned: always
  type: dict
  sample: {"jcr:primaryType": "nt:unstructured", "jcr:title": "Example", "enabled": true, "tags": ["brand", "portal"]}
diff:
  description: The properties that change, before and after; secret properties are V(<redacted>).
  returned: always
  type: dict
  sample: {"before": {"jcr:title": "Old"}, "after": {"jcr:title": "Example"},
           "before_header": "/conf/acme/settings/example", "after_header": "/conf/acme/settings/example"}
secret_properties_written:
  description: Names of the secret properties written (or, in check mode, that would be written).
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["apiSecret"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    aem_argument_spec,
    fail_from,
    new_client,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import (
    NodeSpec,
    ensure_absent,
    ensure_present,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(
        path=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        primary_type=dict(type="str"),
        properties=dict(type="dict", default={}),
        purge_properties=dict(type="bool", default=False),
        ignore_properties=dict(type="list", elements="str", default=[]),
        secret_properties=dict(type="dict", default={}, no_log=True),
        secret_properties_update=dict(type="str", choices=["on_create", "always"], default="on_create",
                                      no_log=False),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    spec = NodeSpec(params["path"], properties=params["properties"], primary_type=params["primary_type"],
                    secrets=params["secret_properties"], secret_update=params["secret_properties_update"],
                    purge=params["purge_properties"], ignore=params["ignore_properties"])
    try:
        spec.validate()
        client = new_client(module)
        if params["state"] == "absent":
            result = ensure_absent(client, spec.path, module.check_mode, secret_names=spec.secrets)
        else:
            result = ensure_present(client, spec, module.check_mode)
    except AemError as error:
        fail_from(module, error)
    module.exit_json(path=spec.path, **result)


if __name__ == "__main__":
    main()
