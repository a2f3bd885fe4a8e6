# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aem_bp_cloudservice on AEM 6.5: an ims_config that names no Adobe IMS configuration is refused before
anything is written, in check mode too (AEM's servlet stores any value: the cloud service then fails only at
replication)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    DEFAULT_OAUTH_SCOPES,
    ensure_ims_model,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

TENANT = "https://acme.brand-portal.adobe.com"
IMS_PATH = "/conf/global/settings/cloudconfigs/mediaportal/brand-portal"
PROVIDER = "com.adobe.granite.auth.oauth.accesstoken.provider"


def ims_configurations_script(configs):
    """The configMgr answers for ``[(id, title)]`` token providers: the page, then one read per provider."""
    pids = [{"id": "%s.%d" % (PROVIDER, n), "fpid": PROVIDER} for n in range(len(configs))]
    pids.append({"id": "org.apache.sling.other", "fpid": None})
    page = "<script>var configData = %s;</script>" % json.dumps({"status": True, "pids": pids})
    script = [FakeResponse(200, page)]
    for n, (config_id, title) in enumerate(configs):
        script.append(FakeResponse(200, [{"pid": "%s.%d" % (PROVIDER, n), "factoryPid": PROVIDER, "properties": {
            "name": {"type": 1, "is_set": True, "value": config_id},
            "auth.token.provider.title": {"type": 1, "is_set": True, "value": title}}}]))
    return script


def params(ims_config):
    return {"oauth_scopes": DEFAULT_OAUTH_SCOPES, "ims_config": ims_config}


@pytest.mark.parametrize("check_mode", [True, False])
def test_dangling_reference_fails_before_any_write_and_lists_what_exists(check_mode):
    script = ims_configurations_script([("e4f2c0d1-stock", "Adobe Stock"), ("b7a9-bp", "Brand Portal")])
    client, session, _unused, _unused = make_client(script + [FakeResponse(404, "")])
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("no-such-config"), check_mode)
    text = str(info.value)
    assert text.startswith("option ims_config: 'no-such-config' is not the id of any Adobe IMS configuration")
    assert "'Brand Portal' (id 'b7a9-bp')" in text and "'Adobe Stock' (id 'e4f2c0d1-stock')" in text
    assert all(call["method"] == "GET" for call in session.calls)


def test_no_ims_configuration_at_all_says_to_create_one():
    client, session, _unused, _unused = make_client(ims_configurations_script([]))
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("cfg"), False)
    assert "this AEM has none" in str(info.value) and "aem_ims_config" in str(info.value)
    assert [c["method"] for c in session.calls] == ["GET"]


def test_a_title_instead_of_the_id_names_the_id():
    client = make_client(ims_configurations_script([("b7a9-bp", "Brand Portal")]))[0]
    with pytest.raises(AemInputError) as info:
        ensure_ims_model(client, IMS_PATH, None, TENANT, params("Brand Portal"), True)
    assert "'Brand Portal' is the title of an Adobe IMS configuration, not its id" in str(info.value)
    assert "'b7a9-bp'" in str(info.value)


def test_an_existing_reference_is_written():
    node = {"jcr:primaryType": "nt:unstructured", "jcr:title": "brand-portal", "tenantURL": TENANT,
            "oauthScopes": DEFAULT_OAUTH_SCOPES, "imsConfig": "b7a9-bp",
            "sling:resourceType": fact("cloudservice_resource_type")}
    script = ims_configurations_script([("b7a9-bp", "Brand Portal")]) + [
        FakeResponse(404, ""),                # the cloud service does not exist yet
        FakeResponse(201, {}),                # the page
        FakeResponse(200, "{}"),              # AEM's servlet
        FakeResponse(200, node),              # read back
    ]
    client, session, _unused, _unused = make_client(script)
    result, end = ensure_ims_model(client, IMS_PATH, None, TENANT, params("b7a9-bp"), False)
    assert result["changed"] and end["imsConfig"] == "b7a9-bp"
    assert [c["method"] for c in session.calls].count("POST") == 2
