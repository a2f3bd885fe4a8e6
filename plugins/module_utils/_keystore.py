# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""AEM user keystores over HTTP (AEM facts §8): finding a user, reading its keystore, creating
it, adding or removing a key pair, and comparing a stored certificate with a PEM one.

Used for the IMS service user's key pair (6.5) and for the MAC user's key pair (6.3/6.4).

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import traceback
from datetime import datetime, timezone

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemNotFoundError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    x509 = serialization = rsa = None
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()


def _text(value):
    return "" if value is None else str(value)


def load_private_key(pem, passphrase=None, option="private_key"):
    """The RSA private key of a PEM text (PKCS#8 or PKCS#1); a clear error otherwise."""
    if isinstance(pem, str):
        pem = pem.encode("utf-8")
    # The messages never quote a PEM header line: "BEGIN ... PRIVATE KEY" in output looks like a leaked key.
    expected = ("expected the whole PEM text of an RSA private key (PKCS#8 or PKCS#1), from its -----BEGIN line to "
                "its -----END line")
    if b"-----BEGIN CERTIFICATE-----" in pem and b"PRIVATE KEY-----" not in pem:
        raise AemInputError("option %s: holds a certificate, not a private key; expected the RSA private key that "
                            "belongs to it: the whole PEM text (PKCS#8 or PKCS#1), from its -----BEGIN line to its "
                            "-----END line" % option)
    if b"PUBLIC KEY-----" in pem and b"PRIVATE KEY-----" not in pem:
        raise AemInputError("option %s: holds a public key, not a private key; %s" % (option, expected))
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode("utf-8") if passphrase else None)
    except TypeError:
        raise AemInputError("option %s: the key is encrypted; give its passphrase in private_key_passphrase" % option)
    except ValueError:
        raise AemInputError("option %s: not a readable PEM private key (or wrong private_key_passphrase); %s"
                            % (option, expected))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise AemInputError("option %s: a %s key; IMS signs with RS256, which needs an RSA key"
                            % (option, type(key).__name__.replace("_", "")))
    return key


def load_key_pair(private_key_pem, certificate_pem):
    """The key and certificate of a bring-your-own pair; they must belong together."""
    key = load_private_key(private_key_pem, option="private_key")
    try:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode("utf-8")
                                              if isinstance(certificate_pem, str) else certificate_pem)
    except ValueError:
        raise AemInputError("option certificate: not a readable PEM certificate; expected the text between -----BEGIN "
                            "CERTIFICATE----- and -----END CERTIFICATE-----, included")
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    if (cert.public_key().public_bytes(serialization.Encoding.DER, fmt)
            != key.public_key().public_bytes(serialization.Encoding.DER, fmt)):
        raise AemInputError("options private_key and certificate: the certificate does not belong to the private key; "
                            "expected the certificate of this key (the same public key), as registered in the Adobe "
                            "Developer Console")
    return key, cert


def find_user(client, authorizable_id):
    """The node path of a user, found with querybuilder (AEM facts §7.3: the path may differ)."""
    attempted = "find the user %s" % authorizable_id
    params = {"path": "/home/users", "p.limit": "-1", "1_property": "rep:authorizableId",
              "1_property.value": authorizable_id}
    data = client.get_json("/bin/querybuilder.json", attempted, params=params)
    hits = data.get("hits") if isinstance(data, dict) else None
    for hit in hits or []:
        if isinstance(hit, dict) and hit.get("path"):
            return hit["path"]
    raise AemNotFoundError("the user %s does not exist" % authorizable_id, method="GET",
                           path="/bin/querybuilder.json", attempted=attempted)


def read_keystore(client, user_path):
    """``{alias: entry}`` of the user's keystore, or None when it has none (200 ``{"exists": false}``)."""
    attempted = "read the keystore of %s" % user_path
    data = client.get_json(user_path + ".ks.json", attempted)
    if not isinstance(data, dict) or data.get("exists") is False:
        return None
    return dict((str(e.get("alias")), e) for e in data.get("aliases") or [] if isinstance(e, dict))


def create_keystore(client, user_path, password):
    # Not retried (idempotent=False): after a lost answer the store may exist, and a second createStore on it is
    # refused; a re-run of the task reads the keystore first and does not create it again.
    client.post(user_path + ".ks.html", "create the keystore of %s" % user_path,
                data=[(":operation", "createStore"), ("newPassword", password), ("rePassword", password)])


