# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aem_bp_cloudservice on AEM 6.5: an ims_config that names no Adobe IMS configuration is refused before
anything is written, in check mode too (AEM's servlet stores any value: the cloud service then fails only at
replication)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    DEFAULT_OAUTH_SCOPES,
    ensure_ims_model,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    FakeSession,
    make_client,
)

TENANT = "https://acme.brand-portal.adobe.com"
IMS_PATH = "/conf/global/settings/cloudconfigs/mediaportal/brand-portal"
PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"


class RoutingSession(FakeSession):
    """Answers by URL, not by order: configMgr lists ``configs`` ``[(id, title)]`` as token providers, ``nodes``
    maps a JCR path to its JSON (others 404), and writes succeed. The reference check may come before or after
    the read of the cloud service; what matters is that no write happens when it fails."""

    def __init__(self, configs, nodes=None, after_write=None):
        super(RoutingSession, self).__init__([])
        self.configs = configs
        self.nodes = dict(nodes or {})
        self.after_write = after_write or {}

    def request(self, method, url, **kwargs):
        self.calls.append(dict(kwargs, method=method, url=url))
        path = urlsplit(url).path
        if method != "GET":
            self.nodes.update(self.after_write)
            return FakeResponse(201 if path.endswith("brand-portal") else 200, {})
        if path == "/system/console/configMgr":
            pids = [{"id": "%s.%d" % (PROVIDER, n), "fpid": PROVIDER} for n in range(len(self.configs))]
            pids.append({"id": "org.apache.sling.other", "fpid": None})
            return FakeResponse(200, "<script>var configData = %s;</script>" % json.dumps({"status": True,
                                                                                          "pids": pids}))
        if path.startswith("/system/console/configMgr/%s." % PROVIDER):
            n = int(path.rsplit(".", 2)[-2])
            config_id, title = self.configs[n]
            return FakeResponse(200, [{"pid": "%s.%d" % (PROVIDER, n), "factoryPid": PROVIDER, "properties": {
                "name": {"type": 1, "is_set": True, "value": config_id},
                "auth.token.provider.title": {"type": 1, "is_set": True, "value": title}}}])
        node = self.nodes.get(path[:-len(".json")] if path.endswith(".json") else path)
        return FakeResponse(200, node) if node is not None else FakeResponse(404, "")


def routed_client(configs, nodes=None, after_write=None):
    session = RoutingSession(configs, nodes, after_write)
    return make_client([], session=session)[0], session


def params(ims_config):
    return {"oauth_scopes": DEFAULT_OAUTH_SCOPES, "ims_config": ims_config}


CONTENT = IMS_PATH + "/jcr:content"


@pytest.mark.parametrize("check_mode", [True, False])
def test_dangling_reference_fails_before_any_write_and_lists_what_exists(check_mode):
    client, session = routed_client([("e4f2c0d1-stock", "Adobe Stock"), ("b7a9-bp", "Brand Portal")])
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("no-such-config"), check_mode)
    text = str(info.value)
    assert text.startswith("option ims_config: 'no-such-config' is not the id of any Adobe IMS configuration")
    assert "'Brand Portal' (id 'b7a9-bp')" in text and "'Adobe Stock' (id 'e4f2c0d1-stock')" in text
    assert session.calls and all(call["method"] == "GET" for call in session.calls)


def test_changing_an_existing_cloud_service_to_a_dangling_reference_fails_before_any_write():
    node = {"jcr:primaryType": "nt:unstructured", "jcr:title": "brand-portal", "tenantURL": TENANT,
            "oauthScopes": DEFAULT_OAUTH_SCOPES, "imsConfig": "b7a9-bp",
            "sling:resourceType": fact("cloudservice_resource_type")}
    client, session = routed_client([("b7a9-bp", "Brand Portal")], {CONTENT: node})
    with pytest.raises(AemInputError):
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("deleted-config"), False)
    assert all(call["method"] == "GET" for call in session.calls)


def test_no_ims_configuration_at_all_says_to_create_one():
    client, session = routed_client([])
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("cfg"), False)
    assert "this AEM has none" in str(info.value) and "aem_ims_config" in str(info.value)
    assert all(call["method"] == "GET" for call in session.calls)


def test_a_title_instead_of_the_id_names_the_id():
    client = routed_client([("b7a9-bp", "Brand Portal")])[0]
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("Brand Portal"), True)
    assert "'Brand Portal' is the title of an Adobe IMS configuration, not its id" in str(info.value)
    assert "'b7a9-bp'" in str(info.value)


def test_an_existing_reference_is_written():
    node = {"jcr:primaryType": "nt:unstructured", "jcr:title": "brand-portal", "tenantURL": TENANT,
            "oauthScopes": DEFAULT_OAUTH_SCOPES, "imsConfig": "b7a9-bp",
            "sling:resourceType": fact("cloudservice_resource_type")}
    client, session = routed_client([("b7a9-bp", "Brand Portal")], after_write={CONTENT: node})
    result, end = ensure_ims_model(client, IMS_PATH, None, TENANT, params("b7a9-bp"), False)
    assert result["changed"] and end["imsConfig"] == "b7a9-bp"
    assert [c["method"] for c in session.calls].count("POST") == 2
