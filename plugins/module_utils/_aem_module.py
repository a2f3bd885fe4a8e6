# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""The glue between ``AnsibleModule`` and the AEM client: one place that builds the client from the
connection options and turns typed errors into ``fail_json``."""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    REQUESTS_IMPORT_ERROR,
    AemClient,
    aem_argument_spec,
    validate_connection_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import (
    failure,
    unverified_warning,
    written_statement,
)

__all__ = ["aem_argument_spec", "new_client", "fail_from", "remember_client", "warn_if_unverified",
           "written_statement"]


def new_client(module):
    """An :class:`AemClient` for the module's connection options; fails the module on bad input."""
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    problem = validate_connection_params(module.params)
    if problem:
        module.fail_json(msg=problem)
    params = module.params
    warn_if_unverified(module, "AEM")
    client = AemClient(params["url"], params["username"], params["password"], validate_certs=params["validate_certs"],
                       ca_path=params["ca_path"], timeout=params["timeout"], retries=params["retries"], warn=module.warn)
    client.read_only = module.check_mode
    return remember_client(module, client)


def remember_client(module, client):
    """Keep the client of this module run on ``module``, so that :func:`fail_from` can say what it wrote, and make
    the module's secrets and the client's one set: the value of every no_log option (a client secret, a private key,
    a transport password...) is redacted in what the client puts into messages, excerpts and warnings, and the
    credentials the client was built with are removed from everything the module returns (AnsibleModule applies
    ``no_log_values`` to the result and the diff). Tokens the client obtains later are not shared: the IMS token
    modules exist to return theirs."""
    if not hasattr(module, "aemtools_clients"):
        module.aemtools_clients = []
    module.aemtools_clients.append(client)
    no_log_values = getattr(module, "no_log_values", None)
    if no_log_values is not None:
        client.redactor.add_all(no_log_values)
        no_log_values.update(client.redactor.values())
    return client


def fail_from(module, error, **extra):
    """``fail_json`` with the error's redacted, structured details.  A failed request (or any failure after a
    write) also says what this task had already written (``written``), so that a half-done change is visible."""
    kwargs = failure(error, [w for client in getattr(module, "aemtools_clients", []) for w in client.writes])
    kwargs.update(extra)
    module.fail_json(**kwargs)


def warn_if_unverified(module, service):
    """One warning for validate_certs=false, instead of urllib3's warning on every request."""
    if not module.params["validate_certs"]:
        module.warn(unverified_warning(service))
