# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""A capture of what an AEM author holds for Brand Portal, and its comparison with the table of version facts.

The capture only reads (GET and HEAD; the client refuses anything else): product information, the replication
agents, the cloud services under both roots, the Adobe IMS configurations of configMgr, the keystore aliases of the
IMS service user and of the MAC users, and the answers of the servlets whose URLs are inferred, where a GET is safe.
What it keeps is redacted here (:func:`scrub`) and checked again before it leaves (:func:`leaks`): no password,
client secret, private key, token or AEM-encrypted ``{...}`` value, only property names and ``<redacted>``.

:func:`compare` says, for every entry of ``_profiles.FACTS``, whether the capture confirms it, contradicts it, or
does not cover it, so that a user with one real author can check the inferred facts in one step.

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import json
import re
import traceback

from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_detect import tenant_of
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemError,
    AemNotFoundError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    C_TYPE,
    GRANT_CLIENT_CREDENTIALS,
    NOT_SECRET,
    P_ALIAS,
    P_CUSTOMIZER,
    P_GRANTS,
    P_NAME,
    P_TOKEN_REQUEST,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import describe_entry, find_user, read_keystore
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import list_factory_instances, read_config
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import (
    FACTS,
    INFERRED_MARK,
    PRODUCT_INFO_PATH,
    Profile,
    cloud_service_error,
    cloud_service_host,
    fact,
    version_from_product_info,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import first_value
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import node_properties, read_node

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    x509 = None
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

FORMAT = "aemtools.brand_portal/capture/1"
MISSING = (403, 404)
CONFIRMED, CONTRADICTED, NOT_COVERED = "confirmed", "contradicted", "not_covered"
VERDICTS = (CONFIRMED, CONTRADICTED, NOT_COVERED)

# AEM's CryptoSupport output (AEM facts §8): "{" 64+ hex "}"; shorter hex in braces is taken as one too
_ENCRYPTED = re.compile(r"\{[0-9a-fA-F]{32,}\}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_PRIVATE_KEY = re.compile(r"PRIVATE KEY-----")
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
_FILE_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?["']?([^"';]+)""", re.I)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
# names that look secret but hold none: the IMS token request URL format, the token-reuse switch, the profile's
# credential types
_NOT_SECRET = frozenset(NOT_SECRET) | frozenset(("credential_types", "credential_type", "masked_properties"))
# a user node is read for these only: never rep:password
_USER_PROPERTIES = ("jcr:primaryType", "rep:authorizableId", "rep:principalName")


# ==================================================================================================
# Redaction
# ==================================================================================================

def scrub_text(text, redactor):
    """``text`` with every secret shape, known secret and AEM-encrypted value replaced by ``<redacted>``."""
    text = redactor.text(text)
    text = _ENCRYPTED.sub(REDACTED, text)
    return _JWT.sub(REDACTED, text)


def scrub(value, redactor, name=None):
    """A copy of captured data fit to leave the module: the value of any property whose name looks secret is
    ``<redacted>`` (the name stays: the comparison needs it), and strings go through :func:`scrub_text`."""
    if name is not None and name not in _NOT_SECRET and is_secret_name(name) and value not in (None, "", []):
        return REDACTED
    if isinstance(value, dict):
        return dict((k, scrub(v, redactor, k)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub(v, redactor) for v in value]
    if isinstance(value, str):
        return scrub_text(value, redactor)
    return value


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def leaks(text, redactor):
    """What in a capture's JSON text still looks secret (an empty list when nothing does): the last check before a
    capture is returned or written. Known secrets and credential shapes are looked for in each value, not in the
    JSON text, where a key such as ``...reuse.access.token`` followed by its value would look like a credential."""
    found = []
    if _PRIVATE_KEY.search(text):
        found.append("a PEM private key")
    if _ENCRYPTED.search(text):
        found.append("an AEM-encrypted value")
    if _JWT.search(text):
        found.append("a token (JWT)")
    try:
        values = list(_strings(json.loads(text)))
    except ValueError:
        values = [text]
    if any(redactor.text(value) != value for value in values):
        found.append("a known secret or a credential-shaped value")
    return found


def dumps(capture):
    return json.dumps(capture, indent=2, sort_keys=True) + "\n"


# ==================================================================================================
# Reading
# ==================================================================================================

def _children(tree):
    return [(name, node) for name, node in sorted((tree or {}).items())
            if isinstance(node, dict) and not name.startswith(("jcr:", "rep:", "sling:", "cq:"))]


def _header(response, name):
    for key, value in (response.headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def describe_pem(text):
    """Subject, serial number and expiry of the first certificate in ``text`` (the PEM itself is not kept)."""
    match = _CERTIFICATE.search(text or "")
    if not match or x509 is None:
        return None
    try:
        cert = x509.load_pem_x509_certificate(match.group(0).encode("ascii"))
    except ValueError:
        return None
    expiry = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after
    return {"subject": cert.subject.rfc4514_string(), "serial_number": str(cert.serial_number),
            "not_after": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")}


def describe_alias(alias, entry):
    """A keystore entry without its key: alias, type, certificate subject, serial number, expiry."""
    return dict(describe_entry(alias, entry), entry_type=(entry or {}).get("entryType"),
                algorithm=(entry or {}).get("algorithm"))


class Capture(object):
    """Reads one author; a read AEM refuses is noted in ``errors`` and the capture goes on (a wrong password
    stops it)."""

    def __init__(self, client, check_health=False):
        self.client = client
        self.check_health = check_health
        self.errors = []

    def _try(self, what, reader, default=None):
        try:
            return reader()
        except AemAuthError:
            raise
        except AemError as error:
            self.errors.append({"read": what, "error": str(error)})
            return default

    def _get(self, path, attempted, params=None, method="GET"):
        return self.client.request(method, path, attempted, expected=(200, 300, 400, 403, 404, 405, 500),
                                   params=params)

    def run(self, host, aem_url, collection_version):
        # AEM as a Cloud Service has no Brand Portal configuration on the author (nor product information): the
        # one explanation every module gives, before any request
        cloud_host = cloud_service_host(getattr(self.client, "base_url", None))
        if cloud_host:
            raise cloud_service_error(host=cloud_host)
        lines = self.client.get_json(PRODUCT_INFO_PATH, "read the product information")
        version = version_from_product_info(lines)
        profile = Profile(version)
        capture = {"format": FORMAT, "host": host, "aem_url": aem_url, "collection_version": collection_version,
                   "product_info": [str(line) for line in lines or []] if isinstance(lines, list) else lines,
                   "version": version.text, "profile": profile.as_dict()}
        capture["agents"] = self._try("the replication agents", self.agents)
        capture["cloudservices"] = self._try("the cloud services", self.cloudservices)
        capture["ims_configurations"] = (self._try("the Adobe IMS configurations", self.ims_configurations)
                                         if profile.ims_configuration else None)
        capture["users"] = self._try("the users", lambda: self.users(capture, profile))
        capture["servlets"] = self._try("the servlets", lambda: self.servlets(capture, profile))
        capture["packages"] = self._try("the packages", lambda: self.packages(version))
        capture["errors"] = self.errors
        return capture

    def agents(self):
        root = fact("agents_root")
        tree = read_node(self.client, root, depth=2, missing=MISSING)
        items = {}
        for name, page in _children(tree):
            content = page.get("jcr:content")
            items[name] = node_properties(content) if isinstance(content, dict) else None
        return {"root": root, "found": tree is not None, "items": items}

    def cloudservices(self):
        found = {}
        for root in (fact("legacy_cloudservice_root"), fact("ims_cloudservice_root")):
            tree = read_node(self.client, root, depth=2, missing=MISSING)
            items = {}
            for name, page in _children(tree):
                content = page.get("jcr:content")
                items[name] = {"page": node_properties(page),
                               "content": node_properties(content) if isinstance(content, dict) else None}
            found[root] = {"found": tree is not None, "items": items}
        return found

    def _factory(self, factory_pid):
        configs = []
        for pid in list_factory_instances(self.client, factory_pid):
            config = read_config(self.client, pid)
            if config is None:
                continue
            masked = sorted(name for name in config.properties if config.is_password(name))
            props = dict((k, REDACTED if k in masked else v) for k, v in config.properties.items())
            configs.append({"pid": config.pid, "properties": props, "masked_properties": masked})
        return configs

    def ims_configurations(self):
        return {"providers": self._factory(fact("ims_provider_factory")),
                "customizers": self._factory(fact("ims_customizer_factory"))}

    def _user(self, authorizable_id, path, found_by):
        node = read_node(self.client, path, missing=MISSING) or {}
        store = self._try("the keystore of %s" % path, lambda: read_keystore(self.client, path))
        user = {"id": first_value(node.get("rep:authorizableId")) or authorizable_id, "path": path,
                "found_by": found_by, "properties": dict((k, node[k]) for k in _USER_PROPERTIES if k in node),
                "keystore": {"exists": store is not None,
                             "aliases": [describe_alias(a, e) for a, e in sorted((store or {}).items())]}}
        if store is not None:
            # HEAD: whether the keystore file is where AEM facts §8 says, without downloading it
            keystore_file = fact("keystore_file").format(user=path)
            user["keystore_file"] = {"path": keystore_file,
                                     "status": self._get(keystore_file, "look for the keystore file of %s" % path,
                                                         method="HEAD").status}
        return user

    def users(self, capture, profile):
        users = {"ims_service_user": None, "mac_users": []}
        if profile.ims_configuration:
            user_id = fact("ims_keystore_user")
            try:
                path = find_user(self.client, user_id)
            except AemNotFoundError:
                users["ims_service_user"] = {"id": user_id, "found": False}
            else:
                users["ims_service_user"] = dict(self._user(user_id, path, ["querybuilder"]), found=True)
        root = fact("mac_users_root")
        paths = {}
        data = self.client.get_json("/bin/querybuilder.json", "find the MAC users",
                                    params={"path": root, "type": "rep:User", "p.limit": "-1"})
        for hit in (data.get("hits") if isinstance(data, dict) else None) or []:
            if isinstance(hit, dict) and hit.get("path"):
                paths[hit["path"]] = (None, ["under %s" % root])
        for name, props in sorted(((capture.get("agents") or {}).get("items") or {}).items()):
            user_id = first_value((props or {}).get("userId"))
            if not user_id or not str(user_id).startswith("mac-"):
                continue
            try:
                path = find_user(self.client, str(user_id))
            except AemNotFoundError:
                users["mac_users"].append({"id": user_id, "found": False, "found_by": ["userId of %s" % name]})
                continue
            paths.setdefault(path, (str(user_id), []))[1].append("userId of %s" % name)
        for path, (user_id, found_by) in sorted(paths.items()):
            users["mac_users"].append(dict(self._user(user_id, path, found_by), found=True))
        return users

    def _certificate_answer(self, path, params, attempted, keystore_aliases):
        response = self._get(path, attempted, params=params)
        answer = {"path": path, "params": params, "status": response.status,
                  "content_type": _header(response, "Content-Type"), "file_name": None, "certificate": None}
        disposition = _header(response, "Content-Disposition") or ""
        match = _FILE_NAME.search(disposition)
        if match:
            answer["file_name"] = match.group(1).strip()
        if response.status == 200:
            answer["certificate"] = describe_pem(response.text)
            serials = [a.get("serial_number") for a in keystore_aliases]
            answer["matches_keystore"] = bool(answer["certificate"]) and answer["certificate"]["serial_number"] in serials
        return answer

    def servlets(self, capture, profile):
        servlets = {"ims_certificate": [], "classic_certificate": [], "ims_health": None}
        users = capture.get("users") or {}
        ims = capture.get("ims_configurations") or {}
        service_user = users.get("ims_service_user") or {}
        service_aliases = (service_user.get("keystore") or {}).get("aliases") or []
        if profile.ims_configuration:
            base = fact("ims_servlet_base") + fact("ims_certificate_servlet")
            aliases = sorted(set(str(first_value(p["properties"].get(P_ALIAS))) for p in ims.get("providers") or []
                                 if first_value(p["properties"].get(P_ALIAS))))
            for alias in aliases:
                servlets["ims_certificate"].append(self._certificate_answer(
                    base, {"alias": alias}, "download the IMS certificate %s" % alias, service_aliases))
        mac_aliases = [a for u in users.get("mac_users") or [] for a in (u.get("keystore") or {}).get("aliases") or []]
        root = fact("legacy_cloudservice_root")
        for name in sorted((((capture.get("cloudservices") or {}).get(root) or {}).get("items") or {})):
            path = fact("certificate_download_classic").format(name=name)
            servlets["classic_certificate"].append(dict(self._certificate_answer(
                path, None, "download the public key of the cloud service %s" % name, mac_aliases), cloudservice=name))
        if self.check_health and profile.ims_configuration:
            servlets["ims_health"] = [self.health(p["pid"]) for p in ims.get("providers") or []]
        return servlets

    def packages(self, version):
        """HEAD (not downloaded) of Adobe's OAuth hotfix package where Package Manager would keep it (6.5 only)."""
        if version.line != "6.5":
            return {}
        path = fact("oauth_hotfix_package")
        return {"oauth_hotfix": {"path": path, "status": self._get(path, "look for the OAuth hotfix package",
                                                                   method="HEAD").status}}

    def health(self, pid):
        """One Check Health (AEM asks IMS for a token; nothing is written in AEM): status and verdict only."""
        path = fact("ims_servlet_base") + fact("ims_health_servlet")
        response = self._get(path, "check the health of Adobe IMS configuration %s" % pid,
                             params={"configurationId": pid})
        answer = {"pid": pid, "path": path, "status": response.status,
                  "content_type": _header(response, "Content-Type"), "json": False, "ok": None, "message": None}
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            answer.update(json="ok" in data, ok=data.get("ok"), message=data.get("message"))
        return answer


def capture_author(client, host, aem_url, collection_version, check_health=False, secrets=()):
    """Read one author and return ``(capture, text)``: the redacted capture and its JSON text.

    Raises :class:`AemError` when the text would still hold something secret-looking (it is then neither
    returned nor written)."""
    # the client's redactor knows the AEM password (and any CSRF token); the caller may name more secrets
    redactor = client.redactor
    redactor.add_all(secrets)
    raw = Capture(client, check_health).run(host, aem_url, collection_version)
    capture = scrub(raw, redactor)
    text = dumps(capture)
    found = leaks(text, redactor)
    if found:
        raise AemError("the capture still holds %s after redaction; it was not written (please report it)"
                       % ", ".join(found), attempted="redact the capture")
    return capture, text


# ==================================================================================================
# Comparing with _profiles.FACTS
# ==================================================================================================

class _View(object):
    """The parts of a capture the checks look at."""

    def __init__(self, capture):
        self.capture = capture
        self.version = capture.get("version")
        profile = capture.get("profile") or {}
        self.model = profile.get("model")
        self.ims_configuration = profile.get("ims_configuration")
        agents = capture.get("agents") or {}
        self.agents = dict((k, v or {}) for k, v in (agents.get("items") or {}).items())
        self.cloudservices = []
        for root, section in sorted((capture.get("cloudservices") or {}).items()):
            for name, item in sorted(((section or {}).get("items") or {}).items()):
                content = (item or {}).get("content") or {}
                self.cloudservices.append({"root": root, "name": name, "content": content,
                                           "tenant_url": str(first_value(content.get("tenantURL")) or "")
                                           .strip().rstrip("/")})
        self.tenant_urls = sorted(set(cs["tenant_url"] for cs in self.cloudservices if cs["tenant_url"]))
        ims = capture.get("ims_configurations") or {}
        self.providers = ims.get("providers") or []
        self.customizers = ims.get("customizers") or []
        users = capture.get("users") or {}
        self.service_user = users.get("ims_service_user")
        self.mac_users = users.get("mac_users") or []
        servlets = capture.get("servlets") or {}
        self.ims_certificate = servlets.get("ims_certificate") or []
        self.classic_certificate = servlets.get("classic_certificate") or []
        self.ims_health = servlets.get("ims_health")

    def transport(self, name):
        return str(first_value(self.agents[name].get("transportUri")) or "")

    def tenant_agents(self):
        """``{tenant URL: [agent names]}``: the agents whose transportUri lies below a cloud service's tenant URL
        (the verified rule, AEM facts §6.2)."""
        return dict((url, sorted(n for n in self.agents if self.transport(n).startswith(url + "/")))
                    for url in self.tenant_urls)

    def bp_agents(self):
        return sorted(set(n for names in self.tenant_agents().values() for n in names))

    def provider_kind(self, provider):
        props = provider.get("properties") or {}
        if first_value(props.get(P_GRANTS)) == GRANT_CLIENT_CREDENTIALS:
            return "oauth"
        return "jwt" if first_value(props.get(P_ALIAS)) else None


def _result(verdict, captured=None, detail=""):
    return verdict, captured, detail


def _not_covered(detail):
    return _result(NOT_COVERED, None, detail)


def _check_agents_root(view, value):
    agents = view.bp_agents()
    if agents:
        return _result(CONFIRMED, agents, "the Brand Portal agents (by transportUri) are under %s" % value)
    if view.tenant_urls and (view.capture.get("agents") or {}).get("found"):
        return _result(CONTRADICTED, sorted(view.agents), "a cloud service names %s but no agent under %s sends "
                       "to it" % (", ".join(view.tenant_urls), value))
    return _not_covered("no Brand Portal cloud service with a tenant URL, or no agent sending to it")


def _check_agent_name_prefix(view, value):
    agents = view.bp_agents()
    if not agents:
        return _not_covered("no agent sends to a Brand Portal tenant URL")
    other = [n for n in agents if not n.startswith(value)]
    if other:
        return _result(CONTRADICTED, agents, "agents sending to Brand Portal without the prefix: %s" % ", ".join(other))
    return _result(CONFIRMED, agents, "every agent sending to Brand Portal starts with %s" % value)


def _check_agent_names(view, value):
    tenants = view.tenant_agents()
    if not any(tenants.values()):
        return _not_covered("no agent sends to a Brand Portal tenant URL")
    for url, names in sorted(tenants.items()):
        if names and sorted(names) != sorted(value):
            return _result(CONTRADICTED, names, "the agents of %s are named otherwise" % url)
    return _result(CONFIRMED, [n for names in tenants.values() for n in names], "per tenant: %s"
                   % "; ".join("%s: %d agents" % (u, len(n)) for u, n in sorted(tenants.items())))


def _check_agent_transport_rule(view, value):
    prefixed = sorted(n for n in view.agents if n.startswith(fact("agent_name_prefix")))
    if not prefixed or not view.tenant_urls:
        return _not_covered("no mp_replication agent, or no cloud service with a tenant URL")
    stray = [n for n in prefixed if not any(view.transport(n).startswith(u + "/") for u in view.tenant_urls)]
    captured = dict((n, view.transport(n)) for n in prefixed)
    if stray:
        return _result(CONTRADICTED, captured, "agents whose transportUri is below no tenant URL: %s" % ", ".join(stray))
    return _result(CONFIRMED, captured, "tenant URLs: %s" % ", ".join(view.tenant_urls))


def _check_close_connection(view, value):
    agents = view.bp_agents()
    holding = dict((n, view.agents[n].get(value)) for n in agents if view.agents[n].get(value) not in (None, ""))
    if holding:
        return _result(CONFIRMED, holding, "the Brand Portal agents hold %s (tick Close Connection in the UI before "
                       "capturing: a value this collection wrote proves nothing)" % value)
    return _not_covered("no Brand Portal agent holds %s: capture after ticking Close Connection on the Extended tab"
                        % value)


def _check_mac_users_root(view, value):
    found = [u for u in view.mac_users if u.get("found")]
    if not found:
        return _not_covered("no MAC user found (by the agents' userId or under %s)" % value)
    outside = [u["path"] for u in found if not u["path"].startswith(value + "/")]
    paths = sorted(u["path"] for u in found)
    if outside:
        return _result(CONTRADICTED, paths, "MAC users outside %s: %s" % (value, ", ".join(outside)))
    return _result(CONFIRMED, paths, "")


def _check_mac_user_id(view, value):
    tenants = view.tenant_agents()
    seen, wrong = {}, []
    for url, names in sorted(tenants.items()):
        expected = value.format(tenant=tenant_of(url))
        for name in names:
            user = first_value(view.agents[name].get("userId"))
            seen[name] = user
            if user != expected:
                wrong.append("%s has userId %s, expected %s" % (name, user, expected))
    if not seen:
        return _not_covered("no agent sends to a Brand Portal tenant URL")
    if wrong:
        return _result(CONTRADICTED, seen, "; ".join(wrong))
    return _result(CONFIRMED, seen, "")


def _check_mac_key_alias(view, value):
    aliases = dict((u["path"], [a["alias"] for a in u["keystore"]["aliases"]])
                   for u in view.mac_users if u.get("found") and (u.get("keystore") or {}).get("aliases"))
    if not aliases:
        return _not_covered("no MAC user holds a key pair (on the 6.5 model the key pair is the IMS service user's)")
    if any(value in names for names in aliases.values()):
        return _result(CONFIRMED, aliases, "")
    return _result(CONTRADICTED, aliases, "no MAC user's keystore holds the alias %s" % value)


def _cloudservices_under(view, root):
    return [cs for cs in view.cloudservices if cs["root"] == root]


def _check_legacy_root(view, value):
    under = _cloudservices_under(view, value)
    if under:
        return _result(CONFIRMED, ["%s/%s" % (value, cs["name"]) for cs in under], "")
    if view.model == "cloudservice" and view.cloudservices:
        return _result(CONTRADICTED, ["%s/%s" % (cs["root"], cs["name"]) for cs in view.cloudservices],
                       "AEM %s keeps its cloud services elsewhere" % view.version)
    return _not_covered("no cloud service under %s" % value)


def _check_legacy_client_id(view, value):
    holding = ["%s/%s" % (cs["root"], cs["name"]) for cs in _cloudservices_under(view, fact("legacy_cloudservice_root"))
               if cs["content"].get(value) not in (None, "")]
    if holding:
        return _result(CONFIRMED, holding, "")
    return _not_covered("no cloud service under %s holds %s (only a legacy OAuth Gateway integration has one)"
                        % (fact("legacy_cloudservice_root"), value))


def _check_ims_root(view, value):
    under = _cloudservices_under(view, value)
    if under:
        return _result(CONFIRMED, ["%s/%s" % (value, cs["name"]) for cs in under], "")
    referencing = [cs for cs in view.cloudservices if cs["content"].get("imsConfig")]
    if view.model == "ims" and referencing:
        return _result(CONTRADICTED, ["%s/%s" % (cs["root"], cs["name"]) for cs in referencing],
                       "cloud services referencing an IMS configuration live elsewhere")
    return _not_covered("no cloud service under %s" % value)


def _check_resource_type(view, value):
    if not view.cloudservices:
        return _not_covered("no Brand Portal cloud service")
    types = dict(("%s/%s" % (cs["root"], cs["name"]), first_value(cs["content"].get("sling:resourceType")))
                 for cs in view.cloudservices)
    wrong = sorted(p for p, t in types.items() if t != value)
    if wrong:
        return _result(CONTRADICTED, types, "another resource type on %s" % ", ".join(wrong))
    return _result(CONFIRMED, types, "")


def _check_classic_properties(view, value):
    candidates = [cs for cs in _cloudservices_under(view, fact("legacy_cloudservice_root"))
                  if cs["content"].get(fact("legacy_client_id_property")) in (None, "")]
    if view.model != "cloudservice" or not candidates:
        return _not_covered("no Adobe I/O cloud service under %s on AEM 6.3/6.4" % fact("legacy_cloudservice_root"))
    expected = set(value.values())
    captured = dict((cs["name"], sorted(n for n in cs["content"] if not n.startswith(("jcr:", "cq:", "sling:"))))
                    for cs in candidates)
    lacking = ["%s lacks %s" % (name, ", ".join(sorted(expected - set(names))))
               for name, names in sorted(captured.items()) if expected - set(names)]
    if lacking:
        return _result(CONTRADICTED, captured, "; ".join(lacking))
    return _result(CONFIRMED, captured, "")


def _check_certificate_answers(answers, what):
    if not answers:
        return None
    bad = [a for a in answers if a.get("status") != 200 or not a.get("certificate")]
    captured = [dict((k, a.get(k)) for k in ("path", "params", "status", "content_type", "matches_keystore"))
                for a in answers]
    if bad:
        return _result(CONTRADICTED, captured, "%s answered %s without a certificate"
                       % (what, ", ".join(str(a.get("status")) for a in bad)))
    return _result(CONFIRMED, captured, "")


def _check_classic_download(view, value):
    return (_check_certificate_answers(view.classic_certificate, "GET <cloud service>.crt")
            or _not_covered("no cloud service under %s" % fact("legacy_cloudservice_root")))


def _health_problem(view):
    answers = view.ims_health or []
    bad = [a for a in answers if a.get("status") != 200 or not a.get("json")]
    return answers, bad


def _check_ims_base(view, value):
    certificate = _check_certificate_answers(view.ims_certificate, "the certificate servlet")
    answers, bad = _health_problem(view)
    if certificate and certificate[0] == CONTRADICTED:
        return certificate
    if bad:
        return _result(CONTRADICTED, bad, "the health servlet below it did not answer JSON")
    if certificate or answers:
        return _result(CONFIRMED, "%s (certificate: %d answers, health: %d answers)"
                       % (value, len(view.ims_certificate), len(answers)), "its servlets answered")
    return _not_covered("no JWT IMS configuration (certificate) and no Check Health asked for (check_health)")


def _check_ims_certificate(view, value):
    result = _check_certificate_answers(view.ims_certificate, "GET ?alias=<alias>")
    if result is None:
        return _not_covered("no IMS configuration with a key pair alias (JWT)")
    if result[0] == CONFIRMED and not all(a.get("matches_keystore") for a in view.ims_certificate):
        return _result(CONTRADICTED, result[1], "the certificate answered is not the keystore's under that alias")
    return result


def _check_health(view, value):
    answers, bad = _health_problem(view)
    if not answers:
        return _not_covered("Check Health not asked for (check_health=true) or no IMS configuration")
    captured = [dict((k, a.get(k)) for k in ("pid", "status", "ok", "message")) for a in answers]
    if bad:
        return _result(CONTRADICTED, captured, "no JSON {ok, message} answer")
    return _result(CONFIRMED, captured, "")


def _check_ims_keystore_user(view, value):
    if not view.service_user:
        return _not_covered("AEM %s has no Adobe IMS configuration support" % view.version)
    if view.service_user.get("found"):
        return _result(CONFIRMED, view.service_user.get("path"), "")
    return _result(CONTRADICTED, None, "no user %s" % value)


def _referenced_names(view):
    return set(str(first_value(cs["content"].get("imsConfig"))) for cs in view.cloudservices
               if cs["content"].get("imsConfig"))


def _check_provider_factory(view, value):
    if view.providers:
        return _result(CONFIRMED, [p["pid"] for p in view.providers], "")
    if _referenced_names(view):
        return _result(CONTRADICTED, sorted(_referenced_names(view)), "cloud services reference an IMS configuration "
                       "but no configuration of %s exists" % value)
    return _not_covered("no Adobe IMS configuration")


def _customizer_types(view):
    return set(str(first_value((c.get("properties") or {}).get(C_TYPE))) for c in view.customizers)


def _check_customizer_factory(view, value):
    wanted = set(str(first_value((p.get("properties") or {}).get(P_CUSTOMIZER))) for p in view.providers
                 if first_value((p.get("properties") or {}).get(P_CUSTOMIZER)))
    if not wanted:
        return _not_covered("no Adobe IMS configuration naming a customizer")
    found = sorted(wanted & _customizer_types(view))
    if found:
        return _result(CONFIRMED, [c["pid"] for c in view.customizers], "customizer types: %s" % ", ".join(found))
    return _result(CONTRADICTED, sorted(wanted), "no configuration of %s has these customizer types" % value)


def _check_certificate_file_name(view, value):
    names = sorted(set(a.get("file_name") for a in view.ims_certificate + view.classic_certificate
                       if a.get("status") == 200))
    if not names:
        return _not_covered("no certificate downloaded")
    if names != [value]:
        return _result(CONTRADICTED, names, "")
    return _result(CONFIRMED, names, "from Content-Disposition")


def _check_provider_name(view, value):
    referenced = _referenced_names(view)
    providers = [p for p in view.providers if str(first_value(p["properties"].get(P_NAME))) in referenced]
    if not providers:
        return _not_covered("no cloud service references an IMS configuration's name (imsConfig)")
    names = [str(first_value(p["properties"].get(P_NAME))) for p in providers]
    odd = [n for n in names if not _UUID.match(n)]
    if odd:
        return _result(CONTRADICTED, names, "not a UUID: %s" % ", ".join(odd))
    return _result(CONFIRMED, names, "the cloud services' imsConfig; a configuration made in AEM's UI is the one "
                   "that tells how AEM generates it")


def _check_customizer_type(view, value):
    if not view.providers:
        return _not_covered("no Adobe IMS configuration")
    captured, wrong = {}, []
    types = _customizer_types(view)
    for provider in view.providers:
        props = provider["properties"]
        expected = value.format(name=first_value(props.get(P_NAME)))
        actual = first_value(props.get(P_CUSTOMIZER))
        captured[provider["pid"]] = actual
        if actual != expected or actual not in types:
            wrong.append("%s: %s (expected %s, held by a customizer: %s)" % (provider["pid"], actual, expected,
                                                                             actual in types))
    if wrong:
        return _result(CONTRADICTED, captured, "; ".join(wrong))
    return _result(CONFIRMED, captured, "")


def _check_token_request(kind, suffix):
    def check(view, value):
        providers = [p for p in view.providers if view.provider_kind(p) == kind]
        if not providers:
            return _not_covered("no %s Adobe IMS configuration" % ("OAuth" if kind == "oauth" else "JWT"))
        captured = dict((p["pid"], first_value(p["properties"].get(P_TOKEN_REQUEST))) for p in providers)
        wrong = sorted(pid for pid, url in captured.items() if not str(url or "").endswith(suffix))
        if wrong:
            return _result(CONTRADICTED, captured, "not ending in %s: %s" % (suffix, ", ".join(wrong)))
        return _result(CONFIRMED, captured, "")
    return check


def _check_keystore_file(view, value):
    users = [u for u in ([view.service_user] if view.service_user else []) + view.mac_users
             if u.get("keystore_file")]
    if not users:
        return _not_covered("no user with a keystore")
    captured = dict((u["keystore_file"]["path"], u["keystore_file"]["status"]) for u in users)
    if any(status != 200 for status in captured.values()):
        return _result(CONTRADICTED, captured, "HEAD did not answer 200 for a keystore that exists")
    return _result(CONFIRMED, captured, "HEAD, not downloaded")


def _check_hotfix_package(view, value):
    package = ((view.capture.get("packages") or {}).get("oauth_hotfix")) or {}
    if package.get("status") == 200:
        return _result(CONFIRMED, package, "the package is installed there")
    if package:
        return _not_covered("no package at %s (HTTP %s): not installed, or kept elsewhere - capture an author with "
                            "the hotfix installed" % (value, package.get("status")))
    return _not_covered("not AEM 6.5")


def _only_writes(view, value):
    return _not_covered("a behaviour of writes (restore); a capture only reads")


def _only_posts(view, value):
    return _not_covered("a POST servlet; a capture only reads")


CHECKS = {
    "agents_root": _check_agents_root,
    "agent_name_prefix": _check_agent_name_prefix,
    "agent_names": _check_agent_names,
    "agent_transport_rule": _check_agent_transport_rule,
    "close_connection_property": _check_close_connection,
    "mac_users_root": _check_mac_users_root,
    "mac_user_id": _check_mac_user_id,
    "mac_key_alias": _check_mac_key_alias,
    "legacy_cloudservice_root": _check_legacy_root,
    "legacy_client_id_property": _check_legacy_client_id,
    "ims_cloudservice_root": _check_ims_root,
    "cloudservice_servlet": _only_posts,
    "cloudservice_resource_type": _check_resource_type,
    "classic_credential_properties": _check_classic_properties,
    "certificate_download_classic": _check_classic_download,
    "ims_servlet_base": _check_ims_base,
    "ims_keystore_user": _check_ims_keystore_user,
    "ims_provider_factory": _check_provider_factory,
    "ims_customizer_factory": _check_customizer_factory,
    "certificate_file_name": _check_certificate_file_name,
    "ims_certificate_servlet": _check_ims_certificate,
    "ims_health_servlet": _check_health,
    "ims_provider_name": _check_provider_name,
    "ims_customizer_type": _check_customizer_type,
    "ims_jwt_token_request": _check_token_request("jwt", "/ims/exchange/jwt"),
    "ims_oauth_token_request": _check_token_request("oauth", "/ims/token/v3"),
    "keystore_file": _check_keystore_file,
    "oauth_hotfix_package": _check_hotfix_package,
    "restore_binary_upload": _only_writes,
    "restore_order": _only_writes,
    "protected_properties": _only_writes,
}


class CaptureFormatError(AemError):
    """The data given to compare is not a capture of this collection."""


def _expected(value):
    if isinstance(value, tuple):
        return list(value)
    return value


# facts about writes: a read-only capture can never confirm them, so they are not covered by design
WRITE_FACTS = {
    "cloudservice_servlet": "the cloud service dialog's POST servlet",
    "restore_order": "the order in which a restore writes",
    "restore_binary_upload": "how a restore uploads a file",
    "protected_properties": "the properties a Sling POST refuses to set",
}


def compare(capture):
    """One result per entry of ``_profiles.FACTS`` (in the table's order): ``fact``, ``status`` (verified or
    inferred), ``verdict`` (confirmed, contradicted, not_covered), ``expected``, ``captured``, ``detail`` and the
    fact's ``source``. A fact without a check here is not covered."""
    if not isinstance(capture, dict) or capture.get("format") != FORMAT:
        raise CaptureFormatError("not a capture of aemtools.brand_portal (expected \"format\": \"%s\", as "
                                 "aem_bp_capture writes it)" % FORMAT, attempted="compare a capture")
    view = _View(capture)
    results = []
    for name, entry in FACTS.items():
        check = CHECKS.get(name)
        if check is None and name.startswith("cloud_service_"):
            verdict, captured, detail = _not_covered("about AEM as a Cloud Service, which a capture of AEM 6.x does "
                                                     "not show")
        elif check is None and name in WRITE_FACTS:
            verdict, captured, detail = _not_covered("about what AEM does with a write (%s), which a capture - GET and "
                                                     "HEAD only - cannot show" % WRITE_FACTS[name])
        elif check is None:
            verdict, captured, detail = _not_covered("the capture has no check for this fact yet")
        else:
            try:
                verdict, captured, detail = check(view, entry.value)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                verdict, captured, detail = _not_covered("the capture does not hold what the check needs (%s: %s)"
                                                         % (type(exc).__name__, exc))
        results.append({"fact": name, "status": entry.status, "verdict": verdict, "expected": _expected(entry.value),
                        "captured": captured, "detail": detail, "source": entry.source})
    return results


def summary(results, capture=None):
    """Counts, and the inferred facts by verdict (what a capture is for)."""
    out = dict((verdict, sum(1 for r in results if r["verdict"] == verdict)) for verdict in VERDICTS)
    out["inferred"] = dict((verdict, [r["fact"] for r in results if r["status"] == INFERRED_MARK
                                      and r["verdict"] == verdict]) for verdict in VERDICTS)
    out["contradicted_facts"] = [r["fact"] for r in results if r["verdict"] == CONTRADICTED]
    if capture is not None:
        out["host"] = capture.get("host")
        out["version"] = capture.get("version")
    return out


def report_lines(results):
    """One line per fact, contradictions and inferred facts first, for people."""
    order = {CONTRADICTED: 0, CONFIRMED: 1, NOT_COVERED: 2}
    lines = []
    for r in sorted(results, key=lambda r: (order[r["verdict"]], r["status"] != INFERRED_MARK, r["fact"])):
        line = "%-12s %s (%s)" % (r["verdict"].upper().replace("_", " "), r["fact"], r["status"])
        if r["verdict"] == CONTRADICTED:
            line += ": expected %s, captured %s" % (json.dumps(r["expected"], sort_keys=True),
                                                    json.dumps(r["captured"], sort_keys=True))
        if r["detail"]:
            line += " - " + r["detail"]
        lines.append(line)
    return lines


def message(summary_):
    inferred = summary_["inferred"]
    text = ("%d facts: %d confirmed, %d contradicted, %d not covered by this capture"
            % (sum(summary_[v] for v in VERDICTS), summary_[CONFIRMED], summary_[CONTRADICTED], summary_[NOT_COVERED]))
    if summary_.get("version"):
        text = "AEM %s (%s): %s" % (summary_["version"], summary_.get("host"), text)
    text += "; inferred facts confirmed: %s; not covered: %s" % (", ".join(inferred[CONFIRMED]) or "none",
                                                                 ", ".join(inferred[NOT_COVERED]) or "none")
    if inferred[CONTRADICTED] or summary_["contradicted_facts"]:
        text += "; CONTRADICTED: %s (correct them in plugins/module_utils/_profiles.py)" % ", ".join(
            summary_["contradicted_facts"])
    return text


def load(path):
    """A capture file as a dict; a typed error for a missing or unreadable file."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            data = json.load(handle)
    except (IOError, OSError) as exc:
        raise CaptureFormatError("cannot read %s: %s" % (path, exc), attempted="read a capture")
    except ValueError as exc:
        raise CaptureFormatError("%s is not JSON: %s" % (path, exc), attempted="read a capture")
    return data
