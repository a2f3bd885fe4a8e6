"""Sling POST servlet of the mock author, from aem-http-api.md §1 (and §10.1-2)."""

from __future__ import annotations

import re

import pytest


def props(aem, path):
    r = aem.get(path + ".json")
    assert r.status_code == 200, r.text
    return r.json()


def test_create_201_then_modify_200(aem):
    """§1.3: 201 when the request created the addressed node, 200 when it existed."""
    r = aem.post("/content/a", data={"title": "x"})
    assert r.status_code == 201
    assert r.headers["Location"] == "/content/a"  # §1.5: Location on 201
    r = aem.post("/content/a", data={"title": "y"})
    assert r.status_code == 200
    assert props(aem, "/content/a")["title"] == "y"


def test_query_string_and_body_are_merged(aem):
    """§1.1: parameters as query parameters on a POST with an empty body are accepted and merged."""
    r = aem.post("/content/q?a=1&b=2", data={"c": "3"})
    assert r.status_code == 201
    p = props(aem, "/content/q")
    assert (p["a"], p["b"], p["c"]) == ("1", "2", "3")


def test_multipart_form_data(aem):
    """§1.1: multipart/form-data bodies are parsed (curl -F)."""
    r = aem.post("/content/m", files={"jcr:primaryType": (None, "sling:Folder"), "title": (None, "t")})
    assert r.status_code == 201
    p = props(aem, "/content/m")
    assert p["jcr:primaryType"] == "sling:Folder" and p["title"] == "t"


def test_relative_names_and_deep_create(aem):
    """§1.1: ./x and jcr:content/x are relative paths; missing intermediate nodes are created."""
    r = aem.post("/content/deep/a/b", data={"./t": "1", "./jcr:content/enabled": "true"})
    assert r.status_code == 201
    assert props(aem, "/content/deep/a/b")["t"] == "1"
    assert props(aem, "/content/deep/a/b/jcr:content")["enabled"] == "true"


def test_prefix_makes_unprefixed_params_ignored(aem):
    """§1.1: once a parameter starts with ./, parameters without such a prefix are ignored."""
    aem.post("/content/p", data={"./a": "1", "b": "2"})
    p = props(aem, "/content/p")
    assert p["a"] == "1" and "b" not in p


def test_control_charset_and_j_params_are_not_stored(aem):
    """§1.1: ':'-prefixed, _charset_ and j_* parameters are never stored."""
    aem.post("/content/c", data={":foo": "1", "_charset_": "utf-8", "j_x": "2", "keep": "3"})
    p = props(aem, "/content/c")
    assert "keep" in p and not any(k in p for k in (":foo", "_charset_", "j_x"))


def test_multiple_values_make_multi_value_property(aem):
    """§1.1: a parameter with several values becomes a multi-value property."""
    aem.post("/content/mv", data=[("v", "a"), ("v", "b")])
    assert props(aem, "/content/mv")["v"] == ["a", "b"]


def test_typehint_types_and_array(aem):
    """§1.2: @TypeHint stores native types; a trailing [] makes a single value multi-value."""
    aem.post("/content/t", data={"n": "42", "n@TypeHint": "Long", "b": "true", "b@TypeHint": "Boolean",
                                 "d": "1.5", "d@TypeHint": "Double", "s": "one", "s@TypeHint": "String[]",
                                 "dt": "2020-01-02T03:04:05.000+00:00", "dt@TypeHint": "Date"})
    p = props(aem, "/content/t")
    assert p["n"] == 42 and p["b"] is True and p["d"] == 1.5 and p["s"] == ["one"]
    # §2: dates render in the ECMA format EEE MMM dd yyyy HH:mm:ss 'GMT'Z
    assert p["dt"] == "Thu Jan 02 2020 03:04:05 GMT+0000"


