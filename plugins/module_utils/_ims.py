# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Adobe IMS: JWT (Service Account) exchange and OAuth Server-to-Server tokens.

Facts come from IMS facts §N, the sections of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``): endpoints, form fields, claims,
the units of ``expires_in`` (milliseconds for the JWT exchange, seconds for ``/ims/token/v3``) and
the error bodies real IMS sends, which :func:`ims_hint` turns into what the user must fix.
"""

from __future__ import annotations

import time
import traceback
from datetime import datetime, timezone

from ansible.module_utils.basic import env_fallback

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import (
    HttpClient,
    validate_transport_params,
    validate_url,
)

JWT_IMPORT_ERROR = None
try:
    import jwt
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    jwt = None
    JWT_IMPORT_ERROR = traceback.format_exc()

DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
BRAND_PORTAL_METASCOPE = "ent_brand_portal_sdk"
JWT_EXCHANGE_PATH = "/ims/exchange/jwt"  # IMS facts §1.1
OAUTH_TOKEN_PATH = "/ims/token/v3"  # IMS facts §4.1
# Adobe's own clients sign JWTs valid for 180-300 s and exchange them at once (IMS facts §2).
DEFAULT_JWT_LIFETIME = 300
ORG_SUFFIX = "@AdobeOrg"
TECHNICAL_ACCOUNT_SUFFIX = "@techacct.adobe.com"


class ImsError(AemError):
    """IMS refused a token request; ``error`` and ``error_description`` are IMS's own words."""

    def __init__(self, message, error=None, error_description=None, **kwargs):
        super(ImsError, self).__init__(message, **kwargs)
        self.error = error
        self.error_description = error_description

    def fail_kwargs(self):
        kwargs = super(ImsError, self).fail_kwargs()
        if self.error:
            kwargs["ims_error"] = self.error
        return kwargs


