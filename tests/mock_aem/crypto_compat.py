"""cryptography API differences the mock papers over, so that it runs on Debian 12's packages
(``python3-cryptography`` 38, ``python3-jwt`` 2.6: the container image's base) as well as on the
current PyPI releases (cryptography 42+ deprecates the naive ``not_valid_before``/``_after``).
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import List

from cryptography import x509

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def not_before(cert: x509.Certificate) -> _dt.datetime:
    """Start of the validity period, timezone-aware (UTC)."""
    if hasattr(cert, "not_valid_before_utc"):  # cryptography >= 42
        return cert.not_valid_before_utc
    return cert.not_valid_before.replace(tzinfo=_dt.timezone.utc)


def not_after(cert: x509.Certificate) -> _dt.datetime:
    """End of the validity period, timezone-aware (UTC)."""
    if hasattr(cert, "not_valid_after_utc"):  # cryptography >= 42
        return cert.not_valid_after_utc
    return cert.not_valid_after.replace(tzinfo=_dt.timezone.utc)


def load_pem_certificates(data: bytes) -> List[x509.Certificate]:
    """Every certificate of a PEM bundle (``x509.load_pem_x509_certificates`` needs cryptography 39)."""
    if hasattr(x509, "load_pem_x509_certificates"):
        return x509.load_pem_x509_certificates(data)
    blocks = _PEM_CERT.findall(data)
    if not blocks:
        raise ValueError("no PEM certificate found")
    return [x509.load_pem_x509_certificate(b) for b in blocks]
