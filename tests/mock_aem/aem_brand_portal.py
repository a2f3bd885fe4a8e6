"""AEM-side Brand Portal model of the mock author: cloud services, IMS configurations, the four
``mp_replication*`` agents, the MAC user and a real Test Connection round trip.

Installed into an :class:`tests.mock_aem.aem.AuthorApp` through its extension points by
:func:`install_brand_portal` (``install`` is the same function under the name the plugin loader of
``aem.py`` calls). References: ``aem-http-api.md`` §5.3, §6, §7 and ``adobe-ims.md``; guesses are
``aem.bp.*`` entries of :data:`tests.mock_aem.inferred.INFERRED`.

Models (which one a cloud service uses is decided by its properties, so seeds and upgrades mix):

* **6.3/6.4 Adobe I/O model**: page ``/etc/cloudservices/mediaportal/<name>`` whose ``jcr:content``
  holds ``tenantURL`` (VERIFIED), ``authServerUrl``, ``apiKey``, ``techAccountId``, ``orgId``,
  ``clientSecret`` (INFERRED names), written with ordinary Sling POSTs as the classic dialog does.
  Saving it with a ``tenantURL`` creates the MAC user, a key pair in the MAC user's keystore and the
  four agents; ``GET /etc/cloudservices/mediaportal/<name>.crt`` downloads ``AEM-Adobe-IMS.crt``.
  Test Connection signs a JWT with that key and exchanges it at ``<authServerUrl>/ims/exchange/jwt``.
* **IMS configuration model** (6.3.3.8+, 6.4.8+, 6.5.4+; ``app.version.ims_configuration``):

  - ``POST <ims base>/certificate`` ``alias=<a>`` → key pair in the keystore of
    ``brandportal-imsconfig-service`` (keystore created if missing), answers the PEM certificate as
    ``AEM-Adobe-IMS.crt``; ``GET <ims base>/certificate?alias=<a>`` downloads it again.
  - ``POST <ims base>/update`` (§7.1 parameters ``cloudServiceName``, ``keypairAlias``,
    ``newKeypairAlias``, ``title``, ``authServerUrl``, ``apiKey``, ``clientSecret``, ``jwtClaims``;
    INFERRED ``authType=jwt|oauth``, ``orgId``, ``scope``, ``configurationId``) → creates/updates the
    token-provider factory configuration (``com.adobe.granite.auth.oauth.accesstoken.provider``) and
    its client-secret customizer (``...IMSAccessTokenRequestCustomizerImpl``); answers 200 with the
    accessTokenConfigId (text) to use as ``imsConfig``. ``authType=oauth`` needs
    ``app.version.oauth_client_credentials`` (adobe-ims.md §4.6: native from 6.5.21.0, on
    6.5.11.0-6.5.20.x with the compatibility hotfix, ``--ims-oauth-hotfix``), else 400; Test
    Connection uses the client_credentials grant only there too.
  - ``POST <ims base>/delete`` ``configurationIds=<PID>`` (repeatable) deletes both configurations.
  - ``GET <ims base>/health?configurationId=<PID|id>`` → ``{"ok", "message"}`` ("Token is retrieved
    successfully" on success), a real token request.
  - ``POST /apps/brandportal/config`` (§6.3: ``item``, ``name``, ``tenantURL``, ``pubFolder``,
    ``oauthScopes``, ``imsConfig``) → ``/conf/global/settings/cloudconfigs/mediaportal/<name>``,
    the four agents and the MAC user; 200 JSON ``{"path", "tenantURL", "agents", "macUser"}``.

  The configurations are ordinary configMgr configurations, so a client may also write them
  through ``/system/console/configMgr``: Test Connection reads whatever is stored.
* **Legacy (pre-2020 OAuth Gateway)**: ``POST /__mock__/brand-portal/legacy`` (JSON ``{"tenant":
  "acme", "name": "brand-portal", "tenant_url": ..., "client_id": ...}``, all optional but
  ``tenant``) seeds ``/etc/cloudservices/mediaportal/<name>`` with ``tenantURL`` + ``clientId``, the
  four agents and the MAC user with its key, as an old installation has them. Its Test Connection
  fails (the mock has no legacy gateway): it must be upgraded.

Saving any cloud service with a ``tenantURL`` (servlet or Sling POST under either root) ensures the
four agents ``mp_replication*`` under ``/etc/replication/agents.author`` with ``transportUri`` =
``<tenantURL>/bin/receive?sling:authRequestLogin=1`` and the MAC user
``/home/users/mac/mac-<tenant>-replication``.

Test Connection (``<agent>.test.html``) of an agent whose ``transportUri`` starts with a cloud
service's ``tenantURL + "/"`` (the ACS rule, §6.2): checks ``enabled``, obtains an IMS token over HTTP
(JWT signed with the private key, or client_credentials where the version and configuration allow),
then POSTs the test package with ``Authorization: Bearer`` and ``Action: Test`` to the tenant. Hosts
``*.adobelogin.com`` go to ``ims_url`` and ``*.brand-portal.adobe.com`` to ``bp_url`` (the original
host is kept in the ``Host`` header); other Adobe hosts fail as unknown hosts (no DNS look-up).
Every failure is logged with the reason (IMS error body, tenant answer, disabled agent...).
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit, urlunsplit

import jwt

from . import replication
from .aem import UnknownHost
from .brand_portal import BP_HOST_SUFFIX, BP_LOCAL_TENANT_PREFIX, BP_RECEIVE_PATH, BP_RECEIVE_QUERY
from .http_types import Request, Response
from .inferred import value as inferred_value

if TYPE_CHECKING:
    from .aem import AuthorApp

# ------------------------------------------------------------------ VERIFIED (aem-http-api.md)
LEGACY_ROOT = "/etc/cloudservices/mediaportal"  # §6.2
CONF_ROOT = "/conf/global/settings/cloudconfigs/mediaportal"  # §6.3
CLOUD_ROOTS = (LEGACY_ROOT, CONF_ROOT)
CLOUDSERVICE_SERVLET = "/apps/brandportal/config"  # §6.3
CLOUDSERVICE_RESOURCE_TYPE = "dam/components/mediaportal/config"  # §6.3
AGENTS_ROOT = "/etc/replication/agents.author"  # §6.4
AGENT_PREFIX = "mp_replication"  # §6.4
IMS_SERVICE_USER = "brandportal-imsconfig-service"  # §7.3
PROVIDER_FPID = "com.adobe.granite.auth.oauth.accesstoken.provider"  # §7.2
CUSTOMIZER_FPID = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"  # §7.2
CERT_FILE_NAME = "AEM-Adobe-IMS.crt"  # §7.1, 6.3 seed
BP_METASCOPE = "ent_brand_portal_sdk"  # adobe-ims.md §2
HEALTH_OK = "Token is retrieved successfully"  # §7.1
DEFAULT_IMS = "https://ims-na1.adobelogin.com"  # adobe-ims.md §6

# ------------------------------------------------------------------ INFERRED (aem.bp.* in inferred.py)
AGENT_NAMES: Tuple[str, ...] = inferred_value("aem.bp.agent_names")
IMS_SERVLET_BASE: str = inferred_value("aem.bp.ims_servlet_base")
LEGACY_SEED_PATH: str = inferred_value("aem.bp.legacy_seed_path")
ADOBE_HOST_SUFFIXES = (".adobe.com", ".adobe.io", ".adobelogin.com", ".adobelogin.net")

_SECRET_RX = re.compile(r"^\{[0-9a-fA-F]{32,}\}$")
_CLAIM_RX = re.compile(r'^\s*"?(?P<key>.+?)"?\s*:\s*(?P<val>"(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)\s*$')


def _first(v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if v else None
    return v


def parse_claim(entry: str) -> Optional[Tuple[str, Any]]:
    """``aud:"https://..."`` → ("aud", "https://..."); ``https://h/s/x:true`` → (key, True)."""
    m = _CLAIM_RX.match(entry or "")
    if not m:
        return None
    return m.group("key").strip(), json.loads(m.group("val"))


