# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The glue between ``AnsibleModule`` and the IMS client."""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    fail_from,
    remember_client,
    warn_if_unverified,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import REQUESTS_IMPORT_ERROR
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    ImsClient,
    base_url,
    ims_argument_spec,
    validate_ims_params,
)

__all__ = ["ims_argument_spec", "new_ims_client", "fail_from"]


def new_ims_client(module):
    """An :class:`ImsClient` for the module's IMS options; fails the module on bad input."""
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    problem = validate_ims_params(module.params)
    if problem:
        module.fail_json(msg=problem)
    params = module.params
    warn_if_unverified(module, "IMS")
    client = ImsClient(base_url(params["ims_url"]), validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                       timeout=params["timeout"], retries=params["retries"], warn=module.warn)
    return remember_client(module, client)
