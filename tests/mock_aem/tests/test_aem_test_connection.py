"""Test Connection of ordinary (non Brand Portal) replication agents: a real request to the agent's
transportUri, on loopback only.

References: aem-http-api.md §5.1 (publish agents send to <instance>/bin/receive?sling:authRequestLogin=1,
transportUser/transportPassword, the password stored encrypted as {hex}), §5.3 (GET <agent>.test.html,
200, date-stamped log lines, 'Sending POST request to ...', 'sent. Response: 200 OK', success iff the
body contains "succeeded", failure: the error lines such as 'sent. Response: 401 Unauthorized' or
'Connection refused' and a final 'Replication test failed'), §10 item 6 (a failure omits "succeeded").
The exact failure texts, the timeout, the receiver's answer and the loopback-only rule are INFERRED
entries aem.agent_test_transport, aem.replication_receiver and aem.outbound_loopback_only.
"""

from __future__ import annotations

import base64
import re
import socket
import threading

import pytest
import requests

from tests.mock_aem.aem import AuthorApp, make_author
from tests.mock_aem.http_types import Response
from tests.mock_aem.server import MockServer, make_tls

AGENTS = "/etc/replication/agents.author/"
RECEIVE = "/bin/receive?sling:authRequestLogin=1"
STAMP = re.compile(r"^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d - ")


def make_agent(aem, name, **props):
    data = {"jcr:primaryType": "cq:Page", "jcr:content/jcr:title": name,
            "jcr:content/sling:resourceType": "cq/replication/components/agent",
            "jcr:content/cq:template": "/libs/cq/replication/templates/agent", "jcr:content/enabled": "true"}
    for k, v in props.items():
        data["jcr:content/" + k] = v
    r = aem.post(AGENTS + name, data=data)
    assert r.status_code in (200, 201), r.text
    return AGENTS + name


def test_log(aem, name):
    """(succeeded, log lines without time stamps) of <agent>.test.html."""
    r = aem.get(AGENTS + name + ".test.html")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    pre = re.search(r"<pre>(.*)</pre>", r.text, re.S)
    assert pre, r.text
    lines = [ln for ln in pre.group(1).splitlines() if ln.strip()]
    for line in lines[:-1]:
        assert STAMP.match(line), line
    return "succeeded" in r.text, [STAMP.sub("", ln) for ln in lines]


test_log.__test__ = False  # a helper, not a test


def assert_failed(ok, lines, reason):
    assert not ok, lines
    assert lines[-1] == "Replication test failed", lines
    assert any(reason in ln for ln in lines), (reason, lines)
    assert not any("succeeded" in ln for ln in lines), lines


@pytest.fixture
def closed_port():
    """A loopback port where nothing listens: bound (so nobody else takes it) but not listening."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    yield s.getsockname()[1]
    s.close()


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections (listen backlog) but never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield s.getsockname()[1]
    s.close()


# ---------------------------------------------------------------- success over loopback

def test_receiver_on_another_instance_succeeds(aem_factory):
    """§5.1/§5.3: author -> receiver of a second instance with the transport user's credentials;
    the log is the §5.3 success log; the receiver saw one request and stored nothing."""
    sender, receiver = aem_factory(), aem_factory()
    receiver.admin("POST", "/users", json={"name": "repl-user", "password": "Repl-Passw0rd"})
    make_agent(sender, "to_publish", transportUri=receiver.url + RECEIVE, transportUser="repl-user",
               transportPassword="Repl-Passw0rd", **{"jcr:title": "To Publish"})
    before = receiver.stats()
    ok, lines = test_log(sender, "to_publish")
    assert ok and lines[-1] == "Replication test succeeded", lines
    assert lines[0] == "Create new HttpClient for To Publish"
    assert "adding header: Action:Test" in lines
    assert "Sending POST request to %s%s" % (receiver.url, RECEIVE) in lines
    assert "sent. Response: 200 OK" in lines
    assert "Replication (TEST) of /content successful." in lines
    assert "Repl-Passw0rd" not in "\n".join(lines)
    after = receiver.stats()
    assert after["requests"] == before["requests"] + 1 and after["writes"] == before["writes"]
    assert receiver.get("/bin/receive.json").status_code == 404  # the receiver created no node


def test_receiver_needs_no_csrf_token_even_when_enforced(aem_factory):
    """§3: the transport's Commons HttpClient user agent is a safe user agent, so Test Connection to
    an author started with --enforce-csrf still succeeds."""
    sender, receiver = aem_factory(), aem_factory(enforce_csrf=True)
    make_agent(sender, "strict", transportUri=receiver.url + RECEIVE, transportUser="admin", transportPassword="admin")
    ok, lines = test_log(sender, "strict")
    assert ok, lines


def test_encrypted_transport_password_is_decrypted(aem):
    """§5.1: AEM stores transportPassword encrypted ({hex}); the request carries the plain one."""
    protected = aem.post("/system/console/crypto/.json", data={"datum": "admin"}).json()["protected"]
    make_agent(aem, "self", transportUri=aem.url + RECEIVE, transportUser="admin", transportPassword=protected)
    ok, lines = test_log(aem, "self")
    assert ok, lines


def test_flush_agent_sends_its_method_and_headers(aem_factory):
    """§5.1 flush agent: protocolHTTPMethod=GET and protocolHTTPHeaders with {action}/{path}; the
    transport user's credentials as Basic auth."""
    sender, dispatcher = aem_factory(), aem_factory()
    seen = []

    def invalidate(app, request):
        seen.append((request.method, dict(request.headers)))
        return Response.text(200, "OK")

    dispatcher.app.add_servlet("*", r"/dispatcher/invalidate\.cache", invalidate)
    make_agent(sender, "flush_it", transportUri=dispatcher.url + "/dispatcher/invalidate.cache",
               protocolHTTPMethod="GET", serializationType="flush", transportUser="admin", transportPassword="admin",
               **{"protocolHTTPHeaders": ["CQ-Action:{action}", "CQ-Handle:{path}", "CQ-Path:{path}"],
                  "protocolHTTPHeaders@TypeHint": "String[]"})
    ok, lines = test_log(sender, "flush_it")
    assert ok, lines
    assert "Sending GET request to %s/dispatcher/invalidate.cache" % dispatcher.url in lines
    method, headers = seen[0]
    assert method == "GET" and headers["authorization"] == "Basic " + base64.b64encode(b"admin:admin").decode()
    assert headers["cq-action"] == "Test" and headers["cq-handle"] == "/content" and headers["cq-path"] == "/content"
    assert headers["action"] == "Test"


