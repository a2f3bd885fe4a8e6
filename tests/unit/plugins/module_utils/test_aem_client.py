# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport: CSRF retry, backoff, typed errors and what never leaks into them."""

from __future__ import annotations

import os
import re

import pytest
import requests

from ansible_collections.aemtools.brand_portal.plugins.module_utils import _http
from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    USER_AGENT,
    validate_connection_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemForbiddenError,
    AemNotFoundError,
    AemServerError,
    AemTLSError,
    AemUnreachableError,
)

from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import FakeResponse, make_client

PASSWORD = "s3cr3t-Passw0rd"


def galaxy_version():
    """The collection's version in galaxy.yml (the User-Agent names it)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "galaxy.yml")
    with open(path, encoding="utf-8") as handle:
        return re.search(r"(?m)^version:\s*(\S+)", handle.read()).group(1)


def test_session_carries_basic_auth_user_agent_and_tls_verification():
    client, session, _unused, _unused = make_client([FakeResponse(200, {})])
    client.get("/content.json", "read")
    assert session.auth == ("deployer", PASSWORD)
    assert session.headers["User-Agent"] == USER_AGENT
    assert "aemtools.brand_portal/%s" % galaxy_version() in USER_AGENT
    assert session.verify is True
    assert session.calls[0]["url"] == "http://aem.example:4502/content.json"
    assert session.calls[0]["allow_redirects"] is False


def test_ca_path_and_validate_certs_select_verification_on_every_request(monkeypatch):
    # requests would let this variable override a session-level verify setting
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    client, session, _unused, _unused = make_client([FakeResponse(200, {})], ca_path="/etc/ca.pem")
    client.get("/x.json", "read")
    assert session.calls[0]["verify"] == "/etc/ca.pem"
    client, session, _unused, _unused = make_client([FakeResponse(200, {})], validate_certs=False, ca_path="/etc/ca.pem")
    client.get("/x.json", "read")
    assert session.calls[0]["verify"] is False


def test_write_refused_with_403_fetches_csrf_token_once_and_retries():
    client, session, _unused, _unused = make_client([
        FakeResponse(403, "<html>Forbidden</html>"),
        FakeResponse(200, {"token": "csrf-token-value-1"}),
        FakeResponse(201, {}),
        FakeResponse(200, {}),
    ])
    assert client.post("/content/a", "create a", data=[("x", "1")]).status == 201
    assert [c["method"] for c in session.calls] == ["POST", "GET", "POST"]
    assert session.calls[1]["url"].endswith("/libs/granite/csrf/token.json")
    assert "CSRF-Token" not in session.calls[0]["headers"]
    assert session.calls[2]["headers"]["CSRF-Token"] == "csrf-token-value-1"
    # the token is kept for later writes of the same run
    client.post("/content/b", "update b")
    assert session.calls[3]["headers"]["CSRF-Token"] == "csrf-token-value-1"
    assert len(session.calls) == 4


def test_write_refused_again_after_csrf_retry_raises_forbidden_without_third_attempt():
    client, session, _unused, _unused = make_client([
        FakeResponse(403, "Forbidden"),
        FakeResponse(200, {"token": "tok-abcdef"}),
        FakeResponse(403, "Forbidden"),
    ])
    with pytest.raises(AemForbiddenError) as info:
        client.post("/content/a", "create a")
    assert len(session.calls) == 3
    assert info.value.status == 403
    assert "CSRF" in str(info.value)


def test_read_refused_with_403_does_not_fetch_a_token():
    client, session, _unused, _unused = make_client([FakeResponse(403, "no")])
    with pytest.raises(AemForbiddenError):
        client.get("/content.json", "read")
    assert len(session.calls) == 1


def test_get_retries_503_with_growing_backoff_and_a_warning_each():
    client, session, warnings, sleeps = make_client([
        FakeResponse(503, "busy"), FakeResponse(502, "gw"), FakeResponse(200, {"ok": 1}),
    ])
    assert client.get("/x.json", "read x").json() == {"ok": 1}
    assert len(session.calls) == 3
    assert len(warnings) == 2 and "retry 1 of 3" in warnings[0] and "HTTP 503" in warnings[0]
    assert "retry 2 of 3" in warnings[1]
    # jittered exponential backoff: attempt n waits within [0.5, 1] * base * 2**(n-1)
    assert 0.25 <= sleeps[0] <= 0.5
    assert 0.5 <= sleeps[1] <= 1.0


def test_backoff_is_capped():
    for attempt in range(1, 20):
        assert _http.HttpClient.backoff(attempt) <= _http.BACKOFF_CAP


def test_retries_are_bounded_then_the_error_is_typed():
    client, session, warnings, _unused = make_client([FakeResponse(503, "busy")] * 3, retries=2)
    with pytest.raises(AemServerError) as info:
        client.get("/x.json", "read x")
    assert len(session.calls) == 3
    assert len(warnings) == 2
    assert info.value.status == 503


def test_non_idempotent_post_is_not_retried():
    client, session, warnings, _unused = make_client([FakeResponse(503, "busy")])
    with pytest.raises(AemServerError):
        client.post("/bin/queue", "clear queue")
    assert len(session.calls) == 1 and warnings == []


def test_idempotent_post_is_retried():
    client, session, warnings, _unused = make_client([FakeResponse(504, "gw"), FakeResponse(200, {})])
    assert client.post("/content/a", "update a", idempotent=True).status == 200
    assert len(warnings) == 1


def test_connection_errors_are_retried_then_reported_as_unreachable_without_secrets():
    error = requests.exceptions.ConnectionError("Max retries exceeded for http://deployer:%s@aem" % PASSWORD)
    client, session, warnings, _unused = make_client([error, error], retries=1)
    with pytest.raises(AemUnreachableError) as info:
        client.get("/x.json", "read x")
    assert len(session.calls) == 2 and len(warnings) == 1
    text = str(info.value)
    assert "read x" in text and "GET /x.json" in text
    assert PASSWORD not in text and PASSWORD not in warnings[0]


def test_timeout_is_unreachable_and_names_the_option():
    client, _unused, _unused, _unused = make_client([requests.exceptions.ReadTimeout("read timed out")], retries=0)
    with pytest.raises(AemUnreachableError) as info:
        client.get("/x.json", "read x")
    assert "option timeout" in str(info.value)


def test_tls_failure_is_its_own_error_and_suggests_ca_path():
    client, _unused, _unused, _unused = make_client([requests.exceptions.SSLError("certificate verify failed")], retries=2)
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    assert "ca_path" in str(info.value) and str(info.value).startswith("Failed to read x")


def test_wrong_password_is_auth_error_naming_the_user_not_the_password():
    client, _unused, _unused, _unused = make_client([FakeResponse(401, "<html>password=%s rejected</html>" % PASSWORD)])
    with pytest.raises(AemAuthError) as info:
        client.get("/x.json", "read x")
    kwargs = info.value.fail_kwargs()
    assert "'deployer'" in kwargs["msg"] and kwargs["status"] == 401
    assert kwargs["url_path"] == "/x.json" and kwargs["method"] == "GET"
    assert PASSWORD not in repr(kwargs)


def test_not_found_is_typed_and_expected_statuses_pass_through():
    client, _unused, _unused, _unused = make_client([FakeResponse(404, "missing"), FakeResponse(404, "missing")])
    with pytest.raises(AemNotFoundError):
        client.get("/x.json", "read x")
    assert client.get("/x.json", "read x", expected=(200, 404)).status == 404


def test_csrf_token_never_appears_in_errors():
    client, _unused, _unused, _unused = make_client([
        FakeResponse(403, "no"), FakeResponse(200, {"token": "tok-SECRET-123"}),
        FakeResponse(500, "echo CSRF-Token: tok-SECRET-123"),
    ])
    with pytest.raises(AemServerError) as info:
        client.post("/content/a", "create a")
    assert "tok-SECRET-123" not in repr(info.value.fail_kwargs())


def test_paths_are_percent_encoded_but_keep_jcr_names():
    client, session, _unused, _unused = make_client([FakeResponse(200, {})])
    client.get("/content/dam/my folder/jcr:content.json", "read")
    assert session.calls[0]["url"].endswith("/content/dam/my%20folder/jcr:content.json")


@pytest.mark.parametrize("params, fragment", [
    ({"url": "author.example.com"}, "option url"),
    ({"url": "ftp://author"}, "option url"),
    ({"url": "https://admin:admin@author"}, "carries a user name and password"),
    ({"url": "https://author", "timeout": 0}, "option timeout"),
    ({"url": "https://author", "retries": -1}, "option retries"),
])
def test_connection_options_are_validated_with_the_option_named(params, fragment):
    assert fragment in validate_connection_params(params)


def test_valid_connection_options_pass():
    assert validate_connection_params({"url": "https://author.example.com:4502", "timeout": 5, "retries": 0}) is None
