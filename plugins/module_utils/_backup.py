# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Backups of an author's Brand Portal footprint: reading it, the folder format, writing and loading it.

The footprint is what Brand Portal owns on one author: the cloud services under both roots, the replication
agents whose name starts with a prefix, the MAC users (with the binary of their keystore) and, on the AEM 6.5
model, the Adobe IMS configuration of one title.  ``_restore.py`` puts a backup back.

Folder format (``FORMAT``), one folder per backup, ``<dest>/<host>/<UTC timestamp>-<random>/`` (0700, files 0600,
nothing ever overwritten)::

    manifest.json                 host, AEM URL, version, model, created, what is in the folder, sha256 of each file
    cloudservices/<name>.json     {"path", "node": <.infinity.json>, "binaries": {<relative path>: {...}}}
    agents/<name>.json            the same
    mac_users/<name>.json         the same; binaries holds keystore/store.p12 (base64) where there is one
    ims_configs/<PID>.json        {"pid", "ims_config": {"pid", "id", "title", "credential_type", "properties",
                                                       "customizer": {"pid", "properties"}}}

Values AEM keeps encrypted (``{hex}``) are kept as stored: they decrypt only on the instance that encrypted them,
and a restore writes them back as they are.  Secret-looking values AEM keeps in clear are ``<redacted>`` unless
asked otherwise; a restore then needs them as input.  The client secret of an IMS configuration is never in a
backup: configMgr does not give it out.

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
from datetime import datetime, timezone

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    _before_config,
    find_configuration,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import looks_encrypted
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact, read_profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import first_value as _first, list_agents

FORMAT = "aemtools.brand_portal/bp-backup/1"
MANIFEST = "manifest.json"
NODE_KINDS = ("cloudservices", "agents", "mac_users")
IMS_KIND = "ims_configs"
DIR_MODE = 0o700
FILE_MODE = 0o600
MISSING = (403, 404)


class BackupError(AemError):
    """A backup folder cannot be written, read or trusted."""


class BackupIntegrityError(BackupError):
    hint = "the folder was changed after aem_bp_backup wrote it; use another backup folder."


class BackupRefusedError(BackupError):
    """The backup is of another host (or another AEM URL) than the one the task restores."""


# ==================================================================================================
# Reading the footprint
# ==================================================================================================

def cloudservice_roots():
    return (fact("legacy_cloudservice_root"), fact("ims_cloudservice_root"))


def read_tree(client, path, missing=MISSING):
    """``<path>.infinity.json``, or None when absent.  A backup must not be silently incomplete, so AEM's
    answer for a tree above ``json.maximumresults`` (HTTP 300, AEM facts §2) is an error, not a shallower read."""
    attempted = "read the tree %s" % path
    response = client.get(path + ".infinity.json", attempted, expected=(200, 300) + tuple(missing))
    if response.status in missing:
        return None
    if response.status == 300:
        raise AemUnexpectedResponseError("the tree has more nodes than AEM renders at once (json.maximumresults of the "
                                         "Apache Sling GET Servlet); raise that limit so that the whole tree can be "
                                         "read", method="GET", path=response.path, status=300, attempted=attempted)
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise AemUnexpectedResponseError("the answer is not a JSON object", **client.error_kwargs(response, attempted))
    return data


def is_child_node(name, value):
    """Child nodes that are footprint items below a root: not ``jcr:content`` of the root page, not ``rep:*``
    (access control, protected)."""
    return isinstance(value, dict) and not name.startswith(("jcr:", "rep:"))


def split_root(tree):
    """``(remainder, children)``: the root without its footprint items, and the items by name."""
    if tree is None:
        return None, {}
    children = dict((k, v) for k, v in tree.items() if is_child_node(k, v))
    remainder = dict((k, v) for k, v in tree.items() if k not in children)
    return remainder, children


def binary_files(tree, rel=""):
    """``(relative path, jcr:content node)`` of every nt:file in ``tree`` whose content holds a binary: Sling JSON
    shows a binary only as its length (``":jcr:data": n``), so the file itself is downloaded."""
    out = []
    for name, child in sorted(tree.items()):
        if not isinstance(child, dict):
            continue
        path = "%s/%s" % (rel, name) if rel else name
        content = child.get("jcr:content")
        if child.get("jcr:primaryType") == "nt:file" and isinstance(content, dict) and ":jcr:data" in content:
            out.append((path, content))
        else:
            out.extend(binary_files(child, path))
    return out


def download(client, path):
    """The bytes of the nt:file at ``path`` (``GET <path>``, as for a keystore, AEM facts §8)."""
    return client.get(path, "download %s" % path, expected=(200,)).body


