# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Brand Portal rules: tenant URLs, the tenant's agents, missing credentials, the MAC user's key pair."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    ensure_mac_key_pair,
    mac_user_id,
    missing_credentials,
    tenant_agents,
    validate_name,
    validate_tenant_url,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemInputError
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

TENANT = "https://acme.brand-portal.adobe.com"
USER = "/home/users/mac/mac-acme-replication"


@pytest.fixture(scope="module")
def pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fleet")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(4242).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=9))
            .sign(key, hashes.SHA256()))
    return key, cert


def test_tenant_url_must_be_absolute_https_and_odd_hosts_warn():
    warnings = []
    assert validate_tenant_url(TENANT + "/", warnings.append) == TENANT
    assert warnings == []
    validate_tenant_url("https://portal.example.com", warnings.append)
    assert len(warnings) == 1 and "brand-portal.adobe.com" in warnings[0]
    for bad in ("http://acme.brand-portal.adobe.com", "acme.brand-portal.adobe.com", "https://x/?q=1"):
        with pytest.raises(AemInputError) as info:
            validate_tenant_url(bad, warnings.append)
        assert "option tenant_url" in str(info.value)


@pytest.mark.parametrize("name", ["a/b", ".hidden", "a.b", "a b", ""])
def test_bad_names(name):
    with pytest.raises(AemInputError):
        validate_name(name)


def test_mac_user_is_named_after_the_tenant():
    assert mac_user_id(TENANT) == "mac-acme-replication"


def test_tenant_agents_follow_the_transport_uri_rule():
    """aem-http-api.md 6.2: an agent belongs to the tenant when transportUri starts with tenant URL + '/'."""
    tree = {"jcr:primaryType": "cq:Page",
            "mp_replication": {"jcr:content": {"transportUri": TENANT + "/bin/receive", "enabled": "true"}},
            "lookalike": {"jcr:content": {"transportUri": TENANT + ".evil.example/bin/receive"}},
            "publish": {"jcr:content": {"transportUri": "http://publish:4503/bin/receive"}}}
    client, session, _unused, _unused = make_client([FakeResponse(200, tree)])
    agents = tenant_agents(client, TENANT)
    assert [a["name"] for a in agents] == ["mp_replication"] and agents[0]["enabled"] is True
    assert session.calls[0]["url"].endswith("/etc/replication/agents.author.2.json")


def test_missing_credentials_count_what_the_cloud_service_already_holds():
    params = {"api_key": None, "technical_account_id": "t@techacct.adobe.com", "org_id": None, "client_secret": None,
              "ims_config": None}
    assert missing_credentials("cloudservice", params, {"apiKey": "k"}) == ["org_id", "client_secret"]
    assert missing_credentials("ims", params, {}) == ["ims_config"]
    assert missing_credentials("ims", params, {"imsConfig": "id"}) == []


def _querybuilder():
    return FakeResponse(200, {"success": True, "hits": [{"path": USER, "name": "mac-acme-replication"}]})


def test_same_certificate_in_the_mac_keystore_means_no_change(pair):
    store = {"aliases": [{"alias": "brandportal", "chain": [{"subject": "CN=fleet", "serialNumber": 4242}]}]}
    client, session, _unused, _unused = make_client([_querybuilder(), FakeResponse(200, store)])
    changed, before, after = ensure_mac_key_pair(client, TENANT, pair[0], pair[1], False, "pw")
    assert changed is False and before["serial_number"] == "4242"
    assert [c["method"] for c in session.calls] == ["GET", "GET"]


def test_another_certificate_is_replaced_but_not_in_check_mode(pair):
    store = {"aliases": [{"alias": "brandportal", "chain": [{"subject": "CN=aem", "serialNumber": 1}]}]}
    client, session, _unused, _unused = make_client([_querybuilder(), FakeResponse(200, store)])
    changed, before, after = ensure_mac_key_pair(client, TENANT, pair[0], pair[1], True, "pw")
    assert changed is True and before["serial_number"] == "1" and after["serial_number"] == "4242"
    assert [c["method"] for c in session.calls] == ["GET", "GET"]
    new_store = {"aliases": [{"alias": "brandportal", "chain": [{"subject": "CN=fleet", "serialNumber": 4242}]}]}
    client, session, _unused, _unused = make_client([_querybuilder(), FakeResponse(200, store), FakeResponse(200, ""),
                                                     FakeResponse(200, ""), FakeResponse(200, new_store)])
    assert ensure_mac_key_pair(client, TENANT, pair[0], pair[1], False, "pw")[0] is True
    posts = [c for c in session.calls if c["method"] == "POST"]
    assert posts[0]["data"] == [("removeAlias", "brandportal")]
    assert set(posts[1]["files"]) == {"cert-chain", "pk"} and posts[1]["data"] == {"alias": "brandportal"}


def test_check_mode_before_the_mac_user_exists_predicts_an_upload(pair):
    client, _unused, _unused, _unused = make_client([FakeResponse(200, {"success": True, "hits": []})])
    changed, before, after = ensure_mac_key_pair(client, TENANT, pair[0], pair[1], True, "pw")
    assert changed is True and before is None and after["alias"] == "brandportal"
