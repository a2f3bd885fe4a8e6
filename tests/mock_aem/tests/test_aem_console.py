"""Console, configMgr, keystores, crypto and querybuilder of the mock author (§7.2, §7.3, §8, §9)."""

from __future__ import annotations

import json
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.mock_aem.keystore import self_signed
from cryptography.hazmat.primitives.asymmetric import rsa

CM = "/system/console/configMgr"
PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"
CUSTOMIZER = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
SVC = "/home/users/system/brandportal-imsconfig-service"


def test_productinfo_per_version(aem_factory):
    """§9.2: status-productinfo.json is a JSON array of product-info lines, per --aem-version."""
    for v, full in (("6.5.21", "6.5.21.0"), ("6.4.8", "6.4.8.0"), ("6.3.3.8", "6.3.3.8")):
        lines = aem_factory(version=v).get("/system/console/status-productinfo.json").json()
        assert isinstance(lines, list) and any("Adobe Experience Manager (%s)" % full in ln for ln in lines)


def test_bundles_json_shape_and_readiness(aem_factory):
    """§9.2: bundles.json status/s/data; ready when s[1] + s[2] == s[0]; the readiness option."""
    a = aem_factory(ready_after_requests=2)
    j = a.get("/system/console/bundles.json").json()
    s = j["s"]
    assert s[1] + s[2] != s[0] and "bundles active" in j["status"]
    b = j["data"][0]
    assert {"id", "name", "fragment", "stateRaw", "state", "version", "symbolicName", "category"} <= set(b)
    assert any(x["state"] == "Starting" and x["stateRaw"] == 8 for x in j["data"])
    assert a.anon("GET", "/libs/granite/core/content/login.html").status_code == 503  # 2nd request
    j = a.get("/system/console/bundles.json").json()
    s = j["s"]
    assert s[1] + s[2] == s[0] and "all %d bundles active" % s[0] in j["status"]
    post = [x for x in j["data"] if x["symbolicName"] == "org.apache.sling.servlets.post"][0]
    assert post["version"] == "2.3.26"  # §1.5: AEM 6.5 runs servlets.post 2.3.26
    r = a.admin("POST", "/readiness", json={"requests": 1})
    assert r.json()["ready"] is False
    assert a.anon("GET", "/libs/granite/core/content/login.html").status_code == 503


def test_one_bundle_and_start_stop(aem):
    """§9.2: bundles/<name>.json gives one bundle with props; POST action=stop|start -> 200."""
    j = aem.get("/system/console/bundles/com.adobe.granite.csrf.json").json()
    assert j["data"][0]["symbolicName"] == "com.adobe.granite.csrf" and j["data"][0]["props"]
    assert aem.post("/system/console/bundles/com.adobe.granite.csrf", data={"action": "stop"}).status_code == 200
    j = aem.get("/system/console/bundles.json").json()
    assert j["s"][1] + j["s"][2] < j["s"][0]
    aem.post("/system/console/bundles/com.adobe.granite.csrf", data={"action": "start"})
    j = aem.get("/system/console/bundles.json").json()
    assert j["s"][1] + j["s"][2] == j["s"][0]


def test_console_needs_auth(aem):
    """§9.2 / §4: the console answers 401 without credentials."""
    assert aem.anon("GET", "/system/console/bundles.json").status_code == 401


def test_configmgr_factory_create_read_update_delete(aem):
    """§9.1: factory creation -> 302 to configMgr/<fpid>.<id>; .json array; POST object; update removes
    properties missing from propertylist; password 'unmodified' keeps the value; delete -> 200."""
    r = aem.post(CM + "/[Temporary PID replaced by real PID upon save]",
                 data=[("factoryPid", CUSTOMIZER), ("apply", "true"), ("action", "ajaxConfigManager"),
                       ("propertylist", "auth.ims.client.secret,customizer.type"),
                       ("auth.ims.client.secret", "s3cr3t"), ("customizer.type", "bp-customizer")])
    assert r.status_code == 302
    loc = r.headers["Location"]
    assert re.fullmatch(r"/system/console/configMgr/%s\.[0-9a-f-]{36}" % re.escape(CUSTOMIZER), loc)
    pid = loc.rsplit("/", 1)[1]
    arr = aem.get(CM + "/%s.json" % pid).json()
    assert isinstance(arr, list) and len(arr) == 1
    obj = arr[0]
    assert obj["pid"] == pid and obj["factoryPid"] == CUSTOMIZER
    secret = obj["properties"]["auth.ims.client.secret"]
    assert secret["value"] == "unmodified" and secret["type"] == 12
    assert obj["properties"]["customizer.type"]["value"] == "bp-customizer"
    assert obj["properties"]["customizer.type"]["description"].endswith("(customizer.type)")
    one = aem.post(CM + "/" + pid).json()
    assert isinstance(one, dict) and one["pid"] == pid
    # update: the password as 'unmodified' keeps the secret; customizer.type omitted -> removed
    r = aem.post(CM + "/" + pid, data={"apply": "true", "action": "ajaxConfigManager",
                                       "propertylist": "auth.ims.client.secret",
                                       "auth.ims.client.secret": "unmodified"})
    assert r.status_code == 302 and r.headers["Location"] == CM + "/" + pid
    c = aem.app.configs.get(pid)
    assert c["properties"] == {"auth.ims.client.secret": "s3cr3t"}
    assert aem.get(CM + "/%s.json" % pid).json()[0]["properties"]["customizer.type"]["is_set"] is False
    # persisted as .config under /apps/system/config (§7.2)
    name = pid.replace(CUSTOMIZER + ".", CUSTOMIZER + "-")
    assert aem.get("/apps/system/config/%s.config" % name).status_code == 200
    r = aem.post(CM + "/" + pid, data={"apply": "1", "delete": "1"})
    assert r.status_code == 200 and r.json() == {"status": True}
    assert aem.get(CM + "/%s.json" % pid).json() == []


