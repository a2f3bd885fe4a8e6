"""Unknown HTTP methods on every port of the mock, from the reference, not from what clients send.

aem-http-api.md §1.1 (VERIFIED): HTTP DELETE on content is rejected with 405 "Method DELETE not
supported" (HTML, title "405 Method DELETE not supported"); §10 checklist item 2: "HTTP DELETE →
405". The mock extends that to every method no Sling servlet handles, named as sent (methods are
case-sensitive, so the lowercase ``delete`` a public AEM client sends is unknown too), without an
Allow header (INFERRED entry aem.unsupported_method). The IMS and Brand Portal ports answer 405 with
an Allow header on their endpoints (ims.method_not_allowed, bp.method_not_allowed), and nothing
answers Python's default 501 "Unsupported method". The /__mock__/ admin API keeps its GET, POST and
DELETE on every port.
"""

from __future__ import annotations

import base64
import http.client
import json
from typing import Dict, Optional, Tuple

import pytest

from tests.mock_aem.aem import make_author
from tests.mock_aem.brand_portal import BrandPortalApp
from tests.mock_aem.ims import IMSApp
from tests.mock_aem.server import MockServer

ADMIN = "Basic " + base64.b64encode(b"admin:admin").decode()
UNKNOWN = ("delete", "PATCH", "FOO", "PUT", "MKCOL", "get", "post", "Delete")
ORG = "C74F69D7594880280A495D09@AdobeOrg"


