"""A small in-memory JCR-like repository for the mock AEM author.

Nodes have a primary type, optional mixins, ordered children and typed properties. Every
property is a :class:`Prop` with a JCR type name (``String``, ``Long``, ``Double``, ``Decimal``,
``Boolean``, ``Date``, ``Name``, ``Path``, ``Reference``, ``Binary``...) and either one value or a
list of values (multi-value).

Python value representation per type:

========== ==========================================================
String     ``str`` (also Name, Path, Reference, WeakReference, URI)
Long       ``int``
Double     ``float``
Decimal    ``decimal.Decimal``
Boolean    ``bool``
Date       ``datetime.datetime`` (timezone-aware)
Binary     ``bytes``
========== ==========================================================

API (all methods take absolute paths such as ``/etc/replication``; thread-safe through
``repo.lock``, an ``RLock`` that callers may also hold to make several calls atomic; never hold it
while doing outbound HTTP):

* ``get(path) -> Node | None``; ``exists(path) -> bool`` (node); ``has_property(path, name)``
* ``create(path, primary_type="nt:unstructured") -> Node`` (parent must exist; KeyError if not,
  ValueError if the node exists)
* ``ensure(path, primary_type="nt:unstructured", intermediate_type=None) -> list[str]``: creates
  missing nodes (deep create), returns the created paths
* ``set_property(path, name, value, type=None, multiple=None)``; ``get_property(path, name) ->
  Prop | None``; ``value(path, name, default=None)`` (plain Python value)
* ``remove(path) -> bool`` (a node, or a property when ``path`` names one)
* ``children(path) -> list[Node]``; ``walk(path) -> iterator of (path, Node)`` (pre-order)
* ``move(src, dst)``, ``copy(src, dst)``
* ``import_tree(path, tree)``: Sling-JSON-like dict; nested dicts are child nodes,
  ``jcr:primaryType`` sets the type, ``"name@TypeHint": "Long"`` types a value
* ``to_dict()`` / ``from_dict(data)``: JSON-serialisable snapshot (binaries base64)
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import re
import threading
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Tuple

PROPERTY_TYPES = (
    "String", "Binary", "Long", "Double", "Date", "Boolean", "Name", "Path", "Reference",
    "WeakReference", "URI", "Decimal",
)
_STRINGISH = {"String", "Name", "Path", "Reference", "WeakReference", "URI", "Undefined"}

#: node types that are mix:created (jcr:created / jcr:createdBy are auto-created)
CREATED_TYPES = {"cq:Page", "nt:folder", "sling:Folder", "sling:OrderedFolder", "nt:file",
                 "rep:User", "rep:SystemUser", "rep:Group", "rep:AuthorizableFolder"}


class Prop:
    __slots__ = ("type", "value", "multiple")

    def __init__(self, type_: str, value: Any, multiple: bool = False) -> None:
        self.type = type_
        self.value = value
        self.multiple = multiple

    def values(self) -> List[Any]:
        return list(self.value) if self.multiple else [self.value]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "Prop(%s, %r%s)" % (self.type, self.value, ", multiple" if self.multiple else "")


class Node:
    __slots__ = ("name", "props", "children", "__weakref__")

    def __init__(self, name: str, primary_type: str = "nt:unstructured") -> None:
        self.name = name
        self.props: "OrderedDict[str, Prop]" = OrderedDict()
        self.props["jcr:primaryType"] = Prop("Name", primary_type)
        self.children: "OrderedDict[str, Node]" = OrderedDict()

    @property
    def primary_type(self) -> str:
        return self.props["jcr:primaryType"].value

    def get(self, name: str, default: Any = None) -> Any:
        p = self.props.get(name)
        return default if p is None else p.value


# ------------------------------------------------------------------ values and dates

def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).astimezone()


_DATE_FORMATS = (
    "%a %b %d %Y %H:%M:%S GMT%z",  # ECMA: EEE MMM dd yyyy HH:mm:ss 'GMT'Z
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
)


def parse_date(text: str) -> _dt.datetime:
    """Parse a date as the Sling POST servlet's default ``servlet.post.dateFormats`` do."""
    s = text.strip()
    s2 = re.sub(r"Z$", "+00:00", s)
    try:
        d = _dt.datetime.fromisoformat(s2)
        return d if d.tzinfo else d.astimezone()
    except ValueError:
        pass
    # ECMA with an optional trailing "(zone name)"
    s3 = re.sub(r"\s*\([^)]*\)\s*$", "", s)
    for fmt in _DATE_FORMATS:
        try:
            d = _dt.datetime.strptime(s3, fmt)
        except ValueError:
            continue
        return d if d.tzinfo else d.astimezone()
    raise ValueError("Unparseable date %r" % text)


