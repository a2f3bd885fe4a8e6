"""Mock Adobe IMS: JWT exchange, OAuth Server-to-Server (client_credentials) and token validation.

Built from ``../shared/reference/adobe-ims.md`` (cited below as §n). It behaves like the real IMS as
the reference describes it, not like any particular client: the VERIFIED error strings, status
codes and units are named constants in this module; every guess is in
:mod:`tests.mock_aem.inferred` (the ``ims.*`` entries of ``INFERRED``).

Endpoints (all ``POST``, form fields urlencoded or multipart):

* ``/ims/exchange/jwt``, ``/ims/exchange/jwt/``, ``/ims/exchange/v1/jwt`` — fields ``client_id``,
  ``client_secret``, ``jwt_token`` (§1.2). Answer ``{"token_type": "bearer", "access_token": ...,
  "expires_in": <MILLISECONDS>}`` (§1.3).
* ``/ims/token/v3`` (also ``/v2``, ``/v4``) — ``grant_type=client_credentials``, ``client_id``,
  ``client_secret``, ``scope`` (comma-separated), in the body or the query string (§4.2). Answer
  ``{"access_token": ..., "token_type": "bearer", "expires_in": <SECONDS>}`` (§4.3).
* ``/ims/validate_token/v1`` — ``type=access_token``, ``client_id``, ``token`` (or
  ``Authorization: Bearer``). Answer 200 ``{"valid": true|false, ...}`` (§5).

Errors are ``{"error_description": ..., "error": ...}`` with ``Content-Type:
application/json;charset=UTF-8``; every answer carries an ``x-debug-id`` header (§1.4).

The JWT's ``aud`` (``<base>/c/<client_id>``) and metascope claim keys (``<base>/s/<name>``) are
checked against the app's ``public_base_urls`` (§6): the mock answers for every base in that list
(e.g. its own ``http://127.0.0.1:PORT`` and ``https://ims-na1.adobelogin.com``, because the mock AEM
routes the real IMS host to it).

Admin API (mock-only, JSON, no auth), on the IMS port:

* ``POST /__mock__/ims/integrations`` — register or update a Developer Console credential
  ("integration")::

      {"client_id": str, "client_secret": str, "client_secrets": [str, str]?,  # up to 2 (§4.3)
       "org_id": "...@AdobeOrg", "technical_account_id": "...@techacct.adobe.com",
       "certificates": [PEM, ...], "metascopes": ["ent_brand_portal_sdk" | "<base>/s/<name>", ...],
       "scopes": ["openid", "AdobeID", ...], "require_jti": false}

  → 201 (new) or 200 (updated) with the stored integration (see :meth:`IMSApp.integration_view`).
  400 ``{"error": ...}`` for invalid input (missing field, unparsable certificate, ...).
* ``GET /__mock__/ims/integrations`` → ``{"integrations": [...]}``;
  ``GET|DELETE /__mock__/ims/integrations/<client_id>`` → the integration / 204; 404 if unknown.
* ``GET /__mock__/ims/tokens`` → ``{"tokens": [{"id", "grant", "client_id", "user_id", "org_id",
  "scopes", "metascopes", "created_at", "expires_at", "revoked"}...]}`` (issued tokens, oldest first:
  lets tests check that a client reuses its token). ``DELETE /__mock__/ims/tokens`` revokes all.
* ``GET|POST /__mock__/ims/clock`` → ``{"offset_seconds": float}``: shifts the mock's clock (token
  and JWT expiry, certificate validity) to test expiry without sleeping.

Python API for other mocks: :meth:`IMSApp.introspect` (validate a bearer token in-process),
:meth:`IMSApp.register_integration`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from datetime import datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .crypto_compat import not_after, not_before
from .http_types import Request, Response, Stats
from .inferred import value as inferred_value

# --------------------------------------------------------------------------------------------------
# VERIFIED facts (adobe-ims.md)
# --------------------------------------------------------------------------------------------------

#: §6: production IMS host used in every Adobe doc and SDK.
REAL_IMS_BASE_URL = "https://ims-na1.adobelogin.com"
#: §1.3 / §4.3: lifetime of access tokens, 24 h; clients cannot change it.
TOKEN_LIFETIME_SECONDS = 24 * 3600
#: §2 ([AIO-JAVA] javadoc): "IMS allows a time skew of 30 seconds".
JWT_EXP_SKEW_SECONDS = 30
#: §2: RS256 only.
JWT_ALGORITHM = "RS256"
#: §1.4 / §4.4: JSON content type of IMS answers (§7 item 4).
IMS_CONTENT_TYPE = "application/json;charset=UTF-8"
#: §1.4: IMS request id header.
DEBUG_ID_HEADER = "x-debug-id"
#: §1.4 observed: undecodable JWT / non-numeric exp.
DESC_JWT_UNDECODABLE = "JWT token is incorrectly formatted, and can not be decoded."
#: §1.4 observed: signature matches no certificate (wrong key, expired or replaced certificate).
DESC_JWT_NO_BINDING = "Could not match JWT signature to any of the bindings"
#: §1.4 observed: metascope not in the binding.
DESC_JWT_METASCOPES = "The metascopes in the JWT are not a subset of the metascopes in the binding."
#: §1.4 / §4.4 observed: unknown client id (JWT and token endpoints).
DESC_INVALID_CLIENT_ID = "invalid client_id parameter"
#: §4.4 observed: wrong secret on /ims/token/v3|v4 (status 400).
DESC_INVALID_CLIENT_SECRET = "invalid client_secret parameter"
#: §4.2: the only grant type of OAuth Server-to-Server.
GRANT_CLIENT_CREDENTIALS = "client_credentials"
#: §5: validation endpoint.
VALIDATE_PATH = "/ims/validate_token/v1"
#: §5: values of the ``type`` field.
VALIDATE_TYPES = ("access_token", "refresh_token", "device_token", "authorization_code", "service_token")
#: §4.3: up to two client secrets per credential.
MAX_CLIENT_SECRETS = 2

# INFERRED (see the ims.* entries in inferred.py)
JWT_EXCHANGE_PATHS: Tuple[str, ...] = inferred_value("ims.jwt_exchange_paths")
TOKEN_PATHS: Tuple[str, ...] = inferred_value("ims.token_paths")

ADMIN_PREFIX = "/__mock__/ims/"

_METASCOPE_KEY = re.compile(r"^(https?://[^/]+)/s/([^/]+)$")


# --------------------------------------------------------------------------------------------------
# helpers shared with brand_portal.py
# --------------------------------------------------------------------------------------------------


def parse_form(request: Request, include_query: bool = True) -> Dict[str, List[str]]:
    """Form fields of a request: urlencoded or multipart body, plus (optionally) the query string.

    Body values come after query values for the same name, so ``form[name][-1]`` prefers the body.
    """
    fields: Dict[str, List[str]] = {}
    if include_query and request.query_string:
        for k, v in parse_qs(request.query_string, keep_blank_values=True).items():
            fields.setdefault(k, []).extend(v)
    ctype = (request.header("content-type") or "").strip()
    low = ctype.lower()
    if request.body and low.startswith("multipart/form-data"):
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + request.body
        )
        if msg.is_multipart():
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not name:
                    continue
                payload = part.get_payload(decode=True) or b""
                charset = part.get_content_charset() or "utf-8"
                fields.setdefault(str(name), []).append(payload.decode(charset, errors="replace"))
    elif request.body and (low.startswith("application/x-www-form-urlencoded") or not low):
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = request.body.decode("latin-1")
        for k, v in parse_qs(text, keep_blank_values=True).items():
            fields.setdefault(k, []).extend(v)
    return fields


def _last(form: Dict[str, List[str]], name: str) -> Optional[str]:
    values = form.get(name)
    return values[-1] if values else None


def normalize_base_url(url: str) -> str:
    """``HTTPS://Host:443/`` → ``https://host``; the form claim URLs are compared in."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and not ((scheme == "https" and port == 443) or (scheme == "http" and port == 80)):
        netloc = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{netloc}{path}"


