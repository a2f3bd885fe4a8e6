"""The mock's server layer: admin API (stats, reset, faults, seed), keep-alive, TLS, instances,
state-file persistence, and the CLI (subprocess, SIGTERM clean stop)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.mock_aem.aem import AuthorApp
from tests.mock_aem.server import MockProcess, MockServer, make_tls

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_stats_count_requests_and_writes(aem):
    """Issue admin API: /__mock__/stats {"requests", "writes"}; reads are not writes; reset zeroes."""
    aem.admin("POST", "/stats/reset")
    aem.get("/content.json")
    aem.get("/content.json")
    aem.post("/content/x", data={"a": "1"})
    aem.post("/content/x", data={":operation": "nop"})
    assert aem.stats() == {"requests": 4, "writes": 1}
    assert aem.admin("POST", "/stats/reset").json() == {"requests": 0, "writes": 0}


SVC = "/home/users/system/brandportal-imsconfig-service"
AGENT = "/etc/replication/agents.author/publish"


def _writes(aem):
    return aem.stats()["writes"]


def test_writes_count_every_state_change_and_no_read(aem):
    """Issue admin API: ``writes`` counts every request that changed stored state (content, configs,
    keystores, queues), one per request; reads, refused writes and no-op requests count nothing;
    ``requests`` counts every non-admin request."""
    aem.admin("POST", "/stats/reset")
    changes = [
        # content (Sling POST: create, modify, move, copy, import, delete)
        lambda: aem.post("/content/w", data={"a": "1"}),
        lambda: aem.post("/content/w", data={"a": "2", "b": "3"}),
        lambda: aem.post("/content/w", data={":operation": "copy", ":dest": "/content/w2"}),
        lambda: aem.post("/content/w2", data={":operation": "move", ":dest": "/content/w3"}),
        lambda: aem.post("/content", data={":operation": "import", ":contentType": "json", ":name": "wi",
                                           ":content": '{"x": "1"}'}),
        lambda: aem.post("/content/w3", data={":operation": "delete"}),
        # OSGi configurations (configMgr apply, delete) and bundle state
        lambda: aem.post("/system/console/configMgr/w.pid", data={"apply": "true", "propertylist": "a", "a": "b"}),
        lambda: aem.post("/system/console/configMgr/w.pid", data={"apply": "1", "delete": "1"}),
        lambda: aem.post("/system/console/bundles/com.adobe.granite.csrf", data={"action": "stop"}),
        # keystores
        lambda: aem.post(SVC + ".ks.html", data={":operation": "createStore", "newPassword": "p", "rePassword": "p"}),
        lambda: aem.post(SVC + ".ks.html", data={"currentPassword": "p", "newPassword": "q", "rePassword": "q"}),
        # replication queues (Sling command and admin API)
        lambda: aem.admin("POST", "/queues/publish", json={"add": 2}),
        lambda: aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "pause", "name": "publish"}),
        lambda: aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "clear", "name": "publish"}),
        # seeding an installation
        lambda: aem.admin("POST", "/seed", json={"path": "/content/seeded", "tree": {"x": "1"}}),
    ]
    for i, change in enumerate(changes, 1):
        r = change()
        assert r.status_code < 400, (i, r.status_code, r.text)
        assert _writes(aem) == i, "change #%d was not counted as one write" % i
    n = len(changes)
    reads = [
        lambda: aem.get("/content/w.json"), lambda: aem.get("/content.infinity.json"), lambda: aem.get("/content/w"),
        lambda: aem.head("/content/w.json"), lambda: aem.get("/content/nothing.json"),
        lambda: aem.get(AGENT + "/jcr:content.queue.json"), lambda: aem.get(AGENT + ".test.html"),
        lambda: aem.get(AGENT + ".log.html"),
        lambda: aem.get("/system/console/configMgr/w.pid.json"), lambda: aem.get("/system/console/configMgr"),
        lambda: aem.post("/system/console/configMgr/org.apache.sling.servlets.get.DefaultGetServlet"),
        lambda: aem.get("/system/console/bundles.json"), lambda: aem.get("/system/console/status-productinfo.json"),
        lambda: aem.get(SVC + ".ks.json"), lambda: aem.get("/libs/granite/csrf/token.json"),
        lambda: aem.post("/system/console/crypto/.json", data={"datum": "x"}),
        lambda: aem.get("/bin/querybuilder.json", params={"path": "/home/users", "1_property": "rep:authorizableId",
                                                          "1_property.value": "admin"}),
        lambda: aem.anon("GET", "/libs/granite/core/content/login.html"),
        lambda: aem.admin("GET", "/queues/publish"), lambda: aem.admin("GET", "/faults"),
        # refused or empty writes
        lambda: aem.anon("POST", "/content/w", data={"a": "anon"}),
        lambda: aem.post("/content/w", data={"a": "x"}, headers={"User-Agent": "Mozilla/5.0"}),  # CSRF 403
        lambda: aem.post("/content/w", data={"n": "x", "n@TypeHint": "Long"}),  # 500
        lambda: aem.post("/content/w", data={":operation": "nop"}),
        lambda: aem.post("/content/none", data={":operation": "move", ":dest": "/content/z"}),  # 404
        lambda: aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "bogus"}),
        lambda: aem.s.delete(aem.url + "/content/w"),  # HTTP DELETE: 405
        lambda: aem.post(SVC + ".ks.html", data={"currentPassword": "wrong", "newPassword": "r", "rePassword": "r"}),
    ]
    for j, read in enumerate(reads):
        read()
        assert _writes(aem) == n, "read/refused request #%d counted as a write" % j
    assert aem.get("/content/w.json").json()["a"] == "2"
    stats = aem.stats()
    admin_calls = 4  # /__mock__/queues x2 (one write, one read), /seed, /faults are not requests
    assert stats["requests"] == len(changes) + len(reads) + 1 - admin_calls
    assert aem.admin("POST", "/stats/reset").json() == {"requests": 0, "writes": 0}
    assert aem.stats() == {"requests": 0, "writes": 0}


def test_reset_gives_fresh_instance(aem):
    """Issue admin API: POST /__mock__/reset -> back to a fresh instance (content, faults, stats)."""
    aem.post("/content/x", data={"a": "1"})
    aem.admin("POST", "/faults", json={"path": "^/nothing$", "status": 500})
    assert aem.admin("POST", "/reset").status_code == 200
    assert aem.get("/content/x.json").status_code == 404
    assert aem.get("/etc/replication/agents.author/publish.json").status_code == 200
    assert aem.admin("GET", "/faults").json() == {"faults": []}
    assert aem.stats() == {"requests": 2, "writes": 0}


def test_reset_hook(aem):
    """Extension point: reset hooks re-seed plugin state after a reset."""
    aem.app.add_reset_hook(lambda app: app.repo.ensure("/conf/plugin"))
    aem.admin("POST", "/reset")
    assert aem.get("/conf/plugin.json").status_code == 200


def test_fault_status_count_and_method(aem):
    """Faults: status for matching path/method, limited by count; DELETE clears."""
    r = aem.admin("POST", "/faults", json={"path": "^/content", "method": "GET", "status": 503, "count": 2})
    assert r.status_code == 201
    assert aem.post("/content/a", data={"x": "1"}).status_code == 201  # method does not match
    assert [aem.get("/content.json").status_code for _unused in range(3)] == [503, 503, 200]
    aem.admin("POST", "/faults", json={"path": "^/content", "status": 500, "body": "boom"})
    r = aem.get("/content.json")
    assert r.status_code == 500 and r.text == "boom"
    assert aem.admin("DELETE", "/faults").status_code == 200
    assert aem.get("/content.json").status_code == 200
    assert aem.admin("GET", "/stats").status_code == 200  # never faulted


def test_fault_probability_zero_and_delay(aem):
    """Faults: probability 0 never matches; a delay-only fault lets the request proceed."""
    aem.admin("POST", "/faults", json={"path": ".*", "status": 500, "probability": 0})
    assert aem.get("/content.json").status_code == 200
    aem.admin("DELETE", "/faults")
    aem.admin("POST", "/faults", json={"path": "^/content.json$", "delay": 0.2, "count": 1})
    t = time.monotonic()
    assert aem.get("/content.json").status_code == 200
    assert time.monotonic() - t >= 0.2


def test_fault_dropped_connection(aem):
    """Faults: drop closes the connection without an answer."""
    aem.admin("POST", "/faults", json={"path": "^/content", "drop": True, "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(aem.url + "/content.json", auth=("admin", "admin"))
    assert aem.get("/content.json").status_code == 200


def test_fault_probability_one_and_default(aem):
    """Faults: probability 1 (and the default) always matches; hits are counted in the listing."""
    aem.admin("POST", "/faults", json={"path": "^/content/p1", "status": 502, "probability": 1})
    aem.admin("POST", "/faults", json={"path": "^/content/p2", "status": 504})
    assert [aem.get("/content/p1.json").status_code for _unused in range(5)] == [502] * 5
    assert [aem.get("/content/p2.json").status_code for _unused in range(3)] == [504] * 3
    faults = aem.admin("GET", "/faults").json()["faults"]
    assert [(f["status"], f["hits"]) for f in faults] == [(502, 5), (504, 3)]


def test_fault_path_pattern_and_method(aem):
    """Faults: the path is a regular expression (searched), the method narrows the match; a faulted
    write does not reach the repository."""
    aem.admin("POST", "/faults", json={"path": r"\.queue\.json$", "status": 503})
    aem.admin("POST", "/faults", json={"path": "^/content/", "method": "POST", "status": 500})
    assert aem.get(AGENT + "/jcr:content.queue.json").status_code == 503
    assert aem.get(AGENT + ".json").status_code == 200
    assert aem.post("/content/f", data={"a": "1"}).status_code == 500
    assert aem.get("/content/f.json").status_code == 404 and aem.stats()["writes"] == 0
    assert aem.admin("POST", "/faults", json={"path": "(unclosed"}).status_code == 400


def test_fault_drop_with_count_then_recovers(aem):
    """Faults: drop closes the connection count times, then requests are served again; a fault with
    only a delay and a count delays that many requests and lets them through."""
    aem.admin("POST", "/faults", json={"path": "^/content.json$", "drop": True, "count": 2})
    for _unused in range(2):
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(aem.url + "/content.json", auth=("admin", "admin"))
    assert aem.get("/content.json").status_code == 200
    aem.admin("POST", "/faults", json={"path": "^/content.json$", "delay": 0.1, "count": 1, "status": 503})
    t = time.monotonic()
    assert aem.get("/content.json").status_code == 503
    assert time.monotonic() - t >= 0.1
    assert aem.get("/content.json").status_code == 200


def test_faults_never_apply_to_admin_paths(aem):
    """Faults never touch /__mock__/ (tests must always be able to clear them)."""
    aem.admin("POST", "/faults", json={"path": ".*", "drop": True})
    assert aem.admin("GET", "/stats").status_code == 200
    assert aem.admin("DELETE", "/faults").json() == {"faults": []}
    assert aem.get("/content.json").status_code == 200


def _queue(aem):
    return aem.get(AGENT + "/jcr:content.queue.json").json()


def _wait_until(pred, timeout=20.0, step=0.05):
    """Poll ``pred`` (generous bound: the suite must not depend on the machine's speed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def test_queue_items_drain_over_time(aem):
    """Admin API: N pending items drain over a configurable time: the queue only shrinks and ends
    empty (polled, generous bound)."""
    r = aem.admin("POST", "/queues/publish", json={"add": 4, "drain_seconds": 0.4})
    assert r.status_code == 200
    seen = [len(_queue(aem)["queue"])]

    def empty():
        seen.append(len(_queue(aem)["queue"]))
        return seen[-1] == 0

    assert _wait_until(empty), seen
    assert seen == sorted(seen, reverse=True) and seen[0] <= 4
    assert _queue(aem)["metaData"]["queueStatus"]["lastProcessTime"] > 0


def test_paused_or_blocked_queue_does_not_drain_until_resumed(aem):
    """Admin API: a paused (or blocked) queue keeps its items even with a drain time; cmd=resume
    (cmd=retry for the blocked one) lets it drain."""
    aem.admin("POST", "/queues/publish", json={"add": 2, "paused": True, "drain_seconds": 0.2})
    assert _queue(aem)["metaData"]["queueStatus"]["isPaused"] is True
    time.sleep(0.4)  # twice the drain time: a running queue would be empty by now
    assert len(_queue(aem)["queue"]) == 2
    aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "resume", "name": "publish"})
    assert _wait_until(lambda: _queue(aem)["queue"] == [])
    aem.admin("POST", "/queues/publish", json={"add": 2, "blocked": True, "drain_seconds": 0.2})
    assert _queue(aem)["metaData"]["queueStatus"]["isBlocked"] is True
    time.sleep(0.4)
    assert len(_queue(aem)["queue"]) == 2
    aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "retry", "name": "publish"})
    assert _wait_until(lambda: _queue(aem)["queue"] == [])