def format_ecma(d: _dt.datetime) -> str:
    """``EEE MMM dd yyyy HH:mm:ss 'GMT'Z`` with Locale US, as Sling's JSON renderer writes dates."""
    return d.strftime("%a %b %d %Y %H:%M:%S GMT%z")


def format_iso(d: _dt.datetime) -> str:
    """JCR ISO8601 form ``yyyy-MM-ddTHH:mm:ss.SSS+hh:mm``."""
    return d.isoformat(timespec="milliseconds")


def convert(type_: str, raw: Any) -> Any:
    """Convert one raw value (usually a request string) to the Python value of a JCR type."""
    if type_ in _STRINGISH:
        return raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    if type_ == "Long":
        if isinstance(raw, bool):
            return int(raw)
        if isinstance(raw, (int, float)):
            return int(raw)
        return int(str(raw).strip())
    if type_ == "Double":
        return float(raw)
    if type_ == "Decimal":
        return decimal.Decimal(str(raw).strip())
    if type_ == "Boolean":
        if isinstance(raw, bool):
            return raw
        # javax.jcr ValueFactory: Boolean.valueOf(s): "true" (any case) is true, anything else false
        return str(raw).strip().lower() == "true"
    if type_ == "Date":
        if isinstance(raw, _dt.datetime):
            return raw
        return parse_date(str(raw))
    if type_ == "Binary":
        if isinstance(raw, bytes):
            return raw
        return str(raw).encode("utf-8")
    raise ValueError("Unknown property type %r" % type_)


def infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, decimal.Decimal):
        return "Decimal"
    if isinstance(value, _dt.datetime):
        return "Date"
    if isinstance(value, bytes):
        return "Binary"
    return "String"


def split_path(path: str) -> Tuple[str, str]:
    path = normalize(path)
    if path == "/":
        return "", ""
    parent, _unused, name = path.rpartition("/")
    return (parent or "/"), name


