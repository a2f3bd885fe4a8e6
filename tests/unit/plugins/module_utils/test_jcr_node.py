# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning, check mode, secrets policy and read-back verification of one node."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import (
    NodeSpec,
    ensure_absent,
    ensure_present,
    looks_encrypted,
    plan_present,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

ENCRYPTED = "{" + "ab12" * 16 + "}"
SECRET = "very-secret-value"


def test_create_plan_lists_properties_and_redacts_secrets():
    spec = NodeSpec("/content/a", {"title": "T", "empty": ""}, primary_type="nt:unstructured",
                    secrets={"pw": SECRET})
    plan = plan_present(None, spec)
    assert plan.action == "create"
    assert plan.to_set == {"title": "T"}
    assert plan.secrets_to_write == ["pw"]
    assert plan.before == {}
    assert plan.after == {"title": "T", "jcr:primaryType": "nt:unstructured", "pw": REDACTED}


def test_unchanged_node_plans_nothing():
    spec = NodeSpec("/content/a", {"title": "T", "enabled": True})
    assert plan_present({"jcr:primaryType": "nt:unstructured", "title": "T", "enabled": "true"}, spec).action == "none"


def test_update_diff_shows_only_changed_properties():
    spec = NodeSpec("/content/a", {"title": "New", "same": "s"})
    plan = plan_present({"title": "Old", "same": "s", "other": "o"}, spec)
    assert plan.before == {"title": "Old"} and plan.after == {"title": "New"}


@pytest.mark.parametrize("current, policy, write", [
    (None, "on_create", True),
    (ENCRYPTED, "on_create", False),
    (ENCRYPTED, "always", True),
    (SECRET, "always", False),
    ("other-clear-value", "on_create", True),
])
def test_secret_update_policy(current, policy, write):
    node = {"jcr:primaryType": "nt:unstructured"}
    if current is not None:
        node["pw"] = current
    plan = plan_present(node, NodeSpec("/content/a", secrets={"pw": SECRET}, secret_update=policy))
    assert (plan.secrets_to_write == ["pw"]) is write
    assert SECRET not in repr(plan.before) + repr(plan.after)


def test_encrypted_value_shapes():
    assert looks_encrypted(ENCRYPTED)
    assert looks_encrypted("{DES}abcdef")
    assert not looks_encrypted("{not hex}") and not looks_encrypted("plain")


def test_primary_type_mismatch_fails_before_writing():
    with pytest.raises(AemInputError) as info:
        plan_present({"jcr:primaryType": "sling:Folder"}, NodeSpec("/content/a", primary_type="nt:unstructured"))
    assert "primary_type" in str(info.value) and "sling:Folder" in str(info.value)


@pytest.mark.parametrize("path", ["content/a", "/content/a/", "/content//a", "/content/../etc", " /content"])
def test_bad_paths_are_rejected_naming_the_option(path):
    with pytest.raises(AemInputError) as info:
        NodeSpec(path).validate()
    assert "option path" in str(info.value)


def test_secret_listed_twice_is_rejected():
    with pytest.raises(AemInputError):
        NodeSpec("/content/a", {"pw": "x"}, secrets={"pw": "y"}).validate()


def test_check_mode_reads_but_never_writes():
    client, session, _unused, _unused = make_client([FakeResponse(200, {"jcr:primaryType": "nt:unstructured", "title": "Old"})])
    result = ensure_present(client, NodeSpec("/content/a", {"title": "New"}, secrets={"pw": SECRET}), check_mode=True)
    assert result["changed"] is True
    assert [c["method"] for c in session.calls] == ["GET"]
    assert result["node"]["title"] == "New" and result["node"]["pw"] == REDACTED


def test_apply_writes_once_then_rereads_and_redacts():
    client, session, _unused, _unused = make_client([
        FakeResponse(404, "missing"),
        FakeResponse(201, {"status.code": 201, "status.message": "Created", "changes": []}),
        FakeResponse(200, {"jcr:primaryType": "nt:unstructured", "title": "T", "pw": ENCRYPTED}),
    ])
    spec = NodeSpec("/content/a", {"title": "T"}, primary_type="nt:unstructured", secrets={"pw": SECRET})
    result = ensure_present(client, spec, check_mode=False)
    assert result["changed"] is True
    post = session.calls[1]
    assert post["method"] == "POST" and ("pw", SECRET) in post["data"] and ("jcr:primaryType", "nt:unstructured") in post["data"]
    assert result["node"] == {"jcr:primaryType": "nt:unstructured", "title": "T", "pw": REDACTED}


def test_write_that_did_not_stick_is_reported():
    client, _unused, _unused, _unused = make_client([
        FakeResponse(200, {"title": "Old"}),
        FakeResponse(200, {"status.code": 200, "changes": []}),
        FakeResponse(200, {"title": "Old"}),
    ])
    with pytest.raises(AemUnexpectedResponseError) as info:
        ensure_present(client, NodeSpec("/content/a", {"title": "New"}), check_mode=False)
    assert "title" in str(info.value)


def test_absent_deletes_with_operation_delete_and_verifies():
    client, session, _unused, _unused = make_client([
        FakeResponse(200, {"title": "T"}),
        FakeResponse(200, {"status.code": 200, "changes": [{"type": "deleted", "argument": "/content/a"}]}),
        FakeResponse(404, "gone"),
    ])
    result = ensure_absent(client, "/content/a", check_mode=False)
    assert result["changed"] is True and result["diff"]["before"] == {"title": "T"}
    assert session.calls[1]["method"] == "POST" and (":operation", "delete") in session.calls[1]["data"]


def test_absent_on_missing_node_makes_no_write():
    client, session, _unused, _unused = make_client([FakeResponse(404, "gone")])
    assert ensure_absent(client, "/content/a", check_mode=False)["changed"] is False
    assert len(session.calls) == 1


def test_secret_looking_names_are_redacted_even_when_not_declared():
    """A delete or an update must not show a secret AEM keeps in clear, declared or not."""
    client, _unused, _unused, _unused = make_client([
        FakeResponse(200, {"title": "T", "transportPassword": "clear-text-pw", "clientSecret": "cs-value"}),
    ])
    result = ensure_absent(client, "/content/a", check_mode=True)
    assert result["diff"]["before"] == {"title": "T", "transportPassword": REDACTED, "clientSecret": REDACTED}
    client, _unused, _unused, _unused = make_client([FakeResponse(200, {"transportPassword": "old-pw-value"})])
    result = ensure_present(client, NodeSpec("/content/a", {"transportPassword": "new-pw-value"}), check_mode=True)
    assert result["changed"] is True
    assert "old-pw-value" not in repr(result) and "new-pw-value" not in repr(result)
