"""Tests of the mock Brand Portal (tenants receiving replication packages), through handle().

References: aem-http-api.md §5.3 (test package, Action:Test header), §6.2/§6.4 (tenant URL,
transportUri prefix, 401 unauthorized with a stale key), adobe-ims.md §2 (Brand Portal metascope).
The receive path itself is INFERRED (BP_RECEIVE_PATH).
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from tests.mock_aem.brand_portal import BP_RECEIVE_PATH, BrandPortalApp, tenant_url
from tests.mock_aem.http_types import Request
from tests.mock_aem.ims import IMSApp
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
from tests.mock_aem.inferred import INFERRED

ORG = "C74F69D7594880280A495D09@AdobeOrg"
OTHER_ORG = "0000000000000000000000AA@AdobeOrg"
TECH = "6657031C5C095BB40A4955AB@techacct.adobe.com"
CID = "bp-client-0001"
SECRET = "p8e-bp-secret"


class FakeClock:
    def __init__(self) -> None:
        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def kp():
    return make_keypair()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ims(clock, kp):
    app = IMSApp([IMS], clock=clock)
    app.register_integration({
        "client_id": CID, "client_secret": SECRET, "org_id": ORG, "technical_account_id": TECH,
        "certificates": [kp.cert_pem], "metascopes": [BP_METASCOPE], "scopes": ["openid", "AdobeID"],
    })
    app.register_integration({
        "client_id": "other-org-client", "client_secret": SECRET, "org_id": OTHER_ORG,
        "technical_account_id": "X@techacct.adobe.com", "certificates": [kp.cert_pem],
        "metascopes": [BP_METASCOPE], "scopes": ["openid"],
    })
    app.register_integration({
        "client_id": "no-bp-client", "client_secret": SECRET, "org_id": ORG,
        "technical_account_id": "Y@techacct.adobe.com", "certificates": [kp.cert_pem],
        "metascopes": ["ent_user_sdk"], "scopes": ["openid"],
    })
    return app


@pytest.fixture
def bp(ims):
    app = BrandPortalApp(ims)
    resp = app.handle(json_request("/__mock__/tenants", {"tenant": "acme", "org_id": ORG}))
    assert resp.status == 201, resp.body
    return app


def jwt_token(ims, kp, clock, client_id=CID, org=ORG, tech=TECH, metascopes=(BP_METASCOPE,)):
    claims = jwt_claims(client_id, org, tech, exp=int(clock.t) + 300, metascopes=metascopes)
    resp = ims.handle(form_request("/ims/exchange/jwt", {
        "client_id": client_id, "client_secret": SECRET, "jwt_token": sign_jwt(kp.key, claims)}))
    assert resp.status == 200, resp.body
    return response_json(resp)["access_token"]


def cc_token(ims, client_id=CID):
    resp = ims.handle(form_request("/ims/token/v3", {
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": SECRET, "scope": "openid"}))
    assert resp.status == 200, resp.body
    return response_json(resp)["access_token"]


def send(bp, token=None, *, host="acme.brand-portal.adobe.com", path=BP_RECEIVE_PATH, action="Test",
         method="POST", body=b"", content_path="/content/dam"):
    headers = {"host": host, "content-type": "application/octet-stream"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if action is not None:
        headers["action"] = action
    if content_path is not None:
        headers["path"] = content_path
    return bp.handle(Request(method, path, "sling:authRequestLogin=1", headers, body, "https", "127.0.0.1:5001"))


# ---------------------------------------------------------------- receiving


def test_test_package_accepted_and_recorded(bp, ims, kp, clock):
    """§5.3/§6.3: Test Connection sends a TEST package (header Action: Test) to the tenant with the
    IMS bearer token; the mock answers 200 and records it."""
    token = jwt_token(ims, kp, clock)
    resp = send(bp, token)
    assert resp.status == 200, resp.body
    assert b"TEST" in resp.body
    got = response_json(bp.handle(json_request("/__mock__/tenants/acme/received", method="GET")))
    assert got["tenant"] == "acme"
    [rec] = got["received"]
    assert rec["action"] == "Test"
    assert rec["path"] == "/content/dam"
    assert rec["org_id"] == ORG and rec["client_id"] == CID and rec["user_id"] == TECH
    assert rec["grant"] == "jwt"
    assert rec["length"] == 0


def test_ordinary_package_recorded_with_body(bp, ims, kp, clock):
    """§6.4: ordinary publications (Activate) go through the same agents and are recorded."""
    body = b"\x00durbo-package\xff" * 10
    resp = send(bp, jwt_token(ims, kp, clock), action="Activate", body=body, content_path="/content/dam/a.jpg")
    assert resp.status == 200
    [rec] = bp.received("acme")
    assert rec["action"] == "Activate" and rec["length"] == len(body)
    assert base64.b64decode(rec["body_b64"]) == body


def test_client_credentials_token_accepted(bp, ims):
    """adobe-ims.md §4.3/§4.6: OAuth S2S tokens have the same access as JWT ones."""
    assert send(bp, cc_token(ims)).status == 200
    assert bp.received("acme")[0]["grant"] == "client_credentials"


def test_local_prefix_addressing(bp, ims, kp, clock):
    """Direct local access /__tenant__/<tenant>/... (no Brand Portal Host header needed)."""
    resp = send(bp, jwt_token(ims, kp, clock), host="127.0.0.1:5001", path="/__tenant__/acme" + BP_RECEIVE_PATH)
    assert resp.status == 200
    assert len(bp.received("acme")) == 1


def test_host_header_with_port(bp, ims, kp, clock):
    assert send(bp, jwt_token(ims, kp, clock), host="ACME.brand-portal.adobe.com:443").status == 200


# ---------------------------------------------------------------- rejections


def test_unknown_tenant_404(bp, ims, kp, clock):
    """§6.4: the tenant URL must name a known tenant."""
    token = jwt_token(ims, kp, clock)
    assert send(bp, token, host="nobody.brand-portal.adobe.com").status == 404
    assert send(bp, token, host="127.0.0.1:5001").status == 404
    assert send(bp, token, host="x", path="/__tenant__/nobody" + BP_RECEIVE_PATH).status == 404


def test_no_token_401(bp):
    """§6.4 VERIFIED: without valid credentials the agent log shows '401 unauthorized'."""
    resp = send(bp, None)
    assert resp.status == 401
    assert any(k.lower() == "www-authenticate" and v.lower().startswith("bearer") for k, v in resp.headers)
    assert bp.received("acme") == []


def test_garbage_token_401(bp):
    assert send(bp, "not-a-token").status == 401


def test_expired_token_401(bp, ims, kp, clock):
    """adobe-ims.md §1.3: tokens live 24 h."""
    token = jwt_token(ims, kp, clock)
    clock.t += 24 * 3600 + 1
    assert send(bp, token).status == 401


def test_revoked_credential_401(bp, ims, kp, clock):
    token = jwt_token(ims, kp, clock)
    ims.delete_integration(CID)
    assert send(bp, token).status == 401


def test_token_of_other_org_403(bp, ims, kp, clock):
    """A valid token of another IMS org is not valid for this tenant."""
    token = jwt_token(ims, kp, clock, client_id="other-org-client", org=OTHER_ORG, tech="X@techacct.adobe.com")
    resp = send(bp, token)
    assert resp.status == 403
    assert bp.received("acme") == []
    rejected = response_json(bp.handle(json_request("/__mock__/tenants/acme/rejected", method="GET")))["rejected"]
    assert rejected[-1]["status"] == 403 and OTHER_ORG in rejected[-1]["reason"]


def test_token_without_brand_portal_metascope_403(bp, ims, kp, clock):
    """adobe-ims.md §2: the Brand Portal credential carries the ent_brand_portal_sdk metascope."""
    token = jwt_token(ims, kp, clock, client_id="no-bp-client", tech="Y@techacct.adobe.com",
                      metascopes=("ent_user_sdk",))
    assert send(bp, token).status == 403


def test_disabled_tenant_403(bp, ims, kp, clock):
    bp.handle(json_request("/__mock__/tenants", {"tenant": "acme", "org_id": ORG, "enabled": False}))
    assert send(bp, jwt_token(ims, kp, clock)).status == 403


def test_missing_action_400(bp, ims, kp, clock):
    """§5.3: AEM sends the replication action in the Action header."""
    assert send(bp, jwt_token(ims, kp, clock), action=None).status == 400


def test_get_on_receive_405(bp, ims, kp, clock):
    assert send(bp, jwt_token(ims, kp, clock), method="GET").status == 405


def test_unknown_path_on_tenant_404(bp, ims, kp, clock):
    assert send(bp, jwt_token(ims, kp, clock), path="/somewhere/else").status == 404


def test_tenant_root_get(bp):
    resp = bp.handle(Request("GET", "/", headers={"host": "acme.brand-portal.adobe.com"}))
    assert resp.status == 200 and b"acme" in resp.body


# ---------------------------------------------------------------- admin API, App protocol


def test_tenant_admin_created_updated_listed(ims):
    bp = BrandPortalApp(ims)
    r1 = bp.handle(json_request("/__mock__/tenants", {"tenant": "acme", "org_id": ORG}))
    assert r1.status == 201
    view = response_json(r1)
    assert view["url"] == "https://acme.brand-portal.adobe.com" == tenant_url("acme")
    assert view["local_url"] == "http://127.0.0.1:5000/__tenant__/acme"
    assert bp.stats.writes == 1
    assert bp.handle(json_request("/__mock__/tenants", {"tenant": "acme", "org_id": ORG})).status == 200
    assert bp.stats.writes == 1  # unchanged
    assert bp.handle(json_request("/__mock__/tenants", {"tenant": "acme", "org_id": OTHER_ORG})).status == 200
    assert bp.stats.writes == 2
    listing = response_json(bp.handle(json_request("/__mock__/tenants", method="GET")))
    assert [t["tenant"] for t in listing["tenants"]] == ["acme"]
    assert listing["tenants"][0]["org_id"] == OTHER_ORG


@pytest.mark.parametrize("spec", [
    {"tenant": "acme"},
    {"org_id": ORG},
    {"tenant": "Bad Name", "org_id": ORG},
    {"tenant": "acme", "org_id": "nope"},
    {"tenant": "acme", "org_id": ORG, "enabled": "yes"},
])
def test_tenant_admin_validation(ims, spec):
    bp = BrandPortalApp(ims)
    resp = bp.handle(json_request("/__mock__/tenants", spec))
    assert resp.status == 400 and "error" in response_json(resp)
    assert bp.stats.writes == 0


def test_tenant_admin_get_delete(bp, ims, kp, clock):
    assert bp.handle(json_request("/__mock__/tenants/acme", method="GET")).status == 200
    assert bp.handle(json_request("/__mock__/tenants/zzz/received", method="GET")).status == 404
    send(bp, jwt_token(ims, kp, clock))
    w = bp.stats.writes
    assert bp.handle(json_request("/__mock__/tenants/acme/received", method="DELETE")).status == 204
    assert bp.received("acme") == [] and bp.stats.writes == w + 1
    assert bp.handle(json_request("/__mock__/tenants/acme", method="DELETE")).status == 204
    assert bp.handle(json_request("/__mock__/tenants/acme", method="GET")).status == 404
    assert send(bp, jwt_token(ims, kp, clock)).status == 404


def test_writes_count_received_packages_only(bp, ims, kp, clock):
    w = bp.stats.writes
    send(bp, None)  # rejected: logged for debugging, not a stored-state change
    send(bp, jwt_token(ims, kp, clock))
    assert bp.stats.writes == w + 1


def test_reset_snapshot_restore(bp, ims, kp, clock):
    send(bp, jwt_token(ims, kp, clock))
    data = json.loads(json.dumps(bp.snapshot()))
    fresh = BrandPortalApp(ims)
    fresh.restore(data)
    assert len(fresh.received("acme")) == 1
    fresh.reset()
    assert fresh.received("acme") is None


def test_receive_path_is_declared_inferred():
    """aem-http-api.md §6.4: the path after the tenant URL is unknown: it must be an INFERRED entry."""
    assert INFERRED["bp.receive_path"].value == BP_RECEIVE_PATH