class Item(object):
    """One node tree of the footprint and the binaries of its files."""

    def __init__(self, kind, path, node, binaries=None):
        self.kind = kind
        self.path = path
        self.node = node
        self.binaries = binaries or {}  # relative path -> (bytes, mime type)

    @property
    def name(self):
        return self.path.rsplit("/", 1)[-1]


class Footprint(object):
    def __init__(self, profile, items, roots, ims=None, ims_title=None, agent_prefix=None):
        self.profile = profile
        self.agent_prefix = agent_prefix
        self.items = items  # kind -> [Item]
        self.roots = roots  # root path -> remainder tree or None
        self.ims = ims  # _ims_config.ImsConfiguration or None
        self.ims_title = ims_title


def _item(client, kind, path, node):
    binaries = {}
    for rel, content in binary_files(node):
        mime = _first(content.get("jcr:mimeType")) or "application/octet-stream"
        binaries[rel] = (download(client, "%s/%s" % (path, rel)), mime)
    return Item(kind, path, node, binaries)


def read_footprint(client, agent_prefix, ims_config_title=None, profile=None):
    """Everything Brand Portal owns on the author, unredacted (the caller decides what leaves the module)."""
    profile = profile or read_profile(client)
    items = dict((kind, []) for kind in NODE_KINDS)
    roots = {}
    for root in cloudservice_roots():
        remainder, children = split_root(read_tree(client, root))
        roots[root] = remainder
        for name in sorted(children):
            items["cloudservices"].append(_item(client, "cloudservices", "%s/%s" % (root, name), children[name]))
    for agent in list_agents(client, "author"):
        if agent.name.startswith(agent_prefix):
            node = read_tree(client, agent.path)
            if node is not None:
                items["agents"].append(_item(client, "agents", agent.path, node))
    mac_root = fact("mac_users_root")
    remainder, children = split_root(read_tree(client, mac_root))
    roots[mac_root] = remainder
    for name in sorted(children):
        items["mac_users"].append(_item(client, "mac_users", "%s/%s" % (mac_root, name), children[name]))
    ims = None
    if ims_config_title and profile.model == "ims" and profile.ims_configuration:
        ims = find_configuration(client, ims_config_title)
    return Footprint(profile, items, roots, ims, ims_config_title, agent_prefix)


# ==================================================================================================
# What goes into the files
# ==================================================================================================

def is_clear_secret(name, value):
    """A secret-looking property whose value AEM keeps in clear (an encrypted ``{hex}`` value is not)."""
    if not is_secret_name(name) or name.startswith(":"):
        return False
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v != "" and v != REDACTED and not looks_encrypted(v) for v in values)


def redact_tree(tree, path, redacted):
    """A copy of ``tree`` with clear-text secrets ``<redacted>``; their paths are appended to ``redacted``."""
    out = {}
    for name, value in tree.items():
        if isinstance(value, dict):
            out[name] = redact_tree(value, "%s/%s" % (path, name), redacted)
        elif is_clear_secret(name, value):
            out[name] = REDACTED
            redacted.append("%s/%s" % (path, name))
        else:
            out[name] = value
    return out


def ims_view(found, title):
    """The IMS configuration as a backup file holds it: the shape ``aem_ims_config`` returns as
    ``ims_config_before``; configMgr never shows the client secret, so it is ``<redacted>`` whatever."""
    return _before_config(found, title)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _dumps(obj):
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _file_names(items):
    """``kind/<node name>.json``; a name taken by an earlier item (the same name under both cloud service
    roots) gets ``~2``, ``~3``..."""
    names, taken = [], set()
    for item in items:
        base = "%s/%s" % (item.kind, item.name)
        name, n = base + ".json", 1
        while name in taken:
            n += 1
            name = "%s~%d.json" % (base, n)
        taken.add(name)
        names.append(name)
    return names


