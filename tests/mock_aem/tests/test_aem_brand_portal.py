"""End-to-end tests of the AEM-side Brand Portal model over real HTTP: a mock author, the mock IMS
and the mock Brand Portal each on its own loopback port, in-process.

References: aem-http-api.md §5.3 (test log, 'succeeded'), §6.2-§6.4 (cloud services, four
mp_replication agents, transportUri prefix, MAC user), §7 (IMS configuration, keystore of
brandportal-imsconfig-service, provider + customizer configurations), adobe-ims.md (token flows)
and the 6.3 seed (cloud service → public key → console integration → Test Connection).
"""

from __future__ import annotations

import base64
import http.client
import json
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlencode, urlsplit

import pytest

from tests.mock_aem.aem import AuthorApp
from tests.mock_aem.aem_brand_portal import install_brand_portal, parse_claim
from tests.mock_aem.brand_portal import BrandPortalApp
from tests.mock_aem.ims import IMSApp
from tests.mock_aem.ims_testkit import make_keypair
from tests.mock_aem.server import MockServer

ORG = "C74F69D7594880280A495D09@AdobeOrg"
OTHER_ORG = "0000000000000000000000AA@AdobeOrg"
TECH = "6657031C5C095BB40A4955AB@techacct.adobe.com"
CID = "bp0123456789abcdef"
SECRET = "p8e-right-secret"
TENANT_URL = "https://acme.brand-portal.adobe.com"
IMS_REAL = "https://ims-na1.adobelogin.com"
SCOPES = "openid,AdobeID,read_organizations"
AGENTS = "/etc/replication/agents.author"
IMS_BASE = "/libs/cq/adobeims-configuration/content/imsconfigurations"


# ---------------------------------------------------------------- HTTP helpers


