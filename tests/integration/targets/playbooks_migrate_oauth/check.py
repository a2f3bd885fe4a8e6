# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The assertions of runme.sh on the mocks themselves: write counters (/__mock__/stats), the IMS configurations the
authors store (the mocks' state files, written after every change), the tokens the mock IMS issued and the packages
the mock Brand Portal received or refused.

python check.py STEP WORK AEM_PORTS(a,b,c1,c2,c3,d,e,c4) IMS_PORTS(a,b,c) BP_PORTS(a,b,c)
"""

from __future__ import annotations

import base64
import json
import os
import sys
import urllib.request

PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"
GRANTS = "auth.token.provider.authorization.grants"
ALIAS = "auth.token.provider.keypair.alias"
CLIENT = "auth.token.provider.client.id"
AGENT_TEST = "/etc/replication/agents.author/mp_replication.test.html"

step, work = sys.argv[1], sys.argv[2]
aem = dict(zip(("a", "b", "c1", "c2", "c3", "d", "e", "c4"), sys.argv[3].split(",")))
ims = dict(zip(("a", "b", "c"), sys.argv[4].split(",")))
bp = dict(zip(("a", "b", "c"), sys.argv[5].split(",")))
# which mock process (state file, IMS, Brand Portal) and which instance of it each author is
PROCESS = {"a": ("a", "aem0"), "b": ("b", "aem0"), "c1": ("c", "aem0"), "c2": ("c", "aem1"), "c3": ("c", "aem2"),
           "c4": ("c", "aem3")}


def call(method, port, path, auth=None):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method,
                                 data=b"{}" if method == "POST" else None,
                                 headers={"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(req, timeout=30) as answer:
        body = answer.read().decode()
    try:
        return json.loads(body)
    except ValueError:
        return body


def writes(host):
    return call("GET", aem[host], "/__mock__/stats")["writes"]


def ims_config(host):
    """The stored provider properties of the author's 'Brand Portal' IMS configuration."""
    process, key = PROCESS[host]
    with open(os.path.join(work, process + ".json"), encoding="utf-8") as handle:
        configs = json.load(handle)["apps"][key]["configs"]
    found = [c["properties"] for c in configs.values() if c.get("factoryPid") == PROVIDER
             and c["properties"].get("auth.token.provider.title") == "Brand Portal"]
    assert len(found) == 1, (host, found)
    return found[0]


def first(value):
    return value[0] if isinstance(value, list) else value


def assert_jwt(host):
    props = ims_config(host)
    assert first(props.get(ALIAS)) == "brandportal" and not props.get(GRANTS), (host, props)
    assert first(props.get(CLIENT)) == "fleet-client", (host, props)


def assert_oauth(host, client="fleet-client"):
    props = ims_config(host)
    assert first(props.get(GRANTS)) == "client_credentials" and not props.get(ALIAS), (host, props)
    assert first(props.get(CLIENT)) == client, (host, props)
    assert first(props.get("auth.access.token.request")).endswith("/ims/token/v3"), (host, props)


def assert_test_connection(host):
    """The JWT configuration put back works again, client secret included: AEM's own Test Connection (a read)."""
    before = writes(host)
    answer = call("GET", aem[host], AGENT_TEST, auth="admin:" + os.environ["MIG_ADMIN_PASSWORD"])
    assert "Replication test succeeded" in answer, answer
    assert writes(host) == before


def received(process):
    return call("GET", bp[process], "/__mock__/tenants/acme/received")["received"]


if step == "reset_stats":
    for host in aem:
        call("POST", aem[host], "/__mock__/stats/reset")
elif step == "jwt_everywhere":
    for host in PROCESS:
        assert_jwt(host)
elif step == "no_writes":
    counts = dict((host, writes(host)) for host in aem)
    assert set(counts.values()) == {0}, counts
elif step == "migrated":
    # the refused authors: nothing written
    assert [writes(host) for host in ("b", "d", "e")] == [0, 0, 0]
    assert_jwt("b")
    for host, process in (("a", "a"), ("c1", "c")):
        assert writes(host) > 0
        assert_oauth(host)
        # Test Connection after the switch: the tenant received the four test packages with an OAuth token
        tests = [r for r in received(process) if r["action"] == "Test" and r["grant"] == "client_credentials"]
        assert len(tests) >= 4 and set(r["client_id"] for r in tests) == {"fleet-client"}, received(process)
        tokens = call("GET", ims[process], "/__mock__/ims/tokens")["tokens"]
        assert any(t["grant"] == "client_credentials" and t["client_id"] == "fleet-client" for t in tokens), tokens
    # b's Brand Portal only ever saw the JWT configuration's packages
    assert all(r["grant"] != "client_credentials" for r in received("b")), received("b")
elif step == "rolled_back":
    assert writes("c2") > 0 and writes("c3") == 0, (writes("c2"), writes("c3"))
    assert_jwt("c2")
    assert_jwt("c3")
    # the switch did happen: Brand Portal refused the OAuth token of the client without the Brand Portal API
    rejected = call("GET", bp["c"], "/__mock__/tenants/acme/rejected")["rejected"]
    assert any("nobp-client has no ent_brand_portal_sdk access" in r["reason"] for r in rejected), rejected
    assert_test_connection("c2")
elif step == "health_rolled_back":
    assert writes("c4") > 0
    assert_jwt("c4")
    assert first(ims_config("c4").get("auth.token.provider.endpoint")) == "ims-na1.adobelogin.com", ims_config("c4")
    assert_test_connection("c4")
else:
    raise SystemExit("unknown step %s" % step)
print("%s: ok" % step)
