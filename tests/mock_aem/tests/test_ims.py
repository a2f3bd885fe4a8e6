"""Tests of the mock Adobe IMS, written from ../shared/reference/adobe-ims.md (cited as §n).

Each test drives IMSApp.handle() with constructed Request objects: no sockets, no real time (the
app's clock is a fixed value the tests move by hand).
"""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.mock_aem.http_types import Request
from tests.mock_aem.ims import (
    DESC_INVALID_CLIENT_ID,
    DESC_INVALID_CLIENT_SECRET,
    DESC_JWT_METASCOPES,
    DESC_JWT_NO_BINDING,
    DESC_JWT_UNDECODABLE,
    IMSApp,
    decode_jws,
)
from tests.mock_aem.ims_testkit import (
    BP_METASCOPE,
    IMS,
    form_request,
    json_request,
    jwt_claims,
    make_keypair,
    response_json,
    sign_jwt,
)

LOCAL = "http://127.0.0.1:45123"
ORG = "C74F69D7594880280A495D09@AdobeOrg"
OTHER_ORG = "0000000000000000000000AA@AdobeOrg"
TECH = "6657031C5C095BB40A4955AB@techacct.adobe.com"
CID = "0123456789abcdef0123456789abcdef"
SECRET = "p8e-s3cr3t-one"
SECRET2 = "p8e-s3cr3t-two"
SCOPES = ["openid", "AdobeID", "read_organizations", "additional_info.projectedProductContext"]


class FakeClock:
    def __init__(self) -> None:
        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def kp():
    return make_keypair("AEM-Adobe-IMS")


@pytest.fixture(scope="module")
def kp2():
    return make_keypair("second certificate")


@pytest.fixture(scope="module")
def stranger():
    return make_keypair("not registered")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ims(clock, kp):
    app = IMSApp([LOCAL, IMS], clock=clock)
    resp = app.handle(json_request("/__mock__/ims/integrations", integration(kp)))
    assert resp.status == 201, resp.body
    return app


def integration(kp, **over):
    spec = {
        "client_id": CID,
        "client_secret": SECRET,
        "org_id": ORG,
        "technical_account_id": TECH,
        "certificates": [kp.cert_pem],
        "metascopes": [BP_METASCOPE],
        "scopes": SCOPES,
    }
    spec.update(over)
    return spec


def claims(clock, **over):
    base = over.pop("base", IMS)
    metascopes = over.pop("metascopes", (BP_METASCOPE,))
    c = jwt_claims(CID, ORG, TECH, exp=int(clock.t) + 300, base=base, metascopes=metascopes)
    c.update(over)
    return c


def exchange(app, jwt_token, *, client_id=CID, client_secret=SECRET, path="/ims/exchange/jwt", multipart=False):
    fields = {}
    if client_id is not None:
        fields["client_id"] = client_id
    if client_secret is not None:
        fields["client_secret"] = client_secret
    if jwt_token is not None:
        fields["jwt_token"] = jwt_token
    return app.handle(form_request(path, fields, multipart=multipart, headers={"Cache-Control": "no-cache"}))


def cc(app, *, client_id=CID, client_secret=SECRET, scope="openid,AdobeID", path="/ims/token/v3", **kw):
    fields = {"grant_type": "client_credentials"}
    if client_id is not None:
        fields["client_id"] = client_id
    if client_secret is not None:
        fields["client_secret"] = client_secret
    if scope is not None:
        fields["scope"] = scope
    return app.handle(form_request(path, fields, **kw))


def assert_ims_error(resp, status, error, description=None):
    assert resp.status == status, (resp.status, resp.body)
    body = response_json(resp)
    assert list(body) == ["error_description", "error"], body  # §1.4 observed key order
    assert body["error"] == error
    if description is not None:
        assert body["error_description"] == description
    assert resp.content_type == "application/json;charset=UTF-8"


def good_token(ims, kp, clock):
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)))
    assert resp.status == 200, resp.body
    return response_json(resp)["access_token"]


# ---------------------------------------------------------------- §1.1 endpoint


