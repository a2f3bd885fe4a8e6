# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Typed errors raised by the AEM client and turned into ``fail_json`` by the modules.

Every error carries what was attempted, the HTTP method, the URL *path* (never the query string or
credentials), the status and a short, redacted excerpt of the answer.  Modules call
:meth:`AemError.fail_kwargs` and never build failure messages from raw responses themselves.
"""

from __future__ import annotations


class AemError(Exception):
    """Base class: something went wrong talking to AEM (or Adobe IMS)."""

    #: a short hint telling the user what to check, appended to the message; the class default
    #: speaks of AEM, and a client of another service (Adobe IMS) passes its own ``hint``
    hint = ""

    def __init__(self, message, method=None, path=None, status=None, excerpt=None, attempted=None, hint=None,
                 retries=None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.excerpt = excerpt
        self.attempted = attempted
        #: how often the request was repeated before this error (transient failures of a request safe to repeat)
        self.retries = retries
        if hint is not None:
            self.hint = hint

    def __str__(self):
        parts = []
        if self.attempted:
            parts.append("Failed to %s" % self.attempted)
        where = " ".join(p for p in (self.method, self.path) if p)
        if where and self.retries:
            where += " after %d %s" % (self.retries, "retry" if self.retries == 1 else "retries")
        if where:
            parts.append("(%s)" % where)
        head = " ".join(parts)
        text = "%s: %s" % (head, self.message) if head else self.message
        if self.hint:
            text = "%s %s" % (text.rstrip("."), "- " + self.hint)
        return text

    def fail_kwargs(self):
        """Keyword arguments for ``AnsibleModule.fail_json``."""
        kwargs = {"msg": str(self)}
        for key, value in (("method", self.method), ("url_path", self.path), ("status", self.status),
                           ("response_excerpt", self.excerpt), ("request_retries", self.retries)):
            if value is not None:
                kwargs[key] = value
        return kwargs


class AemAuthError(AemError):
    hint = "check the username and password (options username/password or AEM_USERNAME/AEM_PASSWORD)."


class AemForbiddenError(AemError):
    hint = ("the user lacks permission, or AEM's CSRF filter refused the write even with a fresh "
            "CSRF-Token (check /libs/granite/csrf/token.json and the CSRF filter configuration).")


class AemNotFoundError(AemError):
    pass


class AemServerError(AemError):
    hint = "AEM reported an internal error; see error.log on the instance."


class AemUnreachableError(AemError):
    #: False when no connection was made, so the request certainly did not reach the server; True when it may
    #: have (no answer, or the connection broke after the request was sent)
    sent = True
    hint = "check the url option, that AEM is running and that the network allows the connection."


class AemTLSError(AemError):
    """The TLS connection failed; the client's hint says why (plain HTTP, unknown CA, host name, CA file)."""

    hint = ("the server certificate could not be verified: set ca_path to the CA bundle that signed it "
            "(validate_certs=false only for throw-away test instances).")


class AemUnexpectedResponseError(AemError):
    pass


class AemInputError(AemError):
    """Bad module input, detected before anything is written."""


class AemCloudServiceError(AemError):
    """The author is AEM as a Cloud Service, where Brand Portal is not configured on the author at all.

    Raised where the version is read (``_profiles.read_profile``), which every Brand Portal module and role does
    before its first write; the failure message then says that nothing was written (``_http.failure``)."""

    #: Adobe's page for activating Brand Portal on AEM as a Cloud Service (seed 002 links it)
    doc_url = ("https://experienceleague.adobe.com/en/docs/experience-manager-cloud-service/content/assets/"
               "brand-portal/configure-aem-assets-with-brand-portal")
    hint = ("on AEM as a Cloud Service Brand Portal is activated from Cloud Manager, which creates the configuration on "
            "the author and activates Brand Portal on the instance's IMS organisation; it is not configured on the author, "
            "and this collection configures AEM 6.3, 6.4 and 6.5 authors only (see %s)." % doc_url)

    def __init__(self, message, release=None, **kwargs):
        super().__init__(message, **kwargs)
        self.release = release

    def fail_kwargs(self):
        kwargs = super().fail_kwargs()
        kwargs["aem_cloud_service"] = True
        if self.release:
            kwargs["aem_version"] = self.release
        return kwargs
