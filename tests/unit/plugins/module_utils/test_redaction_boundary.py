# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One redaction boundary per module run: the module's no_log_values and each client's redactor are one set of
secrets (remember_client), so a secret option is redacted in what the client writes into messages, and what the
module returns goes through AnsibleModule's no_log_values - except a token an IMS module exists to return."""

from __future__ import annotations

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import remember_client
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import ImsClient
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, Redactor
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

SECRET = "s3cret-client-Secret-42"
PASSWORD = "s3cr3t-Passw0rd"  # make_client's password


def ansible_module(args, spec):
    with patch_module_args(args):
        return AnsibleModule(argument_spec=spec)


def test_a_secret_option_is_redacted_in_what_the_aem_client_says():
    module = ansible_module({"client_secret": SECRET}, dict(client_secret=dict(type="str", no_log=True)))
    client = make_client([FakeResponse(500, "<html>invalid configuration: secret=%s</html>" % SECRET)],
                         retries=0)[0]
    remember_client(module, client)
    with pytest.raises(AemError) as info:
        client.get("/system/console/configMgr", "read the configurations")
    # the answer's excerpt is what the task's failure shows of AEM's page
    assert info.value.excerpt == "invalid configuration: secret=%s" % REDACTED
    # and the client's own credential (the AEM password) is among the values AnsibleModule removes from the result
    assert PASSWORD in module.no_log_values


def test_a_token_the_ims_client_obtains_later_is_not_hidden_from_the_result():
    module = ansible_module({"client_secret": SECRET}, dict(client_secret=dict(type="str", no_log=True)))
    client = remember_client(module, ImsClient("https://ims.example"))
    client.redactor.add("eyJ-the-access-token-0001")
    assert SECRET in client.redactor.values()
    assert "eyJ-the-access-token-0001" not in module.no_log_values


def test_redactor_replace_changes_only_known_values():
    redactor = Redactor([SECRET])
    text = "password=abc secret %s token: xyz" % SECRET
    assert redactor.replace(text) == "password=abc secret %s token: xyz" % REDACTED
    assert redactor.values() == frozenset([SECRET])
