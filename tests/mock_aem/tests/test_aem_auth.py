"""Authentication and CSRF of the mock author, from aem-http-api.md §3 and §4."""

from __future__ import annotations

import re

import requests

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"


def test_missing_credentials_401_with_realm(aem):
    """§4: missing credentials -> 401 with WWW-Authenticate: Basic realm="Sling (Development)"."""
    r = aem.anon("GET", "/content.json")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Basic realm="Sling (Development)"'


def test_wrong_credentials_401(aem):
    """§4: wrong Basic credentials -> 401, also on the console."""
    for p in ("/content.json", "/system/console/bundles.json"):
        r = aem.anon("GET", p, auth=("admin", "wrong"))
        assert r.status_code == 401 and "Sling (Development)" in r.headers["WWW-Authenticate"]


def test_admin_password_option(aem_factory):
    """Issue: --admin-password sets the password of user admin."""
    a = aem_factory(admin_password="s3cret")
    assert a.get("/content.json").status_code == 200
    assert a.anon("GET", "/content.json", auth=("admin", "admin")).status_code == 401


def test_login_page_anonymous_even_with_bad_credentials(aem):
    """§4 (RUBY_AEM, COOKBOOK-CQ PR #24): login.html answers 200 with QUICKSTART_HOMEPAGE, anonymous,
    even with invalid credentials."""
    for auth in (None, ("admin", "nope")):
        r = aem.anon("GET", "/libs/granite/core/content/login.html", auth=auth)
        assert r.status_code == 200 and "QUICKSTART_HOMEPAGE" in r.text


def test_form_login_validate_and_cookie(aem):
    """§4: j_security_check with j_validate=true -> 200 + login-token cookie, or 403; the cookie
    replaces Basic auth."""
    url = aem.url + "/libs/granite/core/content/login.html/j_security_check"
    bad = requests.post(url, data={"_charset_": "utf-8", "j_username": "admin", "j_password": "x",
                                   "j_validate": "true"})
    assert bad.status_code == 403
    ok = requests.post(url, data={"_charset_": "utf-8", "j_username": "admin", "j_password": "admin",
                                  "j_validate": "true"})
    assert ok.status_code == 200
    cookie = ok.headers["Set-Cookie"]
    assert cookie.startswith("login-token=") and "%3acrx.default" in cookie and "HttpOnly" in cookie
    r = requests.get(aem.url + "/content.json", cookies={"login-token": ok.cookies["login-token"]})
    assert r.status_code == 200


def test_form_login_without_validate_redirects(aem):
    """§4: without j_validate the answer is a redirect."""
    r = aem.anon("POST", "/libs/granite/core/content/login.html/j_security_check",
                 data={"j_username": "admin", "j_password": "admin"})
    assert r.status_code == 302


def test_csrf_token_endpoint(aem):
    """§3: GET /libs/granite/csrf/token.json -> 200 {"token": "<JWT-like>"}."""
    r = aem.get("/libs/granite/csrf/token.json")
    assert r.status_code == 200
    assert r.json()["token"].count(".") == 2


def test_non_browser_writes_need_no_token_by_default(aem):
    """§3 INFERRED (strong): non-browser clients with Basic auth need no CSRF token by default."""
    assert aem.post("/content/x", data={"a": "1"}).status_code == 201


def test_browser_write_without_token_403(aem):
    """§3: an authenticated browser POST without a valid CSRF-Token gets 403; with the token it works."""
    h = {"User-Agent": BROWSER, "Referer": aem.url + "/"}
    assert aem.post("/content/x", data={"a": "1"}, headers=h).status_code == 403
    h2 = dict(h, **{"CSRF-Token": "not-a-token"})
    assert aem.post("/content/x", data={"a": "1"}, headers=h2).status_code == 403
    tok = aem.get("/libs/granite/csrf/token.json").json()["token"]
    h3 = dict(h, **{"CSRF-Token": tok})
    assert aem.post("/content/x", data={"a": "1"}, headers=h3).status_code == 201
    # the form field :cq_csrf_token works too (EL-CSRF)
    assert aem.post("/content/y", data={"a": "1", ":cq_csrf_token": tok}, headers=h).status_code == 201


