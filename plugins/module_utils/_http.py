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
import os
import random
import ssl
import time
import traceback
from urllib.parse import quote, urlsplit

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemForbiddenError,
    AemInputError,
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

COLLECTION_VERSION = "0.3.0"  # galaxy.yml's version (a unit test keeps them equal)
USER_AGENT = "aemtools.brand_portal/%s (Ansible collection)" % COLLECTION_VERSION

# Gateways and a starting server answer these while the request was not processed: safe to retry.
RETRY_STATUSES = frozenset((502, 503, 504))
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))

BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0

# What OpenSSL reports when the answer to the TLS ClientHello is not TLS at all, which is what a
# plain-HTTP port answers (OpenSSL 1.1/3.0: WRONG_VERSION_NUMBER; 3.2+: record layer failure).
PLAIN_HTTP_MARKERS = ("wrong_version_number", "wrong version number", "record_layer_failure",
                      "record layer failure", "packet_length_too_long", "packet length too long",
                      "unknown_protocol", "unknown protocol")
HOST_MISMATCH_MARKERS = ("hostname mismatch", "ip address mismatch", "doesn't match", "not valid for")
UNVERIFIED_MARKERS = ("certificate_verify_failed", "certificate verify failed")
CA_FILE_MARKERS = ("no_certificate_or_crl_found", "no certificate or crl found", "pem lib", "pem_lib")
# No connection was made (refused, unknown host, no route): the request was certainly not sent.
NOT_SENT_MARKERS = ("newconnectionerror", "failed to establish a new connection", "nameresolutionerror",
                    "name or service not known")
# A TLS port that receives a plain-HTTP request closes the connection without an answer.
NO_ANSWER_MARKERS = ("remotedisconnected", "remote end closed connection", "connection reset",
                     "connectionreseterror", "connection aborted", "badstatusline")

# How a failure of each kind is explained; {option} is the client's URL option, {service} its service.
HINTS = {
    "unreachable": "check the {option} option, that {service} is running and that the network allows the connection.",
    "no_answer": ("the server closed the connection without an answer: if it speaks HTTPS, use https:// in the "
                  "{option} option; otherwise check that {service} is running."),
    "plain_http": "use http:// in the {option} option (or enable TLS on {service}).",
    "unverified": ("set the option ca_path to the CA bundle (PEM) that signed the certificate of {service} "
                   "(validate_certs=false only for throw-away test instances)."),
    "unverified_ca_path": ("the CA bundle in option ca_path ({ca_path}) did not sign the certificate of {service}: "
                           "set ca_path to the one that did."),
    "host_mismatch": ("the certificate was issued for another host name: use that host name in the {option} option "
                      "(or a certificate that names this host)."),
    "tls": "check that the {option} option names the HTTPS port of {service}, and the options ca_path and validate_certs.",
    "server_error": "{service} reported an internal error; see error.log on the instance.",
    "forbidden": ("the user lacks permission, or AEM's CSRF filter refused the write even with a fresh "
                  "CSRF-Token (check /libs/granite/csrf/token.json and the CSRF filter configuration)."),
}


