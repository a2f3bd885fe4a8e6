"""An AEM as a Cloud Service author (``--aem-version cloud`` or a release), as tests/mock_aem/README.md
"AEM as a Cloud Service author" and the INFERRED entry ``aem.cloud_service`` describe it."""

from __future__ import annotations

import re

import pytest
import requests

from tests.mock_aem import inferred
from tests.mock_aem.version import AEMVersion

PINNED = "2025.11.23482.20251120T200914Z"


def test_cloud_is_the_pinned_release_of_the_capture():
    assert inferred.value("aem.cloud_service")["release"] == PINNED
    v = AEMVersion.parse("cloud")
    assert v.cloud_service and v.full == PINNED and str(v) == PINNED


@pytest.mark.parametrize("release", [PINNED, "2024.11.18459", "2024.4.15977.20240418T174835Z",
                                     "2024.6.16971.20240628T122619Z-240600"])
def test_releases_are_accepted_as_they_are_printed(release):
    v = AEMVersion.parse(release)
    assert v.cloud_service and v.full == release


@pytest.mark.parametrize("text", ["2025.13.1", "2025.11", "cloudy", "2025.11.1.20251120", "6.6"])
def test_malformed_releases_are_refused(text):
    with pytest.raises(ValueError):
        AEMVersion.parse(text)


def test_6x_versions_are_not_cloud_service():
    v = AEMVersion.parse("6.5.21")
    assert not v.cloud_service and v.full == "6.5.21.0"


def test_the_oauth_hotfix_cannot_be_installed_on_cloud_service():
    with pytest.raises(ValueError, match="6.5 package"):
        AEMVersion.parse("cloud").with_ims_oauth_hotfix(True)


def test_product_info_names_the_release_like_the_capture(aem_factory):
    """The capture's line 'Adobe Experience Manager (2025.11.23482.20251120T200914Z)' after 'Installed Products',
    in the JSON array (§9.2) and in the text form the capture was read from."""
    aem = aem_factory(version="cloud")
    lines = aem.get("/system/console/status-productinfo.json").json()
    assert "  Adobe Experience Manager (%s)" % PINNED in lines
    assert lines.index("Installed Products") < lines.index("  Adobe Experience Manager (%s)" % PINNED)
    text = aem.get("/system/console/status-productinfo.txt").text
    assert re.search(r"^Installed Products\n  Adobe Experience Manager \(%s\)$" % re.escape(PINNED), text, re.M)
    assert aem.get("/system/console/status-productinfo.json").status_code == 200
    assert aem.stats()["writes"] == 0


def test_a_given_release_is_printed_unchanged(aem_factory):
    aem = aem_factory(version="2024.11.18459")
    assert "  Adobe Experience Manager (2024.11.18459)" in aem.get("/system/console/status-productinfo.json").json()


def test_info_says_cloud_service(aem_factory):
    info = aem_factory(version="cloud").admin("GET", "/info").json()
    assert info["version"] == PINNED and info["cloud_service"] is True
    assert aem_factory(version="6.5.21").admin("GET", "/info").json()["cloud_service"] is False


def test_a_cloud_environment_without_web_console_is_a_fault(aem_factory):
    """README: a cloud environment has no Web Console; a test plays it with a 404 fault on ^/system/console/."""
    aem = aem_factory(version="cloud")
    r = aem.admin("POST", "/faults", json={"path": "^/system/console/", "status": 404})
    assert r.status_code == 201
    assert aem.get("/system/console/status-productinfo.json").status_code == 404
    assert aem.get("/content.json").status_code == 200


def test_other_answers_follow_the_6_5_version_it_behaves_as(aem_factory):
    """INFERRED (entry aem.cloud_service behaves_as): Sling POST JSON numbers as on 6.5 (§1.5)."""
    aem = aem_factory(version="cloud")
    r = aem.post_json("/content/cloud-check", data={"title": "x"})
    assert r.status_code == 201 and r.json()["status.code"] == 201


def test_cli_prints_the_release_and_refuses_the_hotfix(mock_cli):
    cli = mock_cli("--port", "0", "--aem-version", "cloud")
    assert re.fullmatch(r"mock-aem ready: aem=\d+ scheme=http version=%s\n" % re.escape(PINNED), cli.ready_line)
    assert requests.get(cli.url() + "/__mock__/info").json()["cloud_service"] is True
    code, _unused = cli.stop()
    assert code == 0
    p = mock_cli("--port", "0", "--aem-version", "cloud", "--ims-oauth-hotfix", expect_ready=False)
    _out, _unused = p.communicate(timeout=30)
    assert p.returncode == 2
