# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The connection to one AEM author: its options, Basic authentication and the CSRF token.

One :class:`AemClient` per module run, so that the many requests one module makes reuse one
connection.  The client knows nothing about JCR or Brand Portal; see ``_sling.py`` for that.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemForbiddenError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import (
    REQUESTS_IMPORT_ERROR,
    SAFE_METHODS,
    USER_AGENT,
    HttpClient,
    validate_transport_params,
    validate_url,
    without_credentials,
)

__all__ = ["AemClient", "aem_argument_spec", "validate_connection_params", "validate_url", "without_credentials",
           "REQUESTS_IMPORT_ERROR", "USER_AGENT"]

CSRF_TOKEN_PATH = "/libs/granite/csrf/token.json"


def aem_argument_spec():
    """The connection options shared by every AEM module (documented in the ``connection`` fragment)."""
    return dict(
        url=dict(type="str", required=True, fallback=(env_fallback, ["AEM_URL"])),
        username=dict(type="str", required=True, fallback=(env_fallback, ["AEM_USERNAME"])),
        password=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["AEM_PASSWORD"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path", fallback=(env_fallback, ["AEM_CA_PATH"])),
        timeout=dict(type="float", default=30.0),
        retries=dict(type="int", default=3),
    )


def validate_credential_params(params):
    """An error message for an empty user name or password, or one surrounded by whitespace, or None.

    AEM has no user without a password; whitespace around one is almost always a newline read from a
    file, and the 401 it causes would not say so.
    """
    username = params.get("username")
    if username is not None and (not username.strip() or username != username.strip()):
        return ("option username: %r is empty or surrounded by whitespace; expected the AEM user name, such as "
                "deployer" % username)
    password = params.get("password")
    if password is not None and not password.strip():
        return "option password: empty; expected the password of the AEM user %r" % username
    if password is not None and password != password.strip():
        return ("option password: starts or ends with whitespace (often a newline read from a file); expected the "
                "password without it (use the filter trim)")
    return None


def validate_connection_params(params):
    """Return an error message for bad connection options, or None.  Runs before any request."""
    problem = validate_url("url", params.get("url"), "https://author.example.com:4502")
    if problem:
        return problem
    problem = validate_credential_params(params)
    if problem:
        return problem
    return validate_transport_params(params)


class AemClient(HttpClient):
    """A session to one AEM instance, authenticated with HTTP Basic."""

    service = "AEM"

    def __init__(self, url, username, password, **kwargs):
        super(AemClient, self).__init__(url, **kwargs)
        self.username = username
        self.redactor.add(password)
        self.session.auth = (username, password)
        self.csrf_token = None

    def request(self, method, path, attempted, expected=(200,), params=None, data=None, files=None,
                headers=None, idempotent=False, write=True, fresh=False):
        """As :meth:`HttpClient.request`; a write refused with 403 is retried once with a fresh
        CSRF token."""
        method = method.upper()
        self.refuse_writes(method, path, attempted, write)
        response = self.send(method, path, attempted, params=params, data=data, files=files, headers=headers,
                             retryable=method in SAFE_METHODS or idempotent, fresh=fresh)
        if response.status == 403 and method not in SAFE_METHODS:
            # AEM's CSRF filter answers a write without a valid token with a bare 403.  The token
            # is fetched only when needed, because most non-browser clients never need one.
            self._refresh_csrf_token()
            response = self.send(method, path, attempted, params=params, data=data, files=files, headers=headers,
                                 retryable=idempotent)
        if response.status not in expected:
            raise self.error_for(response, attempted)
        self.record_write(response, write)
        return response

    def _refresh_csrf_token(self):
        attempted = "fetch a CSRF token"
        response = self.send("GET", CSRF_TOKEN_PATH, attempted, retryable=True)
        if response.status != 200:
            raise self.error_for(response, attempted)
        try:
            token = response.json()["token"]
        except (ValueError, KeyError, TypeError):
            raise AemUnexpectedResponseError("the answer is not the expected {\"token\": ...} JSON",
                                             **self.error_kwargs(response, attempted))
        self.redactor.add(token)
        self.csrf_token = token
        self.session.headers["CSRF-Token"] = token

    def error_for(self, response, attempted):
        kwargs = self.error_kwargs(response, attempted)
        if response.status == 401:
            return AemAuthError("AEM refused the credentials of user %r (HTTP 401)" % self.username, **kwargs)
        if response.status == 403 and response.method not in SAFE_METHODS:
            return AemForbiddenError("HTTP 403 even after sending a fresh CSRF-Token", **kwargs)
        return super(AemClient, self).error_for(response, attempted)
