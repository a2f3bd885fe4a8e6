# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Brand Portal backups: reading the footprint, what the files hold (encrypted values kept, clear-text secrets
redacted, binaries), the folder (new, private, never overwritten), loading and verifying it, and the refusal of
another host's backup."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import datetime, timezone

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils import _backup
from ansible_collections.aemtools.brand_portal.plugins.module_utils._backup import (
    FORMAT,
    BackupIntegrityError,
    BackupRefusedError,
    Footprint,
    Item,
    build_backup,
    check_target,
    load_backup,
    read_footprint,
    read_tree,
    redact_tree,
    same_url,
    summary,
    validate_host,
    write_backup,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import AemVersion, Profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

ENCRYPTED = "{" + "ab12" * 16 + "}"
URL = "http://aem.example:4502"
CS = "/etc/cloudservices/mediaportal/brand-portal"
AGENT = "/etc/replication/agents.author/mp_replication"
MAC = "/home/users/mac/mac-acme-replication"
KEYSTORE = b"\x30\x82\x01binary-pkcs12"
CREATED = datetime(2026, 3, 1, 10, 15, 0, tzinfo=timezone.utc)


def footprint(model="cloudservice", binaries=True):
    profile = Profile(AemVersion("6.3.3.8" if model == "cloudservice" else "6.5.21.0"))
    cs = {"jcr:primaryType": "cq:Page", "jcr:created": "Sun Mar 01 2026 10:00:00 GMT+0000",
          "jcr:content": {"jcr:primaryType": "nt:unstructured", "tenantURL": "https://acme.brand-portal.adobe.com",
                          "clientSecret": "clear-client-secret", "pubFolder": ""}}
    agent = {"jcr:primaryType": "cq:Page",
             "jcr:content": {"jcr:primaryType": "nt:unstructured", "enabled": "true", "transportPassword": ENCRYPTED}}
    mac = {"jcr:primaryType": "rep:User", "rep:authorizableId": "mac-acme-replication",
           "keystore": {"jcr:primaryType": "sling:Folder",
                        "store.p12": {"jcr:primaryType": "nt:file",
                                      "jcr:content": {"jcr:primaryType": "nt:resource", ":jcr:data": len(KEYSTORE),
                                                      "jcr:mimeType": "application/x-pkcs12"}}}}
    items = {"cloudservices": [Item("cloudservices", CS, cs)],
             "agents": [Item("agents", AGENT, agent)],
             "mac_users": [Item("mac_users", MAC, mac, {"keystore/store.p12": (KEYSTORE, "application/x-pkcs12")}
                                if binaries else {})]}
    roots = {"/etc/cloudservices/mediaportal": {"jcr:primaryType": "cq:Page"},
             "/conf/global/settings/cloudconfigs/mediaportal": None,
             "/home/users/mac": {"jcr:primaryType": "rep:AuthorizableFolder"}}
    return Footprint(profile, items, roots, None, "Brand Portal", "mp_replication")


# -- what the files hold -------------------------------------------------------------------------------------------

def test_clear_text_secrets_are_redacted_encrypted_values_kept():
    redacted = []
    tree = {"a": {"transportPassword": ENCRYPTED, "clientSecret": "clear", "proxyPassword": ["x1", "x2"],
                  "title": "password: no", "privateKeyAlias": "", ":keyPassword": 12}}
    out = redact_tree(tree, "/n", redacted)
    assert out["a"]["transportPassword"] == ENCRYPTED
    assert out["a"]["clientSecret"] == REDACTED
    assert out["a"]["proxyPassword"] == REDACTED
    assert out["a"]["title"] == "password: no"
    assert out["a"]["privateKeyAlias"] == ""  # nothing to hide
    assert out["a"][":keyPassword"] == 12  # a binary length, not a value
    assert sorted(redacted) == ["/n/a/clientSecret", "/n/a/proxyPassword"]
    assert tree["a"]["clientSecret"] == "clear"  # the input is not changed


def test_build_backup_files_and_manifest():
    files, manifest = build_backup(footprint(), "author1", URL + "/", created=CREATED)
    assert sorted(files) == manifest["files"] == ["agents/mp_replication.json", "cloudservices/brand-portal.json",
                                                  "mac_users/mac-acme-replication.json"]
    cs = json.loads(files["cloudservices/brand-portal.json"])
    assert cs["path"] == CS
    assert cs["node"]["jcr:content"]["clientSecret"] == REDACTED
    assert cs["node"]["jcr:content"]["pubFolder"] == ""
    agent = json.loads(files["agents/mp_replication.json"])
    assert agent["node"]["jcr:content"]["transportPassword"] == ENCRYPTED
    mac = json.loads(files["mac_users/mac-acme-replication.json"])
    entry = mac["binaries"]["keystore/store.p12"]
    assert base64.b64decode(entry["base64"]) == KEYSTORE
    assert entry["size"] == len(KEYSTORE) and entry["mime_type"] == "application/x-pkcs12"
    assert manifest["format"] == FORMAT
    assert manifest["host"] == "author1" and manifest["aem_url"] == URL
    assert manifest["aem_version"] == "6.3.3.8" and manifest["model"] == "cloudservice"
    assert manifest["created"] == "2026-03-01T10:15:00Z"
    assert manifest["redacted"] is True
    assert manifest["redacted_properties"] == [CS + "/jcr:content/clientSecret"]
    assert manifest["agents"] == [AGENT]
    assert manifest["mac_users"] == [{"id": "mac-acme-replication", "path": MAC, "keystore": True}]
    assert manifest["cloudservices"] == [{"name": "brand-portal", "path": CS,
                                          "tenant_url": "https://acme.brand-portal.adobe.com"}]
    assert set(manifest["sha256"]) == set(files)


def test_without_redaction_clear_text_stays():
    files, manifest = build_backup(footprint(), "author1", URL, redact=False, created=CREATED)
    assert json.loads(files["cloudservices/brand-portal.json"])["node"]["jcr:content"]["clientSecret"] == \
        "clear-client-secret"
    assert manifest["redacted"] is False and manifest["redacted_properties"] == []


def test_the_same_name_under_both_roots_gets_two_files():
    fp = footprint()
    fp.items["cloudservices"].append(Item("cloudservices", "/conf/global/settings/cloudconfigs/mediaportal/brand-portal",
                                          {"jcr:primaryType": "cq:Page"}))
    files, manifest = build_backup(fp, "author1", URL, created=CREATED)
    assert "cloudservices/brand-portal.json" in files and "cloudservices/brand-portal~2.json" in files


def test_summary_leaves_out_node_content():
    _files, manifest = build_backup(footprint(), "author1", URL, created=CREATED)
    out = summary(manifest)
    assert out["roots"] == ["/etc/cloudservices/mediaportal", "/home/users/mac"]
    assert "base64" not in json.dumps(out) and ENCRYPTED not in json.dumps(out)


# -- the folder ----------------------------------------------------------------------------------------------------

def test_write_backup_makes_a_new_private_folder(tmp_path):
    files, manifest = build_backup(footprint(), "author1", URL, created=CREATED)
    folder = write_backup(str(tmp_path), "author1", files, manifest, CREATED)
    assert os.path.dirname(folder) == str(tmp_path / "author1")
    assert os.path.basename(folder).startswith("20260301T101500Z-")
    for root, dirs, names in os.walk(folder):
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
        for name in names:
            assert stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode) == 0o600
    assert sorted(os.listdir(folder)) == ["agents", "cloudservices", "mac_users", "manifest.json"]


