# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AEM as a Cloud Service is recognised in one place (_profiles.read_profile) and stops with the Cloud Manager
explanation, by the release its product information names or by its host name (no request then)."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import AemClient
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemCloudServiceError,
    AemNotFoundError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import failure
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import (
    FACTS,
    INFERRED,
    cloud_service_host,
    is_cloud_service_release,
    read_profile,
    version_from_product_info,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    FakeSession,
    make_client,
)

DOC = ("https://experienceleague.adobe.com/en/docs/experience-manager-cloud-service/content/assets/"
       "brand-portal/configure-aem-assets-with-brand-portal")
# the product information of an AEM as a Cloud Service SDK author, as captured in the public fixture that
# FACTS["cloud_service_release"] cites (license lines shortened)
CLOUD_PRODUCT_INFO = ["*** Product Information:", "License", "  Product : Some Product", "",
                      "Installed Products", "  Adobe Experience Manager (2025.11.23482.20251120T200914Z)",
                      "  cif (2025.10.15.00)", "  forms (2025.10.17.02)"]


@pytest.mark.parametrize("release", [
    "2025.11.23482.20251120T200914Z",
    "2024.4.15977.20240418T174835Z",
    "2024.6.16971.20240628T122619Z-240600",
    "2024.11.18459",
])
def test_cloud_service_releases_are_recognised(release):
    assert is_cloud_service_release(release)


@pytest.mark.parametrize("version", ["6.5.21.0", "6.5", "6.4.8.0", "6.3.3.8", "6.2.0.0", "", None, "cloud"])
def test_6x_versions_are_not_cloud_service_releases(version):
    assert not is_cloud_service_release(version)


def test_product_info_naming_a_cloud_service_release_raises_the_cloud_manager_explanation():
    with pytest.raises(AemCloudServiceError) as info:
        version_from_product_info(CLOUD_PRODUCT_INFO)
    error = info.value
    assert error.release == "2025.11.23482.20251120T200914Z"
    text = str(error)
    assert "AEM as a Cloud Service (release 2025.11.23482.20251120T200914Z)" in text
    assert "activated from Cloud Manager" in text and "not configured on the author" in text
    assert DOC in text
    assert "not a version this collection supports" not in text


def test_a_6x_product_info_still_gives_its_version():
    version = version_from_product_info(["Installed Products", "  Adobe Experience Manager (6.5.21.0)", ""])
    assert version.text == "6.5.21.0"


def test_product_info_with_an_unreadable_version_is_still_an_unexpected_answer():
    with pytest.raises(AemUnexpectedResponseError):
        version_from_product_info(["Installed Products", "  Adobe Experience Manager (next)", ""])


def test_read_profile_stops_on_a_cloud_service_author_after_one_read():
    client, session = make_client([FakeResponse(200, CLOUD_PRODUCT_INFO)])[:2]
    with pytest.raises(AemCloudServiceError) as info:
        read_profile(client)
    assert [c["method"] for c in session.calls] == ["GET"]
    assert session.calls[0]["url"].endswith("/system/console/status-productinfo.json")
    assert client.writes == []
    kwargs = failure(info.value, client.writes)
    assert kwargs["aem_cloud_service"] is True
    assert kwargs["aem_version"] == "2025.11.23482.20251120T200914Z"
    assert "Nothing was written by this task." in kwargs["msg"] and "Cloud Manager" in kwargs["msg"]


@pytest.mark.parametrize("url", [
    "https://author-p12345-e67890.adobeaemcloud.com",
    "https://author-p10603-e145552-cmstg.adobeaemcloud.com:443/",
    "https://AUTHOR-P1-E2.AdobeAEMCloud.com",
])
def test_read_profile_recognises_a_cloud_service_host_without_a_request(url):
    session = FakeSession([])
    client = AemClient(url, "deployer", "s3cr3t-Passw0rd", session=session, warn=lambda msg: None)
    with pytest.raises(AemCloudServiceError) as info:
        read_profile(client)
    assert session.calls == []
    assert "no request was sent" in str(info.value) and DOC in str(info.value)
    assert failure(info.value, [])["aem_cloud_service"] is True


@pytest.mark.parametrize("url", ["https://author.example.com:4502", "http://127.0.0.1:4502",
                                 "https://adobeaemcloud.com.example.org", "https://notadobeaemcloud.com"])
def test_other_hosts_are_not_cloud_service_hosts(url):
    assert cloud_service_host(url) is None


def test_a_missing_product_info_hints_at_both_a_proxy_and_cloud_service():
    client = make_client([FakeResponse(404, "not found")])[0]
    with pytest.raises(AemNotFoundError) as info:
        read_profile(client)
    text = str(info.value)
    assert "/system/console" in text and "Cloud Manager" in text and DOC in text


def test_cloud_service_facts_are_verified_with_a_source():
    for name in ("cloud_service_release", "cloud_service_host_suffix", "cloud_service_web_console"):
        assert FACTS[name].source and name not in INFERRED
