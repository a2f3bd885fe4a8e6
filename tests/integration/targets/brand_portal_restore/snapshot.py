# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test's own witness of an author's Brand Portal state, independent of the collection's code.

    snapshot.py take URL OUT.json [--ims-title TITLE]   record the state (user/password: AEM_USERNAME/AEM_PASSWORD)
    snapshot.py compare A.json B.json                   exit 0 when equal, 1 (and the differences) when not

The state is the ``.infinity.json`` trees of the cloud service roots (/etc/cloudservices/mediaportal,
/conf/global/settings/cloudconfigs/mediaportal), of every mp_replication* agent and of /home/users/mac, minus the
properties the repository maintains (creation and modification dates and users, uuid, versions); the SHA-256 of
every nt:file below them (the MAC user's keystore); and, with --ims-title, the OSGi properties of the Adobe IMS
configuration of that title and of its customizer as configMgr shows them (the client secret is shown as
"unmodified" by AEM; PIDs are left out, configMgr generates them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.request

ROOTS = ("/etc/cloudservices/mediaportal", "/conf/global/settings/cloudconfigs/mediaportal", "/home/users/mac")
AGENTS = "/etc/replication/agents.author"
SERVER_MANAGED = re.compile(r"^(jcr:created.*|jcr:lastModified.*|cq:lastModified.*|jcr:uuid|jcr:baseVersion|"
                            r"jcr:predecessors|jcr:versionHistory|jcr:isCheckedOut)$")
PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"


def get(url, path):
    auth = base64.b64encode(("%s:%s" % (os.environ.get("AEM_USERNAME", "admin"),
                                        os.environ.get("AEM_PASSWORD", "admin"))).encode()).decode()
    request = urllib.request.Request(url + path, headers={"Authorization": "Basic " + auth})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def tree(url, path):
    status, body = get(url, path + ".infinity.json")
    if status in (403, 404):
        return None
    assert status == 200, "GET %s.infinity.json: HTTP %s" % (path, status)
    return json.loads(body)


def clean(node, path, url, files):
    out = {}
    for key, value in node.items():
        if isinstance(value, dict):
            out[key] = clean(value, path + "/" + key, url, files)
        elif not SERVER_MANAGED.match(key):
            out[key] = sorted(value) if key == "jcr:mixinTypes" and isinstance(value, list) else value
    if node.get("jcr:primaryType") == "nt:file":
        status, body = get(url, path)
        assert status == 200, "GET %s: HTTP %s" % (path, status)
        files[path] = hashlib.sha256(body).hexdigest()
    return out


def ims(url, title):
    status, body = get(url, "/system/console/configMgr")
    assert status == 200, "configMgr: HTTP %s" % status
    text = body.decode("utf-8")
    data, _end = json.JSONDecoder().raw_decode(text, re.search(r"configData\s*=\s*", text).end())
    configs = {}
    for entry in data.get("pids") or []:
        if entry.get("fpid") in (PROVIDER, CUSTOMIZER):
            status, body = get(url, "/system/console/configMgr/%s.json" % entry["id"])
            obj = json.loads(body)[0]
            props = dict((k, v.get("values", v.get("value"))) for k, v in obj["properties"].items()
                         if v.get("is_set", True))
            configs[entry["id"]] = (entry["fpid"], props)
    providers = [p for f, p in configs.values() if f == PROVIDER and p.get("auth.token.provider.title") == title]
    if not providers:
        return None
    assert len(providers) == 1, "%d IMS configurations titled %r" % (len(providers), title)
    customizers = [p for f, p in configs.values()
                   if f == CUSTOMIZER and p.get("customizer.type") == providers[0].get("token.request.customizer.type")]
    return {"provider": providers[0], "customizers": customizers}


def take(url, out, ims_title=None):
    files = {}
    state = {"trees": {}, "files": files}
    for root in ROOTS:
        node = tree(url, root)
        state["trees"][root] = clean(node, root, url, files) if node is not None else None
    status, body = get(url, AGENTS + ".1.json")
    assert status == 200, "GET agents: HTTP %s" % status
    for name in sorted(json.loads(body)):
        if name.startswith("mp_replication"):
            path = "%s/%s" % (AGENTS, name)
            state["trees"][path] = clean(tree(url, path), path, url, files)
    if ims_title:
        state["ims_config"] = ims(url, ims_title)
    with open(out, "w") as handle:
        json.dump(state, handle, indent=1, sort_keys=True)
    ims_text = ""
    if ims_title:
        ims_text = ", IMS configuration %s" % ("present" if state.get("ims_config") else "absent")
    print("%s: %d trees, %d files%s" % (out, len(state["trees"]), len(files), ims_text))


def flat(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            out.update(flat(child, "%s/%s" % (prefix, key)))
        return out or {prefix: "{}"}
    return {prefix: json.dumps(value, sort_keys=True)}


def compare(a_path, b_path):
    with open(a_path) as handle:
        a = flat(json.load(handle))
    with open(b_path) as handle:
        b = flat(json.load(handle))
    diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    for key in diff[:60]:
        print("%s: %s | %s" % (key, a.get(key, "(absent)"), b.get(key, "(absent)")))
    print("%s and %s: %s" % (os.path.basename(a_path), os.path.basename(b_path),
                             "equal (%d values)" % len(a) if not diff else "%d differences" % len(diff)))
    return 1 if diff else 0


if __name__ == "__main__":
    if sys.argv[1] == "take":
        title = sys.argv[sys.argv.index("--ims-title") + 1] if "--ims-title" in sys.argv else None
        take(sys.argv[2].rstrip("/"), sys.argv[3], title)
    elif sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