def without_credentials(url):
    """``url`` with any ``user:password@`` replaced by ``***@``, for messages."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[-1]).geturl()


def validate_url(option, url, example, credential_options="username and password"):
    """An error message when ``url`` is not an absolute http(s) base URL, else None.

    The message names the option, what is wrong and the expected form; credentials in the URL are
    never repeated.
    """
    text = url or ""
    if text != text.strip():
        return ("option %s: %r starts or ends with whitespace; expected a base URL such as %s"
                % (option, without_credentials(text.strip()), example))
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        if not text:
            why = "empty"
        elif "://" not in text:
            why = "no scheme"
        elif parts.scheme not in ("http", "https"):
            why = "scheme %r" % parts.scheme
        else:
            why = "no host"
        return ("option %s: %r is not an absolute http(s) URL (%s); expected a base URL such as %s"
                % (option, without_credentials(text) if "@" in text else text, why, example))
    if parts.username or parts.password:
        return ("option %s: %r carries a user name and password; expected a base URL without them such as %s "
                "(give them in the options %s)" % (option, without_credentials(text), example, credential_options))
    if parts.query or parts.fragment:
        return ("option %s: %r carries a query string or fragment; expected a base URL such as %s"
                % (option, text, example))
    return None


def validate_ca_path(ca_path):
    """An error message when ``ca_path`` is not a readable CA bundle (PEM file) or directory, or None.

    Checked before any request: ``requests`` answers a missing file with a bare OSError, and a file
    without certificates with an SSL error that reads like a failed verification.
    """
    if not ca_path:
        return None
    if not os.path.exists(ca_path):
        return ("option ca_path: %s does not exist; expected a PEM file of the CA certificates that signed the "
                "server certificate (-----BEGIN CERTIFICATE-----)" % ca_path)
    if os.path.isdir(ca_path):
        return None
    try:
        ssl.create_default_context().load_verify_locations(cafile=ca_path)
    except ssl.SSLError:
        return ("option ca_path: %s holds no PEM certificate; expected a PEM file of the CA certificates that signed "
                "the server certificate (-----BEGIN CERTIFICATE-----)" % ca_path)
    except (IOError, OSError) as exc:
        return "option ca_path: cannot read %s (%s); expected a readable PEM file of CA certificates" % (
            ca_path, exc.strerror or exc)
    return None


def validate_transport_params(params):
    """An error message for bad ``timeout``, ``retries`` or ``ca_path`` options, or None."""
    if params.get("timeout") is not None and params["timeout"] <= 0:
        return "option timeout: %s is not positive; expected seconds, e.g. 30" % params["timeout"]
    if params.get("retries") is not None and params["retries"] < 0:
        return "option retries: %s is negative; expected 0 or more" % params["retries"]
    if params.get("validate_certs", True):
        return validate_ca_path(params.get("ca_path"))
    return None


def _exception_text(exc):
    """Every message in an exception's chain (cause, context, the reason urllib3 keeps), lower case."""
    texts, seen, todo = [], set(), [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        texts.append("%s %s %r" % (type(current).__name__, current, getattr(current, "args", ())))
        todo.extend((getattr(current, "__cause__", None), getattr(current, "__context__", None),
                     getattr(current, "reason", None)))
        todo.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return " ".join(texts).lower()


class HttpResponse(object):
    """What callers need of an answer: status, headers, body; decoupled from ``requests``."""

    def __init__(self, status, headers, body, method, path):
        self.status = status
        self.headers = headers
        self.body = body
        self.method = method
        self.path = path
        #: how often the request was repeated before this answer
        self.retries = 0

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
    #: the module option that holds the base URL, named in hints
    url_option = "url"
    #: hints for this service, by kind (see HINTS); a subclass overrides some
    hints = {}

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
        #: "METHOD path" of every write AEM (or IMS) accepted in this run, so that a failure can say what is
        #: already written
        self.writes = []
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if not validate_certs:
            self.verify = False
        elif ca_path:
            self.verify = ca_path
        else:
            self.verify = True
        self.session.verify = self.verify
        #: GET answers by (path, params) while nothing is written: see :meth:`cache_reads`
        self._read_cache = None
        #: check mode: a write is refused before it is sent (:meth:`refuse_writes`)
        self.read_only = False

    def cache_reads(self, enabled=True):
        """Answer a repeated GET of the same path from memory until the next write.

        One task that reads, plans and writes a whole configuration asks for the same resources from
        several places (the configMgr listing for the provider and for the customizer, a plan and then
        the write that re-plans); the server is asked once. Any write empties the cache, so what is read
        back after a write is always fresh.
        """
        self._read_cache = {} if enabled else None

    def refuse_writes(self, method, path, attempted, write=True):
        """In check mode (``read_only``) no request that could write leaves this client: "check mode writes
        nothing" holds by construction, not only because each module remembers to stop before writing."""
        if self.read_only and write and method.upper() not in SAFE_METHODS:
            raise AemError("refused to send %s %s in check mode, where nothing may be written (a bug of the "
                           "collection: please report it)" % (method.upper(), path), attempted=attempted)

    def get(self, path, attempted, expected=(200,), params=None, headers=None, fresh=False):
        """``fresh``: never from the read cache - for a GET that makes the server act (AEM's Check Health asks
        Adobe IMS for a token), whose repeat must be asked again."""
        return self.request("GET", path, attempted, expected=expected, params=params, headers=headers, fresh=fresh)

    def get_json(self, path, attempted, expected=(200,), params=None, fresh=False):
        """GET and decode JSON; an answer that is not JSON (a login page, a proxy error) is a typed error."""
        response = self.get(path, attempted, expected=expected, params=params, fresh=fresh)
        try:
            return response.json()
        except ValueError:
            raise AemUnexpectedResponseError("the answer is not JSON", **self.error_kwargs(response, attempted))

    def post(self, path, attempted, data=None, files=None, expected=(200, 201), headers=None,
             idempotent=False, write=True):
        """POST a write.  ``idempotent`` allows retries: set it only when repeating cannot harm.
        ``write=False`` for a POST that changes nothing (e.g. AEM's encryption service)."""
        return self.request("POST", path, attempted, data=data, files=files, expected=expected,
                            headers=headers, idempotent=idempotent, write=write)

    def request(self, method, path, attempted, expected=(200,), params=None, data=None, files=None,
                headers=None, idempotent=False, write=True, fresh=False):
        """Send one request; return an :class:`HttpResponse` whose status is in ``expected``.

        Raises a typed :class:`AemError` otherwise.  Transient failures are retried with backoff
        when the request is safe to repeat.
        """
        method = method.upper()
        self.refuse_writes(method, path, attempted, write)
        response = self.send(method, path, attempted, params=params, data=data, files=files, headers=headers,
                             retryable=method in SAFE_METHODS or idempotent, fresh=fresh)
        if response.status not in expected:
            raise self.error_for(response, attempted)
        self.record_write(response, write)
        return response

    def record_write(self, response, write=True):
        """Remember an accepted write (any method but GET, HEAD, OPTIONS) for :func:`written_statement`."""
        if write and response.method not in SAFE_METHODS:
            self.writes.append("%s %s" % (response.method, response.path))

    def url_for(self, path):
        return self.base_url + quote_path(path)

    def send(self, method, path, attempted, params=None, data=None, files=None, headers=None, retryable=False,
             fresh=False):
        """One logical request, retried on transient failures when ``retryable``; no status check."""
        if self._read_cache is None or (fresh and method in SAFE_METHODS):
            return self._send(method, path, attempted, params, data, files, headers, retryable)
        if method not in SAFE_METHODS:
            self._read_cache.clear()
            return self._send(method, path, attempted, params, data, files, headers, retryable)
        key = (method, path, repr(sorted((params or {}).items()) if isinstance(params, dict) else params),
               repr(sorted((headers or {}).items())))
        if key not in self._read_cache:
            response = self._send(method, path, attempted, params, data, files, headers, retryable)
            if response.status in RETRY_STATUSES or response.status >= 500:
                return response
            self._read_cache[key] = response
        return self._read_cache[key]

    def _send(self, method, path, attempted, params, data, files, headers, retryable):
        attempt = 0
        while True:
            try:
                response = self._send_once(method, path, params, data, files, headers)
            except AemUnreachableError as exc:
                if not retryable or attempt >= self.retries:
                    exc.attempted = attempted
                    exc.retries = attempt
                    raise
                reason = exc.message
            except AemError as exc:
                exc.attempted = attempted
                raise
            else:
                if response.status not in RETRY_STATUSES or not retryable or attempt >= self.retries:
                    response.retries = attempt
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
            raise self.tls_error(exc, method, path)
        except requests.exceptions.ConnectTimeout:
            error = AemUnreachableError("no connection to %s within %s s (option timeout)" % (self.base_url, self.timeout),
                                        method=method, path=path, hint=self.hint("unreachable"))
            error.sent = False
            raise error
        except requests.exceptions.Timeout:
            raise AemUnreachableError("no answer within %s s (option timeout)" % self.timeout, method=method,
                                      path=path, hint=self.hint("unreachable"))
        except requests.exceptions.ConnectionError as exc:
            text = _exception_text(exc)
            kind = "unreachable"
            if self.base_url.lower().startswith("http://") and any(m in text for m in NO_ANSWER_MARKERS):
                kind = "no_answer"
            error = AemUnreachableError("cannot connect to %s: %s" % (self.base_url, self._reason(exc)),
                                        method=method, path=path, hint=self.hint(kind))
            # refused, no route, unknown host: the request never left this host
            error.sent = not any(m in text for m in NOT_SENT_MARKERS)
            raise error
        except requests.exceptions.RequestException as exc:
            raise AemUnreachableError(self._reason(exc), method=method, path=path, hint=self.hint("unreachable"))
        except (IOError, OSError) as exc:
            # requests reports an unusable CA bundle as a bare OSError (validate_ca_path catches most earlier).
            raise AemTLSError("cannot use the CA bundle: %s" % self._reason(exc), method=method, path=path,
                              hint="set the option ca_path to a readable PEM file of CA certificates.")
        return HttpResponse(raw.status_code, raw.headers, raw.content, method, path)

    def hint(self, kind):
        """What to check for a failure of ``kind`` (a key of HINTS), worded for this client's service."""
        template = self.hints.get(kind) or HINTS[kind]
        return template.format(option=self.url_option, service=self.service,
                               ca_path=self.verify if isinstance(self.verify, str) else "")

    def tls_error(self, exc, method, path):
        """The :class:`AemTLSError` for a failed TLS connection, saying which of the usual causes it is."""
        text = _exception_text(exc)
        reason = self._reason(exc)
        if any(marker in text for marker in PLAIN_HTTP_MARKERS):
            message = "the server at %s speaks plain HTTP, not HTTPS" % self.base_url
            kind = "plain_http"
        elif any(marker in text for marker in HOST_MISMATCH_MARKERS):
            message = "the certificate of %s does not name its host (%s)" % (self.base_url, reason)
            kind = "host_mismatch"
        elif any(marker in text for marker in UNVERIFIED_MARKERS):
            message = "the certificate of %s could not be verified (%s)" % (self.base_url, reason)
            kind = "unverified_ca_path" if isinstance(self.verify, str) else "unverified"
        elif any(marker in text for marker in CA_FILE_MARKERS):
            message = "the CA bundle in option ca_path cannot be used (%s)" % reason
            kind = "tls"
        else:
            message = "TLS connection to %s failed (%s)" % (self.base_url, reason)
            kind = "tls"
        return AemTLSError(message, method=method, path=path, hint=self.hint(kind))

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
                    excerpt=self.redactor.excerpt(response.body), attempted=attempted,
                    retries=getattr(response, "retries", 0) or None)

    def error_for(self, response, attempted):
        """The typed error for an unexpected status; subclasses refine 401 and 403."""
        status = response.status
        kwargs = self.error_kwargs(response, attempted)
        if status == 403:
            return AemForbiddenError("HTTP 403", hint=self.hint("forbidden"), **kwargs)
        if status == 404:
            return AemNotFoundError("HTTP 404: not found", **kwargs)
        if status >= 500:
            return AemServerError("HTTP %s from %s" % (status, self.service), hint=self.hint("server_error"),
                                  **kwargs)
        return AemUnexpectedResponseError("unexpected HTTP %s from %s" % (status, self.service), **kwargs)


