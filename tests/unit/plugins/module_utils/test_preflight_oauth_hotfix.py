# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adobe's OAuth hotfix on AEM 6.5.11.0-6.5.20.x: detected where Package Manager keeps it, and the preflight's
check in its three modes (warn, require, installed)."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._preflight import (
    PreflightError,
    read_oauth_hotfix,
    run,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import (
    FACTS,
    INFERRED,
    AemVersion,
    Profile,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

PACKAGE = "/etc/packages/adobe/cq650/hotfix/ims-jwt-compatibility-package-6.5-1.0.zip"
DEFINITION = {"jcr:primaryType": "vlt:PackageDefinition", "group": "adobe/cq650/hotfix",
              "name": "ims-jwt-compatibility-package-6.5", "version": "1.0",
              "lastUnpacked": "Sun Dec 06 2026 20:00:00 GMT+0000"}
TENANT = "https://acme.brand-portal.adobe.com"


def test_the_package_path_is_one_inferred_fact():
    assert FACTS["oauth_hotfix_package"].value == PACKAGE
    assert "oauth_hotfix_package" in INFERRED and "IMS facts §4.6" in INFERRED["oauth_hotfix_package"]


def test_installed_package():
    client, session, dummy, dummy2 = make_client([FakeResponse(200, DEFINITION)])
    found = read_oauth_hotfix(client)
    assert found["state"] == "installed" and found["path"] == PACKAGE
    assert session.calls[0]["url"].endswith(PACKAGE + "/jcr:content/vlt:definition.json")
    assert len(session.calls) == 1


def test_uploaded_but_not_installed():
    definition = dict(DEFINITION)
    del definition["lastUnpacked"]
    client = make_client([FakeResponse(200, definition)])[0]
    found = read_oauth_hotfix(client)
    assert found["state"] == "missing" and "uploaded but not installed" in found["detail"]


def test_missing_package_in_a_readable_store_says_what_to_install():
    client, session, dummy, dummy2 = make_client([FakeResponse(404), FakeResponse(200, {"jcr:primaryType": "x"})])
    found = read_oauth_hotfix(client)
    assert found["state"] == "missing"
    assert "ims-jwt-compatibility-package-6.5-1.0.zip" in found["detail"] and "cq650/hotfix" in found["detail"]
    assert "Package Manager" in found["detail"] and "6.5.21.0" in found["detail"]
    assert session.calls[1]["url"].endswith("/etc/packages.json")


@pytest.mark.parametrize("status", [403, 404])
def test_unreadable_store_cannot_detect(status):
    client = make_client([FakeResponse(404), FakeResponse(status)])[0]
    found = read_oauth_hotfix(client)
    assert found["state"] == "unknown"
    assert "cannot be detected" in found["detail"] and "deployer" in found["detail"] and "/etc/packages" in found[
        "detail"]


def _profile(version):
    return Profile(AemVersion(version))


def test_require_fails_on_missing_with_the_hotfix_explanation():
    missing = {"state": "missing", "path": PACKAGE, "detail": "Adobe's OAuth hotfix x is not installed: install x"}
    with pytest.raises(PreflightError) as error:
        run(_profile("6.5.15"), "oauth", TENANT, hotfix=missing, hotfix_mode="require")
    assert "only with Adobe's compatibility hotfix; Adobe's OAuth hotfix x is not installed" in error.value.message
    assert [c["check"] for c in error.value.checks if not c["ok"]] == ["oauth_hotfix"]


def test_require_fails_when_it_cannot_be_detected():
    unknown = {"state": "unknown", "path": PACKAGE, "detail": "cannot be detected"}
    with pytest.raises(PreflightError, match="cannot be detected"):
        run(_profile("6.5.15"), "oauth", TENANT, hotfix=unknown, hotfix_mode="require")


def test_warn_only_warns_and_once():
    warnings = []
    missing = {"state": "missing", "path": PACKAGE, "detail": "not installed"}
    checks = run(_profile("6.5.15"), "oauth", TENANT, warn=warnings.append, hotfix=missing)
    assert all(c["ok"] for c in checks) and warnings == ["AEM 6.5.15.0: not installed"]


def test_installed_passes_without_the_general_warning():
    warnings = []
    installed = {"state": "installed", "path": PACKAGE, "detail": "is installed"}
    checks = run(_profile("6.5.15"), "oauth", TENANT, warn=warnings.append, hotfix=installed, hotfix_mode="require")
    assert {"check": "oauth_hotfix", "ok": True, "detail": "AEM 6.5.15.0: is installed"} in checks
    assert warnings == []


def test_the_users_word_is_taken_with_installed():
    checks = run(_profile("6.5.15"), "oauth", TENANT, hotfix_mode="installed")
    assert [c for c in checks if c["check"] == "oauth_hotfix"][0]["ok"]


@pytest.mark.parametrize("version, credential_type", [("6.5.21", "oauth"), ("6.5.15", "jwt"), ("6.5.8", "jwt")])
def test_no_hotfix_check_where_it_does_not_apply(version, credential_type):
    missing = {"state": "missing", "path": PACKAGE, "detail": "not installed"}
    checks = run(_profile(version), credential_type, TENANT, hotfix=missing, hotfix_mode="require")
    assert "oauth_hotfix" not in [c["check"] for c in checks]
