# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport failures explained by their real cause and worded for the service that failed (AEM or
Adobe IMS): TLS to a plain-HTTP port, an unverifiable certificate, an unusable CA bundle, IMS out of
reach.  Most cases script the exception ``requests`` raises; two use a real loopback socket so that
the markers are checked against what this machine's OpenSSL really says."""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
import urllib3

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    AemClient,
    validate_connection_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemServerError,
    AemTLSError,
    AemUnreachableError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import validate_ca_path
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import ImsClient
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    FakeSession,
    make_client,
)

IMS_URL = "https://ims.example.test"


def ssl_error(text):
    """A requests SSLError built the way requests builds it: SSLError(MaxRetryError(reason=SSLError(ssl.SSLError)))."""
    inner = ssl.SSLError(1, text)
    reason = urllib3.exceptions.SSLError(inner)
    return requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(None, "/x.json", reason))


def https_client(script, **kwargs):
    return AemClient("https://aem.example:4502/", "deployer", "pw", session=FakeSession(script), retries=0,
                     sleep=lambda s: None, **kwargs)


def ims_client(script, **kwargs):
    return ImsClient(IMS_URL, session=FakeSession(script), retries=0, sleep=lambda s: None, **kwargs)


@pytest.mark.parametrize("openssl_text", [
    "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)",
    "[SSL] record layer failure (_ssl.c:1000)",
    "[SSL: PACKET_LENGTH_TOO_LONG] packet length too long (_ssl.c:1000)",
])
def test_tls_to_a_plain_http_port_says_so_and_names_the_url_option(openssl_text):
    client = https_client([ssl_error(openssl_text)])
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    text = str(info.value)
    assert "the server at https://aem.example:4502 speaks plain HTTP, not HTTPS" in text
    assert "use http:// in the url option (or enable TLS on AEM)" in text
    assert "could not be verified" not in text and "ca_path" not in text


def test_tls_to_a_real_plain_http_port_is_recognised():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # pragma: no cover - a TLS ClientHello never parses as a request line
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = AemClient("https://127.0.0.1:%d" % server.server_address[1], "deployer", "pw", retries=0, timeout=10)
        with pytest.raises(AemTLSError) as info:
            client.get("/x.json", "read x")
    finally:
        server.shutdown()
        server.server_close()
    assert "speaks plain HTTP, not HTTPS" in str(info.value)
    assert "use http:// in the url option" in str(info.value)


def test_unknown_ca_without_ca_path_names_the_option_ca_path():
    client = https_client([ssl_error("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
                                     "certificate in certificate chain (_ssl.c:1006)")])
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    text = str(info.value)
    assert "certificate of https://aem.example:4502 could not be verified" in text
    assert "self-signed certificate in certificate chain" in text
    assert "set the option ca_path to the CA bundle (PEM) that signed the certificate of AEM" in text


def test_unknown_ca_with_ca_path_says_that_bundle_did_not_sign_it():
    client = https_client([ssl_error("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get "
                                     "local issuer certificate (_ssl.c:1006)")], ca_path="/etc/pki/other-ca.pem")
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    assert "the CA bundle in option ca_path (/etc/pki/other-ca.pem) did not sign the certificate of AEM" in str(info.value)


def test_host_name_mismatch_is_not_blamed_on_the_ca():
    client = https_client([ssl_error("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address "
                                     "mismatch, certificate is not valid for '10.0.0.1'. (_ssl.c:1006)")])
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    text = str(info.value)
    assert "does not name its host" in text and "issued for another host name" in text
    assert "url option" in text


def test_an_unusable_ca_bundle_at_request_time_is_a_typed_error_not_a_traceback():
    error = OSError("Could not find a suitable TLS CA certificate bundle, invalid path: /nowhere/ca.pem")
    client = https_client([error], ca_path="/nowhere/ca.pem")
    with pytest.raises(AemTLSError) as info:
        client.get("/x.json", "read x")
    assert "ca_path" in str(info.value) and "/nowhere/ca.pem" in str(info.value)


def test_plain_http_to_a_tls_port_suggests_https():
    error = requests.exceptions.ConnectionError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")
    client, _unused, _unused, _unused = make_client([error], retries=0)
    with pytest.raises(AemUnreachableError) as info:
        client.get("/x.json", "read x")
    assert "if it speaks HTTPS, use https:// in the url option" in str(info.value)


def test_ca_path_is_checked_before_any_request(tmp_path):
    missing = str(tmp_path / "missing.pem")
    assert "option ca_path: %s does not exist" % missing in validate_ca_path(missing)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    assert "option ca_path: %s holds no PEM certificate" % garbage in validate_ca_path(str(garbage))
    assert validate_ca_path(str(tmp_path)) is None
    assert validate_ca_path(None) is None
    params = {"url": "https://author", "validate_certs": True, "ca_path": missing}
    assert "option ca_path" in validate_connection_params(params)
    # validate_certs=false ignores ca_path, as the transport does
    assert validate_connection_params(dict(params, validate_certs=False)) is None