def ims_argument_spec():
    """Options shared by the IMS token modules (documented in the ``ims`` fragment)."""
    return dict(
        ims_url=dict(type="str", default=DEFAULT_IMS_URL, fallback=(env_fallback, ["ADOBE_IMS_URL"])),
        client_id=dict(type="str", required=True, fallback=(env_fallback, ["ADOBE_IMS_CLIENT_ID"])),
        client_secret=dict(type="str", required=True, no_log=True,
                           fallback=(env_fallback, ["ADOBE_IMS_CLIENT_SECRET"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30.0),
        retries=dict(type="int", default=3),
    )


def validate_ims_params(params):
    """An error message for bad IMS options (checked before any request), or None."""
    problem = validate_url("ims_url", params.get("ims_url"), DEFAULT_IMS_URL, "client_id and client_secret")
    if problem:
        return problem
    if not (params.get("client_id") or "").strip():
        return "option client_id: empty; expected the credential's client ID (API key) from the Adobe Developer Console"
    for option, what in (("client_id", "client ID (API key)"), ("client_secret", "client secret")):
        value = params.get(option)
        if value is not None and (not value.strip() or value != value.strip()):
            return ("option %s: empty or surrounded by whitespace (often a newline read from a file); expected the "
                    "credential's %s from the Adobe Developer Console, as it is there" % (option, what))
    org_id = params.get("org_id")
    if org_id is not None and not org_id.endswith(ORG_SUFFIX):
        return ("option org_id: %r does not end with %s; expected the organization ID from the Adobe Developer "
                "Console, such as 12345678ABCDEF0123456789@AdobeOrg" % (org_id, ORG_SUFFIX))
    account = params.get("technical_account_id")
    if account is not None and not account.endswith(TECHNICAL_ACCOUNT_SUFFIX):
        return ("option technical_account_id: %r does not end with %s; expected the technical account ID from the "
                "Adobe Developer Console, such as 0123456789ABCDEF@techacct.adobe.com" % (account, TECHNICAL_ACCOUNT_SUFFIX))
    return validate_transport_params(params)


def base_url(ims_url):
    return (ims_url or DEFAULT_IMS_URL).rstrip("/")


def metascope_claim(ims_url, metascope):
    """``ent_brand_portal_sdk`` -> ``https://ims-na1.adobelogin.com/s/ent_brand_portal_sdk`` (IMS facts §2)."""
    if metascope.startswith("http://") or metascope.startswith("https://"):
        return metascope
    return "%s/s/%s" % (base_url(ims_url), metascope)


def build_jwt_claims(ims_url, client_id, org_id, technical_account_id, metascopes, lifetime=DEFAULT_JWT_LIFETIME,
                     now=None):
    """The claims Adobe documents for a Service Account JWT (IMS facts §2); the IMS host is part of ``aud``
    and of every metascope key (IMS facts §6), so they are built from the IMS actually called."""
    if not metascopes:
        raise AemInputError("option metascopes: empty; expected at least one, e.g. %s" % BRAND_PORTAL_METASCOPE)
    if lifetime <= 0:
        raise AemInputError("option jwt_lifetime: %s is not positive; expected seconds, e.g. %d"
                            % (lifetime, DEFAULT_JWT_LIFETIME))
    issued = int(now if now is not None else time.time())
    claims = {
        "exp": issued + int(lifetime),
        "iat": issued,
        "iss": org_id,
        "sub": technical_account_id,
        "aud": "%s/c/%s" % (base_url(ims_url), client_id),
    }
    for metascope in metascopes:
        claims[metascope_claim(ims_url, metascope)] = True
    return claims


def sign_jwt(claims, private_key):
    """A compact RS256 JWS of ``claims`` (IMS facts §2: IMS accepts RS256 only)."""
    token = jwt.encode(claims, private_key, algorithm="RS256")
    return token.decode("ascii") if isinstance(token, bytes) else token


class Token(object):
    """An IMS access token and its absolute expiry."""

    def __init__(self, access_token, token_type, expires_in_seconds, issued_at):
        self.access_token = access_token
        self.token_type = token_type
        self.expires_in = int(expires_in_seconds)
        self.expires_at = int(issued_at + self.expires_in)

    def as_result(self):
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "expires_at": self.expires_at,
            "expires_at_iso": datetime.fromtimestamp(self.expires_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def ims_hint(status, error, description, grant):
    """What to fix, from IMS's ``error`` and ``error_description`` (IMS facts §1.4, §4.4)."""
    text = (description or "").lower()
    if error == "invalid_token" and "signature" in text:
        return ("the JWT is signed with a private key whose public certificate is not registered with this "
                "credential, or that certificate expired or was replaced: upload the certificate (for AEM, "
                "AEM-Adobe-IMS.crt) to the credential in the Adobe Developer Console, or sign with the matching key "
                "(option private_key)")
    if error == "invalid_token" and ("format" in text or "decode" in text):
        return "the JWT could not be decoded: check option private_key and the claims"
    if error == "invalid_token":
        return ("the JWT was refused, usually because it expired: check the controller's clock and option "
                "jwt_lifetime")
    if error == "invalid_client" and "secret" in text:
        return ("wrong client secret - copy it again from the credential in the Adobe Developer Console "
                "(option client_secret)")
    if error == "invalid_client":
        if grant == "jwt":
            return ("unknown client ID, or the JWT audience names another IMS: check option client_id (the API "
                    "key) and option ims_url")
        return "unknown client ID: check option client_id (the API key)"
    if error == "invalid_scope":
        if grant == "jwt":
            return ("the metascopes in the JWT are not granted to the credential: add the API (for Brand Portal, "
                    "the AEM Brand Portal API) to the project, or fix option metascopes")
        return "the requested scopes are not granted to the credential: copy them from the credential (option scopes)"
    if error == "invalid_jti":
        return "the credential requires a unique jti claim"
    if status == 429:
        return "IMS throttles this credential: reuse tokens until they expire instead of requesting new ones"
    if status >= 500:
        return "IMS reported a server error; try again later"
    return "see IMS's error description"


class ImsClient(HttpClient):
    """Token requests to one IMS host."""

    service = "Adobe IMS"
    url_option = "ims_url"
    # Failures to reach IMS must not send the user to AEM's url option (HINTS speak of the service's own option).
    hints = {
        "unreachable": ("check the ims_url option (Adobe IMS is %s) and that the network (proxy, firewall) lets this "
                        "host reach Adobe IMS." % DEFAULT_IMS_URL),
        "no_answer": ("the server closed the connection without an answer: Adobe IMS speaks HTTPS, check the ims_url "
                      "option (default %s)." % DEFAULT_IMS_URL),
        "plain_http": ("Adobe IMS speaks HTTPS: check the ims_url option (default %s); use http:// in ims_url only "
                       "for a plain-HTTP test double." % DEFAULT_IMS_URL),
        "server_error": "Adobe IMS reported a server error; try again later.",
        "forbidden": "Adobe IMS refused the request: check the ims_url option and the credential's client_id.",
    }

    def exchange_jwt(self, client_id, client_secret, jwt_token):
        """Exchange a signed JWT (IMS facts §1); IMS answers ``expires_in`` in MILLISECONDS (IMS facts §1.3)."""
        self.redactor.add_all((client_secret, jwt_token))
        form = {"client_id": client_id, "client_secret": client_secret, "jwt_token": jwt_token}
        return self._token(JWT_EXCHANGE_PATH, form, "exchange a JWT for an access token", "jwt", unit=1000.0)

    def client_credentials(self, client_id, client_secret, scopes, org_id=None):
        """OAuth Server-to-Server (IMS facts §4.1, §4.3): ``expires_in`` in SECONDS; scopes comma-separated."""
        self.redactor.add(client_secret)
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret,
                "scope": ",".join(scopes)}
        if org_id:
            form["org_id"] = org_id
        return self._token(OAUTH_TOKEN_PATH, form, "obtain an OAuth Server-to-Server access token", "oauth",
                           unit=1.0)

    def _token(self, path, form, attempted, grant, unit):
        issued_at = time.time()
        # Asking IMS for a token twice does no harm, so transient failures are retried.
        response = self.send("POST", path, attempted, data=form, retryable=True)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status == 200 and isinstance(body, dict) and body.get("access_token"):
            self.redactor.add(body["access_token"])
            try:
                seconds = float(body.get("expires_in")) / unit
            except (TypeError, ValueError):
                raise AemUnexpectedResponseError("the token answer has no numeric expires_in",
                                                 **self.error_kwargs(response, attempted))
            return Token(body["access_token"], body.get("token_type", "bearer"), seconds, issued_at)
        if isinstance(body, dict) and body.get("error"):
            error, description = body.get("error"), body.get("error_description")
            message = "IMS answered HTTP %s %s: %s - %s" % (
                response.status, error, self.redactor.text(description),
                ims_hint(response.status, error, description, grant))
            raise ImsError(message, error=error, error_description=self.redactor.text(description),
                           **self.error_kwargs(response, attempted))
        raise self.error_for(response, attempted)