def raw(srv: MockServer, method: str, path: str, headers: Optional[Dict[str, str]] = None,
        body: Optional[bytes] = None) -> Tuple[int, Dict[str, str], bytes]:
    """One request with the method exactly as given (``requests`` would upper-case it)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def stats(srv: MockServer) -> Dict[str, int]:
    return json.loads(raw(srv, "GET", "/__mock__/stats")[2])


@pytest.fixture
def ports():
    """An author (with the Brand Portal plugin), the IMS and the Brand Portal, each on its own port."""
    ims = IMSApp(["https://ims-na1.adobelogin.com"])
    bp = BrandPortalApp(ims)
    servers = {"ims": MockServer(ims, name="ims").start(), "bp": MockServer(bp, name="bp").start()}
    author = make_author(plugin_options={"ims_url": servers["ims"].url, "bp_url": servers["bp"].url})
    servers["aem"] = MockServer(author, name="aem").start()
    yield servers
    for s in servers.values():
        s.stop()


def test_author_unknown_methods_answer_405_like_sling(ports):
    """§1.1 / §10.2: 405 "Method <m> not supported" in Sling's HTML error page, the method as sent,
    on existing and missing content; nothing is written; never 501."""
    aem = ports["aem"]
    before = stats(aem)["writes"]
    for method in UNKNOWN:
        for path in ("/content/dam", "/content/no/such/node", "/etc/replication/agents.author/publish"):
            status, headers, body = raw(aem, method, path, {"Authorization": ADMIN})
            text = body.decode()
            assert status == 405, (method, path, status, text)
            assert headers["content-type"].startswith("text/html"), (method, headers)
            assert "<title>405 Method %s not supported</title>" % method in text, (method, text)
            assert "allow" not in headers, (method, headers)  # Sling's sendError(405) sets none
    assert stats(aem)["writes"] == before
    # the documented case itself, unchanged
    status, _unused, body = raw(aem, "DELETE", "/content/dam", {"Authorization": ADMIN})
    assert status == 405 and b"Method DELETE not supported" in body
    assert raw(aem, "GET", "/content/dam.json", {"Authorization": ADMIN})[0] == 200


def test_author_unknown_methods_on_servlet_paths(ports):
    """Sling servlets with their own methods (CSRF token, keystores, agent test and queue, the
    replication receiver, the Brand Portal plugin's IMS certificate servlet) fall back to the same
    405. (The Felix web console under /system/console is not a Sling servlet: not covered here.)"""
    aem = ports["aem"]
    for path in ("/libs/granite/csrf/token.json", "/bin/receive",
                 "/home/users/a/admin.ks.json", "/etc/replication/agents.author/publish.test.html",
                 "/etc/replication/agents.author/publish/jcr:content.queue.json",
                 "/libs/cq/adobeims-configuration/content/imsconfigurations/certificate"):
        for method in ("FOO", "patch", "delete"):
            status, _unused, body = raw(aem, method, path + "?alias=x", {"Authorization": ADMIN})
            assert status == 405 and ("Method %s not supported" % method).encode() in body, (path, method, status)


def test_author_authenticates_before_method_check(ports):
    """§4: the authenticator runs before servlet resolution, so an anonymous FOO is asked to log in."""
    status, headers, _unused = raw(ports["aem"], "FOO", "/content/dam")
    assert status == 401 and headers["www-authenticate"] == 'Basic realm="Sling (Development)"'


def test_ims_unknown_methods(ports):
    """IMS endpoints take POST only (adobe-ims.md §1.2, §4.2, §5): any other method, a lowercase
    "post" included, is 405 with Allow: POST and the IMS error body; unknown paths stay 404."""
    ims = ports["ims"]
    for path in ("/ims/token/v3", "/ims/exchange/jwt", "/ims/validate_token/v1"):
        for method in ("GET", "post", "PATCH", "FOO", "delete"):
            status, headers, body = raw(ims, method, path)
            assert status == 405 and headers["allow"] == "POST", (path, method, status)
            assert json.loads(body) == {"error": "method_not_allowed", "error_description": "Method Not Allowed"}
            assert headers["content-type"].startswith("application/json") and headers["x-debug-id"]
    for method in ("FOO", "GET", "POST"):
        assert raw(ims, method, "/ims/no/such/endpoint")[0] == 404
    # the real method still works (a reasoned 400, not a 405)
    status, _unused, body = raw(ims, "POST", "/ims/token/v3", {"Content-Type": "application/x-www-form-urlencoded"},
                                b"grant_type=client_credentials&client_id=nobody&client_secret=x&scope=openid")
    assert status == 400 and json.loads(body)["error"] == "invalid_client"


def test_brand_portal_unknown_methods(ports):
    """The tenant's receive path takes POST only, its root GET/HEAD: 405 with Allow for the rest;
    unknown tenants and other paths are 404 whatever the method."""
    bp = ports["bp"]
    assert raw(bp, "POST", "/__mock__/tenants", {"Content-Type": "application/json"},
               json.dumps({"tenant": "acme", "org_id": ORG}).encode())[0] == 201
    host = {"Host": "acme.brand-portal.adobe.com"}
    for method in ("GET", "post", "PATCH", "FOO", "delete"):
        for path, hdrs in (("/bin/receive", host), ("/__tenant__/acme/bin/receive", {})):
            status, headers, _unused = raw(bp, method, path, hdrs)
            assert status == 405 and headers["allow"] == "POST", (method, path, status)
    for method in ("POST", "PATCH", "FOO", "get"):
        status, headers, _unused = raw(bp, method, "/", host)
        assert status == 405 and headers["allow"] == "GET, HEAD", (method, status)
    assert raw(bp, "GET", "/", host)[0] == 200
    assert raw(bp, "FOO", "/", {"Host": "nobody.brand-portal.adobe.com"})[0] == 404
    assert raw(bp, "FOO", "/other/path", host)[0] == 404
    # the real method still reaches the checks (no token: 401)
    assert raw(bp, "POST", "/bin/receive", dict(host, Action="Test"))[0] == 401


@pytest.mark.parametrize("kind", ["aem", "ims", "bp"])
def test_admin_api_methods_on_every_port(ports, kind):
    """README "On every port": GET/POST/DELETE of /__mock__/ keep working next to the 405s; unknown
    methods were counted as requests, admin calls are not."""
    srv = ports[kind]
    assert raw(srv, "POST", "/__mock__/stats/reset")[0] == 200
    assert raw(srv, "FOO", "/some/path", {"Authorization": ADMIN})[0] in (401, 404, 405)
    assert stats(srv)["requests"] == 1
    status, _unused, body = raw(srv, "POST", "/__mock__/faults", {"Content-Type": "application/json"},
                                json.dumps({"path": "^/never$", "status": 503}).encode())
    assert status == 201 and json.loads(body)["hits"] == 0
    assert len(json.loads(raw(srv, "GET", "/__mock__/faults")[2])["faults"]) == 1
    assert raw(srv, "DELETE", "/__mock__/faults")[0] == 200
    assert json.loads(raw(srv, "GET", "/__mock__/faults")[2]) == {"faults": []}
    assert raw(srv, "POST", "/__mock__/reset")[0] == 200
    assert stats(srv) == {"requests": 0, "writes": 0}


def test_unknown_method_can_be_faulted_and_reaches_the_app(ports):
    """A fault for method FOO applies to FOO (so the method reached the mock, not Python's 501)."""
    aem = ports["aem"]
    raw(aem, "POST", "/__mock__/faults", {"Content-Type": "application/json"},
        json.dumps({"method": "FOO", "status": 418}).encode())
    assert raw(aem, "FOO", "/content/dam", {"Authorization": ADMIN})[0] == 418
    assert raw(aem, "PATCH", "/content/dam", {"Authorization": ADMIN})[0] == 405
