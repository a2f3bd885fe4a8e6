# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version profile table: which model and credential types apply to which AEM release."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemUnexpectedResponseError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import (
    FACTS,
    INFERRED,
    AemVersion,
    Profile,
    version_from_product_info,
)


def test_version_from_product_info_lines():
    lines = ["Installed Products", "  Adobe Experience Manager (6.5.21.0)", ""]
    version = version_from_product_info(lines)
    assert version.text == "6.5.21.0" and version.line == "6.5" and version.service_pack == 21


def test_short_versions_are_padded():
    assert AemVersion("6.3").text == "6.3.0.0"


def test_product_info_without_aem_is_an_error():
    with pytest.raises(AemUnexpectedResponseError):
        version_from_product_info(["Installed Products", ""])


@pytest.mark.parametrize("version, model, oauth, types, ims_config", [
    ("6.3.0.0", "cloudservice", "unavailable", ["jwt"], False),
    ("6.3.3.8", "cloudservice", "unavailable", ["jwt"], True),
    ("6.4.8.0", "cloudservice", "unavailable", ["jwt"], True),
    ("6.5.0.0", "ims", "unavailable", ["jwt"], False),
    ("6.5.4.0", "ims", "unavailable", ["jwt"], True),
    ("6.5.11.0", "ims", "hotfix", ["jwt", "oauth"], True),
    ("6.5.20.0", "ims", "hotfix", ["jwt", "oauth"], True),
    ("6.5.21.0", "ims", "native", ["oauth"], True),
    ("6.5.22.0", "ims", "native", ["oauth"], True),
])
def test_profiles(version, model, oauth, types, ims_config):
    profile = Profile(AemVersion(version))
    assert profile.model == model
    assert profile.oauth == oauth
    assert profile.credential_types == types
    assert profile.ims_configuration is ims_config
    assert profile.supported


def test_cloudservice_roots_per_model():
    assert Profile(AemVersion("6.4.8.0")).cloudservice_root == "/etc/cloudservices/mediaportal"
    assert Profile(AemVersion("6.5.21.0")).cloudservice_root == "/conf/global/settings/cloudconfigs/mediaportal"


def test_unsupported_lines_are_flagged():
    assert not Profile(AemVersion("6.2.0.0")).supported


def test_inferred_entries_are_listed_with_their_reason():
    assert "agent_names" in INFERRED and "classic_credential_properties" in INFERRED
    assert "agents_root" not in INFERRED
    for name in INFERRED:
        assert FACTS[name].source