def test_bad_typed_value_is_500(aem):
    """§1.3: an exception during the operation answers 500."""
    r = aem.post_json("/content/bad", data={"n": "x", "n@TypeHint": "Long"})
    assert r.status_code == 500
    assert r.json()["error"]["class"]
    assert r.json()["changes"] == []  # §1.5: with error, changes is []


def test_delete_suffix_runs_first_and_removes(aem):
    """§1.2: @Delete removes; with the same property also sent, it is deleted then re-written."""
    aem.post("/content/d", data={"x": "1", "y": "2"})
    aem.post("/content/d", data={"x@Delete": "", "y@Delete": "", "y": "3"})
    p = props(aem, "/content/d")
    assert "x" not in p and p["y"] == "3"


def test_patch_adds_and_removes_from_set(aem):
    """§1.2: @Patch with +v/-v on a multi-value property (TypeHint ending in [])."""
    aem.post("/content/pa", data=[("v", "a"), ("v", "b")])
    aem.post("/content/pa", data=[("v@TypeHint", "String[]"), ("v@Patch", "true"), ("v", "+c"), ("v", "-a"),
                                  ("v", "+b")])
    assert props(aem, "/content/pa")["v"] == ["b", "c"]


def test_default_value_used_for_empty(aem):
    """§1.2: @DefaultValue applies when the value is empty."""
    aem.post("/content/dv", data={"x": "", "x@DefaultValue": "dflt"})
    assert props(aem, "/content/dv")["x"] == "dflt"


def test_empty_single_value_removes_property(aem):
    """§1.2: a single empty value for a single-valued property removes the property."""
    aem.post("/content/e", data={"x": "1"})
    aem.post("/content/e", data={"x": ""})
    assert "x" not in props(aem, "/content/e")


def test_auto_filled_dates(aem):
    """§1.1: jcr:lastModified / jcr:lastModifiedBy sent empty are filled by the server."""
    aem.post("/content/au", data={"jcr:lastModified": "", "jcr:lastModifiedBy": ""})
    p = props(aem, "/content/au")
    assert re.match(r"\w{3} \w{3} \d\d \d{4} \d\d:\d\d:\d\d GMT[+-]\d{4}", p["jcr:lastModified"])
    assert p["jcr:lastModifiedBy"] == "admin"


def test_star_suffix_generates_name(aem):
    """§1.1: paths ending in /* take the node name from :name (or title...)."""
    r = aem.post("/content/*", data={":name": "named", "x": "1"})
    assert r.status_code == 201
    assert props(aem, "/content/named")["x"] == "1"


def test_extension_cut_off_on_create(aem):
    """§1.1: selectors and extension are cut off: POST /content/new.html writes /content/new."""
    assert aem.post("/content/new.html", data={"x": "1"}).status_code == 201
    assert props(aem, "/content/new")["x"] == "1"


def test_delete_existing_and_missing_plain_path(aem):
    """§1.3: delete answers 200; deleting a non-existing plain path is ok (200, SLING-IT)."""
    aem.post("/content/gone", data={"x": "1"})
    assert aem.post("/content/gone", data={":operation": "delete"}).status_code == 200
    assert aem.get("/content/gone.json").status_code == 404
    assert aem.post("/content/never", data={":operation": "delete"}).status_code == 200


def test_delete_missing_agent_below_agents_author_is_403(aem):
    """§1.3 (RUBY_AEM#9): deleting a non-existent agent under agents.author answers 403."""
    r = aem.post("/etc/replication/agents.author/missing", data={":operation": "delete"})
    assert r.status_code == 403


def test_delete_with_selector_or_extension_is_403(aem):
    """§1.3 (SLING-3203): a delete whose URL carries selectors/extension/suffix gets 403."""
    aem.post("/content/x", data={"a": "1"})
    r = aem.post_json("/content/x.json", data={":operation": "delete"})
    assert r.status_code == 403
    assert "selectors, extension or suffix" in r.json()["status.message"]
    assert aem.get("/content/x.json").status_code == 200


