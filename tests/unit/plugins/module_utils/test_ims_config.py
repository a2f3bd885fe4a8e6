# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adobe IMS configurations: configMgr client, desired properties, secrets policy, key pair, check mode."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    C_SECRET,
    C_TYPE,
    P_ALIAS,
    P_CLAIMS,
    P_GRANTS,
    P_SCOPE,
    P_TITLE,
    ImsRequest,
    certificate_expiry_warning,
    check_health,
    claims_dict,
    credential_type_problem,
    desired_provider,
    effective_settings,
    ensure_absent,
    ensure_present,
    merged_properties,
    normalise,
    parse_claim,
    read_keystore,
    settings_from_provider,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import (
    PASSWORD_MASK,
    TEMP_PID,
    OsgiConfig,
    config_form,
    create_factory_config,
    delete_config,
    list_factory_instances,
    parse_config_data,
    read_config,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import AemVersion, Profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, Redactor
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
ORG = "1234567890ABCDEF12345678@AdobeOrg"
ACCOUNT = "ABCDEF1234567890@techacct.adobe.com"
SECRET = "p8e-unit-client-secret"
USER = "/home/users/system/brandportal-imsconfig-service"


def keypair(cn="AEM-Adobe-IMS", days=365):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days)).sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return pem_key, cert.public_bytes(serialization.Encoding.PEM).decode(), cert


@pytest.fixture(scope="module")
def byo():
    return keypair("fleet")


def client_and_session(script, **kwargs):
    """(client, fake session) without the warnings and sleeps make_client also returns."""
    client, session = make_client(script, **kwargs)[:2]
    return client, session


def console_entry(value, type_=1, is_set=True, multi=False):
    entry = {"name": "label", "optional": False, "is_set": is_set, "type": type_}
    entry["values" if multi else "value"] = value
    return entry


# -- configMgr client -----------------------------------------------------------------------------

def test_console_json_keeps_set_properties_and_types():
    obj = {"pid": PROVIDER + ".1", "factoryPid": PROVIDER, "bundle_location": "loc", "properties": {
        P_TITLE: console_entry("Brand Portal"),
        P_CLAIMS: console_entry(['iss:"%s"' % ORG], multi=True),
        "auth.token.provider.conn.timeout": console_entry(10000, type_=3, is_set=False),
        "secret": console_entry(PASSWORD_MASK, type_=12),
        "empty.secret": console_entry("", type_=12),
    }}
    config = OsgiConfig.from_console(obj)
    assert config.properties == {P_TITLE: "Brand Portal", P_CLAIMS: ['iss:"%s"' % ORG], "secret": PASSWORD_MASK}
    assert config.is_password("secret") and not config.is_password(P_TITLE)
    assert config.factory_pid == PROVIDER and config.bundle_location == "loc"


def test_read_config_array_and_empty_array():
    client, session = client_and_session([FakeResponse(200, []),
                                          FakeResponse(200, [{"pid": "a.b", "properties": {}}])])
    assert read_config(client, "a.b") is None
    assert read_config(client, "a.b").pid == "a.b"
    assert session.calls[0]["url"].endswith("/system/console/configMgr/a.b.json")


def test_read_config_refuses_html():
    client = client_and_session([FakeResponse(200, "<html>login</html>")])[0]
    with pytest.raises(AemUnexpectedResponseError):
        read_config(client, "a.b")


def test_config_data_lists_factory_instances_only():
    data = {"status": True, "pids": [{"id": PROVIDER + ".1", "fpid": PROVIDER}, {"id": "other.pid"},
                                     {"id": CUSTOMIZER + ".2", "fpid": CUSTOMIZER}], "fpids": []}
    page = "<script>\n// <![CDATA[\nvar configData = %s;\n// ]]>\n</script>" % json.dumps(data)
    assert parse_config_data(page)["status"] is True
    client, session = client_and_session([FakeResponse(200, page)])
    assert list_factory_instances(client, PROVIDER) == [PROVIDER + ".1"]
    assert session.calls[0]["url"].endswith("/system/console/configMgr")


def test_config_page_without_config_data_is_an_error():
    client = client_and_session([FakeResponse(200, "<html>no</html>")])[0]
    with pytest.raises(AemUnexpectedResponseError, match="configData"):
        list_factory_instances(client, PROVIDER)