def test_configmgr_array_and_reserved_names(aem):
    """§9.1: repeated fields make arrays; reserved names are sent as $name; unknown PIDs get []."""
    r = aem.post(CM + "/[Temporary PID replaced by real PID upon save]",
                 data=[("factoryPid", PROVIDER), ("apply", "true"), ("action", "ajaxConfigManager"),
                       ("propertylist", "name,auth.token.provider.default.claims,auth.token.provider.reuse.access.token"),
                       ("name", "bp"), ("auth.token.provider.default.claims", '"iss":"x@AdobeOrg"'),
                       ("auth.token.provider.default.claims", '"sub":"y@techacct.adobe.com"'),
                       ("auth.token.provider.reuse.access.token", "true")])
    pid = r.headers["Location"].rsplit("/", 1)[1]
    p = aem.get(CM + "/%s.json" % pid).json()[0]["properties"]
    assert p["auth.token.provider.default.claims"]["values"] == ['"iss":"x@AdobeOrg"', '"sub":"y@techacct.adobe.com"']
    assert p["auth.token.provider.reuse.access.token"]["value"] is True
    assert aem.get(CM + "/no.such.pid.json").json() == []
    r = aem.post(CM + "/my.pid", data={"apply": "true", "propertylist": "action,x", "$action": "a", "x": "1"})
    assert r.status_code == 302
    assert aem.app.configs.get("my.pid")["properties"] == {"action": "a", "x": "1"}
    assert aem.post(CM + "/bad<pid", data={"apply": "true"}).status_code == 500


def test_configmgr_configdata_page(aem):
    """§9.1: GET configMgr is HTML with configData = {...}; factory instances carry fpid."""
    aem.app.configs.create_factory(PROVIDER, {"name": "x"})
    r = aem.get(CM)
    m = re.search(r"configData = (\{.*?\});", r.text, re.S)
    data = json.loads(m.group(1))
    assert data["status"] is True and any(f["id"] == PROVIDER for f in data["fpids"])
    assert any(p.get("fpid") == PROVIDER for p in data["pids"])


def test_metatype_of_ims_provider_unset_defaults(aem):
    """§9.1/§7.2: a POST without apply returns the object; unset properties show defaults is_set=false."""
    obj = aem.post(CM + "/" + PROVIDER).json()
    props = obj["properties"]
    for k in ("name", "auth.token.provider.default.claims", "auth.token.provider.endpoint",
              "auth.access.token.request", "auth.token.provider.keypair.alias", "auth.token.provider.client.id",
              "auth.token.provider.scope", "token.request.customizer.type"):
        assert props[k]["is_set"] is False
    assert "auth.token.provider.client.secret" not in props  # §7.2 correction