@pytest.mark.parametrize("path", ["/ims/exchange/jwt", "/ims/exchange/jwt/", "/ims/exchange/v1/jwt"])
def test_jwt_exchange_paths(ims, kp, clock, path):
    """§1.1 VERIFIED: documented /ims/exchange/jwt, trailing-slash variant, versioned /ims/exchange/v1/jwt."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)), path=path)
    assert resp.status == 200, resp.body


def test_jwt_exchange_is_post_only(ims, kp, clock):
    """§1.1 VERIFIED: method POST only."""
    req = form_request("/ims/exchange/jwt", method="GET", query={"client_id": CID})
    resp = ims.handle(req)
    assert resp.status == 405
    assert response_json(resp)["error"]


def test_unknown_ims_path_is_404(ims):
    """§1.1 NOT FOUND: there is no /ims/exchange/v2/jwt."""
    assert ims.handle(form_request("/ims/exchange/v2/jwt", {"client_id": CID})).status == 404


# ---------------------------------------------------------------- §1.2 request


def test_jwt_exchange_accepts_multipart(ims, kp, clock):
    """§1.2: Adobe's Node clients send multipart/form-data; the mock accepts both encodings."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)), multipart=True)
    assert resp.status == 200, resp.body


def test_jwt_exchange_requires_the_fields_in_the_body(ims, kp, clock):
    """§1.2: the fields are form fields of the body (query-string parameters do not count)."""
    jwt_token = sign_jwt(kp.key, claims(clock))
    req = form_request("/ims/exchange/jwt", None,
                       query={"client_id": CID, "client_secret": SECRET, "jwt_token": jwt_token})
    resp = ims.handle(req)
    assert resp.status == 400


# ---------------------------------------------------------------- §1.3 success


def test_jwt_exchange_success_shape(ims, kp, clock):
    """§1.3 VERIFIED: 200, exactly token_type/access_token/expires_in, no refresh_token; bearer."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)))
    assert resp.status == 200
    body = response_json(resp)
    assert set(body) == {"token_type", "access_token", "expires_in"}
    assert body["token_type"] == "bearer"
    assert "refresh_token" not in body


def test_jwt_exchange_expires_in_is_milliseconds(ims, kp, clock):
    """§1.3 VERIFIED: expires_in of the JWT exchange is in MILLISECONDS (~86399999 for 24 h)."""
    body = response_json(exchange(ims, sign_jwt(kp.key, claims(clock))))
    assert isinstance(body["expires_in"], int)
    assert 86_300_000 <= body["expires_in"] <= 86_400_000


def test_access_token_is_a_jwt_with_ims_claims(ims, kp, clock):
    """§1.3 VERIFIED: the access token is a JWT: header {x5u: ims_na1-key..., alg: RS256}; claims
    type=access_token, client_id, user_id, as=ims-na1, created_at and expires_in as ms strings."""
    token = good_token(ims, kp, clock)
    assert token.startswith("eyJ4NXUiOiJpbXNfbmExLWtleS")
    header, payload, _unused, _unused = decode_jws(token)
    assert header["alg"] == "RS256" and header["x5u"].startswith("ims_na1-key")
    assert payload["type"] == "access_token"
    assert payload["client_id"] == CID
    assert payload["user_id"] == TECH
    assert payload["as"] == "ims-na1"
    assert isinstance(payload["created_at"], str) and isinstance(payload["expires_in"], str)
    assert int(payload["created_at"]) == int(clock.t * 1000)
    assert int(payload["expires_in"]) == 24 * 3600 * 1000


def test_new_token_does_not_invalidate_previous(ims, kp, clock):
    """§5 VERIFIED: previous tokens are not invalidated when a new one is issued."""
    t1 = good_token(ims, kp, clock)
    t2 = good_token(ims, kp, clock)
    assert t1 != t2
    assert ims.introspect(t1) is not None and ims.introspect(t2) is not None


# ---------------------------------------------------------------- §1.4 errors


def test_error_responses_carry_debug_id(ims):
    """§1.4 VERIFIED: error bodies are {error, error_description}; responses carry x-debug-id."""
    resp = exchange(ims, "x", client_id="nope")
    assert_ims_error(resp, 400, "invalid_client")
    assert any(k.lower() == "x-debug-id" and v for k, v in resp.headers)


def test_unknown_client_id(ims, kp, clock):
    """§1.4 VERIFIED: unknown client_id → invalid_client 'invalid client_id parameter' (400 per table)."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)), client_id="unknown-client")
    assert_ims_error(resp, 400, "invalid_client", DESC_INVALID_CLIENT_ID)