def test_enforce_csrf_for_all(aem_factory, capfd):
    """§3: the enforcement switch: 403 without CSRF-Token on every write; the log says why."""
    a = aem_factory(enforce_csrf=True)
    assert a.post("/content/x", data={"a": "1"}).status_code == 403
    assert "isValidRequest: empty CSRF token - rejecting" in capfd.readouterr().err
    tok = a.get("/libs/granite/csrf/token.json").json()["token"]
    assert a.post("/content/x", data={"a": "1"}, headers={"CSRF-Token": tok}).status_code == 201
    assert a.get("/content.json").status_code == 200  # GET needs no token


def test_enforce_csrf_spares_safe_user_agents(aem_factory):
    """§3 (SWAGGER-OSGI description, safe-user-agent list of the AEMaaCS dump): "The Safe User Agents
    will never be checked regardless of this setting" -- also with the enforcement switch."""
    a = aem_factory(enforce_csrf=True)
    for ua in ("curl/8.5.0", "Jakarta Commons-HttpClient/3.1", "Apache-HttpClient/4.5.13 (Java/11)"):
        assert a.post("/content/safe", data={"a": "1"}, headers={"User-Agent": ua}).status_code in (200, 201), ua
    assert a.post("/content/safe", data={"a": "1"}, headers={"User-Agent": "python-requests/2"}).status_code == 403
    assert a.post("/content/safe", data={"a": "1"}, headers={"User-Agent": "my-curl/1"}).status_code == 403


def test_referrer_filter_for_browsers(aem):
    """§3 (SLING-REFERRER): browser POSTs with a foreign or empty referrer get 403; same host is fine."""
    tok = aem.get("/libs/granite/csrf/token.json").json()["token"]
    h = {"User-Agent": BROWSER, "CSRF-Token": tok}
    assert aem.post("/content/r1", data={"a": "1"}, headers=dict(h, Referer="http://evil.example/")).status_code == 403
    assert aem.post("/content/r1", data={"a": "1"}, headers=h).status_code == 403
    assert aem.post("/content/r1", data={"a": "1"}, headers=dict(h, Referer="/relative")).status_code == 201


def test_anonymous_browser_redirects_to_login(aem):
    """§4 INFERRED: browser-like anonymous requests get a 302 to the login page."""
    r = aem.anon("GET", "/content.json", headers={"User-Agent": BROWSER})
    assert r.status_code == 302 and r.headers["Location"].startswith("/libs/granite/core/content/login.html")


def test_referrer_origin_used_when_referer_missing(aem):
    """§3 (SLING-REFERRER): with no Referer the Origin header is checked instead."""
    tok = aem.get("/libs/granite/csrf/token.json").json()["token"]
    h = {"User-Agent": BROWSER, "CSRF-Token": tok}
    assert aem.post("/content/o1", data={"a": "1"}, headers=dict(h, Origin="http://evil.example")).status_code == 403
    assert aem.post("/content/o1", data={"a": "1"}, headers=dict(h, Origin=aem.url)).status_code == 201


def test_csrf_token_as_form_field(aem_factory):
    """§3 (EL-CSRF): the token may also come as the form field :cq_csrf_token (never stored)."""
    a = aem_factory(enforce_csrf=True)
    tok = a.get("/libs/granite/csrf/token.json").json()["token"]
    assert a.post("/content/ff", data={"x": "1"}).status_code == 403
    assert a.post("/content/ff", data={"x": "1", ":cq_csrf_token": tok}).status_code == 201
    assert ":cq_csrf_token" not in a.get("/content/ff.json").json()


def test_login_token_cookie_is_secure_over_https(tmp_path):
    """§4: the login-token cookie carries ; Secure over https."""
    from tests.mock_aem.aem import AuthorApp
    from tests.mock_aem.server import MockServer, make_tls

    ca = tmp_path / "ca.pem"
    srv = MockServer(AuthorApp(), "127.0.0.1", 0, ssl_context=make_tls(str(ca))).start()
    try:
        r = requests.post(srv.url + "/libs/granite/core/content/login.html/j_security_check",
                          data={"j_username": "admin", "j_password": "admin", "j_validate": "true"}, verify=str(ca))
        assert r.status_code == 200
        token = r"login-token=[0-9a-f-]{36}%3a[0-9a-f-]{36}_[0-9a-f]+%3acrx\.default"
        assert re.fullmatch(token + r"; Path=/; HttpOnly; Secure", r.headers["Set-Cookie"])
    finally:
        srv.stop()
