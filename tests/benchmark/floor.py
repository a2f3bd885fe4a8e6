"""The floor of the fleet benchmark: the no-change audit as a plain Python client makes it.

    .venv/bin/python -m tests.benchmark.floor --inventory INVENTORY.json [--threads 5] [--report-dir DIR]

One ``requests.Session`` per author, the authors in a thread pool, and the minimal requests for the audit that
``playbooks/audit.yml`` and ``tests/benchmark/uri/audit.yml`` make (AEM 6.5, IMS configuration model, OAuth
Server-to-Server): six GETs on an author configured once, all of them reads:

1. ``/system/console/status-productinfo.json``: the AEM version (the model follows from it);
2. ``/system/console/configMgr``: the PIDs of the IMS configurations' token providers and request customizers
   (the page's ``configData``);
3. ``/system/console/configMgr/<provider pid>.json`` for each token provider, to find the one by its title;
4. ``/system/console/configMgr/<customizer pid>.json`` for the customizers until the provider's one is found
   (its type, and whether the client secret is set);
5. ``/conf/global/settings/cloudconfigs/mediaportal.2.json``: the cloud services with their properties;
6. ``/etc/replication/agents.author.2.json``: every agent with its properties.

It compares them with the desired state (the inventory's ``bp_*`` variables with the role's defaults, the same
comparison as ``tests/benchmark/uri/read.yml``) and prints one JSON object: ``wall_s``, per author the
``requests`` it made and its report (``drift``, ``error``, ``changes``: ``{item, name, property, before, after}``),
and the fleet summary (``drifting``, ``failed``, ``in_sync``). With ``--report-dir`` it also writes
``<host>.json`` and ``fleet.json`` there, as the audits do. The inventory is the JSON one ``bench_fleet.py``
writes (group ``aem_authors``: ``hosts`` with ``aem_url``, ``vars`` with the rest). Exit status 0, also when
authors drift; 1 when an author could not be read; 2 for bad options.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests

PROVIDER_FPID = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER_FPID = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
CS_ROOT = "/conf/global/settings/cloudconfigs/mediaportal"
AGENTS_ROOT = "/etc/replication/agents.author"
CS_RESOURCE_TYPE = "dam/components/mediaportal/config"
CS_OAUTH_SCOPES = "dam-read dam-write dam-sync cc-share"
PROVIDER_REMOVE = ("auth.token.provider.keypair.alias",)
_CONFIG_DATA = re.compile(r"\bconfigData\s*=\s*")
_PRODUCT = re.compile(r"Adobe Experience Manager\s*\(([\d.]+)\)")


class Desired(object):
    """The desired state from the inventory variables (the brand_portal_configure role's inputs and defaults)."""

    def __init__(self, hostvars):
        server = str(hostvars.get("bp_authorization_server") or "https://ims-na1.adobelogin.com").rstrip("/")
        self.ims_title = str(hostvars.get("bp_ims_config_title") or "Brand Portal")
        self.cs_title = str(hostvars.get("bp_cloudservice_title") or "Brand Portal")
        self.tenant_url = str(hostvars["bp_tenant_url"]).rstrip("/")
        self.close_connection = bool(hostvars.get("bp_close_connection", True))
        org = hostvars["bp_org_id"]
        self.provider = {
            "auth.token.provider.title": self.ims_title,
            "auth.token.provider.endpoint": urlsplit(server).netloc,
            "auth.token.provider.client.id": hostvars["bp_client_id"],
            "auth.access.token.request": server + "/ims/token/v3",
            "auth.token.provider.authorization.grants": "client_credentials",
            "auth.token.provider.orgId": org,
            "auth.token.provider.default.claims": ['iss:"%s"' % org],
            "auth.token.provider.scope": ",".join(hostvars.get("bp_scopes") or []),
        }


def norm(key, value):
    """A comparable text: scopes as a sorted set, lists sorted, the rest trimmed text."""
    if value is None or value == "" or value == []:
        return ""
    if key == "auth.token.provider.scope":
        items = value.split(",") if isinstance(value, str) else value
        return ",".join(sorted(s.strip() for s in items if str(s).strip()))
    if isinstance(value, list):
        return "\n".join(sorted(str(v).strip() for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def first(value):
    return (value[0] if value else None) if isinstance(value, list) else value


def config_properties(obj):
    """The properties a configMgr JSON object shows as set."""
    out = {}
    for key, entry in (obj.get("properties") or {}).items():
        if isinstance(entry, dict) and entry.get("is_set", True):
            out[key] = entry["values"] if "values" in entry else entry.get("value")
    return out


class Author(object):
    def __init__(self, host, hostvars, timeout):
        self.host = host
        self.url = str(hostvars["aem_url"]).rstrip("/")
        self.session = requests.Session()
        self.session.auth = (hostvars["aem_username"], hostvars["aem_password"])
        self.session.verify = hostvars.get("aem_ca_path") or bool(hostvars.get("aem_validate_certs", True))
        self.timeout = timeout
        self.requests = 0

    def get(self, path, missing=()):
        self.requests += 1
        response = self.session.get(self.url + path, timeout=self.timeout, allow_redirects=False)
        if response.status_code in missing:
            return None
        if response.status_code != 200:
            raise RuntimeError("GET %s answered %d" % (path, response.status_code))
        return response

    def config(self, pid):
        data = self.get("/system/console/configMgr/%s.json" % pid).json()
        return config_properties(data[0]) if data else None


def audit(author, desired):
    """The author's report: {host, aem_url, aem_version, drift, error, changes}."""
    report = {"host": author.host, "aem_url": author.url, "aem_version": None, "drift": False, "error": None,
              "changes": []}
    try:
        changes = report["changes"]
        lines = author.get("/system/console/status-productinfo.json").json()
        match = next((m for m in (_PRODUCT.search(str(line)) for line in lines) if m), None)
        report["aem_version"] = match.group(1) if match else None
        version = tuple(int(p) for p in (report["aem_version"] or "0").split(".")[:3])
        if not (6, 5, 21) <= version < (6, 6):
            raise RuntimeError("AEM %s: the audit is for AEM 6.5.21 and later 6.5 service packs"
                               % report["aem_version"])
        page = author.get("/system/console/configMgr").text
        match = _CONFIG_DATA.search(page)
        pids = json.JSONDecoder().raw_decode(page, match.end())[0]["pids"]
        providers = [p["id"] for p in pids if p.get("fpid") == PROVIDER_FPID]
        customizers = [p["id"] for p in pids if p.get("fpid") == CUSTOMIZER_FPID]
        titled = []
        for pid in providers:
            props = author.config(pid)
            if props is not None and str(props.get("auth.token.provider.title") or "").strip() == desired.ims_title:
                titled.append((pid, props))
        if len(titled) > 1:
            raise RuntimeError("%d IMS configurations are titled %s" % (len(titled), desired.ims_title))
        ims_name = None
        if not titled:
            changes.append(change("ims_config", desired.ims_title, "(configuration)", None, "present"))
            changes.append(change("ims_customizer", desired.ims_title, "(configuration)", None, "present"))
        else:
            pid, props = titled[0]
            ims_name = str(props.get("name") or "") or pid.rsplit(".", 1)[-1]
            ctype = str(props.get("token.request.customizer.type") or "") or "adobe-ims-" + ims_name
            want = dict(desired.provider, **{"name": ims_name, "token.request.customizer.type": ctype,
                                             "auth.token.validator.type":
                                                 str(props.get("auth.token.validator.type") or "") or ctype})
            for key, value in want.items():
                if norm(key, props.get(key)) != norm(key, value):
                    changes.append(change("ims_config", desired.ims_title, key, props.get(key), value))
            for key in PROVIDER_REMOVE:
                if norm(key, props.get(key)):
                    changes.append(change("ims_config", desired.ims_title, key, props[key], None))
            customizer = None
            for cpid in customizers:
                cprops = author.config(cpid)
                if cprops is not None and str(cprops.get("customizer.type") or "") == ctype:
                    customizer = cprops
                    break
            if customizer is None:
                changes.append(change("ims_customizer", desired.ims_title, "(configuration)", None, "present"))
            elif first(customizer.get("auth.ims.client.secret")) in (None, ""):
                changes.append(change("ims_customizer", desired.ims_title, "auth.ims.client.secret", "(not set)",
                                      "(set)"))
        tree = author.get(CS_ROOT + ".2.json", missing=(404,))
        services = []
        for name, page_node in sorted((tree.json() if tree is not None else {}).items()):
            content = page_node.get("jcr:content") if isinstance(page_node, dict) else None
            if name.startswith(("jcr:", "rep:")) or not isinstance(content, dict):
                continue
            if str(content.get("jcr:title") or "").strip() == desired.cs_title:
                services.append(("%s/%s" % (CS_ROOT, name), content))
        if not services:
            changes.append(change("cloudservice", desired.cs_title, "(configuration)", None, "present"))
        else:
            path, content = services[0]
            want = {"jcr:title": desired.cs_title, "tenantURL": desired.tenant_url,
                    "imsConfig": ims_name or "brandportal", "oauthScopes": CS_OAUTH_SCOPES,
                    "sling:resourceType": CS_RESOURCE_TYPE}
            for key, value in want.items():
                if str(content.get(key, "")) != value:
                    changes.append(change("cloudservice", path, key, content.get(key), value))
        agents_tree = author.get(AGENTS_ROOT + ".2.json", missing=(403, 404))
        agents = []
        for name, page_node in sorted((agents_tree.json() if agents_tree is not None else {}).items()):
            content = page_node.get("jcr:content") if isinstance(page_node, dict) else None
            if name.startswith(("jcr:", "rep:")) or not isinstance(content, dict):
                continue
            if str(first(content.get("transportUri")) or "").startswith(desired.tenant_url + "/"):
                agents.append((name, first(content.get("protocolHTTPConnectionClosed"))))
        if services and len(agents) != 4:
            changes.append(change("agents", desired.tenant_url, "(count)", len(agents), 4))
        for name, closed in agents:
            if desired.close_connection and str(closed).lower() != "true":
                changes.append(change("agent", name, "protocolHTTPConnectionClosed", closed, "true"))
    except (requests.RequestException, RuntimeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        report["error"] = "%s: %s" % (type(exc).__name__, exc)
    report["drift"] = bool(report["changes"])
    return report


def change(item, name, prop, before, after):
    return {"item": item, "name": name, "property": prop, "before": before, "after": after}


def load_inventory(path):
    with open(path, encoding="utf-8") as fh:
        group = json.load(fh)["aem_authors"]
    common = group.get("vars") or {}
    return [(host, dict(common, **(hostvars or {}))) for host, hostvars in sorted(group["hosts"].items())]


def run(inventory, threads, timeout=30.0):
    """Audit every author of ``inventory``; the result object (see the module docstring)."""
    start = time.monotonic()
    authors = [(Author(host, hostvars, timeout), Desired(hostvars)) for host, hostvars in load_inventory(inventory)]
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        reports = list(pool.map(lambda pair: audit(*pair), authors))
    wall = time.monotonic() - start
    for author, _desired in authors:
        author.session.close()
    fleet = {"hosts": len(reports),
             "drifting": [r["host"] for r in reports if r["drift"]],
             "failed": [r["host"] for r in reports if r["error"]],
             "in_sync": [r["host"] for r in reports if not r["drift"] and not r["error"]],
             "results": dict((r["host"], r) for r in reports)}
    return {"wall_s": round(wall, 4), "threads": threads,
            "requests": dict((a.host, a.requests) for a, _d in authors), "fleet": fleet}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.benchmark.floor",
                                description="The no-change Brand Portal audit as a plain Python client (the floor "
                                            "of tests/benchmark/bench_fleet.py).")
    p.add_argument("--inventory", required=True, help="the JSON inventory bench_fleet.py writes")
    p.add_argument("--threads", type=int, default=5, help="authors audited at the same time (default 5)")
    p.add_argument("--report-dir", help="also write <host>.json and fleet.json here")
    args = p.parse_args(argv)
    if args.threads < 1:
        p.error("--threads must be at least 1")
    result = run(args.inventory, args.threads)
    if args.report_dir:
        os.makedirs(args.report_dir, exist_ok=True)
        for host, report in result["fleet"]["results"].items():
            with open(os.path.join(args.report_dir, host + ".json"), "w", encoding="utf-8") as fh:
                json.dump(report, fh, indent=2)
        with open(os.path.join(args.report_dir, "fleet.json"), "w", encoding="utf-8") as fh:
            json.dump(result["fleet"], fh, indent=2)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 1 if result["fleet"]["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