def test_wrong_client_secret_on_jwt_exchange(ims, kp, clock):
    """§1.4 VERIFIED (doc table): bad client_id/client_secret combination → 401 invalid_client."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)), client_secret="wrong")
    assert_ims_error(resp, 401, "invalid_client")


def test_missing_client_secret_on_jwt_exchange(ims, kp, clock):
    """§1.4 VERIFIED (doc table): the secret is part of the client check → 401 invalid_client."""
    resp = exchange(ims, sign_jwt(kp.key, claims(clock)), client_secret=None)
    assert_ims_error(resp, 401, "invalid_client")


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"])
def test_undecodable_jwt(ims, token):
    """§1.4 VERIFIED (observed): missing or undecodable JWT → invalid_token 'JWT token is incorrectly
    formatted, and can not be decoded.'"""
    assert_ims_error(exchange(ims, token), 400, "invalid_token", DESC_JWT_UNDECODABLE)


def test_non_integer_exp(ims, kp, clock):
    """§1.4 VERIFIED (acs-aem-commons PR #2860): exp 'Thu Jun 09 16:58:09 EDT 2022' → the same
    'incorrectly formatted' invalid_token; §2: exp must be an integer."""
    c = claims(clock, exp="Thu Jun 09 16:58:09 EDT 2022")
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_token", DESC_JWT_UNDECODABLE)
    c = claims(clock, exp=float(clock.t + 300.5))
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_token", DESC_JWT_UNDECODABLE)


def test_signature_of_unregistered_key(ims, clock, stranger):
    """§1.4 VERIFIED (observed): wrong private key → invalid_token (NOT invalid_signature)
    'Could not match JWT signature to any of the bindings'."""
    resp = exchange(ims, sign_jwt(stranger.key, claims(clock)))
    assert_ims_error(resp, 400, "invalid_token", DESC_JWT_NO_BINDING)


def test_replaced_certificate(ims, kp, kp2, clock):
    """§1.4/§3 VERIFIED: after the certificate was replaced in the console, the old key no longer
    matches: 'Could not match JWT signature to any of the bindings'."""
    resp = ims.handle(json_request("/__mock__/ims/integrations", integration(kp, certificates=[kp2.cert_pem])))
    assert resp.status == 200
    assert_ims_error(exchange(ims, sign_jwt(kp.key, claims(clock))), 400, "invalid_token", DESC_JWT_NO_BINDING)
    assert exchange(ims, sign_jwt(kp2.key, claims(clock))).status == 200


def test_expired_certificate(clock):
    """§1.4/§3 VERIFIED ([PDF-PY] mapping): an expired certificate gives the same no-binding error."""
    now = datetime.fromtimestamp(clock.t, tz=timezone.utc)
    old = make_keypair("expired", not_before=now - timedelta(days=400), not_after=now - timedelta(days=35))
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(old, certificates=[old.cert_pem]))
    assert_ims_error(exchange(app, sign_jwt(old.key, claims(clock))), 400, "invalid_token", DESC_JWT_NO_BINDING)


def test_metascope_not_in_binding(ims, kp, clock):
    """§1.4 VERIFIED (observed): wrong product metascope → invalid_scope 'The metascopes in the JWT are
    not a subset of the metascopes in the binding.'"""
    c = claims(clock, metascopes=("ent_user_sdk",))
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_scope", DESC_JWT_METASCOPES)


def test_jwt_without_metascope(ims, kp, clock):
    """§1.4 VERIFIED (doc table): a JWT without a metascope → invalid_scope."""
    c = claims(clock, metascopes=())
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_scope")