def test_delete_apply_to(aem):
    """§1.3: delete with :applyTo (several; trailing * = all children); missing items ignored."""
    for n in ("a", "b", "c"):
        aem.post("/content/at/" + n, data={"x": "1"})
    r = aem.post("/content/at", data=[(":operation", "delete"), (":applyTo", "a"), (":applyTo", "nope")])
    assert r.status_code == 200
    assert aem.get("/content/at/a.json").status_code == 404
    aem.post("/content/at", data=[(":operation", "delete"), (":applyTo", "/content/at/*")])
    assert [k for k, v in aem.get("/content/at.1.json").json().items() if isinstance(v, dict)] == []


def test_move_and_copy(aem):
    """§1.3: copy/move with :dest; 201 new destination, 412 existing without :replace, 404 missing."""
    aem.post("/content/src", data={"x": "1"})
    assert aem.post("/content/src", data={":operation": "copy", ":dest": "/content/cp"}).status_code == 201
    assert props(aem, "/content/cp")["x"] == "1"
    assert aem.post("/content/src", data={":operation": "copy", ":dest": "/content/cp"}).status_code == 412
    r = aem.post("/content/src", data={":operation": "copy", ":dest": "/content/cp", ":replace": "true"})
    assert r.status_code == 200
    assert aem.post("/content/src", data={":operation": "move", ":dest": "/content/mv"}).status_code == 201
    assert aem.get("/content/src.json").status_code == 404
    assert aem.post("/content/src", data={":operation": "move", ":dest": "/content/x"}).status_code == 404


def test_nop_and_unknown_operation(aem):
    """§1.3: nop answers 200 or :nopstatus; an unknown operation answers 500."""
    assert aem.post("/content", data={":operation": "nop"}).status_code == 200
    assert aem.post("/content", data={":operation": "nop", ":nopstatus": "202"}).status_code == 202
    r = aem.post_json("/content", data={":operation": "bogus"})
    assert r.status_code == 500
    assert "Invalid operation specified for POST request" in r.json()["status.message"]


def test_import_json(aem):
    """§1.3: import with :contentType=json and :content, named by :name."""
    r = aem.post("/content", data={":operation": "import", ":contentType": "json", ":name": "imp",
                                   ":content": '{"a": "1", "child": {"b": 2}}'})
    assert r.status_code == 201
    assert aem.get("/content/imp.1.json").json()["child"]["b"] == 2


def test_redirect_and_status_browser(aem):
    """§1.3: :redirect answers 302 with Location (* replaced by the name); :status=browser answers 200."""
    r = aem.post("/content/rd", data={"x": "1", ":redirect": "/done/*.html"})
    assert r.status_code == 302 and r.headers["Location"] == "/done/rd.html"
    r = aem.post_json("/content/sb", data={"x": "1", ":status": "browser"})
    assert r.status_code == 200 and r.json()["status.code"] == 201


def test_html_response_by_default(aem):
    """§1.4/§1.6: without Accept: application/json the answer is the HTML status page."""
    r = aem.post("/content/h", data={"x": "1"}, headers={"Referer": "http://127.0.0.1/x"})
    assert r.headers["Content-Type"].startswith("text/html")
    assert '<div id="Status">201</div>' in r.text
    assert '<div id="Message">Created</div>' in r.text
    assert '<title>Content created /content/h</title>' in r.text
    assert 'id="ChangeLog"><pre>created("/content/h");<br/>modified("/content/h/x");<br/></pre>' in r.text
    assert "Go Back" in r.text
    r = aem.post("/content/h", data={"x": "2"}, headers={"Accept": "*/*"})
    assert '<div id="Referer"></div>' in r.text and "Go Back" not in r.text  # NoGoBack variant


