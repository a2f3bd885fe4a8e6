"""The mock AEM author instance: :class:`AuthorApp` (one per port).

Behaviour follows ``../shared/reference/aem-http-api.md`` (section numbers below are its §).
Everything INFERRED is in :mod:`tests.mock_aem.inferred`. The work is split into modules:
:mod:`.jcr` (repository), :mod:`.sling_get`, :mod:`.sling_post`, :mod:`.replication` (agents,
test connection, queues), :mod:`.console` (product info, bundles, configMgr, crypto,
querybuilder), :mod:`.keystore` (user keystores).

Request pipeline of :meth:`AuthorApp.handle`
    1. ``/__mock__/...`` app routes (no AEM auth): extension servlets first, then the built-ins
       (``/__mock__/seed``, ``/__mock__/queues/<agent>``, ``/__mock__/readiness``,
       ``/__mock__/users``).
    2. authentication (§4): Basic, ``login-token`` cookie, anonymous paths, form login.
    3. Sling referrer filter and Granite CSRF filter (§3) for writes.
    4. extension servlets (``add_servlet``), in registration order; ``None`` falls through.
    5. built-in servlets (console, keystores, agents, queues, querybuilder, CSRF token...).
    6. default Sling GET / POST servlets (§1, §2); every other method (HTTP DELETE, PUT, PATCH,
       a lowercase ``delete``, a made-up ``FOO``...) -> 405 "Method <m> not supported" (INFERRED
       entry ``aem.unsupported_method``, see :func:`unsupported_method`).

EXTENSION POINTS (stable API for plugins such as ``aem_brand_portal.py``)
    ``app.add_servlet(method, path_regex, handler)``
        ``method``: ``"GET"``, ``"POST"``, ... or ``"*"``; ``path_regex`` is matched with
        ``re.fullmatch`` against ``request.path`` (percent-decoded, no query string).
        ``handler(app, request) -> Response | None``; ``None`` falls through to the next servlet
        and finally to the default Sling handling. Runs after auth and CSRF (``request.user`` is
        the authenticated user id) except for ``/__mock__/`` paths, which are unauthenticated.
        Use ``app.form(request)`` for the merged query+body parameters and ``app.write()`` (or
        ``app.stats.write()``) when stored state changed.
    ``app.add_post_hook(fn)``
        ``fn(app, request, changes)`` after every successful Sling POST (create/modify, delete,
        move, copy, import); ``changes`` is a list of ``(type, path)`` with type ``created``,
        ``modified``, ``deleted``, ``moved``, ``copied`` (for moved/copied, ``path`` is the
        destination). Exceptions in hooks propagate (500).
    ``app.add_agent_tester(fn)``
        ``fn(app, agent_path, props) -> (ok: bool, log_lines: list[str]) | None`` is consulted by
        ``<agent>.test.html`` before the built-in check; ``props`` is a dict of the agent's
        ``jcr:content`` property values; ``None`` = not my agent. Log lines without the
        ``dd.MM.yyyy HH:mm:ss - `` prefix get it; the final ``Replication test succeeded`` /
        ``Replication test failed`` line is appended when missing. Called WITHOUT the repository
        lock held, so it may do outbound HTTP (``app.http_request``). Agents no tester claims get
        the built-in Test Connection (``replication.default_test``): a real request to the
        agent's ``transportUri`` through ``app.http_request``.
    ``app.add_outbound_route(fn)``
        ``fn(url) -> (url, extra_headers) | None``: rewrites an outbound URL before
        ``app.http_request`` connects (the Brand Portal plugin sends ``*.adobelogin.com`` to the
        mock IMS and ``*.brand-portal.adobe.com`` to the mock Brand Portal, keeping the original
        ``Host``); the first route that answers wins; it may raise :class:`UnknownHost`.
    ``app.add_reset_hook(fn)``
        ``fn(app)`` after ``app.reset()`` rebuilt the fresh instance (re-seed plugin defaults).
    ``app.repo``: :class:`tests.mock_aem.jcr.Repository` (``get``, ``exists``, ``create``,
        ``ensure``, ``set_property``, ``get_property``, ``value``, ``remove``,
        ``remove_property``, ``children``, ``walk``, ``copy``, ``move``, ``import_tree``,
        ``lock``); see its module docstring.
    ``app.version``: :class:`tests.mock_aem.version.AEMVersion` (``major``, ``minor``,
        ``service_pack``, ``cfp``, ``full``, ``line``, ``at_least("6.5.4")``,
        ``ims_configuration``, ``oauth_client_credentials``, ``oauth_availability``,
        ``ims_oauth_hotfix``, ``post_json_strings``). ``AuthorApp(ims_oauth_hotfix=True)`` (CLI
        ``--ims-oauth-hotfix``) simulates Adobe's OAuth compatibility hotfix, per instance.
    ``app.configs``: :class:`tests.mock_aem.console.ConfigAdmin` (OSGi configurations:
        ``get(pid)``, ``put(pid, props, factory_pid=None)``, ``create_factory(fpid, props)``,
        ``delete(pid)``, ``list()``, ``factory_instances(fpid)``).
    ``app.keystores``: :class:`tests.mock_aem.keystore.KeyStores` (``get(user_path)``,
        ``create(user_path, password)``, ``add_key(...)``, ``generate_key_pair(...)``...).
    ``app.crypto``: ``protect(text) -> "{hex}"`` / ``unprotect("{hex}") -> text``.
    ``app.http_request(method, url, headers=None, body=None, timeout=10.0, verify=True)``
        ``-> (status, headers_dict_lowercase, body_bytes)``; outbound HTTP(S) that trusts the
        mock CA when TLS is on (``verify=False``: any certificate); raises ``OSError`` on
        connection errors. It applies the outbound routes, then connects to LOOPBACK ONLY: a host
        that is not ``localhost`` or a loopback address (127.0.0.0/8, ::1) raises
        :class:`UnknownHost` without a DNS look-up or a connection (INFERRED entry
        ``aem.outbound_loopback_only``, a mock convention). Safe from inside a handler (the server
        is threaded); do not hold ``app.repo.lock`` while calling it.
    ``app.plugin_state``: a JSON-serialisable dict persisted with ``--state-file`` snapshots.
    Plugin modules: ``tests.mock_aem.__main__`` imports ``tests.mock_aem.aem_brand_portal`` if it
    exists and calls ``install(app, ims_url=..., bp_url=..., ca_file=...)`` for each author
    instance (see :func:`make_author`).
"""