def test_metascope_of_other_ims_environment(ims, kp, clock):
    """§6 VERIFIED: metascope keys are <IMS host>/s/<name>; a key of another IMS (stage) is refused."""
    c = claims(clock, metascopes=())
    c["https://ims-na1-stg1.adobelogin.com/s/" + BP_METASCOPE] = True
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_scope")


def test_aud_of_other_client(ims, kp, clock):
    """§1.4 VERIFIED (doc table): client_id parameter and aud do not match → 400 invalid_client."""
    c = claims(clock, aud=f"{IMS}/c/someoneelse")
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_client")


def test_aud_of_other_ims_environment(ims, kp, clock):
    """§1.4/§6 VERIFIED: aud points to a different IMS environment → 400 invalid_client."""
    c = claims(clock, aud=f"https://ims-na1-stg1.adobelogin.com/c/{CID}")
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_client")


def test_aud_missing(ims, kp, clock):
    """§2 VERIFIED: aud is a required claim."""
    c = claims(clock)
    del c["aud"]
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_client")


def test_aud_as_single_entry_list(ims, kp, clock):
    """§2 VERIFIED: aud holds exactly one entry (a one-element array is that entry)."""
    c = claims(clock, aud=[f"{IMS}/c/{CID}"])
    assert exchange(ims, sign_jwt(kp.key, c)).status == 200
    c = claims(clock, aud=[f"{IMS}/c/{CID}", f"{LOCAL}/c/{CID}"])
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_client")


def test_expired_jwt(ims, kp, clock):
    """§1.4 VERIFIED (doc table): JWT expired → 400 invalid_token."""
    c = claims(clock, exp=int(clock.t) - 3600)
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_token")


# ---------------------------------------------------------------- §2 claims


def test_wrong_org_in_iss(ims, kp, clock):
    """§1.4/§2 VERIFIED: the certificate binding is for iss (org) + sub; another org's iss matches no
    binding."""
    c = claims(clock, iss=OTHER_ORG)
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_token", DESC_JWT_NO_BINDING)


def test_wrong_technical_account_in_sub(ims, kp, clock):
    """§1.4/§2 VERIFIED: sub must be the technical account the certificate is bound to."""
    c = claims(clock, sub="FFFF@techacct.adobe.com")
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "invalid_token", DESC_JWT_NO_BINDING)


@pytest.mark.parametrize("claim,value", [("iss", "C74F69D7594880280"), ("iss", 42), ("sub", "no-at-sign")])
def test_malformed_iss_sub(ims, kp, clock, claim, value):
    """§1.4 VERIFIED (doc table): payload decodes but iss/sub have the wrong format → 400 bad_request."""
    c = claims(clock, **{claim: value})
    assert_ims_error(exchange(ims, sign_jwt(kp.key, c)), 400, "bad_request")


def test_missing_sub(ims, kp, clock):
    """§2 VERIFIED: sub is required."""
    c = claims(clock)
    del c["sub"]
    assert exchange(ims, sign_jwt(kp.key, c)).status == 400


@pytest.mark.parametrize("alg", ["RS512", "PS256"])
def test_only_rs256(ims, kp, clock, alg):
    """§2 VERIFIED: RS256 is the signing algorithm; another algorithm, even with the registered key,
    does not match the binding."""
    assert_ims_error(exchange(ims, sign_jwt(kp.key, claims(clock), algorithm=alg)), 400, "invalid_token",
                     DESC_JWT_NO_BINDING)


def test_hs256_with_secret_refused(ims, clock):
    """§2 VERIFIED: RS256 only; an HMAC JWT keyed with the client secret is refused."""
    token = sign_jwt(SECRET.encode() * 3, claims(clock), algorithm="HS256")
    assert_ims_error(exchange(ims, token), 400, "invalid_token", DESC_JWT_NO_BINDING)


def test_any_registered_certificate_can_sign(clock, kp, kp2):
    """§2/§3 VERIFIED: several certificates may be attached; any of their private keys can sign."""
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(kp, certificates=[kp.cert_pem, kp2.cert_pem]))
    assert exchange(app, sign_jwt(kp.key, claims(clock))).status == 200
    assert exchange(app, sign_jwt(kp2.key, claims(clock))).status == 200


