# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up and checks of the brand_portal_faults target (runme.sh calls each step).

The playbooks under test run with ansible-playbook; this script only prepares the mock (authors, faults, the
Adobe side), writes the inventory, and checks what the runs left: the per-task records of the fault_record
callback, the authors' repositories and OSGi configurations read over HTTP, the backup folders on disk.

    python faults.py upgrade-prepare WORK       legacy installation + own fault on each author, inventory
    python faults.py upgrade-interrupted WORK   first run: each author failed at its step, with the message
    python faults.py upgrade-completed WORK     re-run: all succeeded, end states equal, backups kept
    python faults.py upgrade-restored WORK      restore from the first backup: the legacy configuration is back
    python faults.py converge-prepare WORK      fresh authors, inventory
    python faults.py faults-on WORK             30 % 503s and dropped connections on the flaky authors and IMS
    python faults.py faults-off WORK            no faults; the fault hits so far are checked and kept
    python faults.py converge-check WORK        changed as on the reference, end states equal, re-run wrote nothing
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.request

TENANT = "acme"
TENANT_URL = "https://acme.brand-portal.adobe.com"
ORG_ID = "1234567890ABCDEF12345678@AdobeOrg"
ACCOUNT_ID = "ABCDEF1234567890@techacct.adobe.com"
CLIENT_ID = "it-faults-client"
SCOPES = ["openid", "AdobeID", "read_organizations"]
PROVIDER_FACTORY = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER_FACTORY = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
PROVIDER_PID = PROVIDER_FACTORY + ".5e7f0a2c-2020-4b1d-8c3e-00000000b001"
CUSTOMIZER_PID = CUSTOMIZER_FACTORY + ".5e7f0a2c-2020-4b1d-8c3e-00000000c001"
AGENTS = ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"]
AGENT_ROOT = "/etc/replication/agents.author/"
MAC_USER = "/home/users/mac/mac-acme-replication"
LEGACY_CS = "/etc/cloudservices/mediaportal/brand-portal"
NEW_CS = "/conf/global/settings/cloudconfigs/mediaportal/brand-portal"
CONFIG_MGR = "/system/console/configMgr"
# Properties the repository sets itself when a node is written: they differ between any two authors (and
# between a node deleted and created again) and say nothing about the configuration.  The same list as the
# collection's own (_sling.SERVER_MANAGED_PATTERNS).
SERVER_MANAGED = ("jcr:created*", "jcr:lastModified*", "cq:lastModified*", "jcr:uuid", "jcr:baseVersion",
                  "jcr:predecessors", "jcr:versionHistory", "jcr:isCheckedOut")
NOTHING = "Nothing was written by this task."
# brand_portal_configure: one task configures the author (ignore_errors), the next fails with its message
CONFIGURE_TASK = "Configure Brand Portal (IMS configuration or cloud service, certificate, credentials, agents, Test Connection)"
CONFIGURE_FAILED = "Stop when the configuration failed"


def unknown(request):
    return "Whether %s itself was applied is unknown: no answer came." % request


def fault(path, status=None, drop=False, count=1):
    spec = {"path": path, "method": "POST", "count": count}
    if drop:
        spec["drop"] = True
    else:
        spec["status"] = status
        spec["body"] = "<html><body>Injected fault - javax.jcr.RepositoryException</body></html>"
    return spec


# One author per destructive request of the upgrade, in the order the upgrade sends them, and one without a
# fault.  500 is not retried (the server answered); a dropped connection and 503 are, so those faults last
# for 1 + retries (3, the default) requests and the error says "after 3 retries".
#   host: inventory name; fault: POST /__mock__/faults; task: the task that must fail first; item: the loop
#   item that failed (loops); expect: fragments of its message; legacy_left: the legacy cloud service still
#   exists after the interrupted run (it is deleted last: its deletion ends the legacy part)
def _agent_step(n, status=None, drop=False):
    path = AGENT_ROOT + AGENTS[n]
    count = 4 if (drop or status == 503) else 1
    request = "POST %s" % path
    retried = " after 3 retries" if count > 1 else ""
    expect = ["(%s%s)" % (request, retried), NOTHING] + ([unknown(request)] if drop else ["HTTP %s" % status])
    return {"host": "del_agent_%d" % (n + 1), "fault": fault("^%s$" % re.escape(path), status, drop, count),
            "task": "Delete the legacy replication agents", "item": AGENTS[n], "expect": expect, "legacy_left": True}