def test_form_names_every_property_repeats_lists_and_escapes_reserved_names():
    form = config_form({"b": [1, 2], "a": True, "action": "x"}, location="loc")
    assert form[:3] == [("apply", "true"), ("action", "ajaxConfigManager"), ("$location", "loc")]
    assert ("propertylist", "a,action,b") in form
    assert ("a", "true") in form and ("$action", "x") in form
    assert [v for k, v in form if k == "b"] == ["1", "2"]


def test_merged_properties_keeps_unmanaged_and_masks_passwords():
    current = OsgiConfig("p", properties={"keep": 5, "pw": PASSWORD_MASK, "gone": "x", "title": "old"},
                         types={"pw": 12})
    merged = merged_properties(current, {"title": "new"}, remove=("gone",))
    assert merged == {"keep": 5, "pw": PASSWORD_MASK, "title": "new"}


def test_create_factory_config_posts_to_the_temporary_pid_and_reads_location():
    new_pid = PROVIDER + ".1f2e3d4c-0000-4000-8000-000000000000"
    location = {"Location": "/system/console/configMgr/" + new_pid}
    client, session = client_and_session([FakeResponse(302, "", location)])
    assert create_factory_config(client, PROVIDER, {"name": "n"}) == new_pid
    call = session.calls[0]
    assert call["method"] == "POST"
    assert unquote(urlsplit(call["url"]).path) == "/system/console/configMgr/" + TEMP_PID
    assert "%5BTemporary%20PID" in call["url"]
    assert ("factoryPid", PROVIDER) in call["data"] and ("propertylist", "name") in call["data"]


def test_create_without_location_is_an_error():
    client = client_and_session([FakeResponse(302, "")])[0]
    with pytest.raises(AemUnexpectedResponseError, match="Location"):
        create_factory_config(client, PROVIDER, {"name": "n"})


def test_delete_config():
    client, session = client_and_session([FakeResponse(200, {"status": True})])
    delete_config(client, "a.b")
    assert session.calls[0]["data"] == [("apply", "1"), ("delete", "1")]


# -- claims, settings and desired properties ------------------------------------------------------

@pytest.mark.parametrize("entry, expected", [
    ('aud:"https://ims-na1.adobelogin.com/c/abc"', ("aud", "https://ims-na1.adobelogin.com/c/abc")),
    ("https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk:true",
     ("https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk", True)),
    ('"iss" : "%s"' % ORG, ("iss", ORG)),
    ("no claim here", None),
])
def test_parse_claim(entry, expected):
    assert parse_claim(entry) == expected


def test_claims_compare_by_meaning_not_by_format():
    ours = ['iss:"%s"' % ORG, 'sub:"%s"' % ACCOUNT]
    theirs = ['"sub" : "%s"' % ACCOUNT, '"iss" : "%s"' % ORG]
    assert normalise(P_CLAIMS, ours) == normalise(P_CLAIMS, theirs)
    assert normalise(P_SCOPE, "openid, AdobeID") == normalise(P_SCOPE, "AdobeID,openid")
    assert normalise("x", 10000) == normalise("x", "10000")
    assert normalise("x", "") is None


def jwt_settings(**overrides):
    settings = {"credential_type": "jwt", "authorization_server": "https://ims-na1.adobelogin.com",
                "api_key": "client", "org_id": ORG, "technical_account_id": ACCOUNT,
                "metascopes": ["ent_brand_portal_sdk"], "scopes": None, "keypair_alias": "brandportal"}
    settings.update(overrides)
    return settings


def test_desired_jwt_provider():
    props = desired_provider(jwt_settings(), "Brand Portal", "n1", "adobe-ims-n1")
    assert props[P_ALIAS] == "brandportal"
    assert props["auth.access.token.request"] == "https://%s/ims/exchange/jwt"
    assert props["auth.token.provider.endpoint"] == "ims-na1.adobelogin.com"
    assert claims_dict(props[P_CLAIMS]) == {
        "iss": ORG, "sub": ACCOUNT, "aud": "https://ims-na1.adobelogin.com/c/client",
        "https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk": True}
    assert P_GRANTS not in props and P_SCOPE not in props
    assert props["token.request.customizer.type"] == props["auth.token.validator.type"] == "adobe-ims-n1"