def test_optional_iat_and_jti_accepted(ims, kp, clock):
    """§2 VERIFIED: iat is accepted; jti is optional unless the binding requires it."""
    c = claims(clock, iat=int(clock.t), jti="abc-1")
    assert exchange(ims, sign_jwt(kp.key, c)).status == 200
    assert exchange(ims, sign_jwt(kp.key, c)).status == 200  # reuse is fine when not required


def test_jti_required_by_binding(clock, kp):
    """§1.4/§2 VERIFIED ([UMAPI-DOC]): binding requires jti → missing or reused jti gives invalid_jti."""
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(kp, require_jti=True))
    assert_ims_error(exchange(app, sign_jwt(kp.key, claims(clock))), 400, "invalid_jti")
    c = claims(clock, jti="once")
    assert exchange(app, sign_jwt(kp.key, c)).status == 200
    assert_ims_error(exchange(app, sign_jwt(kp.key, c)), 400, "invalid_jti")


def test_exp_clock_skew_30_seconds(ims, kp, clock):
    """§2 VERIFIED: IMS allows a time skew of 30 seconds on exp."""
    assert exchange(ims, sign_jwt(kp.key, claims(clock, exp=int(clock.t) - 25))).status == 200
    assert_ims_error(exchange(ims, sign_jwt(kp.key, claims(clock, exp=int(clock.t) - 35))), 400, "invalid_token")


def test_long_exp_accepted(ims, kp, clock):
    """§2: 24 h exp (UMAPI client, console-generated JWT) and an exp in ms (PDF SDK) are accepted."""
    assert exchange(ims, sign_jwt(kp.key, claims(clock, exp=int(clock.t) + 86400))).status == 200
    assert exchange(ims, sign_jwt(kp.key, claims(clock, exp=int(clock.t + 86400) * 1000))).status == 200


def test_brand_portal_claims_as_the_demo_installer_builds_them(ims, kp, clock):
    """§2 VERIFIED: {exp, iss, sub, "https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk": true,
    aud: "https://ims-na1.adobelogin.com/c/<apiKey>"} is a valid Brand Portal JWT."""
    c = {
        "exp": int(clock.t) + 86400,
        "iss": ORG,
        "sub": TECH,
        "https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk": True,
        "aud": f"https://ims-na1.adobelogin.com/c/{CID}",
    }
    assert exchange(ims, sign_jwt(kp.key, c)).status == 200


# ---------------------------------------------------------------- §6 hosts


def test_aud_and_metascopes_of_every_public_base_url(ims, kp, clock):
    """§6 VERIFIED: aud and metascope keys are built from the IMS base URL the client calls; the mock
    answers for its own local URL as well as for https://ims-na1.adobelogin.com."""
    c = claims(clock, base=LOCAL)
    assert exchange(ims, sign_jwt(kp.key, c)).status == 200


def test_trailing_slash_of_base_url_ignored(clock, kp):
    """§6 VERIFIED: the Authorization Server is given with or without a trailing '/'."""
    app = IMSApp(["https://ims-na1.adobelogin.com/"], clock=clock)
    app.register_integration(integration(kp))
    assert exchange(app, sign_jwt(kp.key, claims(clock))).status == 200


def test_base_url_added_later(clock, kp):
    """§6: the server can add its real URL once its port is bound."""
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(kp))
    c = claims(clock, base=LOCAL)
    assert exchange(app, sign_jwt(kp.key, c)).status == 400
    app.add_public_base_url(LOCAL + "/")
    assert exchange(app, sign_jwt(kp.key, c)).status == 200


# ---------------------------------------------------------------- §4 OAuth Server-to-Server


@pytest.mark.parametrize("path", ["/ims/token/v3", "/ims/token/v2"])
def test_client_credentials_success(ims, path):
    """§4.1/§4.3 VERIFIED: /ims/token/v3 (documented) and /v2 → {access_token, token_type: bearer,
    expires_in} with expires_in in SECONDS."""
    resp = cc(ims, path=path)
    assert resp.status == 200, resp.body
    body = response_json(resp)
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert 86_000 <= body["expires_in"] <= 86_400


