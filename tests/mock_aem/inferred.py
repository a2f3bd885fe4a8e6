"""INFERRED: the one table of every behaviour of the mock that the reference does NOT verify.

The reference (``../shared/reference/aem-http-api.md`` for the AEM author,
``../shared/reference/adobe-ims.md`` for Adobe IMS; both cover Brand Portal) labels each fact
VERIFIED or INFERRED. VERIFIED facts are implemented directly in the app modules, next to the
section of the reference that backs them. Everything the mock does on an INFERRED basis, every
choice where the reference leaves the behaviour open, and the mock-only conventions are entries of
:data:`INFERRED` below, each with the reason for the choice, so that a capture from a real AEM,
IMS or Brand Portal corrects it in one place. Version-profile facts (which AEM version has which
feature or format) live here too.

Code reads the values from this table (never a literal copy) with :func:`value`. Keys are grouped
by the component that uses them:

* ``aem.*``     the mock AEM author (``aem.py``, ``sling_get.py``, ``sling_post.py``,
                ``replication.py``, ``console.py``, ``keystore.py``, ``version.py``);
* ``aem.bp.*``  the AEM-side Brand Portal model (``aem_brand_portal.py``);
* ``ims.*``     the mock Adobe IMS (``ims.py``);
* ``bp.*``      the mock Brand Portal (``brand_portal.py``).

``python -m tests.mock_aem.inferred`` prints the table (key, value, reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterator, Tuple


@dataclass(frozen=True)
class Inferred:
    """One INFERRED fact: the value the mock uses and why it was chosen."""

    value: Any
    why: str


# Names several entries share (the METATYPES entry refers to them).
_IMS_PROVIDER_FPID = "com.adobe.granite.auth.oauth.accesstoken.provider"
_IMS_CUSTOMIZER_FPID = "com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl"
_IMS_BUNDLE_LOCATION = "Adobe Granite Auth OAuth (com.adobe.granite.auth.oauth), Version 1.4.6"
_IMS_CUSTOMIZER_BUNDLE_LOCATION = "Adobe Granite IMS Authentication (com.adobe.granite.auth.ims), Version 1.4.10"

INFERRED: Dict[str, Inferred] = {
    # ================================================================== AEM author (aem-http-api.md)
    # ------------------------------------------------------------------ version profile
    "aem.version_profile": Inferred(
        {
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
                # OAuth Server-to-Server (client_credentials) grant in the IMS token provider (§7.2,
                # AEM65-OAUTH): VERIFIED native from 6.5.21.0 (SP21, NPR-41994; adobe-ims.md §4.6
                # [AEM65-RN], [AEM65-JWTDEP] "Service Pack 21 and higher will automatically include
                # it"); never on 6.3/6.4 (no entry for those lines).
                "oauth_client_credentials": {"6.5": "6.5.21.0"},
                # The same grant through Adobe's compatibility hotfix ims-jwt-compatibility-package-
                # 6.5-1.0.zip (option --ims-oauth-hotfix): VERIFIED for SP11 to SP20 (adobe-ims.md §4.6
                # [AEM65-IMS] "back ported ... starting with Service Pack 11 up to Service Pack 20 with
                # the use of a hotfix"). The minimum is here; from the native version on the hotfix
                # changes nothing. How an installed hotfix shows: entry aem.ims_oauth_hotfix.
                "oauth_client_credentials_hotfix": {"6.5": "6.5.11.0"},
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
        },
        "Which AEM version has which feature or answer format; the reason for each choice is the "
        "comment next to it (6.5's Sling POST 2.3.26, the Brand Portal minimums and the OAuth "
        "Server-to-Server versions - native from 6.5.21.0, with the hotfix from 6.5.11.0, adobe-ims.md "
        "§4.6 - are VERIFIED, the rest is INFERRED).",
    ),
    "aem.ims_oauth_hotfix": Inferred(
        {
            # AEM lines that can install the hotfix at all (--ims-oauth-hotfix elsewhere: exit 2).
            "lines": ("6.5",),
            # The installed package as the repository shows it.
            "package_path": "/etc/packages/adobe/cq650/hotfix/ims-jwt-compatibility-package-6.5-1.0.zip",
            "definition": {"group": "adobe/cq650/hotfix", "name": "ims-jwt-compatibility-package-6.5",
                           "version": "1.0"},
        },
        "adobe-ims.md §4.6 VERIFIES the package name ims-jwt-compatibility-package-6.5-1.0.zip, its "
        "Software Distribution folder .../cq650/hotfix/ and the range it serves (SP11-SP20, see "
        "aem.version_profile). The reference does not say how an installed hotfix shows on the "
        "instance; the mock's choice (INFERRED): an installed package node at package_path (nt:file, "
        "jcr:content/vlt:definition with group/name/version and lastUnpacked, as FileVault stores "
        "installed packages; /etc/packages, Package Manager's store, exists on every instance), group taken from the "
        "download folder; the configMgr metatype of the IMS "
        "token provider then lists the OAuth properties (aem.oauth_only_provider_properties) and the "
        "update servlet accepts authType=oauth. Mock choices where Adobe is silent: on 6.3/6.4 the "
        "option is refused (it is a 6.5 package); on 6.5.0.0-6.5.10.x the package is installed but "
        "gives no OAuth (the backport starts at SP11); from 6.5.21.0 the option is ignored (SP21 "
        "includes the fix: no package node, nothing changes). The collection decides by version "
        "(plugins/module_utils/_profiles.py OAUTH_HOTFIX_FROM) and, in aem_bp_preflight, looks for this "
        "package node (its fact oauth_hotfix_package).",
    ),
    "aem.cloud_service": Inferred(
        {
            # --aem-version cloud: this release, the one in the capture cited below
            "release": "2025.11.23482.20251120T200914Z",
            # releases accepted as --aem-version: year.month.build, optionally .timestamp and the SDK
            # API's -yymm00 suffix (2024.6.16971.20240628T122619Z-240600)
            "release_pattern": r"20\d\d\.(?:[1-9]|1[0-2])\.\d+(?:\.\d{8}T\d{6}Z)?(?:-\d{6})?",
            # the 6.5 version whose formats and features the mock uses for every other answer
            "behaves_as": "6.5.21.0",
        },
        "AEM as a Cloud Service author. VERIFIED (not in aem-http-api.md; public sources): its product "
        "information names the release as 'Adobe Experience Manager (2025.11.23482.20251120T200914Z)' "
        "(Netcentric/aem-classification aem-classification-maven-plugin src/test/resources/productinfo.txt, a "
        "redacted capture, read through /system/console/status-productinfo.txt); the SDK API carries the "
        "release with a -yymm00 suffix (wcm-io/io.wcm.maven.parent aem-dependencies.md); the local SDK "
        "quickstart has the OSGi Web Console (Adobe, 'Debugging AEM SDK using the OSGi web console'), Adobe's "
        "cloud environments do not ('Notable changes to AEM as a Cloud Service': the Web Console is not "
        "available) - the mock answers as the SDK does, a test simulates a cloud environment with a fault on "
        "^/system/console/ (the status such a URL gets there is not verified); Brand Portal is activated "
        "from Cloud Manager, not configured on the author (seed 002). INFERRED: every other answer (Sling, "
        "replication, IMS configurations) follows the 6.5 version behaves_as; Adobe IMS login of users and "
        "the absence of replication agents there are not modelled, since the collection stops at the "
        "product information.",
    ),
    # ------------------------------------------------------------------ product info
    "aem.product_info_lines": Inferred(
        ["Installed Products", "  Adobe Experience Manager ({version})", ""],
        "status-productinfo.json is VERIFIED to be a JSON array of the product-info text lines (§9.2). "
        "The line texts are INFERRED from a consumer (cognifide secure-aem LatestSecurityHotfixTest reads "
        "the line after \"Installed Products\" and takes the text between \"Adobe Experience Manager (\" "
        "and \")\" as the four-part version).",
    ),
    # ------------------------------------------------------------------ Sling GET
    "aem.json_max_results": Inferred(
        1000,
        "json.maximumresults of org.apache.sling.servlets.get.DefaultGetServlet on AEM (§2): INFERRED "
        "1000 (Sling's own default is 200). Overridable with --json-max-results.",
    ),
    "aem.decimal_as_string": Inferred(
        True,
        "Decimal properties: the reference verifies only String/Long/Double/Boolean rendering. INFERRED: "
        "BigDecimal is written with String.valueOf, i.e. as a JSON string.",
    ),
    "aem.trailing_slash_status": Inferred(
        403,
        "GET of a path ending in \"/\" (the target of the 302 of an extensionless GET): INFERRED that "
        "DefaultGetServlet's index listing is off by default, so Sling answers 403.",
    ),
    "aem.get_extensions": Inferred(
        ("json", "html", "txt"),
        "Extensions the default GET servlet renders; others give 404. INFERRED (Sling registers "
        "json/html/txt/res renderers; xml rendering is not in the verified source).",
    ),
    "aem.missing_below_dotted_get_status": Inferred(
        403,
        "GET of a missing path below a dot-containing segment (e.g. /etc/replication/agents.author/x, "
        "extensionless): RUBY_AEM#9 saw 403 or 404 (§1.3). The mock answers 403, the stricter of the two "
        "(clients must treat it as \"not found\").",
    ),
    # ------------------------------------------------------------------ Sling POST
    "aem.delete_suffix_message": Inferred(
        "DeleteOperation request cannot include any selectors, extension or suffix",
        "Delete of a missing path below a dotted segment -> 403 (§1.3 INFERRED explanation of the "
        "VERIFIED agents.author behaviour); the message reuses SLING-3203's text.",
    ),
    "aem.post_json_only_when_preferred": Inferred(
        True,
        "With no Accept header Sling treats the client as accepting */*, and the POST answer is HTML "
        "(§1.4 INFERRED from the prefer() logic). JSON only when application/json ranks higher.",
    ),
    "aem.unsupported_method": Inferred(
        {"status": 405, "message": "Method {method} not supported", "allow_header": None},
        "Any HTTP method no servlet handles on an author port (HTTP DELETE, PUT, PATCH, a lowercase "
        "\"delete\" as one public AEM client sends, a made-up \"FOO\"...). §1.1 VERIFIES only HTTP DELETE "
        "on content: 405 \"Method DELETE not supported\" (HTML, AEM >= 6.1; the mock answers it on every "
        "version). The generalisation follows Sling's own servlets (source in the public code index, not "
        "cited by the reference): the default servlets extend SlingSafeMethodsServlet, whose mayService() "
        "compares the method case-sensitively (\"DELETE\".equals(method)) and whose "
        "handleMethodNotImplemented() calls sendError(405, \"Method \" + request.getMethod() + \" not "
        "supported\") for HTTP/1.1 WITHOUT setting an Allow header (hence allow_header None; Sling sends "
        "400 to HTTP/1.0 clients, not modelled: the mock always answers HTTP/1.1). Authentication still "
        "comes first (401 for an anonymous FOO, as the Sling authenticator runs before servlet "
        "resolution). OPTIONS and TRACE, which that class answers itself, are not modelled and get the "
        "405 too.",
    ),
    # ------------------------------------------------------------------ auth
    "aem.anon_browser_redirect": Inferred(
        True,
        "Anonymous requests to protected content (§4 INFERRED): browser-like clients (User-Agent with "
        "\"Mozilla\" or \"Opera\") get a 302 to the login page (aem.login_page); others get 401 + "
        "WWW-Authenticate.",
    ),
    "aem.login_page": Inferred(
        "/libs/granite/core/content/login.html",
        "Target of the anonymous browser redirect (aem.anon_browser_redirect, §4 INFERRED); the page "
        "itself is VERIFIED (§4, RUBY_AEM readiness probe).",
    ),
    "aem.anonymous_paths": Inferred(
        (
            "/libs/granite/core/content/login.html",
            "/libs/granite/csrf/token.json",
        ),
        "Paths served to anonymous users (the login page is VERIFIED anonymous; j_security_check is the "
        "form handler; token.json answering anonymous users is INFERRED, see aem.anon_csrf_token_body).",
    ),
    "aem.anon_csrf_token_body": Inferred(
        {},
        "token.json answering anonymous users with {} is INFERRED from the Granite CSRF servlet, which "
        "only issues tokens to authenticated users.",
    ),
    "aem.form_login_fail_redirect": Inferred(
        "/libs/granite/core/content/login.html?j_reason=invalid_login",
        "Form login without j_validate (§4: \"Without j_validate the response is a redirect\"): INFERRED "
        "targets: success -> the `resource` parameter or \"/\"; failure -> the login page with "
        "j_reason=invalid_login.",
    ),
    # ------------------------------------------------------------------ CSRF / referrer
    "aem.browser_ua_markers": Inferred(
        ("Mozilla", "Opera"),
        "Browser detection (§3): INFERRED to match the Sling Referrer filter: \"Mozilla\" or \"Opera\" in "
        "the User-Agent.",
    ),
    "aem.csrf_methods": Inferred(
        ("POST", "PUT", "DELETE"),
        "CSRF filter.methods (§3: VERIFIED for an AEMaaCS dump; INFERRED equal on 6.x).",
    ),
    "aem.csrf_safe_user_agents": Inferred(
        ("Apache-HttpClient/*", "Jakarta Commons-HttpClient/*", "Jakarta-Commons-VFS", "curl/*", "Wget/*",
         "WebDAVFS/*", "Microsoft-WebDAV-MiniRedir/*", "Ruby", "Adobe-Campaign/*", "Forms-Mobile *"),
        "CSRF filter.safe.user.agents (§3: VERIFIED for a customer's AEMaaCS dump; INFERRED equal on 6.x). "
        "The filter's own description says safe user agents are never checked, whatever "
        "filter.enable.safe.user.agents says; so even with --enforce-csrf they need no token (this is "
        "how AEM's replication transport, a Commons HttpClient, posts to /bin/receive). Glob patterns "
        "(fnmatch) against the whole User-Agent header.",
    ),
    "aem.csrf_token_ttl": Inferred(
        600,
        "CSRF token lifetime (CSRFServlet csrf.token.expires.in min 600 s; INFERRED default 600).",
    ),
    "aem.csrf_log_empty": Inferred(
        "com.adobe.granite.csrf.impl.CSRFFilter isValidRequest: empty CSRF token - rejecting",
        "Response body of a CSRF rejection: INFERRED (the filter sends a bare 403); the log line is "
        "VERIFIED text.",
    ),
    "aem.csrf_log_invalid": Inferred(
        "com.adobe.granite.csrf.impl.CSRFFilter isValidRequest: invalid CSRF token - rejecting",
        "Log line for a present but invalid token: INFERRED by analogy with the VERIFIED 'empty CSRF "
        "token' line (aem.csrf_log_empty).",
    ),
    "aem.referrer_allow_empty": Inferred(
        False,
        "Referrer filter allow.empty on AEM 6.x: INFERRED false (newer Sling default).",
    ),
    # ------------------------------------------------------------------ replication
    "aem.agent_test_failed_line": Inferred(
        "Replication test failed",
        "Failure text of <agent>.test.html (§5.3: no source). INFERRED: 200, the error lines, and a final "
        "\"Replication test failed\". Never contains \"succeeded\".",
    ),
    "aem.agent_test_transport": Inferred(
        {
            "timeout_seconds": 5.0,
            "user_agent": "Jakarta Commons-HttpClient/3.1",
            "test_path": "/content",
            "ok_status": 200,
            "log": {
                "unknown_host": "Error while sending request: java.net.UnknownHostException: {host}",
                "refused": "Error while sending request: java.net.ConnectException: Connection refused",
                "timeout": "Error while sending request: java.net.SocketTimeoutException: Read timed out "
                           "(after {ms} ms)",
                "tls": "Error while sending request: javax.net.ssl.SSLHandshakeException: {error}",
                "no_response": "Error while sending request: org.apache.commons.httpclient.NoHttpResponseException: "
                               "The server {host} failed to respond",
                "io": "Error while sending request: java.io.IOException: {error}",
                "status": "Replication (TEST) of {path} not successful: the receiver answered {status} {reason}",
            },
        },
        "Test Connection of an ordinary (non Brand Portal) agent (§5.3: only the success log is VERIFIED, "
        "failure text INFERRED there). The mock really sends the test request to the agent's "
        "transportUri (method protocolHTTPMethod, default POST; headers Action:Test, Path/Handle = "
        "test_path, the agent's protocolHTTPHeaders with {action}/{path} filled in; Basic auth with "
        "transportUser and the decrypted transportPassword; ssl=relaxed or protocolHTTPSRelaxed=true "
        "accepts any certificate) and succeeds only on status ok_status, as the §5.3 success log reads "
        "\"sent. Response: 200 OK\". The wait is bounded by timeout_seconds, or by the agent's "
        "protocolConnectTimeout/protocolSocketTimeout (ms) when smaller. The user agent is the Commons "
        "HttpClient AEM 6.x's replication transport is built on (the §3 safe-user-agent list names it). "
        "Failure lines: 'sent. Response: <status> <reason>' is §5.3's own example; the 'Error while "
        "sending request: java.net.ConnectException: Connection refused' form is what public AEM "
        "troubleshooting posts quote from the sender's log; the other texts are ours, named after the "
        "Java exceptions. The mock never connects outside loopback (aem.outbound_loopback_only): any "
        "other host fails as unknown_host without a connection. repo:// (outbox) agents succeed "
        "without a request (the repository transport writes locally).",
    ),
    "aem.outbound_loopback_only": Inferred(
        ("localhost", "127.0.0.0/8", "::1/128"),
        "Mock convention, not AEM behaviour: every outbound call of a mock author (Test Connection, IMS "
        "token requests) connects to loopback only, so a test bed can never send traffic elsewhere. "
        "Hosts *.adobelogin.com and *.brand-portal.adobe.com are first routed to the mock IMS and the "
        "mock Brand Portal (when they run; the original Host header is kept). Any other host that is "
        "not localhost or a literal loopback address fails at once as java.net.UnknownHostException "
        "<host>, without a DNS look-up or a connection (as an unresolvable name would on real AEM); "
        "localhost is resolved locally and only its loopback addresses are used.",
    ),
    "aem.replication_receiver": Inferred(
        {"path": "/bin/receive", "ok_body": "ReplicationAction {action} ok.", "other_action_status": 400},
        "§5.1: publish agents send to <instance>/bin/receive?sling:authRequestLogin=1 (VERIFIED). The mock "
        "author serves that receiver servlet for Test Connection only: an authenticated POST with header "
        "Action: Test answers 200 with ok_body (the text the Sling replication receiver is reported to "
        "answer; also bp.ok_body) and stores nothing, so an agent pointed at a mock author on loopback "
        "passes its Test Connection. Other actions (Activate, Deactivate, Delete) or none: "
        "other_action_status with a mock-only message (the mock installs no replicated content). "
        "Anonymous requests get the usual 401.",
    ),
    "aem.agent_transport_schemes": Inferred(
        ("http", "https", "repo"),
        "Transport URI schemes the mock accepts as \"syntactically valid\" for ordinary agents (INFERRED: "
        "AEM transport handlers exist for http(s) and repo://; flush agents use http(s)).",
    ),
    "aem.queue_item_type": Inferred(
        "Activate",
        "Queue \"type\" names (§5.4 INFERRED from ReplicationActionType.getName()).",
    ),
    "aem.queue_commands": Inferred(
        ("clear", "pause", "resume", "retry"),
        "Queue commands retry/resume (§5.4: INFERRED, no source): resume clears isPaused; retry clears the "
        "blocked state (nextRetryTime) and processes the head item once.",
    ),
    "aem.queue_command_body": Inferred(
        {"status": True},
        "Answer of a queue command: INFERRED 200 with a small JSON status (no source shows the body).",
    ),
    "aem.default_agents": Inferred(
        {
            "agents.author": {
                "publish": {
                    "jcr:title": "Default Agent",
                    "jcr:description": "Agent that replicates to the default publish instance.",
                    "enabled": "true", "transportUri": "http://localhost:4503/bin/receive?sling:authRequestLogin=1",
                    "transportUser": "admin", "serializationType": "durbo", "retryDelay": "60000",
                    "logLevel": "info", "ssl": "default", "userId": "admin",
                },
                "publish_reverse": {
                    "jcr:title": "Reverse Replication Agent", "enabled": "true", "reverseReplication": "true",
                    "transportUri": "http://localhost:4503/bin/receive?sling:authRequestLogin=1",
                    "transportUser": "admin", "serializationType": "durbo", "retryDelay": "60000",
                    "logLevel": "info",
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
        },
        "Default replication agents of a fresh author (INFERRED from the standard AEM 6.x install: the "
        "\"publish\" agent to localhost:4503, a disabled dispatcher flush agent, the reverse agent).",
    ),
    # ------------------------------------------------------------------ configMgr
    "aem.factory_pid_uuid": Inferred(
        True,
        "Generated PID suffix of a new factory configuration (§9.1 INFERRED: a UUID, Felix ConfigAdmin).",
    ),
    "aem.configmgr_redirect_body": Inferred(
        b"",
        "configMgr redirect after update: VERIFIED 302 to /system/console/configMgr/<pid>; INFERRED that "
        "the body is empty.",
    ),
    "aem.ims_bundle_location": Inferred(
        _IMS_BUNDLE_LOCATION,
        "Bundle location shown for IMS configurations (INFERRED; the real bundle name is not in a source).",
    ),
    "aem.ims_customizer_bundle_location": Inferred(
        _IMS_CUSTOMIZER_BUNDLE_LOCATION,
        "Bundle location shown for the IMS customizer configurations (INFERRED; the real bundle name is "
        "not in a source).",
    ),
    "aem.ims_provider_fpid": Inferred(
        _IMS_PROVIDER_FPID,
        "Factory PID of the IMS token provider (VERIFIED §7.2); in this table because the metatype "
        "(aem.metatypes) is keyed by it.",
    ),
    "aem.ims_customizer_fpid": Inferred(
        _IMS_CUSTOMIZER_FPID,
        "Factory PID of the IMS client-secret customizer (VERIFIED §7.2); in this table because the "
        "metatype (aem.metatypes) is keyed by it.",
    ),
    "aem.metatypes": Inferred(
        # (id, label, type, default, description, cardinality: 0 single / >0 array)
        {
            _IMS_PROVIDER_FPID: {
                "title": "Adobe Granite OAuth Access Token Provider",
                "description": "Provides access tokens to services in the Adobe Experience Cloud",
                "bundle": _IMS_BUNDLE_LOCATION,
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
                    ("auth.token.provider.client.id", "Client ID", 1, "",
                     "Client Identifier for the authorization server", 0),
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
            _IMS_CUSTOMIZER_FPID: {
                "title": "Adobe Granite IMS Access Token Request Customizer",
                "description": "Customizes the access token request for Adobe IMS",
                "bundle": _IMS_CUSTOMIZER_BUNDLE_LOCATION,
                "properties": [
                    ("auth.ims.client.secret", "Client Secret", 12, "",
                     "Adobe IMS requires a valid client secret to be sent in the access token request.", 0),
                    ("customizer.type", "Customizer Type", 1, "",
                     "This name should uniquely identify the request customizer type.", 0),
                ],
            },
        },
        "Metatype of the IMS PIDs (§7.2 property names and descriptions are VERIFIED; the labels (names), "
        "types and defaults are INFERRED from the descriptions).",
    ),
    "aem.oauth_only_provider_properties": Inferred(
        ("auth.token.provider.authorization.grants", "auth.token.provider.orgId"),
        "OAuth-era provider properties exist only where the instance has the client-credentials grant "
        "(aem.version_profile features.oauth_client_credentials, or oauth_client_credentials_hotfix "
        "with the hotfix installed, aem.ims_oauth_hotfix).",
    ),
    "aem.singleton_pids": Inferred(
        {
            "org.apache.sling.servlets.get.DefaultGetServlet": {
                "title": "Apache Sling GET Servlet", "bundle": "Apache Sling Servlets GET",
                "properties": [("json.maximumresults", "JSON Max Results", 3, 1000,
                                "The maximum number of resources that should be returned when doing a "
                                "node.5.json or node.infinity.json.", 0)],
            },
            "com.adobe.granite.csrf.impl.CSRFFilter": {
                "title": "Adobe Granite CSRF Filter", "bundle": "Adobe Granite CSRF",
                "properties": [
                    ("filter.methods", "Filter Methods", 1, ["POST", "PUT", "DELETE"], "Filter Methods", 10),
                    ("filter.enable.safe.user.agents", "Filter Enable Safe UserAgents", 11, False,
                     "If this setting is enabled, browser and not browser agents will be checked by the filter. "
                     "If this setting is disabled, only browsers will be checked, non-browser clients will not be "
                     "checked by the filter. The Safe User Agents will never be checked regardless of this setting.",
                     0),
                    ("filter.safe.user.agents", "Safe User Agents", 1, [], "Safe User Agents", 10),
                    ("filter.excluded.paths", "Excluded Paths", 1, [], "Excluded Paths", 10),
                ],
            },
        },
        "Singleton PIDs with configurations on a fresh instance (INFERRED minimal set; only the PIDs the "
        "reference names).",
    ),
    # ------------------------------------------------------------------ keystores / crypto
    "aem.keystore_format": Inferred(
        "mock-json-keystore",
        "Keystore \"store.p12\" binary: the mock stores a JSON document (not a real PKCS#12) because "
        "cryptography cannot serialise several private-key entries into one PKCS#12. INFERRED/mock-only.",
    ),
    "aem.keystore_date_format": Inferred(
        "%a %b %d %H:%M:%S UTC %Y",
        "notBefore/notAfter text format in .ks.json (VERIFIED example \"Sun Jul 01 12:00:00 AEST 2018\", "
        "i.e. java.util.Date.toString()); the zone name is INFERRED \"UTC\" on the mock.",
    ),
    "aem.keystore_ok_status": Inferred(
        200,
        "Answer of .ks.html operations: INFERRED 200 with a small HTML page (status only verified: the "
        "reference allows 200 or 201).",
    ),
    "aem.truststore_path": Inferred(
        "/etc/truststore/truststore.p12",
        "Repository location of the global truststore: §8 VERIFIES only its HTTP endpoints "
        "(/libs/granite/security/truststore.json, /libs/granite/security/post/truststore); the node is "
        "INFERRED from a standard AEM 6.x install (stored as the mock JSON keystore, aem.keystore_format).",
    ),
    "aem.truststore_missing_body": Inferred(
        {"aliases": [], "exists": False},
        "truststore.json before the truststore exists: §8 VERIFIES the shape {\"aliases\": [...], "
        "\"exists\": ...}; the empty-alias answer for a missing store is INFERRED.",
    ),
    "aem.truststore_alias_format": Inferred(
        "certalias___%d",
        "Alias AEM gives a certificate added to the truststore (the POST carries no alias): INFERRED "
        "'certalias___<epoch ms>' as the truststore UI shows them.",
    ),
    "aem.crypto_cipher": Inferred(
        "AES-GCM, random IV, hex",
        "Crypto: \"{\" + 64+ hex chars + \"}\" is VERIFIED; the cipher is mock-only (AES-GCM, random IV), "
        "so the same text encrypts differently each time, as on AEM (§5.2).",
    ),
    # ------------------------------------------------------------------ querybuilder
    "aem.querybuilder_extra_keys": Inferred(
        True,
        "Only the authorizableId query shape of §7.3 is supported; the extra top-level keys are INFERRED "
        "from the QueryBuilder JSON servlet (results, total, more, offset).",
    ),
    "aem.system_users": Inferred(
        {
            "brandportal-imsconfig-service": "/home/users/system/brandportal-imsconfig-service",
            "authentication-service": "/home/users/system/authentication-service",
        },
        "Service users the mock creates on a fresh instance (INFERRED node paths, §7.3).",
    ),
    # ------------------------------------------------------------------ readiness
    "aem.starting_bundles": Inferred(
        3,
        "bundles.json while \"starting\": INFERRED that a few bundles report Starting (stateRaw 8) until "
        "the instance is ready.",
    ),
    "aem.resolved_bundles": Inferred(
        1,
        "bundles.json while \"starting\": INFERRED that one bundle reports Resolved (stateRaw 4) until the "
        "instance is ready.",
    ),
    # ------------------------------------------------------------------ node types
    "aem.default_child_types": Inferred(
        {
            "sling:Folder": {"*": "sling:Folder"},
            "sling:OrderedFolder": {"*": "sling:OrderedFolder"},
            "cq:Page": {"jcr:content": "nt:unstructured"},
            "nt:folder": {},
            "nt:file": {},
        },
        "Default primary type of a node the Sling POST servlet creates without jcr:primaryType, per parent "
        "type (JCR node type definitions as shipped; INFERRED from the CNDs of sling:Folder, "
        "sling:OrderedFolder and cq:Page; types not listed default to nt:unstructured). A parent whose entry "
        "has no \"*\" key refuses other children: 500 ConstraintViolationException, as a cq:Page (default "
        "child type nt:base, abstract) does. So creating an agent page under agents.author requires "
        "jcr:primaryType=cq:Page, as every client in the reference sends (§5.1/5.2).",
    ),
    "aem.agents_root_type": Inferred(
        "cq:Page",
        "Node types of the replication tree (INFERRED from a standard install: /etc/replication is a "
        "sling:Folder, agents.<runmode> and every agent are cq:Page with a jcr:content).",
    ),
    "aem.keystore_error_status": Inferred(
        500,
        "Status of a failing .ks.html operation (wrong password, no keystore, unreadable file): INFERRED "
        "500 (AEM's keystore servlet lets the KeyStore exception escape); success is 200 for every "
        "operation (the reference allows 200 or 201).",
    ),
    "aem.starting_login_status": Inferred(
        503,
        "Login page while the instance is still starting (readiness option): INFERRED 503 with a page that "
        "lacks QUICKSTART_HOMEPAGE (Sling's \"starting\" page), so the RUBY_AEM probe keeps waiting.",
    ),
    # ------------------------------------------------------------------ smaller choices
    "aem.queue_unknown_command_status": Inferred(
        400,
        "Unknown queue command (cmd=...): INFERRED 400 (no source shows the answer).",
    ),
    "aem.move_missing_parent_status": Inferred(
        500,
        "move/copy whose destination parent is missing: INFERRED 500 (javax.jcr.PathNotFoundException from "
        "Session.move, turned into 500 by AbstractPostOperation, §1.3).",
    ),
    "aem.import_content_types": Inferred(
        ("json",),
        ":operation=import content types the mock implements (json only; xml/zip/jar answer 500 here).",
    ),
    "aem.crypto_missing_datum_status": Inferred(
        400,
        "POST /system/console/crypto/.json without datum: INFERRED 400.",
    ),
    "aem.bundle_action_body_keys": Inferred(
        ("fragment", "stateRaw"),
        "POST /system/console/bundles/<name> action=start|stop: the 200 is VERIFIED; the body "
        "{\"fragment\": bool, \"stateRaw\": int} is INFERRED from Felix BundlesServlet.",
    ),
    "aem.referrer_extra_hosts": Inferred(
        ("localhost", "127.0.0.1"),
        "Referrer filter: hosts allowed besides the request's own Host (INFERRED: AEM's default allow.hosts "
        "is empty, but the mock always serves on loopback, so localhost and 127.0.0.1 are the same host).",
    ),
    "aem.encrypted_suffix": Inferred(
        True,
        "prop@Encrypted on a Sling POST (§1.2 INFERRED from DEMO-UTILS): the value is stored protected as "
        "{hex} with the instance's crypto key.",
    ),
    "aem.unknown_login_token_is_anonymous": Inferred(
        True,
        "An unknown or expired login-token cookie: INFERRED the request continues anonymously (the token "
        "handler does not authenticate it), so protected paths then answer 401.",
    ),
    # ================================================================== Adobe IMS, Brand Portal (adobe-ims.md,
    # aem-http-api.md §6): the mock IMS (ims.py), the mock Brand Portal (brand_portal.py) and the
    # AEM-side Brand Portal model (aem_brand_portal.py)
    # ------------------------------------------------------------------ IMS: routing
    "ims.jwt_exchange_paths": Inferred(
        ("/ims/exchange/jwt", "/ims/exchange/jwt/", "/ims/exchange/v1/jwt"),
        "adobe-ims.md §1.1 lists the three paths as used by Adobe clients and recommends accepting all "
        "three identically; that IMS treats them identically is the inference.",
    ),
    "ims.token_paths": Inferred(
        ("/ims/token/v3", "/ims/token/v2", "/ims/token/v4"),
        "§4.1: v3 documented, v2 and v4 used by Adobe clients for client_credentials (all seconds). "
        "The older user-OAuth endpoints /ims/token and /ims/token/v1 (ms) are not served.",
    ),
    "ims.jwt_params_from_body_only": Inferred(
        True,
        "§1.2 documents form fields in the body; the single report of query-string parameters got a "
        "500 with an unclear cause, so the mock simply does not read the query string for the JWT "
        "exchange (the fields count as missing).",
    ),
    "ims.accepts_multipart": Inferred(
        True,
        "§1.2: Adobe's own Node clients send multipart/form-data; that IMS accepts it is inferred.",
    ),
    "ims.method_not_allowed": Inferred(
        (405, "method_not_allowed", "Method Not Allowed"),
        "Status/body for any method but POST on a token or validation endpoint (GET, PATCH, a lowercase "
        "\"post\", a made-up \"FOO\"...; methods are case-sensitive, RFC 9110 §9.1), with Allow: POST: "
        "not documented anywhere. Unknown paths answer ims.not_found whatever the method.",
    ),
    "ims.not_found": Inferred(
        (404, "not_found", "Not Found"),
        "Status/body for an unknown /ims/... path: not documented anywhere.",
    ),
    # ------------------------------------------------------------------ IMS: JWT exchange
    "ims.jwt_check_order": Inferred(
        ("client_id", "client_secret", "decode+exp format", "iss/sub format", "aud", "alg+signature+iss/sub binding",
         "exp expiry", "metascopes", "jti"),
        "The order in which IMS checks a JWT exchange request is not documented; this order makes "
        "every failure reachable and reports the credential problems first.",
    ),
    "ims.jwt_status_wrong_secret": Inferred(
        401,
        "§1.4: the doc table gives 401 invalid_client for a bad client_id/client_secret pair on the JWT "
        "endpoint (the token endpoints answer 400); the exact description is not found.",
    ),
    "ims.jwt_desc_wrong_secret": Inferred(
        "invalid client_secret parameter",
        "§1.4: description observed on /ims/token/v3|v4; assumed identical on the JWT endpoint.",
    ),
    "ims.jwt_status_400": Inferred(
        400,
        "§1.4: the observed error strings were reported without a status; the doc table gives 400 for "
        "token, signature, scope and unknown-client problems.",
    ),
    "ims.jwt_aud_mismatch_desc": Inferred(
        "invalid client_id parameter",
        "§1.4/§7: aud not equal to <this IMS>/c/<client_id> is documented as 400 invalid_client; the "
        "description is taken from the unknown-client case (reference §7 item 1).",
    ),
    "ims.jwt_expired_desc": Inferred(
        "JWT token has expired.",
        "§1.4: an expired JWT gives invalid_token; the exact description is NOT FOUND.",
    ),
    "ims.jwt_bad_claim_format": Inferred(
        ("bad_request", "The JWT payload has an invalid format for claim '{claim}'."),
        "§1.4 doc table: bad_request when sub/iss have the wrong format; text NOT FOUND. Format rules "
        "used: iss ends with '@AdobeOrg', sub contains '@', both non-empty strings.",
    ),
    "ims.jwt_missing_exp_is_undecodable": Inferred(
        True,
        "§1.4: a non-integer exp was observed to give the 'incorrectly formatted' invalid_token; a "
        "missing exp is treated the same way.",
    ),
    "ims.jwt_binding_mismatch_is_signature_error": Inferred(
        True,
        "§1.4: certificates are bound to (client, iss, sub); a JWT whose iss (org) or sub (technical "
        "account) differs from the binding cannot match any binding, so it gets the observed "
        "'Could not match JWT signature to any of the bindings' invalid_token answer. Same for an "
        "alg other than RS256, a certificate outside its validity period, and an integration that "
        "has no certificate at all (e.g. an OAuth-only credential).",
    ),
    "ims.jwt_no_metascope_desc": Inferred(
        "The metascopes in the JWT are not a subset of the metascopes in the binding.",
        "§1.4: a JWT with no metascope, a metascope key for another IMS host, or a metascope value "
        "other than true is answered like the observed 'not a subset' case (the doc table only says "
        "invalid_scope).",
    ),
    "ims.jwt_invalid_jti": Inferred(
        ("invalid_jti", "The jti claim is missing or has already been used."),
        "§1.4 (UMAPI doc only): invalid_jti when the binding requires a jti; text NOT FOUND. A binding "
        "requires it only when registered with \"require_jti\": true.",
    ),
    "ims.jwt_no_exp_upper_bound": Inferred(
        True,
        "§2: whether IMS rejects exp more than 24 h ahead is not confirmed; an Adobe SDK sends an exp "
        "in milliseconds, so no upper bound is enforced.",
    ),
    "ims.jwt_token_type": Inferred(
        "bearer",
        "§1.3: token_type for the JWT exchange is not printed in the JWT docs; 'bearer' as on the "
        "other IMS token endpoints.",
    ),
    "ims.expires_in_minus_one_unit": Inferred(
        True,
        "§1.3/§4.3: samples show 86399999 ms and 86399 s for a 24 h token: the answer's expires_in is "
        "the lifetime minus one unit.",
    ),
    # ------------------------------------------------------------------ IMS: client_credentials
    "ims.oauth_missing_grant": Inferred(
        ("invalid_request", "grant_type parameter is missing"),
        "§4.4: standard OAuth 2.0 (RFC 6749 §5.2); not observed.",
    ),
    "ims.oauth_unsupported_grant": Inferred(
        ("unsupported_grant_type", "unsupported grant_type parameter"),
        "§4.4: standard OAuth 2.0; not observed. Only client_credentials is implemented.",
    ),
    "ims.oauth_invalid_scope": Inferred(
        ("invalid_scope", "invalid scope parameter"),
        "§4.4: bad/unauthorised scope gives invalid_scope (seen on /ims/authorize); text NOT FOUND. "
        "A missing or empty scope is answered the same way (§4.2 says scope is mandatory).",
    ),
    "ims.oauth_scope_separator": Inferred(
        ",",
        "§4.2 VERIFIED: scope is comma-separated. Surrounding blanks are stripped; a space-separated "
        "list is therefore one unknown scope (strict on purpose).",
    ),
    "ims.oauth_scopes_subset": Inferred(
        True,
        "Requested scopes must all be among the scopes registered for the credential; whether real IMS "
        "drops unknown scopes silently instead is unknown.",
    ),
    "ims.oauth_basic_auth": Inferred(
        True,
        "§4.2: OpenID config lists client_secret_basic; the mock accepts Authorization: Basic "
        "client_id:client_secret when the form does not carry them.",
    ),
    # ------------------------------------------------------------------ IMS: access tokens, validation
    "ims.access_token_claims": Inferred(
        ("id", "type", "client_id", "user_id", "as", "scope", "created_at", "expires_in"),
        "§1.3: the token is a JWT with header {x5u, alg} and these string claims (created_at and "
        "expires_in in ms, as strings). 'scope' content (metascope names for JWT, requested scopes "
        "for client_credentials) is inferred. The org is NOT put in the token; the mock keeps it "
        "server-side and gives it to the Brand Portal mock through IMSApp.introspect().",
    ),
    "ims.access_token_x5u": Inferred(
        "ims_na1-key-at-1.cer",
        "§1.3: x5u values start with 'ims_na1-key'; the rest of the name is made up.",
    ),
    "ims.validate_invalid_is_200": Inferred(
        True,
        "§5: an invalid token comes back HTTP 200 with valid=false (inferred from aio-lib-ims).",
    ),
    "ims.validate_extra_fields": Inferred(
        ("token", "reason"),
        "§5: clients read only 'valid'. The mock adds 'token' (claims) when valid and 'reason' when not.",
    ),
    "ims.validate_missing_params": Inferred(
        ("invalid_request", "{param} parameter is missing"),
        "§5: answer when type/client_id/token are missing: NOT FOUND; 400 invalid_request.",
    ),
    "ims.validate_client_mismatch_is_invalid": Inferred(
        True,
        "§5: a token validated with a client_id other than the one it was issued to is reported "
        "valid=false.",
    ),
    "ims.tokens_die_with_integration": Inferred(
        True,
        "Deleting a console integration invalidates the tokens issued to it (not documented).",
    ),
    # ------------------------------------------------------------------ Brand Portal
    "bp.tenant_host_suffix": Inferred(
        ".brand-portal.adobe.com",
        "aem-http-api.md §6.2/§6.4: tenant URLs are https://<tenant>.brand-portal.adobe.com. The mock "
        "takes the tenant from the Host header with this suffix.",
    ),
    "bp.local_tenant_prefix": Inferred(
        "/__tenant__/",
        "Mock-only: direct local access to a tenant without a Host header, as "
        "http://127.0.0.1:<bp-port>/__tenant__/<tenant>/..., so that a tenant URL of "
        "http://127.0.0.1:<bp-port>/__tenant__/<tenant> works. Not a real Brand Portal path.",
    ),
    "bp.receive_path": Inferred(
        "/bin/receive",
        "aem-http-api.md §6.4: the path after the tenant URL in the agents' transportUri is UNKNOWN. "
        "The mock uses the Sling replication receiver path of ordinary publish agents (§5.1), with "
        "the optional query sling:authRequestLogin=1.",
    ),
    "bp.receive_query": Inferred(
        "sling:authRequestLogin=1",
        "Same as bp.receive_path: the query string AEM appends for publish agents (§5.1).",
    ),
    "bp.required_metascope": Inferred(
        "ent_brand_portal_sdk",
        "adobe-ims.md §2: the Brand Portal metascope is VERIFIED; that Brand Portal refuses (403) a "
        "token whose credential lacks it is inferred. For client_credentials tokens the credential's "
        "registered metascopes count (§4.3: a migrated credential has identical access).",
    ),
    "bp.status_unknown_tenant": Inferred(
        404,
        "Answer for a host/prefix that names no registered tenant: not documented.",
    ),
    "bp.status_no_token": Inferred(
        (401, 'Bearer realm="Brand Portal"'),
        "Answer without a valid bearer token (missing, unknown, expired): 401 with WWW-Authenticate; "
        "'401 unauthorized' in the agent log is VERIFIED (§6.4 BP-TROUBLE), the header is not.",
    ),
    "bp.status_wrong_org": Inferred(
        403,
        "A valid token of another IMS org, or without the Brand Portal metascope: 403; not documented.",
    ),
    "bp.status_tenant_disabled": Inferred(
        403,
        "A tenant registered with \"enabled\": false answers 403 to valid tokens (mock-only switch).",
    ),
    "bp.action_header": Inferred(
        ("Action", ("Test", "Activate", "Deactivate", "Delete")),
        "aem-http-api.md §5.3: AEM's test log shows 'adding header: Action:Test'; the other action "
        "names come from ReplicationActionType (INFERRED there too). A missing Action header is 400.",
    ),
    "bp.path_headers": Inferred(
        ("Path", "Handle"),
        "Header names AEM's HTTP transport sends with the replicated path; not verified for Brand Portal.",
    ),
    "bp.ok_body": Inferred(
        "ReplicationAction {action} ok.",
        "Body of the 200 answer to an accepted package: modelled on the Sling replication receiver; "
        "not verified for Brand Portal.",
    ),
    "bp.method_not_allowed": Inferred(
        {"receive": ("POST",), "tenant_root": ("GET", "HEAD")},
        "Brand Portal's answer to other methods is not documented. The mock answers 405 Method Not "
        "Allowed with an Allow header listing these methods (compared case-sensitively, RFC 9110 §9.1, "
        "so a lowercase \"post\" is refused) on the receive path and on a tenant's root; other paths "
        "and unknown tenants answer 404 whatever the method.",
    ),
    "bp.tenant_root_get": Inferred(
        200,
        "GET / on a known tenant answers 200 with a small HTML page (the real one is the Brand Portal "
        "login UI).",
    ),
    # ------------------------------------------------------------------ AEM side (aem_brand_portal.py)
    "aem.bp.agent_names": Inferred(
        ("mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"),
        "aem-http-api.md §6.4: the four agents' names start with mp_replication (VERIFIED); the suffix "
        "format is unknown. Only one tenant per author instance is supported (adobe-ims.md §3), so the "
        "names do not carry the tenant.",
    ),
    "aem.bp.agent_props": Inferred(
        {"serializationType": "durbo", "retryDelay": "60000", "logLevel": "info", "enabled": "true"},
        "§5.1 values of UI-created agents (Strings as the dialog saves them); the Brand Portal agents' "
        "real serialization type is unknown. userId = the MAC user; no transportUser/Password (the "
        "agents authenticate with an IMS bearer token).",
    ),
    "aem.bp.agent_title": Inferred(
        "Brand Portal Replication Agent ({tenant}) {n}",
        "jcr:title of the generated agents: unknown.",
    ),
    "aem.bp.agents_not_overwritten": Inferred(
        True,
        "Saving the cloud service again creates missing agents and re-points transportUri/userId of "
        "existing ones, but leaves their other properties (enabled, Close Connection...) alone.",
    ),
    "aem.bp.mac_user_parent": Inferred(
        "/home/users/mac",
        "§6.4 VERIFIED that MAC users are under /home/users/mac; the mock puts the user node directly "
        "there (no hashed intermediate folder).",
    ),
    "aem.bp.mac_user_id": Inferred(
        "mac-{tenant}-replication",
        "§6.4 VERIFIED name (also written without the hyphen before 'replication'; the mock uses this form).",
    ),
    "aem.bp.tenant_id_from_url": Inferred(
        "first DNS label of the tenant URL host, or the <tenant> of a /__tenant__/<tenant> mock URL",
        "https://<tenant>.brand-portal.adobe.com is VERIFIED; that AEM derives the MAC user's tenant "
        "from the first label is inferred.",
    ),
    "aem.bp.cloudservice_63_props": Inferred(
        ("tenantURL", "authServerUrl", "apiKey", "techAccountId", "orgId", "clientSecret"),
        "6.3 Adobe I/O model (seed 6.3 page: Tenant URL, Authorization Server, then API Key, "
        "Technical Account Id, Org Id, Client Secret in the dialog): tenantURL is VERIFIED (ACS-BP), "
        "the other property names mirror the 6.5 IMS servlet parameters (INFERRED).",
    ),
    "aem.bp.legacy_client_id_prop": Inferred(
        "clientId",
        "§6.2: the legacy (OAuth Gateway) dialog has a Client ID field; the property name is inferred.",
    ),
    "aem.bp.legacy_gateway_host": Inferred(
        "legacy-oauth.cloud.adobe.io",
        "§6.1: the legacy OAuth Gateway; the mock does not serve it, so a legacy configuration's Test "
        "Connection fails (unknown host) and must be upgraded.",
    ),
    "aem.bp.mac_key_alias": Inferred(
        "brandportal",
        "6.3 model: the key pair AEM generates when the cloud service is saved is kept in the MAC "
        "user's keystore (§6.4: the MAC user holds the private key); the alias is unknown.",
    ),
    "aem.bp.public_key_download": Inferred(
        ("/etc/cloudservices/mediaportal/{name}.crt", "AEM-Adobe-IMS.crt"),
        "6.3 seed: 'Download Public key' after creating the cloud service; the file name "
        "AEM-Adobe-IMS.crt is VERIFIED (seed and §7.1), the URL is not.",
    ),
    "aem.bp.cloudservice_name_from_title": Inferred(
        "lower-case title, runs of characters other than [a-z0-9] become '-'",
        "§6.3: /apps/brandportal/config takes the title as 'name'; how AEM names the node is unknown.",
    ),
    "aem.bp.cloudservice_answer": Inferred(
        (200, "application/json", ("path", "tenantURL", "agents", "macUser")),
        "§6.3: success is 200 (VERIFIED); the body is unknown: the mock answers JSON.",
    ),
    "aem.bp.ims_servlet_base": Inferred(
        "/libs/cq/adobeims-configuration/content/imsconfigurations",
        "§7.1: the resource types .../imsconfigurations/update and /delete are VERIFIED, the HTTP URL of "
        "their content nodes is not (§11). The mock serves <base>/update, <base>/delete, "
        "<base>/certificate (create/download the key pair) and <base>/health (Check Health), with or "
        "without a .json/.html extension.",
    ),
    "aem.bp.ims_update_oauth_params": Inferred(
        ("authType", "orgId", "scope"),
        "§4.6: the AEM UI has an Authentication Type dropdown (JWT/OAuth); parameter names are unknown. "
        "authType=oauth|jwt (default jwt), orgId, scope (comma-separated).",
    ),
    "aem.bp.ims_update_config_id_param": Inferred(
        "configurationId",
        "Parameter naming an existing provider PID to update (the delete servlet's configurationIds is "
        "VERIFIED; the update one is not).",
    ),
    "aem.bp.jwt_creation_blocked_from": Inferred(
        "6.5.21.0",
        "§4.6 VERIFIED that JWT IMS configurations 'can no longer be created or updated, but can be "
        "migrated' once OAuth is native (SP21); the mock refuses a new JWT configuration through the "
        "update servlet from this version on (configMgr still accepts anything, as Felix does).",
    ),
    "aem.bp.provider_name": Inferred(
        "the PID suffix (UUID) of the provider configuration",
        "§7.1: the update servlet answers the accessTokenConfigId that cloud configs use as imsConfig "
        "(VERIFIED); that it is the provider's generated 'name' is §7.2 INFERRED, the format is ours.",
    ),
    "aem.bp.customizer_type": Inferred(
        "adobe-ims-{name}",
        "§7.2 INFERRED link provider.token.request.customizer.type = customizer.customizer.type; value "
        "format ours. auth.token.validator.type uses the same value.",
    ),
    "aem.bp.claims_format": Inferred(
        '<key>:"<string>" or <key>:true|false|<number>',
        "§7.2 VERIFIED description 'Default JWT Claims in format <claim-key>:<claim-value> ... string "
        "values must be provided in double quotes'; keys may contain ':' (metascope URLs), so the value "
        "is the part after the last ':' that starts a valid value. Quoted keys are accepted.",
    ),
    "aem.bp.jwt_lifetime_seconds": Inferred(
        300,
        "exp AEM puts in the JWT it signs (overriding any exp in the stored claims): unknown; 300 s "
        "as Adobe's own clients do (adobe-ims.md §2).",
    ),
    "aem.bp.jwt_exchange_path": Inferred(
        "/ims/exchange/jwt",
        "adobe-ims.md §6: the JWT exchange URL AEM builds from the Authorization Server (INFERRED "
        "there); the 6.5 provider stores it as auth.access.token.request '<scheme>://%s/ims/exchange/jwt'.",
    ),
    "aem.bp.oauth_token_path": Inferred(
        "/ims/token/v3",
        "adobe-ims.md §4.6: auth.access.token.request=https://ims-na1.adobelogin.com/ims/token/v3 (VERIFIED).",
    ),
    "aem.bp.test_log_lines": Inferred(
        ("Getting IMS access token from {url}", "IMS token request failed: {status} {error}: {description}",
         "Brand Portal tenant answered: {status} {reason}"),
        "§5.3: only the shape of the log (date-prefixed lines, 'sent. Response: 200 OK', final "
        "'Replication test succeeded') is VERIFIED; the token lines and failure texts are ours.",
    ),
    "aem.bp.legacy_seed_path": Inferred(
        "/__mock__/brand-portal/legacy",
        "Mock-only admin path that seeds a pre-2020 (legacy OAuth Gateway) installation.",
    ),
}


def value(key: str) -> Any:
    """The value of one INFERRED fact (KeyError for a typo, on purpose)."""
    return INFERRED[key].value


def entries(prefix: str = "") -> Iterator[Tuple[str, Inferred]]:
    """The entries whose key starts with ``prefix``, in table order."""
    return ((k, v) for k, v in INFERRED.items() if k.startswith(prefix))


def main() -> None:
    """Print the table: one block per entry (key, value, reason)."""
    import textwrap

    for key, entry in INFERRED.items():
        shown = repr(entry.value)
        if len(shown) > 100:
            shown = shown[:97] + "..."
        print("%s = %s" % (key, shown))
        print(textwrap.fill(entry.why, width=100, initial_indent="    ", subsequent_indent="    "))


if __name__ == "__main__":
    main()
