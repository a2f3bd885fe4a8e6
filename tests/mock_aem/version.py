"""AEM version of a mock author instance (``--aem-version``).

Accepted forms: ``6.5`` (= 6.5.0.0), ``6.5.21`` (service pack 21), ``6.5.21.0``, ``6.4.8``,
``6.4.8.0``, ``6.3.3.8`` (6.3 SP3 cumulative fix pack 8). Which features and formats a version has
is decided in :mod:`tests.mock_aem.inferred` (entry ``aem.version_profile``) and exposed here as helpers.

AEM as a Cloud Service: ``cloud`` (the release pinned in the INFERRED entry ``aem.cloud_service``) or a
release such as ``2025.11.23482.20251120T200914Z`` or ``2024.11.18459``. Such an author prints the release
in its product information (:attr:`AEMVersion.full`) as an AEM as a Cloud Service SDK author does; its other
version-dependent answers follow the 6.5 version named in ``aem.cloud_service`` (``behaves_as``).

An instance may also have Adobe's OAuth compatibility hotfix installed (``--ims-oauth-hotfix``,
adobe-ims.md §4.6): :meth:`AEMVersion.with_ims_oauth_hotfix` gives the version with that flag, which
only changes :attr:`AEMVersion.oauth_client_credentials` (never the product version AEM prints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Tuple, Union

SUPPORTED_MINORS = (3, 4, 5)


@dataclass(frozen=True)
class AEMVersion:
    major: int
    minor: int
    service_pack: int = 0
    cfp: int = 0
    # Adobe's ims-jwt-compatibility-package-6.5-1.0.zip is installed (adobe-ims.md §4.6); see
    # with_ims_oauth_hotfix() and the entry aem.ims_oauth_hotfix of the INFERRED table.
    ims_oauth_hotfix: bool = False
    # AEM as a Cloud Service release (year.month.build[.timestamp]); empty for AEM 6.x
    cloud_release: str = ""

    @classmethod
    def parse(cls, text: str) -> "AEMVersion":
        release = _cloud_release(text)
        if release:
            from . import inferred

            base = cls.parse(inferred.value("aem.cloud_service")["behaves_as"])
            return replace(base, cloud_release=release)
        m = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*", text or "")
        if not m:
            raise ValueError("invalid AEM version %r (expected e.g. 6.5, 6.5.21, 6.4.8, 6.3.3.8, or cloud or an AEM as a "
                             "Cloud Service release such as 2025.11.23482.20251120T200914Z)" % text)
        v = cls(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0))
        if v.major != 6 or v.minor not in SUPPORTED_MINORS:
            raise ValueError("unsupported AEM version %r: the mock knows 6.3, 6.4, 6.5 and AEM as a Cloud Service "
                             "(cloud, or a release such as 2025.11.23482.20251120T200914Z)" % text)
        return v

    def with_ims_oauth_hotfix(self, installed: bool = True) -> "AEMVersion":
        """This version on an instance with (or without) Adobe's OAuth compatibility hotfix.

        The hotfix is a 6.5 package (adobe-ims.md §4.6): ``ValueError`` on 6.3/6.4. From the version
        where OAuth is native (6.5.21.0) the hotfix is part of the service pack and the flag is
        ignored (the result has ``ims_oauth_hotfix`` False); below 6.5.11.0 it is installed but
        gives no OAuth (the backport covers SP11 to SP20 only).
        """
        if not installed:
            return replace(self, ims_oauth_hotfix=False)
        if self.cloud_service or self.line not in _hotfix_lines():
            raise ValueError("the OAuth compatibility hotfix (ims-jwt-compatibility-package-6.5-1.0.zip) is an AEM 6.5 "
                             "package; AEM %s cannot install it" % self.full)
        return replace(self, ims_oauth_hotfix=not self.feature("oauth_client_credentials"))

    # -- comparisons
    def as_tuple(self) -> Tuple[int, int, int, int]:
        return (self.major, self.minor, self.service_pack, self.cfp)

    def at_least(self, other: Union[str, "AEMVersion"]) -> bool:
        o = AEMVersion.parse(other) if isinstance(other, str) else other
        return self.as_tuple() >= o.as_tuple()

    def same_line(self, line: str) -> bool:
        """``v.same_line("6.5")``: is this a 6.5.x version?"""
        maj, mi = (int(x) for x in line.split(".")[:2])
        return (self.major, self.minor) == (maj, mi)

    @property
    def line(self) -> str:
        return "%d.%d" % (self.major, self.minor)

    @property
    def full(self) -> str:
        """The product version as AEM prints it: four parts, e.g. ``6.5.21.0``, or an AEM as a Cloud Service
        release such as ``2025.11.23482.20251120T200914Z``."""
        return self.cloud_release or "%d.%d.%d.%d" % self.as_tuple()

    @property
    def cloud_service(self) -> bool:
        """An AEM as a Cloud Service author (``--aem-version cloud`` or a release)."""
        return bool(self.cloud_release)

    def __str__(self) -> str:
        return self.full

    # -- feature helpers (decisions live in the "aem.version_profile" entry of inferred.INFERRED)
    def feature(self, name: str) -> bool:
        from . import inferred

        minimum = inferred.value("aem.version_profile")["features"][name]
        if isinstance(minimum, dict):
            m = minimum.get(self.line)
            return m is not None and self.at_least(m)
        return self.at_least(minimum)

    @property
    def ims_configuration(self) -> bool:
        """Adobe IMS configuration model for Brand Portal (6.3.3.8+, 6.4.8+, 6.5.4+)."""
        return self.feature("ims_configuration")

    @property
    def oauth_client_credentials(self) -> bool:
        """IMS configurations may use the OAuth client-credentials grant: natively (6.5.21.0+), or
        with the compatibility hotfix installed on 6.5.11.0 to 6.5.20.x (adobe-ims.md §4.6)."""
        return self.oauth_availability != "unavailable"

    @property
    def oauth_availability(self) -> str:
        """``native``, ``hotfix`` (OAuth through the installed hotfix) or ``unavailable``."""
        if self.feature("oauth_client_credentials"):
            return "native"
        if self.ims_oauth_hotfix and self.feature("oauth_client_credentials_hotfix"):
            return "hotfix"
        return "unavailable"

    @property
    def post_json_strings(self) -> bool:
        """Sling POST JSON answers carry ``status.code``/``isCreate`` as strings."""
        from . import inferred

        return self.line in inferred.value("aem.version_profile")["post_json_top_level_strings"]

    @property
    def sling_post_version(self) -> str:
        from . import inferred

        return inferred.value("aem.version_profile")["sling_post_bundle"][self.line]


def _cloud_release(text: str) -> str:
    """The AEM as a Cloud Service release ``text`` names (``cloud`` = the pinned one), or ``""``."""
    from . import inferred

    entry = inferred.value("aem.cloud_service")
    text = (text or "").strip()
    if text == "cloud":
        return entry["release"]
    return text if re.fullmatch(entry["release_pattern"], text) else ""


def _hotfix_lines() -> Tuple[str, ...]:
    from . import inferred

    return tuple(inferred.value("aem.ims_oauth_hotfix")["lines"])
