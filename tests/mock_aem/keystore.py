"""User keystores (§8): ``<userPath>.ks.json``, ``<userPath>.ks.html`` and a Python API.

A keystore lives in the repository at ``<userPath>/keystore/store.p12`` (an ``nt:file``), as on
AEM. Its binary is a mock JSON document, not a real PKCS#12 (entry ``aem.keystore_format`` of
:mod:`tests.mock_aem.inferred`):
``{"format", "password", "entries": {alias: {"type": "privateKey", "key": PEM, "chain": [PEM]}}}``.

Python API (``app.keystores``): ``get(user_path)``, ``exists(user_path)``, ``create(user_path,
password)``, ``delete(user_path)``, ``add_key(user_path, alias, key_pem, chain_pems)``,
``generate_key_pair(user_path, alias, cn=..., days=365) -> cert PEM``, ``remove_alias``,
``private_key(user_path, alias)`` (a cryptography key), ``certificate_pem(user_path, alias)``,
``info(user_path)`` (the ``.ks.json`` answer). Writes through the API do not count in stats;
HTTP writes do.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from . import inferred, jcr
from .crypto_compat import load_pem_certificates, not_after, not_before
from .forms import Upload
from .http_types import Request, Response
from .sling_get import resolve

if TYPE_CHECKING:
    from .aem import AuthorApp


class KeyStoreError(Exception):
    pass


def self_signed(key: Any, cn: str, days: int = 365) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = _dt.datetime.now(_dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(minutes=5))
            .not_valid_after(now + _dt.timedelta(days=days)).sign(key, hashes.SHA256()))


def _pem_key(key: Any) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _pem_cert(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _java_name(name: x509.Name) -> str:
    return ", ".join(attr.rfc4514_string() for attr in reversed(list(name)))


def _java_date(d: _dt.datetime) -> str:
    return d.astimezone(_dt.timezone.utc).strftime(inferred.value("aem.keystore_date_format"))


def load_certs(pem_or_der: bytes) -> List[x509.Certificate]:
    if b"-----BEGIN" in pem_or_der:
        return load_pem_certificates(pem_or_der)
    return [x509.load_der_x509_certificate(pem_or_der)]


def load_key(data: bytes, password: Optional[bytes] = None) -> Any:
    if b"-----BEGIN" in data:
        return serialization.load_pem_private_key(data, password)
    return serialization.load_der_private_key(data, password)


# A key store or the truststore is a mock JSON document in an nt:file (the real ones are PKCS#12 files).
def _read_store(repo: "jcr.Repository", path: str) -> Optional[Dict[str, Any]]:
    p = repo.get_property(path + "/jcr:content", "jcr:data")
    return None if p is None else json.loads(p.value.decode("utf-8"))


def _write_store(repo: "jcr.Repository", path: str, doc: Dict[str, Any]) -> None:
    with repo.lock:
        if not repo.exists(path):
            repo.ensure(jcr.split_path(path)[0], "sling:Folder")
            repo.create(path, "nt:file")
            repo.create(path + "/jcr:content", "nt:resource")
            repo.set_property(path + "/jcr:content", "jcr:mimeType", "application/x-pkcs12")
        repo.set_property(path + "/jcr:content", "jcr:data", json.dumps(doc).encode("utf-8"), "Binary")
        repo.set_property(path + "/jcr:content", "jcr:lastModified", jcr.now(), "Date")


class KeyStores:
    def __init__(self, app: "AuthorApp") -> None:
        self.app = app

    @staticmethod
    def _path(user_path: str) -> str:
        return jcr.normalize(user_path) + "/keystore/store.p12"

    def get(self, user_path: str) -> Optional[Dict[str, Any]]:
        return _read_store(self.app.repo, self._path(user_path))

    def exists(self, user_path: str) -> bool:
        return self.get(user_path) is not None

    def _save(self, user_path: str, ks: Dict[str, Any]) -> None:
        _write_store(self.app.repo, self._path(user_path), ks)

    def create(self, user_path: str, password: str) -> None:
        if not self.app.repo.exists(user_path):
            raise KeyStoreError("User %s does not exist" % user_path)
        if self.exists(user_path):
            raise KeyStoreError("KeyStore already exists for %s" % user_path)
        self._save(user_path, {"format": inferred.value("aem.keystore_format"), "password": password, "entries": {}})

    def delete(self, user_path: str) -> bool:
        return self.app.repo.remove(jcr.normalize(user_path) + "/keystore/store.p12")

    def _require(self, user_path: str) -> Dict[str, Any]:
        ks = self.get(user_path)
        if ks is None:
            raise KeyStoreError("KeyStore not initialized for %s" % user_path)
        return ks

    def set_password(self, user_path: str, current: str, new: str) -> None:
        ks = self._require(user_path)
        if ks["password"] != current:
            raise KeyStoreError("Keystore was tampered with, or password was incorrect")
        ks["password"] = new
        self._save(user_path, ks)

    def add_key(self, user_path: str, alias: str, key_pem: str, chain_pems: List[str]) -> None:
        ks = self._require(user_path)
        ks["entries"][alias] = {"type": "privateKey", "key": key_pem, "chain": list(chain_pems)}
        self._save(user_path, ks)

    def generate_key_pair(self, user_path: str, alias: str, cn: str = "Adobe IMS", days: int = 365) -> str:
        """Generate an RSA-2048 key pair + self-signed certificate under ``alias``; returns the
        certificate PEM (what "Download Public Key" gives, ``AEM-Adobe-IMS.crt``)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = self_signed(key, cn, days)
        self.add_key(user_path, alias, _pem_key(key), [_pem_cert(cert)])
        return _pem_cert(cert)

    def remove_alias(self, user_path: str, alias: str) -> bool:
        ks = self._require(user_path)
        if alias not in ks["entries"]:
            return False
        del ks["entries"][alias]
        self._save(user_path, ks)
        return True

    def private_key(self, user_path: str, alias: str) -> Any:
        ks = self.get(user_path)
        if ks is None or alias not in ks["entries"]:
            return None
        return serialization.load_pem_private_key(ks["entries"][alias]["key"].encode("ascii"), None)

    def certificate_pem(self, user_path: str, alias: str) -> Optional[str]:
        ks = self.get(user_path)
        if ks is None or alias not in ks["entries"] or not ks["entries"][alias]["chain"]:
            return None
        return ks["entries"][alias]["chain"][0]

    def info(self, user_path: str) -> Dict[str, Any]:
        ks = self.get(user_path)
        if ks is None:
            return {"exists": False}
        aliases = []
        for alias, e in ks["entries"].items():
            chain = []
            for pem in e["chain"]:
                c = x509.load_pem_x509_certificate(pem.encode("ascii"))
                chain.append({"subject": _java_name(c.subject), "issuer": _java_name(c.issuer),
                              "notBefore": _java_date(not_before(c)),
                              "notAfter": _java_date(not_after(c)), "serialNumber": c.serial_number})
            aliases.append({"alias": alias, "entryType": e["type"], "algorithm": "RSA", "format": "PKCS#8",
                            "chain": chain})
        return {"aliases": aliases}


