"""Fixtures for the mock AEM author tests: a real threaded server on a free port, per test."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import tempfile
from typing import Any, Callable, Dict, List, Tuple

import pytest
import requests

from tests.mock_aem.aem import AuthorApp
from tests.mock_aem.server import MockServer


class Aem:
    """A running author instance plus a `requests` session logged in as admin."""

    def __init__(self, app: AuthorApp, srv: MockServer) -> None:
        self.app = app
        self.srv = srv
        self.url = srv.url
        self.s = requests.Session()
        self.s.auth = ("admin", app.admin_password)

    def get(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.s.get(self.url + path, **kw)

    def head(self, path: str, **kw: Any) -> requests.Response:
        return self.s.head(self.url + path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.s.post(self.url + path, **kw)

    def post_json(self, path: str, **kw: Any) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        headers.setdefault("Accept", "application/json")
        return self.post(path, headers=headers, **kw)

    def anon(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return requests.request(method, self.url + path, **kw)

    def admin(self, method: str, path: str, **kw: Any) -> requests.Response:
        return requests.request(method, self.url + "/__mock__" + path, **kw)

    def stats(self) -> dict:
        return self.admin("GET", "/stats").json()


@pytest.fixture
def aem_factory() -> Any:
    started: List[MockServer] = []

    def make(**kwargs: Any) -> Aem:
        app = AuthorApp(**kwargs)
        srv = MockServer(app, "127.0.0.1", 0).start()
        started.append(srv)
        return Aem(app, srv)

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def aem(aem_factory: Callable[..., Aem]) -> Aem:
    return aem_factory()


# ------------------------------------------------------------------ the CLI in a subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class Cli:
    """``python -m tests.mock_aem ...`` started by the ``mock_cli`` fixture."""

    def __init__(self, proc: subprocess.Popen, ready_line: str, stderr: Any) -> None:
        self.proc = proc
        self.ready_line = ready_line
        self._stderr = stderr
        self.ports: Dict[str, str] = dict(part.split("=", 1) for part in ready_line.split()[2:])

    def url(self, key: str = "aem", i: int = 0) -> str:
        return "%s://127.0.0.1:%s" % (self.ports.get("scheme", "http"), self.ports[key].split(",")[i])

    def urls(self, key: str = "aem") -> List[str]:
        return [self.url(key, i) for i in range(len(self.ports[key].split(",")))]

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> Tuple[int, str]:
        """Send ``sig`` and wait; returns (exit code, the rest of stdout)."""
        self.proc.send_signal(sig)
        out, _unused = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out


@pytest.fixture
def mock_cli() -> Any:
    """Start the CLI (``mock_cli("--port", "0", ...)``), wait for its ready line (30 s at most) and
    make sure no process outlives the test (killed by its own PID at teardown)."""
    started: List[subprocess.Popen] = []

    def start(*args: str, expect_ready: bool = True) -> Any:
        err = tempfile.TemporaryFile()
        p = subprocess.Popen([sys.executable, "-m", "tests.mock_aem", *args], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=err, text=True)
        started.append(p)
        if not expect_ready:
            return p
        assert p.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        ready = sel.select(timeout=30)
        sel.close()
        line = p.stdout.readline() if ready else ""
        if not line.startswith("mock-aem ready:"):
            p.kill()
            p.wait(10)
            err.seek(0)
            raise AssertionError("no ready line: %r %s" % (line, err.read().decode("utf-8", "replace")))
        return Cli(p, line, err)

    yield start
    for p in started:
        if p.poll() is None:
            p.kill()
        try:
            p.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError):
            pass
