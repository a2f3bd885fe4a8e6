# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Brand Portal domain rules: tenant URLs, cloud services of both models, their certificate and the
tenant's replication agents.  Paths and property names come from ``_profiles`` (one table).

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemNotFoundError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import validate_url, without_credentials
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    DEFAULT_IMS_URL,
    ORG_SUFFIX,
    TECHNICAL_ACCOUNT_SUFFIX,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    NAME_ON_CREATE,
    P_NAME,
    P_TITLE,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import (
    list_factory_instances,
    read_config,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import (
    NodeSpec,
    diff_for,
    ensure_present,
    redact_node,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    apply_brought_key_pair,
    describe_certificate,
    find_user,
    plan_brought_key_pair,
    verify_key_pair,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._plan import carry_out
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact, read_profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import (
    node_properties,
    property_changes,
    read_node,
    sling_post,
)

TENANT_HOST_SUFFIX = ".brand-portal.adobe.com"
DEFAULT_OAUTH_SCOPES = "dam-read dam-write dam-sync cc-share"  # AEM facts §6.3 (DEMO-UTILS)
CLASSIC_CREDENTIAL_OPTIONS = ("api_key", "technical_account_id", "org_id", "client_secret")


def validate_tenant_url(url, warn):
    """The tenant URL without a trailing slash; fails for anything but an absolute https URL."""
    expected = "expected the Brand Portal tenant URL such as https://acme.brand-portal.adobe.com"
    parts = urlsplit(url or "")
    if parts.username or parts.password:
        raise AemInputError("option tenant_url: %r carries a user name and password; %s (AEM authenticates to Brand "
                            "Portal with the IMS credential)" % (without_credentials(url), expected))
    if (url or "") != (url or "").strip():
        raise AemInputError("option tenant_url: %r starts or ends with whitespace; %s" % (url.strip(), expected))
    if parts.scheme != "https" or not parts.hostname:
        raise AemInputError("option tenant_url: %r is not an absolute https URL; %s" % (url, expected))
    if parts.query or parts.fragment:
        raise AemInputError("option tenant_url: %r is not an absolute https URL without query string or fragment; %s"
                            % (url, expected))
    if not parts.hostname.endswith(TENANT_HOST_SUFFIX):
        warn("option tenant_url: %s is not a *%s host; Brand Portal tenants usually are"
             % (parts.hostname, TENANT_HOST_SUFFIX))
    return url.rstrip("/")


def validate_credential_options(params):
    """Input errors of the credential options, before any request: an empty value or one surrounded by whitespace
    (a newline read from a file) would be written into AEM and fail only at replication."""
    what = {"api_key": "the client ID (API key) of the integration", "client_secret": "the client secret of the "
            "integration", "org_id": "the organization ID (...@AdobeOrg)", "technical_account_id": "the technical "
            "account ID (...@techacct.adobe.com)", "ims_config": "the id of an Adobe IMS configuration"}
    for option in CLASSIC_CREDENTIAL_OPTIONS + ("ims_config",):
        value = params.get(option)
        if value is not None and (not value.strip() or value != value.strip()):
            raise AemInputError("option %s: empty or surrounded by whitespace; expected %s, as the Adobe Developer "
                                "Console shows it (leave the option out until it is known)" % (option, what[option]))
    for option, suffix in (("org_id", ORG_SUFFIX), ("technical_account_id", TECHNICAL_ACCOUNT_SUFFIX)):
        value = params.get(option)
        if value is not None and not value.endswith(suffix):
            raise AemInputError("option %s: %r does not end with %s; expected %s from the Adobe Developer Console"
                                % (option, value, suffix, what[option]))
    problem = validate_url("authorization_server", params.get("authorization_server"), DEFAULT_IMS_URL,
                           "api_key and client_secret")
    if problem:
        raise AemInputError(problem)


def tenant_id(tenant_url):
    """``https://acme.brand-portal.adobe.com`` -> ``acme``: AEM names the MAC user after it."""
    return (urlsplit(tenant_url).hostname or "").split(".")[0].lower()


def mac_user_id(tenant_url):
    return fact("mac_user_id").format(tenant=tenant_id(tenant_url))


def validate_name(name):
    if not name or "/" in name or name.startswith(".") or any(c in name for c in ".:[]*|\"' "):
        raise AemInputError("option name: %r is not a usable node name; expected letters, digits, '-' or '_', "
                            "for example brand-portal" % name)
    return name


def cloudservice_path(root, name):
    return "%s/%s" % (root, name)


def tenant_agents(client, tenant_url):
    """The agents whose transportUri starts with ``<tenant URL>/`` (AEM facts §6.2), by name."""
    root = fact("agents_root")
    tree = read_node(client, root, depth=2, missing=(403, 404)) or {}
    prefix = tenant_url.rstrip("/") + "/"
    agents = []
    for name, page in sorted(tree.items()):
        if not isinstance(page, dict) or name.startswith(("jcr:", "rep:")):
            continue
        content = page.get("jcr:content")
        if not isinstance(content, dict):
            continue
        uri = content.get("transportUri") or ""
        if isinstance(uri, str) and uri.startswith(prefix):
            agents.append({"name": name, "path": "%s/%s" % (root, name), "title": content.get("jcr:title"),
                           "enabled": str(content.get("enabled", "false")).lower() == "true",
                           "transport_uri": uri, "user_id": content.get("userId")})
    return agents


def classic_certificate(client, name):
    """The public certificate AEM generated for a 6.3/6.4 cloud service (INFERRED download URL)."""
    path = fact("certificate_download_classic").format(name=name)
    response = client.get(path, "download the public certificate of cloud service %s" % name,
                          expected=(200, 403, 404))
    if response.status != 200:
        return None
    text = response.text
    return text if "BEGIN CERTIFICATE" in text else None


def node_name(path):
    return path.rstrip("/").rsplit("/", 1)[-1]


def missing_credentials(model, params, properties):
    """The options a complete configuration still lacks: neither given to the task nor held by the cloud service
    (``properties``, as it is after the task), so that updating one setting does not report the others missing."""
    stored = properties or {}
    if model == "ims":
        return [] if params["ims_config"] or stored.get("imsConfig") else ["ims_config"]
    names = fact("classic_credential_properties")
    return [option for option in CLASSIC_CREDENTIAL_OPTIONS if not params[option] and not stored.get(names[option])]


def ensure_mac_key_pair(client, tenant_url, key, cert, check_mode, keystore_password):
    """6.3/6.4 bring-your-own key pair: the MAC user's keystore holds the integration's key pair
    (AEM facts §6.4), so one certificate registered in the console can serve a whole fleet.

    The keystore routine is the one every brought key pair goes through (``_keystore``).
    Returns ``(changed, before, after)`` descriptions of the key pair (never the key).
    """
    alias = fact("mac_key_alias")
    after = describe_certificate(alias, cert)
    try:
        user = find_user(client, mac_user_id(tenant_url))
    except AemNotFoundError:
        if check_mode:
            # AEM creates the MAC user when the cloud service is saved, which check mode did not do.
            return True, None, after
        raise
    plan = plan_brought_key_pair(client, user, alias, cert)

    def write():
        apply_brought_key_pair(client, plan, key, cert, keystore_password)
        verify_key_pair(client, plan, cert, user)

    carry_out({"changed": plan.changed}, check_mode, write)
    return plan.changed, plan.before, after


def detect_profile(client):
    return read_profile(client)


def cloudservice_root(model):
    return fact("ims_cloudservice_root") if model == "ims" else fact("legacy_cloudservice_root")


def ensure_classic(client, path, title, tenant_url, params, check_mode):
    """6.3/6.4: a cq:Page whose jcr:content holds the tenant URL and the integration's credentials.

    Saving it is what makes AEM generate the key pair, the MAC user and the four agents.
    ``title`` None keeps the title of an existing page; a new page is titled with its node name.
    Returns ``(result, properties)``.
    """
    names = fact("classic_credential_properties")
    props = {"sling:resourceType": fact("cloudservice_resource_type"),
             names["tenant_url"]: tenant_url, names["authorization_server"]: params["authorization_server"].rstrip("/")}
    for option in ("api_key", "technical_account_id", "org_id"):
        if params[option]:
            props[names[option]] = params[option]
    secrets = {names["client_secret"]: params["client_secret"]} if params["client_secret"] else {}
    page = ensure_present(client, NodeSpec(path, primary_type="cq:Page"), check_mode)
    if title is not None or page["changed"]:
        props["jcr:title"] = title if title is not None else node_name(path)
    content = ensure_present(client, NodeSpec(path + "/jcr:content", props, primary_type="nt:unstructured",
                                              secrets=secrets, secret_update=params["client_secret_update"]),
                             check_mode)
    result = {"changed": page["changed"] or content["changed"], "diff": content["diff"],
              "predicted": check_mode and content["changed"]}
    return result, content["node"]


def ims_configurations(client):
    """``[(id, title)]`` of the Adobe IMS configurations (token providers) of this AEM, by title."""
    found = []
    for pid in list_factory_instances(client, fact("ims_provider_factory")):
        config = read_config(client, pid)
        if config is not None:
            found.append((str(config.properties.get(P_NAME) or ""), str(config.properties.get(P_TITLE) or "")))
    return sorted(found, key=lambda item: (item[1], item[0]))


def check_ims_config_reference(client, ims_config):
    """Fail unless ``ims_config`` is the id of an existing Adobe IMS configuration.

    AEM's servlet stores any value, and a cloud service that references no configuration fails only
    later, at replication; so a dangling reference is refused before anything is written.
    """
    existing = ims_configurations(client)
    if any(config_id == ims_config for config_id, _title in existing):
        return
    by_title = [config_id for config_id, title in existing if title.strip() == ims_config.strip() and config_id]
    if by_title:
        raise AemInputError("option ims_config: %r is the title of an Adobe IMS configuration, not its id; expected "
                            "the id (accessTokenConfigId), here %r, as aemtools.brand_portal.aem_ims_config returns it "
                            "in ims_config.id" % (ims_config, by_title[0]))
    if existing:
        listed = ", ".join("%r (id %r)" % (title or "untitled", config_id or "none") for config_id, title in existing)
        raise AemInputError("option ims_config: %r is not the id of any Adobe IMS configuration on this AEM; expected "
                            "the id (accessTokenConfigId) of one of: %s" % (ims_config, listed))
    raise AemInputError("option ims_config: %r is not the id of any Adobe IMS configuration: this AEM has none; "
                        "create it first with aemtools.brand_portal.aem_ims_config and pass its ims_config.id"
                        % ims_config)


def ensure_ims_model(client, path, title, tenant_url, params, check_mode):
    """6.5: a cloud service saved through AEM's own servlet, referencing an IMS configuration.

    The servlet (AEM facts §6.3) writes on every call, so it is called only when something
    differs; ``item=<path>`` edits the page (INFERRED), which lets the node name be the user's.
    ``title`` None keeps the title of an existing cloud service; a new one is titled with its node name.
    Returns ``(result, properties)``.
    """
    content_path = path + "/jcr:content"
    current = read_node(client, content_path)
    current_props = node_properties(current) or {}
    if title is None:
        title = current_props.get("jcr:title") or node_name(path)
    desired = {"jcr:title": title, "tenantURL": tenant_url, "oauthScopes": params["oauth_scopes"],
               "sling:resourceType": fact("cloudservice_resource_type")}
    if params["ims_config"]:
        desired["imsConfig"] = params["ims_config"]
    to_set = property_changes(current, desired)[0]
    # Checked only when the reference changes (a re-run costs no extra reads); in check mode the placeholder
    # aem_ims_config returns for a configuration the same run would create is the one reference that cannot exist yet.
    if "imsConfig" in to_set and not (check_mode and params["ims_config"] == NAME_ON_CREATE):
        check_ims_config_reference(client, params["ims_config"])
    before = dict((k, current_props[k]) for k in to_set if k in current_props)
    result = {"changed": bool(to_set), "diff": diff_for(content_path, redact_node(before), redact_node(to_set)),
              "predicted": check_mode and bool(to_set)}

    def predict():
        predicted = dict(current_props)
        predicted.update(to_set)
        return {"properties": redact_node(predicted)}

    def write():
        if current is None:
            sling_post(client, path, [("_charset_", "utf-8"), ("jcr:primaryType", "cq:Page"),
                                      ("jcr:content/jcr:primaryType", "nt:unstructured"),
                                      ("jcr:content/jcr:title", title)], "create cloud service page %s" % path)
        form = [("_charset_", "utf-8"), ("item", path), ("name", title), ("tenantURL", tenant_url),
                ("oauthScopes", params["oauth_scopes"]), ("sling:resourceType", fact("cloudservice_resource_type"))]
        if params["ims_config"]:
            form.append(("imsConfig", params["ims_config"]))
        # Safe to repeat after a lost answer: the form carries every setting of the page, which exists by now (item =
        # its path: an edit), and AEM keeps four agents per tenant ("Four replication agents are created for each
        # tenant", AEM facts §6.3), so a second save adds none; the page is read back and verified below.
        client.post(fact("cloudservice_servlet"), "save Brand Portal cloud service %s" % path, data=form,
                    headers={"Accept": "application/json"}, idempotent=True)
        end = read_node(client, content_path)
        wrong = sorted(property_changes(end, desired)[0]) if end is not None else ["(node missing)"]
        if wrong:
            raise AemUnexpectedResponseError("AEM saved the cloud service but these properties do not hold the "
                                             "requested values when read back: %s" % ", ".join(wrong), method="GET",
                                             path=content_path, attempted="verify cloud service %s" % path)
        return {"properties": redact_node(end)}

    result = carry_out(result, check_mode, write, predict)
    return result, result.pop("properties")
