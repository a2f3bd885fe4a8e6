# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""HTTP transport to one AEM author: session, authentication, CSRF, retries and typed errors.

One :class:`AemClient` per module run, so that the many requests one module makes reuse one
connection.  The client knows nothing about JCR or Brand Portal; see ``_sling.py`` for that.
"""

from __future__ import annotations

import random
import time
import traceback
from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemError,
    AemForbiddenError,
    AemNotFoundError,
    AemServerError,
    AemTLSError,
    AemUnexpectedResponseError,
    AemUnreachableError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import Redactor

REQUESTS_IMPORT_ERROR = None
try:
    import requests
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "aemtools.brand_portal/%s (Ansible collection)" % COLLECTION_VERSION

CSRF_TOKEN_PATH = "/libs/granite/csrf/token.json"

# Gateways and a starting AEM answer these while the request was not processed: safe to retry.
RETRY_STATUSES = frozenset((502, 503, 504))
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))

BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0


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


def validate_connection_params(params):
    """Return an error message for bad connection options, or None.  Runs before any request."""
    url = params.get("url") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ("option url: %r is not an absolute http(s) URL; expected the author's base URL such as "
                "https://author.example.com:4502" % url)
    if parts.username or parts.password:
        return "option url: must not carry credentials; use the username and password options"
    if parts.query or parts.fragment:
        return "option url: must not carry a query string or fragment; expected a base URL"
    if params.get("timeout") is not None and params["timeout"] <= 0:
        return "option timeout: %s is not positive; expected seconds, e.g. 30" % params["timeout"]
    if params.get("retries") is not None and params["retries"] < 0:
        return "option retries: %s is negative; expected 0 or more" % params["retries"]
    return None


class AemResponse(object):
    """What callers need of an answer: status, headers, body; decoupled from ``requests``."""

    def __init__(self, status, headers, body, method, path):
        self.status = status
        self.headers = headers
        self.body = body
        self.method = method
        self.path = path

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        import json
        return json.loads(self.text)


class AemClient(object):
    """A session to one AEM instance.

    ``warn`` receives one message per retry (modules pass ``module.warn``); ``sleep`` is injectable
    so that tests need not wait.
    """

    def __init__(self, url, username, password, validate_certs=True, ca_path=None, timeout=30.0,
                 retries=3, warn=None, sleep=time.sleep, session=None, redactor=None):
        if requests is None and session is None:
            raise AemError("the Python library 'requests' is required")
        self.base_url = url.rstrip("/")
        self.username = username
        self.timeout = timeout
        self.retries = retries
        self.warn = warn or (lambda msg: None)
        self.sleep = sleep
        self.redactor = redactor or Redactor()
        self.redactor.add(password)
        self.csrf_token = None
        self.request_count = 0
        self.session = session or requests.Session()
        self.session.auth = (username, password)
        self.session.headers["User-Agent"] = USER_AGENT
        if not validate_certs:
            self.session.verify = False
        elif ca_path:
            self.session.verify = ca_path
        else:
            self.session.verify = True

    # -- public API -------------------------------------------------------------------------------

    def get(self, path, attempted, expected=(200,), params=None, headers=None):
        return self.request("GET", path, attempted, expected=expected, params=params, headers=headers)

    def post(self, path, attempted, data=None, files=None, expected=(200, 201), headers=None,
             idempotent=False):
        """POST a write.  ``idempotent`` allows retries: set it only when repeating cannot harm."""
        return self.request("POST", path, attempted, data=data, files=files, expected=expected,
                            headers=headers, idempotent=idempotent)

    def request(self, method, path, attempted, expected=(200,), params=None, data=None, files=None,
                headers=None, idempotent=False):
        """Send one request; return an :class:`AemResponse` whose status is in ``expected``.

        Raises a typed :class:`AemError` otherwise.  A write refused with 403 is retried once with
        a fresh CSRF token; transient failures are retried with backoff when the request is safe
        to repeat.
        """
        method = method.upper()
        response = self._send_with_retries(method, path, attempted, params, data, files, headers,
                                           retryable=method in SAFE_METHODS or idempotent)
        if response.status == 403 and method not in SAFE_METHODS:
            # AEM's CSRF filter answers a write without a valid token with a bare 403.  The token
            # is fetched only when needed, because most non-browser clients never need one.
            self._refresh_csrf_token()
            response = self._send_with_retries(method, path, attempted, params, data, files, headers,
                                               retryable=idempotent)
        if response.status not in expected:
            raise self._error_for(response, attempted)
        return response

    def url_for(self, path):
        return self.base_url + quote_path(path)

    # -- internals --------------------------------------------------------------------------------

    def _refresh_csrf_token(self):
        response = self._send_with_retries("GET", CSRF_TOKEN_PATH, "fetch a CSRF token", None, None,
                                           None, None, retryable=True)
        if response.status != 200:
            raise self._error_for(response, "fetch a CSRF token")
        try:
            token = response.json()["token"]
        except (ValueError, KeyError, TypeError):
            raise AemUnexpectedResponseError(
                "the answer is not the expected {\"token\": ...} JSON", method="GET", path=CSRF_TOKEN_PATH,
                status=response.status, excerpt=self.redactor.excerpt(response.body),
                attempted="fetch a CSRF token")
        self.redactor.add(token)
        self.csrf_token = token
        self.session.headers["CSRF-Token"] = token

    def _send_with_retries(self, method, path, attempted, params, data, files, headers, retryable):
        attempt = 0
        while True:
            try:
                response = self._send(method, path, params, data, files, headers)
            except AemUnreachableError as exc:
                if not retryable or attempt >= self.retries:
                    exc.attempted = attempted
                    raise
                reason = exc.message
            else:
                if response.status not in RETRY_STATUSES or not retryable or attempt >= self.retries:
                    return response
                reason = "HTTP %s" % response.status
            attempt += 1
            delay = self._backoff(attempt)
            self.warn("%s %s: %s; retry %d of %d in %.1f s" % (method, path, reason, attempt, self.retries, delay))
            self.sleep(delay)

    @staticmethod
    def _backoff(attempt):
        # Exponential backoff with jitter, so that a fleet of clients does not retry in lockstep.
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        return ceiling * random.uniform(0.5, 1.0)

    def _send(self, method, path, params, data, files, headers):
        self.request_count += 1
        try:
            raw = self.session.request(method, self.url_for(path), params=params, data=data, files=files,
                                       headers=headers, timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise AemTLSError(self._reason(exc), method=method, path=path)
        except requests.exceptions.Timeout:
            raise AemUnreachableError("no answer within %s s (option timeout)" % self.timeout, method=method,
                                      path=path)
        except requests.exceptions.ConnectionError as exc:
            raise AemUnreachableError("cannot connect to %s: %s" % (self.base_url, self._reason(exc)),
                                      method=method, path=path)
        except requests.exceptions.RequestException as exc:
            raise AemUnreachableError(self._reason(exc), method=method, path=path)
        return AemResponse(raw.status_code, raw.headers, raw.content, method, path)

    def _reason(self, exc):
        # requests nests the useful cause deep inside; keep the innermost message, redacted.
        cause = exc
        for _ in range(10):
            inner = getattr(cause, "__context__", None)
            if inner is None or inner is cause:
                break
            cause = inner
        text = str(cause) or exc.__class__.__name__
        return self.redactor.text(text)[:300]

    def _error_for(self, response, attempted):
        status = response.status
        kwargs = dict(method=response.method, path=response.path, status=status,
                      excerpt=self.redactor.excerpt(response.body), attempted=attempted)
        if status == 401:
            return AemAuthError("AEM refused the credentials of user %r (HTTP 401)" % self.username, **kwargs)
        if status == 403:
            if response.method not in SAFE_METHODS:
                return AemForbiddenError("HTTP 403 even after sending a fresh CSRF-Token", **kwargs)
            return AemForbiddenError("HTTP 403", **kwargs)
        if status == 404:
            return AemNotFoundError("HTTP 404: not found", **kwargs)
        if status >= 500:
            return AemServerError("HTTP %s" % status, **kwargs)
        return AemUnexpectedResponseError("unexpected HTTP %s" % status, **kwargs)


def quote_path(path):
    """Percent-encode a JCR path for a URL, keeping the characters Sling paths use verbatim."""
    if not path.startswith("/"):
        path = "/" + path
    return quote(path, safe="/:@!$&'()*+,;=-._~")
