"""tests/mock_aem/README.md against the code: every documented admin route answers as documented
on a real ``python -m tests.mock_aem``, every CLI option is documented, the ready line has the
documented form."""

from __future__ import annotations

import os
import re
import time

import requests

from tests.mock_aem.__main__ import build_parser
from tests.mock_aem.brand_portal import BP_RECEIVE_PATH
from tests.mock_aem.ims_testkit import jwt_claims, make_keypair, sign_jwt

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
SECTIONS = {"On every port": "all", "On an author port": "aem", "On the IMS port": "ims",
            "On the Brand Portal port": "bp"}
ORG = "C74F69D7594880280A495D09@AdobeOrg"
TECH = "6657031C5C095BB40A4955AB@techacct.adobe.com"


def readme():
    with open(README, encoding="utf-8") as fh:
        return fh.read()


def documented_routes():
    """{(port kind, METHOD, path template): documented status} from the admin API tables."""
    routes = {}
    kind = None
    for line in readme().splitlines():
        if line.startswith("### "):
            kind = next((v for k, v in SECTIONS.items() if line[4:].startswith(k)), None)
            continue
        if kind is None or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        m = re.search(r"(/__mock__/[^`\s]*)`", cells[0])
        assert m, line
        status = int(re.search(r"\b([1-5]\d\d)\b", cells[2]).group(1))
        for method in re.findall(r"`?\b(GET|POST|DELETE)\b", cells[0]):
            routes[(kind, method, m.group(1))] = status
    return routes


def test_every_cli_option_is_documented():
    documented = set(re.findall(r"^\| `(--[a-z-]+)", readme(), re.M))
    options = {o for a in build_parser()._actions for o in a.option_strings if o.startswith("--")} - {"--help"}
    assert documented == options