def call(base: str, method: str, path: str, fields: Any = None, *, json_body: Any = None,
         auth: bool = True, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    hdrs = dict(headers or {})
    body = None
    if auth:
        hdrs["Authorization"] = "Basic " + base64.b64encode(b"admin:admin").decode()
    if json_body is not None:
        body = json.dumps(json_body).encode()
        hdrs["Content-Type"] = "application/json"
    elif fields is not None:
        body = urlencode(fields, doseq=True).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def jget(base: str, path: str) -> Any:
    status, _unused, body = call(base, "GET", path)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


class Bed:
    """One author + IMS + Brand Portal, each served on its own port."""

    def __init__(self, version: str) -> None:
        self.ims = IMSApp([IMS_REAL])
        self.bp = BrandPortalApp(self.ims)
        self.ims_srv = MockServer(self.ims, name="ims").start()
        self.bp_srv = MockServer(self.bp, name="bp").start()
        self.ims.add_public_base_url(self.ims_srv.url)
        self.author = AuthorApp(version=version)
        install_brand_portal(self.author, ims_url=self.ims_srv.url, bp_url=self.bp_srv.url)
        self.aem_srv = MockServer(self.author, name="aem").start()
        self.aem = self.aem_srv.url
        status = call(self.bp_srv.url, "POST", "/__mock__/tenants", json_body={"tenant": "acme", "org_id": ORG},
                      auth=False)[0]
        assert status == 201

    def stop(self) -> None:
        for s in (self.aem_srv, self.bp_srv, self.ims_srv):
            s.stop()

    def register(self, certificates=(), **over: Any) -> None:
        spec = {"client_id": CID, "client_secret": SECRET, "org_id": ORG, "technical_account_id": TECH,
                "certificates": list(certificates), "metascopes": ["ent_brand_portal_sdk"],
                "scopes": SCOPES.split(",")}
        spec.update(over)
        status, _unused, body = call(self.ims_srv.url, "POST", "/__mock__/ims/integrations", json_body=spec, auth=False)
        assert status in (200, 201), body

    def received(self) -> list:
        return jget(self.bp_srv.url, "/__mock__/tenants/acme/received")["received"]

    def test_agent(self, name: str = "mp_replication") -> str:
        status, _unused, body = call(self.aem, "GET", "%s/%s.test.html" % (AGENTS, name))
        assert status == 200
        return body.decode()

    def brand_portal_agents(self) -> Dict[str, Any]:
        tree = jget(self.aem, AGENTS + ".2.json")
        return {k: v["jcr:content"] for k, v in tree.items()
                if isinstance(v, dict) and k.startswith("mp_replication")}


@pytest.fixture
def bed_factory():
    beds = []

    def make(version: str) -> Bed:
        b = Bed(version)
        beds.append(b)
        return b

    yield make
    for b in beds:
        b.stop()


def jwt_claims_payload(base: str = IMS_REAL, org: str = ORG) -> str:
    return json.dumps({"exp": 1, "iss": org, "sub": TECH, "aud": "%s/c/%s" % (base, CID),
                       "%s/s/ent_brand_portal_sdk" % base: True})


def setup_65_jwt(bed: Bed, *, register: bool = True, org_in_claims: str = ORG, secret: str = SECRET) -> str:
    """§7.1 steps: create certificate, upload it to the console, create the IMS configuration,
    then the cloud service (§6.3). Returns the accessTokenConfigId."""
    status, headers, pem = call(bed.aem, "POST", IMS_BASE + "/certificate", {"alias": "brandportal"})
    assert status == 200 and pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert "AEM-Adobe-IMS.crt" in headers.get("content-disposition", "")
    if register:
        bed.register([pem.decode()])
    status, _unused, body = call(bed.aem, "POST", IMS_BASE + "/update", {
        "cloudServiceName": "Adobe Brand Portal", "keypairAlias": "brandportal", "title": "Brand Portal IMS",
        "authServerUrl": IMS_REAL, "apiKey": CID, "clientSecret": secret,
        "jwtClaims": jwt_claims_payload(org=org_in_claims)})
    assert status == 200, body
    ims_config = body.decode().strip()
    status, _unused, body = call(bed.aem, "POST", "/apps/brandportal/config", {
        "item": "", "name": "Brand Portal", "tenantURL": TENANT_URL, "pubFolder": "",
        "oauthScopes": "dam-read dam-write dam-sync cc-share", "imsConfig": ims_config,
        "sling:resourceType": "dam/components/mediaportal/config"})
    assert status == 200, body
    return ims_config


# ---------------------------------------------------------------- 6.5 IMS configuration model


def test_65_jwt_end_to_end(bed_factory):
    """§6.3/§6.4/§7: IMS configuration (JWT) + cloud service → four mp_replication agents whose
    transportUri starts with the tenant URL + '/', the MAC user, and a Test Connection that delivers
    the test package to the tenant with an IMS token."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    agents = bed.brand_portal_agents()
    assert len(agents) == 4
    assert all(a["transportUri"].startswith(TENANT_URL + "/") for a in agents.values())
    assert jget(bed.aem, "/home/users/mac/mac-acme-replication.json")["rep:authorizableId"] == "mac-acme-replication"
    cs = jget(bed.aem, "/conf/global/settings/cloudconfigs/mediaportal/brand-portal/jcr:content.json")
    assert cs["tenantURL"] == TENANT_URL and cs["sling:resourceType"] == "dam/components/mediaportal/config"
    for name in agents:
        log = bed.test_agent(name)
        assert "Replication test succeeded" in log, log
    rec = bed.received()
    assert len(rec) == 4 and {r["action"] for r in rec} == {"Test"} and rec[0]["grant"] == "jwt"


def test_65_ims_configuration_is_osgi_config_pair(bed_factory):
    """§7.2: provider factory configuration + customizer holding auth.ims.client.secret, linked by
    token.request.customizer.type = customizer.type; key pair in brandportal-imsconfig-service's keystore."""
    bed = bed_factory("6.5.10")
    ims_config = setup_65_jwt(bed)
    provider_fpid = "com.adobe.granite.auth.oauth.accesstoken.provider"
    prov = list(bed.author.configs.factory_instances(provider_fpid))
    assert len(prov) == 1 and prov[0].endswith(ims_config)
    p = bed.author.configs.get(prov[0])["properties"]
    assert p["auth.token.provider.client.id"] == CID
    assert p["auth.token.provider.keypair.alias"] == "brandportal"
    claims = dict(parse_claim(c) for c in p["auth.token.provider.default.claims"])
    assert claims["iss"] == ORG and claims[IMS_REAL + "/s/ent_brand_portal_sdk"] is True
    cust_fpid = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
    [cust] = bed.author.configs.factory_instances(cust_fpid)
    cp = bed.author.configs.get(cust)["properties"]
    assert cp["auth.ims.client.secret"] == SECRET
    assert cp["customizer.type"] == p["token.request.customizer.type"]
    ks = jget(bed.aem, "/home/users/system/brandportal-imsconfig-service.ks.json")
    assert [a["alias"] for a in ks["aliases"]] == ["brandportal"]
    status, _unused, body = call(bed.aem, "GET", IMS_BASE + "/health?configurationId=" + prov[0])
    assert json.loads(body)["message"] == "Token is retrieved successfully"


def test_65_client_secret_changed_through_configmgr(bed_factory):
    """§7.2/§9.1: the client secret lives in the customizer configuration; changing it via configMgr
    (real semantics) is what Test Connection uses."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    cust_fpid = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
    [cust] = bed.author.configs.factory_instances(cust_fpid)
    ctype = bed.author.configs.get(cust)["properties"]["customizer.type"]
    status, _unused, _unused = call(bed.aem, "POST", "/system/console/configMgr/" + cust, {
        "apply": "true", "action": "ajaxConfigManager", "propertylist": "auth.ims.client.secret,customizer.type",
        "auth.ims.client.secret": "p8e-wrong", "customizer.type": ctype})
    assert status in (200, 302)
    log = bed.test_agent()
    assert "invalid client_secret parameter" in log and "succeeded" not in log, log


def test_65_oauth_client_credentials_end_to_end(bed_factory):
    """adobe-ims.md §4.6: OAuth Server-to-Server IMS configuration (6.5.21+) → Test Connection uses
    the client_credentials grant at /ims/token/v3."""
    bed = bed_factory("6.5.21")
    bed.register([])  # OAuth credentials need no certificate
    status, _unused, body = call(bed.aem, "POST", IMS_BASE + "/update", {
        "cloudServiceName": "Adobe Brand Portal", "title": "Brand Portal IMS", "authType": "oauth",
        "authServerUrl": IMS_REAL, "apiKey": CID, "clientSecret": SECRET, "orgId": ORG, "scope": SCOPES})
    assert status == 200, body
    status, _unused, body = call(bed.aem, "POST", "/apps/brandportal/config", {
        "item": "", "name": "Brand Portal", "tenantURL": TENANT_URL, "imsConfig": body.decode().strip()})
    assert status == 200, body
    log = bed.test_agent()
    assert "Replication test succeeded" in log, log
    assert bed.received()[0]["grant"] == "client_credentials"
    tokens = jget(bed.ims_srv.url, "/__mock__/ims/tokens")["tokens"]
    assert [t["grant"] for t in tokens] == ["client_credentials"]


def test_65_21_refuses_new_jwt_configuration(bed_factory):
    """adobe-ims.md §4.6 VERIFIED: from SP21 JWT configurations can no longer be created."""
    bed = bed_factory("6.5.21")
    call(bed.aem, "POST", IMS_BASE + "/certificate", {"alias": "bp"})
    status, _unused, _unused = call(bed.aem, "POST", IMS_BASE + "/update", {
        "title": "t", "authServerUrl": IMS_REAL, "apiKey": CID, "clientSecret": SECRET,
        "keypairAlias": "bp", "jwtClaims": jwt_claims_payload()})
    assert status == 400


def test_oauth_not_available_before_support(bed_factory):
    """AEM versions without the OAuth S2S grant cannot create an OAuth IMS configuration."""
    bed = bed_factory("6.5.10")
    status, _unused, _unused = call(bed.aem, "POST", IMS_BASE + "/update", {
        "title": "t", "authType": "oauth", "authServerUrl": IMS_REAL, "apiKey": CID, "clientSecret": SECRET,
        "orgId": ORG, "scope": SCOPES})
    assert status == 400


def test_ims_servlets_absent_before_654(bed_factory):
    """§6.1 VERIFIED: the IMS model needs 6.5.4.0+; on 6.5.0 /apps/brandportal/config creates no agents."""
    bed = bed_factory("6.5.0")
    call(bed.aem, "POST", "/apps/brandportal/config", {"name": "Brand Portal", "tenantURL": TENANT_URL})
    assert bed.brand_portal_agents() == {}


def test_ims_configuration_delete(bed_factory):
    """§7.1 VERIFIED: delete servlet with configurationIds=<PID> removes the configuration."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    provider_fpid = "com.adobe.granite.auth.oauth.accesstoken.provider"
    [pid] = bed.author.configs.factory_instances(provider_fpid)
    status, _unused, body = call(bed.aem, "POST", IMS_BASE + "/delete", {"configurationIds": pid})
    assert status == 200 and json.loads(body)["deleted"] == [pid]
    assert bed.author.configs.factory_instances(provider_fpid) == []
    log = bed.test_agent()
    assert "No Adobe IMS configuration" in log and "succeeded" not in log


# ---------------------------------------------------------------- Test Connection failures


def test_failure_certificate_not_registered(bed_factory):
    """Test Connection fails with the IMS reason when the console has another certificate."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed, register=False)
    bed.register([make_keypair("someone else").cert_pem])
    log = bed.test_agent()
    assert "Could not match JWT signature to any of the bindings" in log, log
    assert "succeeded" not in log
    assert bed.received() == []


def test_failure_wrong_client_secret(bed_factory):
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed, secret="p8e-wrong")
    log = bed.test_agent()
    assert "invalid_client" in log and "invalid client_secret parameter" in log, log
    assert "succeeded" not in log


def test_failure_wrong_org_in_claims(bed_factory):
    """The JWT's iss names another org than the console binding: IMS refuses it."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed, org_in_claims=OTHER_ORG)
    log = bed.test_agent()
    assert "Could not match JWT signature" in log and "succeeded" not in log, log


def test_failure_tenant_of_other_org(bed_factory):
    """The token is fine but the tenant belongs to another IMS org: Brand Portal answers 403."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    call(bed.bp_srv.url, "POST", "/__mock__/tenants", json_body={"tenant": "acme", "org_id": OTHER_ORG}, auth=False)
    log = bed.test_agent()
    assert "sent. Response: 403" in log and "succeeded" not in log, log


def test_failure_tenant_unknown(bed_factory):
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    call(bed.bp_srv.url, "DELETE", "/__mock__/tenants/acme", auth=False)
    log = bed.test_agent()
    assert "sent. Response: 404" in log and "not found" in log and "succeeded" not in log, log


def test_failure_agent_disabled(bed_factory):
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    status, _unused, _unused = call(bed.aem, "POST", AGENTS + "/mp_replication_2/jcr:content", {"enabled": "false"})
    assert status == 200
    log = bed.test_agent("mp_replication_2")
    assert "not enabled" in log and "succeeded" not in log, log
    assert "Replication test succeeded" in bed.test_agent("mp_replication")


def test_failure_ims_unreachable(bed_factory):
    """No route to IMS: the log says so (java.net-style unknown host), no DNS look-up happens."""
    bed = bed_factory("6.5.10")
    setup_65_jwt(bed)
    bed.author.brand_portal.ims_url = None
    log = bed.test_agent()
    assert "UnknownHostException: ims-na1.adobelogin.com" in log and "succeeded" not in log


# ---------------------------------------------------------------- 6.3/6.4 Adobe I/O model (seed)


def test_63_cloud_service_model(bed_factory):
    """6.3 seed: create the cloud service (tenant URL + authorization server) → public key generated
    and downloadable as AEM-Adobe-IMS.crt; register it in the console; edit the cloud service with
    API key, technical account, org and client secret; four agents; Test Connection succeeds."""
    bed = bed_factory("6.3.3.8")
    status, _unused, body = call(bed.aem, "POST", "/etc/cloudservices/mediaportal/brandportal", {
        "jcr:primaryType": "cq:Page", "jcr:content/jcr:primaryType": "nt:unstructured",
        "jcr:content/jcr:title": "Brand Portal", "jcr:content/tenantURL": TENANT_URL,
        "jcr:content/authServerUrl": IMS_REAL + "/"})
    assert status == 201, body
    assert len(bed.brand_portal_agents()) == 4
    status, headers, pem = call(bed.aem, "GET", "/etc/cloudservices/mediaportal/brandportal.crt")
    assert status == 200 and pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert "AEM-Adobe-IMS.crt" in headers["content-disposition"]
    assert "Replication test succeeded" not in bed.test_agent()  # not configured yet
    bed.register([pem.decode()])
    status, _unused, _unused = call(bed.aem, "POST", "/etc/cloudservices/mediaportal/brandportal/jcr:content", {
        "apiKey": CID, "techAccountId": TECH, "orgId": ORG, "clientSecret": SECRET})
    assert status == 200
    log = bed.test_agent()
    assert "Replication test succeeded" in log, log
    ks = jget(bed.aem, "/home/users/mac/mac-acme-replication.ks.json")
    assert ks["aliases"][0]["alias"] == "brandportal"


# ---------------------------------------------------------------- legacy seed (upgrade tests)


def test_legacy_seed(bed_factory):
    """§6.2/§6.4: a pre-2020 OAuth Gateway installation: cloud service under
    /etc/cloudservices/mediaportal with tenantURL + clientId, four agents, MAC user. Its Test
    Connection fails (no legacy gateway): it must be upgraded."""
    bed = bed_factory("6.4.8")
    status, _unused, body = call(bed.aem, "POST", "/__mock__/brand-portal/legacy", json_body={"tenant": "acme"}, auth=False)
    assert status == 201, body
    cs = jget(bed.aem, "/etc/cloudservices/mediaportal/brand-portal/jcr:content.json")
    assert cs["tenantURL"] == TENANT_URL and cs["clientId"]
    assert len(bed.brand_portal_agents()) == 4
    assert jget(bed.aem, "/home/users/mac/mac-acme-replication.json")["jcr:primaryType"] == "rep:User"
    log = bed.test_agent()
    assert "Legacy OAuth Gateway" in log and "succeeded" not in log, log
    # the documented upgrade clean-up works with plain Sling deletes
    for name in list(bed.brand_portal_agents()):
        assert call(bed.aem, "POST", "%s/%s" % (AGENTS, name), {":operation": "delete"})[0] == 200
    assert call(bed.aem, "POST", "/etc/cloudservices/mediaportal/brand-portal", {":operation": "delete"})[0] == 200
    assert call(bed.aem, "POST", "/home/users/mac/mac-acme-replication", {":operation": "delete"})[0] == 200
    assert bed.brand_portal_agents() == {}


def test_write_stats(bed_factory):
    """Stats: the servlets count one write per state-changing request."""
    bed = bed_factory("6.5.10")
    before = bed.author.stats.writes
    setup_65_jwt(bed)
    assert bed.author.stats.writes == before + 3  # certificate, IMS configuration, cloud service
    bed.test_agent()


def test_local_tenant_url(bed_factory):
    """A tenant URL pointing straight at the mock Brand Portal (/__tenant__/<tenant>) works too: the
    agents' transportUri starts with it and the MAC user is named after the tenant."""
    bed = bed_factory("6.5.21")
    bed.register([])
    local = bed.bp_srv.url + "/__tenant__/acme"
    status, _unused, body = call(bed.aem, "POST", IMS_BASE + "/update", {
        "title": "BP", "authType": "oauth", "authServerUrl": bed.ims_srv.url, "apiKey": CID,
        "clientSecret": SECRET, "orgId": ORG, "scope": SCOPES})
    assert status == 200, body
    status, _unused, body = call(bed.aem, "POST", "/apps/brandportal/config", {
        "name": "Local", "tenantURL": local, "imsConfig": body.decode().strip()})
    assert status == 200, body
    assert all(a["transportUri"].startswith(local + "/") for a in bed.brand_portal_agents().values())
    assert "Replication test succeeded" in bed.test_agent()
    assert len(bed.received()) == 1