def quote_path(path):
    """Percent-encode a URL path, keeping the characters JCR and Sling paths use verbatim."""
    if not path.startswith("/"):
        path = "/" + path
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def written_statement(writes, error=None):
    """What a failed task leaves behind: each write the server accepted, in order, or that there was none;
    and, when a write got no answer at all, that its outcome is unknown (the server may have applied it)."""
    if writes:
        text = "Already written by this task: %s." % ", ".join(writes)
    else:
        text = "Nothing was written by this task."
    if (isinstance(error, AemUnreachableError) and error.sent and error.method
            and error.method not in SAFE_METHODS):
        text += " Whether %s %s itself was applied is unknown: no answer came." % (error.method, error.path)
    return text


def failure(error, writes):
    """``fail_json`` keyword arguments for ``error``: its redacted, structured details; a failed request (or any
    failure after a write) also says what the task had already written (``written``)."""
    kwargs = error.fail_kwargs() if isinstance(error, AemError) else {"msg": str(error)}
    if writes or (isinstance(error, AemError) and error.method and not isinstance(error, AemInputError)):
        kwargs["msg"] = "%s %s" % (kwargs["msg"].rstrip(), written_statement(writes, error))
        kwargs["written"] = list(writes)
    return kwargs


def unverified_warning(service):
    """The one warning for validate_certs=false; urllib3's own warning on every request is switched off."""
    try:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    except Exception:  # pragma: no cover - urllib3 always comes with requests
        pass
    return ("validate_certs=false: the %s server certificate is not verified; use ca_path instead outside "
            "throw-away test instances" % service)