from __future__ import annotations

import base64
import fnmatch
import html
import http.client
import ipaddress
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote, urlsplit

import jwt

from . import inferred, jcr
from .forms import Form, parse_form
from .http_types import Request, Response, Stats
from .jcr import Repository
from .version import AEMVersion

Handler = Callable[["AuthorApp", Request], Optional[Response]]
PostHook = Callable[["AuthorApp", Request, List[Tuple[str, str]]], None]
AgentTester = Callable[["AuthorApp", str, Dict[str, Any]], Optional[Tuple[bool, List[str]]]]
OutboundRoute = Callable[[str], Optional[Tuple[str, Dict[str, str]]]]

REALM = 'Basic realm="Sling (Development)"'
ANONYMOUS = "anonymous"


def log(msg: str) -> None:
    sys.stderr.write("%s *INFO* %s\n" % (time.strftime("%d.%m.%Y %H:%M:%S"), msg))
    sys.stderr.flush()


def error_page(status: int, message: str, path: str = "") -> Response:
    """Sling's default HTML error page (status + message)."""
    reason = http.client.responses.get(status, "")
    title = "%d %s" % (status, html.escape(message))
    body = (
        "<html><head><title>%s</title></head><body><h1>%s</h1><p>Cannot serve request to %s on "
        "this server</p><hr><address>Apache Sling</address></body></html>"
        % (title, html.escape(message or reason), html.escape(path))
    )
    return Response.html(status, body)


