"""App-specific admin routes of an author instance, under ``/__mock__/`` (JSON, no AEM auth).

* ``POST /__mock__/seed``: JSON ``{"path": "/", "tree": {...}, "replace": false}`` or
  ``{"nodes": [{"path": ..., "tree": ...}, ...]}`` or a bare tree (imported at ``/``); see
  :meth:`tests.mock_aem.jcr.Repository.import_tree` for the tree format. Optional
  ``"configs": {pid: {"factoryPid": fpid|null, "properties": {...}}}`` and
  ``"keystores": {user_path: {"password": ..., "generate": [alias, ...]}}``.
* ``GET|POST /__mock__/queues/<agent>``: see :func:`tests.mock_aem.replication.admin_queue`.
* ``POST /__mock__/readiness``: ``{"requests": K}`` and/or ``{"seconds": S}`` (not ready for the
  next K requests / S seconds), ``{"ready": true}`` ends it; ``GET`` shows the state.
* ``POST /__mock__/users``: ``{"name": ..., "password": ...}`` adds a user (Basic auth).
* ``GET /__mock__/info``: version, ports-independent facts.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Dict

from .http_types import Request, Response

if TYPE_CHECKING:
    from .aem import AuthorApp


def seed(app: "AuthorApp", data: Any) -> Dict[str, Any]:
    created = 0
    with app.repo.lock:
        if isinstance(data, dict) and ("tree" in data or "nodes" in data or "configs" in data or "keystores" in data):
            items = data.get("nodes") or ([{"path": data.get("path", "/"), "tree": data["tree"],
                                            "replace": data.get("replace", False)}] if "tree" in data else [])
        else:
            items = [{"path": "/", "tree": data}]
            data = {}
        for it in items:
            created += len(app.repo.import_tree(it.get("path", "/"), it["tree"], replace=it.get("replace", False)))
    for pid, c in (data.get("configs") or {}).items():
        app.configs.put(pid, c.get("properties", {}), factory_pid=c.get("factoryPid"))
    for user_path, k in (data.get("keystores") or {}).items():
        if not app.keystores.exists(user_path):
            app.keystores.create(user_path, k.get("password", "changeit"))
        for alias in k.get("generate", []):
            app.keystores.generate_key_pair(user_path, alias)
    return {"created": created}


def handle(app: "AuthorApp", request: Request) -> Response:
    from . import replication

    p = request.path
    m = request.method
    if p == "/__mock__/seed" and m == "POST":
        try:
            body = request.json()
        except ValueError as e:
            return Response.json(400, {"error": "invalid JSON: %s" % e})
        try:
            out = seed(app, body)
        except (KeyError, ValueError, TypeError) as e:
            return Response.json(400, {"error": str(e)})
        app.write()
        return Response.json(200, out)
    if p.startswith("/__mock__/queues/"):
        return replication.admin_queue(app, request, p[len("/__mock__/queues/"):])
    if p == "/__mock__/readiness":
        if m == "POST":
            body = request.json() or {}
            if body.get("ready"):
                app.ready_after_requests = 0
                app.ready_after_seconds = 0.0
            if "requests" in body:
                app.ready_after_requests = app.requests_seen + int(body["requests"])
            if "seconds" in body:
                app.started = time.monotonic()
                app.ready_after_seconds = float(body["seconds"])
        return Response.json(200, {"ready": app.is_ready()})
    if p == "/__mock__/users" and m == "POST":
        body = request.json() or {}
        app.users[body["name"]] = body["password"]
        app.write()
        return Response.json(201, {"name": body["name"]})
    if p == "/__mock__/info":
        return Response.json(200, {"app": "aem-author", "version": app.version.full,
                                   "enforce_csrf": app.enforce_csrf, "json_max_results": app.json_max_results,
                                   "ims_oauth_hotfix": app.version.ims_oauth_hotfix,
                                   "oauth": app.version.oauth_availability,
                                   "cloud_service": app.version.cloud_service})
    return Response.json(404, {"error": "unknown admin path %s" % p})
