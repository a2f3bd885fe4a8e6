"""The Sling POST servlet (§1): create/modify, delete, move, copy, import, nop."""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from . import inferred, jcr
from .forms import Form, Upload
from .http_types import Request, Response
from .sling_get import resolve

if TYPE_CHECKING:
    from .aem import AuthorApp

SUFFIXES = ("@TypeHint", "@Delete", "@DefaultValue", "@UseDefaultWhenMissing", "@IgnoreBlanks",
            "@ValueFrom", "@MoveFrom", "@CopyFrom", "@Patch", "@Encrypted")
AUTO_DATE = {"created", "jcr:created", "lastModified", "jcr:lastModified"}
AUTO_USER = {"createdBy", "jcr:createdBy", "lastModifiedBy", "jcr:lastModifiedBy"}
NAME_SOURCES = ("title", "jcr:title", "name", "description", "jcr:description", "abstract")


class PostError(Exception):
    def __init__(self, status: int, message: str, exc_class: str = "javax.jcr.RepositoryException") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.exc_class = exc_class


class PostResult:
    def __init__(self, path: str) -> None:
        self.path = path
        self.status = 200
        self.message = "OK"
        self.title: Optional[str] = None
        self.is_create = False
        self.changes: List[Tuple[str, Any]] = []
        self.error: Optional[PostError] = None

    def change(self, type_: str, arg: Any) -> None:
        self.changes.append((type_, arg))


# ------------------------------------------------------------------ helpers

def ignored(name: str) -> bool:
    return name.startswith(":") or name in ("_charset_", "charset") or re.fullmatch(r"j_.*", name) is not None


def default_child_type(parent: jcr.Node, name: str) -> str:
    """Default primary type of a child created without jcr:primaryType (node type definitions)."""
    pt = parent.primary_type
    table = inferred.value("aem.default_child_types")
    if pt in table:
        spec = table[pt]
        t = spec.get(name, spec.get("*"))
        if t is None:
            raise PostError(500, "javax.jcr.nodetype.ConstraintViolationException: No default node type "
                                 "available for /%s" % name,
                            "javax.jcr.nodetype.ConstraintViolationException")
        return t
    return "nt:unstructured"


def deep_create(app: "AuthorApp", path: str, result: PostResult, user: str,
                leaf_type: Optional[str] = None) -> bool:
    """Create ``path`` and missing ancestors; returns True if the leaf was created."""
    repo = app.repo
    path = jcr.normalize(path)
    if repo.exists(path):
        return False
    segs = [s for s in path.split("/") if s]
    cur = ""
    created_leaf = False
    for i, seg in enumerate(segs):
        parent_path = cur or "/"
        cur += "/" + seg
        if repo.exists(cur):
            continue
        parent = repo.get(parent_path)
        assert parent is not None
        last = i == len(segs) - 1
        t = leaf_type if (last and leaf_type) else default_child_type(parent, seg)
        repo.create(cur, t, user=user)
        result.change("created", cur)
        created_leaf = last
    return created_leaf


class Prop:
    def __init__(self, path: str) -> None:
        self.path = path
        self.values: Optional[List[Any]] = None
        self.type_hint: Optional[str] = None
        self.delete = False
        self.default: Optional[List[str]] = None
        self.use_default_when_missing = False
        self.ignore_blanks = False
        self.value_from: Optional[str] = None
        self.move_from: Optional[str] = None
        self.copy_from: Optional[str] = None
        self.patch = False
        self.encrypted = False


def collect(form: Form, item_path: str) -> Dict[str, Prop]:
    names = [n for n in form.names() if not ignored(n)]
    require_prefix = any(n.startswith(("./", "../", "/")) for n in names)
    props: Dict[str, Prop] = {}
    for raw in names:
        if require_prefix and not raw.startswith(("./", "../", "/")):
            continue
        base, suffix = raw, None
        for s in SUFFIXES:
            if raw.endswith(s):
                base, suffix = raw[: -len(s)], s
                break
        abspath = jcr.join(item_path, base)
        p = props.setdefault(abspath, Prop(abspath))
        vals = form.getall(raw)
        texts = [v.text() if isinstance(v, Upload) else v for v in vals]
        if suffix is None:
            p.values = vals
        elif suffix == "@TypeHint":
            p.type_hint = texts[0]
        elif suffix == "@Delete":
            p.delete = True
        elif suffix == "@DefaultValue":
            p.default = texts
        elif suffix == "@UseDefaultWhenMissing":
            p.use_default_when_missing = True
        elif suffix == "@IgnoreBlanks":
            p.ignore_blanks = True
        elif suffix == "@ValueFrom":
            p.value_from = texts[0]
        elif suffix == "@MoveFrom":
            p.move_from = texts[0]
        elif suffix == "@CopyFrom":
            p.copy_from = texts[0]
        elif suffix == "@Patch":
            p.patch = True
        elif suffix == "@Encrypted":
            p.encrypted = True
    # @ValueFrom: the value of another parameter
    for p in props.values():
        if p.value_from is not None:
            p.values = form.getall(p.value_from)
    return props