def test_admin_routes_answer_as_documented(mock_cli):
    routes = documented_routes()
    cli = mock_cli("--port", "0", "--ims-port", "0", "--bp-port", "0")
    base = {"aem": cli.url("aem"), "ims": cli.url("ims"), "bp": cli.url("bp")}
    assert re.fullmatch(r"mock-aem ready: aem=\d+ ims=\d+ bp=\d+ scheme=http version=6\.5\.0\.0\n", cli.ready_line)
    kp = make_keypair()
    cid = "readme-client"
    integration = {"client_id": cid, "client_secret": "s", "org_id": ORG, "technical_account_id": TECH,
                   "certificates": [kp.cert_pem], "metascopes": ["ent_brand_portal_sdk"], "scopes": ["openid"]}

    def issue_token():
        claims = jwt_claims(cid, ORG, TECH, exp=int(time.time()) + 300, base=base["ims"])
        r = requests.post(base["ims"] + "/ims/exchange/jwt",
                          data={"client_id": cid, "client_secret": "s", "jwt_token": sign_jwt(kp.key, claims)})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def send_package():
        r = requests.post(base["bp"] + "/__tenant__/acme" + BP_RECEIVE_PATH, data=b"pkg",
                          headers={"Authorization": "Bearer " + issue_token(), "Action": "Test"})
        assert r.status_code == 200, r.text

    # (port kind, method, path template, concrete path, JSON body, check of the JSON answer, before)
    plan = [
        ("all", "GET", "/__mock__/stats", "/__mock__/stats", None, lambda j: set(j) == {"requests", "writes"}, None),
        ("all", "POST", "/__mock__/faults", "/__mock__/faults", {"path": "^/nothing$", "status": 503},
         lambda j: j["id"] >= 1 and j["hits"] == 0, None),
        ("all", "GET", "/__mock__/faults", "/__mock__/faults", None, lambda j: len(j["faults"]) == 1, None),
        ("all", "DELETE", "/__mock__/faults", "/__mock__/faults", None, lambda j: j == {"faults": []}, None),
        ("aem", "POST", "/__mock__/seed", "/__mock__/seed",
         {"path": "/content/doc", "tree": {"n": 5, "d": "2024-01-02", "d@TypeHint": "Date", "child": {"x": "1"}},
          "configs": {"readme.pid": {"factoryPid": None, "properties": {"a": "b"}}},
          "keystores": {"/home/users/system/authentication-service": {"password": "p", "generate": ["k"]}}},
         lambda j: j == {"created": 2}, None),
        ("aem", "POST", "/__mock__/queues/<agent>", "/__mock__/queues/publish",
         {"add": 2, "paths": ["/content/dam/a.jpg"], "paused": True, "drain_seconds": 60},
         lambda j: len(j["queue"]) == 3 and j["metaData"]["queueStatus"]["isPaused"] is True, None),
        ("aem", "GET", "/__mock__/queues/<agent>", "/__mock__/queues/publish", None,
         lambda j: len(j["queue"]) == 3, None),
        ("aem", "GET", "/__mock__/readiness", "/__mock__/readiness", None, lambda j: j == {"ready": True}, None),
        ("aem", "POST", "/__mock__/readiness", "/__mock__/readiness", {"ready": True},
         lambda j: j == {"ready": True}, None),
        ("aem", "POST", "/__mock__/users", "/__mock__/users", {"name": "bob", "password": "pw"},
         lambda j: j == {"name": "bob"}, None),
        ("aem", "GET", "/__mock__/info", "/__mock__/info", None,
         lambda j: set(j) == {"app", "version", "enforce_csrf", "json_max_results", "ims_oauth_hotfix", "oauth",
                              "cloud_service"}, None),
        ("aem", "POST", "/__mock__/brand-portal/legacy", "/__mock__/brand-portal/legacy", {"tenant": "oldco"},
         lambda j: {"path", "tenantURL", "agents", "macUser", "clientId"} <= set(j) and len(j["agents"]) == 4, None),
        ("aem", "GET", "/__mock__/brand-portal", "/__mock__/brand-portal", None,
         lambda j: {"ims_url", "bp_url", "ims_configuration", "oauth_client_credentials", "cloud_services"} == set(j),
         None),
        ("ims", "POST", "/__mock__/ims/integrations", "/__mock__/ims/integrations", integration,
         lambda j: j["client_id"] == cid and "certificate_info" in j, None),
        ("ims", "GET", "/__mock__/ims/integrations", "/__mock__/ims/integrations", None,
         lambda j: [i["client_id"] for i in j["integrations"]] == [cid], None),
        ("ims", "GET", "/__mock__/ims/integrations/<client_id>", "/__mock__/ims/integrations/" + cid, None,
         lambda j: j["org_id"] == ORG, None),
        ("ims", "GET", "/__mock__/ims/tokens", "/__mock__/ims/tokens", None,
         lambda j: len(j["tokens"]) == 1 and {"id", "grant", "client_id", "user_id", "org_id", "scopes", "metascopes",
                                              "created_at", "expires_at", "revoked"} == set(j["tokens"][0]),
         issue_token),
        ("ims", "GET", "/__mock__/ims/clock", "/__mock__/ims/clock", None,
         lambda j: j["offset_seconds"] == 0, None),
        ("ims", "POST", "/__mock__/ims/clock", "/__mock__/ims/clock", {"offset_seconds": 0},
         lambda j: set(j) == {"offset_seconds", "now"}, None),
        ("bp", "POST", "/__mock__/tenants", "/__mock__/tenants", {"tenant": "acme", "org_id": ORG, "enabled": True},
         lambda j: set(j) == {"tenant", "org_id", "enabled", "url", "local_url", "received"}, None),
        ("bp", "GET", "/__mock__/tenants", "/__mock__/tenants", None, lambda j: len(j["tenants"]) == 1, None),
        ("bp", "GET", "/__mock__/tenants/<tenant>", "/__mock__/tenants/acme", None,
         lambda j: j["tenant"] == "acme", None),
        ("bp", "GET", "/__mock__/tenants/<tenant>/received", "/__mock__/tenants/acme/received", None,
         lambda j: j["tenant"] == "acme" and {"id", "received_at", "action", "path", "content_type", "length",
                                              "sha256", "body_b64", "client_id", "user_id", "org_id", "grant",
                                              "request_path", "query_string"} == set(j["received"][0]),
         send_package),
        ("bp", "GET", "/__mock__/tenants/<tenant>/rejected", "/__mock__/tenants/acme/rejected", None,
         lambda j: j == {"tenant": "acme", "rejected": []}, None),
        ("bp", "DELETE", "/__mock__/tenants/<tenant>/received", "/__mock__/tenants/acme/received", None, None, None),
        ("bp", "DELETE", "/__mock__/tenants/<tenant>", "/__mock__/tenants/acme", None, None, None),
        ("ims", "DELETE", "/__mock__/ims/tokens", "/__mock__/ims/tokens", None, lambda j: j == {"revoked": 2}, None),
        ("ims", "DELETE", "/__mock__/ims/integrations/<client_id>", "/__mock__/ims/integrations/" + cid, None,
         None, None),
        ("all", "POST", "/__mock__/stats/reset", "/__mock__/stats/reset", None,
         lambda j: j == {"requests": 0, "writes": 0}, None),
        ("all", "POST", "/__mock__/reset", "/__mock__/reset", None, lambda j: j == {"reset": True}, None),
    ]
    planned = {tuple(entry[:3]) for entry in plan}
    assert planned == set(routes), ("README and this plan differ", planned ^ set(routes))
    for kind, method, template, path, body, check, before in plan:
        if before is not None:
            before()
        for port in (("aem", "ims", "bp") if kind == "all" else (kind,)):
            r = requests.request(method, base[port] + path, json=body)
            expected = routes[(kind, method, template)]
            assert r.status_code == expected, (port, method, path, r.status_code, r.text)
            if check is not None:
                assert r.headers["Content-Type"].startswith("application/json"), (port, path)
                assert check(r.json()), (port, method, path, r.text)

    # documented error answers
    assert requests.get(base["aem"] + "/__mock__/queues/nope").status_code == 404
    assert requests.get(base["ims"] + "/__mock__/ims/integrations/" + cid).status_code == 404
    assert requests.get(base["bp"] + "/__mock__/tenants/acme").status_code == 404
    assert requests.get(base["aem"] + "/__mock__/nothing").json()["error"].startswith("unknown admin path")
    assert requests.post(base["aem"] + "/__mock__/faults", json={"path": "("}).status_code == 400
    many = requests.post(base["aem"] + "/__mock__/faults",
                         json=[{"status": 500, "path": "^/x"}, {"drop": True, "path": "^/y"}])
    assert many.status_code == 201 and len(many.json()["faults"]) == 2
    # the agent given by its path (README: /__mock__/queues//etc/replication/agents.publish/flush)
    r = requests.post(base["aem"] + "/__mock__/queues//etc/replication/agents.publish/flush", json={"add": 1})
    assert r.status_code == 200 and r.json()["metaData"]["queueStatus"]["agentId"] == "flush"
