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
from urllib.parse import quote, urlencode, urlsplit

import pytest

from tests.mock_aem.aem import AuthorApp
from tests.mock_aem.aem_brand_portal import install_brand_portal, parse_claim
from tests.mock_aem.brand_portal import BrandPortalApp
from tests.mock_aem.ims import IMSApp
from tests.mock_aem.ims_testkit import make_keypair
from tests.mock_aem.server import MockServer
from tests.mock_aem.version import AEMVersion

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

    def __init__(self, version: str, ims_oauth_hotfix: bool = False) -> None:
        self.ims = IMSApp([IMS_REAL])
        self.bp = BrandPortalApp(self.ims)
        self.ims_srv = MockServer(self.ims, name="ims").start()
        self.bp_srv = MockServer(self.bp, name="bp").start()
        self.ims.add_public_base_url(self.ims_srv.url)
        self.author = AuthorApp(version=version, ims_oauth_hotfix=ims_oauth_hotfix)
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

    def make(version: str, ims_oauth_hotfix: bool = False) -> Bed:
        b = Bed(version, ims_oauth_hotfix)
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


# ---------------------------------------------------------------- OAuth S2S by AEM version (adobe-ims.md §4.6)

HOTFIX_PACKAGE = "/etc/packages/adobe/cq650/hotfix/ims-jwt-compatibility-package-6.5-1.0.zip"
CM = "/system/console/configMgr"
PROVIDER_FPID = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER_FPID = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"


def oauth_update(bed: Bed) -> Tuple[int, bytes]:
    """§7.1 update servlet with authType=oauth (the AEM UI's Authentication Type = OAuth, §4.6)."""
    status, _unused, body = call(bed.aem, "POST", IMS_BASE + "/update", {
        "title": "Brand Portal IMS", "authType": "oauth", "authServerUrl": IMS_REAL, "apiKey": CID,
        "clientSecret": SECRET, "orgId": ORG, "scope": SCOPES})
    return status, body


@pytest.mark.parametrize("version,hotfix,accepted", [
    ("6.5.20", False, False),   # SP20 without the hotfix: no OAuth S2S
    ("6.5.20", True, True),     # SP11-SP20 with ims-jwt-compatibility-package-6.5-1.0.zip
    ("6.5.20.3", True, True),
    ("6.5.11", True, True),     # first SP of the backport
    ("6.5.11", False, False),
    ("6.5.18", False, False),   # the mock's former (INFERRED) native minimum
    ("6.5.21", False, True),    # native from SP21
    ("6.5.21", True, True),     # the hotfix changes nothing there
    ("6.5.10", True, False),    # below SP11 the hotfix gives no OAuth
    ("6.4.8", False, False),    # never on 6.3/6.4 (6.4.8 has the IMS configuration model)
])
def test_oauth_ims_configuration_by_version_and_hotfix(bed_factory, version, hotfix, accepted):
    """adobe-ims.md §4.6 VERIFIED: OAuth Server-to-Server is native in 6.5.21.0+, on 6.5.11-6.5.20
    only with the hotfix ims-jwt-compatibility-package-6.5-1.0.zip, never on 6.3/6.4. Where it is not
    available the update servlet refuses authType=oauth (400) and the provider's metatype has no OAuth
    properties."""
    bed = bed_factory(version, ims_oauth_hotfix=hotfix)
    status, body = oauth_update(bed)
    if accepted:
        assert status == 200, body
        [pid] = bed.author.configs.factory_instances(PROVIDER_FPID)
        props = bed.author.configs.get(pid)["properties"]
        assert props["auth.token.provider.authorization.grants"] == "client_credentials"
        assert props["auth.token.provider.orgId"] == ORG
    else:
        assert status == 400 and b"OAuth credentials are not supported by AEM" in body, (status, body)
        assert bed.author.configs.factory_instances(PROVIDER_FPID) == []
    status, _unused, body = call(bed.aem, "POST", "%s/%s" % (CM, PROVIDER_FPID))
    metatype = json.loads(body)["properties"]
    assert status == 200 and "auth.token.provider.client.id" in metatype
    assert ("auth.token.provider.authorization.grants" in metatype) is accepted
    assert ("auth.token.provider.orgId" in metatype) is accepted
    assert jget(bed.aem, "/__mock__/brand-portal")["oauth_client_credentials"] is accepted


def write_oauth_config_through_configmgr(bed: Bed) -> str:
    """An OAuth S2S IMS configuration written as plain configMgr configurations (§7.2, §9.1; what the
    collection does), then a cloud service using it. Returns the provider's name."""
    def create(fpid: str, props: Dict[str, Any]) -> None:
        fields = [("factoryPid", fpid), ("apply", "true"), ("action", "ajaxConfigManager"),
                  ("propertylist", ",".join(props))] + list(props.items())
        status, _unused, body = call(bed.aem, "POST", CM + "/" + quote("[Temporary PID replaced by real PID upon save]"), fields)
        assert status == 302, body

    create(PROVIDER_FPID, {
        "name": "bp-oauth", "auth.token.provider.title": "Brand Portal IMS",
        "auth.token.provider.authorization.grants": "client_credentials", "auth.token.provider.orgId": ORG,
        "auth.token.provider.default.claims": '"iss":"%s"' % ORG, "auth.token.provider.scope": SCOPES,
        "auth.token.provider.client.id": CID, "auth.token.provider.endpoint": "ims-na1.adobelogin.com",
        "auth.access.token.request": IMS_REAL + "/ims/token/v3", "token.request.customizer.type": "adobe-ims-bp-oauth"})
    create(CUSTOMIZER_FPID, {"customizer.type": "adobe-ims-bp-oauth", "auth.ims.client.secret": SECRET})
    status, _unused, body = call(bed.aem, "POST", "/apps/brandportal/config", {
        "item": "", "name": "Brand Portal", "tenantURL": TENANT_URL, "imsConfig": "bp-oauth"})
    assert status == 200, body
    return "bp-oauth"


