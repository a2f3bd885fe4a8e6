# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The checks that must hold before the collection writes - and, in an upgrade, deletes - anything on an author:
the AEM version supports the configuration model and the credential type, the tenant URL is valid, a brought key
pair belongs together and has not expired, and the controller can write the backup folder.

Every check runs even when an earlier one failed, so that one message names everything to fix. Only reads:
the product information of AEM, on 6.5.11.0-6.5.20.x whether Adobe's OAuth hotfix package is installed, and the
local file system.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import validate_tenant_url
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError, AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import credential_type_problem
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import load_key_pair, not_after
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import read_node

SUPPORTED_LINES = "6.3, 6.4 and 6.5"
HOTFIX_MODES = ("warn", "require", "installed")
PACKAGES_ROOT = "/etc/packages"


class PreflightError(AemError):
    """One or more preflight checks failed; ``checks`` holds every check and its outcome."""

    def __init__(self, message, checks):
        super(PreflightError, self).__init__(message)
        self.checks = checks


class Checks(object):
    """The outcome of each check, in order."""

    def __init__(self):
        self.items = []

    def ok(self, name, detail):
        self.items.append({"check": name, "ok": True, "detail": detail})

    def fail(self, name, detail):
        self.items.append({"check": name, "ok": False, "detail": detail})

    @property
    def problems(self):
        return [c["detail"] for c in self.items if not c["ok"]]


def check_version(checks, profile, credential_type, warn):
    version = profile.version.text
    if not profile.supported:
        checks.fail("aem_version", "AEM %s is not a version this collection supports (%s)" % (version, SUPPORTED_LINES))
        return
    checks.ok("aem_version", "AEM %s, %s model" % (version, profile.model))
    if profile.model == "ims":
        error, warning = credential_type_problem(profile, credential_type)
        if warning:
            warn(warning)
    elif credential_type not in profile.credential_types:
        error = ("option credential_type: %s is not available on AEM %s, whose cloud service model takes %s "
                 "credentials only; use credential_type=%s"
                 % (credential_type, version, " or ".join(profile.credential_types), profile.credential_types[0]))
    else:
        error = None
    if error:
        checks.fail("credential_type", error)
    else:
        checks.ok("credential_type", "%s credentials can be configured on AEM %s" % (credential_type, version))


def read_oauth_hotfix(client):
    """Whether Adobe's OAuth compatibility hotfix is installed, where Package Manager keeps it (INFERRED fact
    oauth_hotfix_package): ``{"state": "installed" | "missing" | "unknown", "path", "detail"}``.

    AEM answers 404 both for a node that does not exist and for one the user may not read, so a missing package
    counts as missing only when the user can read the package root."""
    path = fact("oauth_hotfix_package")
    name = path.rsplit("/", 1)[-1]
    install = ("install %s (Adobe Software Distribution, folder .../cq650/hotfix/) with Package Manager, or update "
               "AEM to 6.5.21.0 or later, which includes it" % name)
    definition = read_node(client, path + "/jcr:content/vlt:definition", missing=(403, 404))
    if definition is not None:
        if definition.get("lastUnpacked"):
            return {"state": "installed", "path": path, "detail": "Adobe's OAuth hotfix %s is installed (%s)"
                    % (name, path)}
        return {"state": "missing", "path": path, "detail": "Adobe's OAuth hotfix %s is uploaded but not installed "
                "(%s has no lastUnpacked): install it in Package Manager" % (name, path)}
    if read_node(client, PACKAGES_ROOT, missing=(403, 404)) is None:
        return {"state": "unknown", "path": path, "detail": "whether Adobe's OAuth hotfix %s is installed cannot be "
                "detected: user %s cannot read %s; give it read access there, or check Package Manager yourself "
                "(it must show %s installed)" % (name, client.username, PACKAGES_ROOT, path)}
    return {"state": "missing", "path": path, "detail": "Adobe's OAuth hotfix %s is not installed (no %s): %s"
            % (name, path, install)}