def _page(message: str) -> str:
    return "<html><head><title>KeyStore</title></head><body><div id=\"Message\">%s</div></body></html>" % message


def handle(app: "AuthorApp", request: Request) -> Optional[Response]:
    from .aem import error_page

    res = resolve(app, request.path)
    if res.selectors != ["ks"] or res.extension not in ("json", "html"):
        return None
    if res.node is None:
        return error_page(404, "Resource at '%s' not found: No resource found" % res.path, request.path)
    user = res.path
    ks = app.keystores
    if request.method in ("GET", "HEAD"):
        if res.extension == "json":
            return Response.json(200, ks.info(user))
        return Response.html(200, _page("KeyStore of %s" % user))
    if request.method != "POST" or res.extension != "html":
        return error_page(405, "Method %s not supported" % request.method, request.path)
    form = app.form(request)
    try:
        if form.text(":operation") == "createStore":
            new, re_ = form.text("newPassword") or "", form.text("rePassword") or ""
            if not new or new != re_:
                raise KeyStoreError("Passwords do not match or are empty")
            ks.create(user, new)
        elif form.get("removeAlias") is not None:
            for alias in form.getall("removeAlias"):
                ks.remove_alias(user, alias if isinstance(alias, str) else alias.text())
        elif form.get("keyStore") is not None:
            up = form.get("keyStore")
            data = up.content if isinstance(up, Upload) else up.encode("latin-1")
            pw = (form.text("keyStorePass") or "").encode("utf-8")
            try:
                key, cert, extra = pkcs12.load_key_and_certificates(data, pw or None)
            except Exception as e:
                raise KeyStoreError("Cannot read key store: %s" % e)
            if key is None or cert is None:
                raise KeyStoreError("Alias %s not found in the key store" % form.text("alias"))
            alias = form.text("newAlias") or form.text("alias") or "key"
            ks.add_key(user, alias, _pem_key(key), [_pem_cert(cert)] + [_pem_cert(c) for c in extra or []])
        elif form.get("cert-chain") is not None and form.get("pk") is not None:
            cc, pk = form.get("cert-chain"), form.get("pk")
            cdata = cc.content if isinstance(cc, Upload) else cc.encode("latin-1")
            kdata = pk.content if isinstance(pk, Upload) else pk.encode("latin-1")
            try:
                certs = load_certs(cdata)
                key = load_key(kdata)
            except Exception as e:
                raise KeyStoreError("Cannot read certificate chain or private key: %s" % e)
            alias = form.text("alias") or "key"
            ks.add_key(user, alias, _pem_key(key), [_pem_cert(c) for c in certs])
        elif form.get("newPassword") is not None:
            if form.text("newPassword") != form.text("rePassword"):
                raise KeyStoreError("Passwords do not match")
            ks.set_password(user, form.text("currentPassword") or "", form.text("newPassword") or "")
        else:
            raise KeyStoreError("No keystore operation in the request")
    except KeyStoreError as e:
        return error_page(inferred.value("aem.keystore_error_status"), str(e), request.path)
    app.write()
    return Response.html(inferred.value("aem.keystore_ok_status"), _page("OK"))


