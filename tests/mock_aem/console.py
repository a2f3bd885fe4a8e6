"""Felix web console and friends (§8 crypto, §9): product info, bundles, configMgr, crypto,
querybuilder, package manager readiness probes."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple
from urllib.parse import unquote

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import inferred, jcr
from .http_types import Request, Response

if TYPE_CHECKING:
    from .aem import AuthorApp

CONSOLE = "/system/console"
TEMP_PID = "[Temporary PID replaced by real PID upon save]"
PASSWORD_PLACEHOLDER = "unmodified"
RESERVED = ("action", "apply", "delete", "propertylist")
AUTOGEN_DESC = ("This form is automatically generated from existing properties because no property "
                "descriptors are available for this configuration. This may be cause by the absence "
                "of the OSGi Metatype Service or the absence of a MetaType descriptor for this configuration.")


# ------------------------------------------------------------------ crypto (§8)

class Crypto:
    """``{hex}`` protected values (format VERIFIED; the cipher is mock-only AES-GCM)."""

    def __init__(self, key: Optional[bytes] = None) -> None:
        self.key = key or AESGCM.generate_key(bit_length=128)

    def protect(self, text: str) -> str:
        iv = os.urandom(16)
        ct = AESGCM(self.key).encrypt(iv, text.encode("utf-8"), None)
        return "{%s}" % (iv + ct).hex()

    def unprotect(self, value: str) -> str:
        raw = bytes.fromhex(value.strip()[1:-1])
        return AESGCM(self.key).decrypt(raw[:16], raw[16:], None).decode("utf-8")

    @staticmethod
    def is_protected(value: str) -> bool:
        return bool(re.fullmatch(r"\{[0-9a-fA-F]{64,}\}", value or ""))


# ------------------------------------------------------------------ OSGi configurations

def metatype(pid_or_fpid: Optional[str]) -> Optional[Dict[str, Any]]:
    if not pid_or_fpid:
        return None
    return inferred.value("aem.metatypes").get(pid_or_fpid) or inferred.value("aem.singleton_pids").get(pid_or_fpid)


def convert_type(t: Any, raw: str) -> Any:
    if isinstance(t, dict):
        return raw
    try:
        if t in (2, 3):
            return int(raw)
        if t in (4, 7):
            return float(raw)
        if t == 11:
            return raw.strip().lower() == "true"
    except ValueError:
        return raw
    return raw


def config_file_text(props: Dict[str, Any]) -> str:
    """Apache Felix ``.config`` format."""
    def one(v: Any) -> str:
        s = json.dumps(v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v))
        return s

    def prefix(v: Any) -> str:
        if isinstance(v, bool):
            return "B"
        if isinstance(v, int):
            return "L"
        if isinstance(v, float):
            return "D"
        return ""

    lines = []
    for k, v in props.items():
        if isinstance(v, list):
            p = prefix(v[0]) if v else ""
            lines.append("%s=%s[%s]" % (k, p, ",".join(one(x) for x in v)))
        else:
            lines.append("%s=%s%s" % (k, prefix(v), one(v)))
    return "\n".join(lines) + "\n"


class ConfigAdmin:
    """OSGi Configuration Admin of one instance. Configurations are dicts of plain values
    (``str``, ``int``, ``float``, ``bool`` or lists). Every change is mirrored as an ``nt:file``
    ``.config`` under ``/apps/system/config`` (§7.2)."""

    def __init__(self, app: "AuthorApp") -> None:
        self.app = app
        self._lock = threading.RLock()
        self.configs: Dict[str, Dict[str, Any]] = {}

    def clear(self) -> None:
        with self._lock:
            self.configs = {}

    def to_dict(self) -> Dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps(self.configs))

    def from_dict(self, d: Dict[str, Any]) -> None:
        with self._lock:
            self.configs = dict(d)

    def list(self) -> List[str]:
        with self._lock:
            return list(self.configs)

    def get(self, pid: str) -> Optional[Dict[str, Any]]:
        """``{"pid", "factoryPid", "properties", "bundle_location"}`` or None."""
        with self._lock:
            c = self.configs.get(pid)
            return json.loads(json.dumps(c)) if c else None

    def factory_instances(self, fpid: str) -> List[str]:
        with self._lock:
            return [p for p, c in self.configs.items() if c.get("factoryPid") == fpid]

    def put(self, pid: str, props: Dict[str, Any], factory_pid: Optional[str] = None,
            bundle_location: Optional[str] = None) -> None:
        with self._lock:
            old = self.configs.get(pid, {})
            self.configs[pid] = {
                "pid": pid,
                "factoryPid": factory_pid if factory_pid is not None else old.get("factoryPid"),
                "properties": dict(props),
                "bundle_location": bundle_location if bundle_location is not None else old.get("bundle_location"),
            }
            self._mirror(pid)

    def create_factory(self, fpid: str, props: Dict[str, Any]) -> str:
        pid = "%s.%s" % (fpid, uuid.uuid4() if inferred.value("aem.factory_pid_uuid") else uuid.uuid4().hex)
        self.put(pid, props, factory_pid=fpid)
        return pid

    def delete(self, pid: str) -> bool:
        with self._lock:
            c = self.configs.pop(pid, None)
            if c is None:
                return False
            self.app.repo.remove(self._file_path(pid, c.get("factoryPid")))
            return True

    @staticmethod
    def _file_path(pid: str, fpid: Optional[str]) -> str:
        name = pid
        if fpid and pid.startswith(fpid + "."):
            name = fpid + "-" + pid[len(fpid) + 1:]
        return "/apps/system/config/%s.config" % name

    def _mirror(self, pid: str) -> None:
        c = self.configs[pid]
        repo = self.app.repo
        path = self._file_path(pid, c.get("factoryPid"))
        with repo.lock:
            repo.ensure("/apps/system/config", "sling:Folder")
            if repo.exists(path):
                repo.remove(path)
            repo.create(path, "nt:file")
            repo.create(path + "/jcr:content", "nt:resource")
            repo.set_property(path + "/jcr:content", "jcr:data", config_file_text(c["properties"]).encode(), "Binary")
            repo.set_property(path + "/jcr:content", "jcr:mimeType", "text/plain")
            repo.set_property(path + "/jcr:content", "jcr:lastModified", jcr.now(), "Date")

    # -- the console's JSON view of one configuration (§9.1)
    def describe(self, pid: str) -> Dict[str, Any]:
        c = self.get(pid)
        fpid = c.get("factoryPid") if c else None
        mt = metatype(fpid or pid)
        obj: Dict[str, Any] = {"pid": pid}
        if fpid:
            obj["factoryPid"] = fpid
        values = c["properties"] if c else {}
        props: Dict[str, Any] = {}
        if mt:
            obj["title"] = mt["title"]
            obj["description"] = mt.get("description", "")
            for (pid_, label, t, default, desc, card) in mt["properties"]:
                if (pid_ in inferred.value("aem.oauth_only_provider_properties")
                        and not self.app.version.oauth_client_credentials):
                    continue
                is_set = pid_ in values
                v = values.get(pid_, default)
                entry: Dict[str, Any] = {"name": label, "optional": False, "is_set": is_set, "type": t}
                if t == 12:
                    v = PASSWORD_PLACEHOLDER if (is_set or v) else ""
                if card:
                    entry["values"] = v if isinstance(v, list) else ([] if v in (None, "") else [v])
                else:
                    entry["value"] = v[0] if isinstance(v, list) and v else ("" if isinstance(v, list) else v)
                entry["description"] = "%s (%s)" % (desc, pid_)
                props[pid_] = entry
            for k, v in values.items():  # properties outside the metatype
                if k not in props:
                    props[k] = _generic_entry(k, v)
        else:
            obj["title"] = pid
            obj["description"] = AUTOGEN_DESC
            for k, v in values.items():
                props[k] = _generic_entry(k, v)
        obj["properties"] = props
        bundle = (mt or {}).get("bundle", "")
        obj["bundleLocation"] = bundle
        obj["bundle_location"] = (c or {}).get("bundle_location")
        obj["service_location"] = bundle
        return obj

    def apply(self, pid: str, form: Any) -> Tuple[str, bool]:
        """Felix ConfigAdminSupport.applyConfiguration. Returns (pid, created)."""
        fpid = form.text("factoryPid")
        created = False
        with self._lock:
            if pid == TEMP_PID or (fpid and pid == fpid) or (fpid and pid not in self.configs):
                if not fpid:
                    raise ValueError("factoryPid missing for a new factory configuration")
                pid = "%s.%s" % (fpid, uuid.uuid4())
                created = True
            existing = self.configs.get(pid)
            if existing is None:
                created = True
            if existing is not None:
                fpid = existing.get("factoryPid")
            old = dict(existing["properties"]) if existing else {}
            mt = metatype(fpid or pid)
            ads = {p[0]: p for p in mt["properties"]} if mt else {}
            names = [n.strip() for n in (form.text("propertylist") or "").split(",") if n.strip()]
            new: Dict[str, Any] = {}
            for name in names:
                field = "$" + name if name in RESERVED else name
                raw = [v if isinstance(v, str) else v.text() for v in form.getall(field)]
                ad = ads.get(name)
                if ad is None:
                    if raw:
                        new[name] = raw[0] if len(raw) == 1 else raw
                    continue
                _unused, _unused, t, _unused, _unused, card = ad
                if card:
                    vals = [convert_type(t, r) for r in raw if r != ""]
                    new[name] = vals
                else:
                    if not raw:
                        continue
                    if t == 12 and raw[0] == PASSWORD_PLACEHOLDER:
                        if name in old:
                            new[name] = old[name]
                        continue
                    new[name] = convert_type(t, raw[0])
            loc = form.text("$location")
            self.put(pid, new, factory_pid=fpid, bundle_location=loc)
        return pid, created


def _generic_entry(k: str, v: Any) -> Dict[str, Any]:
    t = 11 if isinstance(v, bool) else 2 if isinstance(v, int) else 1
    e: Dict[str, Any] = {"name": k, "optional": False, "is_set": True, "type": t}
    if isinstance(v, list):
        e["values"] = v
    else:
        e["value"] = v
    e["description"] = k
    return e


def seed_configs(app: "AuthorApp") -> None:
    for pid, mt in inferred.value("aem.singleton_pids").items():
        props = {p[0]: p[3] for p in mt["properties"]}
        if pid == "org.apache.sling.servlets.get.DefaultGetServlet":
            props["json.maximumresults"] = app.json_max_results
        app.configs.put(pid, props)


def config_data(app: "AuthorApp") -> Dict[str, Any]:
    pids = []
    seen = set()
    for pid in app.configs.list():
        c = app.configs.get(pid) or {}
        fpid = c.get("factoryPid")
        mt = metatype(fpid or pid) or {}
        entry = {"id": pid, "name": mt.get("title", pid), "has_config": True}
        if fpid:
            entry["fpid"] = fpid
        entry["bundle"] = 1
        entry["bundle_name"] = mt.get("bundle", "")
        pids.append(entry)
        seen.add(pid)
    for pid, mt in inferred.value("aem.singleton_pids").items():
        if pid not in seen:
            pids.append({"id": pid, "name": mt["title"], "has_config": False, "bundle": 1, "bundle_name": mt["bundle"]})
    fpids = [{"id": f, "name": mt["title"]} for f, mt in inferred.value("aem.metatypes").items()]
    return {"status": True, "pids": pids, "fpids": fpids}


def config_mgr(app: "AuthorApp", request: Request, rest: str) -> Response:
    from .aem import error_page

    if rest in ("", "/"):
        if request.method not in ("GET", "HEAD"):
            return error_page(405, "Method not allowed", request.path)
        data = json.dumps(config_data(app))
        page = ("<!DOCTYPE html><html><head><title>Adobe Experience Manager Web Console - Configuration"
                "</title></head><body><script type=\"text/javascript\">\n// <![CDATA[\nvar configData = %s;\n"
                "// ]]>\n</script><div id=\"content\"><table id=\"configTable\"></table></div></body></html>" % data)
        return Response.html(200, page)
    pid = unquote(rest.lstrip("/"))
    as_json = False
    if pid.endswith(".json"):
        pid, as_json = pid[:-5], True
    if re.search(r"[&<>\"']", pid):
        return error_page(500, "Invalid PID %s" % pid, request.path)
    form = app.form(request)
    if request.method in ("GET", "HEAD"):
        if as_json:
            return Response.json(200, [app.configs.describe(pid)] if app.configs.get(pid) else [])
        if (form.text("post") or "") == "true":
            return Response.json(200, app.configs.describe(pid))
        return config_mgr(app, request, "")
    if request.method != "POST":
        return error_page(405, "Method not allowed", request.path)
    if form.get("apply") is None:
        if form.get("unbind") is not None:
            return Response.json(200, {"status": True})
        return Response.json(200, app.configs.describe(pid))
    if form.get("delete") is not None:
        app.configs.delete(pid)
        app.write()
        return Response.json(200, {"status": True})
    try:
        new_pid, _unused = app.configs.apply(pid, form)
    except ValueError as e:
        return error_page(500, str(e), request.path)
    app.write()
    return Response(302, inferred.value("aem.configmgr_redirect_body"), "text/html;charset=utf-8",
                    [("Location", "%s/configMgr/%s" % (CONSOLE, new_pid))])


# ------------------------------------------------------------------ bundles (§9.2)

_CORE_BUNDLES = [
    ("org.apache.felix.framework", "System Bundle"),
    ("org.apache.sling.servlets.post", "Apache Sling Servlets POST"),
    ("org.apache.sling.servlets.get", "Apache Sling Servlets GET"),
    ("org.apache.sling.engine", "Apache Sling Engine Implementation"),
    ("com.adobe.granite.csrf", "Adobe Granite CSRF"),
    ("com.adobe.granite.auth.oauth", "Adobe Granite Auth OAuth"),
    ("com.adobe.granite.auth.ims", "Adobe Granite IMS Authentication"),
    ("com.day.cq.cq-replication", "Day Communique 5 Replication"),
    ("com.adobe.cq.dam.cq-dam-mac-sync", "Adobe CQ DAM MAC Sync"),
]


def bundle_list(app: "AuthorApp") -> List[Dict[str, Any]]:
    v = app.version
    count = inferred.value("aem.version_profile")["bundle_count"][v.line]
    versions = dict(inferred.value("aem.version_profile")["bundle_versions"][v.line])
    versions["org.apache.sling.servlets.post"] = v.sling_post_version
    ready = app.is_ready()
    out = []
    for i in range(count):
        if i < len(_CORE_BUNDLES):
            sym, name = _CORE_BUNDLES[i]
            if i == 0:
                sym = "org.apache.felix.framework"
        else:
            sym, name = "com.adobe.mock.bundle%03d" % i, "Mock Bundle %d" % i
        frag = 20 <= i < 30
        state, raw = ("Fragment", 4) if frag else ("Active", 32)
        if not ready and i >= count - inferred.value("aem.starting_bundles") - inferred.value("aem.resolved_bundles"):
            if i >= count - inferred.value("aem.resolved_bundles"):
                state, raw = "Resolved", 4
            else:
                state, raw = "Starting", 8
        override = app.plugin_state.get("_bundle_states", {}).get(sym)
        if override:
            state, raw = override
        out.append({"id": i, "name": name, "fragment": frag, "stateRaw": raw, "state": state,
                    "version": versions.get(sym, "1.0.%d" % i) if i else "6.0.%d" % v.minor,
                    "symbolicName": sym, "category": "adobe,sling" if i < len(_CORE_BUNDLES) else "mock"})
    return out


def bundles_json(bundles: List[Dict[str, Any]]) -> Dict[str, Any]:
    total = len(bundles)
    active = sum(1 for b in bundles if b["state"] == "Active")
    frags = sum(1 for b in bundles if b["state"] == "Fragment")
    resolved = sum(1 for b in bundles if b["state"] == "Resolved")
    installed = sum(1 for b in bundles if b["state"] == "Installed")
    if active + frags == total:
        status = "Bundle information: %d bundles in total - all %d bundles active." % (total, total)
    else:
        status = "Bundle information: %d bundles in total, %d bundles active, %d active fragments" % (
            total, active, frags)
        if resolved:
            status += ", %d bundles resolved" % resolved
        if installed:
            status += ", %d bundles installed" % installed
        status += "."
    return {"status": status, "s": [total, active, frags, resolved, installed], "data": bundles}


def bundles(app: "AuthorApp", request: Request, rest: str) -> Response:
    from .aem import error_page

    bl = bundle_list(app)
    if rest == ".json":
        return Response.json(200, bundles_json(bl))
    name = unquote(rest.lstrip("/"))
    as_json = name.endswith(".json")
    if as_json:
        name = name[:-5]
    match = [b for b in bl if b["symbolicName"] == name or str(b["id"]) == name]
    if not match:
        return error_page(404, "Bundle %s not found" % name, request.path)
    b = dict(match[0])
    if request.method == "POST":
        action = app.form(request).text("action") or ""
        states = app.plugin_state.setdefault("_bundle_states", {})
        if action == "stop":
            states[b["symbolicName"]] = ("Resolved", 4)
        elif action == "start":
            states.pop(b["symbolicName"], None)
        else:
            return error_page(400, "Unknown action %s" % action, request.path)
        app.write()
        b = [x for x in bundle_list(app) if x["id"] == b["id"]][0]
        return Response.json(200, {"fragment": b["fragment"], "stateRaw": b["stateRaw"]})
    if not as_json:
        return error_page(404, "Not found", request.path)
    b["props"] = [{"key": "Symbolic Name", "value": b["symbolicName"]}, {"key": "Version", "value": b["version"]},
                  {"key": "Bundle Location", "value": "launchpad:resources/install/%s.jar" % b["symbolicName"]}]
    j = bundles_json(bl)
    j["data"] = [b]
    return Response.json(200, j)


# ------------------------------------------------------------------ querybuilder (§7.3)

def querybuilder(app: "AuthorApp", request: Request) -> Response:
    q = {k: v[-1] for k, v in request.query.items()}
    root = q.get("path", "/")
    limit = int(q.get("p.limit", "10") or 10)
    preds: List[Tuple[str, Optional[str]]] = []
    for k, v in q.items():
        m = re.fullmatch(r"(?:\d+_)?property", k)
        if m:
            preds.append((v, q.get(k + ".value")))
    ntype = q.get("type")
    hits = []
    with app.repo.lock:
        for path, node in app.repo.walk(root):
            if ntype and node.primary_type != ntype:
                continue
            ok = True
            for name, val in preds:
                p = node.props.get(name)
                if p is None or (val is not None and val not in [str(x) for x in p.values()]):
                    ok = False
                    break
            if ok and (preds or ntype):
                hits.append({"path": path, "excerpt": "", "name": node.name,
                             "title": node.get("jcr:title", node.name), "lastModified": "", "created": ""})
    total = len(hits)
    shown = hits if limit < 0 else hits[:limit]
    return Response.json(200, {"success": True, "results": len(shown), "total": total,
                               "more": len(shown) < total, "offset": 0, "hits": shown})


# ------------------------------------------------------------------ router

def handle(app: "AuthorApp", request: Request) -> Optional[Response]:
    from .aem import error_page

    p = request.path
    m = request.method
    if p == "/crx/packmgr/service/script.html":
        return error_page(405, "Method %s not supported" % m, p)
    if p == "/crx/packmgr/installstatus.jsp":
        return Response.json(200, {"status": {"finished": True, "itemCount": 0}})
    if p == "/bin/querybuilder.json":
        return querybuilder(app, request)
    if not p.startswith(CONSOLE):
        return None
    rest = p[len(CONSOLE):]
    if rest == "/status-productinfo.json":
        lines = inferred.value("aem.product_info_lines")
        return Response.json(200, [line.format(version=app.version.full) for line in lines])
    if rest == "/status-productinfo.txt":
        return Response.text(200, "\n".join(line.format(version=app.version.full)
                                            for line in inferred.value("aem.product_info_lines")))
    if rest == "/bundles.json" or rest.startswith("/bundles/"):
        return bundles(app, request, rest[len("/bundles"):])
    if rest == "/configMgr" or rest.startswith("/configMgr/"):
        return config_mgr(app, request, rest[len("/configMgr"):])
    if rest == "/crypto/.json" or rest == "/crypto.json":
        if m != "POST":
            return error_page(405, "Method %s not supported" % m, p)
        datum = app.form(request).text("datum")
        if datum is None:
            return error_page(inferred.value("aem.crypto_missing_datum_status"), "Missing datum", p)
        return Response.json(200, {"protected": app.crypto.protect(datum)})
    return None