def format_claim(key: str, value: Any) -> str:
    return "%s:%s" % (key, json.dumps(value))


def tenant_id(tenant_url: str) -> Optional[str]:
    """``https://acme.brand-portal.adobe.com`` → ``acme``; mock ``.../__tenant__/acme`` → ``acme``."""
    u = urlsplit(tenant_url or "")
    if not u.scheme or not u.hostname:
        return None
    path = u.path or ""
    if path.startswith(BP_LOCAL_TENANT_PREFIX):
        t = path[len(BP_LOCAL_TENANT_PREFIX):].split("/")[0]
        return t.lower() or None
    return u.hostname.split(".")[0].lower()


def mac_user_id(tenant: str) -> str:
    return inferred_value("aem.bp.mac_user_id").format(tenant=tenant)


def mac_user_path(tenant: str) -> str:
    return "%s/%s" % (inferred_value("aem.bp.mac_user_parent"), mac_user_id(tenant))


def node_name_from_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-") or "brand-portal"


def _html_or_text(status: int, text: str) -> Response:
    return Response.text(status, text + "\n")


class BrandPortalPlugin:
    """State-less helper bound to one author app (all state is in the app's repository/configs)."""

    def __init__(self, app: "AuthorApp", ims_url: Optional[str], bp_url: Optional[str]) -> None:
        self.app = app
        self.ims_url = ims_url.rstrip("/") if ims_url else None
        self.bp_url = bp_url.rstrip("/") if bp_url else None

    # -------------------------------------------------------------- outbound routing
    def route(self, url: str) -> Optional[Tuple[str, Dict[str, str]]]:
        """The app's outbound route: a real Adobe URL → mock URL + Host header; None for other
        hosts; UnknownHost for Adobe hosts the mock does not serve (or serves but is not running)."""
        u = urlsplit(url)
        host = (u.hostname or "").lower()
        target = None
        if host.endswith(".adobelogin.com"):
            target = self.ims_url
        elif host.endswith(BP_HOST_SUFFIX):
            target = self.bp_url
        elif not host.endswith(ADOBE_HOST_SUFFIXES):
            return None
        if not target:
            raise UnknownHost(host)
        t = urlsplit(target)
        new = urlunsplit((t.scheme, t.netloc, (t.path.rstrip("/") + (u.path or "/")), u.query, ""))
        return new, {"Host": u.netloc}

    def http(self, method: str, url: str, headers: Dict[str, str], body: bytes,
             timeout: float = 10.0) -> Tuple[int, Dict[str, str], bytes]:
        return self.app.http_request(method, url, headers, body, timeout)  # routed by self.route

    # -------------------------------------------------------------- repository helpers
    def cloud_services(self) -> List[Dict[str, Any]]:
        repo = self.app.repo
        out = []
        with repo.lock:
            for root in CLOUD_ROOTS:
                if not repo.exists(root):
                    continue
                for child in repo.children(root):
                    path = "%s/%s" % (root, child.name)
                    content = path + "/jcr:content"
                    node = repo.get(content)
                    if node is None:
                        continue
                    props = {k: _first(p.value) if not p.multiple else list(p.value) for k, p in node.props.items()}
                    out.append({"path": path, "root": root, "name": child.name, "props": props})
        return out

    def cloud_service_for_uri(self, uri: str) -> Optional[Dict[str, Any]]:
        for cs in self.cloud_services():
            t = cs["props"].get("tenantURL")
            if isinstance(t, str) and t and uri.startswith(t.rstrip("/") + "/"):
                return cs
        return None

    def ensure_service_user_keystore(self, user_path: str) -> None:
        ks = self.app.keystores
        if not ks.exists(user_path):
            ks.create(user_path, secrets.token_urlsafe(16))

    def ensure_mac_user(self, tenant: str, with_key: bool) -> str:
        repo = self.app.repo
        path = mac_user_path(tenant)
        with repo.lock:
            parent = inferred_value("aem.bp.mac_user_parent")
            repo.ensure(parent, "rep:AuthorizableFolder", intermediate_type="rep:AuthorizableFolder")
            if not repo.exists(path):
                repo.create(path, "rep:User")
                repo.set_property(path, "rep:authorizableId", mac_user_id(tenant))
                repo.set_property(path, "rep:principalName", mac_user_id(tenant))
        if with_key:
            alias = inferred_value("aem.bp.mac_key_alias")
            self.ensure_service_user_keystore(path)
            if self.app.keystores.certificate_pem(path, alias) is None:
                self.app.keystores.generate_key_pair(path, alias, cn="AEM-Adobe-IMS")
        return path

    def ensure_agents(self, tenant_url: str, tenant: str) -> List[str]:
        repo = self.app.repo
        uri = tenant_url.rstrip("/") + BP_RECEIVE_PATH + "?" + BP_RECEIVE_QUERY
        user = mac_user_id(tenant)
        paths = []
        for n, name in enumerate(AGENT_NAMES):
            path = "%s/%s" % (AGENTS_ROOT, name)
            if repo.exists(path + "/jcr:content"):
                repo.set_property(path + "/jcr:content", "transportUri", uri)
                repo.set_property(path + "/jcr:content", "userId", user)
            else:
                props = dict(inferred_value("aem.bp.agent_props"))
                props.update({
                    "jcr:title": inferred_value("aem.bp.agent_title").format(tenant=tenant, n=n + 1),
                    "jcr:description": "Replicates assets to the Brand Portal tenant %s" % tenant_url,
                    "transportUri": uri,
                    "userId": user,
                })
                replication.create_agent(self.app, "author", name, props)
            paths.append(path)
        return paths

    def sync_cloud_service(self, config_path: str) -> Optional[Dict[str, Any]]:
        """What saving a cloud service does: MAC user (+ key in the 6.3 model) and the four agents."""
        repo = self.app.repo
        content = config_path + "/jcr:content"
        tenant_url = _first(repo.value(content, "tenantURL"))
        if not isinstance(tenant_url, str) or not tenant_url.strip():
            return None
        tenant = tenant_id(tenant_url.strip())
        if tenant is None:
            return None
        # the classic (/etc/cloudservices) models keep the key pair in the MAC user's keystore
        mac = self.ensure_mac_user(tenant, with_key=config_path.startswith(LEGACY_ROOT + "/"))
        agents = self.ensure_agents(tenant_url.strip(), tenant)
        return {"path": config_path, "tenantURL": tenant_url.strip(), "agents": agents, "macUser": mac}

    # -------------------------------------------------------------- IMS configurations
    def providers(self) -> List[Tuple[str, Dict[str, Any]]]:
        out = []
        for pid in self.app.configs.factory_instances(PROVIDER_FPID):
            c = self.app.configs.get(pid)
            if c:
                out.append((pid, c["properties"]))
        return out

    def find_provider(self, ident: str) -> Optional[Tuple[str, Dict[str, Any]]]:
        for pid, props in self.providers():
            if ident in (pid, _first(props.get("name")), pid.rsplit(".", 1)[-1]):
                return pid, props
        return None

    def customizer_for(self, provider_props: Dict[str, Any]) -> Optional[Tuple[str, Dict[str, Any]]]:
        ctype = _first(provider_props.get("token.request.customizer.type"))
        if not ctype:
            return None
        for pid in self.app.configs.factory_instances(CUSTOMIZER_FPID):
            c = self.app.configs.get(pid)
            if c and _first(c["properties"].get("customizer.type")) == ctype:
                return pid, c["properties"]
        return None

    def secret(self, value: Any) -> Optional[str]:
        v = _first(value)
        if isinstance(v, str) and _SECRET_RX.match(v):
            try:
                return self.app.crypto.unprotect(v)
            except Exception:  # noqa: BLE001 - a bad ciphertext is a wrong secret
                return v
        return v if isinstance(v, str) else None

    # -------------------------------------------------------------- tokens
    def _token_request(self, url: str, fields: Dict[str, str], lines: List[str]) -> Optional[str]:
        lines.append(inferred_value("aem.bp.test_log_lines")[0].format(url=url))
        body = urlencode(fields).encode("ascii")
        try:
            status, _h, data = self.http("POST", url, {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Cache-Control": "no-cache"}, body)
        except OSError as exc:
            lines.append("IMS token request failed: %s" % (exc,))
            return None
        try:
            obj = json.loads(data.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            obj = None
        if status != 200 or not isinstance(obj, dict) or not obj.get("access_token"):
            err = obj.get("error", "") if isinstance(obj, dict) else ""
            desc = obj.get("error_description", "") if isinstance(obj, dict) else data[:200].decode("latin-1")
            lines.append(inferred_value("aem.bp.test_log_lines")[1].format(status=status, error=err, description=desc))
            return None
        lines.append("IMS access token received (expires_in %s)" % obj.get("expires_in"))
        return str(obj["access_token"])

    def _jwt_exchange(self, url: str, key: Any, claims: Dict[str, Any], client_id: str,
                      client_secret: Optional[str], lines: List[str]) -> Optional[str]:
        claims = dict(claims)
        claims["exp"] = int(time.time()) + int(inferred_value("aem.bp.jwt_lifetime_seconds"))
        token = jwt.encode(claims, key, algorithm="RS256")
        return self._token_request(url, {"client_id": client_id or "", "client_secret": client_secret or "",
                                         "jwt_token": token}, lines)

    def token_for(self, cs: Dict[str, Any], lines: List[str]) -> Optional[str]:
        props = cs["props"]
        if props.get("imsConfig"):
            return self.token_from_ims_config(str(props["imsConfig"]), lines)
        if cs["root"] == LEGACY_ROOT and props.get("apiKey"):
            return self.token_from_io_cloudservice(cs, lines)
        client_id = props.get(inferred_value("aem.bp.legacy_client_id_prop"))
        if client_id:
            lines.append("Legacy OAuth Gateway integration (client id %s)" % client_id)
            host = inferred_value("aem.bp.legacy_gateway_host")
            return self._token_request("https://%s/ims/exchange/jwt" % host, {"client_id": str(client_id)}, lines)
        lines.append("Brand Portal cloud service %s has no IMS configuration and no API key" % cs["path"])
        return None

    def token_from_io_cloudservice(self, cs: Dict[str, Any], lines: List[str]) -> Optional[str]:
        props = cs["props"]
        base = str(props.get("authServerUrl") or DEFAULT_IMS).rstrip("/")
        tenant = tenant_id(str(props.get("tenantURL") or ""))
        alias = inferred_value("aem.bp.mac_key_alias")
        key = self.app.keystores.private_key(mac_user_path(tenant or ""), alias) if tenant else None
        if key is None:
            lines.append("No private key '%s' in the keystore of %s" % (alias, mac_user_id(tenant or "?")))
            return None
        api_key = str(props.get("apiKey") or "")
        claims = {
            "iss": str(props.get("orgId") or ""),
            "sub": str(props.get("techAccountId") or ""),
            "aud": "%s/c/%s" % (base, api_key),
            "%s/s/%s" % (base, BP_METASCOPE): True,
        }
        return self._jwt_exchange(base + inferred_value("aem.bp.jwt_exchange_path"), key, claims, api_key,
                                  self.secret(props.get("clientSecret")), lines)

    def token_from_ims_config(self, ident: str, lines: List[str]) -> Optional[str]:
        found = self.find_provider(ident)
        if found is None:
            lines.append("No Adobe IMS configuration found for '%s'" % ident)
            return None
        pid, p = found
        client_id = str(_first(p.get("auth.token.provider.client.id")) or "")
        endpoint = str(_first(p.get("auth.token.provider.endpoint")) or "ims-na1.adobelogin.com")
        fmt = str(_first(p.get("auth.access.token.request")) or "https://%s/ims/exchange/jwt")
        url = fmt.replace("%s", endpoint) if "%s" in fmt else fmt
        cust = self.customizer_for(p)
        client_secret = self.secret(cust[1].get("auth.ims.client.secret")) if cust else None
        if cust is None:
            lines.append("No IMS access token request customizer (client secret) for %s" % pid)
        grants = str(_first(p.get("auth.token.provider.authorization.grants")) or "")
        if grants == "client_credentials" and self.app.version.oauth_client_credentials:
            scope = str(_first(p.get("auth.token.provider.scope")) or "")
            return self._token_request(url, {"grant_type": "client_credentials", "client_id": client_id,
                                             "client_secret": client_secret or "", "scope": scope}, lines)
        alias = str(_first(p.get("auth.token.provider.keypair.alias")) or "")
        user_path = self.service_user_path()
        key = self.app.keystores.private_key(user_path, alias) if alias else None
        if key is None:
            lines.append("No private key '%s' in the keystore of %s" % (alias, IMS_SERVICE_USER))
            return None
        claims: Dict[str, Any] = {}
        raw = p.get("auth.token.provider.default.claims") or []
        for entry in raw if isinstance(raw, list) else [raw]:
            parsed = parse_claim(str(entry))
            if parsed is None:
                lines.append("Ignoring malformed default claim %r" % entry)
                continue
            claims[parsed[0]] = parsed[1]
        return self._jwt_exchange(url, key, claims, client_id, client_secret, lines)

    def service_user_path(self) -> str:
        return inferred_value("aem.system_users").get(IMS_SERVICE_USER, "/home/users/system/" + IMS_SERVICE_USER)

    # -------------------------------------------------------------- Test Connection
    def test_agent(self, app: "AuthorApp", agent_path: str, props: Dict[str, Any]) -> Optional[Tuple[bool, List[str]]]:
        uri = _first(props.get("transportUri"))
        name = agent_path.rsplit("/", 1)[-1]
        cs = self.cloud_service_for_uri(str(uri)) if uri else None
        title = _first(props.get("jcr:title")) or name
        if cs is None:
            if name.startswith(AGENT_PREFIX) and uri and tenant_id(str(uri)) and (
                    urlsplit(str(uri)).hostname or "").endswith(BP_HOST_SUFFIX):
                return False, ["Create new HttpClient for %s" % title,
                               "No Brand Portal cloud service configuration with a tenant URL matching %s" % uri]
            return None
        lines = ["Create new HttpClient for %s" % title]
        if not replication.truthy(props.get("enabled")):
            lines.append("Replication test failed: agent %s is not enabled" % title)
            return False, lines
        token = self.token_for(cs, lines)
        if token is None:
            lines.append("Could not obtain an IMS access token for Brand Portal")
            return False, lines
        test_path = "/content/dam"
        headers = {"Action": "Test", "Path": test_path, "Handle": test_path,
                   "Authorization": "Bearer " + token, "Content-Type": "application/octet-stream"}
        lines += ["* HTTP Version: 1.1", "adding header: Action:Test", "adding header: Path:%s" % test_path,
                  "adding header: Handle:%s" % test_path, "Sending POST request to %s" % uri]
        try:
            status, _h, body = self.http("POST", str(uri), headers, b"")
        except OSError as exc:
            lines.append("Error while sending request: %s" % (exc,))
            return False, lines
        lines.append("sent. Response: %d %s" % (status, http.client.responses.get(status, "")))
        if status != 200:
            reason = body.decode("utf-8", "replace").strip()[:300]
            lines.append(inferred_value("aem.bp.test_log_lines")[2].format(status=status, reason=reason))
            return False, lines
        lines.append("Replication (TEST) of %s successful." % test_path)
        return True, lines

    # -------------------------------------------------------------- servlets
    def post_hook(self, app: "AuthorApp", request: Request, changes: List[Tuple[str, str]]) -> None:
        touched = set()
        for kind, path in changes:
            if kind == "deleted":
                continue
            for root in CLOUD_ROOTS:
                if path.startswith(root + "/"):
                    name = path[len(root) + 1:].split("/")[0]
                    touched.add("%s/%s" % (root, name))
        for config_path in sorted(touched):
            if app.repo.exists(config_path + "/jcr:content"):
                self.sync_cloud_service(config_path)

    def cloudservice_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if not app.version.ims_configuration:
            return None
        f = app.form(request)
        item = (f.text("item") or "").strip()
        title = (f.text("name") or f.text("jcr:title") or "").strip()
        tenant_url = (f.text("tenantURL") or "").strip().rstrip("/")
        if not tenant_url or tenant_id(tenant_url) is None:
            return _html_or_text(400, "tenantURL is missing or not a URL")
        repo = app.repo
        if item:
            if not (item.startswith(CONF_ROOT + "/") and repo.exists(item)):
                return _html_or_text(404, "No Brand Portal configuration at %s" % item)
            path = item
        else:
            if not title:
                return _html_or_text(400, "name (title) is missing")
            path = "%s/%s" % (CONF_ROOT, node_name_from_title(title))
        content = path + "/jcr:content"
        with repo.lock:
            repo.ensure(CONF_ROOT, "sling:Folder")
            repo.ensure(path, "cq:Page")
            repo.ensure(content, "nt:unstructured")
            if title:
                repo.set_property(content, "jcr:title", title)
            repo.set_property(content, "sling:resourceType", CLOUDSERVICE_RESOURCE_TYPE)
            repo.set_property(content, "tenantURL", tenant_url)
            for name in ("imsConfig", "oauthScopes", "pubFolder"):
                if name + "@Delete" in f:
                    repo.remove_property(content, name)
                v = f.text(name)
                if v is not None and v != "":
                    repo.set_property(content, name, v)
            result = self.sync_cloud_service(path)
        app.write()
        status, _ctype, _keys = inferred_value("aem.bp.cloudservice_answer")
        return Response.json(status, result)

    def certificate_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if not app.version.ims_configuration or request.method not in ("GET", "HEAD", "POST"):
            return None
        f = app.form(request)
        alias = (f.text("alias") or f.text("newKeypairAlias") or "").strip()
        user_path = self.service_user_path()
        if not alias:
            return _html_or_text(400, "alias is missing")
        if request.method == "POST":
            created = False
            if app.keystores.certificate_pem(user_path, alias) is None:
                self.ensure_service_user_keystore(user_path)
                app.keystores.generate_key_pair(user_path, alias, cn="AEM-Adobe-IMS")
                created = True
            if created:
                app.write()
        pem = app.keystores.certificate_pem(user_path, alias)
        if pem is None:
            return _html_or_text(404, "No certificate with alias %s" % alias)
        return Response(200, pem.encode("ascii"), "application/x-x509-ca-cert",
                        [("Content-Disposition", 'attachment; filename="%s"' % CERT_FILE_NAME)])

    def legacy_certificate_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        m = re.fullmatch(re.escape(LEGACY_ROOT) + r"/([^/.]+)\.crt", request.path)
        if not m:
            return None
        path = "%s/%s" % (LEGACY_ROOT, m.group(1))
        tenant_url = _first(app.repo.value(path + "/jcr:content", "tenantURL"))
        tenant = tenant_id(str(tenant_url or ""))
        pem = app.keystores.certificate_pem(mac_user_path(tenant), inferred_value("aem.bp.mac_key_alias")) \
            if tenant else None
        if pem is None:
            return None
        return Response(200, pem.encode("ascii"), "application/x-x509-ca-cert",
                        [("Content-Disposition", 'attachment; filename="%s"' % CERT_FILE_NAME)])

    def ims_update_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if not app.version.ims_configuration:
            return None
        f = app.form(request)
        title = (f.text("title") or "").strip()
        auth_server = (f.text("authServerUrl") or "").strip().rstrip("/")
        api_key = (f.text("apiKey") or "").strip()
        client_secret = f.text("clientSecret")
        auth_type = (f.text("authType") or "jwt").strip().lower()
        config_id = (f.text(inferred_value("aem.bp.ims_update_config_id_param")) or "").strip()
        if not title or not auth_server or not api_key:
            return _html_or_text(400, "title, authServerUrl and apiKey are required")
        u = urlsplit(auth_server)
        if u.scheme not in ("http", "https") or not u.netloc:
            return _html_or_text(400, "authServerUrl is not a URL: %s" % auth_server)
        existing = self.find_provider(config_id) if config_id else None
        if config_id and existing is None:
            return _html_or_text(404, "No Adobe IMS configuration %s" % config_id)
        props: Dict[str, Any] = dict(existing[1]) if existing else {}
        name = _first(props.get("name")) or uuid.uuid4().hex
        ctype = inferred_value("aem.bp.customizer_type").format(name=name)
        props.update({
            "name": name,
            "auth.token.provider.title": title,
            "auth.token.provider.endpoint": u.netloc,
            "auth.token.provider.client.id": api_key,
            "token.request.customizer.type": ctype,
            "auth.token.validator.type": ctype,
        })
        if auth_type == "oauth":
            if not app.version.oauth_client_credentials:
                return _html_or_text(400, "OAuth credentials are not supported by AEM %s" % app.version.full)
            org = (f.text("orgId") or "").strip()
            scope = (f.text("scope") or "").strip()
            if not org or not scope:
                return _html_or_text(400, "orgId and scope are required for OAuth")
            props.update({
                "auth.token.provider.authorization.grants": "client_credentials",
                "auth.token.provider.orgId": org,
                "auth.token.provider.default.claims": [format_claim("iss", org)],
                "auth.token.provider.scope": scope,
                "auth.access.token.request": "%s://%s%s" % (u.scheme, u.netloc, inferred_value("aem.bp.oauth_token_path")),
            })
            props.pop("auth.token.provider.keypair.alias", None)
        else:
            if app.version.at_least(inferred_value("aem.bp.jwt_creation_blocked_from")):
                return _html_or_text(400, "JWT credentials are deprecated: create an OAuth configuration")
            raw_claims = f.text("jwtClaims") or ""
            try:
                claims = json.loads(raw_claims)
                if not isinstance(claims, dict):
                    raise ValueError("not an object")
            except ValueError:
                return _html_or_text(400, "jwtClaims is not a JSON object")
            alias = (f.text("newKeypairAlias") or "").strip()
            user_path = self.service_user_path()
            if alias:
                if app.keystores.certificate_pem(user_path, alias) is None:
                    self.ensure_service_user_keystore(user_path)
                    app.keystores.generate_key_pair(user_path, alias, cn="AEM-Adobe-IMS")
            else:
                alias = (f.text("keypairAlias") or "").strip()
                if not alias or app.keystores.certificate_pem(user_path, alias) is None:
                    return _html_or_text(400, "Key pair alias '%s' not found in the keystore of %s"
                                         % (alias, IMS_SERVICE_USER))
            props.update({
                "auth.token.provider.keypair.alias": alias,
                "auth.token.provider.default.claims": [format_claim(k, v) for k, v in claims.items() if k != "exp"],
                "auth.access.token.request": "%s://%%s%s" % (u.scheme, inferred_value("aem.bp.jwt_exchange_path")),
            })
            for k in ("auth.token.provider.authorization.grants", "auth.token.provider.orgId",
                      "auth.token.provider.scope"):
                props.pop(k, None)
        if existing:
            pid = existing[0]
            app.configs.put(pid, props, factory_pid=PROVIDER_FPID)
        else:
            pid = app.configs.create_factory(PROVIDER_FPID, props)
            props["name"] = pid.rsplit(".", 1)[-1]
            props["token.request.customizer.type"] = props["auth.token.validator.type"] = \
                inferred_value("aem.bp.customizer_type").format(name=props["name"])
            app.configs.put(pid, props, factory_pid=PROVIDER_FPID)
        cust = self.customizer_for(props)
        cprops = dict(cust[1]) if cust else {}
        cprops["customizer.type"] = props["token.request.customizer.type"]
        if client_secret is not None and client_secret != "":
            cprops["auth.ims.client.secret"] = client_secret
        if cust:
            app.configs.put(cust[0], cprops, factory_pid=CUSTOMIZER_FPID)
        else:
            app.configs.create_factory(CUSTOMIZER_FPID, cprops)
        app.write()
        return Response.text(200, str(props["name"]))

    def ims_delete_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if not app.version.ims_configuration:
            return None
        f = app.form(request)
        deleted = []
        for ident in [v if isinstance(v, str) else v.text() for v in f.getall("configurationIds")]:
            for part in [x.strip() for x in ident.split(",") if x.strip()]:
                found = self.find_provider(part)
                if found is None:
                    continue
                cust = self.customizer_for(found[1])
                app.configs.delete(found[0])
                if cust:
                    app.configs.delete(cust[0])
                deleted.append(found[0])
        if deleted:
            app.write()
        return Response.json(200, {"deleted": deleted})

    def ims_health_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if not app.version.ims_configuration:
            return None
        ident = (app.form(request).text("configurationId") or "").strip()
        lines: List[str] = []
        token = self.token_from_ims_config(ident, lines) if ident else None
        if token is None:
            return Response.json(200, {"ok": False, "message": lines[-1] if lines else "configurationId is missing",
                                       "log": lines})
        return Response.json(200, {"ok": True, "message": HEALTH_OK, "log": lines})

    def legacy_seed_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        if request.method != "POST":
            return Response.json(405, {"error": "use POST"})
        try:
            spec = request.json() or {}
        except ValueError as exc:
            return Response.json(400, {"error": "invalid JSON: %s" % exc})
        tenant = str(spec.get("tenant") or "").strip().lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", tenant):
            return Response.json(400, {"error": "'tenant' is required (e.g. 'acme')"})
        name = str(spec.get("name") or "brand-portal")
        tenant_url = str(spec.get("tenant_url") or ("https://%s%s" % (tenant, BP_HOST_SUFFIX))).rstrip("/")
        client_id = str(spec.get("client_id") or "legacy-%s" % uuid.uuid4().hex[:16])
        repo = app.repo
        path = "%s/%s" % (LEGACY_ROOT, name)
        with repo.lock:
            repo.ensure(LEGACY_ROOT, "cq:Page")
            repo.ensure(path, "cq:Page")
            repo.ensure(path + "/jcr:content", "nt:unstructured")
            c = path + "/jcr:content"
            repo.set_property(c, "jcr:title", spec.get("title") or "Brand Portal")
            repo.set_property(c, "sling:resourceType", CLOUDSERVICE_RESOURCE_TYPE)
            repo.set_property(c, "tenantURL", tenant_url)
            repo.set_property(c, inferred_value("aem.bp.legacy_client_id_prop"), client_id)
            repo.set_property(c, "pubFolder", "")
            result = self.sync_cloud_service(path) or {}
        app.write()
        result["clientId"] = client_id
        return Response.json(201, result)

    def info_servlet(self, app: "AuthorApp", request: Request) -> Optional[Response]:
        return Response.json(200, {
            "ims_url": self.ims_url, "bp_url": self.bp_url,
            "ims_configuration": app.version.ims_configuration,
            "oauth_client_credentials": app.version.oauth_client_credentials,
            "cloud_services": [{"path": cs["path"], "tenantURL": cs["props"].get("tenantURL")}
                               for cs in self.cloud_services()],
        })


def install_brand_portal(app: "AuthorApp", ims_url: Optional[str] = None, bp_url: Optional[str] = None,
                         **_options: Any) -> BrandPortalPlugin:
    """Add the Brand Portal model to ``app``; ``ims_url``/``bp_url`` are where the mock IMS and the
    mock Brand Portal listen (``None``: calls to Adobe hosts fail as unknown hosts)."""
    plug = BrandPortalPlugin(app, ims_url, bp_url)
    ext = r"(?:\.(?:json|html|txt))?"
    base = re.escape(IMS_SERVLET_BASE)
    app.add_servlet("POST", re.escape(CLOUDSERVICE_SERVLET) + ext, plug.cloudservice_servlet)
    app.add_servlet("POST", base + r"/update" + ext, plug.ims_update_servlet)
    app.add_servlet("POST", base + r"/delete" + ext, plug.ims_delete_servlet)
    app.add_servlet("*", base + r"/certificate(?:\.(?:crt|json|html))?", plug.certificate_servlet)
    app.add_servlet("GET", base + r"/health" + ext, plug.ims_health_servlet)
    app.add_servlet("GET", re.escape(LEGACY_ROOT) + r"/[^/.]+\.crt", plug.legacy_certificate_servlet)
    app.add_servlet("*", re.escape(LEGACY_SEED_PATH), plug.legacy_seed_servlet)
    app.add_servlet("GET", r"/__mock__/brand-portal", plug.info_servlet)
    app.add_post_hook(plug.post_hook)
    app.add_agent_tester(plug.test_agent)
    app.add_outbound_route(plug.route)
    setattr(app, "brand_portal", plug)
    return plug


#: the name the plugin loader of ``aem.py`` (``install_plugins``) calls
install = install_brand_portal
