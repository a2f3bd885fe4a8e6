"""One process, one threaded HTTP/1.1 server per port, each serving one App (``http_types``).

Common to every port (JSON, no auth; ``/__mock__/`` requests are not counted in ``requests``):

* ``GET /__mock__/stats`` -> ``{"requests": int, "writes": int}``; ``POST /__mock__/stats/reset``.
* ``POST /__mock__/reset`` -> ``app.reset()``, zeroes the stats and clears the faults.
* ``POST /__mock__/faults`` with ``{"path": regex (re.search, default any), "method": "GET" | null,
  "probability": 0..1 (default 1), "count": N | null (default unlimited), "status": 503 | null,
  "delay": seconds (default 0), "drop": false, "body": str | null}`` -> 201 ``{"id": n}``.
  A matching request first waits ``delay``; then ``drop`` closes the connection without an answer,
  or ``status`` answers with that status (and ``body``); with neither, the request proceeds.
  Faults never apply to ``/__mock__/`` paths. ``GET`` lists them, ``DELETE`` clears them.

Everything else goes to ``app.handle(request)``. :class:`StateStore` persists ``app.snapshot()``
of every app to ``--state-file`` after each request that changed state (``stats.writes`` grew),
after a reset and at shutdown; at start it restores them (an AEM restart keeps its repository).
:func:`make_tls` creates a self-signed CA and a server certificate for 127.0.0.1/localhost.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import os
import random
import re
import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote

from .http_types import Request, Response

REASONS = BaseHTTPRequestHandler.responses


# ------------------------------------------------------------------ faults

class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Dict[str, Any]] = []
        self._next = 1

    def add(self, spec: Dict[str, Any]) -> Dict[str, Any]:
        f = {
            "id": self._next,
            "path": spec.get("path") or ".*",
            "method": (spec.get("method") or "").upper() or None,
            "probability": float(spec.get("probability", 1.0)),
            "count": None if spec.get("count") is None else int(spec["count"]),
            "status": None if spec.get("status") is None else int(spec["status"]),
            "delay": float(spec.get("delay") or 0),
            "drop": bool(spec.get("drop", False)),
            "body": spec.get("body"),
            "hits": 0,
        }
        re.compile(f["path"])
        with self._lock:
            self._next += 1
            self._faults.append(f)
        return f

    def clear(self) -> None:
        with self._lock:
            self._faults = []

    def list(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [dict(f) for f in self._faults]

    def match(self, method: str, path: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            for f in self._faults:
                if f["method"] and f["method"] != method:
                    continue
                if not re.search(f["path"], path):
                    continue
                if f["count"] is not None and f["count"] <= 0:
                    continue
                if f["probability"] < 1.0 and random.random() >= f["probability"]:
                    continue
                if f["count"] is not None:
                    f["count"] -= 1
                f["hits"] += 1
                return dict(f)
        return None


# ------------------------------------------------------------------ state file

class StateStore:
    """Snapshots of several apps (by key) in one JSON file, written atomically.

    A save snapshots only the app that changed and writes it with the others' last snapshots. Snapshotting every app
    on each save deadlocked: an app answering a request holds its lock while it calls another mock (Test Connection
    to Brand Portal, Check Health to IMS), and that mock's save waited for the first app's lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.apps: Dict[str, Any] = {}
        self.snapshots: Dict[str, Any] = {}

    def register(self, key: str, app: Any) -> bool:
        """Register ``app`` under ``key`` and restore it from the file; True if restored."""
        self.apps[key] = app
        restored = False
        if os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            if key in data.get("apps", {}):
                app.restore(data["apps"][key])
                restored = True
        # registration happens before any server thread runs: no lock can be held elsewhere yet
        self.snapshots[key] = app.snapshot()
        return restored

    def save(self, app: Any = None) -> None:
        """Write the file with ``app``'s current state (every app's when None, e.g. at shutdown)."""
        keys = [k for k, a in self.apps.items() if app is None or a is app]
        # taken outside the store's lock, so a save never waits for an app while holding it
        fresh = dict((k, self.apps[k].snapshot()) for k in keys)
        with self._lock:
            self.snapshots.update(fresh)
            data = {"saved_at": time.time(), "apps": dict(self.snapshots)}
            d = os.path.dirname(os.path.abspath(self.path))
            fd, tmp = tempfile.mkstemp(prefix=".mock-state-", dir=d)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.path)


# ------------------------------------------------------------------ TLS

