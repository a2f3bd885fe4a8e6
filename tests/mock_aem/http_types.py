"""The contract between the mock's HTTP server and the applications it serves.

Every mock service (AEM author instance, Adobe IMS, Brand Portal) is an *app*: an object whose
``handle(request)`` turns one parsed :class:`Request` into one :class:`Response`.  Apps never touch
sockets, so they can be tested by calling ``handle`` directly and served by one threaded server.

The server (``tests/mock_aem/server.py``) owns what is common to every port:

* counting requests (``app.stats.requests``); apps count their own writes with
  ``app.stats.write()`` because only they know whether stored state changed;
* ``GET /__mock__/stats``, ``POST /__mock__/stats/reset``, ``POST /__mock__/reset`` (calls
  ``app.reset()``), ``POST|DELETE /__mock__/faults``;
* persisting ``app.snapshot()`` / ``app.restore(data)`` for ``--state-file``.

Every other path, including app-specific ``/__mock__/...`` paths, goes to ``app.handle``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Tuple
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    #: percent-decoded path without the query string, e.g. ``/content/a b.json``
    path: str
    #: the raw query string, without ``?``
    query_string: str = ""
    #: header names lower-cased
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: ``http`` or ``https``
    scheme: str = "http"
    #: ``host:port`` the server listens on (what a client reached)
    host: str = "127.0.0.1"

    @property
    def query(self) -> Dict[str, List[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8") or "null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain;charset=utf-8"
    headers: List[Tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, obj: Any, headers: Optional[List[Tuple[str, str]]] = None) -> "Response":
        return cls(status, json.dumps(obj).encode("utf-8"), "application/json;charset=utf-8", headers or [])

    @classmethod
    def html(cls, status: int, text: str, headers: Optional[List[Tuple[str, str]]] = None) -> "Response":
        return cls(status, text.encode("utf-8"), "text/html;charset=utf-8", headers or [])

    @classmethod
    def text(cls, status: int, text: str, headers: Optional[List[Tuple[str, str]]] = None) -> "Response":
        return cls(status, text.encode("utf-8"), "text/plain;charset=utf-8", headers or [])


class Stats:
    """Thread-safe request and write counters of one app (one port)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.writes = 0

    def request(self) -> None:
        with self._lock:
            self.requests += 1

    def write(self, n: int = 1) -> None:
        with self._lock:
            self.writes += n

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.writes = 0

    def as_dict(self) -> Dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "writes": self.writes}


class App(Protocol):
    stats: Stats

    def handle(self, request: Request) -> Response: ...

    def reset(self) -> None: ...

    def snapshot(self) -> Dict[str, Any]: ...

    def restore(self, data: Dict[str, Any]) -> None: ...