def test_client_credentials_v4_client_id_in_query(ims):
    """§4.1 VERIFIED: /ims/token/v4?client_id=… with the rest in the body."""
    req = form_request("/ims/token/v4", {"grant_type": "client_credentials", "client_secret": SECRET,
                                         "scope": "openid"}, query={"client_id": CID})
    assert ims.handle(req).status == 200


def test_client_credentials_params_in_query(ims):
    """§4.2 VERIFIED: parameters can be sent in the body or as query parameters."""
    req = form_request("/ims/token/v3", None, query={"grant_type": "client_credentials", "client_id": CID,
                                                     "client_secret": SECRET, "scope": "openid,AdobeID"})
    assert ims.handle(req).status == 200


def test_client_credentials_scope_comma_separated(ims):
    """§4.2 VERIFIED: scope is a comma-separated list; blanks around entries are tolerated."""
    assert cc(ims, scope="openid, AdobeID, read_organizations").status == 200
    header, payload, _unused, _unused = decode_jws(response_json(cc(ims, scope="openid,AdobeID"))["access_token"])
    assert payload["scope"] == "openid,AdobeID"


def test_client_credentials_wrong_secret(ims):
    """§4.4 VERIFIED: wrong secret → 400 {"error":"invalid_client","error_description":"invalid
    client_secret parameter"}."""
    assert_ims_error(cc(ims, client_secret="nope"), 400, "invalid_client", DESC_INVALID_CLIENT_SECRET)


def test_client_credentials_unknown_client(ims):
    """§4.4 VERIFIED: unknown client id → 400 invalid_client 'invalid client_id parameter'."""
    assert_ims_error(cc(ims, client_id="who"), 400, "invalid_client", DESC_INVALID_CLIENT_ID)


def test_client_credentials_all_fields_mandatory(ims):
    """§4.2 VERIFIED: grant_type, client_id, client_secret and scope are all mandatory."""
    assert cc(ims, scope=None).status == 400
    assert cc(ims, client_secret=None).status == 400
    assert cc(ims, client_id=None).status == 400
    req = form_request("/ims/token/v3", {"client_id": CID, "client_secret": SECRET, "scope": "openid"})
    assert ims.handle(req).status == 400


def test_client_credentials_unregistered_scope(ims):
    """§4.2/§4.4: scopes are those of the credential; another scope → invalid_scope."""
    assert_ims_error(cc(ims, scope="openid,read_pc.dma_smart_content"), 400, "invalid_scope")


def test_second_client_secret(clock, kp):
    """§4.3 VERIFIED: up to 2 client secrets per credential; both work; a third is refused."""
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(kp, client_secrets=[SECRET, SECRET2]))
    assert cc(app, client_secret=SECRET).status == 200
    assert cc(app, client_secret=SECRET2).status == 200
    assert exchange(app, sign_jwt(kp.key, claims(clock)), client_secret=SECRET2).status == 200
    resp = app.handle(json_request("/__mock__/ims/integrations", integration(kp, client_secrets=[SECRET2, "x3"])))
    assert resp.status == 400


def test_client_credentials_basic_auth(ims):
    """§4.2 VERIFIED: token_endpoint_auth_methods_supported lists client_secret_basic."""
    basic = base64.b64encode(f"{CID}:{SECRET}".encode()).decode()
    req = form_request("/ims/token/v3", {"grant_type": "client_credentials", "scope": "openid"},
                       headers={"Authorization": "Basic " + basic})
    assert ims.handle(req).status == 200


def test_client_credentials_token_carries_credential_access(ims):
    """§4.3 VERIFIED: a token of the migrated OAuth credential has identical access (same technical
    account, org, product access) as one of the JWT credential."""
    info = ims.introspect(response_json(cc(ims))["access_token"])
    assert info["user_id"] == TECH and info["org_id"] == ORG
    assert BP_METASCOPE in info["metascopes"]
    assert info["grant"] == "client_credentials"


# ---------------------------------------------------------------- §5 validation