def test_desired_oauth_provider():
    settings = jwt_settings(credential_type="oauth", scopes=["openid", "AdobeID"], technical_account_id=None,
                            metascopes=None, keypair_alias=None)
    props = desired_provider(settings, "Brand Portal", "n1", "adobe-ims-n1")
    assert props[P_GRANTS] == "client_credentials"
    assert props["auth.token.provider.orgId"] == ORG
    assert props[P_SCOPE] == "openid,AdobeID"
    assert props["auth.access.token.request"] == "https://ims-na1.adobelogin.com/ims/token/v3"
    assert claims_dict(props[P_CLAIMS]) == {"iss": ORG}
    assert P_ALIAS not in props


def test_settings_round_trip_through_the_provider():
    for settings in (jwt_settings(), jwt_settings(credential_type="oauth", scopes=["AdobeID", "openid"],
                                                  technical_account_id=None, metascopes=None, keypair_alias=None)):
        props = desired_provider(settings, "T", "n", "c")
        assert settings_from_provider(props) == settings


def test_effective_settings_fill_unset_options_from_aem():
    current = settings_from_provider(desired_provider(jwt_settings(), "T", "n", "c"))
    request = ImsRequest("T", credential_type="jwt", technical_account_id="OTHER@techacct.adobe.com")
    request.validate()
    merged = effective_settings(request, current)
    assert merged["api_key"] == "client" and merged["keypair_alias"] == "brandportal"
    assert merged["technical_account_id"] == "OTHER@techacct.adobe.com"


# -- input validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, option", [
    (dict(title=" "), "option title"),
    (dict(org_id="1234"), "option org_id"),
    (dict(credential_type="jwt", technical_account_id="x"), "option technical_account_id"),
    (dict(keypair_alias="bp"), "option keypair_alias"),
    (dict(credential_type="jwt", scopes=["openid"]), "option scopes"),
    (dict(scopes=[]), "option scopes"),
    (dict(credential_type="jwt", metascopes=[]), "option metascopes"),
    (dict(authorization_server="ims-na1.adobelogin.com"), "option authorization_server"),
    (dict(authorization_server="https://ims-na1.adobelogin.com/ims"), "option authorization_server"),
    (dict(api_key=" client"), "option api_key"),
    (dict(credential_type="jwt", keypair_alias="a b"), "option keypair_alias"),
    (dict(credential_type="jwt", keypair_alias="a", private_key="x"), "private_key and certificate"),
    (dict(client_secret_update="never"), "option client_secret_update"),
])
def test_bad_input_names_the_option(kwargs, option):
    kwargs.setdefault("title", "Brand Portal")
    with pytest.raises(AemInputError, match=option):
        ImsRequest(**kwargs).validate()


def test_key_pair_must_belong_together(byo):
    other_key = keypair("other")[0]
    request = ImsRequest("T", credential_type="jwt", keypair_alias="fleet", private_key=other_key,
                         certificate=byo[1])
    with pytest.raises(AemInputError, match="does not belong"):
        request.validate()


def test_key_pair_is_parsed(byo):
    request = ImsRequest("T", credential_type="jwt", keypair_alias="fleet", private_key=byo[0], certificate=byo[1])
    request.validate()
    assert request.cert.serial_number == byo[2].serial_number


def test_certificate_expiry_warning():
    cert = keypair(days=10)[2]
    assert "expires in" in certificate_expiry_warning(cert)
    assert certificate_expiry_warning(cert, now=datetime.now(timezone.utc) + timedelta(days=20)).startswith(
        "option certificate: the certificate expired")
    assert certificate_expiry_warning(keypair(days=365)[2]) is None


@pytest.mark.parametrize("version, credential_type, error, warning", [
    ("6.5.0.0", "jwt", "no Adobe IMS configurations", None),
    ("6.5.15.0", "jwt", None, None),
    ("6.5.15.0", "oauth", None, "hotfix"),
    ("6.5.10.0", "oauth", "option credential_type: oauth", None),
    ("6.5.21.0", "jwt", "option credential_type: jwt", None),
    ("6.5.21.0", "oauth", None, None),
])
def test_credential_type_per_version(version, credential_type, error, warning):
    found_error, found_warning = credential_type_problem(Profile(AemVersion(version)), credential_type)
    assert (error is None and found_error is None) or error in found_error
    assert (warning is None and found_warning is None) or warning in found_warning


# -- keystore and health ---------------------------------------------------------------------------

def test_keystore_without_store_answers_exists_false():
    client = client_and_session([FakeResponse(200, {"exists": False}),
                                 FakeResponse(200, {"aliases": [{"alias": "bp", "chain": []}]})])[0]
    assert read_keystore(client, USER) is None
    assert list(read_keystore(client, USER)) == ["bp"]


