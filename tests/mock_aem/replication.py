"""Replication agents (§5): the default agents, ``.test.html``, ``.log.html`` and queues."""

from __future__ import annotations

import base64
import http.client
import re
import socket
import ssl
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional
from urllib.parse import urlsplit

from . import inferred, jcr
from .http_types import Request, Response
from .sling_get import resolve

if TYPE_CHECKING:
    from .aem import AuthorApp

AGENTS_RX = re.compile(r"^/etc/replication/agents\.[^/]+$")
LOG_LINE_RX = re.compile(r"^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d - ")


def seed(app: "AuthorApp") -> None:
    repo = app.repo
    for runmode, agents in inferred.value("aem.default_agents").items():
        root = "/etc/replication/" + runmode
        repo.ensure(root, inferred.value("aem.agents_root_type"))
        repo.ensure(root + "/jcr:content", "nt:unstructured")
        repo.set_property(root + "/jcr:content", "jcr:title", "Agents on %s" % runmode.split(".", 1)[1])
        repo.set_property(root + "/jcr:content", "sling:resourceType", "cq/replication/components/agents")
        for name, props in agents.items():
            create_agent(app, runmode.split(".", 1)[1], name, props)


def create_agent(app: "AuthorApp", runmode: str, name: str, props: Dict[str, Any]) -> str:
    """Create (or overwrite the properties of) an agent page; returns its path. Plugin helper."""
    repo = app.repo
    path = "/etc/replication/agents.%s/%s" % (runmode, name)
    with repo.lock:
        repo.ensure("/etc/replication/agents." + runmode, inferred.value("aem.agents_root_type"))
        repo.ensure(path, "cq:Page")
        repo.ensure(path + "/jcr:content", "nt:unstructured")
        c = path + "/jcr:content"
        repo.set_property(c, "cq:template", "/libs/cq/replication/templates/agent")
        repo.set_property(c, "sling:resourceType", "cq/replication/components/agent")
        for k, v in props.items():
            repo.set_property(c, k, v)
    return path


def is_agent(path: str) -> bool:
    parent, _unused = jcr.split_path(path)
    return bool(AGENTS_RX.match(parent))


def agent_props(app: "AuthorApp", agent_path: str) -> Dict[str, Any]:
    n = app.repo.get(agent_path + "/jcr:content")
    if n is None:
        return {}
    with app.repo.lock:
        return {k: (list(p.value) if p.multiple else p.value) for k, p in n.props.items()}


def truthy(v: Any) -> bool:
    if isinstance(v, list):
        v = v[0] if v else None
    return v is True or (isinstance(v, str) and v.strip().lower() == "true")


def stamp(msg: str) -> str:
    if LOG_LINE_RX.match(msg) or msg in ("Replication test succeeded", inferred.value("aem.agent_test_failed_line")):
        return msg
    return "%s - %s" % (time.strftime("%d.%m.%Y %H:%M:%S"), msg)