def validate(app, token, *, client_id=CID, type_="access_token", bearer=False):
    fields = {"type": type_, "client_id": client_id}
    headers = {}
    if bearer:
        headers["Authorization"] = "Bearer " + token
    else:
        fields["token"] = token
    return app.handle(form_request("/ims/validate_token/v1", fields, headers=headers))


def test_validate_token_valid(ims, kp, clock):
    """§5 VERIFIED: POST /ims/validate_token/v1 type=access_token, client_id, token → {"valid": true}."""
    resp = validate(ims, good_token(ims, kp, clock))
    assert resp.status == 200
    assert response_json(resp)["valid"] is True


def test_validate_token_bearer_header(ims, kp, clock):
    """§5 VERIFIED ([AIO-IMS]): the token may come in Authorization: Bearer."""
    assert response_json(validate(ims, good_token(ims, kp, clock), bearer=True))["valid"] is True


def test_validate_token_invalid_is_200_false(ims):
    """§5: an invalid token → HTTP 200 with valid=false."""
    resp = validate(ims, "eyJ4NXUiOiJpbXNfbmExLWtleS0xLmNlciIsImFsZyI6IlJTMjU2In0.e30.AAAA")
    assert resp.status == 200
    assert response_json(resp)["valid"] is False


def test_validate_token_expired(ims, kp, clock):
    """§1.3/§5 VERIFIED: tokens expire at created_at + expires_in (24 h)."""
    token = good_token(ims, kp, clock)
    clock.t += 24 * 3600 - 1
    assert response_json(validate(ims, token))["valid"] is True
    clock.t += 2
    assert response_json(validate(ims, token))["valid"] is False
    assert ims.introspect(token) is None


def test_validate_token_other_client(ims, kp, clock):
    """§5: the token is validated for the client_id given."""
    assert response_json(validate(ims, good_token(ims, kp, clock), client_id="other"))["valid"] is False


def test_forged_token_is_not_valid(ims, kp, clock):
    """§1.3: a token with a changed payload is not one IMS issued."""
    token = good_token(ims, kp, clock)
    h, p, s = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    payload["user_id"] = "evil@techacct.adobe.com"
    p2 = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    assert ims.introspect(f"{h}.{p2}.{s}") is None


# ---------------------------------------------------------------- admin API and App protocol


def test_admin_register_created_then_updated(clock, kp, kp2):
    """Admin API: 201 for a new integration, 200 for an update; writes count only real changes."""
    app = IMSApp([IMS], clock=clock)
    r1 = app.handle(json_request("/__mock__/ims/integrations", integration(kp)))
    assert r1.status == 201
    view = response_json(r1)
    assert view["client_id"] == CID and view["metascopes"] == [BP_METASCOPE]
    assert len(view["certificate_info"]) == 1
    assert app.stats.writes == 1
    r2 = app.handle(json_request("/__mock__/ims/integrations", integration(kp)))
    assert r2.status == 200 and app.stats.writes == 1  # unchanged: no write
    r3 = app.handle(json_request("/__mock__/ims/integrations", integration(kp, certificates=[kp2.cert_pem])))
    assert r3.status == 200 and app.stats.writes == 2


def test_admin_metascopes_given_as_urls(clock, kp):
    """Admin API: metascopes may be given as names or as claim URLs."""
    app = IMSApp([IMS], clock=clock)
    app.register_integration(integration(kp, metascopes=[f"{IMS}/s/{BP_METASCOPE}"]))
    assert exchange(app, sign_jwt(kp.key, claims(clock))).status == 200


@pytest.mark.parametrize("bad", [
    {"certificates": ["-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"]},
    {"org_id": "not-an-org"},
    {"client_id": ""},
    {"client_secret": None},
    {"scopes": "openid"},  # a string is split on commas: accepted
])
def test_admin_validation(clock, kp, bad):
    app = IMSApp([IMS], clock=clock)
    resp = app.handle(json_request("/__mock__/ims/integrations", integration(kp, **bad)))
    expected = 201 if "scopes" in bad else 400
    assert resp.status == expected, resp.body
    if expected == 400:
        assert "error" in response_json(resp) and app.stats.writes == 0


