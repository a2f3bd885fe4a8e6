# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replication agents: validation, create/update/delete over Sling, listing and selection, queues,
Test Connection and waiting until idle (reference §5), with a faked transport."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemAuthError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    Agent,
    AgentSpec,
    QueueTimeoutError,
    create_payload,
    ensure_agent_absent,
    ensure_agent_present,
    list_agents,
    log_lines,
    parse_queue,
    read_queue,
    reason_lines,
    run_test_connection,
    select_agents,
    validate_selection,
    wait_until_idle,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)

ROOT = "/etc/replication/agents.author"
PAGE = ROOT + "/bp_agent"
ENCRYPTED = "{" + "ab12" * 16 + "}"
PASSWORD = "transport-Passw0rd-value"
CREATED = {"status.code": 201, "status.message": "Created", "changes": []}
MODIFIED = {"status.code": 200, "status.message": "OK", "changes": []}


def content(**props):
    node = {"jcr:primaryType": "nt:unstructured", "sling:resourceType": "cq/replication/components/agent",
            "cq:template": "/libs/cq/replication/templates/agent", "jcr:title": "BP", "enabled": "true",
            "transportUri": "https://acme.brand-portal.adobe.com/bin/receive", "retryDelay": "60000",
            "logLevel": "info"}
    node.update(props)
    return node


def page(**props):
    return {"jcr:primaryType": "cq:Page", "jcr:created": "Sun Nov 22 2026 08:00:00 GMT+0000",
            "jcr:content": content(**props)}


def spec(**settings):
    password = settings.pop("password", None)
    update = settings.pop("password_update", "on_create")
    extra = settings.pop("extra", None)
    purge = settings.pop("purge", False)
    return AgentSpec("bp_agent", "author", settings=settings, extra=extra, password=password,
                     password_update=update, purge=purge)


def fake(script):
    """A client on a scripted transport, and the transport (to inspect the requests)."""
    made = make_client(script)
    return made[0], made[1]


def fake_client(script):
    return fake(script)[0]


def fields(call):
    return dict(call["data"])


# -- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, option", [
    (dict(name="a.b"), "option name"),
    (dict(name="a/b"), "option name"),
    (dict(name=""), "option name"),
    (dict(name="-x"), "option name"),
    (dict(runmode="local"), "option runmode"),
    (dict(settings={"transport_uri": "publish:4503/bin/receive"}), "option transport_uri"),
    (dict(settings={"transport_uri": "/bin/receive"}), "option transport_uri"),
    (dict(settings={"retry_delay": 0}), "option retry_delay"),
    (dict(settings={"retry_delay": -5}), "option retry_delay"),
    (dict(settings={"log_level": "trace"}), "option log_level"),
    (dict(settings={"ssl": "none"}), "option ssl"),
    (dict(password_update="never"), "option transport_password_update"),
    (dict(extra={"transportUri": "http://x/"}), "option extra_properties"),
    (dict(extra={"transportPassword": "x"}), "option extra_properties"),
    (dict(extra={"jcr:primaryType": "nt:folder"}), "option extra_properties"),
    (dict(extra={":operation": "delete"}), "option extra_properties"),
    (dict(extra={"a": {"nested": 1}}), "option extra_properties"),
])
def test_bad_input_is_rejected_naming_the_option(kwargs, option):
    args = dict(name="bp_agent", runmode="author")
    args.update(kwargs)
    with pytest.raises(AemInputError) as info:
        AgentSpec(**args).validate()
    assert option in str(info.value)


def test_valid_input_passes():
    settings = {"transport_uri": "repo://var/replication/outbox", "retry_delay": 1, "log_level": "debug",
                "ssl": "clientauth"}
    AgentSpec("mp_replication-2", "publish", settings=settings,
              extra={"protocolHTTPHeaders": ["CQ-Action:{action}"]}).validate()


