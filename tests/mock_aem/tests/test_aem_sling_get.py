"""Sling GET rendering of the mock author, from aem-http-api.md §2."""

from __future__ import annotations

import json


def seed(aem, tree, path="/content/t"):
    r = aem.admin("POST", "/seed", json={"path": path, "tree": tree})
    assert r.status_code == 200, r.text


TREE = {"jcr:primaryType": "nt:unstructured", "s": "x", "n": 5, "b": True, "d": 1.5, "arr": ["a", "b"],
        "empty@TypeHint": "String[]", "empty": [],
        "bin@TypeHint": "Binary", "bin": "aGVsbG8=",
        "when@TypeHint": "Date", "when": "2018-07-01T12:00:00.000+10:00",
        "c1": {"x": "1", "g1": {"y": "2", "gg": {"z": "3"}}}, "c2": {}}


def test_json_depth_zero(aem):
    """§2: node.json gives depth 0: the node's own properties, no children."""
    seed(aem, TREE)
    j = aem.get("/content/t.json").json()
    assert j["s"] == "x" and "c1" not in j


def test_value_rendering(aem):
    """§2: Long/Double/Boolean native; multi-value arrays ([] when empty); binaries as :name: length;
    dates in ECMA format."""
    seed(aem, TREE)
    j = aem.get("/content/t.json").json()
    assert j["n"] == 5 and j["d"] == 1.5 and j["b"] is True
    assert j["arr"] == ["a", "b"] and j["empty"] == []
    assert j[":bin"] == 5 and "bin" not in j
    assert j["when"] == "Sun Jul 01 2018 12:00:00 GMT+1000"


def test_json_depth_selectors(aem):
    """§2: .N.json gives N levels; .infinity.json and .-1.json the whole tree."""
    seed(aem, TREE)
    one = aem.get("/content/t.1.json").json()
    assert one["c1"]["x"] == "1" and "g1" not in one["c1"]
    two = aem.get("/content/t.2.json").json()
    assert "g1" in two["c1"] and "gg" not in two["c1"]["g1"]
    for sel in ("infinity", "-1"):
        assert aem.get("/content/t.%s.json" % sel).json()["c1"]["g1"]["gg"]["z"] == "3"


def test_tidy_and_harray(aem):
    """§2: tidy pretty-prints (indent 2), also as tidy.N; harray renders children as arrays."""
    seed(aem, TREE)
    r = aem.get("/content/t.tidy.json")
    assert r.text.startswith("{\n  ")
    assert json.loads(r.text)["s"] == "x"
    r = aem.get("/content/t.tidy.1.json")
    assert "\n  " in r.text and json.loads(r.text)["c1"]["x"] == "1"
    h = aem.get("/content/t.harray.1.json").json()
    assert [c["__name__"] for c in h["__children__"]] == ["c1", "c2"]


def test_bad_selector_400(aem):
    """§2: an invalid depth selector answers 400 "Invalid recursion selector value"."""
    seed(aem, TREE)
    r = aem.get("/content/t.foo.json")
    assert r.status_code == 400 and "Invalid recursion selector value" in r.text


def test_missing_404_html(aem):
    """§2: a missing resource answers 404 with the HTML error page."""
    r = aem.get("/content/nothing.json")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")


def test_300_above_node_limit(aem_factory):
    """§2: above json.maximumresults the answer is 300 with the shallower URLs, deepest first."""
    a = aem_factory(json_max_results=3)
    seed(a, TREE)
    r = a.get("/content/t.infinity.json")
    assert r.status_code == 300
    assert r.json() == ["/content/t.1.json", "/content/t.0.json"]
    r = a.get("/content/t.tidy.infinity.json")
    assert r.json()[0] == "/content/t.tidy.1.json"
    assert a.get("/content/t.1.json").status_code == 200


def test_no_extension_redirects_to_slash(aem):
    """§2: an existing node without extension answers 302 to path/; missing answers 404."""
    seed(aem, TREE)
    r = aem.get("/content/t")
    assert r.status_code == 302 and r.headers["Location"] == "/content/t/"
    assert aem.get("/content/none").status_code == 404


def test_agent_exists_check(aem):
    """§2 / §5.2 (RUBY_AEM): GET agents.author/<name> gives 302 for exists, 403/404 for not found."""
    assert aem.get("/etc/replication/agents.author/publish").status_code == 302
    assert aem.get("/etc/replication/agents.author/missing").status_code in (403, 404)


def test_head(aem):
    """§2 (AEMC): HEAD <path>.json: 200 means the node exists, 404 not."""
    r = aem.head("/content.json")
    assert r.status_code == 200 and r.content == b""
    assert aem.head("/content/none.json").status_code == 404


def test_agents_list_and_page_structure(aem):
    """§2 (RUBY_AEM json_agents, AEM-TC): agents.author.-1.json lists agents; each is a cq:Page with
    jcr:content holding the agent properties."""
    j = aem.get("/etc/replication/agents.author.-1.json").json()
    agents = [k for k in j if not k.startswith(("jcr:", "rep:"))]
    assert "publish" in agents
    assert j["publish"]["jcr:primaryType"] == "cq:Page"
    assert j["publish"]["jcr:content"]["transportUri"].startswith("http://localhost:4503/bin/receive")


def test_nt_file_streams(aem):
    """§2 (StreamRenderer): a resource with a binary stream is served as such."""
    aem.post("/content/files", files={"doc.txt": ("doc.txt", b"hello", "text/plain")})
    r = aem.get("/content/files/doc.txt")
    assert r.status_code == 200 and r.content == b"hello"


def test_root_node(aem):
    """§2: the root resource renders like any node: /.json (depth 0) and /.1.json (its children)."""
    assert aem.get("/.json").json()["jcr:primaryType"] == "rep:root"
    assert "content" in aem.get("/.1.json").json()
    assert aem.get("/content/.json").status_code == 404
