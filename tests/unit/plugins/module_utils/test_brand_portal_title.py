# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud service's title: a new one is titled with its node name, an existing one keeps its title unless
the task gives one (found by the brand_portal_procedure integration target: an update without title renamed it)."""

from __future__ import annotations

from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    DEFAULT_OAUTH_SCOPES,
    ensure_classic,
    ensure_ims_model,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.test_bp_ims_reference import (
    routed_client,
)

TENANT = "https://acme.brand-portal.adobe.com"
IMS = "https://ims-na1.adobelogin.com"
IMS_PATH = "/conf/global/settings/cloudconfigs/mediaportal/brand-portal"
CLASSIC_PATH = "/etc/cloudservices/mediaportal/brand-portal"


def _ims_params(**over):
    return dict({"oauth_scopes": DEFAULT_OAUTH_SCOPES, "ims_config": "cfg-id"}, **over)


def _ims_node(title):
    return {"jcr:primaryType": "nt:unstructured", "jcr:title": title, "tenantURL": TENANT,
            "oauthScopes": DEFAULT_OAUTH_SCOPES, "imsConfig": "cfg-id",
            "sling:resourceType": fact("cloudservice_resource_type")}


# ensure_ims_model checks that ims_config names an existing IMS configuration (configMgr reads): the fake
# session answers by URL.
CONFIGS = [("cfg-id", "Brand Portal")]


def test_ims_model_without_title_keeps_the_existing_title():
    client, session = routed_client(CONFIGS, {IMS_PATH + "/jcr:content": _ims_node("Brand Portal")})
    result, node = ensure_ims_model(client, IMS_PATH, None, TENANT, _ims_params(), True)
    assert result["changed"] is False and node["jcr:title"] == "Brand Portal"
    assert set(c["method"] for c in session.calls) == {"GET"}


def test_ims_model_with_a_title_changes_only_the_title():
    client = routed_client(CONFIGS, {IMS_PATH + "/jcr:content": _ims_node("Brand Portal")})[0]
    result, _unused = ensure_ims_model(client, IMS_PATH, "Acme", TENANT, _ims_params(), True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {"jcr:title": "Brand Portal"}
    assert result["diff"]["after"] == {"jcr:title": "Acme"}


def test_ims_model_new_cloud_service_is_titled_with_its_name():
    client = routed_client(CONFIGS)[0]
    result, node = ensure_ims_model(client, IMS_PATH, None, TENANT, _ims_params(), True)
    assert result["changed"] is True and node["jcr:title"] == "brand-portal"


def _classic_params(**over):
    return dict({"authorization_server": IMS, "api_key": None, "technical_account_id": None, "org_id": "o@AdobeOrg",
                 "client_secret": None, "client_secret_update": "on_create"}, **over)


def _classic_content(title):
    names = fact("classic_credential_properties")
    return {"jcr:primaryType": "nt:unstructured", "jcr:title": title,
            "sling:resourceType": fact("cloudservice_resource_type"), names["tenant_url"]: TENANT,
            names["authorization_server"]: IMS, names["org_id"]: "o@AdobeOrg"}


def test_classic_model_without_title_keeps_the_existing_title():
    client, _unused, _unused, _unused = make_client([FakeResponse(200, {"jcr:primaryType": "cq:Page"}),
                                                     FakeResponse(200, _classic_content("Brand Portal"))])
    result, node = ensure_classic(client, CLASSIC_PATH, None, TENANT, _classic_params(), True)
    assert result["changed"] is False and node["jcr:title"] == "Brand Portal"


def test_classic_model_new_page_is_titled_with_its_name():
    client, _unused, _unused, _unused = make_client([FakeResponse(404, ""), FakeResponse(404, "")])
    result, node = ensure_classic(client, CLASSIC_PATH, None, TENANT, _classic_params(), True)
    assert result["changed"] is True and node["jcr:title"] == "brand-portal"
