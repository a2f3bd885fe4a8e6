# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sling semantics: depth reads and the 300 fallback, TypeHint payloads, POST answers, normalisation."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemServerError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import (
    build_post_payload,
    canonical,
    depth_selector,
    is_server_managed,
    parse_post_response,
    property_changes,
    read_node,
    sling_post,
    values_equal,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)


class _Resp(object):
    def __init__(self, status, body, content_type):
        self.status = status
        self.body = body.encode("utf-8")
        self.headers = {"Content-Type": content_type}


@pytest.mark.parametrize("depth, selector", [(0, ".json"), (1, ".1.json"), (3, ".3.json"),
                                             ("infinity", ".infinity.json"), (-1, ".infinity.json")])
def test_depth_selectors(depth, selector):
    assert depth_selector(depth) == selector


def test_read_node_returns_json_and_none_when_missing():
    client, session, _unused, _unused = make_client([FakeResponse(200, {"jcr:primaryType": "nt:unstructured"}),
                                                     FakeResponse(404, "<html>Not Found</html>")])
    assert read_node(client, "/content/a") == {"jcr:primaryType": "nt:unstructured"}
    assert session.calls[0]["url"].endswith("/content/a.json")
    assert read_node(client, "/content/b", depth=2) is None
    assert session.calls[1]["url"].endswith("/content/b.2.json")


def test_read_node_treats_403_as_missing_only_when_asked():
    """Below agents.<runmode> AEM answers 403 for a missing agent (reference 1.3)."""
    client, _unused, _unused, _unused = make_client([FakeResponse(403, "x")])
    assert read_node(client, "/etc/replication/agents.author/none", missing=(403, 404)) is None


def test_read_node_falls_back_to_shallower_reads_on_300():
    client, session, _unused, _unused = make_client([
        FakeResponse(300, ["/content/big.2.json", "/content/big.1.json", "/content/big.0.json"]),
        FakeResponse(300, ["/content/big.1.json"]),
        FakeResponse(200, {"jcr:primaryType": "sling:Folder", "child": {}}),
    ])
    node = read_node(client, "/content/big", depth="infinity")
    assert node["jcr:primaryType"] == "sling:Folder"
    urls = [c["url"].split("4502")[1] for c in session.calls]
    assert urls == ["/content/big.infinity.json", "/content/big.2.json", "/content/big.1.json"]


def test_read_node_300_without_alternatives_is_unexpected():
    client, _unused, _unused, _unused = make_client([FakeResponse(300, [])])
    with pytest.raises(AemUnexpectedResponseError):
        read_node(client, "/content/big", depth="infinity")


def test_read_node_non_json_is_unexpected():
    client, _unused, _unused, _unused = make_client([FakeResponse(200, "<html>login</html>")])
    with pytest.raises(AemUnexpectedResponseError):
        read_node(client, "/content/a")


def test_payload_types_every_property_and_repeats_multi_values():
    payload = build_post_payload({"title": "T", "enabled": True, "retryDelay": 60000, "ratio": 0.5,
                                  "tags": ["a", "b"], "single": ["only"], "counts": [1, 2]},
                                 ["old"], primary_type="cq:Page")
    assert payload[0] == ("_charset_", "utf-8")
    assert ("jcr:primaryType", "cq:Page") in payload
    assert ("old@Delete", "") in payload
    expected = [("title@TypeHint", "String"), ("title", "T"),
                ("enabled@TypeHint", "Boolean"), ("enabled", "true"),
                ("retryDelay@TypeHint", "Long"), ("retryDelay", "60000"),
                ("ratio@TypeHint", "Double"), ("ratio", "0.5"),
                ("tags@TypeHint", "String[]"), ("tags", "a"), ("tags", "b"),
                ("single@TypeHint", "String[]"), ("single", "only"),
                ("counts@TypeHint", "Long[]"), ("counts", "1"), ("counts", "2")]
    for pair in expected:
        assert pair in payload
    assert payload.index(("tags", "a")) < payload.index(("tags", "b"))


def test_deletes_come_before_writes():
    payload = build_post_payload({"a": "1"}, ["b"])
    assert payload.index(("b@Delete", "")) < payload.index(("a@TypeHint", "String"))


@pytest.mark.parametrize("name", [":operation", "_charset_", "j_username", "a@TypeHint", "child/prop", ""])
def test_control_parameter_names_are_rejected(name):
    with pytest.raises(AemInputError) as info:
        build_post_payload({name: "x"})
    assert "option properties" in str(info.value)


def test_mixed_lists_and_unsupported_values_are_rejected():
    with pytest.raises(AemInputError) as info:
        build_post_payload({"mixed": [1, "a"]})
    assert "mixed" in str(info.value) and "one type" in str(info.value)
    with pytest.raises(AemInputError):
        build_post_payload({"nested": {"a": 1}})