def test_queue_admin_paths_and_status(aem):
    """Admin API: explicit paths, the other runmode, GET shows the same status as queue.json, drain on
    command empties it at once, 404 for an unknown agent."""
    r = aem.admin("POST", "/queues/publish", json={"paths": ["/content/dam/a.jpg", "/content/dam/b.jpg"]})
    assert [i["path"] for i in r.json()["queue"]] == ["/content/dam/a.jpg", "/content/dam/b.jpg"]
    assert aem.admin("GET", "/queues/publish").json()["queue"] == _queue(aem)["queue"]
    r = aem.admin("POST", "/queues/flush", json={"runmode": "publish", "add": 1})
    assert r.status_code == 200 and len(r.json()["queue"]) == 1
    assert aem.admin("POST", "/queues/publish", json={"drain": True}).json()["queue"] == []
    assert aem.admin("POST", "/queues/nope", json={"add": 1}).status_code == 404


def test_seed_admin(aem):
    """Issue admin API: /__mock__/seed loads a pre-existing installation (tree, configs, keystores)."""
    body = {"nodes": [{"path": "/etc/cloudservices/mediaportal/legacy",
                       "tree": {"jcr:primaryType": "cq:Page",
                                "jcr:content": {"jcr:primaryType": "nt:unstructured",
                                                "tenantURL": "https://acme.brand-portal.adobe.com"}}}],
            "configs": {"my.pid": {"properties": {"a": "b"}}},
            "keystores": {"/home/users/system/brandportal-imsconfig-service": {"password": "x", "generate": ["k"]}}}
    r = aem.admin("POST", "/seed", json=body)
    assert r.status_code == 200 and r.json()["created"] >= 2
    j = aem.get("/etc/cloudservices/mediaportal/legacy/jcr:content.json").json()
    assert j["tenantURL"] == "https://acme.brand-portal.adobe.com"
    assert aem.app.configs.get("my.pid")["properties"] == {"a": "b"}
    ks = aem.get("/home/users/system/brandportal-imsconfig-service.ks.json").json()
    assert ks["aliases"][0]["alias"] == "k"