# ------------------------------------------------------------------ operations

def op_modify(app: "AuthorApp", request: Request, form: Form, item_path: str, user: str) -> PostResult:
    repo = app.repo
    result = PostResult(item_path)
    props = collect(form, item_path)
    # 0. the addressed node first (deep create), with its jcr:primaryType if given: Sling's
    #    ModifyOperation creates it before the @Delete/@MoveFrom/@CopyFrom sub-operations, so a
    #    request that creates it answers 201 even when @MoveFrom fills it
    own_type = props.get(jcr.join(item_path, "jcr:primaryType"))
    leaf_type = own_type.values[0] if own_type and own_type.values else None
    created = deep_create(app, item_path, result, user, leaf_type=leaf_type if isinstance(leaf_type, str) else None)
    result.is_create = created
    # 1. @Delete runs before other writes
    for p in props.values():
        if p.delete and repo.remove(p.path):
            result.change("deleted", p.path)
    # 2. @MoveFrom / @CopyFrom
    for p in props.values():
        src = p.move_from or p.copy_from
        if src:
            src_abs = jcr.join(item_path, src)
            parent, _unused = jcr.split_path(p.path)
            deep_create(app, parent, result, user)
            if repo.exists(src_abs):
                (repo.move if p.move_from else repo.copy)(src_abs, p.path)
                result.change("moved" if p.move_from else "copied", [src_abs, p.path])
            else:
                src_parent, src_name = jcr.split_path(src_abs)
                sp = repo.get_property(src_parent, src_name)
                if sp is not None:
                    node = repo.get(parent)
                    assert node is not None
                    node.props[jcr.split_path(p.path)[1]] = jcr.Prop(sp.type, sp.value, sp.multiple)
                    if p.move_from:
                        repo.remove_property(src_parent, src_name)
                    result.change("moved" if p.move_from else "copied", [src_abs, p.path])
    # 3. properties (and intermediate nodes of relative names such as jcr:content/x)
    for p in props.values():
        if p.delete and p.values is None:
            continue
        if p.move_from or p.copy_from:
            continue
        parent_path, name = jcr.split_path(p.path)
        values = p.values
        if values is None:
            if p.use_default_when_missing and p.default is not None:
                values = list(p.default)
            elif p.type_hint is not None and p.type_hint.endswith("[]") and p.ignore_blanks:
                values = []
            else:
                continue
        # file uploads create nt:file nodes
        uploads = [v for v in values if isinstance(v, Upload)]
        if uploads:
            for up in uploads:
                fname = up.filename if name in ("*", "") else name
                fpath = jcr.join(parent_path, fname)
                deep_create(app, parent_path, result, user)
                if repo.exists(fpath):
                    repo.remove(fpath)
                hint = p.type_hint if p.type_hint and ":" in p.type_hint else "nt:file"
                repo.create(fpath, hint, user=user)
                repo.create(fpath + "/jcr:content", "nt:resource", user=user)
                repo.set_property(fpath + "/jcr:content", "jcr:data", up.content, "Binary")
                repo.set_property(fpath + "/jcr:content", "jcr:mimeType", up.content_type)
                repo.set_property(fpath + "/jcr:content", "jcr:lastModified", jcr.now(), "Date")
                result.change("created", fpath)
            continue
        strs: List[str] = list(values)
        if p.ignore_blanks:
            strs = [s for s in strs if s != ""]
        if p.default is not None:
            strs = [s if s != "" else (p.default[0] if p.default else "") for s in strs]
        deep_create(app, parent_path, result, user)
        node = repo.get(parent_path)
        assert node is not None
        hint = p.type_hint
        multiple = len(strs) > 1
        if hint and hint.endswith("[]"):
            hint, multiple = hint[:-2], True
        if hint and hint not in jcr.PROPERTY_TYPES:
            hint = None  # a node type hint only applies to file uploads
        existing = node.props.get(name)
        if existing is not None and existing.multiple and p.type_hint is None:
            multiple = True
        if name == "jcr:primaryType":
            if strs and strs[0] and node.primary_type != strs[0]:
                node.props["jcr:primaryType"] = jcr.Prop("Name", strs[0])
                if not created:
                    result.change("modified", p.path)
            continue
        if name == "jcr:mixinTypes":
            hint, multiple = "Name", True
        if p.patch:
            cur = list(existing.value) if existing is not None and existing.multiple else []
            for s in strs:
                if s.startswith("+") and s[1:] not in cur:
                    cur.append(s[1:])
                elif s.startswith("-"):
                    cur = [c for c in cur if str(c) != s[1:]]
            repo.set_property(parent_path, name, cur, hint or (existing.type if existing else "String"), True)
            result.change("modified", p.path)
            continue
        if name in AUTO_DATE and strs in ([""], []):
            if name in ("created", "jcr:created") and not created and existing is not None:
                continue
            repo.set_property(parent_path, name, jcr.now(), "Date")
            result.change("modified", p.path)
            continue
        if name in AUTO_USER and strs in ([""], []):
            repo.set_property(parent_path, name, user, "String")
            result.change("modified", p.path)
            continue
        # a single empty value removes the property (documented long-standing bug, §1.2)
        if len(strs) == 1 and strs[0] == "" and not p.ignore_blanks:
            if repo.remove_property(parent_path, name):
                result.change("deleted", p.path)
            continue
        if not multiple and not strs:
            continue
        if inferred.value("aem.encrypted_suffix") and p.encrypted and hint in (None, "String"):
            strs = [app.crypto.protect(s) for s in strs]
        try:
            repo.set_property(parent_path, name, strs if multiple else strs[0], hint or "String", multiple)
        except (ValueError, ArithmeticError) as e:
            raise PostError(500, "javax.jcr.ValueFormatException: %s" % e, "javax.jcr.ValueFormatException")
        result.change("modified", p.path)
    if created:
        result.status, result.message, result.title = 201, "Created", "Content created %s" % item_path
    else:
        result.title = "Content modified %s" % item_path
    return result