@pytest.mark.parametrize("hotfix", [False, True])
def test_oauth_config_written_by_configmgr_on_6520(bed_factory, hotfix):
    """adobe-ims.md §4.6: on AEM 6.5.20 an OAuth configuration stored through configMgr (Felix keeps
    any property) obtains tokens with the client_credentials grant only when the hotfix is installed;
    without it Test Connection fails and IMS issues no token."""
    bed = bed_factory("6.5.20", ims_oauth_hotfix=hotfix)
    bed.register([])
    write_oauth_config_through_configmgr(bed)
    log = bed.test_agent()
    tokens = jget(bed.ims_srv.url, "/__mock__/ims/tokens")["tokens"]
    if hotfix:
        assert "Replication test succeeded" in log, log
        assert [t["grant"] for t in tokens] == ["client_credentials"]
        assert bed.received()[0]["grant"] == "client_credentials"
    else:
        assert "succeeded" not in log and "Replication test failed" in log, log
        assert tokens == [] and bed.received() == []


@pytest.mark.parametrize("version,hotfix,package", [
    ("6.5.20", True, True), ("6.5.10", True, True), ("6.5.20", False, False), ("6.5.21", True, False),
])
def test_hotfix_package_node_and_info(bed_factory, version, hotfix, package):
    """INFERRED aem.ims_oauth_hotfix: the installed hotfix shows as a package under /etc/packages
    (ignored from SP21, which includes it) and survives /__mock__/reset; /__mock__/info reports it."""
    bed = bed_factory(version, ims_oauth_hotfix=hotfix)
    for _unused in range(2):
        status, _unused2, body = call(bed.aem, "GET", HOTFIX_PACKAGE + "/jcr:content/vlt:definition.json")
        if package:
            definition = json.loads(body)
            assert status == 200 and definition["name"] == "ims-jwt-compatibility-package-6.5"
            assert definition["group"] == "adobe/cq650/hotfix" and definition["version"] == "1.0"
        else:
            assert status == 404, body
        # Package Manager's store exists with or without the hotfix: a 404 above means "not installed"
        assert call(bed.aem, "GET", "/etc/packages.json")[0] == 200
        assert call(bed.aem, "POST", "/__mock__/reset", auth=False)[0] == 200
    info = jget(bed.aem, "/__mock__/info")
    assert info["ims_oauth_hotfix"] is package and info["version"] == AEMVersion.parse(version).full
    expected = "native" if version == "6.5.21" else ("hotfix" if package and version == "6.5.20" else "unavailable")
    assert info["oauth"] == expected


@pytest.mark.parametrize("version", ["6.4.8", "6.3.3.8", "6.4"])
def test_hotfix_refused_on_63_64(version):
    """adobe-ims.md §4.6: the hotfix is a 6.5 package (OAuth S2S never on 6.3/6.4): the mock refuses it."""
    with pytest.raises(ValueError, match="is an AEM 6.5 package"):
        AuthorApp(version=version, ims_oauth_hotfix=True)
    assert AuthorApp(version=version).version.oauth_client_credentials is False


@pytest.mark.parametrize("version,hotfix,availability", [
    ("6.5.0", False, "unavailable"), ("6.5.10.9", True, "unavailable"), ("6.5.11.0", False, "unavailable"),
    ("6.5.11.0", True, "hotfix"), ("6.5.20.9", True, "hotfix"), ("6.5.20.9", False, "unavailable"),
    ("6.5.21.0", False, "native"), ("6.5.21.0", True, "native"), ("6.5.22", False, "native"),
])
def test_oauth_availability_by_version(version, hotfix, availability):
    """adobe-ims.md §4.6 as a table: native from 6.5.21.0, hotfix on 6.5.11.0-6.5.20.x."""
    v = AEMVersion.parse(version).with_ims_oauth_hotfix(hotfix)
    assert v.oauth_availability == availability
    assert v.oauth_client_credentials is (availability != "unavailable")
    assert v.full == AEMVersion.parse(version).full  # the hotfix does not change the product version


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


def test_hotfix_package_follows_the_option_after_a_restore():
    """--state-file restore: the package node matches the option of this start (INFERRED
    aem.ims_oauth_hotfix), so a restored instance never claims a hotfix it does not simulate."""
    plain, fixed = AuthorApp(version="6.5.20"), AuthorApp(version="6.5.20", ims_oauth_hotfix=True)
    assert not plain.repo.exists(HOTFIX_PACKAGE) and fixed.repo.exists(HOTFIX_PACKAGE)
    saved_plain, saved_fixed = plain.snapshot(), fixed.snapshot()
    plain.restore(saved_fixed)
    fixed.restore(saved_plain)
    assert not plain.repo.exists(HOTFIX_PACKAGE) and fixed.repo.exists(HOTFIX_PACKAGE)
