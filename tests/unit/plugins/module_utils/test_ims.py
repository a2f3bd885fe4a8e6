# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IMS tokens: claims, signing, units of expires_in, and IMS errors turned into what to fix.

The transport is faked by handing each request to the mock IMS app in-process, so the answers are
the reference's real IMS bodies (adobe-ims.md) without sockets.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    ImsClient,
    ImsError,
    build_jwt_claims,
    metascope_claim,
    sign_jwt,
    validate_ims_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import load_private_key
from ansible_collections.aemtools.brand_portal.tests.mock_aem.http_types import Request
from ansible_collections.aemtools.brand_portal.tests.mock_aem.ims import IMSApp
from ansible_collections.aemtools.brand_portal.tests.mock_aem.ims_testkit import make_keypair
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import FakeResponse

IMS_URL = "https://ims-na1.adobelogin.com"
ORG = "1234567890ABCDEF12345678@AdobeOrg"
ACCOUNT = "ABCDEF1234567890@techacct.adobe.com"
CLIENT = "bp-client-id"
SECRET = "p8e-client-secret-value"


class AppSession(object):
    """requests.Session stand-in that hands every request to a mock app."""

    def __init__(self, app):
        self.app = app
        self.headers = {}
        self.verify = True

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):
        parts = urlsplit(url)
        body = urlencode(data or {}).encode("utf-8")
        request = Request(method, parts.path, parts.query, {"content-type": "application/x-www-form-urlencoded"},
                          body, scheme=parts.scheme, host=parts.netloc)
        response = self.app.handle(request)
        return FakeResponse(response.status, response.body, {"Content-Type": response.content_type})


@pytest.fixture(scope="module")
def keys():
    return make_keypair(), make_keypair(cn="unregistered")


@pytest.fixture
def ims(keys):
    app = IMSApp(public_base_urls=[IMS_URL])
    app.register_integration({"client_id": CLIENT, "client_secret": SECRET, "org_id": ORG,
                              "technical_account_id": ACCOUNT, "certificates": [keys[0].cert_pem],
                              "metascopes": ["ent_brand_portal_sdk"], "scopes": ["openid", "AdobeID"]})
    return ImsClient(IMS_URL, session=AppSession(app), retries=0)


def signed(keypair, **overrides):
    claims = build_jwt_claims(IMS_URL, CLIENT, ORG, ACCOUNT, ["ent_brand_portal_sdk"])
    claims.update(overrides)
    return sign_jwt(claims, load_private_key(keypair.private_pem))


def test_claims_follow_adobes_documentation():
    claims = build_jwt_claims(IMS_URL + "/", CLIENT, ORG, ACCOUNT, ["ent_brand_portal_sdk"], lifetime=300, now=1000)
    assert claims == {"exp": 1300, "iat": 1000, "iss": ORG, "sub": ACCOUNT,
                      "aud": "https://ims-na1.adobelogin.com/c/bp-client-id",
                      "https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk": True}


def test_metascopes_accept_names_and_full_urls():
    assert metascope_claim(IMS_URL, "ent_user_sdk") == IMS_URL + "/s/ent_user_sdk"
    assert metascope_claim(IMS_URL, IMS_URL + "/s/x") == IMS_URL + "/s/x"


def test_signature_is_rs256_and_verifies_with_the_certificate(keys):
    token = signed(keys[0])
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    decoded = jwt.decode(token, keys[0].cert.public_key(), algorithms=["RS256"],
                         audience=IMS_URL + "/c/" + CLIENT)
    assert decoded["iss"] == ORG


def test_private_key_errors_name_the_option():
    with pytest.raises(AemInputError) as info:
        load_private_key("not a key")
    assert "option private_key" in str(info.value)
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    with pytest.raises(AemInputError) as info:
        load_private_key(ec_pem)
    assert "RSA" in str(info.value)