def test_json_response_shape_65(aem):
    """§1.5: JSON keys; AEM 6.5 (servlets.post 2.3.26) emits native numbers and booleans."""
    r = aem.post_json("/etc/replication/agents.author/foo",
                      data={"jcr:primaryType": "cq:Page", "jcr:content/enabled": "true"})
    j = r.json()
    assert r.headers["Content-Type"].startswith("application/json")
    assert j["status.code"] == 201 and j["isCreate"] is True and j["status.message"] == "Created"
    assert j["title"] == "Content created /etc/replication/agents.author/foo"
    assert j["path"] == j["location"] == "/etc/replication/agents.author/foo"
    assert j["parentLocation"] == "/etc/replication/agents.author" and j["referer"] == ""
    assert {"type": "created", "argument": "/etc/replication/agents.author/foo/jcr:content"} in j["changes"]
    assert {"type": "modified", "argument": "/etc/replication/agents.author/foo/jcr:content/enabled"} in j["changes"]


@pytest.mark.parametrize("version", ["6.3", "6.4.8"])
def test_json_status_code_is_string_on_63_64(aem_factory, version):
    """§1.5: 2.3.16-2.3.22 emit top-level values as strings; 6.3/6.4 use them (INFERRED table)."""
    a = aem_factory(version=version)
    j = a.post_json("/content/s", data={"x": "1"}).json()
    assert j["status.code"] == "201" and j["isCreate"] == "true"


def test_accept_preference(aem):
    """§1.4: JSON only when Accept prefers application/json over text/html."""
    r = aem.post("/content/ac", data={"x": "1"}, headers={"Accept": "text/html;q=0.9,application/json"})
    assert r.headers["Content-Type"].startswith("application/json")
    r = aem.post("/content/ac", data={"x": "1"}, headers={"Accept": "text/html,application/json"})
    assert r.headers["Content-Type"].startswith("text/html")
    r = aem.post("/content/ac", data={"x": "1", ":http-equiv-accept": "application/json"})
    assert r.headers["Content-Type"].startswith("application/json")


def test_http_delete_is_405(aem):
    """§1.1: HTTP DELETE on content answers 405 Method DELETE not supported."""
    r = aem.s.delete(aem.url + "/content")
    assert r.status_code == 405 and "Method DELETE not supported" in r.text


def test_agent_page_without_primary_type_fails(aem):
    """§5.2: clients create agents with jcr:primaryType=cq:Page; a cq:Page parent has no default child type."""
    assert aem.post("/etc/replication/agents.author/x", data={"jcr:content/a": "1"}).status_code == 500


def test_writes_counted_and_post_hook_called(aem):
    """Extension point: post hooks see the changes; writes are counted once per changing POST."""
    seen = []
    aem.app.add_post_hook(lambda app, req, changes: seen.append(changes))
    before = aem.stats()["writes"]
    aem.post("/content/hk", data={"x": "1"})
    assert aem.stats()["writes"] == before + 1
    assert ("created", "/content/hk") in seen[0] and ("modified", "/content/hk/x") in seen[0]


def test_encrypted_suffix_stores_protected_value(aem):
    """§1.2 INFERRED (DEMO-UTILS): prop@Encrypted stores the value protected as {hex}."""
    aem.post("/content/enc", data={"clientSecret": "s3cr3t", "clientSecret@Encrypted": ""})
    v = props(aem, "/content/enc")["clientSecret"]
    assert re.fullmatch(r"\{[0-9a-f]{64,}\}", v) and aem.app.crypto.unprotect(v) == "s3cr3t"


def test_post_to_existing_node_with_suffix_modifies_it(aem):
    """§1.1: the addressed node exists: 200 and the properties change (no new node)."""
    aem.post("/content/ex", data={"a": "1"})
    r = aem.post_json("/content/ex.html", data={"a": "2"})
    assert r.status_code == 200 and r.json()["isCreate"] is False
    assert props(aem, "/content/ex")["a"] == "2"


# ------------------------------------------------------------------ the other @ suffixes (§1.2, SLING-POST-DOC)