def test_repo_transport_needs_no_request(aem):
    """§5.1 outbox agent (repo://var/replication/outbox): nothing to connect to; succeeds."""
    make_agent(aem, "outbox", transportUri="repo://var/replication/outbox")
    ok, lines = test_log(aem, "outbox")
    assert ok and not any(ln.startswith("Sending ") for ln in lines), lines


# ---------------------------------------------------------------- failures with their reason

def test_wrong_transport_password_fails_with_401(aem):
    """§5.3 failure example: 'sent. Response: 401 Unauthorized', final 'Replication test failed'."""
    make_agent(aem, "badpw", transportUri=aem.url + RECEIVE, transportUser="admin", transportPassword="wrong")
    ok, lines = test_log(aem, "badpw")
    assert_failed(ok, lines, "sent. Response: 401 Unauthorized")
    assert any("the receiver answered 401 Unauthorized" in ln for ln in lines), lines


def test_receiver_status_is_reported(aem_factory):
    """Any status but 200 from the receiver fails the test and is named (here a 503 fault)."""
    sender, receiver = aem_factory(), aem_factory()
    receiver.admin("POST", "/faults", json={"path": "^/bin/receive$", "status": 503})
    make_agent(sender, "busy", transportUri=receiver.url + RECEIVE, transportUser="admin", transportPassword="admin")
    ok, lines = test_log(sender, "busy")
    assert_failed(ok, lines, "sent. Response: 503 Service Unavailable")


def test_connection_refused(aem, closed_port):
    """§5.3 failure example 'Connection refused': a loopback port where nothing listens."""
    make_agent(aem, "refused", transportUri="http://127.0.0.1:%d/bin/receive" % closed_port)
    ok, lines = test_log(aem, "refused")
    assert_failed(ok, lines, "java.net.ConnectException: Connection refused")
    assert not any(ln.startswith("sent. Response") for ln in lines)


def test_localhost_is_loopback_too(aem):
    """localhost is allowed (resolved locally to its loopback addresses)."""
    port = aem.url.rsplit(":", 1)[1]
    make_agent(aem, "named", transportUri="http://localhost:%s%s" % (port, RECEIVE), transportUser="admin",
               transportPassword="admin")
    ok, lines = test_log(aem, "named")
    assert ok, lines


def test_silent_receiver_times_out_within_the_agent_timeout(aem, silent_port):
    """The wait is bounded (protocolSocketTimeout, ms, when smaller than the mock's bound)."""
    make_agent(aem, "silent", transportUri="http://127.0.0.1:%d/bin/receive" % silent_port,
               protocolSocketTimeout="300")
    ok, lines = test_log(aem, "silent")
    assert_failed(ok, lines, "java.net.SocketTimeoutException: Read timed out (after 300 ms)")


def test_tls_receiver_with_unknown_ca_and_ssl_relaxed(aem_factory, tmp_path):
    """https receiver whose CA the sender does not trust: TLS failure; ssl=relaxed accepts it."""
    sender = aem_factory()
    receiver_app = AuthorApp()
    srv = MockServer(receiver_app, "127.0.0.1", 0, ssl_context=make_tls(str(tmp_path / "ca.pem"))).start()
    try:
        uri = srv.url + RECEIVE
        make_agent(sender, "tls_strict", transportUri=uri, transportUser="admin", transportPassword="admin")
        make_agent(sender, "tls_relaxed", transportUri=uri, transportUser="admin", transportPassword="admin",
                   ssl="relaxed")
        ok, lines = test_log(sender, "tls_strict")
        assert_failed(ok, lines, "javax.net.ssl.SSLHandshakeException")
        ok, lines = test_log(sender, "tls_relaxed")
        assert ok, lines
    finally:
        srv.stop()