def test_an_existing_folder_is_never_reused(tmp_path, monkeypatch):
    files, manifest = build_backup(footprint(), "author1", URL, created=CREATED)
    names = iter(["20260301T101500Z-00000001", "20260301T101500Z-00000001", "20260301T101500Z-00000002"])
    monkeypatch.setattr(_backup, "folder_name", lambda created: next(names))
    first = write_backup(str(tmp_path), "author1", files, manifest, CREATED)
    marker = os.path.join(first, "manifest.json")
    before = open(marker, "rb").read()
    second = write_backup(str(tmp_path), "author1", files, manifest, CREATED)
    assert first != second and second.endswith("-00000002")
    assert open(marker, "rb").read() == before


@pytest.mark.parametrize("host", ["", "../x", "a/b", "..", ".hidden", "two words"])
def test_host_must_name_one_folder(host):
    with pytest.raises(AemInputError, match="option host"):
        validate_host("host", host)


def test_an_unwritable_dest_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    files, manifest = build_backup(footprint(), "author1", URL, created=CREATED)
    with pytest.raises(_backup.BackupError, match="option dest"):
        write_backup(str(blocker), "author1", files, manifest, CREATED)


# -- loading and trusting a folder ---------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path):
    files, manifest = build_backup(footprint(), "author1", URL, created=CREATED)
    return write_backup(str(tmp_path), "author1", files, manifest, CREATED)


def test_load_round_trip(folder):
    backup = load_backup(folder)
    assert [i.path for i in backup.items["cloudservices"]] == [CS]
    mac = backup.items["mac_users"][0]
    assert mac.binaries == {"keystore/store.p12": (KEYSTORE, "application/x-pkcs12")}
    assert backup.roots["/conf/global/settings/cloudconfigs/mediaportal"] is None
    assert backup.ims is None


def test_a_changed_file_is_refused(folder):
    path = os.path.join(folder, "agents", "mp_replication.json")
    os.chmod(path, 0o600)
    with open(path, "a") as handle:
        handle.write(" ")
    with pytest.raises(BackupIntegrityError, match="agents/mp_replication.json does not have the checksum"):
        load_backup(folder)