def test_keep_alive(aem):
    """Server: HTTP/1.1 keep-alive: several requests on one connection, correct Content-Length."""
    host, port = aem.url.split("//")[1].split(":")
    c = http.client.HTTPConnection(host, int(port))
    import base64
    h = {"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}
    for _unused in range(3):
        c.request("GET", "/content.json", headers=h)
        r = c.getresponse()
        body = r.read()
        assert r.status == 200 and int(r.getheader("Content-Length")) == len(body)
    c.request("HEAD", "/content.json", headers=h)
    r = c.getresponse()
    assert r.read() == b"" and int(r.getheader("Content-Length")) > 0
    c.close()


def test_outbound_http_from_handler_no_deadlock(aem_factory):
    """Extension point: a servlet may call another port of the same process (threaded server)."""
    a, b = aem_factory(), aem_factory()

    def relay(app, request):
        from tests.mock_aem.http_types import Response

        status, _unused, body = app.http_request("GET", b.url + "/__mock__/stats")
        return Response.json(200, {"status": status, "body": json.loads(body)})

    a.app.add_servlet("GET", r"/bin/relay", relay)
    assert a.get("/bin/relay").json()["status"] == 200
    # a call back into the same instance from inside its own handler
    a.app.add_servlet("GET", r"/bin/self", lambda app, req: Response.json(
        200, {"inner": app.http_request("GET", a.url + "/__mock__/stats")[0]}))
    from tests.mock_aem.http_types import Response
    assert a.get("/bin/self").json() == {"inner": 200}


def test_servlet_extension_point_after_auth(aem):
    """Extension point: add_servlet handlers run after auth; None falls through to Sling."""
    from tests.mock_aem.http_types import Response

    aem.app.add_servlet("POST", r"/apps/brandportal/config", lambda app, req: Response.text(200, req.user))
    aem.app.add_servlet("GET", r"/content\.json", lambda app, req: None)
    assert aem.post("/apps/brandportal/config").text == "admin"
    assert aem.anon("POST", "/apps/brandportal/config").status_code == 401
    assert aem.get("/content.json").status_code == 200


def test_tls(tmp_path):
    """--tls: HTTPS with a self-signed CA whose PEM is written to a file; the app's outbound client
    trusts it."""
    ca = tmp_path / "ca.pem"
    ctx = make_tls(str(ca))
    app = AuthorApp()
    app.client_ca_file = str(ca)
    srv = MockServer(app, "127.0.0.1", 0, ssl_context=ctx).start()
    try:
        assert srv.url.startswith("https://")
        r = requests.get(srv.url + "/content.json", auth=("admin", "admin"), verify=str(ca))
        assert r.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(srv.url + "/content.json", verify=True)
        assert app.http_request("GET", srv.url + "/__mock__/stats")[0] == 200
        lh = srv.url.replace("127.0.0.1", "localhost")
        assert requests.get(lh + "/__mock__/stats", verify=str(ca)).status_code == 200
    finally:
        srv.stop()


def test_multiple_instances_are_independent():
    """--instances: independent authors in one process."""
    proc = MockProcess()
    a = proc.add(AuthorApp(), "127.0.0.1", 0, name="aem0")
    b = proc.add(AuthorApp(version="6.4"), "127.0.0.1", 0, name="aem1")
    proc.start()
    try:
        requests.post(a.url + "/content/only-a", data={"x": "1"}, auth=("admin", "admin"))
        assert requests.get(a.url + "/content/only-a.json", auth=("admin", "admin")).status_code == 200
        assert requests.get(b.url + "/content/only-a.json", auth=("admin", "admin")).status_code == 404
        assert requests.get(b.url + "/__mock__/stats").json()["writes"] == 0
    finally:
        proc.stop()


def test_state_file_survives_restart(tmp_path):
    """--state-file: content, configs, keystores and queues survive a restart (snapshot on write)."""
    state = str(tmp_path / "state.json")
    proc = MockProcess(state)
    s = proc.add(AuthorApp(), "127.0.0.1", 0, name="aem0")
    proc.start()
    auth = ("admin", "admin")
    requests.post(s.url + "/content/kept", data={"x": "1", "n": "2", "n@TypeHint": "Long"}, auth=auth)
    requests.post(s.url + "/system/console/configMgr/some.pid",
                  data={"apply": "true", "propertylist": "a", "a": "b"}, auth=auth)
    protected = requests.post(s.url + "/system/console/crypto/.json", data={"datum": "pw"}, auth=auth).json()
    requests.post(s.url + "/__mock__/queues/publish", json={"add": 2})
    requests.post(s.url + SVC + ".ks.html", data={":operation": "createStore", "newPassword": "p", "rePassword": "p"},
                  auth=auth)
    s.app.keystores.generate_key_pair(SVC, "kept-key")
    requests.post(s.url + "/content/after-key", data={"x": "1"}, auth=auth)  # a write: snapshot again
    # persisted on write, before the shutdown
    assert "kept" in open(state).read()
    proc.stop()
    proc2 = MockProcess(state)
    app2 = AuthorApp()
    s2 = proc2.add(app2, "127.0.0.1", 0, name="aem0")
    proc2.start()
    try:
        assert s2.restored
        assert requests.get(s2.url + "/content/kept.json", auth=auth).json()["n"] == 2
        assert app2.configs.get("some.pid")["properties"] == {"a": "b"}
        assert app2.crypto.unprotect(protected["protected"]) == "pw"
        q = requests.get(s2.url + "/etc/replication/agents.author/publish/jcr:content.queue.json", auth=auth)
        assert len(q.json()["queue"]) == 2
        ks = requests.get(s2.url + SVC + ".ks.json", auth=auth).json()
        assert [a["alias"] for a in ks["aliases"]] == ["kept-key"]
        assert app2.keystores.private_key(SVC, "kept-key") is not None
    finally:
        proc2.stop()


# ------------------------------------------------------------------ CLI (subprocess)

def test_cli_help():
    """CLI: --help lists the options."""
    r = subprocess.run(check=False, args=[sys.executable, "-m", "tests.mock_aem", "--help"], cwd=ROOT, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0
    for opt in ("--host", "--port", "--instances", "--aem-version", "--admin-password", "--tls", "--state-file",
                "--ims-port", "--bp-port", "--enforce-csrf", "--json-max-results", "--seed",
                "--ready-after-requests", "--ready-after-seconds", "--verbose", "--ims-public-url"):
        assert opt in r.stdout


def test_cli_bad_version():
    """CLI: an unknown --aem-version is refused."""
    r = subprocess.run(check=False, args=[sys.executable, "-m", "tests.mock_aem", "--aem-version", "7.0"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "unsupported AEM version" in r.stderr


def test_cli_instances_seed_state_and_sigterm(tmp_path, mock_cli):
    """CLI: ready line with the ports; --instances; --seed; --aem-version; SIGTERM stops cleanly
    (exit 0); --state-file keeps the repository across a restart."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"path": "/content/seeded", "tree": {"x": "1"}}))
    state = tmp_path / "state.json"
    cli = mock_cli("--port", "0", "--instances", "2", "--seed", str(seed), "--state-file", str(state),
                   "--aem-version", "6.4.8")
    urls = cli.urls()
    assert len(urls) == 2
    auth = ("admin", "admin")
    for u in urls:
        assert requests.get(u + "/content/seeded.json", auth=auth).json()["x"] == "1"
        info = requests.get(u + "/system/console/status-productinfo.json", auth=auth).json()
        assert any("6.4.8.0" in line for line in info)
    requests.post(urls[1] + "/content/later", data={"y": "2"}, auth=auth)
    rc, out = cli.stop()
    assert rc == 0 and out == "mock-aem stopped\n"
    cli = mock_cli("--port", "0", "--instances", "2", "--state-file", str(state))
    urls = cli.urls()
    assert requests.get(urls[1] + "/content/later.json", auth=auth).json()["y"] == "2"
    assert requests.get(urls[0] + "/content/later.json", auth=auth).status_code == 404
    assert requests.get(urls[0] + "/content/seeded.json", auth=auth).status_code == 200  # restored, not re-seeded
    rc, _unused = cli.stop()
    assert rc == 0


def test_cli_sigint_and_ims_bp_ports(mock_cli):
    """CLI: --ims-port/--bp-port appear in the ready line; SIGINT stops cleanly too."""
    cli = mock_cli("--port", "0", "--ims-port", "0", "--bp-port", "0")
    assert cli.ports["ims"].isdigit() and cli.ports["bp"].isdigit()
    assert requests.get(cli.url("ims") + "/__mock__/stats").status_code == 200
    rc, out = cli.stop(signal.SIGINT)
    assert rc == 0 and out == "mock-aem stopped\n"


def test_state_file_save_of_one_app_never_waits_for_another(tmp_path):
    """An author holds its lock while it calls another mock (Test Connection to Brand Portal, Check Health to IMS);
    that mock's save must not wait for the author's lock, or both hang. A save snapshots only its own app."""
    import threading

    from tests.mock_aem.server import StateStore

    store = StateStore(str(tmp_path / "state.json"))
    author, other = AuthorApp(), AuthorApp()
    store.register("aem0", author)
    store.register("aem1", other)
    saved = threading.Event()

    def save_other():
        store.save(other)
        saved.set()

    with author._lock:  # the author is answering a request and waits for the other mock
        worker = threading.Thread(target=save_other, daemon=True)
        worker.start()
        assert saved.wait(10), "the other app's save waited for the author's lock"
    with open(str(tmp_path / "state.json"), encoding="utf-8") as handle:
        assert sorted(json.load(handle)["apps"]) == ["aem0", "aem1"]
    store.save()  # at shutdown: every app