def test_settings_are_stored_as_strings_like_the_agent_dialog():
    props = spec(enabled=True, retry_delay=60000, close_connection=False, title="T").properties(creating=True)
    assert props["enabled"] == "true" and props["retryDelay"] == "60000"
    assert props["protocolHTTPConnectionClosed"] == "false"
    assert props["sling:resourceType"] == "cq/replication/components/agent"
    assert props["cq:template"] == "/libs/cq/replication/templates/agent"
    assert props["jcr:title"] == "T"
    assert spec().properties(creating=True)["jcr:title"] == "bp_agent"
    assert spec().properties(creating=False) == {}


# -- create ----------------------------------------------------------------------------------------

def test_create_payload_creates_page_and_content_in_one_post():
    payload = create_payload({"enabled": "true"})
    assert payload[:2] == [("_charset_", "utf-8"), ("jcr:primaryType", "cq:Page")]
    assert ("jcr:content/jcr:primaryType", "nt:unstructured") in payload
    assert ("jcr:content/enabled@TypeHint", "String") in payload and ("jcr:content/enabled", "true") in payload


def test_create_in_check_mode_reads_once_and_predicts():
    client, session = fake([FakeResponse(403, "Forbidden")])
    result = ensure_agent_present(client, spec(enabled=True, password=PASSWORD), check_mode=True)
    assert [c["method"] for c in session.calls] == ["GET"]
    assert session.calls[0]["url"].endswith(PAGE + ".1.json")
    assert result["changed"] is True and result["transport_password_written"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["transportPassword"] == REDACTED
    assert result["agent"]["properties"]["enabled"] == "true" and result["agent"]["enabled"] is True
    assert result["agent"]["path"] == PAGE
    assert PASSWORD not in repr(result)


def test_create_encrypts_the_password_posts_once_and_rereads():
    client, session = fake([
        FakeResponse(404, "missing"),
        FakeResponse(200, {"protected": ENCRYPTED}),
        FakeResponse(201, CREATED),
        FakeResponse(200, content(enabled="true", transportPassword=ENCRYPTED, **{"jcr:title": "bp_agent"})),
    ])
    result = ensure_agent_present(client, spec(enabled=True, password=PASSWORD), check_mode=False)
    crypto, create = session.calls[1], session.calls[2]
    assert crypto["url"].endswith("/system/console/crypto/.json") and ("datum", PASSWORD) in crypto["data"]
    assert create["url"].endswith(PAGE)
    sent = fields(create)
    assert sent["jcr:primaryType"] == "cq:Page" and sent["jcr:content/transportPassword"] == ENCRYPTED
    assert sent["jcr:content/sling:resourceType"] == "cq/replication/components/agent"
    assert PASSWORD not in repr(create["data"])
    assert session.calls[3]["url"].endswith(PAGE + "/jcr:content.json")
    assert result["changed"] is True and result["agent"]["properties"]["transportPassword"] == REDACTED


def test_create_without_encryption_sends_the_clear_text():
    client, session = fake([
        FakeResponse(404, "missing"),
        FakeResponse(201, CREATED),
        FakeResponse(200, content(transportPassword=PASSWORD, **{"jcr:title": "bp_agent"})),
    ])
    result = ensure_agent_present(client, spec(password=PASSWORD), check_mode=False, encrypt=False)
    assert fields(session.calls[1])["jcr:content/transportPassword"] == PASSWORD
    assert PASSWORD not in repr(result)


# -- update ----------------------------------------------------------------------------------------

def test_unchanged_agent_makes_no_write_even_with_typed_values():
    client, session = fake([FakeResponse(200, page(enabled=True, retryDelay=60000, transportPassword=ENCRYPTED))])
    result = ensure_agent_present(client, spec(enabled=True, retry_delay=60000, password=PASSWORD), check_mode=False)
    assert result["changed"] is False and len(session.calls) == 1
    assert result["diff"]["before"] == {} and result["diff"]["after"] == {}
    assert result["transport_password_written"] is False


def test_one_setting_changes_exactly_that_property():
    client, session = fake([
        FakeResponse(200, page()),
        FakeResponse(200, MODIFIED),
        FakeResponse(200, content(logLevel="debug")),
    ])
    result = ensure_agent_present(client, spec(log_level="debug", enabled=True), check_mode=False)
    assert result["diff"]["before"] == {"logLevel": "info"} and result["diff"]["after"] == {"logLevel": "debug"}
    post = session.calls[1]
    assert post["url"].endswith(PAGE + "/jcr:content")
    sent = fields(post)
    assert sent["logLevel"] == "debug" and "enabled" not in sent and "jcr:primaryType" not in sent


def test_password_always_is_rewritten_every_run():
    client, session = fake([
        FakeResponse(200, page(transportPassword=ENCRYPTED)),
        FakeResponse(200, {"protected": "{" + "cd34" * 16 + "}"}),
        FakeResponse(200, MODIFIED),
        FakeResponse(200, content(transportPassword="{" + "cd34" * 16 + "}")),
    ])
    result = ensure_agent_present(client, spec(password=PASSWORD, password_update="always"), check_mode=False)
    assert result["changed"] is True and result["transport_password_written"] is True
    assert result["diff"] == {"before": {"transportPassword": REDACTED}, "after": {"transportPassword": REDACTED},
                              "before_header": PAGE, "after_header": PAGE}
    assert fields(session.calls[2])["transportPassword"] == "{" + "cd34" * 16 + "}"


def test_password_on_create_leaves_an_encrypted_password_alone():
    client, session = fake([FakeResponse(200, page(transportPassword=ENCRYPTED))])
    result = ensure_agent_present(client, spec(password=PASSWORD), check_mode=False)
    assert result["changed"] is False and len(session.calls) == 1


def test_page_without_content_gets_its_content_created():
    client, session = fake([
        FakeResponse(200, {"jcr:primaryType": "cq:Page"}),
        FakeResponse(201, CREATED),
        FakeResponse(200, content(**{"jcr:title": "bp_agent"})),
    ])
    ensure_agent_present(client, spec(), check_mode=False)
    post = session.calls[1]
    assert post["url"].endswith(PAGE + "/jcr:content")
    assert fields(post)["jcr:primaryType"] == "nt:unstructured"


def test_purge_keeps_what_makes_the_page_an_agent():
    client, session = fake([
        FakeResponse(200, page(transportPassword=ENCRYPTED, protocolHTTPMethod="GET")),
        FakeResponse(200, MODIFIED),
        FakeResponse(200, {"jcr:primaryType": "nt:unstructured", "sling:resourceType": "x", "cq:template": "y",
                           "jcr:title": "BP", "enabled": "true", "transportPassword": ENCRYPTED}),
    ])
    result = ensure_agent_present(client, spec(enabled=True, purge=True), check_mode=False)
    deleted = sorted(pair[0][:-len("@Delete")] for pair in session.calls[1]["data"] if pair[0].endswith("@Delete"))
    assert deleted == ["logLevel", "protocolHTTPMethod", "retryDelay", "transportUri"]
    assert result["changed"] is True


def test_existing_node_that_is_not_a_page_is_refused():
    client = fake_client([FakeResponse(200, {"jcr:primaryType": "nt:folder"})])
    with pytest.raises(AemInputError) as info:
        ensure_agent_present(client, spec(), check_mode=False)
    assert "nt:folder" in str(info.value)


def test_write_that_did_not_stick_is_reported():
    client = fake_client([
        FakeResponse(200, page()),
        FakeResponse(200, MODIFIED),
        FakeResponse(200, content()),
    ])
    with pytest.raises(AemUnexpectedResponseError) as info:
        ensure_agent_present(client, spec(log_level="error"), check_mode=False)
    assert "logLevel" in str(info.value)


# -- delete ----------------------------------------------------------------------------------------

def test_delete_in_check_mode_reads_only():
    client, session = fake([FakeResponse(200, page(transportPassword="clear-pw-value"))])
    result = ensure_agent_absent(client, "author", "bp_agent", check_mode=True)
    assert result["changed"] is True and len(session.calls) == 1
    assert result["diff"]["before"]["transportPassword"] == REDACTED and result["diff"]["after"] == {}
    assert "clear-pw-value" not in repr(result)


def test_delete_uses_operation_delete_and_treats_403_as_gone():
    client, session = fake([
        FakeResponse(200, page()),
        FakeResponse(200, MODIFIED),
        FakeResponse(403, "Forbidden"),
    ])
    result = ensure_agent_absent(client, "author", "bp_agent", check_mode=False)
    assert result["changed"] is True and result["agent"] is None
    assert session.calls[1]["url"].endswith(PAGE) and (":operation", "delete") in session.calls[1]["data"]


@pytest.mark.parametrize("status", [403, 404])
def test_delete_of_a_missing_agent_is_unchanged(status):
    """AEM answers 403 for a missing agent below agents.<runmode> (reference §1.3)."""
    client, session = fake([FakeResponse(status, "x")])
    assert ensure_agent_absent(client, "author", "bp_agent", check_mode=False)["changed"] is False
    assert len(session.calls) == 1


# -- listing and selection ------------------------------------------------------------------------

def tree():
    return {
        "jcr:primaryType": "cq:Page",
        "jcr:content": {"jcr:primaryType": "nt:unstructured", "jcr:title": "Agents on author"},
        "rep:policy": {"jcr:primaryType": "rep:ACL"},
        "publish": page(transportUri="http://localhost:4503/bin/receive"),
        "mp_replication": page(transportUri="https://acme.brand-portal.adobe.com/bin/receive"),
        "mp_replication_2": page(transportUri=["https://acme.brand-portal.adobe.com/x"]),
        "other_tenant": page(transportUri="https://acme.brand-portal.adobe.com.example.org/x"),
        "bare": {"jcr:primaryType": "cq:Page"},
    }


def test_list_agents_reads_depth_two_and_skips_jcr_and_rep_keys():
    client, session = fake([FakeResponse(200, tree()), FakeResponse(404, "no content")])
    agents = list_agents(client, "author")
    assert session.calls[0]["url"].endswith(ROOT + ".2.json")
    assert [a.name for a in agents] == ["bare", "mp_replication", "mp_replication_2", "other_tenant", "publish"]
    assert session.calls[1]["url"].endswith(ROOT + "/bare/jcr:content.json")
    assert agents[0].properties == {}


def test_list_agents_of_a_missing_folder_is_empty():
    client = fake_client([FakeResponse(404, "x")])
    assert list_agents(client, "publish") == []


def test_selection_by_prefixes_and_names():
    agents = [Agent("author", name, {"transportUri": uri}) for name, uri in (
        ("mp_replication", "https://acme.brand-portal.adobe.com/bin/receive"),
        ("mp_replication_2", ["https://acme.brand-portal.adobe.com/x"]),
        ("other_tenant", "https://acme.brand-portal.adobe.com.example.org/x"),
        ("publish", "http://localhost:4503/bin/receive"))]
    selected, missing = select_agents(agents, transport_uri_prefix="https://acme.brand-portal.adobe.com")
    assert [a.name for a in selected] == ["mp_replication", "mp_replication_2"] and missing == []
    selected = select_agents(agents, name_prefix="mp_replication")[0]
    assert [a.name for a in selected] == ["mp_replication", "mp_replication_2"]
    selected, missing = select_agents(agents, names=["publish", "nope"], name_prefix="p")
    assert [a.name for a in selected] == ["publish"] and missing == ["nope"]
    assert len(select_agents(agents)[0]) == 4


def test_selection_options_are_validated():
    with pytest.raises(AemInputError) as info:
        validate_selection({"names": ["ok", "not.ok"], "runmode": "author"})
    assert "option names" in str(info.value)
    with pytest.raises(AemInputError) as info:
        validate_selection({"runmode": "author", "transport_uri_prefix": "acme.brand-portal.adobe.com"})
    assert "option transport_uri_prefix" in str(info.value)


def test_agent_view_redacts_secrets():
    view = Agent("author", "a", {"transportPassword": "pw-in-clear", "proxyPassword": "x1234",
                                 "enabled": "true"}).view()
    assert view["properties"]["transportPassword"] == REDACTED and view["properties"]["proxyPassword"] == REDACTED
    assert view["enabled"] is True


# -- queues ----------------------------------------------------------------------------------------

def queue_json(items=0, blocked=False, paused=False, strings=False):
    status = {"agentName": "BP", "agentId": "bp_agent", "isBlocked": blocked, "isPaused": paused,
              "time": 1700000000000, "processingSince": 0, "lastProcessTime": 0,
              "nextRetryPeriod": 30000 if blocked else 0}
    if strings:
        status = dict((k, str(v).lower() if isinstance(v, bool) else v) for k, v in status.items())
    return {"metaData": {"root": "queue", "queueStatus": status,
                         "fields": ["id", "path", "time", "userid", "type", "lastProcessed", "numProcessed"]},
            "queue": [{"id": "i%d" % n, "path": "/content/dam/a%d.png" % n, "time": 1700000000000 + n,
                       "userid": "admin", "type": "Activate", "lastProcessed": 0, "numProcessed": 0}
                      for n in range(items)]}


def test_parse_queue_shapes():
    q = parse_queue(queue_json(items=7), first=2)
    assert q["item_count"] == 7 and q["idle"] is False and q["available"] is True
    assert q["first_items"] == [{"path": "/content/dam/a0.png", "type": "Activate", "time": 1700000000000},
                                {"path": "/content/dam/a1.png", "type": "Activate", "time": 1700000000001}]
    blocked = parse_queue(queue_json(blocked=True, strings=True))
    assert blocked["blocked"] is True and blocked["idle"] is False and blocked["next_retry_period"] == 30000
    assert parse_queue(queue_json(paused=True))["idle"] is True
    unavailable = parse_queue({"metaData": {"queueStatus": {"agentName": "x", "agentId": "x"}}})
    assert unavailable == {"item_count": 0, "blocked": False, "paused": False, "idle": True, "available": False,
                           "next_retry_period": 0, "first_items": []}
    assert parse_queue(None)["idle"] is True


def test_read_queue_url():
    client, session = fake([FakeResponse(200, queue_json(items=1))])
    q = read_queue(client, Agent("author", "bp_agent", {}))
    assert session.calls[0]["url"].endswith(PAGE + "/jcr:content.queue.json")
    assert session.calls[0]["params"] == {"agent": "bp_agent"}
    assert q["item_count"] == 1


class Clock(object):
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_until_idle_polls_until_empty():
    clock = Clock()
    client, session = fake([FakeResponse(200, queue_json(items=2)),
                            FakeResponse(200, queue_json(blocked=True)),
                            FakeResponse(200, queue_json())])
    queues, polls, elapsed = wait_until_idle(client, [Agent("author", "bp_agent", {})], timeout=60, interval=5,
                                             clock=clock, sleep=clock.sleep)
    assert polls == 3 and clock.sleeps == [5, 5] and elapsed == 10
    assert queues["bp_agent"]["idle"] is True and len(session.calls) == 3


def test_wait_until_idle_times_out_naming_busy_agents_and_items():
    clock = Clock()
    agents = [Agent("author", "bp_agent", {}), Agent("author", "quiet", {})]
    client = fake_client([FakeResponse(200, queue_json(items=4 * (n % 2 == 0))) for n in range(8)])
    with pytest.raises(QueueTimeoutError) as info:
        wait_until_idle(client, agents, timeout=12, interval=5, first=2, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [5, 5, 2]
    text = str(info.value)
    assert "1 of 2 replication queues still busy after 12 s (4 polls)" in text
    assert "bp_agent: 4 items (/content/dam/a0.png, /content/dam/a1.png, ...)" in text
    assert "quiet" not in text
    assert [b["name"] for b in info.value.busy] == ["bp_agent"] and info.value.busy[0]["queue"]["item_count"] == 4


def test_wait_with_zero_timeout_checks_once():
    clock = Clock()
    client, session = fake([FakeResponse(200, queue_json(blocked=True))])
    with pytest.raises(QueueTimeoutError) as info:
        wait_until_idle(client, [Agent("author", "bp_agent", {})], timeout=0, interval=5, clock=clock,
                        sleep=clock.sleep)
    assert len(session.calls) == 1 and clock.sleeps == []
    assert "0 items, blocked" in str(info.value)


@pytest.mark.parametrize("timeout, interval, option", [(10, 0, "option wait_interval"), (-1, 5, "option wait_timeout")])
def test_wait_rejects_bad_timing(timeout, interval, option):
    client, session = fake([])
    with pytest.raises(AemInputError) as info:
        wait_until_idle(client, [], timeout=timeout, interval=interval)
    assert option in str(info.value) and session.calls == []


# -- Test Connection -------------------------------------------------------------------------------

SUCCESS_LOG = """<html><head><title>Replication Test</title></head><body><pre>
22.11.2026 08:14:30 - Create new HttpClient for Default Agent
22.11.2026 08:14:30 - adding header: Action:Test
22.11.2026 08:14:30 - Sending POST request to http://localhost:4503/bin/receive?sling:authRequestLogin=1
22.11.2026 08:14:30 - sent. Response: 200 OK
22.11.2026 08:14:30 - Replication (TEST) of /content successful.
Replication test succeeded
</pre></body></html>"""

FAILURE_LOG = """<html><body><pre>
22.11.2026 08:14:30 - Create new HttpClient for BP &amp; Co
22.11.2026 08:14:30 - Sending POST request to https://acme.brand-portal.adobe.com/bin/receive
22.11.2026 08:14:30 - sent. Response: 401 Unauthorized
22.11.2026 08:14:30 - Error while sending request: password=%s rejected
Replication test failed
</pre></body></html>""" % PASSWORD


def test_connection_success():
    client, session = fake([FakeResponse(200, SUCCESS_LOG, {"Content-Type": "text/html"})])
    result = run_test_connection(client, Agent("author", "publish", {}))
    assert session.calls[0]["url"].endswith(ROOT + "/publish.test.html")
    assert result["success"] is True and result["reason"] == []
    assert result["log"][0] == "22.11.2026 08:14:30 - Create new HttpClient for Default Agent"
    assert result["log"][-1] == "Replication test succeeded"


def test_connection_failure_reports_reason_lines_redacted():
    client = fake_client([FakeResponse(200, FAILURE_LOG, {"Content-Type": "text/html"})])
    client.redactor.add(PASSWORD)
    result = run_test_connection(client, Agent("author", "bp_agent", {}))
    assert result["success"] is False
    assert result["reason"] == ["sent. Response: 401 Unauthorized",
                                "Error while sending request: password=<redacted> rejected"]
    assert "Create new HttpClient for BP & Co" in result["log"][0]
    assert PASSWORD not in repr(result)


def test_connection_http_error_is_a_failure_of_that_agent():
    client = fake_client([FakeResponse(500, "<html>boom</html>")])
    result = run_test_connection(client, Agent("author", "bp_agent", {}))
    assert result["success"] is False and "HTTP 500" in result["reason"][0]


def test_connection_auth_error_fails_the_task():
    client = fake_client([FakeResponse(401, "no")])
    with pytest.raises(AemAuthError):
        run_test_connection(client, Agent("author", "bp_agent", {}))


def test_log_lines_without_pre_skip_the_head():
    assert log_lines("<html><head><title>T</title></head><body><p>Agent &quot;x&quot; failed</p></body></html>") == [
        'Agent "x" failed']


def test_reason_lines_fall_back_to_the_last_lines():
    lines = log_lines("<pre>22.11.2026 08:14:30 - odd\nCreate new HttpClient for X\nReplication test failed</pre>")
    assert reason_lines(lines) == ["odd"]
    assert reason_lines(["Create new HttpClient for X", "Replication test failed"]) == ["Replication test failed"]
    assert reason_lines(["Create new HttpClient for X", "adding header: A:B"]) == [
        "Create new HttpClient for X", "adding header: A:B"]
