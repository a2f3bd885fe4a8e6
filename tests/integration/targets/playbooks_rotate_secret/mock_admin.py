"""The mock's side of the rotation test: its admin API (IMS integration, Brand Portal tenant logs, write counters)
and what each author stores, read from the mock's state file. Secrets come from the environment (OLD_SECRET,
NEW_SECRET) and are never printed: an author's stored secret is reported as "old", "new" or "other".

    mock_admin.py setup IMS_PORT BP_PORT CLIENT_ID SECRET_VAR...   tenant acme + the integration with those secrets
    mock_admin.py secrets IMS_PORT CLIENT_ID SECRET_VAR...         the integration now holds exactly those secrets
    mock_admin.py writes PORTS                                     {"<port>": writes} of every author, as JSON
    mock_admin.py unchanged BEFORE_JSON PORTS                      fail unless no author wrote since BEFORE_JSON
    mock_admin.py stored STATE_FILE HOST=KEY... -- EXPECT...       fail unless host i stores EXPECT[i] (old|new)
    mock_admin.py bp-reset BP_PORT                                 forget the packages the tenant received
    mock_admin.py bp-tests BP_PORT EXPECTED                        fail unless exactly EXPECTED Test packages were
                                                                   received since bp-reset (4 agents per author,
                                                                   each one only with a token AEM obtained) and
                                                                   the tenant never refused a request
    mock_admin.py fault AEM_PORT JSON | clear-faults AEM_PORT
"""
import json
import os
import sys
import urllib.request

ORG = "1234567890ABCDEF12345678@AdobeOrg"
TENANT = "acme"
#: the property of the IMS configuration's customizer that holds the client secret (adobe-ims.md 4.6, VERIFIED)
SECRET_PROPERTY = "auth.ims.client.secret"


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method=method)
    with urllib.request.urlopen(req, timeout=10) as answer:
        raw = answer.read()
        return answer.status, (json.loads(raw) if raw else None)


def integration(ims, client_id, secret_vars):
    secrets = [os.environ[name] for name in secret_vars]
    status, view = call("POST", "http://127.0.0.1:%s/__mock__/ims/integrations" % ims, {
        "client_id": client_id, "client_secrets": secrets, "org_id": ORG,
        "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
        "scopes": ["openid", "AdobeID", "read_organizations"], "metascopes": ["ent_brand_portal_sdk"]})
    assert status in (200, 201), status
    assert view["client_secrets"] == secrets, "the integration does not hold exactly %s" % ", ".join(secret_vars)
    print("IMS integration %s holds %s" % (client_id, " + ".join(secret_vars)))


def writes(ports):
    return {port: call("GET", "http://127.0.0.1:%s/__mock__/stats" % port)[1]["writes"] for port in ports.split(",")}


def stored(state_file, pairs, expected):
    # the mock's Crypto (AES-GCM under the instance's key, saved in the state file) is what AEM's {hex} values are
    sys.path.insert(0, os.environ["MOCK_ROOT"])
    from tests.mock_aem.console import Crypto  # pylint: disable=import-outside-toplevel
    with open(state_file, encoding="utf-8") as handle:
        apps = json.load(handle)["apps"]
    names = {os.environ["OLD_SECRET"]: "old", os.environ["NEW_SECRET"]: "new"}
    problems = []
    for (host, key), want in zip(pairs, expected):
        snapshot = apps[key]
        crypto = Crypto(bytes.fromhex(snapshot["crypto_key"]))
        values = [config["properties"][SECRET_PROPERTY] for config in snapshot["configs"].values()
                  if SECRET_PROPERTY in (config.get("properties") or {})]
        got = [names.get(crypto.unprotect(value) if Crypto.is_protected(value) else value, "other")
               for value in values]
        print("%s stores the %s client secret" % (host, " and ".join(got) or "no"))
        if got != [want]:
            problems.append("%s: expected the %s client secret only, found %s" % (host, want, got or "none"))
    assert not problems, "; ".join(problems)


def bp_tests(bp, expected):
    base = "http://127.0.0.1:%s/__mock__/tenants/%s" % (bp, TENANT)
    received = call("GET", base + "/received")[1]["received"]
    rejected = call("GET", base + "/rejected")[1]["rejected"]
    tests = [r for r in received if r["action"] == "Test"]
    print("Brand Portal: %d Test packages received, %d requests refused" % (len(tests), len(rejected)))
    assert not rejected, "Brand Portal refused requests: %s" % [(r["status"], r["reason"]) for r in rejected]
    assert len(tests) == expected, "expected %d Test packages, got %d" % (expected, len(tests))


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "setup":
        ims, bp, client_id = args[:3]
        status, _view = call("POST", "http://127.0.0.1:%s/__mock__/tenants" % bp, {"tenant": TENANT, "org_id": ORG})
        assert status in (200, 201), status
        integration(ims, client_id, args[3:])
    elif command == "secrets":
        integration(args[0], args[1], args[2:])
    elif command == "writes":
        print(json.dumps(writes(args[0])))
    elif command == "unchanged":
        before, now = json.loads(args[0]), writes(args[1])
        assert before == now, "authors wrote: before %s, after %s" % (before, now)
        print("no author wrote (writes per author: %s)" % now)
    elif command == "stored":
        split = args.index("--")
        pairs = [tuple(pair.split("=", 1)) for pair in args[1:split]]
        stored(args[0], pairs, args[split + 1:])
    elif command == "bp-reset":
        base = "http://127.0.0.1:%s/__mock__/tenants/%s" % (args[0], TENANT)
        call("DELETE", base + "/received")
    elif command == "bp-tests":
        bp_tests(args[0], int(args[1]))
    elif command == "fault":
        status, _view = call("POST", "http://127.0.0.1:%s/__mock__/faults" % args[0], json.loads(args[1]))
        assert status == 201, status
    elif command == "clear-faults":
        call("DELETE", "http://127.0.0.1:%s/__mock__/faults" % args[0])
    else:
        raise SystemExit("unknown command %s" % command)


if __name__ == "__main__":
    main(sys.argv[1:])
