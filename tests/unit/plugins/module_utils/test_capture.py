# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The capture of an author (_capture): redaction, GET/HEAD only, and its comparison with _profiles.FACTS.

The fixtures in fixtures/capture/ are captures that playbooks/capture.yml wrote from mock authors configured with
playbooks/configure.yml (tests/integration/targets/playbooks_capture): drop a capture of a real author beside them,
with its expected verdicts, to keep the table honest."""

from __future__ import annotations

import copy
import json
import os

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils import _capture
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import FACTS, INFERRED
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, Redactor
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "capture")

COMMON = {"agents_root", "agent_name_prefix", "agent_names", "agent_transport_rule", "mac_users_root", "mac_user_id",
          "cloudservice_resource_type", "ims_keystore_user"}
IMS_MODEL = COMMON | {"close_connection_property", "ims_cloudservice_root", "ims_servlet_base", "ims_provider_factory",
                      "ims_customizer_factory", "ims_health_servlet", "ims_provider_name", "ims_customizer_type"}
# what a capture of each mock author confirms; every other fact it does not cover (none is contradicted)
COVERED = {
    "author65.json": IMS_MODEL | {"ims_oauth_token_request"},
    "author6515.json": IMS_MODEL | {"ims_jwt_token_request", "ims_certificate_servlet", "certificate_file_name",
                                    "keystore_file", "oauth_hotfix_package"},
    "author63.json": COMMON | {"close_connection_property", "mac_key_alias", "legacy_cloudservice_root",
                               "classic_credential_properties", "certificate_download_classic",
                               "certificate_file_name", "keystore_file"},
    "legacy63.json": COMMON | {"mac_key_alias", "legacy_cloudservice_root", "legacy_client_id_property",
                               "certificate_download_classic", "certificate_file_name", "keystore_file"},
}
# what no capture can show: behaviours of writes, a POST servlet, AEM as a Cloud Service
NEVER = {"restore_binary_upload", "restore_order", "protected_properties", "cloudservice_servlet"}


def load(name):
    return _capture.load(os.path.join(FIXTURES, name))


def verdicts(capture):
    return dict((r["fact"], r["verdict"]) for r in _capture.compare(capture))


# every capture in the folder, also one dropped in from a real author: it must contradict no fact of the table
ALL_FIXTURES = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".json"))


def test_the_mock_captures_are_there():
    assert set(COVERED) <= set(ALL_FIXTURES)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_a_capture_confirms_every_fact_it_covers(name):
    results = _capture.compare(load(name))
    assert [r["fact"] for r in results] == list(FACTS)
    found = dict((r["fact"], r["verdict"]) for r in results)
    assert not [f for f, v in found.items() if v == _capture.CONTRADICTED], _capture.report_lines(results)
    if name in COVERED:
        assert set(f for f, v in found.items() if v == _capture.CONFIRMED) == COVERED[name]
    for result in results:
        assert result["status"] == FACTS[result["fact"]].status
        assert result["source"] == FACTS[result["fact"]].source
        if result["verdict"] == _capture.NOT_COVERED:
            assert result["detail"], result


def test_the_mock_captures_together_confirm_every_inferred_fact_a_read_can_show():
    confirmed = set()
    for name in COVERED:
        confirmed |= set(f for f, v in verdicts(load(name)).items() if v == _capture.CONFIRMED)
    unconfirmed = set(INFERRED) - confirmed
    assert unconfirmed <= NEVER, sorted(unconfirmed - NEVER)


def test_the_mock_captures_together_confirm_every_fact_a_read_can_show():
    """Verified and inferred alike: what no capture confirms is a fact about writes (a capture only reads) or about
    AEM as a Cloud Service (where the capture stops before reading)."""
    confirmed = set()
    for name in ALL_FIXTURES:
        confirmed |= set(f for f, v in verdicts(load(name)).items() if v == _capture.CONFIRMED)
    unconfirmed = set(FACTS) - confirmed
    assert unconfirmed == set(_capture.WRITE_FACTS) | set(f for f in FACTS if f.startswith("cloud_service_"))
    for result in _capture.compare(load(ALL_FIXTURES[0])):
        if result["fact"] in _capture.WRITE_FACTS:
            assert result["verdict"] == _capture.NOT_COVERED and ("cannot show" in result["detail"]
                                                                  or "only reads" in result["detail"])


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_the_fixtures_hold_nothing_secret(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        text = handle.read()
    assert _capture.leaks(text, Redactor()) == []
    assert "PRIVATE KEY" not in text and "rep:password" not in text


def test_a_planted_contradiction_is_reported_with_both_values():
    capture = load("author65.json")
    agents = capture["agents"]["items"]
    agents["mp_replication-2"] = agents.pop("mp_replication_2")
    results = dict((r["fact"], r) for r in _capture.compare(capture))
    names = results["agent_names"]
    assert names["verdict"] == _capture.CONTRADICTED
    assert "mp_replication-2" in names["captured"]
    assert names["expected"] == list(FACTS["agent_names"].value)
    counts = _capture.summary(list(results.values()), capture)
    assert counts["contradicted_facts"] == ["agent_names"]
    assert counts["inferred"][_capture.CONTRADICTED] == ["agent_names"]
    assert "CONTRADICTED: agent_names" in _capture.message(counts)
    assert _capture.report_lines(list(results.values()))[0].startswith("CONTRADICTED agent_names (inferred): expected")


@pytest.mark.parametrize("edit, fact", [
    (lambda c: c["cloudservices"]["/conf/global/settings/cloudconfigs/mediaportal"]["items"]["brand-portal"]
     ["content"].update({"sling:resourceType": "other/config"}), "cloudservice_resource_type"),
    (lambda c: c["ims_configurations"]["customizers"][0]["properties"].update({"customizer.type": "x"}),
     "ims_customizer_factory"),
    (lambda c: [c["ims_configurations"]["providers"][0]["properties"].update({"name": "brand-portal-ims"}),
                c["cloudservices"]["/conf/global/settings/cloudconfigs/mediaportal"]["items"]["brand-portal"]
                ["content"].update({"imsConfig": "brand-portal-ims"})], "ims_provider_name"),
    (lambda c: c["users"]["mac_users"][0].update({"path": "/home/users/system/mac-acme-replication"}),
     "mac_users_root"),
    (lambda c: [a.update({"userId": "mac-acmereplication"}) for n, a in c["agents"]["items"].items()
                if n.startswith("mp_")], "mac_user_id"),
    (lambda c: c["servlets"]["ims_health"][0].update({"json": False, "status": 404}), "ims_health_servlet"),
])
def test_each_check_can_contradict(edit, fact):
    capture = copy.deepcopy(load("author65.json"))
    edit(capture)
    assert verdicts(capture)[fact] == _capture.CONTRADICTED


def test_the_63_checks_can_contradict():
    capture = load("author63.json")
    content = capture["cloudservices"]["/etc/cloudservices/mediaportal"]["items"]["brand-portal"]["content"]
    content["clientsecret"] = content.pop("clientSecret")
    capture["users"]["mac_users"][0]["keystore"]["aliases"][0]["alias"] = "mac"
    capture["servlets"]["classic_certificate"][0]["file_name"] = "brand-portal.crt"
    found = verdicts(capture)
    assert found["classic_credential_properties"] == _capture.CONTRADICTED
    assert found["mac_key_alias"] == _capture.CONTRADICTED
    assert found["certificate_file_name"] == _capture.CONTRADICTED


def test_compare_refuses_what_is_not_a_capture(tmp_path):
    with pytest.raises(_capture.CaptureFormatError, match="format"):
        _capture.compare({"agents": {}})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(_capture.CaptureFormatError, match="not JSON"):
        _capture.load(str(bad))
    with pytest.raises(_capture.CaptureFormatError, match="cannot read"):
        _capture.load(str(tmp_path / "missing.json"))


# -- redaction ----------------------------------------------------------------------------------------------------

ENCRYPTED = "{" + "0123456789abcdef" * 4 + "}"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZWNoYWNjdCJ9.c2lnbmF0dXJlLXZhbHVl"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


def test_scrub_redacts_secret_names_encrypted_values_tokens_keys_and_known_secrets():
    redactor = Redactor(["the-client-secret"])
    data = {"transportPassword": ENCRYPTED, "clientSecret": "plain", "auth.ims.client.secret": "unmodified",
            "customHeader": "Token: " + ENCRYPTED, "jcr:description": "Bearer " + JWT, "note": "key " + PEM,
            "echo": ["sent the-client-secret"], "nested": {"access_token": "abc123456"},
            "auth.access.token.request": "https://ims-na1.adobelogin.com/ims/token/v3",
            "auth.token.provider.reuse.access.token": True, "credential_types": ["oauth"], "emptyPassword": ""}
    scrubbed = _capture.scrub(data, redactor)
    text = json.dumps(scrubbed)
    for value in ("0123456789abcdef", "plain", "unmodified", JWT, "MIIEvQ", "the-client-secret", "abc123456"):
        assert value not in text, value
    assert scrubbed["transportPassword"] == REDACTED and scrubbed["nested"]["access_token"] == REDACTED
    assert scrubbed["auth.access.token.request"] == "https://ims-na1.adobelogin.com/ims/token/v3"
    assert scrubbed["auth.token.provider.reuse.access.token"] is True
    assert scrubbed["credential_types"] == ["oauth"]
    assert scrubbed["emptyPassword"] == ""
    assert _capture.leaks(text, redactor) == []


@pytest.mark.parametrize("text, what", [
    (PEM, "a PEM private key"), ('"x": "%s"' % ENCRYPTED, "an AEM-encrypted value"), (JWT, "a token (JWT)"),
    ("sent the-client-secret", "a known secret or a credential-shaped value"),
    ("password=hunter22", "a known secret or a credential-shaped value"),
])
def test_leaks_names_what_is_left(text, what):
    assert what in _capture.leaks(text, Redactor(["the-client-secret"]))
    assert _capture.leaks(json.dumps({"note": "nothing here", "auth.token.provider.reuse.access.token": True}),
                          Redactor(["the-client-secret"])) == []


# -- reading: GET and HEAD only, over a faked transport --------------------------------------------------------------

def _script():
    hit = {"success": True, "hits": [{"path": "/home/users/mac/x1/mac-acme-replication", "name": "mac-acme-replication"}]}
    return [
        FakeResponse(200, ["Installed Products", "  Adobe Experience Manager (6.5.21.0)"]),
        FakeResponse(200, {"jcr:primaryType": "sling:Folder", "mp_replication": {"jcr:content": {
            "transportUri": "https://acme.brand-portal.adobe.com/bin/receive?sling:authRequestLogin=1",
            "userId": "mac-acme-replication", "transportPassword": ENCRYPTED,
            "jcr:description": "s3cr3t-Passw0rd was here"}}}),
        FakeResponse(404, "not found"),
        FakeResponse(200, {"brand-portal": {"jcr:primaryType": "cq:Page", "jcr:content": {
            "tenantURL": "https://acme.brand-portal.adobe.com", "imsConfig": "abc",
            "sling:resourceType": "dam/components/mediaportal/config"}}}),
        FakeResponse(200, "<script>var configData = {\"pids\": []};</script>"),
        FakeResponse(200, "<script>var configData = {\"pids\": []};</script>"),
        FakeResponse(200, {"success": True, "hits": []}),  # the IMS service user
        FakeResponse(200, {"success": True, "hits": []}),  # under /home/users/mac
        FakeResponse(200, hit),  # the agent's userId
        FakeResponse(200, {"jcr:primaryType": "rep:User", "rep:authorizableId": "mac-acme-replication",
                           "rep:password": "{SHA-256}0011223344556677-8899"}),
        FakeResponse(200, {"exists": False}),
        FakeResponse(404, ""),  # HEAD of the OAuth hotfix package
    ]


def test_capture_author_reads_with_get_and_head_only_and_redacts():
    client, session, _warnings, _sleeps = make_client(_script())
    client.read_only = True
    capture, text = _capture.capture_author(client, "author1", "http://aem.example:4502/", "0.3.0",
                                            secrets=["unused-secret"])
    assert set(call["method"] for call in session.calls) == {"GET", "HEAD"}
    assert not session.script
    assert "s3cr3t-Passw0rd" not in text and "0123456789abcdef" not in text and "SHA-256" not in text
    assert capture["agents"]["items"]["mp_replication"]["transportPassword"] == REDACTED
    assert capture["users"]["ims_service_user"] == {"id": "brandportal-imsconfig-service", "found": False}
    assert capture["users"]["mac_users"][0]["path"] == "/home/users/mac/x1/mac-acme-replication"
    assert capture["cloudservices"]["/etc/cloudservices/mediaportal"] == {"found": False, "items": {}}
    assert capture["errors"] == []
    assert json.loads(text) == capture
    found = verdicts(capture)
    assert found["agent_names"] == _capture.CONTRADICTED  # one agent only
    assert found["ims_keystore_user"] == _capture.CONTRADICTED
    assert found["ims_provider_factory"] == _capture.CONTRADICTED  # imsConfig names a configuration none holds


def test_a_refused_read_is_noted_and_the_capture_goes_on():
    script = _script()
    script[1] = FakeResponse(500, "<html>boom</html>")
    client, _session, _warnings, _sleeps = make_client(script, retries=0)
    client.read_only = True
    capture, _text = _capture.capture_author(client, "author1", "http://aem.example:4502/", "0.3.0")
    assert capture["agents"] is None
    assert [e["read"] for e in capture["errors"]] == ["the replication agents"]


def test_aem_as_a_cloud_service_stops_before_any_request():
    from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import AemClient
    from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import FakeSession

    session = FakeSession([])
    client = AemClient("https://author-p1-e2.adobeaemcloud.com", "deployer", "s3cr3t-Passw0rd", session=session)
    with pytest.raises(Exception, match="Cloud Manager"):
        _capture.capture_author(client, "cloud", "https://author-p1-e2.adobeaemcloud.com", "0.3.0")
    assert session.calls == []