def _b64url_decode(segment: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_jws(token: str) -> Tuple[Dict[str, Any], Dict[str, Any], bytes, bytes]:
    """Split a compact JWS into (header, payload, signing input, signature); ValueError if malformed."""
    if not isinstance(token, str):
        raise ValueError("not a string")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ValueError("not three segments")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        payload = json.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("header or payload is not an object")
    return header, payload, (parts[0] + "." + parts[1]).encode("ascii"), signature


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _metascope_name(value: str) -> str:
    m = _METASCOPE_KEY.match(value.strip())
    return m.group(2) if m else value.strip()


# The key that signs the access tokens this mock issues. One per process (RSA generation is slow and
# the key protects nothing); a restored snapshot brings its own.
_SIGNING_KEY_LOCK = threading.Lock()
_SIGNING_KEY: Optional[rsa.RSAPrivateKey] = None


def _process_signing_key() -> rsa.RSAPrivateKey:
    global _SIGNING_KEY
    with _SIGNING_KEY_LOCK:
        if _SIGNING_KEY is None:
            _SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _SIGNING_KEY


class _ImsError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description


class _AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------------------------------
# the app
# --------------------------------------------------------------------------------------------------


class IMSApp:
    """Mock Adobe IMS (one environment, answering under every URL of ``public_base_urls``)."""

    def __init__(
        self,
        public_base_urls: Optional[Iterable[str]] = None,
        *,
        clock: Callable[[], float] = time.time,
        token_lifetime_seconds: int = TOKEN_LIFETIME_SECONDS,
    ) -> None:
        self.stats = Stats()
        self._lock = threading.RLock()
        self._clock = clock
        self.token_lifetime_seconds = int(token_lifetime_seconds)
        bases = list(public_base_urls) if public_base_urls else [REAL_IMS_BASE_URL]
        self._bases: List[str] = []
        for b in bases:
            self.add_public_base_url(b)
        self._signing_key = _process_signing_key()
        self._init_state()

    # ---------------------------------------------------------------- state
    def _init_state(self) -> None:
        self._integrations: Dict[str, Dict[str, Any]] = {}
        self._certs: Dict[str, List[x509.Certificate]] = {}
        self._tokens: Dict[str, Dict[str, Any]] = {}  # id -> record (incl. the token string)
        self._used_jtis: Dict[str, List[str]] = {}
        self._clock_offset = 0.0

    @property
    def public_base_urls(self) -> List[str]:
        return list(self._bases)

    def add_public_base_url(self, url: str) -> None:
        """Also answer for ``url`` (e.g. the server's real port, known only once it is bound)."""
        norm = normalize_base_url(url)
        with self._lock:
            if norm not in self._bases:
                self._bases.append(norm)

    def now(self) -> float:
        """The mock's clock (seconds since the epoch), including the admin clock offset."""
        return self._clock() + self._clock_offset

    def reset(self) -> None:
        with self._lock:
            self._init_state()

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {
                "integrations": copy.deepcopy(self._integrations),
                "tokens": copy.deepcopy(self._tokens),
                "used_jtis": copy.deepcopy(self._used_jtis),
                "clock_offset": self._clock_offset,
                "signing_key": self._signing_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode("ascii"),
            }

    def restore(self, data: Dict[str, Any]) -> None:
        with self._lock:
            self._init_state()
            if not data:
                return
            key_pem = data.get("signing_key")
            if key_pem:
                key = serialization.load_pem_private_key(key_pem.encode("ascii"), password=None)
                assert isinstance(key, rsa.RSAPrivateKey)
                self._signing_key = key
            for integ in (data.get("integrations") or {}).values():
                self._store_integration(integ)
            self._tokens = copy.deepcopy(data.get("tokens") or {})
            self._used_jtis = copy.deepcopy(data.get("used_jtis") or {})
            self._clock_offset = float(data.get("clock_offset") or 0.0)

    # ---------------------------------------------------------------- integrations (Python API)
    def register_integration(self, spec: Dict[str, Any]) -> Tuple[bool, bool, Dict[str, Any]]:
        """Register or update a console integration. Returns ``(created, changed, view)``.

        Raises ``ValueError`` for invalid input. Counts a write when stored state changed.
        """
        try:
            integ = self._validate_integration(spec)
        except _AdminError as exc:
            raise ValueError(exc.message) from exc
        with self._lock:
            old = self._integrations.get(integ["client_id"])
            created = old is None
            changed = old != integ
            if changed:
                self._store_integration(integ)
                self.stats.write()
            return created, changed, self.integration_view(integ["client_id"])

    def delete_integration(self, client_id: str) -> bool:
        with self._lock:
            if client_id not in self._integrations:
                return False
            del self._integrations[client_id]
            self._certs.pop(client_id, None)
            self.stats.write()
            return True

    def integration_view(self, client_id: str) -> Optional[Dict[str, Any]]:
        """The stored integration as the admin API shows it (input shape + certificate summaries)."""
        with self._lock:
            integ = self._integrations.get(client_id)
            if integ is None:
                return None
            view = copy.deepcopy(integ)
            view["certificate_info"] = [
                {
                    "subject": c.subject.rfc4514_string(),
                    "not_before": not_before(c).isoformat(),
                    "not_after": not_after(c).isoformat(),
                    "sha256": c.fingerprint(hashes.SHA256()).hex(),
                }
                for c in self._certs.get(client_id, [])
            ]
            return view

    def _store_integration(self, integ: Dict[str, Any]) -> None:
        certs = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in integ["certificates"]]
        self._integrations[integ["client_id"]] = copy.deepcopy(integ)
        self._certs[integ["client_id"]] = certs

    @staticmethod
    def _validate_integration(spec: Any) -> Dict[str, Any]:
        if not isinstance(spec, dict):
            raise _AdminError(400, "body must be a JSON object")
        out: Dict[str, Any] = {}
        for name in ("client_id", "org_id", "technical_account_id"):
            value = spec.get(name)
            if not isinstance(value, str) or not value.strip():
                raise _AdminError(400, f"'{name}' must be a non-empty string")
            out[name] = value.strip()
        if not out["org_id"].endswith("@AdobeOrg"):
            raise _AdminError(400, "'org_id' must end with '@AdobeOrg'")
        if "@" not in out["technical_account_id"]:
            raise _AdminError(400, "'technical_account_id' must look like '<id>@techacct.adobe.com'")
        secrets_: List[str] = []
        if spec.get("client_secret") is not None:
            if not isinstance(spec["client_secret"], str) or not spec["client_secret"]:
                raise _AdminError(400, "'client_secret' must be a non-empty string")
            secrets_.append(spec["client_secret"])
        extra = spec.get("client_secrets") or []
        if not isinstance(extra, list) or not all(isinstance(s, str) and s for s in extra):
            raise _AdminError(400, "'client_secrets' must be a list of non-empty strings")
        for s in extra:
            if s not in secrets_:
                secrets_.append(s)
        if not secrets_:
            raise _AdminError(400, "'client_secret' is required")
        if len(secrets_) > MAX_CLIENT_SECRETS:
            raise _AdminError(400, f"at most {MAX_CLIENT_SECRETS} client secrets per credential")
        out["client_secret"] = secrets_[0]
        out["client_secrets"] = secrets_
        certs = spec.get("certificates") or []
        if isinstance(certs, str):
            certs = [certs]
        if not isinstance(certs, list) or not all(isinstance(c, str) for c in certs):
            raise _AdminError(400, "'certificates' must be a list of PEM strings")
        pems: List[str] = []
        for i, pem in enumerate(certs):
            try:
                cert = x509.load_pem_x509_certificate(pem.strip().encode("ascii"))
            except (ValueError, UnicodeEncodeError) as exc:
                raise _AdminError(400, f"certificates[{i}] is not a PEM X.509 certificate: {exc}") from exc
            if not isinstance(cert.public_key(), rsa.RSAPublicKey):
                raise _AdminError(400, f"certificates[{i}] does not hold an RSA public key (RS256 needs RSA)")
            pems.append(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
        out["certificates"] = pems
        for name in ("metascopes", "scopes"):
            values = spec.get(name) or []
            if isinstance(values, str):
                values = values.split(",")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise _AdminError(400, f"'{name}' must be a list of strings")
            cleaned = [v.strip() for v in values if v.strip()]
            if name == "metascopes":
                cleaned = [_metascope_name(v) for v in cleaned]
            out[name] = sorted(set(cleaned))
        out["require_jti"] = bool(spec.get("require_jti", False))
        return out

    # ---------------------------------------------------------------- tokens (Python API)
    def introspect(self, token: str) -> Optional[Dict[str, Any]]:
        """Validate an access token issued by this mock; None if unknown, forged, expired or revoked.

        Returns ``{"client_id", "user_id", "org_id", "grant", "scopes", "metascopes", "created_at",
        "expires_at", "claims"}`` (times in epoch milliseconds).
        """
        if not token:
            return None
        try:
            header, payload, signing_input, signature = decode_jws(token)
        except ValueError:
            return None
        if header.get("alg") != JWT_ALGORITHM:
            return None
        with self._lock:
            try:
                self._signing_key.public_key().verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                return None
            rec = self._tokens.get(str(payload.get("id")))
            if rec is None or rec["token"] != token.strip() or rec.get("revoked"):
                return None
            if inferred_value("ims.tokens_die_with_integration") and rec["client_id"] not in self._integrations:
                return None
            if self.now() * 1000 >= rec["expires_at"]:
                return None
            info = {k: copy.deepcopy(v) for k, v in rec.items() if k not in ("token", "revoked")}
            info["claims"] = payload
            return info

    def issued_tokens(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [
                {k: copy.deepcopy(v) for k, v in rec.items() if k not in ("token", "seq")}
                for rec in sorted(self._tokens.values(), key=lambda r: (r["created_at"], r["seq"]))
            ]

    def _issue(self, grant: str, integ: Dict[str, Any], scopes: List[str], metascopes: List[str]) -> Tuple[str, int]:
        """Create, store and return (access token, lifetime in ms). Caller holds the lock."""
        now_ms = int(self.now() * 1000)
        lifetime_ms = self.token_lifetime_seconds * 1000
        token_id = f"{now_ms}-{uuid.uuid4()}-ue1"
        header = {"x5u": inferred_value("ims.access_token_x5u"), "alg": JWT_ALGORITHM}
        scope_claim = ",".join(scopes if grant == GRANT_CLIENT_CREDENTIALS else metascopes)
        payload = {
            "id": token_id,
            "type": "access_token",
            "client_id": integ["client_id"],
            "user_id": integ["technical_account_id"],
            "as": "ims-na1",
            "scope": scope_claim,
            "created_at": str(now_ms),
            "expires_in": str(lifetime_ms),
        }
        signing_input = (
            _b64url_encode(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64url_encode(json.dumps(payload, separators=(",", ":")).encode())
        )
        sig = self._signing_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        token = signing_input + "." + _b64url_encode(sig)
        self._tokens[token_id] = {
            "id": token_id,
            "seq": len(self._tokens),
            "token": token,
            "grant": grant,
            "client_id": integ["client_id"],
            "user_id": integ["technical_account_id"],
            "org_id": integ["org_id"],
            "scopes": list(scopes),
            "metascopes": list(metascopes),
            "created_at": now_ms,
            "expires_at": now_ms + lifetime_ms,
            "revoked": False,
        }
        self.stats.write()
        return token, lifetime_ms

    # ---------------------------------------------------------------- HTTP
    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith(ADMIN_PREFIX):
            return self._handle_admin(request)
        debug_id = uuid.uuid4().hex
        try:
            if path in JWT_EXCHANGE_PATHS:
                self._require_post(request)
                body = self._exchange_jwt(request)
            elif path in TOKEN_PATHS:
                self._require_post(request)
                body = self._client_credentials(request)
            elif path == VALIDATE_PATH:
                self._require_post(request)
                body = self._validate_token(request)
            else:
                status, err, desc = inferred_value("ims.not_found")
                raise _ImsError(status, err, desc)
        except _ImsError as exc:
            return self._ims_json(
                exc.status, {"error_description": exc.description, "error": exc.error}, debug_id,
                extra=[("Allow", "POST")] if exc.status == 405 else None,
            )
        return self._ims_json(200, body, debug_id)

    @staticmethod
    def _ims_json(status: int, obj: Any, debug_id: str, extra: Optional[List[Tuple[str, str]]] = None) -> Response:
        headers = [(DEBUG_ID_HEADER, debug_id), ("Cache-Control", "no-store")] + (extra or [])
        return Response(status, json.dumps(obj).encode("utf-8"), IMS_CONTENT_TYPE, headers)

    @staticmethod
    def _require_post(request: Request) -> None:
        if request.method != "POST":  # methods are case-sensitive: "post" is an unknown method
            status, err, desc = inferred_value("ims.method_not_allowed")
            raise _ImsError(status, err, desc)

    # ................................................................ JWT exchange (§1, §2)
    def _exchange_jwt(self, request: Request) -> Dict[str, Any]:
        form = parse_form(request, include_query=not inferred_value("ims.jwt_params_from_body_only"))
        bad400 = inferred_value("ims.jwt_status_400")
        client_id = _last(form, "client_id")
        with self._lock:
            integ = self._integrations.get(client_id or "")
            if integ is None:
                raise _ImsError(bad400, "invalid_client", DESC_INVALID_CLIENT_ID)
            if _last(form, "client_secret") not in integ["client_secrets"]:
                raise _ImsError(
                    inferred_value("ims.jwt_status_wrong_secret"),
                    "invalid_client",
                    inferred_value("ims.jwt_desc_wrong_secret"),
                )
            jwt_token = _last(form, "jwt_token") or ""
            try:
                header, claims, signing_input, signature = decode_jws(jwt_token)
            except ValueError:
                raise _ImsError(bad400, "invalid_token", DESC_JWT_UNDECODABLE) from None
            # §1.4 observed: a non-integer exp is "incorrectly formatted"
            if not _is_int(claims.get("exp")):
                raise _ImsError(bad400, "invalid_token", DESC_JWT_UNDECODABLE)
            err, tmpl = inferred_value("ims.jwt_bad_claim_format")
            iss, sub = claims.get("iss"), claims.get("sub")
            if not isinstance(iss, str) or not iss.endswith("@AdobeOrg") or len(iss) <= len("@AdobeOrg"):
                raise _ImsError(bad400, err, tmpl.format(claim="iss"))
            if not isinstance(sub, str) or "@" not in sub.strip("@"):
                raise _ImsError(bad400, err, tmpl.format(claim="sub"))
            # §2 / §6: aud = <this IMS>/c/<client_id>, exactly one entry
            aud = claims.get("aud")
            if isinstance(aud, list) and len(aud) == 1:
                aud = aud[0]
            expected_aud = {f"{b}/c/{integ['client_id']}" for b in self._bases}
            if not isinstance(aud, str) or aud.rstrip("/") not in expected_aud:
                raise _ImsError(bad400, "invalid_client", inferred_value("ims.jwt_aud_mismatch_desc"))
            # §1.4 / §3: RS256 signature by a certificate bound to (client, iss, sub)
            if not self._signature_matches(integ, header, iss, sub, signing_input, signature):
                raise _ImsError(bad400, "invalid_token", DESC_JWT_NO_BINDING)
            # §2: exp with 30 s skew
            if claims["exp"] < self.now() - JWT_EXP_SKEW_SECONDS:
                raise _ImsError(bad400, "invalid_token", inferred_value("ims.jwt_expired_desc"))
            # §1.4 / §2: metascopes, keyed by this IMS's base URL, subset of the binding
            metascopes = self._jwt_metascopes(claims)
            if not metascopes or not set(metascopes) <= set(integ["metascopes"]):
                raise _ImsError(bad400, "invalid_scope", DESC_JWT_METASCOPES)
            # §2: jti, only when the binding requires it
            if integ.get("require_jti"):
                jti = claims.get("jti")
                used = self._used_jtis.setdefault(integ["client_id"], [])
                if jti is None or str(jti) in used:
                    e, d = inferred_value("ims.jwt_invalid_jti")
                    raise _ImsError(bad400, e, d)
                used.append(str(jti))  # the write is counted by _issue() below (one per request)
            token, lifetime_ms = self._issue("jwt", integ, [], sorted(metascopes))
        # §1.3: exactly three keys; expires_in in MILLISECONDS
        return {
            "token_type": inferred_value("ims.jwt_token_type"),
            "access_token": token,
            "expires_in": lifetime_ms - (1 if inferred_value("ims.expires_in_minus_one_unit") else 0),
        }

    def _signature_matches(
        self, integ: Dict[str, Any], header: Dict[str, Any], iss: str, sub: str, signing_input: bytes, signature: bytes
    ) -> bool:
        if header.get("alg") != JWT_ALGORITHM:
            return False
        if iss != integ["org_id"] or sub != integ["technical_account_id"]:
            return False
        now = datetime.fromtimestamp(self.now(), tz=timezone.utc)
        for cert in self._certs.get(integ["client_id"], []):
            if not (not_before(cert) <= now <= not_after(cert)):
                continue
            key = cert.public_key()
            if not isinstance(key, rsa.RSAPublicKey):
                continue
            try:
                key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
                return True
            except InvalidSignature:
                continue
        return False

    def _jwt_metascopes(self, claims: Dict[str, Any]) -> Optional[List[str]]:
        """Metascope names requested by the JWT; None when a metascope claim is not acceptable."""
        names: List[str] = []
        for key, value in claims.items():
            m = _METASCOPE_KEY.match(key)
            if not m:
                continue
            if normalize_base_url(m.group(1)) not in self._bases or value is not True:
                return None
            names.append(m.group(2))
        return names

    # ................................................................ client_credentials (§4)
    def _client_credentials(self, request: Request) -> Dict[str, Any]:
        form = parse_form(request, include_query=True)  # §4.2: body or query
        client_id = _last(form, "client_id")
        client_secret = _last(form, "client_secret")
        auth = request.header("authorization") or ""
        if inferred_value("ims.oauth_basic_auth") and auth[:6].lower() == "basic " and not client_secret:
            try:
                user, _unused, pw = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
                client_id = client_id or user
                client_secret = pw
            except (binascii.Error, UnicodeDecodeError):
                pass
        grant = _last(form, "grant_type")
        if not grant:
            e, d = inferred_value("ims.oauth_missing_grant")
            raise _ImsError(400, e, d)
        if grant != GRANT_CLIENT_CREDENTIALS:
            e, d = inferred_value("ims.oauth_unsupported_grant")
            raise _ImsError(400, e, d)
        with self._lock:
            integ = self._integrations.get(client_id or "")
            if integ is None:
                raise _ImsError(400, "invalid_client", DESC_INVALID_CLIENT_ID)
            if client_secret not in integ["client_secrets"]:
                raise _ImsError(400, "invalid_client", DESC_INVALID_CLIENT_SECRET)
            sep = inferred_value("ims.oauth_scope_separator")
            requested = [s.strip() for s in (_last(form, "scope") or "").split(sep) if s.strip()]
            e, d = inferred_value("ims.oauth_invalid_scope")
            if not requested:
                raise _ImsError(400, e, d)
            if inferred_value("ims.oauth_scopes_subset") and not set(requested) <= set(integ["scopes"]):
                raise _ImsError(400, e, d)
            token, lifetime_ms = self._issue(GRANT_CLIENT_CREDENTIALS, integ, requested, list(integ["metascopes"]))
        lifetime_s = lifetime_ms // 1000
        # §4.3: expires_in in SECONDS
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime_s - (1 if inferred_value("ims.expires_in_minus_one_unit") else 0),
        }

    # ................................................................ validate_token (§5)
    def _validate_token(self, request: Request) -> Dict[str, Any]:
        form = parse_form(request, include_query=True)
        token = _last(form, "token")
        auth = request.header("authorization") or ""
        if not token and auth[:7].lower() == "bearer ":
            token = auth[7:].strip()
        client_id = _last(form, "client_id") or request.header("x-ims-clientid")
        type_ = _last(form, "type")
        e, tmpl = inferred_value("ims.validate_missing_params")
        for name, value in (("type", type_), ("client_id", client_id), ("token", token)):
            if not value:
                raise _ImsError(400, e, tmpl.format(param=name))
        if type_ not in VALIDATE_TYPES:
            raise _ImsError(400, e, tmpl.format(param="type"))
        if type_ != "access_token":
            return {"valid": False, "reason": "wrong type"}
        info = self.introspect(token or "")
        if info is None:
            return {"valid": False, "reason": "invalid token"}
        if inferred_value("ims.validate_client_mismatch_is_invalid") and info["client_id"] != client_id:
            return {"valid": False, "reason": "client_id mismatch"}
        return {"valid": True, "token": info["claims"], "expires_at": info["expires_at"]}

    # ---------------------------------------------------------------- admin API
    def _handle_admin(self, request: Request) -> Response:
        try:
            return self._admin(request)
        except _AdminError as exc:
            return Response.json(exc.status, {"error": exc.message})

    def _admin(self, request: Request) -> Response:
        method = request.method.upper()
        rest = request.path[len(ADMIN_PREFIX):].strip("/")
        parts = rest.split("/") if rest else []
        if parts[:1] == ["integrations"]:
            if len(parts) == 1:
                if method == "GET":
                    with self._lock:
                        views = [self.integration_view(cid) for cid in sorted(self._integrations)]
                    return Response.json(200, {"integrations": views})
                if method == "POST":
                    try:
                        spec = request.json()
                    except (ValueError, UnicodeDecodeError) as exc:
                        raise _AdminError(400, f"invalid JSON: {exc}") from exc
                    try:
                        created, _changed, view = self.register_integration(spec)
                    except ValueError as exc:
                        raise _AdminError(400, str(exc)) from exc
                    return Response.json(201 if created else 200, view)
                raise _AdminError(405, "use GET or POST")
            if len(parts) == 2:
                cid = parts[1]
                if method == "GET":
                    view = self.integration_view(cid)
                    if view is None:
                        raise _AdminError(404, f"no integration '{cid}'")
                    return Response.json(200, view)
                if method == "DELETE":
                    if not self.delete_integration(cid):
                        raise _AdminError(404, f"no integration '{cid}'")
                    return Response(204)
                raise _AdminError(405, "use GET or DELETE")
        if parts == ["tokens"]:
            if method == "GET":
                return Response.json(200, {"tokens": self.issued_tokens()})
            if method == "DELETE":
                with self._lock:
                    n = 0
                    for rec in self._tokens.values():
                        if not rec["revoked"]:
                            rec["revoked"] = True
                            n += 1
                    if n:
                        self.stats.write()
                return Response.json(200, {"revoked": n})
            raise _AdminError(405, "use GET or DELETE")
        if parts == ["clock"]:
            if method == "POST":
                try:
                    spec = request.json()
                    offset = float(spec["offset_seconds"])
                except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
                    raise _AdminError(400, 'body must be {"offset_seconds": number}') from exc
                with self._lock:
                    if offset != self._clock_offset:
                        self._clock_offset = offset
                        self.stats.write()
            elif method != "GET":
                raise _AdminError(405, "use GET or POST")
            return Response.json(200, {"offset_seconds": self._clock_offset, "now": self.now()})
        raise _AdminError(404, f"unknown admin path {request.path}")


def certificate_fingerprint(pem: str) -> str:
    """SHA-256 fingerprint (hex) of a PEM certificate; handy in tests and for other mocks."""
    return hashlib.sha256(
        x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(serialization.Encoding.DER)
    ).hexdigest()


def new_client_secret() -> str:
    """A random client secret in the style of the console's (``p8e-...``); for tests and seeds."""
    return "p8e-" + secrets.token_urlsafe(24)
