"""AEM version of a mock author instance (``--aem-version``).

Accepted forms: ``6.5`` (= 6.5.0.0), ``6.5.21`` (service pack 21), ``6.5.21.0``, ``6.4.8``,
``6.4.8.0``, ``6.3.3.8`` (6.3 SP3 cumulative fix pack 8). Which features and formats a version has
is decided in :mod:`tests.mock_aem.inferred` (entry ``aem.version_profile``) and exposed here as helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Tuple, Union

SUPPORTED_MINORS = (3, 4, 5)


@dataclass(frozen=True)
class AEMVersion:
    major: int
    minor: int
    service_pack: int = 0
    cfp: int = 0

    @classmethod
    def parse(cls, text: str) -> "AEMVersion":
        m = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*", text or "")
        if not m:
            raise ValueError("invalid AEM version %r (expected e.g. 6.5, 6.5.21, 6.4.8, 6.3.3.8)" % text)
        v = cls(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0))
        if v.major != 6 or v.minor not in SUPPORTED_MINORS:
            raise ValueError("unsupported AEM version %r: the mock knows 6.3, 6.4 and 6.5" % text)
        return v

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
        """Four-part product version as AEM prints it, e.g. ``6.5.21.0``."""
        return "%d.%d.%d.%d" % self.as_tuple()

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
        """IMS configurations may use the OAuth client-credentials grant."""
        return self.feature("oauth_client_credentials")

    @property
    def post_json_strings(self) -> bool:
        """Sling POST JSON answers carry ``status.code``/``isCreate`` as strings."""
        from . import inferred

        return self.line in inferred.value("aem.version_profile")["post_json_top_level_strings"]

    @property
    def sling_post_version(self) -> str:
        from . import inferred

        return inferred.value("aem.version_profile")["sling_post_bundle"][self.line]