# ------------------------------------------------------------------ global truststore (§8, SWAGGER-AEM)

TRUSTSTORE_JSON = "/libs/granite/security/truststore.json"
TRUSTSTORE_POST = "/libs/granite/security/post/truststore"


class TrustStore:
    """The global truststore: trusted certificates only, stored like a user keystore (a mock JSON
    document in an ``nt:file``) at the INFERRED path ``aem.truststore_path``."""

    def __init__(self, app: "AuthorApp") -> None:
        self.app = app

    @staticmethod
    def path() -> str:
        return inferred.value("aem.truststore_path")

    def get(self) -> Optional[Dict[str, Any]]:
        return _read_store(self.app.repo, self.path())

    def _save(self, ts: Dict[str, Any]) -> None:
        _write_store(self.app.repo, self.path(), ts)

    def create(self, password: str) -> None:
        if self.get() is not None:
            raise KeyStoreError("TrustStore already exists")
        self._save({"format": inferred.value("aem.keystore_format"), "password": password, "entries": {}})

    def _require(self) -> Dict[str, Any]:
        ts = self.get()
        if ts is None:
            raise KeyStoreError("TrustStore not initialized")
        return ts

    def add_certificate(self, pem: str, alias: Optional[str] = None) -> str:
        ts = self._require()
        if alias is None:
            n = int(time.time() * 1000)
            while inferred.value("aem.truststore_alias_format") % n in ts["entries"]:
                n += 1
            alias = inferred.value("aem.truststore_alias_format") % n
        ts["entries"][alias] = {"type": "trustedCert", "cert": pem}
        self._save(ts)
        return alias

    def remove_alias(self, alias: str) -> bool:
        ts = self._require()
        if ts["entries"].pop(alias, None) is None:
            return False
        self._save(ts)
        return True

    def set_password(self, current: str, new: str) -> None:
        ts = self._require()
        if ts["password"] != current:
            raise KeyStoreError("Keystore was tampered with, or password was incorrect")
        ts["password"] = new
        self._save(ts)

    def certificates_pem(self) -> List[str]:
        ts = self.get()
        return [] if ts is None else [e["cert"] for e in ts["entries"].values()]

    def info(self) -> Dict[str, Any]:
        ts = self.get()
        if ts is None:
            return dict(inferred.value("aem.truststore_missing_body"))
        aliases = []
        for alias, e in ts["entries"].items():
            c = x509.load_pem_x509_certificate(e["cert"].encode("ascii"))
            aliases.append({"alias": alias, "entryType": "trustedCertificate", "subject": _java_name(c.subject),
                            "issuer": _java_name(c.issuer), "notBefore": _java_date(not_before(c)),
                            "notAfter": _java_date(not_after(c)), "serialNumber": c.serial_number})
        return {"aliases": aliases, "exists": True}


def truststore_handle(app: "AuthorApp", request: Request) -> Optional[Response]:
    """``GET /libs/granite/security/truststore.json``; ``POST /libs/granite/security/post/truststore``
    with ``newPassword``/``rePassword`` (create), multipart ``certificate`` (add; ``keyStoreType=jks``
    accepted), ``removeAlias`` (remove) or ``currentPassword`` + new ones (change the password)."""
    from .aem import error_page

    ts = TrustStore(app)
    if request.path == TRUSTSTORE_JSON:
        if request.method not in ("GET", "HEAD"):
            return error_page(405, "Method %s not supported" % request.method, request.path)
        return Response.json(200, ts.info())
    if request.path != TRUSTSTORE_POST:
        return None
    if request.method != "POST":
        return error_page(405, "Method %s not supported" % request.method, request.path)
    form = app.form(request)
    try:
        if form.get("removeAlias") is not None:
            for alias in form.getall("removeAlias"):
                ts.remove_alias(alias if isinstance(alias, str) else alias.text())
        elif form.get("certificate") is not None:
            up = form.get("certificate")
            data = up.content if isinstance(up, Upload) else up.encode("latin-1")
            try:
                certs = load_certs(data)
            except Exception as e:
                raise KeyStoreError("Cannot read certificate: %s" % e)
            for c in certs:
                ts.add_certificate(_pem_cert(c))
        elif form.get("newPassword") is not None:
            new, re_ = form.text("newPassword") or "", form.text("rePassword") or ""
            if not new or new != re_:
                raise KeyStoreError("Passwords do not match or are empty")
            if form.get("currentPassword") is not None:
                ts.set_password(form.text("currentPassword") or "", new)
            else:
                ts.create(new)
        else:
            raise KeyStoreError("No truststore operation in the request")
    except KeyStoreError as e:
        return error_page(inferred.value("aem.keystore_error_status"), str(e), request.path)
    app.write()
    return Response.html(inferred.value("aem.keystore_ok_status"), _page("OK"))
