# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""JCR content over Sling: reading nodes, building Sling POST requests, parsing their answers, and
comparing what AEM holds with what the user asked for.

Facts about Sling's behaviour come from AEM facts §1-§2 (Sling POST and GET servlets), the sections of the
collection's docs page "How AEM and Adobe IMS answer" (``docs/docsite/rst/aem_facts.rst``).  Nothing here sends a
request except through an ``AemClient``.
"""

from __future__ import annotations

import fnmatch
import json
import re
from urllib.parse import unquote

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemServerError,
    AemUnexpectedResponseError,
)

INFINITY = "infinity"

# Properties the repository maintains by itself: never compared, never purged.
SERVER_MANAGED_PATTERNS = (
    "jcr:created*", "jcr:lastModified*", "cq:lastModified*", "jcr:uuid",
    "jcr:baseVersion", "jcr:predecessors", "jcr:versionHistory", "jcr:isCheckedOut",
)
# Structural properties: compared only when asked for, never purged.
STRUCTURAL = ("jcr:primaryType", "jcr:mixinTypes")
# Multi-value properties whose order the repository decides.
SET_LIKE = ("jcr:mixinTypes",)

_SLING_IGNORED_NAME = re.compile(r"^(:.*|_charset_|j_.*|.*@.*|.*/.*|\.\.?)$")


def is_server_managed(name):
    return name.startswith(":") or any(fnmatch.fnmatchcase(name, p) for p in SERVER_MANAGED_PATTERNS)


def matches_any(name, patterns):
    return any(fnmatch.fnmatchcase(name, p) for p in patterns or ())


# -- reading ---------------------------------------------------------------------------------------

def depth_selector(depth):
    """The Sling GET selector for a depth: 0 -> ``.json``, N -> ``.N.json``, infinity -> ``.infinity.json``."""
    if depth in (INFINITY, -1, "-1"):
        return ".infinity.json"
    depth = int(depth)
    if depth < 0:
        raise ValueError("depth must be >= 0 or 'infinity'")
    return ".json" if depth == 0 else ".%d.json" % depth


def read_node(client, path, depth=0, missing=(404,)):
    """Read ``path`` as Sling JSON; None when AEM says it does not exist.

    ``missing`` lists the statuses meaning "absent": below ``agents.<runmode>`` AEM answers 403
    for a missing agent (AEM facts §1.3), so callers there pass ``(403, 404)``.

    Above ``json.maximumresults`` AEM answers 300 with shallower URLs, deepest first (AEM facts §2); the
    deepest one that AEM then serves is used.
    """
    attempted = "read node %s" % path
    response = client.get(path + depth_selector(depth), attempted, expected=(200, 300) + tuple(missing))
    if response.status in missing:
        return None
    if response.status == 300:
        alternatives = _json(response, attempted)
        if not isinstance(alternatives, list) or not alternatives:
            raise AemUnexpectedResponseError("HTTP 300 without a list of alternative URLs",
                                             method="GET", path=response.path, status=300,
                                             excerpt=client.redactor.excerpt(response.body), attempted=attempted)
        for alternative in alternatives:
            shallower = client.get(unquote(str(alternative)), attempted, expected=(200, 300) + tuple(missing))
            if shallower.status == 200:
                return _json(shallower, attempted)
            if shallower.status in missing:
                return None
        raise AemUnexpectedResponseError("every shallower read was refused with HTTP 300", method="GET",
                                         path=response.path, status=300, attempted=attempted)
    return _json(response, attempted)


def _json(response, attempted):
    try:
        return json.loads(response.body.decode("utf-8"))
    except ValueError:
        raise AemUnexpectedResponseError("the answer is not JSON", method=response.method, path=response.path,
                                         status=response.status, excerpt=response.body[:200].decode("utf-8", "replace"),
                                         attempted=attempted)


def node_properties(node):
    """The properties of a Sling JSON node, without child nodes."""
    if node is None:
        return None
    return dict((k, v) for k, v in node.items() if not isinstance(v, dict))


# -- values and comparison -------------------------------------------------------------------------

def is_empty(value):
    """Sling removes a property posted with one empty value (AEM facts §1.2), so '' and [] mean "absent"."""
    return value is None or value == "" or value == []


def _scalar_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def canonical(value, set_like=False):
    """A comparable form: AEM and its UIs store many typed values as strings ("true", "60000"), and
    a Boolean true and the String "true" mean the same to AEM's readers, so values compare by their
    text.  Single and multi-value stay distinct: changing one into the other is a real change."""
    if is_empty(value):
        return None
    if isinstance(value, (list, tuple)):
        items = [_scalar_text(v) for v in value]
        return ("multi", tuple(sorted(items) if set_like else items))
    return ("single", _scalar_text(value))


def values_equal(name, current, desired):
    set_like = name in SET_LIKE
    return canonical(current, set_like) == canonical(desired, set_like)


def validate_property_name(option, name):
    if not isinstance(name, str) or not name or _SLING_IGNORED_NAME.match(name):
        raise AemInputError(
            "option %s: property name %r cannot be written through the Sling POST servlet (names starting "
            "with ':', '_charset_', 'j_*', and names containing '@' or '/' are control parameters or paths); "
            "expected a plain JCR property name such as 'jcr:title'" % (option, name))


def type_hint(option, name, value):
    """The Sling ``@TypeHint`` for a Python value; lists must be homogeneous."""
    def scalar(v):
        if isinstance(v, bool):
            return "Boolean"
        if isinstance(v, int):
            return "Long"
        if isinstance(v, float):
            return "Double"
        if isinstance(v, str):
            return "String"
        raise AemInputError("option %s: property %r has a value of type %s; expected a string, integer, float, "
                            "boolean or a list of one of these" % (option, name, type(v).__name__))

    if isinstance(value, (list, tuple)):
        kinds = set(scalar(v) for v in value) or set(["String"])
        if len(kinds) > 1:
            raise AemInputError("option %s: property %r mixes %s in one list; expected a list of one type"
                                % (option, name, " and ".join(sorted(kinds))))
        return kinds.pop() + "[]"
    return scalar(value)


def property_changes(current, desired, ignore=(), purge=False):
    """What to write so that a node holding ``current`` properties holds ``desired``.

    Returns ``(to_set, to_delete)``: a dict of properties to write and a sorted list of names to
    remove.  Server-managed and ignored properties are left alone; with ``purge``, every other
    property that is not desired is removed.
    """
    current = node_properties(current) or {}
    to_set, to_delete = {}, set()
    for name, value in desired.items():
        if matches_any(name, ignore) or is_server_managed(name):
            continue
        if is_empty(value):
            if not is_empty(current.get(name)):
                to_delete.add(name)
        elif not values_equal(name, current.get(name), value):
            to_set[name] = value
    if purge:
        for name in current:
            if (name not in desired and not matches_any(name, ignore) and not is_server_managed(name)
                    and name not in STRUCTURAL and not name.startswith("rep:")):
                to_delete.add(name)
    return to_set, sorted(to_delete)


# -- writing ---------------------------------------------------------------------------------------

def build_post_payload(to_set=None, to_delete=(), primary_type=None, option="properties"):
    """Form fields for a Sling POST that writes ``to_set`` and removes ``to_delete``.

    Every written property carries ``@TypeHint`` so that AEM stores the intended type instead of
    converting to the type an existing property happens to have; lists are always multi-value
    (``Type[]``), even with one element.  Returned as a list of pairs because multi-value
    properties repeat their field name.
    """
    # Without _charset_ Sling decodes form fields as ISO-8859-1 (AEM facts §1.1).
    payload = [("_charset_", "utf-8")]
    if primary_type:
        payload.append(("jcr:primaryType", primary_type))
    for name in to_delete:
        validate_property_name(option, name)
        payload.append(("%s@Delete" % name, ""))
    for name in sorted(to_set or {}):
        value = to_set[name]
        validate_property_name(option, name)
        payload.append(("%s@TypeHint" % name, type_hint(option, name, value)))
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            payload.append((name, _scalar_text(item)))
    return payload


def delete_payload():
    return [("_charset_", "utf-8"), (":operation", "delete")]


class PostResult(object):
    """A parsed Sling POST answer (AEM facts §1.5 and §1.6: the JSON and the HTML form)."""

    def __init__(self, status, message=None, changes=None, path=None, is_create=None, error=None):
        self.status = status
        self.message = message
        self.changes = changes or []
        self.path = path
        self.is_create = is_create
        self.error = error


def _to_int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return None


_HTML_FIELD = re.compile(r'id="(Status|Message|Path)"[^>]*>(.*?)</', re.S)
_HTML_CHANGELOG = re.compile(r'id="ChangeLog"[^>]*>(.*?)</div>', re.S)
_HTML_CHANGE = re.compile(r'(\w+)\(("[^)]*")\);')


def parse_post_response(response):
    """Parse a Sling POST answer whether it is JSON or the HTML status page.

    ``status.code`` is a number on AEM 6.5 and a string with older Sling POST bundles (AEM facts §1.5);
    both are accepted, and so are ``isCreate`` as a boolean or as ``"true"``/``"false"``.
    """
    content_type = (response.headers.get("Content-Type") or "").lower()
    text = response.body.decode("utf-8", "replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            changes = []
            for change in data.get("changes") or []:
                if isinstance(change, dict):
                    changes.append((change.get("type"), change.get("argument")))
            return PostResult(_to_int(data.get("status.code"), response.status), data.get("status.message"),
                              changes, data.get("path"), _to_bool(data.get("isCreate")), data.get("error"))
    fields = dict((k, _unescape(v.strip())) for k, v in _HTML_FIELD.findall(text))
    changes = []
    log = _HTML_CHANGELOG.search(text)
    if log:
        for kind, args in _HTML_CHANGE.findall(_unescape(log.group(1))):
            values = re.findall(r'"([^"]*)"', args)
            changes.append((kind, values[0] if len(values) == 1 else values))
    return PostResult(_to_int(fields.get("Status"), response.status), fields.get("Message"), changes,
                      fields.get("Path"), None, None)


def _unescape(text):
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def sling_post(client, path, payload, attempted, idempotent=True):
    """Send a Sling POST, asking for JSON, and fail on an error status in the body too.

    Sling may answer 200 with the real status only in the body (``:status=browser``, AEM facts §1.3), so the
    body's status decides.
    """
    response = client.post(path, attempted, data=payload, headers={"Accept": "application/json"},
                           idempotent=idempotent)
    result = parse_post_response(response)
    if result.status >= 400:
        message = result.message
        if isinstance(result.error, dict):
            message = result.error.get("message") or message
        raise AemServerError("Sling POST reported status %s: %s" % (result.status, client.redactor.text(message)),
                             method="POST", path=path, status=result.status,
                             excerpt=client.redactor.excerpt(response.body), attempted=attempted)
    return result