def test_value_from_takes_the_value_of_another_parameter(aem):
    """§1.2 @ValueFrom: ./text@ValueFrom=supplied_text stores the value of supplied_text as text; with the
    ./ prefix the unprefixed supplied_text itself is not stored (§1.1)."""
    r = aem.post("/content/vf", data={"supplied_text": "hello", "./text@ValueFrom": "supplied_text"})
    assert r.status_code == 201
    p = props(aem, "/content/vf")
    assert p["text"] == "hello" and "supplied_text" not in p


def test_use_default_when_missing(aem):
    """§1.2 @UseDefaultWhenMissing: the default applies when the parameter is not sent at all (an
    unticked check box); a sent value wins."""
    form = {"queryIgnoreNoise@DefaultValue": "false", "queryIgnoreNoise@UseDefaultWhenMissing": "true"}
    aem.post("/content/udm", data=form)
    assert props(aem, "/content/udm")["queryIgnoreNoise"] == "false"
    aem.post("/content/udm", data=dict(form, queryIgnoreNoise="true"))
    assert props(aem, "/content/udm")["queryIgnoreNoise"] == "true"
    # without @UseDefaultWhenMissing a missing parameter leaves the property alone
    aem.post("/content/udm2", data={"x@DefaultValue": "d", "y": "1"})
    assert "x" not in props(aem, "/content/udm2")


def test_ignore_blanks(aem):
    """§1.2 @IgnoreBlanks: empty values are treated as not supplied: [foo, bar, ""] stores [foo, bar]
    (without it the blank is kept); a single blank value leaves the property untouched."""
    aem.post("/content/ib", data={"s@TypeHint": "String[]", "s": ["foo", "bar", ""]})
    assert props(aem, "/content/ib")["s"] == ["foo", "bar", ""]
    aem.post("/content/ib", data={"s@TypeHint": "String[]", "s": ["foo", "bar", ""], "s@IgnoreBlanks": "true"})
    assert props(aem, "/content/ib")["s"] == ["foo", "bar"]
    aem.post("/content/ib", data={"t": "keep"})
    aem.post("/content/ib", data={"t": "", "t@IgnoreBlanks": "true"})
    assert props(aem, "/content/ib")["t"] == "keep"


def test_move_from_moves_a_node_into_a_new_node(aem):
    """§1.2 @MoveFrom: image@MoveFrom=/tmp/upload/123 on a POST to /content/page/ (generated name) moves
    the item there; the source is gone; the addressed node is still a new node (201)."""
    aem.post("/tmp/upload/123", data={"data": "pixels"})
    aem.post("/tmp/upload/123/sub", data={"y": "1"})
    r = aem.post("/content/page/", data={"image@MoveFrom": "/tmp/upload/123", "title": "Shiny"})
    assert r.status_code == 201, r.text
    created = r.headers["Location"]
    assert created.startswith("/content/page/")
    tree = aem.get(created + ".2.json").json()
    assert tree["title"] == "Shiny" and tree["image"]["data"] == "pixels" and tree["image"]["sub"]["y"] == "1"
    assert aem.get("/tmp/upload/123.json").status_code == 404


def test_copy_from_copies_and_replaces(aem):
    """§1.2 @CopyFrom: like @MoveFrom but the source stays; an existing item at the target is replaced;
    a missing source changes nothing."""
    aem.post("/content/lib/img", data={"v": "new"})
    aem.post("/content/doc/image", data={"v": "old", "extra": "x"})
    r = aem.post("/content/doc", data={"image@CopyFrom": "/content/lib/img"})
    assert r.status_code == 200
    assert props(aem, "/content/doc/image") == props(aem, "/content/lib/img")  # "extra" is gone
    assert props(aem, "/content/lib/img")["v"] == "new"
    r = aem.post("/content/doc", data={"other@CopyFrom": "/content/nothing/here"})
    assert r.status_code == 200
    assert aem.get("/content/doc/other.json").status_code == 404


