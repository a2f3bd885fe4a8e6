# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Keeping secrets out of everything a module returns: results, diffs and error messages.

``no_log`` only censors values Ansible knows about.  AEM answers may echo secrets in other forms
(a form field in an HTML status page, a token in a JSON error), so text that leaves a module goes
through a :class:`Redactor` that knows the run's secret values *and* the usual secret shapes.
"""

from __future__ import annotations

import re

REDACTED = "<redacted>"

# Shapes that are secret whatever their value: credentials in headers, form fields and JSON keys,
# and PEM private keys.
_PATTERNS = (
    re.compile(r"(?i)(authorization\s*[:=]\s*)(basic|bearer)\s+[A-Za-z0-9._~+/=-]+"),
    # (not after "invalid_": IMS's error code "invalid_token: <description>" is no credential)
    re.compile(r"(?i)((?<!invalid_)(?:password|passwd|secret|client_secret|clientSecret|access_token|refresh_token|"
               r"transportPassword|token|private_key|keyPassword|keyStorePass)"
               r"[\"']?\s*[:=]\s*[\"']?)([^\"'&\s,;}<]+)"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
)
_TAG = re.compile(r"<[^>]+>")
# Property names whose values are secret whoever wrote them (transportPassword, clientSecret, ...):
# their values are never shown, even when the task did not declare them secret.
SECRET_NAME = re.compile(r"(?i)(passw(or)?d|secret|private.?key|access.?token|refresh.?token|credential)")
_SPACE = re.compile(r"\s+")

# Below this length a "secret" would redact ordinary words; such values are still covered by
# no_log and by the shape patterns above.
_MIN_SECRET_LEN = 4


def is_secret_name(name):
    return bool(SECRET_NAME.search(name or ""))


class Redactor(object):
    """Replaces known secret values and secret-shaped text with ``<redacted>``."""

    def __init__(self, secrets=()):
        self._secrets = set()
        for secret in secrets:
            self.add(secret)

    def add(self, value):
        if value is None:
            return
        value = str(value)
        if len(value) >= _MIN_SECRET_LEN:
            self._secrets.add(value)

    def add_all(self, values):
        for value in values:
            self.add(value)

    def values(self):
        """The known secret values (for sharing them with another boundary, e.g. a module's no_log_values)."""
        return frozenset(self._secrets)

    def replace(self, text):
        """``text`` with every known secret value replaced, and nothing else changed (no pattern matching)."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def text(self, text):
        if text is None:
            return None
        text = str(text)
        # Longest first so that a secret containing another secret is removed whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        text = _PATTERNS[0].sub(lambda m: m.group(1) + m.group(2) + " " + REDACTED, text)
        text = _PATTERNS[1].sub(lambda m: m.group(1) + REDACTED, text)
        text = _PATTERNS[2].sub(REDACTED, text)
        return text

    def excerpt(self, body, limit=300):
        """A short, single-line, tag-free and redacted excerpt of an HTTP answer body."""
        if body is None:
            return None
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        flat = _SPACE.sub(" ", _TAG.sub(" ", body)).strip()
        flat = self.text(flat)
        if len(flat) > limit:
            flat = flat[:limit].rstrip() + "..."
        return flat

    def mapping(self, data, secret_keys=()):
        """A copy of ``data`` with the values of ``secret_keys`` and any known secret replaced."""
        if data is None:
            return None
        secret_keys = set(secret_keys)
        out = {}
        for key, value in data.items():
            if key in secret_keys:
                out[key] = REDACTED
            elif isinstance(value, dict):
                out[key] = self.mapping(value, secret_keys)
            elif isinstance(value, list):
                out[key] = [self.text(v) if isinstance(v, str) else v for v in value]
            elif isinstance(value, str):
                out[key] = self.text(value)
            else:
                out[key] = value
        return out