def test_admin_private_key_is_not_a_certificate(clock, kp):
    """§3: the console takes the public certificate, not the private key."""
    app = IMSApp([IMS], clock=clock)
    assert app.handle(json_request("/__mock__/ims/integrations",
                                   integration(kp, certificates=[kp.private_pem]))).status == 400


def test_admin_list_get_delete(ims, kp, clock):
    token = good_token(ims, kp, clock)
    listing = response_json(ims.handle(json_request("/__mock__/ims/integrations", method="GET")))
    assert [i["client_id"] for i in listing["integrations"]] == [CID]
    assert ims.handle(json_request(f"/__mock__/ims/integrations/{CID}", method="GET")).status == 200
    writes = ims.stats.writes
    assert ims.handle(json_request(f"/__mock__/ims/integrations/{CID}", method="DELETE")).status == 204
    assert ims.stats.writes == writes + 1
    assert ims.handle(json_request(f"/__mock__/ims/integrations/{CID}", method="GET")).status == 404
    assert ims.handle(json_request(f"/__mock__/ims/integrations/{CID}", method="DELETE")).status == 404
    assert ims.introspect(token) is None  # credential deleted: its tokens die
    assert_ims_error(exchange(ims, sign_jwt(kp.key, claims(clock))), 400, "invalid_client")


def test_admin_tokens_list_and_revoke(ims, kp, clock):
    t = good_token(ims, kp, clock)
    cc(ims)
    tokens = response_json(ims.handle(json_request("/__mock__/ims/tokens", method="GET")))["tokens"]
    assert [x["grant"] for x in tokens] == ["jwt", "client_credentials"]
    assert all("token" not in x for x in tokens)
    assert response_json(ims.handle(json_request("/__mock__/ims/tokens", method="DELETE")))["revoked"] == 2
    assert ims.introspect(t) is None


def test_admin_clock_offset(ims, kp, clock):
    token = good_token(ims, kp, clock)
    resp = ims.handle(json_request("/__mock__/ims/clock", {"offset_seconds": 86400}))
    assert resp.status == 200 and response_json(resp)["offset_seconds"] == 86400
    assert ims.introspect(token) is None
    # a JWT with exp built from the real clock is now expired for IMS
    assert exchange(ims, sign_jwt(kp.key, claims(clock))).status == 400


def test_writes_counted_for_state_changes(ims, kp, clock):
    """Issuing a token stores it (validate_token needs it): one write per request that changed state."""
    w = ims.stats.writes
    good_token(ims, kp, clock)
    assert ims.stats.writes == w + 1
    exchange(ims, sign_jwt(kp.key, claims(clock)), client_secret="bad")
    validate(ims, "x")
    assert ims.stats.writes == w + 1


def test_reset(ims, kp, clock):
    token = good_token(ims, kp, clock)
    ims.reset()
    assert ims.introspect(token) is None
    assert response_json(ims.handle(json_request("/__mock__/ims/integrations", method="GET")))["integrations"] == []


def test_snapshot_restore_keeps_tokens_valid(ims, kp, clock):
    """--state-file: a restarted IMS still knows its integrations and the tokens it issued."""
    token = good_token(ims, kp, clock)
    data = json.loads(json.dumps(ims.snapshot()))  # must be JSON-serialisable
    fresh = IMSApp([IMS], clock=clock)
    fresh.restore(data)
    info = fresh.introspect(token)
    assert info is not None and info["org_id"] == ORG
    assert exchange(fresh, sign_jwt(kp.key, claims(clock))).status == 200


def test_unknown_admin_path(ims):
    assert ims.handle(Request("GET", "/__mock__/ims/nothing")).status == 404


@pytest.mark.parametrize("missing", ["type", "client_id", "token"])
def test_validate_token_missing_params(ims, kp, clock, missing):
    """§5 VERIFIED fields type, client_id, token: a request without one is malformed (400)."""
    fields = {"type": "access_token", "client_id": CID, "token": good_token(ims, kp, clock)}
    del fields[missing]
    resp = ims.handle(form_request("/ims/validate_token/v1", fields))
    assert resp.status == 400 and response_json(resp)["error"] == "invalid_request"