def op_delete(app: "AuthorApp", request: Request, form: Form, res: Any) -> PostResult:
    repo = app.repo
    result = PostResult(res.path)
    apply_to = form.getall(":applyTo")
    if apply_to:
        for target in apply_to:
            t = jcr.join(res.path, target)
            paths = [t]
            if t.endswith("/*") or target.endswith("*"):
                base = t[:-2] if t.endswith("/*") else t.rstrip("*")
                paths = [jcr.join(base, n.name) for n in repo.children(base)]
            for path in paths:
                if repo.remove(path):
                    result.change("deleted", path)
        result.title = "Content modified %s" % res.path
        return result
    if res.has_path_info:
        # SLING-3203: 403 for selectors/extension/suffix; also a missing path below agents.author
        raise PostError(403, inferred.value("aem.delete_suffix_message"))
    if repo.remove(res.path):
        result.change("deleted", res.path)
    result.title = "Content modified %s" % res.path
    return result


def op_move_copy(app: "AuthorApp", request: Request, form: Form, res: Any, move: bool) -> PostResult:
    repo = app.repo
    dest = form.text(":dest")
    result = PostResult(res.path)
    if not dest:
        raise PostError(412, ":dest parameter is missing")
    apply_to = form.getall(":applyTo")
    sources = [jcr.join(res.path, a) for a in apply_to] if apply_to else [res.path]
    if len(sources) > 1 and not dest.endswith("/"):
        raise PostError(500, "Destination must end with / for multiple sources")
    replace = (form.text(":replace") or "").lower() == "true"
    status = 200
    for src in sources:
        if not repo.exists(src):
            if apply_to:
                continue
            raise PostError(404, "Missing source %s for %s" % (src, "move" if move else "copy"))
        base = jcr.split_path(src)[0]
        if dest.endswith("/"):
            d = jcr.join(jcr.join(base, dest), jcr.split_path(src)[1])
        else:
            d = jcr.join(base, dest)
        if repo.exists(d):
            if not replace:
                raise PostError(412, "Cannot %s %s to %s: destination exists" % ("move" if move else "copy", src, d))
            repo.remove(d)
        else:
            status = 201
        if not repo.exists(jcr.split_path(d)[0]):
            raise PostError(inferred.value("aem.move_missing_parent_status"),
                            "javax.jcr.PathNotFoundException: %s" % jcr.split_path(d)[0],
                            "javax.jcr.PathNotFoundException")
        (repo.move if move else repo.copy)(src, d)
        result.change("moved" if move else "copied", [src, d])
        result.path = d
    result.status = status
    result.is_create = status == 201
    if status == 201:
        result.message, result.title = "Created", "Content created %s" % result.path
    else:
        result.title = "Content modified %s" % result.path
    return result


