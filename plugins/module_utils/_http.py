# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""HTTP transport shared by the AEM and Adobe IMS clients: one session, TLS verification, bounded
retries with backoff, and typed, redacted errors.

It knows nothing about AEM or IMS; ``_aem_client.py`` adds AEM's authentication and CSRF handling,
``_ims.py`` the IMS token endpoints.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from urllib.parse import quote

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
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

# Gateways and a starting server answer these while the request was not processed: safe to retry.
RETRY_STATUSES = frozenset((502, 503, 504))
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))

BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0


def validate_transport_params(params):
    """An error message for bad ``timeout`` or ``retries`` options, or None."""
    if params.get("timeout") is not None and params["timeout"] <= 0:
        return "option timeout: %s is not positive; expected seconds, e.g. 30" % params["timeout"]
    if params.get("retries") is not None and params["retries"] < 0:
        return "option retries: %s is negative; expected 0 or more" % params["retries"]
    return None


class HttpResponse(object):
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
        return json.loads(self.text)


class HttpClient(object):
    """A session to one base URL.

    ``warn`` receives one message per retry (modules pass ``module.warn``); ``sleep`` is injectable
    so that tests need not wait.
    """

    #: what the service is called in error messages
    service = "the server"

    def __init__(self, url, validate_certs=True, ca_path=None, timeout=30.0, retries=3, warn=None,
                 sleep=time.sleep, session=None, redactor=None):
        if requests is None and session is None:
            raise AemError("the Python library 'requests' is required")
        self.base_url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.warn = warn or (lambda msg: None)
        self.sleep = sleep
        self.redactor = redactor or Redactor()
        self.request_count = 0
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if not validate_certs:
            self.verify = False
        elif ca_path:
            self.verify = ca_path
        else:
            self.verify = True
        self.session.verify = self.verify

    def get(self, path, attempted, expected=(200,), params=None, headers=None):
        return self.request("GET", path, attempted, expected=expected, params=params, headers=headers)

    def get_json(self, path, attempted, expected=(200,), params=None):
        """GET and decode JSON; an answer that is not JSON (a login page, a proxy error) is a typed error."""
        response = self.get(path, attempted, expected=expected, params=params)
        try:
            return response.json()
        except ValueError:
            raise AemUnexpectedResponseError("the answer is not JSON", **self.error_kwargs(response, attempted))

    def post(self, path, attempted, data=None, files=None, expected=(200, 201), headers=None,
             idempotent=False):
        """POST a write.  ``idempotent`` allows retries: set it only when repeating cannot harm."""
        return self.request("POST", path, attempted, data=data, files=files, expected=expected,
                            headers=headers, idempotent=idempotent)

    def request(self, method, path, attempted, expected=(200,), params=None, data=None, files=None,
                headers=None, idempotent=False):
        """Send one request; return an :class:`HttpResponse` whose status is in ``expected``.

        Raises a typed :class:`AemError` otherwise.  Transient failures are retried with backoff
        when the request is safe to repeat.
        """
        method = method.upper()
        response = self.send(method, path, attempted, params=params, data=data, files=files, headers=headers,
                             retryable=method in SAFE_METHODS or idempotent)
        if response.status not in expected:
            raise self.error_for(response, attempted)
        return response

    def url_for(self, path):
        return self.base_url + quote_path(path)

    def send(self, method, path, attempted, params=None, data=None, files=None, headers=None, retryable=False):
        """One logical request, retried on transient failures when ``retryable``; no status check."""
        attempt = 0
        while True:
            try:
                response = self._send_once(method, path, params, data, files, headers)
            except AemUnreachableError as exc:
                if not retryable or attempt >= self.retries:
                    exc.attempted = attempted
                    raise
                reason = exc.message
            except AemError as exc:
                exc.attempted = attempted
                raise
            else:
                if response.status not in RETRY_STATUSES or not retryable or attempt >= self.retries:
                    return response
                reason = "HTTP %s" % response.status
            attempt += 1
            delay = self.backoff(attempt)
            self.warn("%s %s: %s; retry %d of %d in %.1f s" % (method, path, reason, attempt, self.retries, delay))
            self.sleep(delay)

    @staticmethod
    def backoff(attempt):
        # Exponential backoff with jitter, so that a fleet of clients does not retry in lockstep.
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        return ceiling * random.uniform(0.5, 1.0)

    def _send_once(self, method, path, params, data, files, headers):
        self.request_count += 1
        try:
            # verify is passed on every request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
            # from the environment override the session's setting, which would ignore ca_path.
            raw = self.session.request(method, self.url_for(path), params=params, data=data, files=files,
                                       headers=headers, timeout=self.timeout, allow_redirects=False,
                                       verify=self.verify)
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
        return HttpResponse(raw.status_code, raw.headers, raw.content, method, path)

    def _reason(self, exc):
        # requests nests the useful cause deep inside; keep the innermost message, redacted.
        cause = exc
        for dummy in range(10):
            inner = getattr(cause, "__context__", None)
            if inner is None or inner is cause:
                break
            cause = inner
        text = str(cause) or exc.__class__.__name__
        return self.redactor.text(text)[:300]

    def error_kwargs(self, response, attempted):
        return dict(method=response.method, path=response.path, status=response.status,
                    excerpt=self.redactor.excerpt(response.body), attempted=attempted)

    def error_for(self, response, attempted):
        """The typed error for an unexpected status; subclasses refine 401 and 403."""
        status = response.status
        kwargs = self.error_kwargs(response, attempted)
        if status == 403:
            return AemForbiddenError("HTTP 403", **kwargs)
        if status == 404:
            return AemNotFoundError("HTTP 404: not found", **kwargs)
        if status >= 500:
            return AemServerError("HTTP %s from %s" % (status, self.service), **kwargs)
        return AemUnexpectedResponseError("unexpected HTTP %s from %s" % (status, self.service), **kwargs)


def quote_path(path):
    """Percent-encode a URL path, keeping the characters JCR and Sling paths use verbatim."""
    if not path.startswith("/"):
        path = "/" + path
    return quote(path, safe="/:@!$&'()*+,;=-._~")