def test_a_changed_binary_is_refused(folder):
    path = os.path.join(folder, "mac_users", "mac-acme-replication.json")
    content = json.load(open(path))
    content["binaries"]["keystore/store.p12"]["base64"] = base64.b64encode(b"other").decode()
    data = json.dumps(content).encode()
    with open(path, "wb") as handle:
        handle.write(data)
    manifest_path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["sha256"]["mac_users/mac-acme-replication.json"] = _backup.sha256(data)
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle)
    with pytest.raises(BackupIntegrityError, match="keystore/store.p12"):
        load_backup(folder)


def test_a_file_outside_the_folder_is_refused(folder):
    manifest_path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["files"].append("agents/../../../etc/passwd")
    manifest["sha256"]["agents/../../../etc/passwd"] = "0" * 64
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle)
    with pytest.raises(BackupIntegrityError, match="outside the folder"):
        load_backup(folder)


def test_a_node_file_may_only_restore_its_kind(folder):
    path = os.path.join(folder, "agents", "mp_replication.json")
    content = json.load(open(path))
    content["path"] = "/apps/system/config/evil"
    data = json.dumps(content).encode()
    with open(path, "wb") as handle:
        handle.write(data)
    manifest_path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["sha256"]["agents/mp_replication.json"] = _backup.sha256(data)
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle)
    with pytest.raises(BackupIntegrityError, match="no node of its kind"):
        load_backup(folder)


def test_not_a_backup(tmp_path):
    with pytest.raises(AemInputError, match="option backup: .* has no manifest.json"):
        load_backup(str(tmp_path))
    with pytest.raises(AemInputError, match="option backup: .* is not a folder"):
        load_backup(str(tmp_path / "missing"))
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(AemInputError, match="is not a backup of format"):
        load_backup(str(tmp_path))


# -- another host --------------------------------------------------------------------------------------------------

def test_same_url_ignores_a_trailing_slash_and_case():
    assert same_url("http://AEM.example:4502/", "http://aem.example:4502")
    assert not same_url("http://aem.example:4502", "http://aem.example:4503")
    assert not same_url("http://aem.example:4502", "https://aem.example:4502")


def test_another_host_or_url_is_refused():
    manifest = {"host": "author1", "aem_url": URL}
    check_target(manifest, "author1", URL + "/")
    with pytest.raises(BackupRefusedError, match="refuses a backup of another host") as info:
        check_target(manifest, "author2", URL)
    assert "'author1'" in str(info.value) and "'author2'" in str(info.value)
    with pytest.raises(BackupRefusedError, match="refuses a backup of another host"):
        check_target(manifest, "author1", "http://other.example:4502")


# -- reading AEM ---------------------------------------------------------------------------------------------------

def test_read_tree_refuses_a_shallower_answer():
    client, session, _w, _s = make_client([FakeResponse(300, ["/x.2.json", "/x.1.json"])])
    with pytest.raises(AemUnexpectedResponseError, match="json.maximumresults"):
        read_tree(client, "/x")
    assert session.calls[0]["url"].endswith("/x.infinity.json")


def test_read_tree_absent():
    client, _session, _w, _s = make_client([FakeResponse(404, "<html>not found</html>")])
    assert read_tree(client, "/x") is None


def test_read_footprint_reads_trees_agents_users_and_keystores():
    mac = footprint().items["mac_users"][0].node
    script = [
        FakeResponse(200, ["Adobe Experience Manager (6.3.3.8)"]),                      # version
        FakeResponse(200, {"jcr:primaryType": "cq:Page", "jcr:content": {"jcr:title": "Brand Portal"},
                           "brand-portal": {"jcr:primaryType": "cq:Page"}}),             # legacy root
        FakeResponse(404, "missing"),                                                    # /conf root
        FakeResponse(200, {"jcr:primaryType": "sling:Folder",                            # agents, depth 2
                           "mp_replication": {"jcr:content": {"enabled": "true"}},
                           "publish": {"jcr:content": {"enabled": "true"}}}),
        FakeResponse(200, {"jcr:primaryType": "cq:Page", "jcr:content": {"enabled": "true"}}),  # the BP agent
        FakeResponse(200, {"jcr:primaryType": "rep:AuthorizableFolder", "mac-acme-replication": mac}),
        FakeResponse(200, KEYSTORE, {"Content-Type": "application/x-pkcs12"}),          # store.p12
    ]
    client, session, _w, _s = make_client(script)
    fp = read_footprint(client, "mp_replication", "Brand Portal")
    assert [i.path for i in fp.items["cloudservices"]] == [CS]
    assert [i.path for i in fp.items["agents"]] == [AGENT]
    assert fp.items["mac_users"][0].binaries == {"keystore/store.p12": (KEYSTORE, "application/x-pkcs12")}
    assert fp.roots["/etc/cloudservices/mediaportal"] == {"jcr:primaryType": "cq:Page",
                                                          "jcr:content": {"jcr:title": "Brand Portal"}}
    assert fp.roots["/conf/global/settings/cloudconfigs/mediaportal"] is None
    assert fp.ims is None  # 6.3: no IMS configuration model
    assert session.calls[-1]["url"] == URL + MAC + "/keystore/store.p12"
    assert all(call["method"] == "GET" for call in session.calls)