def test_disabled_agent_sends_nothing(aem_factory):
    """A disabled agent keeps failing with its reason, and no request leaves."""
    sender, receiver = aem_factory(), aem_factory()
    make_agent(sender, "off", enabled="false", transportUri=receiver.url + RECEIVE,
               transportUser="admin", transportPassword="admin")
    before = receiver.stats()["requests"]
    ok, lines = test_log(sender, "off")
    assert_failed(ok, lines, "Replication test failed: agent off is not enabled")
    assert receiver.stats()["requests"] == before


# ---------------------------------------------------------------- never beyond loopback

@pytest.fixture
def network_spy(monkeypatch):
    """Every host name looked up and every address connected to, in this process."""
    seen = {"lookups": [], "connects": []}
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    lock = threading.Lock()

    def getaddrinfo(host, *args, **kwargs):
        with lock:
            seen["lookups"].append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        with lock:
            seen["connects"].append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


@pytest.mark.parametrize("uri,host", [
    ("http://publish.example.com:4503/bin/receive?sling:authRequestLogin=1", "publish.example.com"),
    ("https://10.0.0.7/bin/receive", "10.0.0.7"),
    ("http://[2001:db8::1]:4503/bin/receive", "2001:db8::1"),
    ("http://192.168.1.20/dispatcher/invalidate.cache", "192.168.1.20"),
    ("https://acme.brand-portal.adobe.com/bin/receive", "acme.brand-portal.adobe.com"),
    ("https://ims-na1.adobelogin.com/ims/exchange/jwt", "ims-na1.adobelogin.com"),
])
def test_non_loopback_hosts_fail_without_any_connection(aem, network_spy, uri, host):
    """Mock convention (aem.outbound_loopback_only): a host that is not loopback (and, without a
    running mock IMS/Brand Portal, the Adobe hosts too) fails as an unknown host; no name look-up
    and no connection towards it happen."""
    make_agent(aem, "far", transportUri=uri)
    ok, lines = test_log(aem, "far")
    assert_failed(ok, lines, "java.net.UnknownHostException: %s" % host)
    assert host not in network_spy["lookups"], network_spy["lookups"]
    for address in network_spy["connects"]:
        assert address[0] in ("127.0.0.1", "::1"), address


def test_adobe_hosts_are_routed_to_the_mock_brand_portal(aem_factory):
    """An ordinary agent (not mp_replication*, no cloud service) to a Brand Portal tenant URL goes
    to the mock Brand Portal the plugin routes *.brand-portal.adobe.com to; it answers 401 without
    an IMS token, which the log names."""
    from tests.mock_aem.brand_portal import BrandPortalApp
    from tests.mock_aem.ims import IMSApp

    ims = IMSApp(["https://ims-na1.adobelogin.com"])
    bp = BrandPortalApp(ims)
    bp.register_tenant("acme", "C74F69D7594880280A495D09@AdobeOrg")
    ims_srv, bp_srv = MockServer(ims).start(), MockServer(bp).start()
    author = make_author(plugin_options={"ims_url": ims_srv.url, "bp_url": bp_srv.url})
    srv = MockServer(author).start()
    try:
        s = requests.Session()
        s.auth = ("admin", "admin")
        r = s.post(srv.url + AGENTS + "plain_bp", data={
            "jcr:primaryType": "cq:Page", "jcr:content/enabled": "true",
            "jcr:content/transportUri": "https://acme.brand-portal.adobe.com" + RECEIVE})
        assert r.status_code == 201
        text = s.get(srv.url + AGENTS + "plain_bp.test.html").text
        assert "sent. Response: 401 Unauthorized" in text and "succeeded" not in text, text
        assert "Replication test failed" in text
        rejected = requests.get(bp_srv.url + "/__mock__/tenants/acme/rejected").json()["rejected"]
        assert [(x["status"], x["action"]) for x in rejected] == [(401, "Test")]
    finally:
        for x in (srv, bp_srv, ims_srv):
            x.stop()


# ---------------------------------------------------------------- the receiver itself

def test_receiver_servlet(aem):
    """aem.replication_receiver: Action: Test -> 200 'ReplicationAction TEST ok.', nothing stored;
    other actions are refused; anonymous requests must log in (sling:authRequestLogin=1)."""
    w = aem.stats()["writes"]
    r = aem.post(RECEIVE, headers={"Action": "Test", "Path": "/content", "Content-Type": "application/octet-stream"})
    assert r.status_code == 200 and r.text.strip() == "ReplicationAction TEST ok."
    r = aem.post(RECEIVE, headers={"Action": "Activate", "Path": "/content/x"})
    assert r.status_code == 400 and "Action: Test" in r.text
    assert aem.post("/bin/receive").status_code == 400
    assert aem.anon("POST", RECEIVE, headers={"Action": "Test"}).status_code == 401
    assert aem.stats()["writes"] == w
    assert aem.get("/bin/receive.json").status_code == 404