def _first(v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if v else None
    return v


def _millis(v: Any) -> Optional[float]:
    try:
        n = float(_first(v))
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def default_test(app: "AuthorApp", agent_path: str, props: Dict[str, Any]) -> tuple:
    """Test Connection of an agent no plugin claims: the test request really goes to the agent's
    transportUri (§5.3; how, and the failure texts: INFERRED entry aem.agent_test_transport), on
    loopback only (aem.outbound_loopback_only)."""
    title = props.get("jcr:title") or jcr.split_path(agent_path)[1]
    lines = ["Create new HttpClient for %s" % title]
    if not truthy(props.get("enabled")):
        lines.append("Replication test failed: agent %s is not enabled" % title)
        return False, lines
    uri = _first(props.get("transportUri"))
    if not uri:
        lines.append("No transport URI configured for agent %s" % title)
        return False, lines
    u = urlsplit(str(uri))
    if (u.scheme not in inferred.value("aem.agent_transport_schemes")
            or (u.scheme in ("http", "https") and not u.hostname)):
        lines.append("Invalid transport URI: %s" % uri)
        return False, lines
    try:
        _unused = u.port
    except ValueError:
        lines.append("Invalid transport URI: %s" % uri)
        return False, lines
    spec = inferred.value("aem.agent_test_transport")
    test_path = spec["test_path"]
    if u.scheme == "repo":
        lines.append("Replication (TEST) of %s successful." % test_path)
        return True, lines
    ok = _send_test(app, str(uri), props, spec, lines)
    if ok:
        lines.append("Replication (TEST) of %s successful." % test_path)
    return ok, lines


def _send_test(app: "AuthorApp", uri: str, props: Dict[str, Any], spec: Dict[str, Any],
               lines: List[str]) -> bool:
    """Send the test request and append what AEM logs; True when the receiver answered ok_status."""
    from .aem import UnknownHost

    log = spec["log"]
    test_path = spec["test_path"]
    method = str(_first(props.get("protocolHTTPMethod")) or "POST")
    headers = {"User-Agent": spec["user_agent"], "Action": "Test", "Path": test_path, "Handle": test_path}
    extra = props.get("protocolHTTPHeaders") or []
    for raw in extra if isinstance(extra, list) else [extra]:
        name, sep, val = str(raw).partition(":")
        if sep and name.strip():
            headers[name.strip()] = val.strip().replace("{action}", "Test").replace("{path}", test_path)
    user = _first(props.get("transportUser"))
    if user:
        password = _first(props.get("transportPassword")) or ""
        if isinstance(password, str) and password.startswith("{") and password.endswith("}"):
            try:
                password = app.crypto.unprotect(password)
            except Exception:  # noqa: BLE001 - a bad ciphertext is sent as stored, like a wrong password
                pass
        token = base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")
        headers["Authorization"] = "Basic " + token
    body = b""
    if method.upper() in ("POST", "PUT"):
        headers["Content-Type"] = "application/octet-stream"
    timeout = min([spec["timeout_seconds"]] + [ms / 1000.0 for ms in (
        _millis(props.get("protocolConnectTimeout")), _millis(props.get("protocolSocketTimeout"))) if ms])
    verify = not (str(_first(props.get("ssl")) or "").lower() == "relaxed"
                  or truthy(props.get("protocolHTTPSRelaxed")))
    lines.append("* HTTP Version: 1.1")
    lines += ["adding header: %s:%s" % (k, headers[k]) for k in ("Action", "Path", "Handle")]
    lines.append("Sending %s request to %s" % (method, uri))
    host = urlsplit(uri).hostname or uri
    try:
        status, _unused, _body = app.http_request(method, uri, headers, body, timeout=timeout, verify=verify)
    except UnknownHost as exc:
        lines.append(log["unknown_host"].format(host=exc.host))
        return False
    except ConnectionRefusedError:
        lines.append(log["refused"])
        return False
    except socket.timeout:
        lines.append(log["timeout"].format(ms=int(timeout * 1000)))
        return False
    except ssl.SSLError as exc:
        lines.append(log["tls"].format(error=getattr(exc, "reason", None) or exc))
        return False
    except http.client.RemoteDisconnected:
        lines.append(log["no_response"].format(host=host))
        return False
    except (OSError, http.client.HTTPException) as exc:
        lines.append(log["io"].format(error=exc))
        return False
    reason = http.client.responses.get(status, "")
    lines.append("sent. Response: %d %s" % (status, reason))
    if status != spec["ok_status"]:
        lines.append(log["status"].format(path=test_path, status=status, reason=reason))
        return False
    return True


def run_test(app: "AuthorApp", agent_path: str) -> Response:
    props = agent_props(app, agent_path)
    result = None
    for fn in list(app._agent_testers):
        result = fn(app, agent_path, props)
        if result is not None:
            break
    if result is None:
        result = default_test(app, agent_path, props)
    ok, lines = result
    out = [stamp(line) for line in lines]
    final = "Replication test succeeded" if ok else inferred.value("aem.agent_test_failed_line")
    if not out or out[-1] != final:
        out.append(final)
    if not ok:
        out = [line.replace("succeeded", "did not succeed") for line in out]
    app.queues.log(agent_path, out)
    body = "<html><head><title>Replication Test</title></head><body><pre>\n%s\n</pre></body></html>" % (
        "\n".join(_esc(line) for line in out))
    return Response.html(200, body)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def receive(app: "AuthorApp", request: Request) -> Response:
    """The replication receiver (``POST /bin/receive``, §5.1) for Test Connection only (INFERRED
    entry aem.replication_receiver): ``Action: Test`` is acknowledged, nothing is stored."""
    spec = inferred.value("aem.replication_receiver")
    action = (request.header("action") or "").strip()
    if action.lower() == "test":
        return Response.text(200, spec["ok_body"].format(action="TEST") + "\n")
    return Response.text(spec["other_action_status"],
                         "The mock replication receiver only acknowledges Action: Test (got %r)\n" % action)


# ------------------------------------------------------------------ queues (§5.4)

class Queue:
    def __init__(self) -> None:
        self.items: List[Dict[str, Any]] = []
        self.paused = False
        self.blocked = False
        self.drain_rate = 0.0  # items per second; 0 = only on command
        self.budget = 0.0
        self.last_tick = time.monotonic()
        self.processing_since = 0
        self.last_process_time = 0

    def advance(self) -> None:
        now = time.monotonic()
        if self.drain_rate > 0 and not self.paused and not self.blocked and self.items:
            self.budget += (now - self.last_tick) * self.drain_rate
            n = int(self.budget)
            if n:
                del self.items[:n]
                self.budget -= n
                self.last_process_time = int(time.time() * 1000)
            if not self.items:
                self.budget = 0.0
        self.last_tick = now

    def to_dict(self) -> Dict[str, Any]:
        return {"items": self.items, "paused": self.paused, "blocked": self.blocked, "drain_rate": self.drain_rate}

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Queue":
        q = cls()
        q.items = list(d.get("items", []))
        q.paused = bool(d.get("paused"))
        q.blocked = bool(d.get("blocked"))
        q.drain_rate = float(d.get("drain_rate", 0.0))
        return q


class Queues:
    def __init__(self, app: "AuthorApp") -> None:
        self.app = app
        self._lock = threading.Lock()
        self.queues: Dict[str, Queue] = {}
        self.logs: Dict[str, List[str]] = {}

    def clear(self) -> None:
        with self._lock:
            self.queues = {}
            self.logs = {}

    def get(self, agent_path: str) -> Queue:
        with self._lock:
            q = self.queues.setdefault(agent_path, Queue())
            q.advance()
            return q

    def log(self, agent_path: str, lines: List[str]) -> None:
        with self._lock:
            buf = self.logs.setdefault(agent_path, [])
            buf.extend(lines)
            del buf[:-500]

    def to_dict(self) -> Dict[str, Any]:
        with self._lock:
            return {k: q.to_dict() for k, q in self.queues.items()}

    def from_dict(self, d: Dict[str, Any]) -> None:
        with self._lock:
            self.queues = {k: Queue.from_dict(v) for k, v in d.items()}
            self.logs = {}

    def status(self, agent_path: str) -> Dict[str, Any]:
        q = self.get(agent_path)
        props = agent_props(self.app, agent_path)
        now = int(time.time() * 1000)
        retry_delay = props.get("retryDelay") or 60000
        try:
            retry_delay = int(retry_delay)
        except (TypeError, ValueError):
            retry_delay = 60000
        next_retry = now + retry_delay if q.blocked else 0
        return {
            "metaData": {
                "root": "queue",
                "queueStatus": {
                    "agentName": props.get("jcr:title") or jcr.split_path(agent_path)[1],
                    "agentId": jcr.split_path(agent_path)[1],
                    "isBlocked": next_retry > 0,
                    "isPaused": q.paused,
                    "time": now,
                    "processingSince": q.items[0]["time"] if q.blocked and q.items else 0,
                    "lastProcessTime": q.last_process_time,
                    "nextRetryPeriod": (next_retry - now) if next_retry else 0,
                },
                "fields": ["id", "path", "time", "userid", "type", "lastProcessed", "numProcessed"],
            },
            "queue": list(q.items),
        }

    def add_items(self, agent_path: str, n: int = 0, paths: Optional[List[str]] = None,
                  type_: str = inferred.value("aem.queue_item_type"), age_seconds: float = 0) -> None:
        q = self.get(agent_path)
        # an item's "time" is when it was queued (AEM's clock, ms); age_seconds back-dates it
        now = int((time.time() - max(age_seconds, 0)) * 1000)
        targets = list(paths or []) + ["/content/dam/mock/asset-%d" % (len(q.items) + i) for i in range(n)]
        with self._lock:
            for p in targets:
                q.items.append({"id": uuid.uuid4().hex, "path": p, "time": now, "userid": "admin", "type": type_,
                                "lastProcessed": 0, "numProcessed": 0})

    def command(self, agent_path: str, cmd: str) -> bool:
        q = self.get(agent_path)
        with self._lock:
            if cmd == "clear":
                q.items = []
                q.blocked = False
            elif cmd == "pause":
                q.paused = True
            elif cmd == "resume":
                q.paused = False
            elif cmd == "retry":
                if q.blocked and q.items:
                    q.items[0]["numProcessed"] += 1
                    q.items[0]["lastProcessed"] = int(time.time() * 1000)
                q.blocked = False
            else:
                return False
            q.last_tick = time.monotonic()
        return True


def _queue_agent(res: Any) -> Optional[str]:
    if res.node is None or not res.path.endswith("/jcr:content"):
        return None
    agent = res.path[: -len("/jcr:content")]
    if not is_agent(agent) or not res.selectors or res.selectors[0] != "queue" or res.extension != "json":
        return None
    return agent


def handle(app: "AuthorApp", request: Request) -> Optional[Response]:
    res = resolve(app, request.path)
    if res.node is not None and is_agent(res.path) and res.extension == "html" and res.selectors:
        if res.selectors == ["test"] and request.method in ("GET", "HEAD", "POST"):
            return run_test(app, res.path)
        if res.selectors == ["log"] and request.method in ("GET", "HEAD"):
            lines = app.queues.logs.get(res.path, [])
            return Response.html(200, "<html><body><pre>\n%s\n</pre></body></html>" % "\n".join(map(_esc, lines)))
    agent = _queue_agent(res)
    if agent is not None:
        if request.method in ("GET", "HEAD"):
            return Response.json(200, app.queues.status(agent))
        if request.method == "POST":
            form = app.form(request)
            cmd = form.text("cmd") or ""
            if cmd not in inferred.value("aem.queue_commands") or not app.queues.command(agent, cmd):
                from .aem import error_page

                return error_page(inferred.value("aem.queue_unknown_command_status"),
                                  "Unknown queue command '%s'" % cmd,
                                  request.path)
            app.write()
            return Response.json(200, inferred.value("aem.queue_command_body"))
    return None


def admin_queue(app: "AuthorApp", request: Request, agent: str) -> Response:
    """``/__mock__/queues/<agent>``: GET the status; POST JSON ``{"runmode": "author", "add": N,
    "paths": [...], "age_seconds": S, "blocked": bool, "paused": bool, "drain_seconds": float, "drain": true,
    "clear": true}``. ``age_seconds`` back-dates the added items (queued S seconds ago). ``drain_seconds`` drains the current items evenly over that time;
    ``drain`` empties the queue now."""
    if agent.startswith("/"):
        agent_path = agent
    else:
        body = request.json() if request.method == "POST" and request.body else {}
        runmode = (body or {}).get("runmode") or dict(
            (k, v[0]) for k, v in request.query.items()).get("runmode", "author")
        agent_path = "/etc/replication/agents.%s/%s" % (runmode, agent)
    if not app.repo.exists(agent_path):
        return Response.json(404, {"error": "no agent at %s" % agent_path})
    if request.method == "POST":
        body = request.json() if request.body else {}
        body = body or {}
        q = app.queues.get(agent_path)
        if body.get("clear"):
            app.queues.command(agent_path, "clear")
        if body.get("add") or body.get("paths"):
            app.queues.add_items(agent_path, int(body.get("add") or 0), body.get("paths"),
                                 body.get("type", inferred.value("aem.queue_item_type")),
                                 float(body.get("age_seconds") or 0))
        with app.queues._lock:
            if "blocked" in body:
                q.blocked = bool(body["blocked"])
            if "paused" in body:
                q.paused = bool(body["paused"])
            if "drain_seconds" in body:
                secs = float(body["drain_seconds"] or 0)
                q.drain_rate = (len(q.items) / secs) if secs > 0 and q.items else 0.0
                q.budget = 0.0
                q.last_tick = time.monotonic()
            if body.get("drain"):
                q.items = []
                q.blocked = False
        app.write()
    return Response.json(200, app.queues.status(agent_path))