UPGRADE_STEPS = [
    _agent_step(0, status=500),
    _agent_step(1, drop=True),
    _agent_step(2, status=500),
    _agent_step(3, status=503),
    {"host": "del_mac_user", "fault": fault("^%s$" % re.escape(MAC_USER), 500),
     "task": "Delete the legacy MAC user", "item": MAC_USER,
     "expect": ["(POST %s): HTTP 500" % MAC_USER, NOTHING], "legacy_left": True},
    {"host": "del_cloudservice", "fault": fault("^%s$" % re.escape(LEGACY_CS), 500),
     "task": "Delete the legacy cloud service", "item": LEGACY_CS,
     "expect": ["(POST %s): HTTP 500" % LEGACY_CS, NOTHING], "legacy_left": True},
    {"host": "ims_update", "fault": fault("^%s/%s$" % (CONFIG_MGR, re.escape(PROVIDER_PID)), drop=True, count=4),
     # the configure role's one task is ignore_errors: the next one fails with its message (option names mapped)
     "task": CONFIGURE_TASK, "item": None, "msg_task": CONFIGURE_FAILED,
     "expect": ["(POST %s/%s after 3 retries)" % (CONFIG_MGR, PROVIDER_PID), NOTHING,
                unknown("POST %s/%s" % (CONFIG_MGR, PROVIDER_PID))], "legacy_left": False},
    {"host": "new_cloudservice", "fault": fault("^/apps/brandportal/config$", 503, count=4),
     "task": CONFIGURE_TASK, "item": None, "msg_task": CONFIGURE_FAILED,
     "expect": ["(POST /apps/brandportal/config after 3 retries): HTTP 503", "Already written by this task: ",
                ", POST %s." % NEW_CS], "legacy_left": False},
    {"host": "close_connection", "fault": fault("^%s$" % re.escape(AGENT_ROOT + AGENTS[2] + "/jcr:content"), 500),
     "task": CONFIGURE_TASK, "item": None, "msg_task": CONFIGURE_FAILED,
     "expect": ["(POST %s%s/jcr:content): HTTP 500" % (AGENT_ROOT, AGENTS[2]), "Already written by this task: ",
                "POST %s%s/jcr:content." % (AGENT_ROOT, AGENTS[1])], "legacy_left": False},
    {"host": "uninterrupted", "fault": None, "task": None, "item": None, "expect": [], "legacy_left": False},
]
REFERENCE = "uninterrupted"
CONVERGE_HOSTS = ["steady", "flaky1", "flaky2"]
CONVERGE_REFERENCE = "steady"
# 30 % of the requests faulted, half of them a 503 and half a dropped connection: the first fault takes 15 %,
# the second 17.65 % of the remaining 85 % (0.15 + 0.85 * 0.1765 = 0.30)
RANDOM = [{"status": 503, "probability": 0.15}, {"drop": True, "probability": 0.1765}]
# Before them (the first matching fault applies), faults that certainly happen, so that every run goes through
# each kind and through the requests that are not simply repeated: the first request answered 503, the next
# dropped; on an author also the first creation of an OSGi configuration (configMgr's temporary PID) dropped
# and the first save of the cloud service answered 503.
CERTAIN = [{"status": 503, "count": 1}, {"drop": True, "count": 1}]
CERTAIN_AEM = CERTAIN + [
    {"method": "POST", "path": r"^%s/\[Temporary PID" % CONFIG_MGR, "drop": True, "count": 1},
    {"method": "POST", "path": "^/apps/brandportal/config$", "status": 503, "count": 1}]


# -- HTTP ----------------------------------------------------------------------------------------------------

def http(method, url, body=None, auth=False, expect=(200, 201)):
    data = None
    headers = {}
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(b"admin:admin").decode("ascii")
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, text = answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    if expect and status not in expect:
        raise AssertionError("%s %s: HTTP %s %s" % (method, url, status, text[:300]))
    return status, text


def read_json(url, auth=True, missing=(404,)):
    status, text = http("GET", url, auth=auth, expect=(200,) + tuple(missing))
    return None if status in missing else json.loads(text)