def test_health_failure_keeps_ims_reason_and_adds_the_fix():
    message = "IMS token request failed: 400 invalid_client: invalid client_secret parameter"
    answer = {"ok": False, "message": message, "log": [message]}
    client, session = client_and_session([FakeResponse(200, answer)])
    result = check_health(client, PROVIDER + ".1", "oauth")
    assert result["ok"] is False and result["message"] == message
    assert "option client_secret" in result["hint"]
    assert session.calls[0]["params"] == {"configurationId": PROVIDER + ".1"}
    assert session.calls[0]["url"].endswith("/libs/cq/adobeims-configuration/content/imsconfigurations/health")


def test_redactor_keeps_ims_error_codes_readable():
    text = "400 invalid_token: Could not match JWT signature to any of the bindings; token: abcdefgh"
    assert Redactor().text(text) == "400 invalid_token: Could not match JWT signature to any of the bindings; " \
                                    "token: " + REDACTED


# -- the whole flow, on a small stateful fake AEM ---------------------------------------------------

class FakeAem(object):
    """Just enough of AEM for the flow: configMgr with §9.1 semantics, keystores, the IMS servlets."""

    def __init__(self):
        self.configs = {}
        self.types = {CUSTOMIZER: {C_SECRET: 12}}
        self.keystore = None
        self.writes = 0
        self.calls = []
        self.headers = {}
        self.auth = None
        self.verify = None
        self.counter = 0

    # requests.Session interface
    def request(self, method, url, params=None, data=None, files=None, **_kwargs):
        parts = urlsplit(url)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query))
        query.update(params or {})
        form = list(data.items()) if isinstance(data, dict) else list(data or [])
        self.calls.append((method, path))
        if method == "POST":
            self.writes += 1
        return self.route(method, path, query, form, files)

    def route(self, method, path, query, form, files):
        base = "/system/console/configMgr"
        if path == base:
            pids = [{"id": pid, "fpid": c["fpid"]} for pid, c in self.configs.items()]
            return FakeResponse(200, "var configData = %s;\n" % json.dumps({"status": True, "pids": pids}))
        if path.startswith(base + "/") and path.endswith(".json"):
            return FakeResponse(200, self.describe(path[len(base) + 1:-5]))
        if path.startswith(base + "/") and method == "POST":
            return self.apply(path[len(base) + 1:], dict(form), form)
        if path == "/bin/querybuilder.json":
            return FakeResponse(200, {"success": True, "hits": [{"path": USER}]})
        if path == USER + ".ks.json":
            if self.keystore is None:
                return FakeResponse(200, {"exists": False})
            return FakeResponse(200, {"aliases": [{"alias": a, "chain": [{"serialNumber": s, "subject": "CN=x"}]}
                                                  for a, s in self.keystore.items()]})
        if path == USER + ".ks.html":
            fields = dict(form)
            if fields.get(":operation") == "createStore":
                self.keystore = {}
            elif "removeAlias" in fields:
                self.keystore.pop(fields["removeAlias"], None)
            else:
                cert = x509.load_pem_x509_certificate(files["cert-chain"][1])
                serialization.load_der_private_key(files["pk"][1], None)
                self.keystore[fields["alias"]] = cert.serial_number
            return FakeResponse(200, "<html>OK</html>")
        if path.endswith("/imsconfigurations/certificate"):
            alias = query.get("alias") or dict(form).get("alias")
            if method == "POST":
                self.keystore = self.keystore if self.keystore is not None else {}
                self.keystore[alias] = 42
            elif alias not in (self.keystore or {}):
                return FakeResponse(404, "no")
            return FakeResponse(200, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        if path.endswith("/imsconfigurations/health"):
            return FakeResponse(200, {"ok": True, "message": "Token is retrieved successfully"})
        return FakeResponse(404, "not found: %s" % path)

    def describe(self, pid):
        config = self.configs.get(pid)
        if config is None:
            return []
        types = self.types.get(config["fpid"], {})
        props = {}
        for name, value in config["props"].items():
            type_ = types.get(name, 1)
            shown = PASSWORD_MASK if type_ == 12 else value
            props[name] = console_entry(shown, type_=type_, multi=isinstance(value, list))
        return [{"pid": pid, "factoryPid": config["fpid"], "properties": props, "bundle_location": None}]

    def apply(self, pid, fields, form):
        if "delete" in fields:
            self.configs.pop(pid, None)
            return FakeResponse(200, {"status": True})
        if pid == TEMP_PID:
            self.counter += 1
            pid = "%s.%04d" % (fields["factoryPid"], self.counter)
            self.configs[pid] = {"fpid": fields["factoryPid"], "props": {}}
        config = self.configs[pid]
        old = config["props"]
        new = {}
        for name in fields["propertylist"].split(","):
            values = [v for k, v in form if k == name]
            if self.types.get(config["fpid"], {}).get(name) == 12 and values == [PASSWORD_MASK]:
                if name in old:
                    new[name] = old[name]
                continue
            if values:
                new[name] = values if (len(values) > 1 or isinstance(old.get(name), list) or name == P_CLAIMS) \
                    else values[0]
        config["props"] = new
        return FakeResponse(302, "", {"Location": "/system/console/configMgr/" + pid})

    def provider(self):
        [pid] = [p for p, c in self.configs.items() if c["fpid"] == PROVIDER]
        return pid, self.configs[pid]["props"]

    def customizer(self):
        [pid] = [p for p, c in self.configs.items() if c["fpid"] == CUSTOMIZER]
        return pid, self.configs[pid]["props"]


def aem_client(aem):
    client = client_and_session([], session=aem)[0]
    return client


def oauth_request(**overrides):
    kwargs = dict(api_key="client", client_secret=SECRET, org_id=ORG, scopes=["openid", "AdobeID"])
    kwargs.update(overrides)
    return ImsRequest("Brand Portal", **kwargs)


def test_create_in_check_mode_writes_nothing_and_hides_the_secret():
    aem = FakeAem()
    result = ensure_present(aem_client(aem), oauth_request(), check_mode=True)
    assert result["changed"] and aem.writes == 0
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"][C_SECRET] == REDACTED
    assert result["diff"]["after"]["name"] == "<generated>"
    assert result["ims_config"]["pid"] is None
    assert SECRET not in json.dumps(result)


def test_create_then_rerun_makes_no_write():
    aem = FakeAem()
    created = ensure_present(aem_client(aem), oauth_request(), check_mode=False)
    assert created["changed"] and created["secret_written"]
    pid, props = aem.provider()
    cpid, cprops = aem.customizer()
    assert aem.writes == 2 and created["ims_config"]["pid"] == pid
    assert cprops[C_SECRET] == SECRET and cprops[C_TYPE] == props["token.request.customizer.type"]
    assert created["ims_config"]["customizer"]["properties"][C_SECRET] == REDACTED
    assert created["ims_config"]["id"] == props["name"]
    rerun = ensure_present(aem_client(aem), oauth_request(), check_mode=False)
    assert not rerun["changed"] and aem.writes == 2
    assert rerun["diff"]["before"] == {} and rerun["diff"]["after"] == {}


def test_one_setting_changes_with_one_write_and_keeps_unmanaged_properties():
    aem = FakeAem()
    ensure_present(aem_client(aem), oauth_request(), check_mode=False)
    pid, props = aem.provider()
    props["auth.token.provider.conn.timeout"] = "5000"  # set by someone else
    result = ensure_present(aem_client(aem), ImsRequest("Brand Portal", scopes=["openid"]), check_mode=False)
    assert result["changed"] and aem.writes == 3
    assert result["diff"]["before"] == {P_SCOPE: "openid,AdobeID"}
    assert result["diff"]["after"] == {P_SCOPE: "openid"}
    props = aem.provider()[1]
    assert props[P_SCOPE] == "openid" and props["auth.token.provider.conn.timeout"] == "5000"
    assert props["auth.token.provider.client.id"] == "client"


@pytest.mark.parametrize("policy, writes, changed", [("on_create", 2, False), ("always", 3, True)])
def test_client_secret_policy(policy, writes, changed):
    aem = FakeAem()
    ensure_present(aem_client(aem), oauth_request(), check_mode=False)
    result = ensure_present(aem_client(aem), ImsRequest("Brand Portal", client_secret="p8e-new-secret",
                                                        client_secret_update=policy), check_mode=False)
    assert result["changed"] is changed and aem.writes == writes
    cprops = aem.customizer()[1]
    assert cprops[C_SECRET] == ("p8e-new-secret" if changed else SECRET)
    if changed:
        assert result["diff"]["before"] == {C_SECRET: REDACTED} == result["diff"]["after"]
    assert "p8e-new-secret" not in json.dumps(result)


def test_switching_to_oauth_removes_the_jwt_properties():
    aem = FakeAem()
    jwt = ImsRequest("Brand Portal", credential_type="jwt", api_key="client", client_secret=SECRET, org_id=ORG,
                     technical_account_id=ACCOUNT, keypair_alias="brandportal")
    created = ensure_present(aem_client(aem), jwt, check_mode=False)
    assert created["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert created["diff"]["after"]["keypair"]["alias"] == "brandportal"
    assert aem.keystore == {"brandportal": 42}
    migrated = ensure_present(aem_client(aem), ImsRequest("Brand Portal", scopes=["openid"]), check_mode=False)
    props = aem.provider()[1]
    assert P_ALIAS not in props and props[P_GRANTS] == "client_credentials"
    assert migrated["diff"]["before"][P_ALIAS] == "brandportal" and P_ALIAS not in migrated["diff"]["after"]


def _jwt_configuration(aem):
    jwt = ImsRequest("Brand Portal", credential_type="jwt", api_key="client", client_secret=SECRET, org_id=ORG,
                     technical_account_id=ACCOUNT, keypair_alias="brandportal")
    ensure_present(aem_client(aem), jwt, check_mode=False)
    return aem.writes


def test_migrating_to_a_new_oauth_client_writes_its_secret_once():
    # on_create would keep the JWT credential's secret, which IMS refuses for the new client
    aem = FakeAem()
    writes = _jwt_configuration(aem)
    request = oauth_request(api_key="oauth-client", client_secret="p8e-oauth-secret")
    migrated = ensure_present(aem_client(aem), request, check_mode=False)
    assert migrated["changed"] and migrated["secret_written"]
    assert aem.customizer()[1][C_SECRET] == "p8e-oauth-secret"
    assert migrated["diff"]["before"][C_SECRET] == REDACTED == migrated["diff"]["after"][C_SECRET]
    assert "p8e-oauth-secret" not in json.dumps(migrated)
    after = aem.writes
    assert after == writes + 2  # provider and customizer
    rerun = ensure_present(aem_client(aem), oauth_request(api_key="oauth-client", client_secret="p8e-oauth-secret"),
                           check_mode=False)
    assert not rerun["changed"] and aem.writes == after


def test_migrating_in_place_with_the_same_client_writes_the_secret_given():
    aem = FakeAem()
    _jwt_configuration(aem)
    migrated = ensure_present(aem_client(aem), oauth_request(client_secret="p8e-same-client"), check_mode=False)
    assert migrated["secret_written"] and aem.customizer()[1][C_SECRET] == "p8e-same-client"


def test_a_new_client_id_without_its_secret_is_an_error_before_any_write():
    aem = FakeAem()
    writes = _jwt_configuration(aem)
    with pytest.raises(AemInputError, match="client_secret"):
        ensure_present(aem_client(aem), ImsRequest("Brand Portal", api_key="oauth-client", org_id=ORG,
                                                   scopes=["openid"]), check_mode=False)
    assert aem.writes == writes


def test_jwt_without_credential_creates_only_the_key_pair():
    aem = FakeAem()
    warnings = []
    request = ImsRequest("Brand Portal", credential_type="jwt", keypair_alias="brandportal")
    result = ensure_present(aem_client(aem), request, check_mode=False, warn=warnings.append)
    assert result["changed"] and result["ims_config"] is None
    assert result["missing"] == ["api_key", "org_id", "technical_account_id", "client_secret"]
    assert result["certificate"] and aem.configs == {} and "re-run with options" in warnings[0]
    again = ensure_present(aem_client(aem), request, check_mode=False)
    assert not again["changed"] and again["certificate"] == result["certificate"]


def test_oauth_without_credential_is_an_error():
    aem = FakeAem()
    with pytest.raises(AemInputError, match="api_key, org_id, client_secret"):
        ensure_present(aem_client(aem), ImsRequest("Brand Portal", scopes=["openid"]), check_mode=False)
    assert aem.writes == 0


def test_bring_your_own_key_pair_uploads_once(byo):
    aem = FakeAem()
    request = ImsRequest("Brand Portal", credential_type="jwt", api_key="client", client_secret=SECRET, org_id=ORG,
                         technical_account_id=ACCOUNT, keypair_alias="fleet", private_key=byo[0],
                         certificate=byo[1])
    result = ensure_present(aem_client(aem), request, check_mode=False)
    assert aem.keystore == {"fleet": byo[2].serial_number}
    assert aem.writes == 4  # keystore, key, provider, customizer
    assert result["certificate"] == byo[1]
    assert "BEGIN PRIVATE KEY" not in json.dumps(result)
    again = ensure_present(aem_client(aem), request, check_mode=False)
    assert not again["changed"] and aem.writes == 4


def test_a_different_certificate_replaces_the_alias(byo):
    aem = FakeAem()
    aem.keystore = {"fleet": 1}
    request = ImsRequest("Brand Portal", credential_type="jwt", keypair_alias="fleet", private_key=byo[0],
                         certificate=byo[1])
    result = ensure_present(aem_client(aem), request, check_mode=False)
    assert result["changed"] and aem.keystore == {"fleet": byo[2].serial_number}
    assert aem.writes == 2  # remove the alias, upload


def test_duplicate_titles_are_an_error():
    aem = FakeAem()
    for n in (1, 2):
        aem.configs["%s.%d" % (PROVIDER, n)] = {"fpid": PROVIDER, "props": {P_TITLE: "Brand Portal"}}
    with pytest.raises(AemError, match="2 Adobe IMS configurations are titled"):
        ensure_present(aem_client(aem), oauth_request(), check_mode=False)


def test_write_that_does_not_stick_is_reported():
    aem = FakeAem()
    original = aem.apply

    def drop_scope(pid, fields, form):
        response = original(pid, fields, form)
        aem.configs[pid if pid in aem.configs else sorted(aem.configs)[-1]]["props"].pop(P_SCOPE, None)
        return response

    aem.apply = drop_scope
    with pytest.raises(AemUnexpectedResponseError, match="auth.token.provider.scope.*hotfix"):
        ensure_present(aem_client(aem), oauth_request(), check_mode=False)


def test_delete_check_mode_then_delete_then_again():
    aem = FakeAem()
    ensure_present(aem_client(aem), oauth_request(), check_mode=False)
    writes = aem.writes
    check = ensure_absent(aem_client(aem), "Brand Portal", check_mode=True)
    assert check["changed"] and aem.writes == writes
    assert check["diff"]["before"][C_SECRET] == REDACTED and check["diff"]["after"] == {}
    assert ensure_absent(aem_client(aem), "Brand Portal", check_mode=False)["changed"]
    assert aem.configs == {} and aem.writes == writes + 2
    assert not ensure_absent(aem_client(aem), "Brand Portal", check_mode=False)["changed"]
    deletes = [path for method, path in aem.calls if method == "POST"][-2:]
    assert CUSTOMIZER in deletes[0] and PROVIDER in deletes[1]  # the customizer first


def test_configuration_before_the_task_is_returned_redacted_and_read_only():
    aem = FakeAem()
    nothing = ensure_absent(aem_client(aem), "Brand Portal", check_mode=True)
    assert nothing["ims_config_before"] is None
    assert ensure_present(aem_client(aem), oauth_request(), check_mode=False)["ims_config_before"] is None
    pid, props = aem.provider()
    cpid = aem.customizer()[0]
    writes = aem.writes
    saved = ensure_absent(aem_client(aem), "Brand Portal", check_mode=True)["ims_config_before"]
    assert aem.writes == writes
    assert saved["pid"] == pid and saved["id"] == props["name"] and saved["title"] == "Brand Portal"
    assert saved["credential_type"] == "oauth"
    assert saved["properties"][P_SCOPE] == "openid,AdobeID" and saved["properties"][P_GRANTS] == "client_credentials"
    assert saved["customizer"]["pid"] == cpid
    assert saved["customizer"]["properties"][C_SECRET] == REDACTED
    assert SECRET not in json.dumps(saved)
    # an update returns the configuration as it was before it, not after
    changed = ensure_present(aem_client(aem), ImsRequest("Brand Portal", scopes=["openid"]), check_mode=False)
    assert changed["changed"] and changed["ims_config_before"]["properties"][P_SCOPE] == "openid,AdobeID"
    assert changed["ims_config"]["properties"][P_SCOPE] == "openid"
    deleted = ensure_absent(aem_client(aem), "Brand Portal", check_mode=False)
    assert deleted["ims_config_before"]["properties"][P_SCOPE] == "openid"
    assert deleted["ims_config"] is None
