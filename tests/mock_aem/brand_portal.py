"""Mock AEM Brand Portal: tenants that receive replication packages from AEM authors.

What is real (VERIFIED, ``../shared/reference/aem-http-api.md`` §6, ``adobe-ims.md`` §2): a tenant
lives at ``https://<tenant>.brand-portal.adobe.com``; AEM's Brand Portal replication agents send to a
``transportUri`` starting with that URL + ``/``, authorised by an Adobe IMS access token of the
tenant's IMS org (credential with the ``ent_brand_portal_sdk`` metascope). Everything else here
(the receive path, statuses, answer bodies) is INFERRED and comes from
:mod:`tests.mock_aem.inferred` (the ``bp.*`` entries).

Addressing a tenant (both work, on the Brand Portal port):

* by the ``Host`` header ``<tenant>.brand-portal.adobe.com`` (what an AEM agent whose transportUri is
  the real tenant URL sends when the mock AEM routes ``*.brand-portal.adobe.com`` here), or
* by the path prefix ``/__tenant__/<tenant>`` for direct local access, i.e. a tenant URL of
  ``http://127.0.0.1:<bp-port>/__tenant__/<tenant>``.

Receive endpoint: ``POST <tenant URL>`` + :data:`BP_RECEIVE_PATH` (``/bin/receive``, query
``sling:authRequestLogin=1`` optional), headers ``Authorization: Bearer <IMS access token>``,
``Action: Test|Activate|Deactivate|Delete``, ``Path``/``Handle``; body = the package. Answers:

* 404 unknown tenant (any method); 405 with ``Allow: POST`` for any other method, a lowercase
  ``post`` included (INFERRED entry ``bp.method_not_allowed``; a tenant's root answers GET/HEAD and
  405 with ``Allow: GET, HEAD`` to the rest; other paths 404); 401 (``WWW-Authenticate: Bearer ...``) missing, unknown,
  expired or revoked token; 403 token of another org, credential without the Brand Portal
  metascope, or tenant disabled; 400 missing/unknown ``Action``;
* 200 ``ReplicationAction TEST ok.`` and the package is recorded.

Admin API (mock-only, JSON, no auth), on the Brand Portal port:

* ``POST /__mock__/tenants`` ``{"tenant": "acme", "org_id": "...@AdobeOrg", "enabled": true}`` →
  201 (new) / 200 (updated) with the tenant view ``{"tenant", "org_id", "enabled", "url",
  "local_url", "received": <count>}``; 400 ``{"error": ...}`` for invalid input.
* ``GET /__mock__/tenants`` → ``{"tenants": [view...]}``;
  ``GET|DELETE /__mock__/tenants/<tenant>`` → view / 204; 404 if unknown.
* ``GET /__mock__/tenants/<tenant>/received`` → ``{"tenant": ..., "received": [record...]}``, oldest
  first, record = ``{"id", "received_at" (epoch ms), "action", "path", "content_type", "length",
  "sha256", "body_b64" (first 64 KiB), "client_id", "user_id", "org_id", "grant", "request_path",
  "query_string"}``; ``DELETE`` clears the list.
* ``GET /__mock__/tenants/<tenant>/rejected`` → ``{"tenant": ..., "rejected": [{"at", "status",
  "reason", "action", "path"}...]}`` (last 100 rejected requests; for debugging, not counted as writes).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import threading
from typing import Any, Dict, List, Optional, Tuple

from .http_types import Request, Response, Stats
from .ims import IMSApp
from .inferred import value as inferred_value

#: INFERRED (aem-http-api.md §6.4: the real path after the tenant URL is unknown).
BP_RECEIVE_PATH: str = inferred_value("bp.receive_path")
#: INFERRED: the query string AEM agents append (accepted, not required).
BP_RECEIVE_QUERY: str = inferred_value("bp.receive_query")
#: INFERRED host suffix of tenant URLs (the VERIFIED tenant URL form is https://<tenant>.brand-portal.adobe.com).
BP_HOST_SUFFIX: str = inferred_value("bp.tenant_host_suffix")
#: Mock-only prefix for direct local access to a tenant.
BP_LOCAL_TENANT_PREFIX: str = inferred_value("bp.local_tenant_prefix")
#: adobe-ims.md §2 (VERIFIED name); that Brand Portal requires it is INFERRED.
BP_METASCOPE: str = inferred_value("bp.required_metascope")

ADMIN_PREFIX = "/__mock__/tenants"
MAX_REJECTED = 100
MAX_BODY_KEPT = 64 * 1024

_TENANT_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def tenant_url(tenant: str) -> str:
    """The real URL form of a tenant (VERIFIED, aem-http-api.md §6.2)."""
    return f"https://{tenant}{BP_HOST_SUFFIX}"


class _AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BrandPortalApp:
    """Mock Brand Portal; validates bearer tokens in-process with the given :class:`IMSApp`."""

    def __init__(self, ims: IMSApp) -> None:
        self.stats = Stats()
        self.ims = ims
        self._lock = threading.RLock()
        self._tenants: Dict[str, Dict[str, Any]] = {}

    # ---------------------------------------------------------------- App protocol: state
    def reset(self) -> None:
        with self._lock:
            self._tenants = {}

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {"tenants": copy.deepcopy(self._tenants)}

    def restore(self, data: Dict[str, Any]) -> None:
        with self._lock:
            self._tenants = copy.deepcopy((data or {}).get("tenants") or {})

    # ---------------------------------------------------------------- Python API
    def register_tenant(self, tenant: str, org_id: str, enabled: bool = True) -> Tuple[bool, Dict[str, Any]]:
        """Register or update a tenant. Returns ``(created, view)``; ValueError on invalid input."""
        if not isinstance(tenant, str) or not _TENANT_RE.match(tenant.strip().lower()):
            raise ValueError("'tenant' must be a tenant id like 'acme' (lower-case letters, digits, '-')")
        if not isinstance(org_id, str) or not org_id.strip().endswith("@AdobeOrg") or org_id.strip() == "@AdobeOrg":
            raise ValueError("'org_id' must be an IMS org id ending with '@AdobeOrg'")
        if not isinstance(enabled, bool):
            raise ValueError("'enabled' must be a boolean")
        tenant = tenant.strip().lower()
        with self._lock:
            t = self._tenants.get(tenant)
            created = t is None
            if created:
                t = {"tenant": tenant, "org_id": org_id.strip(), "enabled": enabled, "received": [],
                     "rejected": [], "next_id": 1}
                self._tenants[tenant] = t
                self.stats.write()
            elif (t["org_id"], t["enabled"]) != (org_id.strip(), enabled):
                t["org_id"], t["enabled"] = org_id.strip(), enabled
                self.stats.write()
            return created, self._view(t)

    def received(self, tenant: str) -> Optional[List[Dict[str, Any]]]:
        with self._lock:
            t = self._tenants.get(tenant)
            return copy.deepcopy(t["received"]) if t else None

    def _view(self, t: Dict[str, Any], request: Optional[Request] = None) -> Dict[str, Any]:
        view = {
            "tenant": t["tenant"],
            "org_id": t["org_id"],
            "enabled": t["enabled"],
            "url": tenant_url(t["tenant"]),
            "received": len(t["received"]),
        }
        if request is not None:
            view["local_url"] = f"{request.scheme}://{request.host}{BP_LOCAL_TENANT_PREFIX}{t['tenant']}"
        return view

    # ---------------------------------------------------------------- HTTP
    def handle(self, request: Request) -> Response:
        if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
            try:
                return self._admin(request)
            except _AdminError as exc:
                return Response.json(exc.status, {"error": exc.message})
        tenant, path = self._resolve_tenant(request)
        if tenant is None:
            return Response.text(inferred_value("bp.status_unknown_tenant"), "Not Found\n")
        with self._lock:
            t = self._tenants.get(tenant)
        if t is None:
            return Response.text(inferred_value("bp.status_unknown_tenant"), f"Tenant '{tenant}' not found\n")
        allowed = inferred_value("bp.method_not_allowed")
        if path == BP_RECEIVE_PATH:
            return self._receive(request, t)
        if path in ("", "/") and request.method not in allowed["tenant_root"]:
            return Response.text(405, "Method Not Allowed\n", [("Allow", ", ".join(allowed["tenant_root"]))])
        if path in ("", "/"):
            return Response.html(
                inferred_value("bp.tenant_root_get"),
                f"<!DOCTYPE html><html><head><title>AEM Brand Portal</title></head>"
                f"<body>Brand Portal tenant {t['tenant']} (mock)</body></html>",
            )
        return Response.text(404, "Not Found\n")

    @staticmethod
    def _resolve_tenant(request: Request) -> Tuple[Optional[str], str]:
        path = request.path
        if path.startswith(BP_LOCAL_TENANT_PREFIX):
            rest = path[len(BP_LOCAL_TENANT_PREFIX):]
            tenant, slash, sub = rest.partition("/")
            return (tenant.lower() or None), (slash + sub)
        host = (request.header("host") or "").strip().lower()
        if host.startswith("["):
            hostname = host.split("]")[0] + "]"
        else:
            hostname = host.split(":")[0]
        if hostname.endswith(BP_HOST_SUFFIX) and len(hostname) > len(BP_HOST_SUFFIX):
            return hostname[: -len(BP_HOST_SUFFIX)], path
        return None, path

    def _reject(self, t: Dict[str, Any], request: Request, status: int, reason: str,
                headers: Optional[List[Tuple[str, str]]] = None) -> Response:
        with self._lock:
            t["rejected"].append({
                "at": int(self.ims.now() * 1000),
                "status": status,
                "reason": reason,
                "action": request.header("action"),
                "path": request.header("path") or request.header("handle"),
            })
            del t["rejected"][:-MAX_REJECTED]
        return Response.text(status, reason + "\n", headers)

    def _receive(self, request: Request, t: Dict[str, Any]) -> Response:
        allowed = inferred_value("bp.method_not_allowed")["receive"]
        if request.method not in allowed:  # case-sensitive: "post" is an unknown method
            return self._reject(t, request, 405, "Method Not Allowed", [("Allow", ", ".join(allowed))])
        status401, challenge = inferred_value("bp.status_no_token")
        auth = (request.header("authorization") or "").strip()
        if auth[:7].lower() != "bearer " or not auth[7:].strip():
            return self._reject(t, request, status401, "Unauthorized: no IMS bearer token",
                                [("WWW-Authenticate", challenge)])
        info = self.ims.introspect(auth[7:].strip())
        if info is None:
            return self._reject(t, request, status401, "Unauthorized: invalid or expired IMS access token",
                                [("WWW-Authenticate", challenge)])
        if info["org_id"] != t["org_id"]:
            return self._reject(
                t, request, inferred_value("bp.status_wrong_org"),
                f"Forbidden: token of IMS org {info['org_id']} is not valid for tenant {t['tenant']}",
            )
        if BP_METASCOPE not in info["metascopes"]:
            return self._reject(
                t, request, inferred_value("bp.status_wrong_org"),
                f"Forbidden: credential {info['client_id']} has no {BP_METASCOPE} access",
            )
        if not t["enabled"]:
            return self._reject(t, request, inferred_value("bp.status_tenant_disabled"),
                                f"Forbidden: tenant {t['tenant']} is disabled")
        header_name, actions = inferred_value("bp.action_header")
        action = request.header(header_name)
        canonical = {a.lower(): a for a in actions}
        if not action or action.strip().lower() not in canonical:
            return self._reject(t, request, 400, f"Bad Request: missing or unknown {header_name} header")
        action = canonical[action.strip().lower()]
        path = None
        for name in inferred_value("bp.path_headers"):
            path = path or request.header(name)
        body = request.body or b""
        with self._lock:
            rec = {
                "id": t["next_id"],
                "received_at": int(self.ims.now() * 1000),
                "action": action,
                "path": path,
                "content_type": request.header("content-type"),
                "length": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "body_b64": base64.b64encode(body[:MAX_BODY_KEPT]).decode("ascii"),
                "client_id": info["client_id"],
                "user_id": info["user_id"],
                "org_id": info["org_id"],
                "grant": info["grant"],
                "request_path": request.path,
                "query_string": request.query_string,
            }
            t["next_id"] += 1
            t["received"].append(rec)
            self.stats.write()
        return Response.text(200, inferred_value("bp.ok_body").format(action=action.upper()) + "\n")

    # ---------------------------------------------------------------- admin API
    def _admin(self, request: Request) -> Response:
        method = request.method.upper()
        rest = request.path[len(ADMIN_PREFIX):].strip("/")
        parts = rest.split("/") if rest else []
        if not parts:
            if method == "GET":
                with self._lock:
                    return Response.json(200, {"tenants": [self._view(self._tenants[k], request)
                                                           for k in sorted(self._tenants)]})
            if method == "POST":
                try:
                    spec = request.json()
                except (ValueError, UnicodeDecodeError) as exc:
                    raise _AdminError(400, f"invalid JSON: {exc}") from exc
                if not isinstance(spec, dict):
                    raise _AdminError(400, "body must be a JSON object")
                try:
                    created = self.register_tenant(spec.get("tenant"), spec.get("org_id"),
                                                   spec.get("enabled", True))[0]
                except ValueError as exc:
                    raise _AdminError(400, str(exc)) from exc
                with self._lock:
                    view = self._view(self._tenants[spec["tenant"].strip().lower()], request)
                return Response.json(201 if created else 200, view)
            raise _AdminError(405, "use GET or POST")
        tenant = parts[0].lower()
        with self._lock:
            t = self._tenants.get(tenant)
            if t is None:
                raise _AdminError(404, f"no tenant '{tenant}'")
            if len(parts) == 1:
                if method == "GET":
                    return Response.json(200, self._view(t, request))
                if method == "DELETE":
                    del self._tenants[tenant]
                    self.stats.write()
                    return Response(204)
                raise _AdminError(405, "use GET or DELETE")
            if parts[1:] == ["received"]:
                if method == "GET":
                    return Response.json(200, {"tenant": tenant, "received": copy.deepcopy(t["received"])})
                if method == "DELETE":
                    if t["received"]:
                        t["received"] = []
                        self.stats.write()
                    return Response(204)
                raise _AdminError(405, "use GET or DELETE")
            if parts[1:] == ["rejected"] and method == "GET":
                return Response.json(200, {"tenant": tenant, "rejected": copy.deepcopy(t["rejected"])})
        raise _AdminError(404, f"unknown admin path {request.path}")
