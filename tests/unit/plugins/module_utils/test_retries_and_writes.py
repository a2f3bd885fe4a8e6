# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a request fails for good: the error names the request (method, path, how often it was retried) and the
task's failure says what it had already written.  Requests that are not simply repeatable (creating an OSGi
factory configuration) recover from a lost answer without writing twice; Check Health asks again after a
transient failure only."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
import requests

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_module import (
    fail_from,
    remember_client,
    written_statement,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemInputError,
    AemServerError,
    AemUnreachableError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import ImsClient
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    C_TYPE,
    P_NAME,
    check_health,
    ensure_present,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import (
    TEMP_PID,
    create_factory_config,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    FakeSession,
    make_client,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.test_ims_config import (
    CUSTOMIZER,
    PROVIDER,
    FakeAem,
    oauth_request,
)

DROPPED = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed "
                                              "connection without response'))")
CONFIG_MGR_CREATE = "/system/console/configMgr/" + TEMP_PID


class Failed(Exception):
    """What AnsibleModule.fail_json does to the module run: it ends."""


class FakeModule(object):
    def __init__(self):
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise Failed()


def failure_of(module, error):
    with pytest.raises(Failed):
        fail_from(module, error)
    return module.failed


# -- the client: what it wrote, and how often it retried ---------------------------------------------------

def test_accepted_writes_are_recorded_in_order_reads_and_refused_writes_are_not():
    client = make_client([FakeResponse(201, "{}"), FakeResponse(200, "{}"), FakeResponse(200, "{}"),
                          FakeResponse(500, "boom")])[0]
    client.post("/content/a", "create a")
    client.get("/content/a.json", "read a")
    client.post("/system/console/crypto/.json", "encrypt", expected=(200,), write=False)
    with pytest.raises(AemServerError):
        client.post("/content/b", "create b")
    assert client.writes == ["POST /content/a"]


def test_a_dropped_write_retried_until_exhausted_names_the_request_and_the_retries():
    client, session, warnings, sleeps = make_client([DROPPED] * 4)
    with pytest.raises(AemUnreachableError) as info:
        client.post("/etc/replication/agents.author/mp_replication", "delete replication agent x", idempotent=True)
    assert len(session.calls) == 4 and len(sleeps) == 3 and len(warnings) == 3
    assert info.value.retries == 3
    assert "(POST /etc/replication/agents.author/mp_replication after 3 retries)" in str(info.value)
    assert info.value.fail_kwargs()["request_retries"] == 3


def test_503_until_exhausted_names_the_request_and_the_retries():
    client = make_client([FakeResponse(503, "busy")] * 2, retries=1)[0]
    with pytest.raises(AemServerError) as info:
        client.get("/etc/cloudservices/mediaportal.1.json", "read x")
    assert info.value.status == 503 and info.value.retries == 1
    assert "(GET /etc/cloudservices/mediaportal.1.json after 1 retry)" in str(info.value)


def test_a_request_that_is_not_retried_says_no_retry_count():
    client, session = make_client([DROPPED])[:2]
    with pytest.raises(AemUnreachableError) as info:
        client.post("/apps/x", "create x")
    assert len(session.calls) == 1 and not info.value.retries
    assert "(POST /apps/x)" in str(info.value) and "retr" not in str(info.value)


def test_ims_token_request_is_retried_and_its_error_names_it():
    client = ImsClient("https://ims.example.test", session=FakeSession([DROPPED] * 3), retries=2,
                       sleep=lambda s: None)
    with pytest.raises(AemUnreachableError) as info:
        client.client_credentials("client", "secret", ["openid"])
    assert "(POST /ims/token/v3 after 2 retries)" in str(info.value)
    assert client.writes == []


# -- the module's failure: what is already written --------------------------------------------------------

def test_failure_after_writes_lists_them_and_the_failed_request():
    module = FakeModule()
    client = remember_client(module, make_client([FakeResponse(200, "{}"), FakeResponse(200, "{}"),
                                                  FakeResponse(500, "boom")])[0])
    client.post("/a", "write a")
    client.post("/b", "write b")
    with pytest.raises(AemServerError) as info:
        client.post("/c", "write c")
    failed = failure_of(module, info.value)
    assert failed["msg"].startswith("Failed to write c (POST /c): HTTP 500")
    assert failed["msg"].endswith("Already written by this task: POST /a, POST /b.")
    assert failed["written"] == ["POST /a", "POST /b"]
    assert failed["method"] == "POST" and failed["url_path"] == "/c"


def test_failure_before_any_write_says_nothing_was_written():
    module = FakeModule()
    client = remember_client(module, make_client([FakeResponse(503, "busy")] * 4)[0])
    with pytest.raises(AemServerError) as info:
        client.get("/x.json", "read x")
    failed = failure_of(module, info.value)
    assert "(GET /x.json after 3 retries)" in failed["msg"]
    assert failed["msg"].endswith("Nothing was written by this task.") and failed["written"] == []


def test_a_write_without_answer_is_named_as_unknown():
    module = FakeModule()
    client = remember_client(module, make_client([FakeResponse(201, "{}")] + [DROPPED] * 2, retries=1)[0])
    client.post("/a", "write a")
    with pytest.raises(AemUnreachableError) as info:
        client.post("/b", "write b", idempotent=True)
    failed = failure_of(module, info.value)
    assert "(POST /b after 1 retry)" in failed["msg"]
    assert failed["msg"].endswith("Already written by this task: POST /a. Whether POST /b itself was applied is "
                                  "unknown: no answer came.")


def test_bad_input_is_not_followed_by_a_write_statement():
    module = FakeModule()
    remember_client(module, make_client([])[0])
    failed = failure_of(module, AemInputError("option x: empty; expected y"))
    assert failed["msg"] == "option x: empty; expected y" and "written" not in failed


def test_written_statement_wording():
    assert written_statement([]) == "Nothing was written by this task."
    assert written_statement(["POST /a"]) == "Already written by this task: POST /a."


# -- creating an OSGi factory configuration: never twice ---------------------------------------------------

class LosingAem(FakeAem):
    """FakeAem that applies chosen requests and then loses their answer (the connection drops), or answers
    them 503 without applying them: what a proxy or a restarting AEM does."""

    def __init__(self, plan):
        super(LosingAem, self).__init__()
        self.plan = list(plan)

    def request(self, method, url, **kwargs):
        action = self.plan.pop(0) if (method == "POST" and self.plan) else "answer"
        if action == "503":
            self.calls.append((method, unquote(urlsplit(url).path)))
            return FakeResponse(503, "<html>Service Unavailable</html>")
        response = super(LosingAem, self).request(method, url, **kwargs)
        if action == "lose":
            raise DROPPED
        return response


def aem_client(aem, **kwargs):
    return make_client([], session=aem, **kwargs)


def creates(aem):
    return [c for c in aem.calls if c[0] == "POST" and c[1].endswith(TEMP_PID)]


def test_lost_answer_of_a_create_takes_the_configuration_it_created():
    aem = LosingAem(["lose"])
    client, _session, warnings, sleeps = aem_client(aem)
    pid = create_factory_config(client, PROVIDER, {P_NAME: "bp-1234", "x": "y"}, key=P_NAME)
    assert pid == PROVIDER + ".0001" and list(aem.configs) == [pid]
    assert len(creates(aem)) == 1 and warnings == [] and sleeps == []
    assert client.writes == ["POST " + CONFIG_MGR_CREATE]


def test_503_to_a_create_is_retried_after_finding_nothing_created():
    aem = LosingAem(["503"])
    client, _session, warnings, sleeps = aem_client(aem)
    pid = create_factory_config(client, PROVIDER, {P_NAME: "bp-1234"}, key=P_NAME)
    assert list(aem.configs) == [pid] and len(creates(aem)) == 2
    assert len(warnings) == 1 and "none was created: retry 1 of 3" in warnings[0] and len(sleeps) == 1
    assert client.writes == ["POST " + CONFIG_MGR_CREATE]


def test_a_failing_lookup_after_a_lost_create_reports_its_own_cause():
    new_pid = PROVIDER + ".1f2e3d4c-0000-4000-8000-000000000000"
    client, session, warnings = make_client([
        DROPPED, requests.exceptions.ConnectionError("[Errno 111] Connection refused"),
        FakeResponse(200, 'var configData = {"pids": []};'),
        FakeResponse(302, "", {"Location": "/system/console/configMgr/" + new_pid})])[:3]
    assert create_factory_config(client, PROVIDER, {P_NAME: "bp-1234"}, key=P_NAME) == new_pid
    assert [c["method"] for c in session.calls] == ["POST", "GET", "GET", "POST"]
    assert "GET /system/console/configMgr: cannot connect" in warnings[0] and "Connection refused" in warnings[0]
    assert "Failed to create" not in warnings[0]
    assert "none was created: retry 1 of 3" in warnings[1]


def test_create_without_a_key_is_not_repeated():
    aem = LosingAem(["503"])
    client = aem_client(aem)[0]
    with pytest.raises(AemServerError) as info:
        create_factory_config(client, PROVIDER, {P_NAME: "bp-1234"})
    assert aem.configs == {} and len(creates(aem)) == 1 and not info.value.retries


def test_creates_that_keep_failing_give_up_after_the_retries():
    aem = LosingAem(["503"] * 3)
    client = aem_client(aem, retries=2)[0]
    with pytest.raises(AemServerError) as info:
        create_factory_config(client, CUSTOMIZER, {C_TYPE: "adobe-ims-x"}, key=C_TYPE)
    assert aem.configs == {} and len(creates(aem)) == 3
    assert "(POST %s after 2 retries)" % CONFIG_MGR_CREATE in str(info.value)


@pytest.mark.parametrize("plan", [["lose", "lose"], ["503", "lose", "503"], ["lose", "503"]])
def test_configuration_created_through_lost_answers_equals_one_created_without(plan):
    reference = FakeAem()
    ensure_present(aem_client(reference)[0], oauth_request(), False)
    aem = LosingAem(plan)
    client = aem_client(aem)[0]
    result = ensure_present(client, oauth_request(), False)
    assert result["changed"] is True
    assert sorted(c["fpid"] for c in aem.configs.values()) == sorted([PROVIDER, CUSTOMIZER])
    name = aem.provider()[1][P_NAME]
    ref_name = reference.provider()[1][P_NAME]
    assert {k: str(v).replace(name, "<id>") for k, v in aem.provider()[1].items()} == \
        {k: str(v).replace(ref_name, "<id>") for k, v in reference.provider()[1].items()}
    assert aem.customizer()[1][C_TYPE].replace(name, "<id>") == reference.customizer()[1][C_TYPE].replace(ref_name,
                                                                                                          "<id>")
    assert client.writes == ["POST " + CONFIG_MGR_CREATE] * 2
    rerun = ensure_present(aem_client(aem)[0], oauth_request(client_secret=None), False)
    assert rerun["changed"] is False


# -- Check Health: transient failures are asked again, IMS's answers are final ---------------------------------

def health(ok, message):
    return FakeResponse(200, {"ok": ok, "message": message, "log": [message]})


def test_check_health_asks_again_after_a_transient_failure():
    client, session, warnings, sleeps = make_client([
        health(False, "IMS token request failed: [Errno 104] Connection reset by peer"),
        health(False, "IMS token request failed: 503 : <html>Service Unavailable</html>"),
        health(True, "Token is retrieved successfully")])
    result = check_health(client, PROVIDER + ".1", "oauth")
    assert result["ok"] is True and len(session.calls) == 3
    assert len(warnings) == 2 and "retry 2 of 3" in warnings[1] and len(sleeps) == 2


def test_check_health_gives_up_after_the_retries():
    client, session = make_client([health(False, "IMS token request failed: timed out")] * 3, retries=2)[:2]
    result = check_health(client, PROVIDER + ".1", "oauth")
    assert result["ok"] is False and result["retries"] == 2 and len(session.calls) == 3


def test_check_health_takes_an_ims_error_as_final():
    client, session, warnings = make_client([
        health(False, "IMS token request failed: 401 invalid_client: invalid client_secret parameter")])[:3]
    result = check_health(client, PROVIDER + ".1", "oauth")
    assert result["ok"] is False and result["retries"] == 0 and len(session.calls) == 1 and warnings == []
    assert "option client_secret" in result["hint"]
