# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The second half of every ensure function, written once: read -> normalise -> compare -> diff happen in the
ensure function (they differ per resource); the check-mode gate -> write -> re-read -> end state happen here.

``HttpClient.read_only`` already refuses any write in check mode; this gate is what makes check mode *predict* the
end state instead of failing on that refusal."""

from __future__ import annotations

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemUnexpectedResponseError


def carry_out(result, check_mode, write, predict=None):
    """``result`` holds the plan's ``changed`` and ``diff``. A plan that changes nothing, or any plan in check mode,
    gets ``predict()``'s end state; otherwise ``write()`` carries it out and returns the end state it read back."""
    if not result["changed"] or check_mode:
        if predict is not None:
            result.update(predict())
        return result
    result.update(write() or {})
    return result


def verified_delete(delete, still_there, what, path, target=None):
    """Delete, then read back: AEM can answer a Sling POST with success and keep the resource (the HTML status page
    quirk), so a delete counts only when the resource is gone."""
    delete()
    if still_there():
        raise AemUnexpectedResponseError("AEM accepted the delete but the %s still exists" % what, method="GET",
                                         path=path, attempted="verify deletion of %s" % (target or path))
