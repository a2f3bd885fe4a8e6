"""INFERRED: every behaviour of the mock AEM author that the reference does NOT verify.

``../shared/reference/aem-http-api.md`` labels each fact VERIFIED or INFERRED. VERIFIED facts are
implemented directly in the app modules. Everything the mock does on an INFERRED basis (or a
choice where the reference leaves the behaviour open) is a named constant in THIS table, with a
comment saying what is inferred and why, so that a capture from a real AEM can correct it in one
place. Version-profile facts (which AEM version has which feature or format) live here too.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- version profile

VERSION_PROFILE = {
    # Sling POST servlet bundle per AEM line. 6.5 = 2.3.26 is VERIFIED (§1.5, a public 6.5 stack
    # trace). 6.3 and 6.4 are INFERRED: the reference did not find them. We pick versions inside
    # the javax.json range (2.3.16..2.3.22, Sling 2017 releases) because 6.3 (2017) and 6.4 (Apr
    # 2018, before SLING-7346 shipped widely) are plausible there; this makes the mock strict:
    # clients must accept string-valued status codes.
    "sling_post_bundle": {"6.3": "2.3.16", "6.4": "2.3.22", "6.5": "2.3.26"},
    # AEM lines whose Sling POST JSON answer renders every top-level value as a string
    # ("status.code":"201", "isCreate":"true"). Follows from the bundle choice above (§1.5):
    # 6.5 numbers (VERIFIED), 6.3/6.4 strings (our INFERRED choice).
    "post_json_top_level_strings": ("6.3", "6.4"),
    "features": {
        # Adobe IMS configuration model for Brand Portal: VERIFIED minimums (§6.1) 6.3.3.8,
        # 6.4.8.0, 6.5.4.0; kept here so every version decision is in one table.
        "ims_configuration": {"6.3": "6.3.3.8", "6.4": "6.4.8.0", "6.5": "6.5.4.0"},
        # OAuth server-to-server (client_credentials) grant in the IMS token provider (§7.2,
        # AEM65-OAUTH). INFERRED minimum: the Adobe doc is a 6.5 doc written for the 2023/2024 JWT
        # deprecation; we take 6.5.18.0 (first SP after the deprecation notice) and no 6.3/6.4.
        "oauth_client_credentials": {"6.5": "6.5.18.0"},
        # Parallel publishing (four agents per tenant): VERIFIED from 6.3.0.2 CFP on (§6.1).
        "brand_portal_parallel_agents": {"6.3": "6.3.0.2", "6.4": "6.4.0.0", "6.5": "6.5.0.0"},
    },
    # Number of bundles in the mock's bundles.json per AEM line. INFERRED ballpark figures from
    # public console screenshots (6.3 ~ 480, 6.4 ~ 560, 6.5 ~ 600); only the shape is verified.
    "bundle_count": {"6.3": 480, "6.4": 560, "6.5": 600},
    # Sling / Granite bundle versions shown in bundles.json (only the POST one has a source).
    "bundle_versions": {
        "6.3": {"org.apache.sling.servlets.get": "2.1.22", "org.apache.sling.engine": "2.6.8"},
        "6.4": {"org.apache.sling.servlets.get": "2.1.28", "org.apache.sling.engine": "2.6.12"},
        "6.5": {"org.apache.sling.servlets.get": "2.1.40", "org.apache.sling.engine": "2.6.18"},
    },
}

# --------------------------------------------------------------------------- product info

# status-productinfo.json is VERIFIED to be a JSON array of the product-info text lines (§9.2).
# The line texts are INFERRED from a consumer (cognifide secure-aem LatestSecurityHotfixTest reads
# the line after "Installed Products" and takes the text between "Adobe Experience Manager (" and
# ")" as the four-part version).
PRODUCT_INFO_LINES = ["Installed Products", "  Adobe Experience Manager ({version})", ""]

# --------------------------------------------------------------------------- Sling GET

# json.maximumresults of org.apache.sling.servlets.get.DefaultGetServlet on AEM (§2): INFERRED
# 1000 (Sling's own default is 200). Overridable with --json-max-results.
JSON_MAX_RESULTS = 1000

# Decimal properties: the reference verifies only String/Long/Double/Boolean rendering. INFERRED:
# BigDecimal is written with String.valueOf, i.e. as a JSON string.
DECIMAL_AS_STRING = True

# GET of a path ending in "/" (the target of the 302 of an extensionless GET): INFERRED that
# DefaultGetServlet's index listing is off by default, so Sling answers 403.
TRAILING_SLASH_STATUS = 403

# Extensions the default GET servlet renders; others give 404. INFERRED (Sling registers
# json/html/txt/res renderers; xml rendering is not in the verified source).
GET_EXTENSIONS = ("json", "html", "txt")

# GET of a missing path below a dot-containing segment (e.g. /etc/replication/agents.author/x,
# extensionless): RUBY_AEM#9 saw 403 or 404 (§1.3). The mock answers 403, the stricter of the two
# (clients must treat it as "not found").
MISSING_BELOW_DOTTED_GET_STATUS = 403

# --------------------------------------------------------------------------- Sling POST

# Delete of a missing path below a dotted segment -> 403 (§1.3 INFERRED explanation of the
# VERIFIED agents.author behaviour); the message reuses SLING-3203's text.
DELETE_SUFFIX_MESSAGE = "DeleteOperation request cannot include any selectors, extension or suffix"

# With no Accept header Sling treats the client as accepting */*, and the POST answer is HTML
# (§1.4 INFERRED from the prefer() logic). JSON only when application/json ranks higher.
POST_JSON_ONLY_WHEN_PREFERRED = True

# HTTP DELETE on content: 405 "Method DELETE not supported" (§1.1: VERIFIED on AEM >= 6.1, the
# mock answers 405 on every version, INFERRED for 6.3-6.5 alike).
DELETE_METHOD_STATUS = 405

# --------------------------------------------------------------------------- auth

# Anonymous requests to protected content (§4 INFERRED): browser-like clients (User-Agent with
# "Mozilla" or "Opera") get a 302 to the login page; others get 401 + WWW-Authenticate.
ANON_BROWSER_REDIRECT = True
LOGIN_PAGE = "/libs/granite/core/content/login.html"

# Paths served to anonymous users (the login page is VERIFIED anonymous; j_security_check is the
# form handler; token.json answering anonymous users with {} is INFERRED from the Granite CSRF
# servlet, which only issues tokens to authenticated users).
ANONYMOUS_PATHS = (
    "/libs/granite/core/content/login.html",
    "/libs/granite/csrf/token.json",
)
ANON_CSRF_TOKEN_BODY = {}

# Form login without j_validate (§4: "Without j_validate the response is a redirect"): INFERRED
# targets: success -> the `resource` parameter or "/"; failure -> the login page with
# j_reason=invalid_login.
FORM_LOGIN_FAIL_REDIRECT = "/libs/granite/core/content/login.html?j_reason=invalid_login"

# --------------------------------------------------------------------------- CSRF / referrer

# Browser detection (§3): INFERRED to match the Sling Referrer filter: "Mozilla" or "Opera" in the
# User-Agent.
BROWSER_UA_MARKERS = ("Mozilla", "Opera")
# CSRF filter.methods (§3: VERIFIED for an AEMaaCS dump; INFERRED equal on 6.x)
CSRF_METHODS = ("POST", "PUT", "DELETE")
# CSRF token lifetime (CSRFServlet csrf.token.expires.in min 600 s; INFERRED default 600).
CSRF_TOKEN_TTL = 600
# Response body of a CSRF rejection: INFERRED (the filter sends a bare 403); the log line is
# VERIFIED text.
CSRF_LOG_EMPTY = "com.adobe.granite.csrf.impl.CSRFFilter isValidRequest: empty CSRF token - rejecting"
CSRF_LOG_INVALID = "com.adobe.granite.csrf.impl.CSRFFilter isValidRequest: invalid CSRF token - rejecting"
# Referrer filter allow.empty on AEM 6.x: INFERRED false (newer Sling default).
REFERRER_ALLOW_EMPTY = False

# --------------------------------------------------------------------------- replication

# Failure text of <agent>.test.html (§5.3: no source). INFERRED: 200, the error lines, and a final
# "Replication test failed". Never contains "succeeded".
AGENT_TEST_FAILED_LINE = "Replication test failed"
# Transport URI schemes the mock accepts as "syntactically valid" for ordinary agents (INFERRED:
# AEM transport handlers exist for http(s) and repo://; flush agents use http(s)).
AGENT_TRANSPORT_SCHEMES = ("http", "https", "repo")
# Queue "type" names (§5.4 INFERRED from ReplicationActionType.getName()).
QUEUE_ITEM_TYPE = "Activate"
# Queue commands retry/resume (§5.4: INFERRED, no source): resume clears isPaused; retry clears the
# blocked state (nextRetryTime) and processes the head item once.
QUEUE_COMMANDS = ("clear", "pause", "resume", "retry")
# Answer of a queue command: INFERRED 200 with a small JSON status (no source shows the body).
QUEUE_COMMAND_BODY = {"status": True}

# Default replication agents of a fresh author (INFERRED from the standard AEM 6.x install: the
# "publish" agent to localhost:4503, a disabled dispatcher flush agent, the reverse agent).
DEFAULT_AGENTS = {
    "agents.author": {
        "publish": {
            "jcr:title": "Default Agent", "jcr:description": "Agent that replicates to the default publish instance.",
            "enabled": "true", "transportUri": "http://localhost:4503/bin/receive?sling:authRequestLogin=1",
            "transportUser": "admin", "serializationType": "durbo", "retryDelay": "60000", "logLevel": "info",
            "ssl": "default", "userId": "admin",
        },
        "publish_reverse": {
            "jcr:title": "Reverse Replication Agent", "enabled": "true", "reverseReplication": "true",
            "transportUri": "http://localhost:4503/bin/receive?sling:authRequestLogin=1",
            "transportUser": "admin", "serializationType": "durbo", "retryDelay": "60000", "logLevel": "info",
        },
        "flush": {
            "jcr:title": "Dispatcher Flush", "enabled": "false", "serializationType": "flush",
            "transportUri": "http://localhost:80/dispatcher/invalidate.cache", "protocolHTTPMethod": "GET",
            "retryDelay": "60000", "logLevel": "info",
        },
    },
    "agents.publish": {
        "flush": {
            "jcr:title": "Dispatcher Flush", "enabled": "false", "serializationType": "flush",
            "transportUri": "http://localhost:80/dispatcher/invalidate.cache", "retryDelay": "60000",
        },
    },
}

# --------------------------------------------------------------------------- configMgr

# Generated PID suffix of a new factory configuration (§9.1 INFERRED: a UUID, Felix ConfigAdmin).
FACTORY_PID_UUID = True
# configMgr redirect after update: VERIFIED 302 to /system/console/configMgr/<pid>; INFERRED that
# the body is empty.
# Bundle location shown for IMS configurations (INFERRED; the real bundle name is not in a source).
IMS_BUNDLE_LOCATION = "Adobe Granite Auth OAuth (com.adobe.granite.auth.oauth), Version 1.4.6"
IMS_CUSTOMIZER_BUNDLE_LOCATION = "Adobe Granite IMS Authentication (com.adobe.granite.auth.ims), Version 1.4.10"

# Metatype of the IMS PIDs (§7.2 property names and descriptions are VERIFIED; the labels (names),
# types and defaults are INFERRED from the descriptions).
IMS_PROVIDER_FPID = "com.adobe.granite.auth.oauth.accesstoken.provider"
IMS_CUSTOMIZER_FPID = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
# (id, label, type, default, description, cardinality: 0 single / >0 array)
METATYPES = {
    IMS_PROVIDER_FPID: {
        "title": "Adobe Granite OAuth Access Token Provider",
        "description": "Provides access tokens to services in the Adobe Experience Cloud",
        "bundle": IMS_BUNDLE_LOCATION,
        "properties": [
            ("name", "Name", 1, "", "The name of the AccessTokenProvider", 0),
            ("auth.token.provider.title", "Title", 1, "", "Title used in configuration wizards", 0),
            ("auth.token.provider.default.claims", "Default Claims", 1, [],
             'Default JWT Claims in format <claim-key>:<claim-value> (e.g. aud:"service.audience.com"). '
             "Note: the string values must be provided in double quotes!", 100),
            ("auth.token.provider.endpoint", "Endpoint", 1, "",
             "Authorization server API endpoint (e.g. gateway-api.omniture.com)", 0),
            ("auth.access.token.request", "Access Token Request", 1, "https://%s/ims/exchange/jwt",
             "Format to build the access token request URL against the configured end point. The '%s' "
             "in the format is replaced by the end point.", 0),
            ("auth.token.provider.keypair.alias", "KeyPair Alias", 1, "",
             "Alias to get the key pair from the user KeyStore", 0),
            ("auth.token.provider.conn.timeout", "Connection Timeout", 3, 10000, "Connection timeout in ms", 0),
            ("auth.token.provider.so.timeout", "Socket Timeout", 3, 10000, "Socket timeout in ms", 0),
            ("auth.token.provider.client.id", "Client ID", 1, "", "Client Identifier for the authorization server", 0),
            ("auth.token.provider.authorization.grants", "Authorization Grants", 1,
             "urn:ietf:params:oauth:grant-type:jwt-bearer", "The authorization grant type", 0),
            ("auth.token.provider.orgId", "Organization ID", 1, "", "The IMS organization ID", 0),
            ("auth.token.provider.scope", "Scope", 1, "",
             "The scope passed as request parameter to the authorization server", 0),
            ("auth.token.provider.reuse.access.token", "Reuse Access Token", 11, True,
             "Cache tokens until they expire", 0),
            ("auth.token.provider.relaxed.ssl", "Relaxed SSL", 11, False, "MUST be disabled in production", 0),
            ("token.request.customizer.type", "Token Request Customizer Type", 1, "",
             "name for referencing the token request customizer implementation", 0),
            ("auth.token.validator.type", "Token Validator Type", 1, "",
             "name for referencing the token validator implementation", 0),
        ],
    },
    IMS_CUSTOMIZER_FPID: {
        "title": "Adobe Granite IMS Access Token Request Customizer",
        "description": "Customizes the access token request for Adobe IMS",
        "bundle": IMS_CUSTOMIZER_BUNDLE_LOCATION,
        "properties": [
            ("auth.ims.client.secret", "Client Secret", 12, "",
             "Adobe IMS requires a valid client secret to be sent in the access token request.", 0),
            ("customizer.type", "Customizer Type", 1, "",
             "This name should uniquely identify the request customizer type.", 0),
        ],
    },
}
# OAuth-era provider properties exist only where the version has the client-credentials grant.
OAUTH_ONLY_PROVIDER_PROPERTIES = ("auth.token.provider.authorization.grants", "auth.token.provider.orgId")

# Singleton PIDs with configurations on a fresh instance (INFERRED minimal set; only the PIDs the
# reference names).
SINGLETON_PIDS = {
    "org.apache.sling.servlets.get.DefaultGetServlet": {
        "title": "Apache Sling GET Servlet", "bundle": "Apache Sling Servlets GET",
        "properties": [("json.maximumresults", "JSON Max Results", 3, 1000,
                        "The maximum number of resources that should be returned when doing a node.5.json or node.infinity.json.", 0)],
    },
    "com.adobe.granite.csrf.impl.CSRFFilter": {
        "title": "Adobe Granite CSRF Filter", "bundle": "Adobe Granite CSRF",
        "properties": [
            ("filter.methods", "Filter Methods", 1, ["POST", "PUT", "DELETE"], "Filter Methods", 10),
            ("filter.enable.safe.user.agents", "Filter Enable Safe UserAgents", 11, False,
             "If this setting is enabled, browser and not browser agents will be checked by the filter. "
             "If this setting is disabled, only browsers will be checked, non-browser clients will not be "
             "checked by the filter. The Safe User Agents will never be checked regardless of this setting.", 0),
            ("filter.safe.user.agents", "Safe User Agents", 1, [], "Safe User Agents", 10),
            ("filter.excluded.paths", "Excluded Paths", 1, [], "Excluded Paths", 10),
        ],
    },
}

# --------------------------------------------------------------------------- keystores / crypto

# Keystore "store.p12" binary: the mock stores a JSON document (not a real PKCS#12) because
# cryptography cannot serialise several private-key entries into one PKCS#12. INFERRED/mock-only.
KEYSTORE_FORMAT = "mock-json-keystore"
# notBefore/notAfter text format in .ks.json (VERIFIED example "Sun Jul 01 12:00:00 AEST 2018",
# i.e. java.util.Date.toString()); the zone name is INFERRED "UTC" on the mock.
KEYSTORE_DATE_FORMAT = "%a %b %d %H:%M:%S UTC %Y"
# Answer of .ks.html operations: INFERRED 200 with a small HTML page (status only verified).
# Crypto: "{" + 64+ hex chars + "}" is VERIFIED; the cipher is mock-only (AES-GCM, random IV).

# --------------------------------------------------------------------------- querybuilder

# Only the authorizableId query shape of §7.3 is supported; the extra top-level keys are INFERRED
# from the QueryBuilder JSON servlet (results, total, more, offset).
QUERYBUILDER_EXTRA_KEYS = True

# Service users the mock creates on a fresh instance (INFERRED node paths, §7.3).
SYSTEM_USERS = {
    "brandportal-imsconfig-service": "/home/users/system/brandportal-imsconfig-service",
    "authentication-service": "/home/users/system/authentication-service",
}

# --------------------------------------------------------------------------- readiness

# bundles.json while "starting": INFERRED that a few bundles report Starting (stateRaw 8) and one
# Resolved (stateRaw 4) until the instance is ready.
STARTING_BUNDLES = 3
RESOLVED_BUNDLES = 1

# --------------------------------------------------------------------------- node types

# Default primary type of a node the Sling POST servlet creates without jcr:primaryType, per
# parent type (JCR node type definitions as shipped; INFERRED from the CNDs of sling:Folder,
# sling:OrderedFolder and cq:Page; types not listed default to nt:unstructured). A parent whose
# entry has no "*" key refuses other children: 500 ConstraintViolationException, as a cq:Page
# (default child type nt:base, abstract) does. So creating an agent page under agents.author
# requires jcr:primaryType=cq:Page, as every client in the reference sends (§5.1/5.2).
DEFAULT_CHILD_TYPES = {
    "sling:Folder": {"*": "sling:Folder"},
    "sling:OrderedFolder": {"*": "sling:OrderedFolder"},
    "cq:Page": {"jcr:content": "nt:unstructured"},
    "nt:folder": {},
    "nt:file": {},
}

# Node types of the replication tree (INFERRED from a standard install: /etc/replication is a
# sling:Folder, agents.<runmode> and every agent are cq:Page with a jcr:content).
AGENTS_ROOT_TYPE = "cq:Page"

# Status of a failing .ks.html operation (wrong password, no keystore, unreadable file):
# INFERRED 500 (AEM's keystore servlet lets the KeyStore exception escape); success is 200 for
# every operation (the reference allows 200 or 201).
KEYSTORE_ERROR_STATUS = 500

# Login page while the instance is still starting (readiness option): INFERRED 503 with a page
# that lacks QUICKSTART_HOMEPAGE (Sling's "starting" page), so the RUBY_AEM probe keeps waiting.
STARTING_LOGIN_STATUS = 503

# --------------------------------------------------------------------------- smaller choices

# Unknown queue command (cmd=...): INFERRED 400 (no source shows the answer).
QUEUE_UNKNOWN_COMMAND_STATUS = 400
# move/copy whose destination parent is missing: INFERRED 500 (javax.jcr.PathNotFoundException from
# Session.move, turned into 500 by AbstractPostOperation, §1.3).
MOVE_MISSING_PARENT_STATUS = 500
# :operation=import content types the mock implements (json only; xml/zip/jar answer 500 here).
IMPORT_CONTENT_TYPES = ("json",)
# POST /system/console/crypto/.json without datum: INFERRED 400.
CRYPTO_MISSING_DATUM_STATUS = 400
# POST /system/console/bundles/<name> action=start|stop: the 200 is VERIFIED; the body
# {"fragment": bool, "stateRaw": int} is INFERRED from Felix BundlesServlet.
BUNDLE_ACTION_BODY_KEYS = ("fragment", "stateRaw")
# Referrer filter: hosts allowed besides the request's own Host (INFERRED: AEM's default
# allow.hosts is empty, but the mock always serves on loopback, so localhost and 127.0.0.1 are the
# same host).
REFERRER_EXTRA_HOSTS = ("localhost", "127.0.0.1")
# prop@Encrypted on a Sling POST (§1.2 INFERRED from DEMO-UTILS): the value is stored protected
# as {hex} with the instance's crypto key.
ENCRYPTED_SUFFIX = True
# An unknown or expired login-token cookie: INFERRED the request continues anonymously (the token
# handler does not authenticate it), so protected paths then answer 401.
UNKNOWN_LOGIN_TOKEN_IS_ANONYMOUS = True