def test_move_from_and_copy_from_a_property(aem):
    """§1.2: @MoveFrom/@CopyFrom take the repository path of an item: a property works as well."""
    aem.post("/content/psrc", data={"a": "1", "b": "2", "b@TypeHint": "Long"})
    aem.post("/content/pdst", data={"./x@MoveFrom": "/content/psrc/a", "./y@CopyFrom": "/content/psrc/b"})
    dst, src = props(aem, "/content/pdst"), props(aem, "/content/psrc")
    assert dst["x"] == "1" and dst["y"] == 2
    assert "a" not in src and src["b"] == 2


# ------------------------------------------------------------------ move / copy details (§1.3)

def test_move_copy_dest_keep_name_and_changes(aem):
    """§1.3: a :dest ending in / keeps the source name; the whole subtree moves; the JSON change is
    {"type": "moved"|"copied", "argument": [src, dst]} (§1.5)."""
    aem.post("/content/tree/leaf", data={"v": "1"})
    aem.post("/content/target", data={"x": "1"})
    r = aem.post_json("/content/tree", data={":operation": "copy", ":dest": "/content/target/"})
    assert r.status_code == 201
    assert {"type": "copied", "argument": ["/content/tree", "/content/target/tree"]} in r.json()["changes"]
    assert props(aem, "/content/target/tree/leaf")["v"] == "1"
    r = aem.post_json("/content/tree", data={":operation": "move", ":dest": "/content/moved"})
    assert r.status_code == 201
    assert {"type": "moved", "argument": ["/content/tree", "/content/moved"]} in r.json()["changes"]
    assert props(aem, "/content/moved/leaf")["v"] == "1"
    assert aem.get("/content/tree.json").status_code == 404


def test_move_copy_several_items(aem):
    """§1.3: with :applyTo (several items) :dest is required (412) and must end in / (500); then every
    item lands under :dest."""
    for n in ("a", "b"):
        aem.post("/content/multi/" + n, data={"n": n})
    aem.post("/content/into", data={"x": "1"})
    base = {":operation": "move", ":applyTo": ["a", "b"]}
    assert aem.post("/content/multi", data=base).status_code == 412
    assert aem.post("/content/multi", data=dict(base, **{":dest": "/content/into"})).status_code == 500
    assert aem.post("/content/multi", data=dict(base, **{":dest": "/content/into/"})).status_code in (200, 201)
    assert props(aem, "/content/into/a")["n"] == "a" and props(aem, "/content/into/b")["n"] == "b"
    assert aem.get("/content/multi/a.json").status_code == 404


# ------------------------------------------------------------------ more §1.1-§1.5 facts

def test_dot_dot_names_mixins_and_charset(aem):
    """§1.1: ../first/text is relative to the parent; jcr:mixinTypes assigns mixins (multi-value
    Name); charset and _charset_ are never stored."""
    aem.post("/content/rel/first", data={"x": "1"})
    r = aem.post("/content/rel/second", data={"./title": "T", "../first/text": "from second",
                                              "./jcr:mixinTypes": "mix:versionable", "charset": "utf-8",
                                              "_charset_": "utf-8"})
    assert r.status_code == 201
    assert props(aem, "/content/rel/first")["text"] == "from second"
    second = props(aem, "/content/rel/second")
    assert second["jcr:mixinTypes"] == ["mix:versionable"]
    assert "charset" not in second and "_charset_" not in second


def test_generated_names_name_hint_and_title(aem):
    """§1.1: for a path ending in / the name comes from :name (as is), then :nameHint, then title..."""
    r = aem.post("/content/gen/", data={":nameHint": "hint", "title": "Not this"})
    assert r.status_code == 201 and r.headers["Location"] == "/content/gen/hint"
    r = aem.post("/content/gen/", data={"title": "fromtitle"})
    assert r.headers["Location"] == "/content/gen/fromtitle"
    r = aem.post("/content/gen/", data={":name": "Exact_Name", ":nameHint": "hint", "title": "t"})
    assert r.headers["Location"] == "/content/gen/Exact_Name"


