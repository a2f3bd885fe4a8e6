# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Desired state of one JCR node: plan, check-mode gate, write, re-read, verify.

Shared by every module that owns a node (``aem_crx_node`` and the Brand Portal modules), so that
they all read -> normalise -> compare -> diff -> (check mode) -> write -> re-read the same way.
"""

from __future__ import annotations

import re

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._plan import carry_out, verified_delete
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import (
    build_post_payload,
    delete_payload,
    is_empty,
    node_properties,
    property_changes,
    read_node,
    sling_post,
    validate_property_name,
    values_equal,
)

SECRET_UPDATE_CHOICES = ("on_create", "always")

# AEM's CryptoSupport writes "{" + hex + "}"; very old instances wrote "{DES}...".
_ENCRYPTED = re.compile(r"^\{(?:[0-9a-fA-F]{32,}|DES\}.+)\}?$")


def looks_encrypted(value):
    return isinstance(value, str) and bool(_ENCRYPTED.match(value))


class NodeSpec(object):
    """What the user wants one node to hold."""

    def __init__(self, path, properties=None, primary_type=None, secrets=None, secret_update="on_create",
                 purge=False, ignore=(), missing=(404,)):
        self.path = path
        self.properties = dict(properties or {})
        self.primary_type = primary_type
        self.secrets = dict(secrets or {})
        self.secret_update = secret_update
        self.purge = purge
        self.ignore = list(ignore or ())
        self.missing = tuple(missing)

    def validate(self, option_prefix=""):
        path_option = option_prefix + "path"
        if not isinstance(self.path, str) or not self.path.startswith("/") or self.path != self.path.strip():
            raise AemInputError("option %s: %r is not an absolute JCR path; expected a path such as "
                                "/content/dam/acme" % (path_option, self.path))
        segments = self.path.split("/")
        if self.path != "/":
            if ".." in segments or "." in segments:
                problem = "contains a '%s' segment" % (".." if ".." in segments else ".")
            elif "//" in self.path:
                problem = "contains '//'"
            elif self.path.endswith("/"):
                problem = "ends with '/'"
            else:
                problem = None
            if problem:
                raise AemInputError("option %s: %r %s; expected a normalised absolute path such as /content/dam/acme "
                                    "(no '.' or '..' segments, no '//', no trailing '/')"
                                    % (path_option, self.path, problem))
        if self.secret_update not in SECRET_UPDATE_CHOICES:
            raise AemInputError("secret update policy %r; expected one of %s"
                                % (self.secret_update, ", ".join(SECRET_UPDATE_CHOICES)))
        for name in self.properties:
            validate_property_name(option_prefix + "properties", name)
        for name in self.secrets:
            validate_property_name(option_prefix + "secret_properties", name)
            if name in self.properties:
                raise AemInputError("option %ssecret_properties: %r is also listed in %sproperties; list each "
                                    "property once" % (option_prefix, name, option_prefix))
        if "jcr:primaryType" in self.properties:
            raise AemInputError("option %sproperties: set the node type with %sprimary_type, not jcr:primaryType"
                                % (option_prefix, option_prefix))


class Plan(object):
    """The outcome of comparing the current node with a :class:`NodeSpec`."""

    def __init__(self, action, to_set=None, to_delete=(), secrets_to_write=(), before=None, after=None):
        self.action = action  # "create", "update" or "none"
        self.to_set = to_set or {}
        self.to_delete = list(to_delete)
        self.secrets_to_write = list(secrets_to_write)
        self.before = before or {}
        self.after = after or {}

    @property
    def changed(self):
        return self.action != "none"


def plan_present(current, spec):
    """Compare ``current`` (Sling JSON of the node, or None) with ``spec``."""
    secret_names = set(spec.secrets)
    if current is None:
        to_set = dict((k, v) for k, v in spec.properties.items() if not is_empty(v))
        secrets = sorted(k for k, v in spec.secrets.items() if not is_empty(v))
        after = dict(to_set)
        if spec.primary_type:
            after["jcr:primaryType"] = spec.primary_type
        after.update((k, REDACTED) for k in secrets)
        return Plan("create", to_set, (), secrets, {}, after)

    current_type = current.get("jcr:primaryType")
    if spec.primary_type and current_type and current_type != spec.primary_type:
        raise AemInputError(
            "option primary_type: the node %s exists with type %s, not %s; node types are not changed in place "
            "(remove the node with state=absent first if that is intended)"
            % (spec.path, current_type, spec.primary_type))

    props = node_properties(current)
    to_set, to_delete = property_changes(props, spec.properties, ignore=list(spec.ignore) + list(secret_names),
                                         purge=spec.purge)
    secrets = []
    for name in sorted(secret_names):
        if _secret_needs_write(props.get(name), spec.secrets[name], spec.secret_update):
            secrets.append(name)
    before, after = {}, {}
    for name in to_set:
        if name in props:
            before[name] = props[name]
        after[name] = to_set[name]
    for name in to_delete:
        before[name] = props.get(name)
    for name in secrets:
        if name in props:
            before[name] = REDACTED
        after[name] = REDACTED
    action = "update" if (to_set or to_delete or secrets) else "none"
    return Plan(action, to_set, to_delete, secrets, before, after)


def _secret_needs_write(current, desired, policy):
    if is_empty(desired):
        return False
    if is_empty(current):
        return True
    if looks_encrypted(current):
        # AEM keeps it encrypted: it cannot be compared, only rewritten.
        return policy == "always"
    return not values_equal("", current, desired)


def predicted_node(current, spec, plan):
    """The node as it will be after ``plan`` is applied, with secrets redacted (for check mode)."""
    node = dict(node_properties(current) or {})
    if current is None and spec.primary_type:
        node["jcr:primaryType"] = spec.primary_type
    node.update(plan.to_set)
    for name in plan.to_delete:
        node.pop(name, None)
    for name in plan.secrets_to_write:
        node[name] = REDACTED
    return redact_node(node, spec.secrets)


def redact_node(node, secret_names=()):
    """Properties for output: declared secrets and secret-looking names are ``<redacted>``."""
    if node is None:
        return None
    return dict((k, REDACTED if (k in secret_names or is_secret_name(k)) and v is not None else v)
                for k, v in node_properties(node).items())


def diff_for(path, before, after):
    return {"before": before, "after": after, "before_header": path, "after_header": path}


def apply_present(client, spec, plan):
    """Write ``plan`` in one Sling POST."""
    to_set = dict(plan.to_set)
    to_set.update((name, spec.secrets[name]) for name in plan.secrets_to_write)
    payload = build_post_payload(to_set, plan.to_delete,
                                 primary_type=spec.primary_type if plan.action == "create" else None)
    verb = "create" if plan.action == "create" else "update"
    return sling_post(client, spec.path, payload, "%s node %s" % (verb, spec.path))


def ensure_present(client, spec, check_mode):
    """Make the node match ``spec``; return the module result (changed, diff, node)."""
    spec.validate()
    current = read_node(client, spec.path, missing=spec.missing)
    plan = plan_present(current, spec)
    result = {"changed": plan.changed,
              "diff": diff_for(spec.path, redact_node(plan.before), redact_node(plan.after)),
              "secret_properties_written": plan.secrets_to_write}

    def write():
        apply_present(client, spec, plan)
        end = read_node(client, spec.path, missing=spec.missing)
        _verify(spec, end)
        return {"node": redact_node(end, spec.secrets)}

    return carry_out(result, check_mode, write, predict=lambda: {"node": predicted_node(current, spec, plan)})


def _verify(spec, end):
    """Sling can answer success without storing everything (the HTML status page quirk); check."""
    if end is None:
        raise AemUnexpectedResponseError("AEM accepted the write but the node does not exist when read back",
                                         method="GET", path=spec.path, attempted="verify node %s" % spec.path)
    to_set, to_delete = property_changes(end, spec.properties, ignore=list(spec.ignore) + list(spec.secrets),
                                         purge=spec.purge)
    missing_secrets = [k for k, v in spec.secrets.items() if not is_empty(v) and is_empty(end.get(k))]
    wrong = sorted(set(to_set) | set(to_delete) | set(missing_secrets))
    if wrong:
        raise AemUnexpectedResponseError(
            "AEM accepted the write but these properties do not hold the requested values when read back: %s"
            % ", ".join(wrong), method="GET", path=spec.path, attempted="verify node %s" % spec.path)


def ensure_absent(client, path, check_mode, missing=(404,), secret_names=()):
    current = read_node(client, path, missing=missing)
    if current is None:
        return {"changed": False, "diff": diff_for(path, {}, {}), "node": None}
    before = redact_node(current, secret_names)
    result = {"changed": True, "diff": diff_for(path, before, {}), "node": None}
    return carry_out(result, check_mode, lambda: verified_delete(
        lambda: sling_post(client, path, delete_payload(), "delete node %s" % path),
        lambda: read_node(client, path, missing=missing) is not None, "node", path))
