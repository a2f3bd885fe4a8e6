# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module_utils are layered: each imports only its own layer and those below, so that the transport knows
nothing of AEM or IMS, the two HTTP clients know nothing of each other, and only the glue knows AnsibleModule."""

from __future__ import annotations

import ast
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_UTILS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "plugins", "module_utils"))

LAYERS = [
    # 0: no collection imports at all
    {"_errors", "_redact", "_files"},
    # 1: the HTTP transport; the audit's reports (files only); the check-mode gate every ensure function shares
    {"_http", "_audit_report", "_plan"},
    # 2: the two clients, version facts, keystores, Sling and configMgr - each on its own (see FORBIDDEN)
    {"_aem_client", "_ims", "_profiles", "_keystore", "_sling", "_osgi"},
    # 3: JCR nodes, replication agents, OSGi / Adobe IMS configurations
    {"_jcr_node", "_replication", "_ims_config"},
    # 4: Brand Portal rules
    {"_brand_portal", "_bp_detect", "_backup", "_restore", "_preflight", "_bp_health", "_capture"},
    # 5: the per-author engine
    {"_bp_converge"},
    # 6: the glue between AnsibleModule and the clients
    {"_aem_module", "_ims_module"},
]
# siblings that must not know each other
FORBIDDEN = {("_ims", "_aem_client"), ("_aem_client", "_ims"), ("_keystore", "_ims"), ("_keystore", "_aem_client"),
             ("_sling", "_aem_client"), ("_profiles", "_aem_client"), ("_osgi", "_aem_client"), ("_osgi", "_ims")}
LAYER = dict((name, n) for n, names in enumerate(LAYERS) for name in names)
PREFIX = "ansible_collections.aemtools.brand_portal.plugins.module_utils."


def imports(name):
    with open(os.path.join(MODULE_UTILS, name + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PREFIX):
            found.add(node.module[len(PREFIX):])
        elif isinstance(node, ast.Import):
            found.update(a.name[len(PREFIX):] for a in node.names if a.name.startswith(PREFIX))
    return found


def ansible_basic(name):
    with open(os.path.join(MODULE_UTILS, name + ".py"), encoding="utf-8") as handle:
        return "ansible.module_utils.basic import AnsibleModule" in handle.read()


def test_every_module_util_has_a_layer():
    present = set(f[:-3] for f in os.listdir(MODULE_UTILS) if f.endswith(".py") and f != "__init__.py")
    assert present == set(LAYER), "assign a layer in LAYERS: %s" % sorted(present ^ set(LAYER))


@pytest.mark.parametrize("name", sorted(LAYER))
def test_imports_go_down_only(name):
    upward = sorted(dep for dep in imports(name) if LAYER.get(dep, 99) > LAYER[name])
    assert not upward, "%s (layer %d) imports a higher layer: %s" % (name, LAYER[name], upward)
    crossed = sorted(dep for dep in imports(name) if (name, dep) in FORBIDDEN)
    assert not crossed, "%s must not import %s" % (name, crossed)


@pytest.mark.parametrize("name", sorted(n for n in LAYER if LAYER[n] < LAYER["_aem_module"]))
def test_only_the_glue_knows_ansible_module(name):
    assert not ansible_basic(name)