def test_created_and_created_by_filled_on_create(aem):
    """§1.1: created/jcr:created and createdBy/jcr:createdBy sent empty are filled by the server."""
    aem.post("/content/cr", data={"jcr:created": "", "jcr:createdBy": "", "createdBy": ""})
    p = props(aem, "/content/cr")
    assert re.match(r"\w{3} \w{3} \d\d \d{4} \d\d:\d\d:\d\d GMT[+-]\d{4}", p["jcr:created"])
    assert p["jcr:createdBy"] == "admin" and p["createdBy"] == "admin"


@pytest.mark.parametrize("text", ["2024-01-02T03:04:05.000+00:00", "2024-01-02T03:04:05Z",
                                  "Tue Jan 02 2024 03:04:05 GMT+0000"])
def test_date_type_hint_default_formats(aem, text):
    """§1.2: Date values are parsed with the default servlet.post.dateFormats (ISO8601, the ECMA
    format) and rendered in the ECMA format (§2)."""
    import datetime as dt

    assert aem.post("/content/dt", data={"d": text, "d@TypeHint": "Date"}).status_code in (200, 201)
    shown = props(aem, "/content/dt")["d"]
    parsed = dt.datetime.strptime(shown, "%a %b %d %Y %H:%M:%S GMT%z")
    assert parsed == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text", ["2024-01-02", "02.01.2024", "02.01.2024 03:04:05"])
def test_date_type_hint_local_formats(aem, text):
    """§1.2: yyyy-MM-dd, dd.MM.yyyy and dd.MM.yyyy HH:mm:ss are among the default date formats."""
    assert aem.post("/content/dl", data={"d": text, "d@TypeHint": "Date"}).status_code in (200, 201)
    assert re.match(r"\w{3} Jan 02 2024 \d\d:\d\d:\d\d GMT[+-]\d{4}", props(aem, "/content/dl")["d"])


def test_checkin_checkout(aem):
    """§1.3: checkin/checkout answer 200 for an existing node, 404 for a missing one."""
    aem.post("/content/ver", data={"x": "1"})
    for op in ("checkout", "checkin"):
        assert aem.post("/content/ver", data={":operation": op}).status_code == 200
        assert aem.post("/content/nover", data={":operation": op}).status_code == 404


def test_import_missing_parent_and_parameters(aem):
    """§1.3: import answers 404 when the parent is missing and 412 when a required parameter is."""
    r = aem.post("/content/no/parent", data={":operation": "import", ":contentType": "json", ":name": "x",
                                             ":content": "{}"})
    assert r.status_code == 404
    assert aem.post("/content", data={":operation": "import", ":name": "x", ":content": "{}"}).status_code == 412
    assert aem.post("/content", data={":operation": "import", ":contentType": "json"}).status_code == 412


def test_redirect_to_another_host_is_refused(aem):
    """§1.3: :redirect to another host is refused (the normal answer comes back); a trailing / appends
    the node name."""
    r = aem.post("/content/rh", data={"x": "1", ":redirect": "http://evil.example/x"})
    assert r.status_code == 201 and r.headers["Location"] == "/content/rh"
    r = aem.post("/content/rh2", data={"x": "1", ":redirect": "/done/"})
    assert r.status_code == 302 and r.headers["Location"] == "/done/rh2"


def test_error_answer_has_error_and_no_changes(aem):
    """§1.5: on error the JSON carries error {class, message}, changes is [] and the title says
    'Error while processing <path>'."""
    r = aem.post_json("/content/err", data={"n": "notanumber", "n@TypeHint": "Long"})
    j = r.json()
    assert r.status_code == 500 and j["status.code"] == 500
    assert j["changes"] == [] and set(j["error"]) == {"class", "message"}
    assert j["title"] == "Error while processing /content/err"