def make_tls(ca_file: str, hosts: Tuple[str, ...] = ("127.0.0.1", "localhost")) -> ssl.SSLContext:
    """Create a CA and a server certificate; write the CA PEM to ``ca_file``; return a server
    SSLContext."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = _dt.datetime.now(_dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mock-aem test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(hours=1))
          .not_valid_after(now + _dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans: List[x509.GeneralName] = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(hours=1)).not_valid_after(now + _dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    with open(ca_file, "wb") as fh:
        fh.write(ca_pem)
    tmpdir = tempfile.mkdtemp(prefix="mock-aem-tls-")
    cert_path = os.path.join(tmpdir, "server.pem")
    with open(cert_path, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
        fh.write(ca_pem)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path)
    os.unlink(cert_path)
    os.rmdir(tmpdir)
    return ctx


# ------------------------------------------------------------------ HTTP

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr: Tuple[str, int], handler: Any, mock: "MockServer") -> None:
        self.mock = mock
        super().__init__(addr, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MockAEM/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120

    def setup(self) -> None:
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if getattr(self.server, "mock", None) is not None and self.server.mock.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, resp: Response) -> None:
        reason = REASONS.get(resp.status, ("",))[0]
        lines = ["HTTP/1.1 %d %s" % (resp.status, reason),
                 "Server: " + self.server_version,
                 "Date: " + self.date_time_string()]
        names = {k.lower() for k, _unused in resp.headers}
        if "content-type" not in names and (resp.body or resp.status not in (204, 304)):
            lines.append("Content-Type: " + resp.content_type)
        for k, v in resp.headers:
            if k.lower() != "content-length":
                lines.append("%s: %s" % (k, v))
        lines.append("Content-Length: %d" % len(resp.body))
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head if self.command == "HEAD" else head + resp.body)
        self.wfile.flush()

    def _dispatch(self) -> None:
        mock: MockServer = self.server.mock  # type: ignore[attr-defined]
        body = self._read_body()
        raw_path, _unused, query = self.path.partition("?")
        if raw_path.startswith(("http://", "https://")):
            raw_path = "/" + raw_path.split("/", 3)[-1] if raw_path.count("/") >= 3 else "/"
        req = Request(
            method=self.command,
            path=unquote(raw_path),
            query_string=query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            scheme="https" if mock.tls else "http",
            host="%s:%d" % (mock.host, mock.port),
        )
        if (self.headers.get("Connection") or "").lower() == "close":
            self.close_connection = True
        resp = mock.serve(req)
        if resp is None:  # dropped connection
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(resp)

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler answers 501 "Unsupported method" for a method without a do_<METHOD>.
        # Every method reaches the app instead, spelled as sent (methods are case-sensitive), so that
        # each port answers unknown methods like the service it models (Sling: 405).
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)


class MockServer:
    """Serve one app on ``host:port`` (``port=0`` picks a free port)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0,
                 ssl_context: Optional[ssl.SSLContext] = None, state: Optional[StateStore] = None,
                 name: str = "app", verbose: bool = False) -> None:
        self.app = app
        self.faults = Faults()
        self.state = state
        self.name = name
        self.verbose = verbose
        self.tls = ssl_context is not None
        self.httpd = _Server((host, port), _Handler, self)
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True,
                                                        do_handshake_on_connect=False)
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self.port)

    def start(self) -> "MockServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mock-%s-%d" % (self.name, self.port), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _save(self) -> None:
        if self.state is not None:
            self.state.save(self.app)

    def serve(self, req: Request) -> Optional[Response]:
        if req.path.startswith("/__mock__/"):
            r = self._admin(req)
            if r is not None:
                return r
            before = self.app.stats.writes
            resp = self.app.handle(req)
            if self.app.stats.writes != before:
                self._save()
            return resp
        self.app.stats.request()
        fault = self.faults.match(req.method, req.path)
        if fault is not None:
            if fault["delay"]:
                time.sleep(fault["delay"])
            if fault["drop"]:
                return None
            if fault["status"] is not None:
                body = fault["body"]
                if body is None:
                    body = "<html><body><h1>%d %s</h1></body></html>" % (
                        fault["status"], REASONS.get(fault["status"], ("",))[0])
                return Response.html(fault["status"], body)
        before = self.app.stats.writes
        resp = self.app.handle(req)
        if self.app.stats.writes != before:
            self._save()
        return resp

    def _admin(self, req: Request) -> Optional[Response]:
        p, m = req.path, req.method
        if p == "/__mock__/stats" and m == "GET":
            return Response.json(200, self.app.stats.as_dict())
        if p == "/__mock__/stats/reset" and m == "POST":
            self.app.stats.reset()
            return Response.json(200, self.app.stats.as_dict())
        if p == "/__mock__/reset" and m == "POST":
            self.app.reset()
            self.app.stats.reset()
            self.faults.clear()
            self._save()
            return Response.json(200, {"reset": True})
        if p == "/__mock__/faults":
            if m == "POST":
                try:
                    spec = req.json() or {}
                    specs = spec if isinstance(spec, list) else [spec]
                    added = [self.faults.add(s) for s in specs]
                except (ValueError, TypeError, re.error) as e:
                    return Response.json(400, {"error": str(e)})
                return Response.json(201, added[0] if len(added) == 1 else {"faults": added})
            if m == "DELETE":
                self.faults.clear()
                return Response.json(200, {"faults": []})
            if m == "GET":
                return Response.json(200, {"faults": self.faults.list()})
        return None


class MockProcess:
    """A set of :class:`MockServer` (one process): start, stop, persist."""

    def __init__(self, state_file: Optional[str] = None) -> None:
        self.servers: List[MockServer] = []
        self.state = StateStore(state_file) if state_file else None
        self._stopped = threading.Event()

    def add(self, app: Any, host: str, port: int, ssl_context: Optional[ssl.SSLContext] = None,
            name: str = "app", key: Optional[str] = None, verbose: bool = False) -> MockServer:
        restored = self.state.register(key or name, app) if self.state is not None else False
        srv = MockServer(app, host, port, ssl_context, self.state, name, verbose)
        srv.restored = restored  # type: ignore[attr-defined]
        self.servers.append(srv)
        return srv

    def start(self) -> None:
        for s in self.servers:
            s.start()

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        for s in self.servers:
            s.stop()
        if self.state is not None:
            self.state.save()