def normalize(path: str) -> str:
    """Resolve ``.``/``..`` and duplicate slashes of an absolute path; no trailing slash."""
    parts: List[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if parts:
                parts.pop()
            continue
        parts.append(seg)
    return "/" + "/".join(parts)


def join(base: str, rel: str) -> str:
    if rel.startswith("/"):
        return normalize(rel)
    return normalize(base.rstrip("/") + "/" + rel)


# ------------------------------------------------------------------ repository

class Repository:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.root = Node("", "rep:root")

    # -- reading
    def get(self, path: str) -> Optional[Node]:
        path = normalize(path)
        with self.lock:
            node = self.root
            if path == "/":
                return node
            for seg in path[1:].split("/"):
                node = node.children.get(seg)
                if node is None:
                    return None
            return node

    def exists(self, path: str) -> bool:
        return self.get(path) is not None

    def has_property(self, path: str, name: str) -> bool:
        n = self.get(path)
        return n is not None and name in n.props

    def get_property(self, path: str, name: str) -> Optional[Prop]:
        n = self.get(path)
        return None if n is None else n.props.get(name)

    def value(self, path: str, name: str, default: Any = None) -> Any:
        p = self.get_property(path, name)
        return default if p is None else p.value

    def children(self, path: str) -> List[Node]:
        n = self.get(path)
        if n is None:
            return []
        with self.lock:
            return list(n.children.values())

    def walk(self, path: str = "/") -> Iterator[Tuple[str, Node]]:
        with self.lock:
            start = self.get(path)
            if start is None:
                return iter(())
            out: List[Tuple[str, Node]] = []
            stack = [(normalize(path), start)]
            while stack:
                p, n = stack.pop()
                out.append((p, n))
                kids = list(n.children.items())
                for name, child in reversed(kids):
                    stack.append(((p.rstrip("/") + "/" + name), child))
        return iter(out)

    def count(self, path: str = "/") -> int:
        return sum(1 for _unused in self.walk(path))

    # -- writing
    def create(self, path: str, primary_type: str = "nt:unstructured", user: str = "admin") -> Node:
        parent_path, name = split_path(path)
        if not name:
            raise ValueError("cannot create the root node")
        with self.lock:
            parent = self.get(parent_path)
            if parent is None:
                raise KeyError("parent %s does not exist" % parent_path)
            if name in parent.children:
                raise ValueError("node %s exists" % path)
            node = Node(name, primary_type)
            if primary_type in CREATED_TYPES:
                node.props["jcr:created"] = Prop("Date", now())
                node.props["jcr:createdBy"] = Prop("String", user)
            parent.children[name] = node
            return node

    def ensure(self, path: str, primary_type: str = "nt:unstructured",
               intermediate_type: Optional[str] = None, user: str = "admin") -> List[str]:
        """Create ``path`` and any missing ancestors; return the paths created (top-down)."""
        path = normalize(path)
        created: List[str] = []
        with self.lock:
            cur = ""
            segs = [s for s in path.split("/") if s]
            for i, seg in enumerate(segs):
                cur += "/" + seg
                if self.get(cur) is None:
                    last = i == len(segs) - 1
                    t = primary_type if last else (intermediate_type or primary_type)
                    self.create(cur, t, user=user)
                    created.append(cur)
        return created

    def set_property(self, path: str, name: str, value: Any, type: Optional[str] = None,
                     multiple: Optional[bool] = None) -> Prop:
        """Set a typed property. ``value`` may be a list (multi-value). ``type`` defaults to the
        type inferred from the (first) value; raw strings are converted to ``type``."""
        if multiple is None:
            multiple = isinstance(value, (list, tuple))
        vals = list(value) if isinstance(value, (list, tuple)) else [value]
        if type is None:
            type = infer_type(vals[0]) if vals else "String"
        conv = [convert(type, v) for v in vals]
        if multiple:
            prop = Prop(type, conv, True)
        else:
            if not conv:
                raise ValueError("no value for single-valued property %s" % name)
            prop = Prop(type, conv[0], False)
        with self.lock:
            node = self.get(path)
            if node is None:
                raise KeyError("node %s does not exist" % path)
            node.props[name] = prop
        return prop

    def remove_property(self, path: str, name: str) -> bool:
        with self.lock:
            node = self.get(path)
            if node is None or name not in node.props or name == "jcr:primaryType":
                return False
            del node.props[name]
            return True

    def remove(self, path: str) -> bool:
        """Remove the node at ``path``; if there is none, the property ``path`` names."""
        path = normalize(path)
        if path == "/":
            raise ValueError("cannot remove the root node")
        parent_path, name = split_path(path)
        with self.lock:
            parent = self.get(parent_path)
            if parent is None:
                return False
            if name in parent.children:
                del parent.children[name]
                return True
            if name in parent.props and name != "jcr:primaryType":
                del parent.props[name]
                return True
            return False

    def _clone(self, node: Node, name: str) -> Node:
        n = Node(name, node.primary_type)
        for k, p in node.props.items():
            n.props[k] = Prop(p.type, list(p.value) if p.multiple else p.value, p.multiple)
        for k, c in node.children.items():
            n.children[k] = self._clone(c, k)
        return n

    def _source_and_target(self, src: str, dst: str) -> Tuple["Node", "Node", str]:
        """The node at ``src``, the parent of ``dst`` and the new name; KeyError for a missing one."""
        s = self.get(src)
        if s is None:
            raise KeyError(src)
        parent_path, name = split_path(dst)
        parent = self.get(parent_path)
        if parent is None:
            raise KeyError(parent_path)
        return s, parent, name

    def copy(self, src: str, dst: str) -> None:
        with self.lock:
            s, parent, name = self._source_and_target(src, dst)
            parent.children[name] = self._clone(s, name)

    def move(self, src: str, dst: str) -> None:
        with self.lock:
            s, parent, name = self._source_and_target(src, dst)
            self.remove(src)
            s.name = name
            parent.children[name] = s

    def clear(self) -> None:
        with self.lock:
            self.root = Node("", "rep:root")

    # -- import / snapshot
    def import_tree(self, path: str, tree: Dict[str, Any], replace: bool = False) -> List[str]:
        """Import a Sling-JSON-like tree at ``path``; returns created node paths."""
        created: List[str] = []
        with self.lock:
            if replace and self.exists(path) and normalize(path) != "/":
                self.remove(path)
            ptype = tree.get("jcr:primaryType", "nt:unstructured")
            if not self.exists(path):
                created += self.ensure(path, ptype, intermediate_type="nt:unstructured")
            node = self.get(path)
            assert node is not None
            if "jcr:primaryType" in tree:
                node.props["jcr:primaryType"] = Prop("Name", tree["jcr:primaryType"])
            hints = {k[:-len("@TypeHint")]: v for k, v in tree.items() if k.endswith("@TypeHint")}
            for key, val in tree.items():
                if key == "jcr:primaryType" or key.endswith("@TypeHint"):
                    continue
                if isinstance(val, dict):
                    created += self.import_tree(join(path, key), val)
                    continue
                hint = hints.get(key)
                multiple = isinstance(val, list)
                if hint and hint.endswith("[]"):
                    hint, multiple = hint[:-2], True
                if hint == "Binary" and isinstance(val, str):
                    val = base64.b64decode(val)
                if key == "jcr:mixinTypes":
                    hint, multiple = "Name", True
                self.set_property(path, key, val, type=hint, multiple=multiple)
        return created

    def to_dict(self) -> Dict[str, Any]:
        with self.lock:
            return _node_to_dict(self.root)

    def from_dict(self, data: Dict[str, Any]) -> None:
        with self.lock:
            self.root = _node_from_dict("", data)


def _enc(p: Prop) -> Any:
    def one(v: Any) -> Any:
        if p.type == "Binary":
            return base64.b64encode(v).decode("ascii")
        if p.type == "Date":
            return v.isoformat()
        if p.type == "Decimal":
            return str(v)
        return v
    return [one(v) for v in p.value] if p.multiple else one(p.value)


def _dec(type_: str, raw: Any) -> Any:
    if type_ == "Binary":
        return base64.b64decode(raw)
    if type_ == "Date":
        return _dt.datetime.fromisoformat(raw)
    return convert(type_, raw)


def _node_to_dict(node: Node) -> Dict[str, Any]:
    return {
        "p": [[k, p.type, p.multiple, _enc(p)] for k, p in node.props.items()],
        "c": [[k, _node_to_dict(c)] for k, c in node.children.items()],
    }


def _node_from_dict(name: str, data: Dict[str, Any]) -> Node:
    n = Node(name)
    n.props.clear()
    for k, t, m, v in data["p"]:
        n.props[k] = Prop(t, [_dec(t, x) for x in v] if m else _dec(t, v), m)
    for k, c in data["c"]:
        n.children[k] = _node_from_dict(k, c)
    return n
