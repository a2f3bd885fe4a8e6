# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restoring a backup: what counts as equal, the Sling POST an update sends (types, deletions, child nodes), when
an item is imported instead, the secrets a backup cannot hold, and the requests one item costs."""

from __future__ import annotations

import json

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._backup import Backup, Item
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemServerError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED
from ansible_collections.aemtools.brand_portal.plugins.module_utils._restore import (
    NeedsReplace,
    Report,
    differences,
    import_content,
    missing_secrets,
    restore_item,
    update_payload,
    with_secrets,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

ENCRYPTED = "{" + "ab12" * 16 + "}"
AGENT = "/etc/replication/agents.author/mp_replication"
OK = {"status.code": 200, "status.message": "OK", "changes": []}


def agent(**content):
    props = {"jcr:primaryType": "nt:unstructured", "enabled": "true", "retryDelay": "60000"}
    props.update(content)
    return {"jcr:primaryType": "cq:Page", "jcr:created": "Sun Mar 01 2026 10:00:00 GMT+0000", "jcr:content": props}


# -- equality ------------------------------------------------------------------------------------------------------

def test_server_managed_and_protected_properties_do_not_count():
    a = agent()
    b = agent(**{"jcr:lastModified": "Mon Mar 02 2026 10:00:00 GMT+0000", "cq:lastModifiedBy": "admin",
                 "jcr:uuid": "x", ":jcr:data": 12, "rep:authorizableId": "other"})
    b["jcr:created"] = "Tue Mar 03 2026 10:00:00 GMT+0000"
    b["rep:policy"] = {"jcr:primaryType": "rep:ACL"}
    assert differences(a, b) == []


def test_values_compare_with_their_type():
    assert differences(agent(enabled="true"), agent(enabled=True)) == ["jcr:content/enabled"]
    assert differences(agent(n=1), agent(n=1.0)) == ["jcr:content/n"]
    assert differences(agent(**{"jcr:mixinTypes": ["a", "b"]}), agent(**{"jcr:mixinTypes": ["b", "a"]})) == []
    assert differences(agent(), None) != []


def test_node_types_and_children_count():
    other = agent()
    other["jcr:content"]["jcr:primaryType"] = "cq:PageContent"
    assert differences(agent(), other) == ["jcr:content/"]
    extra = agent()
    extra["child"] = {"jcr:primaryType": "nt:unstructured"}
    assert differences(agent(), extra) == ["child/"]


# -- the update payload --------------------------------------------------------------------------------------------

def test_update_payload_types_deletions_and_new_children():
    desired = agent(enabled=False, retryDelay=30000, ratio=0.5, tags=["a", "b"], empty=[],
                    when="Sun Mar 01 2026 10:00:00 GMT+0100")
    desired["jcr:content"].pop("retryDelay")
    desired["jcr:content"]["retryDelay"] = 30000
    desired["jcr:content"]["sub"] = {"jcr:primaryType": "nt:unstructured", "x": "y"}
    current = agent(stale="z")
    current["jcr:content"]["gone"] = {"jcr:primaryType": "nt:unstructured"}
    fields = update_payload(desired, current, AGENT)
    assert ("jcr:content/enabled@TypeHint", "Boolean") in fields and ("jcr:content/enabled", "false") in fields
    assert ("jcr:content/retryDelay@TypeHint", "Long") in fields and ("jcr:content/retryDelay", "30000") in fields
    assert ("jcr:content/ratio@TypeHint", "Double") in fields
    assert ("jcr:content/tags@TypeHint", "String[]") in fields
    assert [v for k, v in fields if k == "jcr:content/tags"] == ["a", "b"]
    assert ("jcr:content/empty@IgnoreBlanks", "true") in fields
    assert ("jcr:content/when@TypeHint", "Date") in fields
    assert ("jcr:content/stale@Delete", "") in fields
    assert ("jcr:content/gone@Delete", "") in fields
    assert ("jcr:content/sub/jcr:primaryType", "nt:unstructured") in fields
    assert ("jcr:content/sub/x", "y") in fields
    assert not [k for k, _v in fields if k.startswith("jcr:content/jcr:created") or "jcr:primaryType@" in k]


def test_an_equal_tree_needs_no_field():
    assert update_payload(agent(), agent(), AGENT) == []


def test_a_child_of_another_type_is_deleted_and_written_again():
    current = agent()
    current["child"] = {"jcr:primaryType": "sling:Folder", "a": "1"}
    desired = agent()
    desired["child"] = {"jcr:primaryType": "nt:unstructured", "a": "1"}
    fields = update_payload(desired, current, AGENT)
    assert fields[0] == ("child@Delete", "")
    assert ("child/jcr:primaryType", "nt:unstructured") in fields and ("child/a", "1") in fields


@pytest.mark.parametrize("desired", [agent(pubFolder=""), dict(agent(), **{"jcr:primaryType": "nt:unstructured"})])
def test_what_an_update_cannot_express(desired):
    with pytest.raises(NeedsReplace):
        update_payload(desired, agent(), AGENT)


def test_import_content_leaves_out_what_aem_maintains_and_the_files():
    tree = agent(secret=REDACTED)
    tree["rep:policy"] = {"jcr:primaryType": "rep:ACL"}
    tree["keystore"] = {"jcr:primaryType": "sling:Folder", "store.p12": {"jcr:primaryType": "nt:file"}}
    out = import_content(tree, ["keystore/store.p12"])
    assert "jcr:created" not in out and "rep:policy" not in out
    assert out["keystore"] == {"jcr:primaryType": "sling:Folder"}
    assert "secret" not in out["jcr:content"]
    assert out["jcr:content"]["enabled"] == "true"


# -- secrets -------------------------------------------------------------------------------------------------------

def backup_with(item, ims=None):
    return Backup("/b", {"host": "author1"}, {"cloudservices": [item], "agents": [], "mac_users": []}, ims)


def test_missing_secrets_are_named_before_anything_is_sent():
    cs = Item("cloudservices", "/etc/cloudservices/mediaportal/bp",
              {"jcr:content": {"clientSecret": REDACTED, "proxyPassword": REDACTED}, "rep:password": REDACTED})
    backup = backup_with(cs, ims={"title": "Brand Portal", "properties": {}})
    missing = missing_secrets(backup, None, {})
    assert missing == ["/etc/cloudservices/mediaportal/bp/jcr:content/clientSecret",
                       "/etc/cloudservices/mediaportal/bp/jcr:content/proxyPassword",
                       "the client secret of the Adobe IMS configuration 'Brand Portal'"]
    assert missing_secrets(backup, "s3cret", {"proxyPassword": "p"}) == []


def test_secrets_fill_the_tree_and_an_encrypted_value_counts_as_held():
    cs = Item("cloudservices", "/etc/cloudservices/mediaportal/bp",
              {"jcr:content": {"clientSecret": REDACTED, "transportPassword": REDACTED}})
    item, keys = with_secrets(cs, {"jcr:content": {"transportPassword": ENCRYPTED}}, "s3cret",
                              {"transportPassword": "clear"}, False)
    assert keys == ["jcr:content/clientSecret", "jcr:content/transportPassword"]
    assert item.node["jcr:content"] == {"clientSecret": "s3cret", "transportPassword": ENCRYPTED}
    assert cs.node["jcr:content"]["clientSecret"] == REDACTED
    item, _keys = with_secrets(cs, {"jcr:content": {"transportPassword": ENCRYPTED}}, "s3cret",
                               {"transportPassword": "clear"}, True)
    assert item.node["jcr:content"]["transportPassword"] == "clear"


# -- one item over HTTP --------------------------------------------------------------------------------------------

def test_a_missing_item_is_imported_then_its_files_uploaded():
    item = Item("mac_users", "/home/users/mac/mac-acme",
                {"jcr:primaryType": "rep:User", "rep:authorizableId": "mac-acme",
                 "keystore": {"jcr:primaryType": "sling:Folder",
                              "store.p12": {"jcr:primaryType": "nt:file",
                                            "jcr:content": {":jcr:data": 3, "jcr:mimeType": "application/x-pkcs12"}}}},
                {"keystore/store.p12": (b"p12", "application/x-pkcs12")})
    client, session, _w, _s = make_client([FakeResponse(201, OK), FakeResponse(201, OK)])
    report = Report(check_mode=False)
    assert restore_item(client, report, item, None, "mac_user")
    imported, uploaded = session.calls
    form = dict(imported["data"])
    assert imported["url"].endswith("/home/users/mac") and form[":operation"] == "import"
    assert form[":name"] == "mac-acme" and ":replace" not in form
    content = json.loads(form[":content"])
    assert content["rep:authorizableId"] == "mac-acme" and content["keystore"] == {"jcr:primaryType": "sling:Folder"}
    assert uploaded["url"].endswith("/home/users/mac/mac-acme/keystore")
    assert uploaded["files"] == {"store.p12": ("store.p12", b"p12", "application/x-pkcs12")}
    assert report.writes == 2 and report.actions == [{"kind": "mac_user", "path": "/home/users/mac/mac-acme",
                                                      "action": "create"}]
    assert "p12" not in json.dumps(report.diff).replace("store.p12", "")


def test_an_item_that_differs_is_updated_in_one_post_and_check_mode_sends_nothing():
    item = Item("agents", AGENT, agent(transportPassword=ENCRYPTED))
    current = agent(enabled="false")
    client, session, _w, _s = make_client([])
    report = Report(check_mode=True)
    assert restore_item(client, report, item, current, "agent")
    assert session.calls == [] and report.writes == 0
    assert report.diff[0]["before"] == {"jcr:content/enabled": "false"}
    assert report.diff[0]["after"] == {"jcr:content/enabled": "true", "jcr:content/transportPassword": REDACTED}
    client, session, _w, _s = make_client([FakeResponse(200, OK)])
    report = Report(check_mode=False)
    assert restore_item(client, report, item, current, "agent")
    (call,) = session.calls
    fields = call["data"]
    assert call["url"].endswith(AGENT)
    assert ("jcr:content/transportPassword", ENCRYPTED) in fields and ("jcr:content/enabled", "true") in fields
    assert report.actions[0]["action"] == "update"


def test_an_equal_item_costs_no_request():
    client, session, _w, _s = make_client([])
    report = Report(check_mode=False)
    assert not restore_item(client, report, Item("agents", AGENT, agent()), agent(), "agent")
    assert session.calls == [] and report.actions == []


def test_an_item_an_update_cannot_fix_is_imported_with_replace():
    item = Item("cloudservices", "/etc/cloudservices/mediaportal/bp", agent(pubFolder=""))
    client, session, _w, _s = make_client([FakeResponse(200, OK)])
    report = Report(check_mode=False)
    restore_item(client, report, item, agent(apiKey="k"), "cloudservice")
    form = dict(session.calls[0]["data"])
    assert form[":replace"] == "true" and form[":name"] == "bp"
    assert json.loads(form[":content"])["jcr:content"]["pubFolder"] == ""
    assert report.actions[0]["action"] == "replace"


def test_a_sling_error_in_the_body_fails():
    item = Item("agents", AGENT, agent())
    client, _session, _w, _s = make_client([FakeResponse(200, {"status.code": 500, "status.message": "boom",
                                                               "changes": []})])
    with pytest.raises(AemServerError, match="status 500"):
        restore_item(client, Report(check_mode=False), item, agent(enabled="false"), "agent")