def op_import(app: "AuthorApp", request: Request, form: Form, res: Any, user: str) -> PostResult:
    repo = app.repo
    ctype = form.text(":contentType")
    content = form.text(":content")
    if content is None:
        up = form.get(":contentFile")
        content = up.text() if isinstance(up, Upload) else None
    if not ctype or content is None:
        raise PostError(412, "Required :contentType or :content parameter is missing")
    if ctype not in inferred.value("aem.import_content_types"):
        raise PostError(500, "Unsupported :contentType %s (the mock imports json only)" % ctype)
    if not repo.exists(res.path):
        raise PostError(404, "Parent %s does not exist" % res.path)
    name = form.text(":name") or form.text(":nameHint")
    target = jcr.join(res.path, name) if name else res.path
    try:
        tree = json.loads(content)
    except ValueError as e:
        raise PostError(500, "Invalid JSON: %s" % e)
    replace = (form.text(":replace") or "").lower() == "true"
    existed = repo.exists(target)
    if existed and name and not replace:
        raise PostError(500, "javax.jcr.ItemExistsException: %s" % target, "javax.jcr.ItemExistsException")
    result = PostResult(target)
    for p in repo.import_tree(target, tree, replace=replace and bool(name)):
        result.change("created", p)
    if not existed:
        result.status, result.message, result.is_create = 201, "Created", True
        result.title = "Content created %s" % target
    else:
        result.title = "Content modified %s" % target
    return result


def generated_name(form: Form) -> str:
    n = form.text(":name")
    if n:
        return n
    hint = form.text(":nameHint")
    if not hint:
        for s in NAME_SOURCES:
            if form.text(s):
                hint = form.text(s)
                break
    if hint:
        return re.sub(r"[^a-z0-9_\-]", "_", hint.lower())[:20] or uuid.uuid4().hex[:8]
    return "%d_%s" % (int(uuid.uuid1().time & 0xFFFFFFFF), uuid.uuid4().hex[:4])


# ------------------------------------------------------------------ responses (§1.4-1.6)

def prefers_json(request: Request, form: Form) -> bool:
    accept = form.text(":http-equiv-accept") or request.header("accept") or "*/*"

    def q_for(mt: str) -> float:
        best, spec = 0.0, -1
        for rng in accept.split(","):
            parts = [x.strip() for x in rng.split(";")]
            t = parts[0].lower()
            q = 1.0
            for x in parts[1:]:
                if x.startswith("q="):
                    try:
                        q = float(x[2:])
                    except ValueError:
                        q = 0.0
            maj, _unused, mi = t.partition("/")
            tm, _unused, tmi = mt.partition("/")
            if t == mt:
                s = 2
            elif maj == tm and mi == "*":
                s = 1
            elif t == "*/*":
                s = 0
            else:
                continue
            if s > spec:
                best, spec = q, s
        return best

    return q_for("application/json") > q_for("text/html")