def build_backup(footprint, host, aem_url, redact=True, created=None):
    """``(files, manifest)``: the content of every file (name -> bytes) and the manifest (not yet in files)."""
    created = created or datetime.now(timezone.utc)
    files, redacted = {}, []
    items = [item for kind in NODE_KINDS for item in footprint.items[kind]]
    for item, name in zip(items, _file_names(items)):
        node = redact_tree(item.node, item.path, redacted) if redact else item.node
        content = {"path": item.path, "node": node}
        if item.binaries:
            content["binaries"] = dict((rel, {"mime_type": mime, "size": len(data), "sha256": sha256(data),
                                              "base64": base64.b64encode(data).decode("ascii")})
                                       for rel, (data, mime) in sorted(item.binaries.items()))
        files[name] = _dumps(content)
    ims_configs = []
    if footprint.ims is not None:
        view = ims_view(footprint.ims, footprint.ims_title)
        files["%s/%s.json" % (IMS_KIND, view["pid"])] = _dumps({"pid": view["pid"], "ims_config": view})
        ims_configs.append(dict((k, view[k]) for k in ("title", "pid", "id", "credential_type")))
    roots = {}
    for root, tree in sorted(footprint.roots.items()):
        roots[root] = redact_tree(tree, root, redacted) if (redact and tree is not None) else tree
    by_kind = footprint.items
    manifest = {
        "format": FORMAT,
        "host": host,
        "aem_url": aem_url.rstrip("/"),
        "aem_version": footprint.profile.version.text,
        "model": footprint.profile.model,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "redacted": bool(redact),
        "redacted_properties": sorted(redacted),
        "agent_prefix": footprint.agent_prefix,
        "ims_config_title": footprint.ims_title,
        "cloudservices": [{"name": i.name, "path": i.path,
                           "tenant_url": str(_first((i.node.get("jcr:content") or {}).get("tenantURL")) or "").rstrip("/")}
                          for i in by_kind["cloudservices"]],
        "agents": [i.path for i in by_kind["agents"]],
        "mac_users": [{"id": _first(i.node.get("rep:authorizableId")) or i.name, "path": i.path,
                       "keystore": any(rel.endswith("/store.p12") or rel == "store.p12" for rel in i.binaries)}
                      for i in by_kind["mac_users"]],
        "ims_configs": ims_configs,
        "roots": roots,
        "files": sorted(files),
        "sha256": dict((name, sha256(data)) for name, data in sorted(files.items())),
    }
    return files, manifest


def summary(manifest):
    """The manifest for module results: no node content (the roots' trees), nothing secret."""
    out = dict((k, v) for k, v in manifest.items() if k != "roots")
    out["roots"] = sorted(k for k, v in manifest.get("roots", {}).items() if v is not None)
    return out


# ==================================================================================================
# Writing a folder
# ==================================================================================================

_HOST = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@:+-]*$")


def validate_host(option, host):
    if not isinstance(host, str) or not _HOST.match(host) or host in (".", ".."):
        raise AemInputError("option %s: %r cannot name a backup folder; expected the inventory host name, e.g. "
                            "author1 or author1.example.com (letters, digits, '.', '-', '_')" % (option, host))
    return host


def folder_name(created, rand=None):
    rand = random.SystemRandom().randint(0, 99999999) if rand is None else rand
    return "%s-%08d" % (created.strftime("%Y%m%dT%H%M%SZ"), rand)


def _mkdir(path):
    os.mkdir(path, DIR_MODE)
    os.chmod(path, DIR_MODE)


def write_backup(dest, host, files, manifest, created, attempts=5):
    """Write a NEW folder ``<dest>/<host>/<timestamp>-<random>``; returns its path.  Nothing existing is
    overwritten (exclusive creates); the manifest comes last, so a folder with a manifest is complete."""
    attempted = "write the backup folder"
    host_dir = os.path.join(dest, host)
    try:
        if not os.path.isdir(host_dir):
            os.makedirs(dest, DIR_MODE, exist_ok=True)
            if not os.path.isdir(host_dir):
                _mkdir(host_dir)
        folder = None
        for dummy in range(attempts):
            candidate = os.path.join(host_dir, folder_name(created))
            try:
                _mkdir(candidate)
            except FileExistsError:
                continue
            folder = candidate
            break
        if folder is None:
            raise BackupError("no new folder name found in %s after %d attempts" % (host_dir, attempts),
                              attempted=attempted)
        for name in sorted(files) + [MANIFEST]:
            data = files[name] if name != MANIFEST else _dumps(manifest)
            target = os.path.join(folder, *name.split("/"))
            if not os.path.isdir(os.path.dirname(target)):
                _mkdir(os.path.dirname(target))
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(target, FILE_MODE)
    except OSError as exc:
        raise BackupError("%s: %s (option dest: a folder the user running the module can write)"
                          % (exc.filename or dest, exc.strerror or exc), attempted=attempted)
    return folder


# ==================================================================================================
# Loading a folder
# ==================================================================================================

class Backup(object):
    """A loaded, verified backup folder."""

    def __init__(self, folder, manifest, items, ims):
        self.folder = folder
        self.manifest = manifest
        self.items = items  # kind -> [Item] (binaries: relative path -> (bytes, mime))
        self.ims = ims  # the ims_config view, or None

    @property
    def roots(self):
        return self.manifest.get("roots") or {}


def _safe_name(name):
    parts = name.split("/") if isinstance(name, str) else []
    return len(parts) == 2 and parts[0] in NODE_KINDS + (IMS_KIND,) and parts[1].endswith(".json") \
        and parts[1] not in (".json",) and not parts[1].startswith(".") and "\\" not in name


def _read(path, attempted):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise BackupError("cannot read %s: %s" % (path, exc.strerror or exc), attempted=attempted)


