"""Helpers for tests that talk to the mock IMS / Brand Portal (keys, certificates, JWTs, requests).

Used by ``tests/mock_aem/tests/test_ims.py``, ``test_brand_portal.py`` and
``test_aem_brand_portal.py``; other tests may use them too. Needs ``cryptography`` and ``PyJWT``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .http_types import Request

IMS = "https://ims-na1.adobelogin.com"
BP_METASCOPE = "ent_brand_portal_sdk"


@dataclass
class KeyPair:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def private_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def make_keypair(
    cn: str = "AEM-Adobe-IMS",
    *,
    not_before: Optional[datetime] = None,
    not_after: Optional[datetime] = None,
    key_size: int = 2048,
) -> KeyPair:
    """RSA key + self-signed X.509 certificate, like ``openssl req -x509 -sha256 -newkey rsa:2048`` (§3)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    now = datetime.now(timezone.utc)
    nb = not_before or now - timedelta(days=1)
    na = not_after or now + timedelta(days=365)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(nb)
        .not_valid_after(na)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key, cert)


def jwt_claims(
    client_id: str,
    org_id: str,
    technical_account_id: str,
    *,
    exp: Any,
    base: str = IMS,
    metascopes: Iterable[str] = (BP_METASCOPE,),
    **extra: Any,
) -> Dict[str, Any]:
    """The JWT payload Adobe documents (§2): exp, iss, sub, aud, metascope claims."""
    claims: Dict[str, Any] = {
        "exp": exp,
        "iss": org_id,
        "sub": technical_account_id,
        "aud": f"{base}/c/{client_id}",
    }
    for m in metascopes:
        claims[f"{base}/s/{m}"] = True
    claims.update(extra)
    return claims


def sign_jwt(key: Any, claims: Dict[str, Any], algorithm: str = "RS256", headers: Optional[Dict[str, Any]] = None) -> str:
    """Compact JWS over ``claims`` (any JSON, even claims PyJWT's jwt.encode would refuse)."""
    import jwt  # PyJWT

    payload = json.dumps(claims, separators=(",", ":")).encode("utf-8")
    return jwt.PyJWS().encode(payload, key, algorithm=algorithm, headers=headers)


def form_request(
    path: str,
    fields: Union[Dict[str, Any], List[Tuple[str, Any]], None] = None,
    *,
    method: str = "POST",
    multipart: bool = False,
    query: Union[Dict[str, Any], str, None] = None,
    headers: Optional[Dict[str, str]] = None,
    host: str = "127.0.0.1:5000",
) -> Request:
    """A form POST as a client would send it (urlencoded by default, multipart on request)."""
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    body = b""
    items = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
    if items:
        if multipart:
            boundary = "----mockboundary" + uuid.uuid4().hex
            chunks = []
            for k, v in items:
                chunks.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode("utf-8")
                )
            chunks.append(f"--{boundary}--\r\n".encode("ascii"))
            body = b"".join(chunks)
            hdrs.setdefault("content-type", f"multipart/form-data; boundary={boundary}")
        else:
            body = urlencode(items).encode("ascii")
            hdrs.setdefault("content-type", "application/x-www-form-urlencoded")
    qs = query if isinstance(query, str) else urlencode(list((query or {}).items()))
    hdrs.setdefault("host", host)
    return Request(method=method, path=path, query_string=qs, headers=hdrs, body=body, host=host)


def json_request(path: str, obj: Any = None, *, method: str = "POST", host: str = "127.0.0.1:5000") -> Request:
    body = b"" if obj is None else json.dumps(obj).encode("utf-8")
    hdrs = {"host": host}
    if obj is not None:
        hdrs["content-type"] = "application/json"
    return Request(method=method, path=path, headers=hdrs, body=body, host=host)


def response_json(resp: Any) -> Any:
    return json.loads(resp.body.decode("utf-8")) if resp.body else None