def check_oauth_hotfix(checks, profile, credential_type, hotfix, mode, warn):
    """On 6.5.11.0-6.5.20.x OAuth needs the hotfix: ``mode`` warn only warns, require fails unless it is detected,
    installed takes the user's word for it."""
    if profile.oauth != "hotfix" or credential_type != "oauth" or profile.model != "ims":
        return
    version = profile.version.text
    if mode == "installed":
        checks.ok("oauth_hotfix", "AEM %s: Adobe's OAuth hotfix is taken as installed (not detected)" % version)
    elif hotfix is None:
        return
    elif hotfix["state"] == "installed":
        checks.ok("oauth_hotfix", "AEM %s: %s" % (version, hotfix["detail"]))
    elif mode == "require":
        checks.fail("oauth_hotfix", "AEM %s supports OAuth Server-to-Server only with Adobe's compatibility hotfix; %s"
                    % (version, hotfix["detail"]))
    else:
        warn("AEM %s: %s" % (version, hotfix["detail"]))


def check_tenant_url(checks, tenant_url, warn):
    try:
        checks.ok("tenant_url", validate_tenant_url(tenant_url, warn))
    except AemInputError as error:
        checks.fail("tenant_url", error.message)


def check_key_pair(checks, private_key, certificate, now=None):
    if not private_key and not certificate:
        return
    if not (private_key and certificate):
        given, missing = ("private_key", "certificate") if private_key else ("certificate", "private_key")
        checks.fail("key_pair", "option %s is set but %s is not; a brought key pair needs both (PEM), or neither for "
                                "a key pair generated by AEM" % (given, missing))
        return
    try:
        dummy, cert = load_key_pair(private_key, certificate)
    except AemInputError as error:
        checks.fail("key_pair", error.message)
        return
    expiry = not_after(cert)
    if expiry <= (now or datetime.now(timezone.utc)):
        checks.fail("key_pair", "option certificate: the certificate expired on %s; Adobe IMS refuses tokens signed "
                                "with its key: bring a new key pair and register its certificate"
                    % expiry.strftime("%Y-%m-%d"))
        return
    checks.ok("key_pair", "the certificate belongs to the private key and is valid until %s"
              % expiry.strftime("%Y-%m-%d"))


def check_backup_dir(checks, path):
    """The folder can be created (or exists) and written by this process; nothing is created here."""
    if not path:
        return
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        checks.fail("backup_dir", "option backup_dir: %s cannot be a folder because %s is a file; expected a folder "
                                  "path the controller can write" % (path, probe))
    elif not os.access(probe, os.W_OK | os.X_OK):
        checks.fail("backup_dir", "option backup_dir: %s is not writable by this user (%s cannot be written); "
                                  "expected a folder path the controller can write" % (path, probe))
    else:
        checks.ok("backup_dir", "%s can be written (checked at %s)" % (path, probe))


def run(profile, credential_type, tenant_url, private_key=None, certificate=None, backup_dir=None, warn=None,
        hotfix=None, hotfix_mode="warn"):
    """Every check; raises :class:`PreflightError` naming each problem, or returns the checks. ``hotfix`` is what
    :func:`read_oauth_hotfix` found (None: not read)."""
    warn = warn or (lambda msg: None)
    checks = Checks()
    # once the hotfix was looked for, its own check says what holds instead of the general warning
    quiet = hotfix is not None or hotfix_mode == "installed"
    check_version(checks, profile, credential_type, (lambda msg: None) if quiet else warn)
    check_oauth_hotfix(checks, profile, credential_type, hotfix, hotfix_mode, warn)
    check_tenant_url(checks, tenant_url, warn)
    check_key_pair(checks, private_key, certificate)
    check_backup_dir(checks, backup_dir)
    problems = checks.problems
    if problems:
        raise PreflightError("Preflight on AEM %s found %d problem(s); nothing was written: %s"
                             % (profile.version.text, len(problems), "; ".join(problems)), checks.items)
    return checks.items
