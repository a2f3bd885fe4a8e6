# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""What an author holds of Brand Portal, read in a few GETs: the cloud services under both roots, the
``mp_replication*`` agents, the MAC users and (AEM 6.5) the Adobe IMS configuration of a title; and which
of them make up a *legacy* (pre-2020 OAuth Gateway) integration that Adobe's upgrade procedure deletes.

Paths, the MAC user naming and the legacy client-ID property come from ``_profiles`` (one table), so that the
upgrade role no longer repeats them in Jinja.
"""

from __future__ import annotations

from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import _before_config, find_configuration
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import first_value as _first
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import read_node


def _children(tree):
    """``(name, node)`` of the child nodes of a Sling JSON tree, sorted by name."""
    return [(name, node) for name, node in sorted((tree or {}).items())
            if isinstance(node, dict) and not name.startswith(("jcr:", "rep:", "sling:", "cq:"))]


def read_cloudservices(client):
    """Every Brand Portal cloud service under the 6.3/6.4 root and the 6.5 root (one GET each)."""
    found = []
    for root in (fact("legacy_cloudservice_root"), fact("ims_cloudservice_root")):
        tree = read_node(client, root, depth=2, missing=(403, 404))
        for name, page in _children(tree):
            content = page.get("jcr:content")
            if not isinstance(content, dict):
                continue
            found.append({
                "name": name,
                "path": "%s/%s" % (root, name),
                "root": root,
                "title": _first(content.get("jcr:title")),
                "tenant_url": str(_first(content.get("tenantURL")) or "").strip().rstrip("/"),
                "ims_config": _first(content.get("imsConfig")),
                # 6.3/6.4 Adobe I/O cloud services carry an API key; legacy OAuth Gateway ones a client ID only
                "api_key": bool(content.get("apiKey")),
                "legacy_client_id": bool(content.get(fact("legacy_client_id_property"))),
            })
    return found


def read_agents(client, prefix):
    """The author's replication agents whose node name starts with ``prefix`` (one GET)."""
    root = fact("agents_root")
    agents = []
    for name, page in _children(read_node(client, root, depth=2, missing=(403, 404))):
        content = page.get("jcr:content")
        if not name.startswith(prefix) or not isinstance(content, dict):
            continue
        agents.append({
            "name": name,
            "path": "%s/%s" % (root, name),
            "title": _first(content.get("jcr:title")),
            "enabled": str(_first(content.get("enabled")) or "false").lower() == "true",
            "transport_uri": str(_first(content.get("transportUri")) or ""),
            "user_id": _first(content.get("userId")) or None,
        })
    return agents


def read_mac_users(client):
    """The users under the MAC users' folder (one GET)."""
    root = fact("mac_users_root")
    users = []
    for name, node in _children(read_node(client, root, depth=1, missing=(403, 404))):
        users.append({"id": _first(node.get("rep:authorizableId")) or name, "path": "%s/%s" % (root, name)})
    return users


def tenant_of(tenant_url):
    """``https://acme.brand-portal.adobe.com`` -> ``acme`` (the MAC user is named after it)."""
    host = tenant_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host.split(".", 1)[0].lower()


def is_legacy(cloudservice, model, names):
    """Adobe's upgrade procedure deletes a cloud service when it is the pre-2020 (OAuth Gateway) kind:
    named explicitly; on 6.5 any cloud service left under the classic root (6.5 keeps new ones in /conf);
    on 6.3/6.4 one with the gateway's client ID and no Adobe I/O API key."""
    if names:
        return cloudservice["name"] in names
    if model == "ims":
        return cloudservice["root"] == fact("legacy_cloudservice_root")
    return cloudservice["legacy_client_id"] and not cloudservice["api_key"]


def legacy_plan(model, cloudservices, agents, mac_users, names=()):
    """What the upgrade backs up and deletes: the legacy cloud services, the agents below their tenant URLs
    (every prefixed agent when a legacy cloud service has no tenant URL), and their MAC users."""
    legacy = [dict(cs, legacy=True) for cs in cloudservices if is_legacy(cs, model, names)]
    tenant_urls = [cs["tenant_url"] for cs in legacy]
    selected = [a for a in agents
                if any(u == "" or a["transport_uri"].startswith(u + "/") for u in tenant_urls)]
    mac_ids = set(a["user_id"] for a in selected if a["user_id"])
    mac_ids.update(fact("mac_user_id").format(tenant=tenant_of(u)) for u in tenant_urls if u)
    macs = [u for u in mac_users if u["id"] in mac_ids]
    return {
        "cloudservices": [{"name": cs["name"], "path": cs["path"], "tenant_url": cs["tenant_url"]} for cs in legacy],
        "agents": [a["name"] for a in selected],
        "agent_paths": [a["path"] for a in selected],
        "mac_users": macs,
    }


def read_ims_config(client, title):
    """The Adobe IMS configuration titled ``title`` as found (secrets redacted), or None."""
    return _before_config(find_configuration(client, title), title)


def detect(client, profile, agent_prefix, ims_config_title=None, legacy_names=()):
    """The author's Brand Portal state and its legacy plan (the module result of ``aem_bp_info``)."""
    cloudservices = read_cloudservices(client)
    agents = read_agents(client, agent_prefix)
    mac_users = read_mac_users(client)
    plan = legacy_plan(profile.model, cloudservices, agents, mac_users, legacy_names)
    ims_config = None
    if ims_config_title and profile.model == "ims" and profile.ims_configuration:
        ims_config = read_ims_config(client, ims_config_title)
    legacy_paths = set(cs["path"] for cs in plan["cloudservices"])
    for cs in cloudservices:
        cs["legacy"] = cs["path"] in legacy_paths
    # the IMS configuration is part of the plan: the configure role updates it after the deletions
    plan["ims_configs"] = ([dict((k, ims_config[k]) for k in ("title", "pid", "id", "credential_type"))]
                           if ims_config and plan["cloudservices"] else [])
    plan["found"] = bool(plan["cloudservices"])
    return {"cloudservices": cloudservices, "agents": agents, "mac_users": mac_users, "ims_config": ims_config,
            "legacy": plan}
