"""Sling resource resolution and the default GET servlet (§2)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from . import inferred
from .http_types import Request, Response
from .jcr import Node, Prop, format_ecma, normalize

if TYPE_CHECKING:
    from .aem import AuthorApp


@dataclass
class Resolved:
    #: the resource path (without selectors / extension / suffix)
    path: str
    node: Optional[Node]
    selectors: List[str] = field(default_factory=list)
    extension: Optional[str] = None
    suffix: str = ""
    #: the request path ended with "/"
    trailing_slash: bool = False
    #: missing resource below a dot-containing segment (e.g. agents.author/<missing>): Sling
    #: sees selectors/extension/suffix there (§1.3)
    dotted_missing: bool = False

    @property
    def exists(self) -> bool:
        return self.node is not None

    @property
    def has_path_info(self) -> bool:
        return bool(self.selectors or self.extension or self.suffix or self.dotted_missing)


_MANGLED = re.compile(r"/_([a-zA-Z0-9]+)_")


def unmangle(path: str) -> str:
    """Sling namespace mangling: ``/_jcr_content`` -> ``/jcr:content``."""
    return _MANGLED.sub(lambda m: "/%s:" % m.group(1), path)


def resolve(app: "AuthorApp", raw_path: str) -> Resolved:
    repo = app.repo
    path = unmangle(raw_path)
    trailing = len(path) > 1 and path.endswith("/")
    if trailing:
        path = path.rstrip("/") or "/"
    norm = normalize(path)
    node = repo.get(norm)
    if node is not None:
        return Resolved(norm, node, trailing_slash=trailing)
    # cut at dots from the right: the longest existing prefix ending before a dot wins
    i = len(path)
    while True:
        i = path.rfind(".", 0, i)
        if i <= 0:
            break
        cand = path[:i]
        if cand.endswith("/") and cand != "/":  # "/.json" is the root node, "/a/.json" is nothing
            continue
        node = repo.get(normalize(cand))
        if node is not None:
            rest = path[i:]
            dotpart, slash, suffix = rest.partition("/")
            parts = dotpart[1:].split(".")
            ext = parts[-1] if parts[-1] else None
            return Resolved(normalize(cand), node, [s for s in parts[:-1] if s], ext,
                            ("/" + suffix) if slash else "", trailing)
    # non-existing resource: selectors/extension come from the last segment
    parent, _unused, last = norm.rpartition("/")
    dotted = "." in parent
    name, dot, rest = last.partition(".")
    selectors: List[str] = []
    ext = None
    if dot:
        parts = rest.split(".")
        ext = parts[-1] or None
        selectors = [s for s in parts[:-1] if s]
    return Resolved((parent + "/" + name) if parent else "/" + name, None, selectors, ext, "", trailing, dotted)


# ------------------------------------------------------------------ rendering (§2)

def render_value(p: Prop) -> Any:
    def one(v: Any) -> Any:
        if p.type == "Date":
            return format_ecma(v)
        if p.type == "Decimal":
            return str(v) if inferred.value("aem.decimal_as_string") else float(v)
        if p.type == "Double":
            return float(v)
        return v
    return [one(v) for v in p.value] if p.multiple else one(p.value)


def node_to_json(node: Node, depth: int, harray: bool = False) -> Dict[str, Any]:
    """``depth`` = levels of children to include; -1 = infinity."""
    out: Dict[str, Any] = {}
    for name, p in node.props.items():
        if p.type == "Binary":
            # binary properties are rendered as ":<name>": <length> (§2)
            out[":" + name] = [len(v) for v in p.value] if p.multiple else len(p.value)
        else:
            out[name] = render_value(p)
    if depth != 0:
        nxt = depth - 1 if depth > 0 else -1
        if harray:
            kids = []
            for cname, child in node.children.items():
                c = {"__name__": cname}
                c.update(node_to_json(child, nxt, harray))
                kids.append(c)
            if kids:
                out["__children__"] = kids
        else:
            for cname, child in node.children.items():
                out[cname] = node_to_json(child, nxt, harray)
    return out


def dumps(obj: Any, tidy: bool) -> bytes:
    if tidy:
        return json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class BadSelector(Exception):
    pass


def recursion_level(selectors: List[str]) -> int:
    """JsonRenderer.getMaxRecursionLevel: the depth selector must be the last one."""
    if not selectors:
        return 0
    level = selectors[-1]
    if level in ("tidy", "harray"):
        return 0
    if level == "infinity":
        return -1
    if re.fullmatch(r"-?\d+", level):
        n = int(level)
        if n < 0 or n > 2 ** 31 - 1:  # negative (e.g. .-1.json) and out-of-int values: infinity
            return -1
        return n
    raise BadSelector("Invalid recursion selector value '%s'" % level)


def count_levels(node: Node, max_depth: int, limit: int) -> Optional[int]:
    """Breadth-first count like Sling's ResourceTraversor. Returns None when the tree up to
    ``max_depth`` holds at most ``limit`` resources, else the deepest fully allowed level."""
    count = 1
    level_nodes = [node]
    level = 0
    while level_nodes and (max_depth < 0 or level < max_depth):
        nxt = [c for n in level_nodes for c in n.children.values()]
        if not nxt:
            return None
        count += len(nxt)
        if count > limit:
            return level
        level_nodes = nxt
        level += 1
    return None


def handle(app: "AuthorApp", request: Request) -> Response:
    from .aem import error_page

    res = resolve(app, request.path)
    if not res.exists:
        if res.dotted_missing and res.extension is None:
            return error_page(inferred.value("aem.missing_below_dotted_get_status"), "Forbidden", request.path)
        return error_page(404, "Resource at '%s' not found: No resource found" % res.path, request.path)
    node = res.node
    assert node is not None
    if res.extension is None:
        if res.trailing_slash:
            return error_page(inferred.value("aem.trailing_slash_status"), "Forbidden", request.path)
        binary = file_data(node)
        if binary is not None:
            data, mime = binary
            return Response(200, data, mime)
        # StreamRenderer: a resource without a stream -> redirect to path/ (§2)
        return Response(302, b"", "text/html;charset=utf-8", [("Location", res.path + "/")])
    ext = res.extension
    if ext not in inferred.value("aem.get_extensions"):
        return error_page(404, "No renderer for extension %s" % ext, request.path)
    with app.repo.lock:
        if ext == "json":
            try:
                depth = recursion_level(res.selectors)
            except BadSelector as e:
                return error_page(400, str(e), request.path)
            tidy = "tidy" in res.selectors
            harray = "harray" in res.selectors
            if depth != 0:
                allowed = count_levels(node, depth, app.json_max_results)
                if allowed is not None:
                    pre = "tidy." if tidy else ""
                    alts = ["%s.%s%d.json" % (res.path, pre, lvl) for lvl in range(allowed, -1, -1)]
                    return Response.json(300, alts)
            body = dumps(node_to_json(node, depth, harray), tidy)
            return Response(200, body, "application/json;charset=utf-8")
        if ext == "txt":
            lines = ["%s: %s" % (k, render_value(p)) for k, p in node.props.items() if p.type != "Binary"]
            return Response.text(200, "\n".join(lines) + "\n")
        # html: the default HTML renderer lists the properties
        rows = "".join("<dt>%s</dt><dd>%s</dd>" % (html.escape(k), html.escape(str(render_value(p))))
                       for k, p in node.props.items() if p.type != "Binary")
        page = "<html><head><title>%s</title></head><body><h1>Resource dumped by HtmlRendererServlet</h1>" \
               "<p>Resource path: <b>%s</b></p><dl>%s</dl></body></html>" % (
                   html.escape(res.path), html.escape(res.path), rows)
        return Response.html(200, page)


def file_data(node: Node) -> Optional[tuple]:
    """The stream of an nt:file / nt:resource node: (bytes, mime type)."""
    target = node
    if node.primary_type == "nt:file":
        target = node.children.get("jcr:content")  # type: ignore[assignment]
        if target is None:
            return None
    p = target.props.get("jcr:data")
    if p is None or p.type != "Binary" or p.multiple:
        return None
    mime = target.get("jcr:mimeType", "application/octet-stream")
    return p.value, mime