def test_post_answer_json_with_numeric_status():
    result = parse_post_response(_Resp(201, '{"status.code":201,"status.message":"Created","isCreate":true,'
                                            '"path":"/content/a","changes":[{"type":"created","argument":"/content/a"}]}',
                                       "application/json;charset=UTF-8"))
    assert result.status == 201 and result.is_create is True
    assert result.changes == [("created", "/content/a")]


def test_post_answer_json_with_string_status_from_older_sling():
    """servlets.post 2.3.16-2.3.22 render every top-level value as a string (reference 1.5)."""
    result = parse_post_response(_Resp(200, '{"status.code":"200","status.message":"OK","isCreate":"false",'
                                            '"path":"/content/a","changes":[]}', "application/json"))
    assert result.status == 200 and result.is_create is False


def test_post_answer_html_status_page():
    html = ('<html><head><title>Content modified /content/a</title></head><body><h1>Content modified /content/a</h1>'
            '<table><tbody><tr><td>Status</td><td><div id="Status">200</div></td></tr>'
            '<tr><td>Message</td><td><div id="Message">OK</div></td></tr>'
            '<tr><td>Path</td><td><div id="Path">/content/a</div></td></tr>'
            '<tr><td>ChangeLog</td><td><div id="ChangeLog"><pre>modified(&quot;/content/a/x&quot;);<br/>'
            'moved(&quot;/a&quot;, &quot;/b&quot;);<br/></pre></div></td></tr></tbody></table></body></html>')
    result = parse_post_response(_Resp(200, html, "text/html;charset=UTF-8"))
    assert result.status == 200 and result.message == "OK" and result.path == "/content/a"
    assert result.changes == [("modified", "/content/a/x"), ("moved", ["/a", "/b"])]


def test_sling_post_fails_when_the_body_reports_an_error_behind_http_200():
    """:status=browser answers 200 with the real code only in the body (reference 1.3)."""
    body = {"status.code": 500, "status.message": "javax.jcr.AccessDeniedException",
            "error": {"class": "javax.jcr.AccessDeniedException", "message": "Access denied"}, "changes": []}
    client, session, _unused, _unused = make_client([FakeResponse(200, body)])
    with pytest.raises(AemServerError) as info:
        sling_post(client, "/content/a", [("x", "1")], "update /content/a")
    assert "Access denied" in str(info.value)
    assert session.calls[0]["headers"]["Accept"] == "application/json"


@pytest.mark.parametrize("current, desired, equal", [
    ("true", True, True), (True, "true", True), ("60000", 60000, True), (1, 1.0, True),
    (0.5, "0.5", True), ("a", ["a"], False), (["a", "b"], ["b", "a"], False), ("x", "y", False),
    (None, "", True), (None, [], True), ([], "", True),
])
def test_values_compare_by_text_but_keep_multiplicity_and_order(current, desired, equal):
    assert values_equal("p", current, desired) is equal


def test_mixin_types_compare_as_a_set():
    assert values_equal("jcr:mixinTypes", ["mix:a", "mix:b"], ["mix:b", "mix:a"])
    assert canonical(["b", "a"], set_like=True) == ("multi", ("a", "b"))


@pytest.mark.parametrize("name", ["jcr:created", "jcr:createdBy", "jcr:lastModified", "jcr:lastModifiedBy",
                                  "cq:lastModified", "cq:lastModifiedBy", "jcr:uuid", ":jcr:data"])
def test_server_managed_properties(name):
    assert is_server_managed(name)


def test_property_changes_ignores_server_managed_and_children():
    current = {"jcr:primaryType": "nt:unstructured", "jcr:created": "Mon", "jcr:uuid": "u", "title": "T",
               "enabled": "true", "child": {"jcr:primaryType": "nt:unstructured"}}
    assert property_changes(current, {"title": "T", "enabled": True, "jcr:created": "other"}) == ({}, [])


def test_property_changes_sets_differences_and_deletes_empty_values():
    current = {"title": "Old", "gone": "x", "keep": "k"}
    to_set, to_delete = property_changes(current, {"title": "New", "gone": "", "new": 1})
    assert to_set == {"title": "New", "new": 1}
    assert to_delete == ["gone"]


def test_purge_removes_unlisted_but_spares_structural_managed_and_ignored():
    current = {"jcr:primaryType": "cq:Page", "jcr:mixinTypes": ["mix:x"], "jcr:lastModified": "d",
               "rep:policy": "p", "cq:tag": "t", "stray": "s", "title": "T"}
    to_set, to_delete = property_changes(current, {"title": "T"}, ignore=["cq:*"], purge=True)
    assert to_set == {} and to_delete == ["stray"]
