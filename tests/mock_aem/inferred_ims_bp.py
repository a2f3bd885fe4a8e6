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
}


def inferred_value(key: str) -> Any:
    """The value of one INFERRED fact (KeyError for a typo, on purpose)."""
    return INFERRED_IMS_BP[key].value
