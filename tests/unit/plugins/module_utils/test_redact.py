# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Redaction of known secret values and of secret-shaped text."""

from __future__ import annotations

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemServerError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, Redactor


def test_known_secrets_are_replaced_longest_first():
    redactor = Redactor(["abcd", "abcdefgh"])
    assert redactor.text("x abcdefgh y abcd") == "x %s y %s" % (REDACTED, REDACTED)


def test_short_values_are_not_treated_as_secrets():
    assert Redactor(["ab"]).text("about") == "about"


def test_secret_shapes_are_redacted_without_knowing_the_value():
    text = ('Authorization: Basic YWRtaW46YWRtaW4= client_secret=p8e-XYZ "access_token":"eyJhbGciOi" '
            'transportPassword=hunter22 -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')
    out = Redactor().text(text)
    for leaked in ("YWRtaW46YWRtaW4=", "p8e-XYZ", "eyJhbGciOi", "hunter22", "MIIE"):
        assert leaked not in out
    assert out.count(REDACTED) == 5


def test_excerpt_is_short_flat_tag_free_and_redacted():
    body = "<html><body><h1>Error</h1>\n\n<p>password=hunter22</p>" + "x" * 1000 + "</body></html>"
    out = Redactor().excerpt(body, limit=60)
    assert "<p>" not in out and "<h1>" not in out and "\n" not in out and "hunter22" not in out
    assert out.endswith("...") and len(out) <= 63


def test_mapping_redacts_named_keys_and_known_values_recursively():
    out = Redactor(["topsecret"]).mapping({"pw": "x", "a": {"b": "has topsecret"}, "n": 1}, secret_keys=["pw"])
    assert out == {"pw": REDACTED, "a": {"b": "has " + REDACTED}, "n": 1}


def test_error_message_and_fail_kwargs_read_well():
    error = AemServerError("HTTP 500", method="POST", path="/content/a", status=500, excerpt="boom",
                           attempted="create node /content/a")
    kwargs = error.fail_kwargs()
    assert kwargs["msg"].startswith("Failed to create node /content/a (POST /content/a): HTTP 500")
    assert kwargs == dict(kwargs, method="POST", url_path="/content/a", status=500, response_excerpt="boom")