def test_encrypted_key_needs_its_passphrase(keys):
    pem = keys[0].key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.BestAvailableEncryption(b"pass-phrase")).decode()
    with pytest.raises(AemInputError) as info:
        load_private_key(pem)
    assert "private_key_passphrase" in str(info.value)
    assert load_private_key(pem, "pass-phrase").key_size == 2048


def test_jwt_exchange_converts_milliseconds_to_seconds(ims, keys):
    token = ims.exchange_jwt(CLIENT, SECRET, signed(keys[0]))
    result = token.as_result()
    assert result["token_type"] == "bearer" and result["access_token"]
    # IMS answers ~86 399 999 ms for a 24 h token (adobe-ims.md 1.3)
    assert 86000 <= result["expires_in"] <= 86400
    assert result["expires_at"] - result["expires_in"] == pytest.approx(token.expires_at - token.expires_in)
    assert result["expires_at_iso"].endswith("Z")


def test_oauth_token_keeps_seconds(ims):
    token = ims.client_credentials(CLIENT, SECRET, ["openid", "AdobeID"])
    assert 86000 <= token.expires_in <= 86400


@pytest.mark.parametrize("case, error, hint", [
    ("wrong_secret", "invalid_client", "client_secret"),
    ("unregistered_certificate", "invalid_token", "certificate"),
    ("wrong_metascope", "invalid_scope", "Brand Portal API"),
    ("unknown_client", "invalid_client", "client_id"),
    ("expired_jwt", "invalid_token", "clock"),
])
def test_jwt_errors_say_what_to_fix_and_never_leak(ims, keys, case, error, hint):
    client_id, secret, jwt_token = CLIENT, SECRET, signed(keys[0])
    if case == "wrong_secret":
        secret = "wrong-secret-value"
    elif case == "unregistered_certificate":
        jwt_token = signed(keys[1])
    elif case == "wrong_metascope":
        jwt_token = signed(keys[0], **{IMS_URL + "/s/ent_user_sdk": True})
    elif case == "unknown_client":
        client_id = "nobody"
    elif case == "expired_jwt":
        jwt_token = signed(keys[0], exp=1000, iat=700)
    with pytest.raises(ImsError) as info:
        ims.exchange_jwt(client_id, secret, jwt_token)
    kwargs = info.value.fail_kwargs()
    assert kwargs["ims_error"] == error
    assert hint in kwargs["msg"]
    dump = repr(kwargs)
    for leaked in (secret, jwt_token, SECRET):
        assert leaked not in dump


def test_oauth_errors_say_what_to_fix(ims):
    with pytest.raises(ImsError) as info:
        ims.client_credentials(CLIENT, "wrong-secret-value", ["openid"])
    assert info.value.status == 400 and "client_secret" in str(info.value)
    with pytest.raises(ImsError) as info:
        ims.client_credentials(CLIENT, SECRET, ["not_granted_scope"])
    assert "scopes" in str(info.value)


def test_server_errors_are_retried_then_reported():
    from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import FakeSession
    session = FakeSession([FakeResponse(503, "busy"),
                           FakeResponse(500, {"error": "internal_error", "error_description": "Please try again later"})])
    warnings = []
    client = ImsClient(IMS_URL, session=session, retries=2, warn=warnings.append, sleep=lambda s: None)
    with pytest.raises(ImsError) as info:
        client.client_credentials(CLIENT, SECRET, ["openid"])
    assert len(warnings) == 1 and "try again later" in str(info.value)


@pytest.mark.parametrize("params, fragment", [
    ({"ims_url": "ims-na1.adobelogin.com", "client_id": "x"}, "option ims_url"),
    ({"ims_url": IMS_URL, "client_id": " "}, "option client_id"),
    ({"ims_url": IMS_URL, "client_id": "x", "org_id": "1234"}, "option org_id"),
    ({"ims_url": IMS_URL, "client_id": "x", "technical_account_id": "abc@example.com"}, "option technical_account_id"),
])
def test_ims_options_are_validated(params, fragment):
    assert fragment in validate_ims_params(params)