def test_keystore_lifecycle(aem):
    """§8: .ks.json {"exists": false}; createStore; add key from cert chain + pk; aliases shape;
    removeAlias; delete store.p12 (403 if missing)."""
    assert aem.get(SVC + ".ks.json").json() == {"exists": False}
    r = aem.post(SVC + ".ks.html", data={":operation": "createStore", "newPassword": "pw", "rePassword": "pw"})
    assert r.status_code in (200, 201)
    assert aem.get(SVC + ".ks.json").json() == {"aliases": []}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, "AEM-Adobe-IMS")
    pk_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    r = aem.post(SVC + ".ks.html", files={"cert-chain": ("c.pem", cert.public_bytes(serialization.Encoding.PEM)),
                                          "pk": ("pk.der", pk_der), "alias": (None, "bp")})
    assert r.status_code in (200, 201)
    a = aem.get(SVC + ".ks.json").json()["aliases"][0]
    assert a["alias"] == "bp" and a["entryType"] == "privateKey" and a["algorithm"] == "RSA"
    assert a["format"] == "PKCS#8" and a["chain"][0]["subject"] == "CN=AEM-Adobe-IMS"
    assert isinstance(a["chain"][0]["serialNumber"], int)
    assert re.match(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d \w+ \d{4}", a["chain"][0]["notBefore"])
    # the Python API sees the same private key (what the Brand Portal model signs JWTs with)
    assert aem.app.keystores.private_key(SVC, "bp").private_numbers() == key.private_numbers()
    # a PKCS#12 file
    p12 = pkcs12.serialize_key_and_certificates(b"k", key, cert, None,
                                                serialization.BestAvailableEncryption(b"p12pw"))
    r = aem.post(SVC + ".ks.html", files={"keyStore": ("ks.p12", p12), "keyStorePass": (None, "p12pw"),
                                          "alias": (None, "k"), "keyPassword": (None, "p12pw"),
                                          "newAlias": (None, "fromp12")})
    assert r.status_code == 200
    assert {x["alias"] for x in aem.get(SVC + ".ks.json").json()["aliases"]} == {"bp", "fromp12"}
    assert aem.post(SVC + ".ks.html", data={"removeAlias": "bp"}).status_code == 200
    assert [x["alias"] for x in aem.get(SVC + ".ks.json").json()["aliases"]] == ["fromp12"]
    # change password
    assert aem.post(SVC + ".ks.html", data={"currentPassword": "pw", "newPassword": "n",
                                            "rePassword": "n"}).status_code == 200
    assert aem.get(SVC + "/keystore/store.p12").status_code == 200
    assert aem.post(SVC + "/keystore/store.p12", data={":operation": "delete"}).status_code == 200
    assert aem.get(SVC + ".ks.json").json() == {"exists": False}
    assert aem.post(SVC + "/keystore/store.p12", data={":operation": "delete"}).status_code == 403


def test_crypto(aem):
    """§8 / §5.2: POST /system/console/crypto/.json datum=... -> {"protected": "{hex}"}, non-deterministic."""
    a = aem.post("/system/console/crypto/.json", data={"datum": "secret"}).json()["protected"]
    b = aem.post("/system/console/crypto/.json", data={"datum": "secret"}).json()["protected"]
    assert re.fullmatch(r"\{[0-9a-f]{64,}\}", a) and a != b
    assert aem.app.crypto.unprotect(a) == "secret"


def test_querybuilder_authorizable_id(aem):
    """§7.3: the authorizableId query answers {"success": true, "hits": [{"path", "name"}]}."""
    r = aem.get("/bin/querybuilder.json", params={"path": "/home/users", "p.limit": "-1",
                                                  "1_property": "rep:authorizableId",
                                                  "1_property.value": "brandportal-imsconfig-service"})
    j = r.json()
    assert j["success"] is True and j["hits"][0]["name"] == "brandportal-imsconfig-service"
    assert j["hits"][0]["path"] == SVC


def test_packmgr_probes(aem):
    """§9.2: script.html answers 405 (package manager active); installstatus.jsp finished."""
    assert aem.get("/crx/packmgr/service/script.html").status_code == 405
    assert aem.get("/crx/packmgr/installstatus.jsp").json() == {"status": {"finished": True, "itemCount": 0}}


def test_configmgr_unbind_and_invalid_pid(aem):
    """§9.1: unbind answers 200 {"status": true}; a PID with an invalid character answers 500."""
    r = aem.post(CM + "/org.apache.sling.servlets.get.DefaultGetServlet", data={"unbind": "true"})
    assert r.status_code == 200 and r.json() == {"status": True}
    r = aem.post(CM + "/bad<pid", data={"apply": "true", "propertylist": "a", "a": "b"})
    assert r.status_code == 500


def test_global_truststore(aem):
    """§8 (SWAGGER-AEM): GET /libs/granite/security/truststore.json {"aliases": [...], "exists"};
    POST /libs/granite/security/post/truststore creates it (newPassword/rePassword), adds a
    multipart certificate (keyStoreType=jks), removes an alias (removeAlias); auth required."""
    ts_json, ts_post = "/libs/granite/security/truststore.json", "/libs/granite/security/post/truststore"
    assert aem.anon("GET", ts_json).status_code == 401
    assert aem.get(ts_json).json()["exists"] is False
    r = aem.post(ts_post, files={"newPassword": (None, "pw"), "rePassword": (None, "pw")})
    assert r.status_code == 200
    assert aem.get(ts_json).json() == {"aliases": [], "exists": True}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, "mock-aem test CA")
    w = aem.stats()["writes"]
    r = aem.post(ts_post, files={"certificate": ("ca.pem", cert.public_bytes(serialization.Encoding.PEM)),
                                 "keyStoreType": (None, "jks")})
    assert r.status_code == 200 and aem.stats()["writes"] == w + 1
    j = aem.get(ts_json).json()
    a = j["aliases"][0]
    assert j["exists"] is True and len(j["aliases"]) == 1
    assert {"alias", "entryType", "subject", "issuer", "notBefore", "notAfter", "serialNumber"} <= set(a)
    assert a["subject"] == "CN=mock-aem test CA" and a["serialNumber"] == cert.serial_number
    assert aem.post(ts_post, data={"removeAlias": a["alias"]}).status_code == 200
    assert aem.get(ts_json).json()["aliases"] == []
    # creating it twice fails
    assert aem.post(ts_post, data={"newPassword": "pw", "rePassword": "pw"}).status_code == 500
