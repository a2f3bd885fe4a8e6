# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # The Brand Portal modules that read the AEM version (plugins/module_utils/_profiles.py read_profile) stop on
    # AEM as a Cloud Service; they say so with this fragment.
    DOCUMENTATION = r"""
options: {}
notes:
  - On AEM as a Cloud Service Brand Portal is activated from Cloud Manager, not configured on the author. The module
    recognises such an author by the release its product information names (or by its C(*.adobeaemcloud.com) host,
    then without a request) and fails with that explanation before it writes anything; the failure result has
    C(aem_cloud_service=true).
"""
