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
    assert [aem.get("/content.json").status_code for _ in range(3)] == [503, 503, 200]
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
    for _ in range(3):
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

        status, _, body = app.http_request("GET", b.url + "/__mock__/stats")
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
    finally:
        proc2.stop()


# ------------------------------------------------------------------ CLI (subprocess)

def start_cli(*args, env=None):
    p = subprocess.Popen([sys.executable, "-m", "tests.mock_aem", *args], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    line = p.stdout.readline()
    if not line.startswith("mock-aem ready:"):
        p.kill()
        raise AssertionError("no ready line: %r %s" % (line, p.stderr.read()))
    ports = {}
    for part in line.split()[2:]:
        k, _, v = part.partition("=")
        ports[k] = v
    return p, ports


def stop_cli(p):
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=15)
    return p.returncode, out


def test_cli_help():
    """CLI: --help lists the options."""
    r = subprocess.run([sys.executable, "-m", "tests.mock_aem", "--help"], cwd=ROOT, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0
    for opt in ("--host", "--port", "--instances", "--aem-version", "--admin-password", "--tls", "--state-file",
                "--ims-port", "--bp-port", "--enforce-csrf", "--json-max-results", "--seed"):
        assert opt in r.stdout


def test_cli_bad_version():
    """CLI: an unknown --aem-version is refused."""
    r = subprocess.run([sys.executable, "-m", "tests.mock_aem", "--aem-version", "7.0"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "unsupported AEM version" in r.stderr


def test_cli_instances_seed_state_and_sigterm(tmp_path):
    """CLI: ready line with the ports; --instances; --seed; --aem-version; SIGTERM stops cleanly
    (exit 0); --state-file keeps the repository across a restart."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"path": "/content/seeded", "tree": {"x": "1"}}))
    state = tmp_path / "state.json"
    p, ports = start_cli("--port", "0", "--instances", "2", "--seed", str(seed), "--state-file", str(state),
                         "--aem-version", "6.4.8")
    try:
        urls = ["http://127.0.0.1:%s" % x for x in ports["aem"].split(",")]
        assert len(urls) == 2
        auth = ("admin", "admin")
        for u in urls:
            assert requests.get(u + "/content/seeded.json", auth=auth).json()["x"] == "1"
            info = requests.get(u + "/system/console/status-productinfo.json", auth=auth).json()
            assert any("6.4.8.0" in line for line in info)
        requests.post(urls[1] + "/content/later", data={"y": "2"}, auth=auth)
    finally:
        rc, out = stop_cli(p)
    assert rc == 0 and "mock-aem stopped" in out
    p, ports = start_cli("--port", "0", "--instances", "2", "--state-file", str(state))
    try:
        urls = ["http://127.0.0.1:%s" % x for x in ports["aem"].split(",")]
        assert requests.get(urls[1] + "/content/later.json", auth=auth).json()["y"] == "2"
        assert requests.get(urls[0] + "/content/later.json", auth=auth).status_code == 404
    finally:
        rc, _ = stop_cli(p)
    assert rc == 0


def test_cli_sigint_and_ims_bp_ports():
    """CLI: --ims-port/--bp-port appear in the ready line; SIGINT stops cleanly too."""
    try:
        import tests.mock_aem.ims  # noqa: F401
        import tests.mock_aem.brand_portal  # noqa: F401
    except ImportError:
        pytest.skip("IMS / Brand Portal mocks not present")
    p, ports = start_cli("--port", "0", "--ims-port", "0", "--bp-port", "0")
    try:
        assert ports["ims"].isdigit() and ports["bp"].isdigit()
        assert requests.get("http://127.0.0.1:%s/__mock__/stats" % ports["ims"]).status_code == 200
    finally:
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=15)
    assert p.returncode == 0
