# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Putting a backup (``_backup.py``) back: make the author's Brand Portal footprint equal to it.

Per footprint item (a cloud service, an agent, a MAC user) the tree in the backup is compared with the tree AEM
holds, property by property, ignoring what the repository maintains itself; what differs is written:

* a missing item is imported whole (Sling POST ``:operation=import``, AEM facts §1.3), which is also the only
  way to store an empty string (a single empty value removes a property, AEM facts §1.2);
* an item that differs is updated in one Sling POST with relative names (``jcr:content/enabled``), ``@TypeHint``
  for every value and ``@Delete`` for what the backup does not hold; when that cannot express the difference
  (an empty string, another node type) the item is imported again with ``:replace``;
* binaries (a MAC user's ``keystore/store.p12``) are uploaded as files to their folder;
* items the backup does not hold are deleted (``:operation=delete``), and so is a root the backup shows absent.

The order and the facts behind it are entries of ``_profiles`` (``restore_order``, ``restore_binary_upload``,
``protected_properties``): saving a cloud service makes AEM generate the MAC user and the four agents, so the cloud
services go first and what AEM generated is then overwritten from the backup.  The Adobe IMS configuration is put
back through configMgr (``_ims_config``), its client secret from the task's input.

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import fnmatch
import json
import re

from ansible_collections.aemtools.brand_portal.plugins.module_utils._backup import (
    IMS_KIND,
    Item,
    cloudservice_roots,
    download,
    read_tree,
    sha256,
    split_root,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemServerError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    C_SECRET,
    find_configuration,
    normalise,
    redact_properties,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import (
    PASSWORD_MASK,
    create_factory_config,
    delete_config,
    update_config,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import looks_encrypted
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import list_agents
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import (
    delete_payload,
    is_server_managed,
    parse_post_response,
    sling_post,
)

SECRET_UPDATE_CHOICES = ("on_create", "always")
# Sling JSON renders Date properties so (AEM facts §2); written back with a Date type hint.
_ECMA_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}$")
_UNWRITABLE_NAME = re.compile(r"^(_charset_|charset|j_.*)$|[@/]")


class NeedsReplace(Exception):
    """A difference a property update cannot express: the item is imported again instead."""


# ==================================================================================================
# Comparing trees
# ==================================================================================================

def _is_protected(name):
    return any(fnmatch.fnmatchcase(name, p) for p in fact("protected_properties"))


def _tagged(value):
    """Values compare with their JSON type: AEM renders a Boolean as true, a String as "true"."""
    if isinstance(value, list):
        return ("list", tuple(_tagged(v) for v in value))
    return (type(value).__name__, value)


def comparable(node):
    """The properties a restore makes equal: not the server-managed ones (dates, uuid, versions, binary lengths),
    not the protected ones (``rep:*``, which AEM writes itself), not the node type (compared and written apart)."""
    return dict((k, v) for k, v in node.items()
                if not isinstance(v, dict) and not is_server_managed(k) and not _is_protected(k)
                and k != "jcr:primaryType")


def child_nodes(node):
    return dict((k, v) for k, v in (node or {}).items() if isinstance(v, dict) and not _is_protected(k))


def _join(rel, name):
    return "%s/%s" % (rel, name) if rel else name


def flatten(tree, rel="", files=(), skip=()):
    """``{key: tagged value}`` of a tree: ``<rel>/`` for a node (its type), ``<rel>/<prop>`` for a property.  The
    subtrees named in ``files`` (binaries, compared on their own) count by their existence, ``skip`` not at all."""
    out = {(rel + "/" if rel else "/"): _tagged(tree.get("jcr:primaryType"))}
    for name, value in comparable(tree).items():
        if name == "jcr:mixinTypes":
            value = sorted(value) if isinstance(value, list) else value
        out[_join(rel, name)] = _tagged(value)
    for name, child in child_nodes(tree).items():
        path = _join(rel, name)
        if path in skip:
            continue
        if path in files:
            out[path + "/"] = ("file",)
        else:
            out.update(flatten(child, path, files, skip))
    return out


def differences(desired, current, files=(), skip=()):
    """The sorted keys (see :func:`flatten`) in which two trees differ; [] when equal."""
    a = flatten(desired, files=files, skip=skip)
    b = flatten(current, files=files, skip=skip) if current is not None else {}
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


# ==================================================================================================
# Sling POST payloads
# ==================================================================================================

def _scalar_hint(value):
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, str) and _ECMA_DATE.match(value):
        return "Date"
    return "String"


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def value_fields(field, value):
    """Form fields writing ``value`` with its type; an empty list stays an empty multi-value property."""
    if isinstance(value, list):
        hints = set(_scalar_hint(v) for v in value) or set(["String"])
        hint = hints.pop() if len(hints) == 1 else "String"
        fields = [(field + "@TypeHint", hint + "[]")]
        if not value:
            return fields + [(field + "@IgnoreBlanks", "true"), (field, "")]
        return fields + [(field, _text(v)) for v in value]
    if value == "":
        raise NeedsReplace(field)
    return [(field + "@TypeHint", _scalar_hint(value)), (field, _text(value))]


def _check_name(path, name):
    if name.startswith(":") or _UNWRITABLE_NAME.search(name):
        raise AemInputError("the backup holds the property %r at %s, which the Sling POST servlet cannot write (a "
                            "control parameter or a path); restore that node by hand" % (name, path))


def update_payload(desired, current, path, rel="", files=(), skip=(), out=None):
    """Fields of ONE Sling POST to ``path`` (names relative to it) that turn ``current`` into ``desired``.

    Raises :class:`NeedsReplace` when a property update cannot do it."""
    out = [] if out is None else out
    creating = current is None
    if not creating and desired.get("jcr:primaryType") and \
            current.get("jcr:primaryType") != desired.get("jcr:primaryType"):
        if not rel:
            raise NeedsReplace("jcr:primaryType")
        out.append((rel + "@Delete", ""))
        creating = True
    wanted = comparable(desired)
    if creating:
        if desired.get("jcr:primaryType"):
            out.append((_join(rel, "jcr:primaryType"), desired["jcr:primaryType"]))
        for name in sorted(wanted):
            _check_name(path, name)
            out.extend(value_fields(_join(rel, name), wanted[name]))
    else:
        have = comparable(current)
        for name in sorted(wanted):
            equal = _tagged(wanted[name]) == _tagged(have.get(name)) if name != "jcr:mixinTypes" else \
                sorted(wanted[name] or []) == sorted(have.get(name) or [])
            if not equal:
                _check_name(path, name)
                out.extend(value_fields(_join(rel, name), wanted[name]))
        for name in sorted(set(have) - set(wanted)):
            _check_name(path, name)
            out.append((_join(rel, name) + "@Delete", ""))
    have_children = {} if creating else child_nodes(current)
    want_children = child_nodes(desired)
    for name in sorted(set(have_children) - set(want_children)):
        if _join(rel, name) not in skip:
            out.append((_join(rel, name) + "@Delete", ""))
    for name in sorted(want_children):
        child_rel = _join(rel, name)
        if child_rel in files or child_rel in skip:
            continue
        update_payload(want_children[name], have_children.get(name), path, child_rel, files, skip, out)
    return out


def import_content(tree, files=()):
    """The tree as Sling's JSON import takes it: without what the repository maintains (dates, uuid, binary
    lengths), without protected child nodes (``rep:policy``) and without the files uploaded on their own."""
    out = {}
    for name, value in tree.items():
        if isinstance(value, dict):
            if name in files or _is_protected(name):
                continue
            out[name] = import_content(value, [f.split("/", 1)[1] for f in files if f.startswith(name + "/")])
        elif not is_server_managed(name) and value != REDACTED:
            out[name] = value
    return out


# ==================================================================================================
# One footprint item
# ==================================================================================================

class Report(object):
    """What the restore did (or, in check mode, would do)."""

    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.actions = []
        self.diff = []
        self.writes = 0
        self.secret_written = False
        self.warnings = []

    def add(self, kind, path, action, before=None, after=None):
        self.actions.append({"kind": kind, "path": path, "action": action})
        self.diff.append({"before_header": path, "after_header": path, "before": before or {}, "after": after or {}})

    def post(self, client, path, payload, attempted):
        self.writes += 1
        return sling_post(client, path, payload, attempted)


def _untag(value):
    if value[0] == "list":
        return [_untag(v) for v in value[1]]
    if value[0] == "file":
        return "<file>"
    return value[1]


def _shown(key, value, secret_keys=()):
    """A value for diffs and results: secret-looking names, the task's secrets and encrypted values redacted."""
    raw = _untag(value)
    name = key.rstrip("/").rsplit("/", 1)[-1]
    values = raw if isinstance(raw, list) else [raw]
    if key in secret_keys or is_secret_name(name) or any(isinstance(v, str) and looks_encrypted(v) for v in values):
        return REDACTED
    return raw


def item_diff(desired, current, files=(), skip=(), secret_keys=()):
    """``(before, after)``: the keys that differ with their values, secrets ``<redacted>``."""
    a = flatten(desired, files=files, skip=skip)
    b = flatten(current, files=files, skip=skip) if current is not None else {}
    before, after = {}, {}
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            if key in b:
                before[key] = _shown(key, b[key], secret_keys)
            if key in a:
                after[key] = _shown(key, a[key], secret_keys)
    return before, after


def _binary_state(client, path, current, rel):
    """``(sha256, mime type)`` of the file ``rel`` of the current item, or None."""
    node = current
    for part in rel.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or node.get("jcr:primaryType") != "nt:file":
        return None
    content = node.get("jcr:content") or {}
    if ":jcr:data" not in content:
        return None
    mime = content.get("jcr:mimeType")
    return sha256(download(client, "%s/%s" % (path, rel))), mime[0] if isinstance(mime, list) else mime


def upload(client, report, path, rel, data, mime):
    """``fact('restore_binary_upload')``: a multipart Sling POST of the file to its folder."""
    folder, _sep, name = ("%s/%s" % (path, rel)).rpartition("/")
    attempted = "upload %s/%s" % (folder, name)
    report.writes += 1
    response = client.post(folder, attempted, data=[("_charset_", "utf-8")], files={name: (name, data, mime)},
                           headers={"Accept": "application/json"}, idempotent=True)
    result = parse_post_response(response)
    if result.status >= 400:
        raise AemServerError("Sling POST reported status %s: %s" % (result.status, client.redactor.text(result.message)),
                             method="POST", path=folder, status=result.status, attempted=attempted)


def restore_item(client, report, item, current, kind_label, secret_keys=()):
    """Make the item at ``item.path`` equal to the backup's ``item.node`` and its binaries; True if it differed."""
    files = sorted(item.binaries)
    path = item.path
    changed_tree = bool(differences(item.node, current, files=files))
    to_upload = []
    for rel in files:
        data, mime = item.binaries[rel]
        if current is None or _binary_state(client, path, current, rel) != (sha256(data), mime):
            to_upload.append(rel)
    if not changed_tree and not to_upload:
        return False
    before, after = item_diff(item.node, current, files=files, secret_keys=secret_keys)
    for rel in to_upload:
        data, mime = item.binaries[rel]
        if before.pop(rel + "/", None) is not None:
            before[rel] = "<binary, other content>"
        after.pop(rel + "/", None)
        after[rel] = "<binary, %d bytes, sha256 %s>" % (len(data), sha256(data))
    payload = None
    if current is None:
        action = "create"
    elif not changed_tree:
        action = "upload"
    else:
        try:
            payload = update_payload(item.node, current, path, files=files)
            action = "update"
        except NeedsReplace:
            action = "replace"
    report.add(kind_label, path, action, before, after)
    if report.check_mode:
        return True
    parent, _sep, name = path.rpartition("/")
    if action in ("create", "replace"):
        form = [("_charset_", "utf-8"), (":operation", "import"), (":contentType", "json"), (":name", name),
                (":content", json.dumps(import_content(item.node, files), ensure_ascii=False))]
        if action == "replace":
            form += [(":replace", "true"), (":replaceProperties", "true")]
        report.post(client, parent, form, "%s %s from the backup" % (action, path))
        to_upload = files
    elif payload:
        report.post(client, path, [("_charset_", "utf-8")] + payload, "restore %s from the backup" % path)
    for rel in to_upload:
        data, mime = item.binaries[rel]
        upload(client, report, path, rel, data, mime)
    return True


def delete_item(client, report, kind_label, path, current):
    before = dict((k, _shown(k, v)) for k, v in flatten(current).items()) if current else {}
    report.add(kind_label, path, "delete", before, {})
    if not report.check_mode:
        report.post(client, path, delete_payload(), "delete %s (not in the backup)" % path)


def restore_root(client, report, root, desired, current):
    """A root (``/etc/cloudservices/mediaportal``...) as the backup shows it, without its items."""
    if desired is None:
        if current is not None:
            delete_item(client, report, "root", root, current)
        return
    _rem, children = split_root(current)
    if current is not None and not differences(desired, current, skip=children):
        return
    before, after = item_diff(desired, current, skip=children)
    report.add("root", root, "create" if current is None else "update", before, after)
    if report.check_mode:
        return
    try:
        payload = update_payload(desired, current, root, skip=children)
    except NeedsReplace as exc:
        raise AemUnexpectedResponseError("the backup's %s holds a value a property update cannot write (%s); "
                                         "restore that node by hand" % (root, exc), attempted="restore %s" % root)
    if payload:
        # a POST deep-creates the missing parents of the root (AEM facts §1.1)
        report.post(client, root, [("_charset_", "utf-8")] + payload, "restore %s from the backup" % root)


# ==================================================================================================
# Secrets the backup does not hold
# ==================================================================================================

def redacted_properties(tree, rel=""):
    """Relative keys of the ``<redacted>`` values in a tree (protected ``rep:*`` ones excluded)."""
    out = []
    for name, value in tree.items():
        if isinstance(value, dict):
            out.extend(redacted_properties(value, _join(rel, name)))
        elif value == REDACTED and not _is_protected(name):
            out.append(_join(rel, name))
    return out


def _set(tree, key, value):
    *parents, name = key.split("/")
    node = tree
    for part in parents:
        node = node[part]
    node[name] = value


def _get(tree, key):
    node = tree
    for part in key.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def secret_for(name, client_secret, secret_properties):
    if name in secret_properties:
        return secret_properties[name]
    if name == fact("classic_credential_properties")["client_secret"]:
        return client_secret
    return None


def missing_secrets(backup, client_secret, secret_properties):
    """What the backup holds as ``<redacted>`` and the task gives no value for (checked before any request)."""
    missing = []
    for kind in backup.items:
        for item in backup.items[kind]:
            for key in redacted_properties(item.node):
                if not secret_for(key.rsplit("/", 1)[-1], client_secret, secret_properties):
                    missing.append("%s/%s" % (item.path, key))
    if backup.ims is not None and not client_secret:
        missing.append("the client secret of the Adobe IMS configuration %r" % backup.ims.get("title"))
    return missing


def with_secrets(item, current, client_secret, secret_properties, always):
    """The item's tree with its ``<redacted>`` values filled in.  A value AEM keeps encrypted cannot be compared
    with the clear text: unless ``always``, an encrypted current value counts as the right one."""
    keys = redacted_properties(item.node)
    if not keys:
        return item, ()
    node = json.loads(json.dumps(item.node))
    for key in keys:
        held = _get(current, key) if current is not None else None
        if not always and isinstance(held, str) and looks_encrypted(held):
            _set(node, key, held)
        else:
            _set(node, key, secret_for(key.rsplit("/", 1)[-1], client_secret, secret_properties))
    return Item(item.kind, item.path, node, item.binaries), keys


# ==================================================================================================
# The Adobe IMS configuration
# ==================================================================================================

def _ims_changes(desired, config):
    current = dict((k, v) for k, v in (config.properties if config else {}).items()
                   if not (config and config.is_password(k)))
    return sorted(k for k in set(desired) | set(current) if normalise(k, desired.get(k)) != normalise(k, current.get(k)))


def restore_ims(client, report, view, title, client_secret, always):
    """The IMS configuration titled ``title`` as the backup holds it (``view``), or absent when it holds none."""
    found = find_configuration(client, title)
    label = "ims_config"
    if view is None:
        if found is None:
            return
        before = redact_properties(dict(found.provider.properties, **(found.customizer.properties
                                                                      if found.customizer else {})))
        report.add(label, found.provider.pid, "delete", before, {})
        if not report.check_mode:
            if found.customizer is not None:
                report.writes += 1
                delete_config(client, found.customizer.pid)
            report.writes += 1
            delete_config(client, found.provider.pid)
        return
    provider = dict((k, v) for k, v in view["properties"].items() if v != REDACTED)
    customizer = dict((k, v) for k, v in ((view.get("customizer") or {}).get("properties") or {}).items()
                      if k != C_SECRET and v != REDACTED)
    p_changes = _ims_changes(provider, found.provider if found else None)
    c_config = found.customizer if found else None
    c_changes = _ims_changes(customizer, c_config)
    write_secret = c_config is None or always
    if not p_changes and not c_changes and not write_secret:
        return
    before, after = {}, {}
    old_p = found.provider.properties if found else {}
    old_c = c_config.properties if c_config else {}
    for name in p_changes:
        if name in old_p:
            before[name] = old_p[name]
        if name in provider:
            after[name] = provider[name]
    for name in c_changes:
        if name in old_c:
            before[name] = old_c[name]
        if name in customizer:
            after[name] = customizer[name]
    if write_secret:
        if c_config is not None:
            before[C_SECRET] = REDACTED
        after[C_SECRET] = REDACTED
    pid = found.provider.pid if found else None
    report.add(label, pid or title, "update" if found else "create", redact_properties(before), redact_properties(after))
    report.secret_written = write_secret
    if report.check_mode:
        return
    if found is None:
        report.writes += 1
        pid = create_factory_config(client, fact("ims_provider_factory"), provider)
    elif p_changes:
        report.writes += 1
        update_config(client, pid, provider, found.provider.bundle_location)
    c_write = dict(customizer, **{C_SECRET: client_secret if write_secret else PASSWORD_MASK})
    if c_config is None:
        report.writes += 1
        create_factory_config(client, fact("ims_customizer_factory"), c_write)
    elif c_changes or write_secret:
        report.writes += 1
        update_config(client, c_config.pid, c_write, c_config.bundle_location)


# ==================================================================================================
# The whole footprint
# ==================================================================================================

def _items_below(client, roots, kind, report, backup):
    """Restore the roots themselves (a root the backup shows absent goes with its items); return
    ``{item path: current tree or None}`` for the items below them and those of the backup."""
    currents = {}
    for root in roots:
        tree = read_tree(client, root)
        restore_root(client, report, root, backup.roots.get(root), tree)
        if backup.roots.get(root) is None:
            continue
        for name, child in split_root(tree)[1].items():
            currents["%s/%s" % (root, name)] = child
    for item in backup.items[kind]:
        currents.setdefault(item.path, None)
    return currents


def _agents_now(client, prefix, backup):
    currents = {}
    for agent in list_agents(client, "author"):
        if agent.name.startswith(prefix):
            currents[agent.path] = read_tree(client, agent.path)
    for item in backup.items["agents"]:
        if item.path not in currents:
            currents[item.path] = read_tree(client, item.path)
    return currents


def _restore_kind(client, report, backup, kind, label, currents, secrets):
    """Delete the current items the backup does not hold, then restore the backup's items."""
    wanted = dict((item.path, item) for item in backup.items[kind])
    for path in sorted(currents):
        if path not in wanted and currents[path] is not None:
            delete_item(client, report, label, path, currents[path])
    client_secret, secret_properties, always = secrets
    for path in sorted(wanted):
        item, keys = with_secrets(wanted[path], currents.get(path), client_secret, secret_properties, always)
        restore_item(client, report, item, currents.get(path), label, secret_keys=keys)


def _ims_title(backup):
    manifest = backup.manifest
    if backup.ims is not None:
        return backup.ims.get("title") or manifest.get("ims_config_title")
    if manifest.get("model") == "ims":
        return manifest.get("ims_config_title")
    return None


def restore(client, backup, client_secret=None, secret_properties=None, secret_update="on_create", check_mode=False):
    """Make the author's Brand Portal footprint equal to ``backup``; returns the :class:`Report`.

    Order (``fact('restore_order')``): cloud services, the IMS configuration, agents, MAC users with their
    keystores; each step reads what AEM holds at that moment, because writing a cloud service makes AEM
    (re)generate agents and the MAC user."""
    secrets = (client_secret, secret_properties or {}, secret_update == "always")
    report = Report(check_mode)
    for step in fact("restore_order"):
        if step == "cloudservices":
            currents = _items_below(client, cloudservice_roots(), "cloudservices", report, backup)
            _restore_kind(client, report, backup, "cloudservices", "cloudservice", currents, secrets)
        elif step == IMS_KIND:
            title = _ims_title(backup)
            if title:
                restore_ims(client, report, backup.ims, title, client_secret, secrets[2])
        elif step == "agents":
            currents = _agents_now(client, backup.manifest.get("agent_prefix") or fact("agent_name_prefix"), backup)
            _restore_kind(client, report, backup, "agents", "agent", currents, secrets)
        elif step == "mac_users":
            currents = _items_below(client, (fact("mac_users_root"),), "mac_users", report, backup)
            _restore_kind(client, report, backup, "mac_users", "mac_user", currents, secrets)
    return report


def verify(client, backup, client_secret=None, secret_properties=None):
    """After the writes: what still differs from the backup (``[]`` when the footprint equals it).  Secrets
    count as restored when AEM holds a value (encrypted ones cannot be compared)."""
    wrong = []
    for root in cloudservice_roots() + (fact("mac_users_root"),):
        tree = read_tree(client, root)
        desired = backup.roots.get(root)
        if (desired is None) != (tree is None) or (desired is not None and differences(
                desired, tree, skip=split_root(tree)[1])):
            wrong.append(root)
    currents = {}
    for root in cloudservice_roots() + (fact("mac_users_root"),):
        for name, child in split_root(read_tree(client, root))[1].items():
            currents["%s/%s" % (root, name)] = child
    currents.update(_agents_now(client, backup.manifest.get("agent_prefix") or fact("agent_name_prefix"), backup))
    wanted = dict((item.path, item) for kind in backup.items for item in backup.items[kind])
    for path in sorted(set(currents) | set(wanted)):
        current, item = currents.get(path), wanted.get(path)
        if item is None:
            if current is not None:
                wrong.append("%s (not in the backup)" % path)
            continue
        if current is None:
            wrong.append("%s (missing)" % path)
            continue
        item, _keys = with_secrets(item, current, client_secret, secret_properties or {}, False)
        keys = differences(item.node, current, files=sorted(item.binaries))
        keys += [rel for rel, (data, mime) in sorted(item.binaries.items())
                 if _binary_state(client, path, current, rel) != (sha256(data), mime)]
        wrong.extend("%s: %s" % (path, key) for key in keys)
    title = _ims_title(backup)
    if title:
        found = find_configuration(client, title)
        if backup.ims is None:
            if found is not None:
                wrong.append("Adobe IMS configuration %r (not in the backup)" % title)
        elif found is None or found.customizer is None:
            wrong.append("Adobe IMS configuration %r (missing)" % title)
        else:
            view = backup.ims
            provider = dict((k, v) for k, v in view["properties"].items() if v != REDACTED)
            customizer = dict((k, v) for k, v in ((view.get("customizer") or {}).get("properties") or {}).items()
                              if k != C_SECRET and v != REDACTED)
            wrong.extend("Adobe IMS configuration %r: %s" % (title, k)
                         for k in _ims_changes(provider, found.provider) + _ims_changes(customizer, found.customizer))
            if found.customizer.properties.get(C_SECRET) in (None, ""):
                wrong.append("Adobe IMS configuration %r: %s" % (title, C_SECRET))
    return wrong
