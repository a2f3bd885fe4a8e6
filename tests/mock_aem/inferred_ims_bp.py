"""INFERRED facts used by the mock Adobe IMS (``ims.py``) and the mock Brand Portal (``brand_portal.py``).

Everything the mock does that is *not* backed by a VERIFIED line of
``../shared/reference/adobe-ims.md`` or ``../shared/reference/aem-http-api.md`` is listed here, with
the reason for the choice.  Code reads the values from this table (never a literal copy), so that
changing a guess after a capture from the real services is a one-line change, and so that a test
run can print the list of guesses the mock relies on.

The VERIFIED facts (observed error strings, endpoints, field names, units) live as named constants
in ``ims.py`` with the section of the reference that backs them.

The AEM side keeps its own table in ``inferred.py`` (another file; the two may be merged later).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict


@dataclass(frozen=True)
class Inferred:
    value: Any
    why: str


INFERRED_IMS_BP: Dict[str, Inferred] = {
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
        "Status/body for a non-POST request to a token endpoint: not documented anywhere.",
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


def inferred_value(key: str) -> Any:
    """The value of one INFERRED fact (KeyError for a typo, on purpose)."""
    return INFERRED_IMS_BP[key].value