def respond(app: "AuthorApp", request: Request, form: Form, result: PostResult) -> Response:
    status = result.error.status if result.error else result.status
    message = result.error.message if result.error else result.message
    title = result.title
    if result.error:
        title = "Error while processing %s" % result.path if status == 500 else None
    parent = jcr.split_path(result.path)[0]
    referer = request.header("referer") or ""
    changes = [] if result.error else result.changes
    headers: List[Tuple[str, str]] = []
    redirect = form.text(":redirect")
    if redirect and not result.error:
        name = jcr.split_path(result.path)[1]
        target = redirect.replace("*", name)
        if target.endswith("/"):
            target += name
        if "://" not in target or re.match(r"https?://%s(/|$)" % re.escape(request.header("host") or request.host),
                                           target):
            return Response(302, b"", "text/html;charset=utf-8", [("Location", target)])
    browser_status = (form.text(":status") or "") == "browser"
    if status == 201 or 300 <= status < 400:
        headers.append(("Location", result.path))
    http_status = 200 if browser_status else status
    if prefers_json(request, form):
        strings = app.version.post_json_strings
        obj: Dict[str, Any] = {
            "changes": [{"type": t, "argument": a} for t, a in changes],
            "path": result.path, "location": result.path, "parentLocation": parent,
            "referer": referer,
            "isCreate": ("true" if result.is_create else "false") if strings else result.is_create,
            "status.code": str(status) if strings else status,
            "status.message": message,
        }
        if title:
            obj["title"] = title
        if result.error:
            obj["error"] = {"class": result.error.exc_class, "message": result.error.message}
        return Response.json(http_status, obj, headers)
    esc = html.escape
    log_html = "".join("%s(%s);<br/>" % (t, ", ".join('"%s"' % esc(x) for x in (a if isinstance(a, list) else [a])))
                       for t, a in changes)
    ref_cell = ('<a href="%s" id="Referer">%s</a>' % (esc(referer), esc(referer))
                if referer.startswith(("http://", "https://")) else '<div id="Referer">%s</div>' % esc(referer))
    go_back = '<p><a href="%s">Go Back</a></p>' % esc(referer) if referer.startswith(("http://", "https://")) else ""
    t = esc(title or message)
    page = (
        "<html><head><title>%s</title></head><body><h1>%s</h1><table><tbody>"
        '<tr><td>Status</td><td><div id="Status">%d</div></td></tr>'
        '<tr><td>Message</td><td><div id="Message">%s</div></td></tr>'
        '<tr><td>Location</td><td><a href="%s" id="Location">%s</a></td></tr>'
        '<tr><td>Parent Location</td><td><a href="%s" id="ParentLocation">%s</a></td></tr>'
        '<tr><td>Path</td><td><div id="Path">%s</div></td></tr>'
        "<tr><td>Referer</td><td>%s</td></tr>"
        '<tr><td>ChangeLog</td><td><div id="ChangeLog"><pre>%s</pre></div></td></tr>'
        "</tbody></table>%s</body></html>"
    ) % (t, t, status, esc(message), esc(result.path), esc(result.path), esc(parent), esc(parent),
         esc(result.path), ref_cell, log_html, go_back)
    return Response.html(http_status, page, headers)


def handle(app: "AuthorApp", request: Request) -> Response:
    form = app.form(request)
    op = form.text(":operation") or ""
    user = getattr(request, "user", "admin")
    raw = request.path
    star = raw.endswith("/*") or (raw.endswith("/") and len(raw) > 1)
    with app.repo.lock:
        if star and not op:
            parent = raw[:-2] if raw.endswith("/*") else raw.rstrip("/")
            parent = jcr.normalize(resolve(app, parent).path)
            name = generated_name(form)
            base, i = name, 0
            while app.repo.exists(jcr.join(parent, name)):
                i += 1
                name = "%s_%d" % (base, i)
            res = resolve(app, jcr.join(parent, name))
        else:
            res = resolve(app, raw)
        item_path = res.path + (res.suffix if res.exists and res.suffix else "")
        result = PostResult(item_path)
        try:
            if op in ("", "modify"):
                result = op_modify(app, request, form, item_path, user)
            elif op == "delete":
                result = op_delete(app, request, form, res)
            elif op in ("move", "copy"):
                result = op_move_copy(app, request, form, res, op == "move")
            elif op == "import":
                result = op_import(app, request, form, res, user)
            elif op == "nop":
                code = form.text(":nopstatus")
                if code and code.isdigit() and 100 <= int(code) <= 999:
                    result.status = int(code)
                result.title = "Content modified %s" % item_path
            elif op in ("checkin", "checkout"):
                if not res.exists:
                    raise PostError(404, "Missing source %s" % res.path)
                result.title = "Content modified %s" % item_path
                result.change(op, res.path)
            else:
                raise PostError(500, "Invalid operation specified for POST request",
                                "org.apache.sling.api.SlingException")
        except PostError as e:
            result.error = e
        except KeyError as e:
            result.error = PostError(500, "javax.jcr.PathNotFoundException: %s" % e, "javax.jcr.PathNotFoundException")
    if result.error is None:
        writes = [c for c in result.changes if c[0] in ("created", "modified", "deleted", "moved", "copied")]
        if writes:
            app.write()
        flat = [(t, a[1] if isinstance(a, list) else a) for t, a in result.changes]
        app.run_post_hooks(request, flat)
    return respond(app, request, form, result)
