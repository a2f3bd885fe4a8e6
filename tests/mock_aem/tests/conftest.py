"""Fixtures for the mock AEM author tests: a real threaded server on a free port, per test."""

from __future__ import annotations

from typing import Any, Callable, List

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
