# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    # Modules add "support:" (and details) under each attribute in their own documentation.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aemtools.brand_portal.aem) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - aemtools.brand_portal.aem
"""

    IMS_ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aemtools.brand_portal.ims) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - aemtools.brand_portal.ims
"""