# -- the work folder -------------------------------------------------------------------------------------------

def load(work, name):
    with open(os.path.join(work, name), encoding="utf-8") as handle:
        return json.load(handle)


def save(work, name, data):
    with open(os.path.join(work, name), "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)


def records(path):
    """The fault_record lines of one ansible-playbook run."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def mock_urls():
    ports = os.environ["MOCK_AEM_PORTS"].split(",")
    return (["http://127.0.0.1:%s" % p for p in ports], "http://127.0.0.1:%s" % os.environ["MOCK_IMS_PORT"],
            "http://127.0.0.1:%s" % os.environ["MOCK_BP_PORT"])


def write_inventory(work, sub, hosts, ims_url, extra_vars):
    """An inventory (YAML is a superset of JSON) with aem_url per host and the roles' inputs for all."""
    group_vars = {
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "aem_username": "admin", "aem_password": "admin", "ims_url": ims_url,
        "bp_tenant_url": TENANT_URL, "bp_credential_type": "oauth", "bp_client_id": CLIENT_ID,
        "bp_client_secret": os.environ["FAULTS_SECRET"], "bp_org_id": ORG_ID, "bp_scopes": SCOPES,
        "bp_backup_dir": os.path.join(work, sub, "backups"),
        "bp_certificate_dir": os.path.join(work, sub, "certificates"),
        "bp_upgrade_queue_timeout": 30, "bp_upgrade_queue_interval": 1,
    }
    group_vars.update(extra_vars)
    inventory = {"aem_authors": {"hosts": dict((h, {"aem_url": u}) for h, u in hosts.items()), "vars": group_vars}}
    os.makedirs(os.path.join(work, sub), exist_ok=True)
    save(work, os.path.join(sub, "inventory.yml"), inventory)


def adobe_side(ims_url, bp_url):
    """The person's steps at Adobe: the tenant exists in Brand Portal, the OAuth credential in the IMS (the
    client ID and secret of the former JWT credential, kept by the Developer Console's migration)."""
    http("POST", bp_url + "/__mock__/tenants", {"tenant": TENANT, "org_id": ORG_ID})
    http("POST", ims_url + "/__mock__/ims/integrations", {
        "client_id": CLIENT_ID, "client_secret": os.environ["FAULTS_SECRET"], "org_id": ORG_ID,
        "technical_account_id": ACCOUNT_ID, "scopes": SCOPES, "metascopes": ["ent_brand_portal_sdk"]})


def ims_seed():
    """The JWT Adobe IMS configuration titled Brand Portal that a 2020 set-up left (as in Molecule
    upgrade_interrupted): the upgrade migrates it to OAuth, one configMgr POST to the provider's PID."""
    return {"configs": {
        PROVIDER_PID: {"factoryPid": PROVIDER_FACTORY, "properties": {
            "name": "bp-2020-jwt", "auth.token.provider.title": "Brand Portal",
            "auth.token.provider.endpoint": "ims-na1.adobelogin.com",
            "auth.access.token.request": "https://%s/ims/exchange/jwt",
            "auth.token.provider.keypair.alias": "brandportal", "auth.token.provider.client.id": CLIENT_ID,
            "auth.token.provider.default.claims": [
                'iss:"%s"' % ORG_ID, 'sub:"%s"' % ACCOUNT_ID,
                'aud:"https://ims-na1.adobelogin.com/c/%s"' % CLIENT_ID,
                "https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk:true"],
            "token.request.customizer.type": "adobe-ims-bp-2020-jwt",
            "auth.token.validator.type": "adobe-ims-bp-2020-jwt"}},
        CUSTOMIZER_PID: {"factoryPid": CUSTOMIZER_FACTORY, "properties": {
            "customizer.type": "adobe-ims-bp-2020-jwt", "auth.ims.client.secret": os.environ["FAULTS_SECRET"]}},
    }}


# -- what an author holds --------------------------------------------------------------------------------------

def config_pids(url):
    """PIDs of the IMS providers and customizers, from the configMgr page's configData."""
    _status, html = http("GET", url + CONFIG_MGR, auth=True, expect=(200,))
    match = re.search(r"\bconfigData\s*=\s*", html)
    data, _end = json.JSONDecoder().raw_decode(html, match.end())
    return sorted((e["fpid"], e["id"]) for e in data.get("pids") or []
                  if e.get("fpid") in (PROVIDER_FACTORY, CUSTOMIZER_FACTORY))


def snapshot(url):
    """The Brand Portal state of one author: .infinity.json trees of the agents, cloud services and MAC users,
    and the IMS providers and customizers as configMgr shows them."""
    agents = read_json(url + AGENT_ROOT[:-1] + ".1.json", missing=(403, 404)) or {}
    state = {"agents": dict((name, read_json(url + AGENT_ROOT + name + ".infinity.json", missing=(403, 404)))
                            for name in sorted(agents) if name.startswith("mp_replication"))}
    for path in ("/conf/global/settings/cloudconfigs/mediaportal", "/etc/cloudservices/mediaportal", "/home/users/mac"):
        state[path] = read_json(url + path + ".infinity.json")
    state["osgi"] = [[fpid, pid, read_json(url + "%s/%s.json" % (CONFIG_MGR, pid))] for fpid, pid in config_pids(url)]
    return state


def generated_ids(state):
    """What an author generates itself when it creates an IMS configuration: the PIDs (configMgr appends a
    UUID to the factory PID) and the provider's name (the id a cloud service references), from which the
    customizer type is built.  Another author generates others; they are replaced by placeholders."""
    ids = {}
    for fpid, pid, config in state["osgi"]:
        short = "provider" if fpid == PROVIDER_FACTORY else "customizer"
        ids[pid] = "<%s-pid-%d>" % (short, len([k for k in ids.values() if short in k]))
        name = (((config or [{}])[0].get("properties") or {}).get("name") or {}).get("value")
        if name:
            ids[name] = "<provider-name>"
    return ids


def normalise(value, ids):
    if isinstance(value, dict):
        return dict((k, normalise(v, ids)) for k, v in value.items()
                    if not any(fnmatch.fnmatchcase(k, p) for p in SERVER_MANAGED))
    if isinstance(value, list):
        return [normalise(v, ids) for v in value]
    if isinstance(value, str):
        for generated in sorted(ids, key=len, reverse=True):
            value = value.replace(generated, ids[generated])
    return value


def normalised(state):
    return normalise(state, generated_ids(state))


def compare(reference, other, where=""):
    """Every difference between two normalised states, node by node."""
    if isinstance(reference, dict) and isinstance(other, dict):
        out = []
        for key in sorted(set(reference) | set(other)):
            if key not in other:
                out.append("%s/%s: missing" % (where, key))
            elif key not in reference:
                out.append("%s/%s: unexpected %s" % (where, key, json.dumps(other[key])[:200]))
            else:
                out.extend(compare(reference[key], other[key], "%s/%s" % (where, key)))
        return out
    if reference != other:
        return ["%s: %s != %s" % (where, json.dumps(other)[:200], json.dumps(reference)[:200])]
    return []


def backups(folder):
    """{run folder: {relative file: sha256}} under one host's backup folder."""
    out = {}
    if not os.path.isdir(folder):
        return out
    for run in sorted(os.listdir(folder)):
        files = {}
        for root, _dirs, names in os.walk(os.path.join(folder, run)):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as handle:
                    files[os.path.relpath(path, os.path.join(folder, run))] = hashlib.sha256(handle.read()).hexdigest()
        out[run] = files
    return out


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# -- the upgrade -------------------------------------------------------------------------------------------

def upgrade_prepare(work):
    urls, ims_url, bp_url = mock_urls()
    check(len(urls) == len(UPGRADE_STEPS), "start the mock with --instances %d" % len(UPGRADE_STEPS))
    hosts = {}
    for step, url in zip(UPGRADE_STEPS, urls):
        http("POST", url + "/__mock__/reset")
        http("POST", url + "/__mock__/brand-portal/legacy", {"tenant": TENANT, "name": "brand-portal"})
        http("POST", url + "/__mock__/seed", ims_seed())
        if step["fault"]:
            http("POST", url + "/__mock__/faults", step["fault"])
        hosts[step["host"]] = url
    adobe_side(ims_url, bp_url)
    write_inventory(work, "upgrade", hosts, ims_url, {})
    save(work, "upgrade/hosts.json", hosts)
    # what a restore from the first backup must bring back, per author (its legacy client ID is its own)
    save(work, "upgrade/before.json", dict((host, normalised(snapshot(url))) for host, url in hosts.items()))
    print("prepared %d authors: %s" % (len(hosts), ", ".join("%s=%s" % kv for kv in hosts.items())))


def first_failure(lines, host):
    for line in lines:
        if line["host"] == host and line["status"] in ("failed", "ignored", "unreachable"):
            return line
    return None


def upgrade_interrupted(work):
    hosts = load(work, "upgrade/hosts.json")
    lines = records(os.path.join(work, "upgrade", "run1.jsonl"))
    table = []
    for step in UPGRADE_STEPS:
        host, url = step["host"], hosts[step["host"]]
        failure = first_failure(lines, host)
        if step["fault"] is None:
            check(failure is None, "%s: failed without a fault: %s" % (host, failure))
            check(any(line["host"] == host and "Test Connection succeeded" in line["msg"] for line in lines),
                  "%s: the uninterrupted run did not end with Test Connection" % host)
            table.append("%-17s no fault                      -> completed" % host)
            continue
        check(failure is not None, "%s: the run did not fail although %s was faulted" % (host, step["fault"]))
        check(failure["task"] == step["task"], "%s: failed at %r, not at %r: %s"
              % (host, failure["task"], step["task"], failure["msg"]))
        if step["item"]:
            failed_items = [i for i in failure["items"] if i["failed"]]
            check([i["item"] for i in failed_items] == [step["item"]],
                  "%s: failed items %s, expected only %s" % (host, failed_items, step["item"]))
            msg = failed_items[0]["msg"]
        elif step.get("msg_task"):
            check(failure["status"] == "ignored", "%s: %r did not fail as ignored" % (host, failure["task"]))
            following = lines[lines.index(failure) + 1:]
            msg = first_failure(following, host)["msg"]
            check(first_failure(following, host)["task"] == step["msg_task"], "%s: %r did not fail next: %s"
                  % (host, step["msg_task"], first_failure(following, host)))
        else:
            msg = failure["msg"]
        for fragment in step["expect"]:
            check(fragment in msg, "%s: %r not in the failure: %s" % (host, fragment, msg))
        faults = read_json(url + "/__mock__/faults", auth=False)["faults"]
        check([f["hits"] for f in faults] == [step["fault"]["count"]],
              "%s: the fault was not used up exactly: %s" % (host, faults))
        left = http("GET", url + LEGACY_CS + ".json", auth=True, expect=(200, 404))[0] == 200
        check(left == step["legacy_left"], "%s: legacy cloud service left: %s, expected %s"
              % (host, left, step["legacy_left"]))
        request = step["expect"][0]
        kind = "drop" if step["fault"].get("drop") else step["fault"]["status"]
        table.append("%-17s %s x%d -> failed at %r: ...%s"
                     % (host, kind, step["fault"]["count"], failure["task"], msg[msg.find(request):]))
        http("DELETE", url + "/__mock__/faults")
    first = dict((step["host"], backups(os.path.join(work, "upgrade", "backups", step["host"])))
                 for step in UPGRADE_STEPS)
    for host, runs in first.items():
        check(len(runs) == 1, "%s: %d backup folders after the first run, expected 1" % (host, len(runs)))
        files = list(runs.values())[0]
        check("manifest.json" in files and len(files) > 1, "%s: backup files %s" % (host, sorted(files)))
    save(work, "upgrade/first_backups.json", first)
    print("\n".join(["first run, fault -> observed failure:"] + table))


def upgrade_completed(work):
    hosts = load(work, "upgrade/hosts.json")
    lines = records(os.path.join(work, "upgrade", "run2.jsonl"))
    for host in hosts:
        failure = first_failure(lines, host)
        check(failure is None, "%s: the re-run failed: %s" % (host, failure))
    reference_changed = [line["task"] for line in lines if line["host"] == REFERENCE and line["changed"]]
    check(reference_changed == [], "%s: a re-run of a completed upgrade changed %s" % (REFERENCE, reference_changed))
    states = dict((host, normalised(snapshot(url))) for host, url in hosts.items())
    reference = states[REFERENCE]
    check(len(reference["agents"]) == 4 and reference["/etc/cloudservices/mediaportal"] is not None
          and not [k for k in reference["/etc/cloudservices/mediaportal"] if isinstance(
              reference["/etc/cloudservices/mediaportal"][k], dict)], "reference: unexpected state %s" % reference)
    check([o[0] for o in reference["osgi"]] == [CUSTOMIZER_FACTORY, PROVIDER_FACTORY],
          "reference: IMS configurations %s" % reference["osgi"])
    for host, state in states.items():
        differences = compare(reference, state)
        check(not differences, "%s differs from %s:\n  %s" % (host, REFERENCE, "\n  ".join(differences)))
    print("end state of every author equals %s's (%d agents, cloud service, MAC user, %d OSGi configurations)"
          % (REFERENCE, len(reference["agents"]), len(reference["osgi"])))
    first = load(work, "upgrade/first_backups.json")
    for step in UPGRADE_STEPS:
        host = step["host"]
        now = backups(os.path.join(work, "upgrade", "backups", host))
        [(folder, files)] = first[host].items()
        check(now.get(folder) == files, "%s: the first backup %s changed: %s -> %s"
              % (host, folder, files, now.get(folder)))
        # a re-run backs up again only while a legacy cloud service is left, into a folder of its own
        expected = 2 if step["legacy_left"] else 1
        check(len(now) == expected, "%s: %d backup folders, expected %d: %s" % (host, len(now), expected, sorted(now)))
    print("backups: every first backup unchanged (files and sha256); re-runs wrote new folders only")


def upgrade_restore_inventory(work):
    """The upgrade's inventory, limited to the faulted authors, each with its FIRST backup folder: the state
    before the upgrade (the re-run's folder holds only what was left after the interruption)."""
    inventory = load(work, "upgrade/inventory.yml")
    first = load(work, "upgrade/first_backups.json")
    folders = os.path.join(work, "upgrade", "backups")
    hosts = inventory["aem_authors"]["hosts"]
    for step in UPGRADE_STEPS:
        if step["fault"] is None:
            del hosts[step["host"]]
        else:
            hosts[step["host"]]["bp_restore_backup"] = os.path.join(folders, step["host"], list(first[step["host"]])[0])
    save(work, "upgrade/restore_inventory.yml", inventory)


def upgrade_restored(work):
    hosts = load(work, "upgrade/hosts.json")
    before = load(work, "upgrade/before.json")
    for step in UPGRADE_STEPS:
        if step["fault"] is None:
            continue
        url = hosts[step["host"]]
        state = normalised(snapshot(url))
        differences = compare(before[step["host"]], state)
        check(not differences, "%s after the restore differs from before the upgrade:\n  %s"
              % (step["host"], "\n  ".join(differences)))
        state = snapshot(url)
        agents = [a for a, tree in state["agents"].items() if tree and (tree.get("jcr:content") or {}).get(
            "transportUri", "").startswith(TENANT_URL + "/")]
        check(sorted(agents) == AGENTS, "%s: agents after the restore: %s" % (step["host"], agents))
        check(read_json(url + LEGACY_CS + "/jcr:content.json") is not None, "%s: no legacy cloud service"
              % step["host"])
        check(read_json(url + MAC_USER + ".json") is not None, "%s: no MAC user" % step["host"])
    print("restore: every faulted author holds again what it held before the upgrade (legacy cloud service, its 4 "
          "agents, the MAC user, the JWT IMS configuration)")


# -- converge through flaky connections --------------------------------------------------------------------

def converge_prepare(work):
    urls, ims_url, bp_url = mock_urls()
    check(len(urls) == len(CONVERGE_HOSTS), "start the mock with --instances %d" % len(CONVERGE_HOSTS))
    hosts = dict(zip(CONVERGE_HOSTS, urls))
    for url in urls:
        http("POST", url + "/__mock__/reset")
    adobe_side(ims_url, bp_url)
    # Test Connection is the author's own call to IMS and Brand Portal: it runs after the faults are cleared
    write_inventory(work, "converge", hosts, ims_url, {"bp_test_connection": "never"})
    save(work, "converge/hosts.json", hosts)
    save(work, "converge/ims.json", {"url": ims_url})


def faults_on(work):
    hosts = load(work, "converge/hosts.json")
    for host, url in hosts.items():
        if host != CONVERGE_REFERENCE:
            http("POST", url + "/__mock__/faults", CERTAIN_AEM + RANDOM)
    http("POST", load(work, "converge/ims.json")["url"] + "/__mock__/faults", CERTAIN + RANDOM)
    print("faults on %s: %s" % (", ".join(h for h in hosts if h != CONVERGE_REFERENCE), json.dumps(CERTAIN_AEM + RANDOM)))
    print("faults on IMS: %s" % json.dumps(CERTAIN + RANDOM))


def faults_off(work):
    hosts = load(work, "converge/hosts.json")
    ports = dict((h, u) for h, u in hosts.items() if h != CONVERGE_REFERENCE)
    ports["ims"] = load(work, "converge/ims.json")["url"]
    hits = {}
    for name, url in ports.items():
        faults = read_json(url + "/__mock__/faults", auth=False)["faults"]
        stats = read_json(url + "/__mock__/stats", auth=False)
        certain, random_ = faults[:-2], faults[-2:]
        hits[name] = {"requests": stats["requests"], "certain": [f["hits"] for f in certain],
                      "random 503": random_[0]["hits"], "random dropped": random_[1]["hits"]}
        http("DELETE", url + "/__mock__/faults")
        check([f["hits"] for f in certain] == [1] * len(certain), "%s: a certain fault did not happen: %s"
              % (name, certain))
    save(work, "converge/hits.json", hits)
    # the re-run without faults must write nothing: count from here
    for url in hosts.values():
        http("POST", url + "/__mock__/stats/reset")
    print("faults fired (then cleared): %s" % json.dumps(hits, sort_keys=True))


def converge_check(work):
    hosts = load(work, "converge/hosts.json")
    first = records(os.path.join(work, "converge", "steady.jsonl")) + records(
        os.path.join(work, "converge", "flaky.jsonl"))
    for host in hosts:
        check(first_failure(first, host) is None, "%s: the first run failed: %s" % (host, first_failure(first, host)))

    def changed_tasks(host):
        return [(line["task"], line["changed"]) for line in first if line["host"] == host
                and line["status"] != "skipped"]
    reference = changed_tasks(CONVERGE_REFERENCE)
    check(any(changed for _task, changed in reference), "%s: the first run changed nothing" % CONVERGE_REFERENCE)
    for host in hosts:
        check(changed_tasks(host) == reference, "%s: tasks and changed differ from the fault-free run:\n%s\n%s"
              % (host, changed_tasks(host), reference))
    rerun = records(os.path.join(work, "converge", "rerun.jsonl"))
    for host, url in hosts.items():
        check(first_failure(rerun, host) is None, "%s: the re-run failed" % host)
        changed = [line["task"] for line in rerun if line["host"] == host and line["changed"]]
        check(changed == [], "%s: the re-run changed %s" % (host, changed))
        writes = read_json(url + "/__mock__/stats", auth=False)["writes"]
        check(writes == 0, "%s: the re-run wrote %d times" % (host, writes))
    states = dict((host, normalised(snapshot(url))) for host, url in hosts.items())
    reference_state = states[CONVERGE_REFERENCE]
    check([o[0] for o in reference_state["osgi"]] == [CUSTOMIZER_FACTORY, PROVIDER_FACTORY],
          "reference: IMS configurations %s" % reference_state["osgi"])
    for host, state in states.items():
        differences = compare(reference_state, state)
        check(not differences, "%s differs from %s:\n  %s" % (host, CONVERGE_REFERENCE, "\n  ".join(differences)))
    print("converged: %s changed the same tasks as %s (%d changed), re-run changed nothing and wrote 0, "
          "end states equal" % (", ".join(h for h in hosts if h != CONVERGE_REFERENCE), CONVERGE_REFERENCE,
                                len([1 for _t, c in reference if c])))


STEPS = {
    "upgrade-prepare": upgrade_prepare, "upgrade-interrupted": upgrade_interrupted,
    "upgrade-completed": upgrade_completed, "upgrade-restore-inventory": upgrade_restore_inventory,
    "upgrade-restored": upgrade_restored,
    "converge-prepare": converge_prepare, "faults-on": faults_on, "faults-off": faults_off,
    "converge-check": converge_check,
}

if __name__ == "__main__":
    STEPS[sys.argv[1]](sys.argv[2])