def _json(data, path, attempted):
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupIntegrityError("%s is not JSON" % path, attempted=attempted)


def load_backup(folder):
    """Read and verify a folder written by ``write_backup``: format, file names, sha256 of every file and
    binary.  Raises before anything is restored when something does not hold."""
    attempted = "read the backup %s" % folder
    if not isinstance(folder, str) or not os.path.isdir(folder):
        raise AemInputError("option backup: %r is not a folder; expected a folder written by aem_bp_backup, such as "
                            "<dest>/<host>/20260101T120000Z-01234567" % (folder,))
    manifest_path = os.path.join(folder, MANIFEST)
    if not os.path.isfile(manifest_path):
        raise AemInputError("option backup: %s has no %s; expected a folder written by aem_bp_backup (the upgrade "
                            "role writes one per run under bp_backup_dir/<host>/)" % (folder, MANIFEST))
    manifest = _json(_read(manifest_path, attempted), manifest_path, attempted)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise AemInputError("option backup: %s is not a backup of format %s (found %r); restore only folders "
                            "written by aem_bp_backup" % (manifest_path, FORMAT,
                                                          manifest.get("format") if isinstance(manifest, dict)
                                                          else None))
    sums = manifest.get("sha256") or {}
    names = manifest.get("files") or []
    bad = [n for n in names if not _safe_name(n) or n not in sums]
    if bad or not isinstance(manifest.get("host"), str) or not isinstance(manifest.get("aem_url"), str):
        raise BackupIntegrityError("the manifest names files it has no checksum for or that are outside the folder "
                                   "(%s), or has no host and aem_url" % ", ".join(map(str, bad)), attempted=attempted)
    items = dict((kind, []) for kind in NODE_KINDS)
    ims = None
    for name in names:
        path = os.path.join(folder, *name.split("/"))
        data = _read(path, attempted)
        if sha256(data) != sums[name]:
            raise BackupIntegrityError("%s does not have the checksum the manifest records" % name,
                                       attempted=attempted)
        content = _json(data, path, attempted)
        kind = name.split("/", 1)[0]
        if kind == IMS_KIND:
            ims = content.get("ims_config") if isinstance(content, dict) else None
            if not isinstance(ims, dict) or not isinstance(ims.get("properties"), dict):
                raise BackupIntegrityError("%s holds no ims_config with properties" % name, attempted=attempted)
            continue
        if not isinstance(content, dict) or not isinstance(content.get("node"), dict) \
                or not _inside(kind, content.get("path")):
            where = content.get("path") if isinstance(content, dict) else None
            raise BackupIntegrityError("%s holds no node of its kind (path %r)" % (name, where), attempted=attempted)
        binaries = {}
        for rel, entry in (content.get("binaries") or {}).items():
            try:
                blob = base64.b64decode(entry["base64"], validate=True)
            except (KeyError, TypeError, ValueError):
                blob = None
            if blob is None or sha256(blob) != entry.get("sha256") or ".." in rel.split("/"):
                raise BackupIntegrityError("the binary %s of %s does not have its recorded checksum" % (rel, name),
                                           attempted=attempted)
            binaries[rel] = (blob, entry.get("mime_type") or "application/octet-stream")
        items[kind].append(Item(kind, content["path"], content["node"], binaries))
    return Backup(folder, manifest, items, ims)


def _inside(kind, path):
    """A node file may only restore a node of its kind, directly below its root."""
    if not isinstance(path, str):
        return False
    parent, _sep, name = path.rpartition("/")
    if not name or name in (".", "..") or ":" in name:
        return False
    if kind == "cloudservices":
        return parent in cloudservice_roots()
    if kind == "agents":
        return parent == fact("agents_root")
    return parent == fact("mac_users_root")


def same_url(a, b):
    """Base URLs equal but for a trailing slash and the case of scheme and host."""
    def norm(url):
        url = (url or "").strip().rstrip("/")
        scheme, sep, rest = url.partition("://")
        host, slash, path = rest.partition("/")
        return scheme.lower() + sep + host.lower() + slash + path
    return norm(a) == norm(b)


def check_target(manifest, host, url):
    """Refuse, before any request to AEM, a backup taken of another host or through another URL."""
    if manifest.get("host") != host or not same_url(manifest.get("aem_url"), url):
        raise BackupRefusedError(
            "the backup is of host %r at %s, the task restores host %r at %s; aem_bp_restore refuses a backup of "
            "another host (a backup holds values encrypted with the key of the instance it was taken on and the "
            "instance's own users and keys): restore each host from its own folder, <dest>/<host>/..."
            % (manifest.get("host"), manifest.get("aem_url"), host, (url or "").rstrip("/")),
            attempted="check the backup against the target")