def remove_alias(client, user_path, alias):
    client.post(user_path + ".ks.html", "remove key %s from the keystore of %s" % (alias, user_path),
                data=[("removeAlias", alias)], idempotent=True)


def upload_key_pair(client, user_path, alias, key, cert):
    """AEM facts §8: multipart ``cert-chain`` (PEM) + ``pk`` (DER PKCS#8, as RUBY_AEM's fixtures) + ``alias``."""
    pk = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())
    chain = cert.public_bytes(serialization.Encoding.PEM)
    files = {"cert-chain": (fact("certificate_file_name"), chain, "application/x-x509-ca-cert"),
             "pk": ("private_key.der", pk, "application/octet-stream")}
    client.post(user_path + ".ks.html", "add key %s to the keystore of %s" % (alias, user_path),
                data={"alias": alias}, files=files, idempotent=True)


class KeyPairPlan(object):
    """What a user's keystore needs to hold ``alias``: ``action`` none | generate | upload | replace."""

    def __init__(self, alias, action="none", create_store=False, before=None, after=None, user_path=None):
        self.alias = alias
        self.action = action
        self.create_store = create_store
        self.before = before
        self.after = after
        self.user_path = user_path

    @property
    def changed(self):
        return self.action != "none"


def plan_brought_key_pair(client, user_path, alias, cert):
    """The plan that makes the keystore of ``user_path`` hold ``cert`` (and its key) under ``alias``: the one
    routine for every brought key pair (the 6.5 IMS configuration service's, the 6.3/6.4 MAC user's)."""
    store = read_keystore(client, user_path)
    entry = (store or {}).get(alias)
    before = describe_entry(alias, entry) if entry is not None else None
    if entry is not None and same_certificate(entry, cert):
        return KeyPairPlan(alias, "none", before=before, after=before, user_path=user_path)
    return KeyPairPlan(alias, "replace" if entry is not None else "upload", create_store=store is None, before=before,
                       after=describe_certificate(alias, cert), user_path=user_path)


def apply_brought_key_pair(client, plan, key, cert, keystore_password):
    """Carry out an upload or replace plan: create the keystore when there is none, else remove the old entry."""
    if plan.action not in ("upload", "replace"):
        return
    if plan.create_store:
        create_keystore(client, plan.user_path, keystore_password)
    elif plan.action == "replace":
        remove_alias(client, plan.user_path, plan.alias)
    upload_key_pair(client, plan.user_path, plan.alias, key, cert)


def verify_key_pair(client, plan, cert, owner):
    """Read the keystore back: it must hold ``plan.alias`` (and ``cert``, when given)."""
    entry = (read_keystore(client, plan.user_path) or {}).get(plan.alias)
    if entry is None or (cert is not None and not same_certificate(entry, cert)):
        raise AemUnexpectedResponseError("AEM accepted the key pair but the keystore of %s does not hold it under alias "
                                         "%s when read back" % (owner, plan.alias), method="GET",
                                         path=plan.user_path + ".ks.json", attempted="verify the key pair of %s" % owner)


def _iso_date(text):
    """AEM shows dates as Java's Date.toString() ("Mon Dec 06 17:53:51 UTC 2027"); in the form of
    :func:`describe_certificate` when it is in UTC, so that the same date compares equal in a diff."""
    try:
        return datetime.strptime(str(text), "%a %b %d %H:%M:%S UTC %Y").strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return text


def describe_entry(alias, entry):
    """A short, non-secret description of a keystore entry for diffs and results."""
    chain = (entry or {}).get("chain") or [{}]
    first = chain[0] if isinstance(chain[0], dict) else {}
    return {"alias": alias, "subject": first.get("subject"), "serial_number": _text(first.get("serialNumber")),
            "not_after": _iso_date(first.get("notAfter"))}


def describe_certificate(alias, cert):
    return {"alias": alias, "subject": cert.subject.rfc4514_string(), "serial_number": str(cert.serial_number),
            "not_after": not_after(cert).strftime("%Y-%m-%dT%H:%M:%SZ")}


def not_after(cert):
    value = getattr(cert, "not_valid_after_utc", None)
    return value if value is not None else cert.not_valid_after.replace(tzinfo=timezone.utc)


def same_certificate(entry, cert):
    chain = (entry or {}).get("chain") or []
    if not chain or not isinstance(chain[0], dict):
        return False
    try:
        return int(str(chain[0].get("serialNumber"))) == cert.serial_number
    except (TypeError, ValueError):
        return False


def certificate_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