def unsupported_method(request: Request) -> Response:
    """Sling's answer to a method no servlet handles (entry aem.unsupported_method): the method is
    named as sent, so a lowercase ``delete`` is unknown too."""
    spec = inferred.value("aem.unsupported_method")
    return error_page(spec["status"], spec["message"].format(method=request.method), request.path)


class UnknownHost(OSError):
    """An outbound host the mock does not connect to (not loopback, or an unroutable Adobe host);
    the text is the Java exception AEM logs."""

    def __init__(self, host: str) -> None:
        super().__init__("java.net.UnknownHostException: %s" % host)
        self.host = host


def is_loopback_host(host: Optional[str]) -> bool:
    """``localhost`` or a literal loopback address; decided without any name look-up."""
    h = (host or "").strip().lower().rstrip(".").strip("[]")
    allowed = inferred.value("aem.outbound_loopback_only")
    if h in allowed:
        return True
    try:
        address = ipaddress.ip_address(h)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in allowed if "/" in n)


def _loopback_connection(address: Tuple[str, int], timeout: Any = None, *_args: Any) -> socket.socket:
    """``socket.create_connection`` that only ever connects to loopback addresses (``localhost``
    is resolved locally, and an answer that is not loopback is refused, not used)."""
    host, port = address
    if not is_loopback_host(host):
        raise UnknownHost(host)
    infos = [i for i in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
             if is_loopback_host(i[4][0].split("%")[0])]
    if not infos:
        raise UnknownHost(host)
    error: Optional[OSError] = None
    for family, type_, proto, _unused, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        try:
            if isinstance(timeout, (int, float)):
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    assert error is not None
    raise error


def is_browser(request: Request) -> bool:
    ua = request.header("user-agent", "") or ""
    return any(m in ua for m in inferred.value("aem.browser_ua_markers"))