def test_a_real_ca_bundle_passes(tmp_path):
    cafile = ssl.get_default_verify_paths().cafile
    if cafile:
        assert validate_ca_path(cafile) is None
    from ansible_collections.aemtools.brand_portal.tests.mock_aem.ims_testkit import make_keypair
    bundle = tmp_path / "ca.pem"
    bundle.write_text(make_keypair().cert_pem)
    assert validate_ca_path(str(bundle)) is None


# -- Adobe IMS: failures name IMS and its option ims_url, never AEM's url -------------------------

def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def assert_about_ims(text):
    assert "Adobe IMS" in text and "ims_url" in text
    assert "the url option" not in text and "AEM" not in text


def test_ims_connection_refused_names_adobe_ims_and_ims_url():
    client = ImsClient("http://127.0.0.1:%d" % closed_port(), retries=0, timeout=5)
    with pytest.raises(AemUnreachableError) as info:
        client.client_credentials("client", "secret-value-123", ["openid"])
    text = str(info.value)
    assert_about_ims(text)
    assert "Connection refused" in text or "refused" in text.lower()
    assert "secret-value-123" not in text


def test_ims_timeout_names_adobe_ims_and_ims_url():
    client = ims_client([requests.exceptions.ConnectTimeout("timed out")])
    with pytest.raises(AemUnreachableError) as info:
        client.client_credentials("client", "secret", ["openid"])
    assert "option timeout" in str(info.value)
    assert_about_ims(str(info.value))


def test_ims_tls_failures_name_ims_url_or_ca_path():
    client = ims_client([ssl_error("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)")])
    with pytest.raises(AemTLSError) as info:
        client.client_credentials("client", "secret", ["openid"])
    assert "speaks plain HTTP, not HTTPS" in str(info.value)
    assert_about_ims(str(info.value))
    client = ims_client([ssl_error("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get "
                                   "local issuer certificate (_ssl.c:1006)")])
    with pytest.raises(AemTLSError) as info:
        client.client_credentials("client", "secret", ["openid"])
    assert "option ca_path" in str(info.value) and "certificate of Adobe IMS" in str(info.value)


def test_ims_server_error_without_an_ims_body_is_not_blamed_on_aem():
    client = ims_client([FakeResponse(502, "<html>Bad Gateway</html>")])
    with pytest.raises(AemServerError) as info:
        client.client_credentials("client", "secret", ["openid"])
    text = str(info.value)
    assert "Adobe IMS reported a server error" in text
    assert "error.log" not in text and "AEM" not in text


def test_aem_keeps_its_own_hints():
    client, _unused, _unused, _unused = make_client([requests.exceptions.ConnectionError("refused")], retries=0)
    with pytest.raises(AemUnreachableError) as info:
        client.get("/x.json", "read x")
    assert "check the url option, that AEM is running" in str(info.value)
    client, _unused, _unused, _unused = make_client([FakeResponse(500, "boom")], retries=0)
    with pytest.raises(AemServerError) as info:
        client.get("/x.json", "read x")
    assert "AEM reported an internal error; see error.log" in str(info.value)


# -- a write that never left this host is not "unknown" ----------------------------------------------

class FakeModule(object):
    def __init__(self):
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


def test_a_refused_connection_says_the_write_was_not_sent():
    from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import fail_from, remember_client

    module = FakeModule()
    client = remember_client(module, AemClient("http://127.0.0.1:%d" % closed_port(), "deployer", "pw", retries=0,
                                               timeout=5))
    with pytest.raises(AemUnreachableError) as info:
        client.post("/content/a", "write a")
    assert info.value.sent is False
    with pytest.raises(SystemExit):
        fail_from(module, info.value)
    assert module.failed["msg"].endswith("Nothing was written by this task.")
    assert "unknown" not in module.failed["msg"]


def test_a_connection_lost_after_sending_keeps_the_outcome_unknown():
    dropped = requests.exceptions.ConnectionError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")
    client = make_client([dropped], retries=0)[0]
    with pytest.raises(AemUnreachableError) as info:
        client.post("/content/a", "write a")
    assert info.value.sent is True
    client = make_client([requests.exceptions.ConnectTimeout("connect timed out")], retries=0)[0]
    with pytest.raises(AemUnreachableError) as info:
        client.post("/content/a", "write a")
    assert info.value.sent is False and "no connection to http://aem.example:4502 within" in str(info.value)