class AuthorApp:
    """One AEM author instance. See the module docstring for the extension points."""

    def __init__(self, version: str = "6.5", admin_password: str = "admin", enforce_csrf: bool = False,
                 json_max_results: Optional[int] = None, name: str = "aem",
                 ready_after_requests: int = 0, ready_after_seconds: float = 0.0,
                 ims_oauth_hotfix: bool = False) -> None:
        self.stats = Stats()
        self.name = name
        self.version = AEMVersion.parse(version).with_ims_oauth_hotfix(ims_oauth_hotfix)
        self.admin_password = admin_password
        self.enforce_csrf = enforce_csrf
        self.json_max_results = json_max_results or inferred.value("aem.json_max_results")
        self.client_ca_file: Optional[str] = None  # set by the server when serving TLS
        self._servlets: List[Tuple[str, "re.Pattern[str]", Handler]] = []
        self._post_hooks: List[PostHook] = []
        self._agent_testers: List[AgentTester] = []
        self._outbound_routes: List[OutboundRoute] = []
        self._reset_hooks: List[Callable[["AuthorApp"], None]] = []
        self._lock = threading.RLock()
        self._csrf_secret = uuid.uuid4().hex
        self._ready_cfg = (ready_after_requests, ready_after_seconds)
        from . import console, keystore, replication

        self.repo = Repository()
        self.configs = console.ConfigAdmin(self)
        self.keystores = keystore.KeyStores(self)
        self.crypto = console.Crypto()
        self.queues = replication.Queues(self)
        self._fresh()

    # ------------------------------------------------------------------ extension points
    def add_servlet(self, method: str, path_regex: str, handler: Handler) -> None:
        self._servlets.append((method.upper(), re.compile(path_regex), handler))

    def add_post_hook(self, fn: PostHook) -> None:
        self._post_hooks.append(fn)

    def add_agent_tester(self, fn: AgentTester) -> None:
        self._agent_testers.append(fn)

    def add_reset_hook(self, fn: Callable[["AuthorApp"], None]) -> None:
        self._reset_hooks.append(fn)

    def add_outbound_route(self, fn: OutboundRoute) -> None:
        self._outbound_routes.append(fn)

    def write(self, n: int = 1) -> None:
        self.stats.write(n)

    def form(self, request: Request) -> Form:
        f = getattr(request, "_form", None)
        if f is None:
            f = parse_form(request.query_string, request.headers, request.body)
            setattr(request, "_form", f)
        return f

    def run_post_hooks(self, request: Request, changes: List[Tuple[str, str]]) -> None:
        for fn in list(self._post_hooks):
            fn(self, request, changes)

    def http_request(self, method: str, url: str, headers: Optional[Dict[str, str]] = None,
                     body: Optional[bytes] = None, timeout: float = 10.0,
                     verify: bool = True) -> Tuple[int, Dict[str, str], bytes]:
        headers = dict(headers or {})
        for route in list(self._outbound_routes):
            routed = route(url)
            if routed is not None:
                url, extra = routed
                headers.update(extra)
                break
        u = urlsplit(url)
        if not is_loopback_host(u.hostname):
            raise UnknownHost(u.hostname or url)
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        if u.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.client_ca_file) if self.client_ca_file \
                else ssl.create_default_context()
            if not verify:  # an agent with ssl=relaxed accepts any certificate
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                u.hostname, u.port or 443, timeout=timeout, context=ctx)
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
        conn._create_connection = _loopback_connection  # type: ignore[attr-defined]
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()

    # ------------------------------------------------------------------ lifecycle
    def _fresh(self) -> None:
        from . import console, replication

        self.users: Dict[str, str] = {"admin": self.admin_password}
        self.login_tokens: Dict[str, str] = {}
        self.plugin_state: Dict[str, Any] = {}
        self.started = time.monotonic()
        self.ready_after_requests, self.ready_after_seconds = self._ready_cfg
        self.requests_seen = 0
        self.repo.clear()
        self.configs.clear()
        self.queues.clear()
        seed_fresh_repository(self)
        console.seed_configs(self)
        replication.seed(self)

    def reset(self) -> None:
        with self._lock:
            self._fresh()
            for fn in list(self._reset_hooks):
                fn(self)

    def snapshot(self) -> Dict[str, Any]:
        with self._lock, self.repo.lock:
            return {
                "version": self.version.full,
                "repo": self.repo.to_dict(),
                "configs": self.configs.to_dict(),
                "queues": self.queues.to_dict(),
                "users": dict(self.users),
                "crypto_key": self.crypto.key.hex(),
                "plugin_state": self.plugin_state,
            }

    def restore(self, data: Dict[str, Any]) -> None:
        with self._lock, self.repo.lock:
            self.repo.from_dict(data["repo"])
            self.configs.from_dict(data.get("configs", {}))
            self.queues.from_dict(data.get("queues", {}))
            self.users = dict(data.get("users", {"admin": self.admin_password}))
            if data.get("crypto_key"):
                self.crypto.key = bytes.fromhex(data["crypto_key"])
            self.plugin_state = data.get("plugin_state", {})
            self.started = time.monotonic()
            self.requests_seen = 0
            sync_hotfix_package(self)  # the option of this start decides, not the one of the saved run

    # ------------------------------------------------------------------ readiness
    def is_ready(self) -> bool:
        if self.ready_after_requests and self.requests_seen <= self.ready_after_requests:
            return False
        if self.ready_after_seconds and time.monotonic() - self.started < self.ready_after_seconds:
            return False
        return True

    # ------------------------------------------------------------------ pipeline
    def handle(self, request: Request) -> Response:
        try:
            return self._handle(request)
        except Exception as e:  # a servlet bug must not kill the connection
            import traceback

            traceback.print_exc()
            return error_page(500, "Internal Server Error: %s" % e, request.path)

    def _servlet(self, request: Request) -> Optional[Response]:
        for method, rx, fn in list(self._servlets):
            if method not in ("*", request.method) and not (method == "GET" and request.method == "HEAD"):
                continue
            if rx.fullmatch(request.path):
                r = fn(self, request)
                if r is not None:
                    return r
        return None

    def _handle(self, request: Request) -> Response:
        from . import admin

        if request.path.startswith("/__mock__/"):
            setattr(request, "user", "admin")
            r = self._servlet(request)
            if r is not None:
                return r
            return admin.handle(self, request)

        with self._lock:
            self.requests_seen += 1

        # --- authentication (§4)
        user, auth_error = self.authenticate(request)
        setattr(request, "user", user)
        login = self._form_login(request)
        if login is not None:
            return login
        anonymous_ok = request.path in inferred.value("aem.anonymous_paths")
        if auth_error and not anonymous_ok:
            return self.request_credentials(request)
        if user == ANONYMOUS and not anonymous_ok:
            return self.request_credentials(request)

        # --- referrer + CSRF filters (§3)
        blocked = self._referrer_filter(request) or self._csrf_filter(request)
        if blocked is not None:
            return blocked

        r = self._servlet(request)
        if r is not None:
            return r
        return self._builtin(request)

    # ------------------------------------------------------------------ auth (§4)
    def authenticate(self, request: Request) -> Tuple[str, bool]:
        """Return ``(user, failed)``; ``failed`` when credentials were present but wrong."""
        h = request.header("authorization")
        if h and h.lower().startswith("basic "):
            try:
                raw = base64.b64decode(h[6:].strip()).decode("utf-8")
                name, _unused, pw = raw.partition(":")
            except Exception:
                return ANONYMOUS, True
            if name in self.users and self.users[name] == pw:
                return name, False
            return ANONYMOUS, True
        cookie = request.header("cookie")
        if cookie:
            for part in cookie.split(";"):
                k, _unused, v = part.strip().partition("=")
                if k == "login-token":
                    u = self.login_tokens.get(v)
                    if u:
                        return u, False
                    return ANONYMOUS, False  # an expired token is ignored (anonymous)
        return ANONYMOUS, False

    def request_credentials(self, request: Request) -> Response:
        if (inferred.value("aem.anon_browser_redirect") and is_browser(request)
                and request.method in ("GET", "HEAD")):
            target = request.path + ("?" + request.query_string if request.query_string else "")
            loc = inferred.value("aem.login_page") + "?resource=" + quote(target, safe="")
            return Response(302, b"", "text/html;charset=utf-8", [("Location", loc)])
        return Response.html(401, "<html><body><h1>401 Unauthorized</h1></body></html>",
                             [("WWW-Authenticate", REALM)])

    def _form_login(self, request: Request) -> Optional[Response]:
        if not request.path.endswith("/j_security_check") or request.method != "POST":
            return None
        f = self.form(request)
        name = f.text("j_username", "")
        pw = f.text("j_password", "")
        ok = name in self.users and self.users[name] == pw
        validate = (f.text("j_validate", "") or "").lower() == "true"
        headers: List[Tuple[str, str]] = []
        if ok:
            token = "%s%%3a%s_%s%%3acrx.default" % (uuid.uuid4(), uuid.uuid4(), uuid.uuid4().hex[:16])
            self.login_tokens[token] = name
            cookie = "login-token=%s; Path=/; HttpOnly" % token
            if request.scheme == "https":
                cookie += "; Secure"
            headers.append(("Set-Cookie", cookie))
        if validate:
            if ok:
                return Response.html(200, "<html><body>OK</body></html>", headers)
            return Response.html(403, "<html><body>Forbidden</body></html>")
        loc = (f.text("resource") or "/") if ok else inferred.value("aem.form_login_fail_redirect")
        headers.append(("Location", loc))
        return Response(302, b"", "text/html;charset=utf-8", headers)

    # ------------------------------------------------------------------ filters (§3)
    def _referrer_filter(self, request: Request) -> Optional[Response]:
        if not is_browser(request) or request.method not in ("POST", "PUT", "DELETE", "COPY", "MOVE"):
            return None
        ref = request.header("referer") or request.header("origin") or ""
        if not ref:
            if inferred.value("aem.referrer_allow_empty"):
                return None
            return error_page(403, "Forbidden", request.path)
        u = urlsplit(ref)
        if not u.scheme and not u.netloc:
            return None  # relative referrer
        req_host = (request.header("host") or request.host).rsplit(":", 1)[0]
        if u.hostname == req_host or u.hostname in inferred.value("aem.referrer_extra_hosts"):
            return None
        return error_page(403, "Forbidden", request.path)

    def csrf_token(self, user: str) -> str:
        now = int(time.time())
        return jwt.encode({"sub": user, "iat": now, "exp": now + inferred.value("aem.csrf_token_ttl")},
                          self._csrf_secret, algorithm="HS256")

    def _csrf_filter(self, request: Request) -> Optional[Response]:
        if (request.method not in inferred.value("aem.csrf_methods")
                or getattr(request, "user", ANONYMOUS) == ANONYMOUS):
            return None
        if not (self.enforce_csrf or is_browser(request)):
            return None
        ua = request.header("user-agent") or ""
        if any(fnmatch.fnmatchcase(ua, pattern) for pattern in inferred.value("aem.csrf_safe_user_agents")):
            return None
        token = request.header("csrf-token") or ""
        if not token:
            token = self.form(request).text(":cq_csrf_token", "") or ""
        if not token:
            log(inferred.value("aem.csrf_log_empty"))
            return error_page(403, "Forbidden", request.path)
        try:
            jwt.decode(token, self._csrf_secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            log(inferred.value("aem.csrf_log_invalid"))
            return error_page(403, "Forbidden", request.path)
        return None

    # ------------------------------------------------------------------ built-in routes
    def _builtin(self, request: Request) -> Response:
        from . import console, keystore, replication, sling_get, sling_post

        p = request.path
        m = request.method
        if p == inferred.value("aem.login_page") and m in ("GET", "HEAD"):
            if not self.is_ready():
                return Response.html(inferred.value("aem.starting_login_status"), STARTING_HTML)
            return Response.html(200, LOGIN_HTML)
        if p == "/libs/granite/csrf/token.json" and m in ("GET", "HEAD"):
            if request.user == ANONYMOUS:
                return Response.json(200, inferred.value("aem.anon_csrf_token_body"))
            return Response.json(200, {"token": self.csrf_token(request.user)})
        if p.startswith("/system/console") or p.startswith("/bin/querybuilder") or p.startswith("/crx/packmgr/"):
            r = console.handle(self, request)
            if r is not None:
                return r
        if p.startswith("/libs/granite/security/"):
            r = keystore.truststore_handle(self, request)
            if r is not None:
                return r
        if ".ks." in p:
            r = keystore.handle(self, request)
            if r is not None:
                return r
        if p.startswith("/etc/replication/"):
            r = replication.handle(self, request)
            if r is not None:
                return r
        if p == inferred.value("aem.replication_receiver")["path"] and m == "POST":
            return replication.receive(self, request)
        if m in ("GET", "HEAD"):
            return sling_get.handle(self, request)
        if m == "POST":
            return sling_post.handle(self, request)
        return unsupported_method(request)


STARTING_HTML = "<html><head><title>AEM is starting</title></head><body>Starting...</body></html>"

LOGIN_HTML = """<!DOCTYPE html>
<html><head><title>AEM Sign In</title>
<meta name="description" content="QUICKSTART_HOMEPAGE"></head>
<body><!-- QUICKSTART_HOMEPAGE -->
<form name="login" method="POST" id="login" action="/libs/granite/core/content/login.html/j_security_check">
<input type="hidden" name="_charset_" value="UTF-8"/>
<input type="hidden" name="resource" value="/"/>
<input type="text" name="j_username"/><input type="password" name="j_password"/>
<button type="submit">Sign In</button></form></body></html>
"""


def seed_fresh_repository(app: "AuthorApp") -> None:
    """The small subset of a fresh author repository the mock needs."""
    repo = app.repo
    for path, t in (
        ("/apps", "sling:Folder"), ("/apps/system", "sling:Folder"), ("/apps/system/config", "sling:Folder"),
        ("/libs", "sling:Folder"), ("/conf", "sling:Folder"), ("/conf/global", "sling:Folder"),
        ("/conf/global/settings", "sling:Folder"), ("/conf/global/settings/cloudconfigs", "sling:Folder"),
        ("/content", "sling:OrderedFolder"), ("/content/dam", "sling:OrderedFolder"),
        ("/etc", "sling:Folder"), ("/etc/cloudservices", "sling:Folder"), ("/etc/replication", "sling:Folder"),
        # Package Manager's store, where installed packages such as the OAuth hotfix show (aem.ims_oauth_hotfix)
        ("/etc/packages", "sling:Folder"),
        ("/home", "rep:AuthorizableFolder"), ("/home/users", "rep:AuthorizableFolder"),
        ("/home/groups", "rep:AuthorizableFolder"), ("/home/users/system", "rep:AuthorizableFolder"),
        ("/var", "sling:Folder"),
    ):
        repo.ensure(path, t)
    repo.ensure("/home/users/a/admin", "rep:User", intermediate_type="rep:AuthorizableFolder")
    repo.set_property("/home/users/a/admin", "rep:authorizableId", "admin")
    repo.set_property("/home/users/a/admin", "rep:principalName", "admin")
    for uid, path in inferred.value("aem.system_users").items():
        repo.ensure(path, "rep:SystemUser", intermediate_type="rep:AuthorizableFolder")
        repo.set_property(path, "rep:authorizableId", uid)
        repo.set_property(path, "rep:principalName", uid)
    sync_hotfix_package(app)


def sync_hotfix_package(app: "AuthorApp") -> None:
    """The installed OAuth compatibility hotfix package (adobe-ims.md §4.6; its form is the INFERRED
    entry aem.ims_oauth_hotfix) exists exactly when ``app.version.ims_oauth_hotfix``."""
    repo = app.repo
    hotfix = inferred.value("aem.ims_oauth_hotfix")
    path = hotfix["package_path"]
    if not app.version.ims_oauth_hotfix:
        if repo.exists(path):
            repo.remove(path)
        return
    if repo.exists(path):
        return
    repo.ensure(path.rsplit("/", 1)[0], "sling:Folder")
    repo.create(path, "nt:file")
    repo.create(path + "/jcr:content", "nt:resource")
    repo.set_property(path + "/jcr:content", "jcr:mimeType", "application/zip")
    repo.set_property(path + "/jcr:content", "jcr:data", b"", "Binary")
    repo.set_property(path + "/jcr:content", "jcr:lastModified", jcr.now(), "Date")
    definition = path + "/jcr:content/vlt:definition"
    repo.create(definition, "vlt:PackageDefinition")
    for key, val in hotfix["definition"].items():
        repo.set_property(definition, key, val)
    repo.set_property(definition, "lastUnpacked", jcr.now(), "Date")
    repo.set_property(definition, "lastUnpackedBy", "admin")


def make_author(plugin_options: Optional[Dict[str, Any]] = None, **kwargs: Any) -> AuthorApp:
    """Create an :class:`AuthorApp` and install the optional plugins (``aem_brand_portal``)."""
    app = AuthorApp(**kwargs)
    install_plugins(app, plugin_options or {})
    return app


def install_plugins(app: AuthorApp, options: Dict[str, Any]) -> List[str]:
    import importlib

    installed = []
    for mod_name in ("tests.mock_aem.aem_brand_portal",):
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as e:
            if e.name != mod_name:
                raise
            continue
        install = getattr(mod, "install", None)
        if install is not None:
            install(app, **options)
            installed.append(mod_name)
    return installed
