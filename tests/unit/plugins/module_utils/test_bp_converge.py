# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""aem_brand_portal's engine on one AEM 6.5 author: read once, plan, write the minimum, say step by step what was
done. The transport is faked at the session: test_ims_config's FakeAem (configMgr with its real semantics) plus the
product information, Sling GET/POST, the Brand Portal cloud service servlet and Test Connection, so the real ensure
functions run and the request counts are the client's own."""

from __future__ import annotations

import copy
import json
import re
from urllib.parse import unquote, urlsplit

import pytest
import requests
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.aemtools.brand_portal.plugins.module_utils import _bp_converge
from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import AemClient
from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_converge import Host, converge, execute
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import ImsClient, base_url
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import C_SECRET
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import truthy
from ansible_collections.aemtools.brand_portal.plugins.modules.aem_brand_portal import (
    REQUIRED_TOGETHER,
    argument_spec,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    FakeSession,
    make_client,
)
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.test_ims_config import (
    ORG,
    SECRET,
    FakeAem,
)

TENANT = "https://acme.brand-portal.adobe.com"
AGENTS = fact("agents_root")
AGENT_NAMES = fact("agent_names")
CLOUDSERVICE = fact("ims_cloudservice_root") + "/brand-portal"
PRODUCT_INFO = "/system/console/status-productinfo.json"
AEM_PASSWORD = "s3cr3t-Passw0rd"  # make_client's password
CLIENT_ID = "bp-client-0001"
SCOPES = ["openid", "AdobeID", "read_organizations"]
DEPTH = re.compile(r"^(.*?)(?:\.(\d+|infinity))?\.json$")


class FakeAuthor(FakeAem):
    """An AEM 6.5 author as far as one Brand Portal run sees it (reference sections in brackets).

    Nodes are ``path -> properties``; GET ``.json``/``.N.json`` renders N levels (§2), a Sling POST creates or
    modifies with ``@TypeHint``/``@Delete`` and relative ``a/b`` names and answers the §1.5 JSON, the cloud service
    servlet stores the page and creates the tenant's four agents as saving it does (§6.3, §6.4), ``.test.html``
    answers the §5.3 log. ``log`` holds every request as ``(method, path, params)``."""

    def __init__(self, version="6.5.21.0", test_succeeds=True):
        super(FakeAuthor, self).__init__()
        self.version = version
        self.test_succeeds = test_succeeds
        #: Check Health answers to give before the usual {"ok": true}
        self.health_answers = []
        #: paths waiting in an agent's replication queue, by agent name
        self.queued = {}
        self.log = []
        self.nodes = {}
        self.put(AGENTS, {"jcr:primaryType": "cq:Page"})
        self.put(AGENTS + "/publish", {"jcr:primaryType": "cq:Page"})
        self.put(AGENTS + "/publish/jcr:content", {
            "jcr:primaryType": "nt:unstructured", "jcr:title": "Default Agent", "enabled": "true",
            "transportUri": "http://localhost:4503/bin/receive?sling:authRequestLogin=1"})

    # -- what the tests look at

    def gets(self):
        return [(path, params) for method, path, params in self.log if method == "GET"]

    def posts(self):
        return [path for method, path, _params in self.log if method != "GET"]

    def agent(self, name):
        return self.nodes[AGENTS + "/" + name + "/jcr:content"]

    # -- the repository

    def put(self, path, props=None):
        node = self.nodes.setdefault(path, {"jcr:primaryType": "nt:unstructured"})
        node.update(props or {})
        return node

    def ensure(self, path, primary_type="nt:unstructured"):
        parts = path.strip("/").split("/")
        for n in range(1, len(parts) + 1):
            sub = "/" + "/".join(parts[:n])
            if sub not in self.nodes:
                self.nodes[sub] = {"jcr:primaryType": primary_type if n == len(parts) else "nt:unstructured"}
        return self.nodes[path]

    def render(self, path, depth):
        out = dict(self.nodes[path])
        if depth > 0:
            for child in sorted(self.nodes):
                if child.rsplit("/", 1)[0] == path:
                    out[child.rsplit("/", 1)[1]] = self.render(child, depth - 1)
        return out

    # -- requests.Session

    def request(self, method, url, params=None, data=None, files=None, **kwargs):
        self.log.append((method, unquote(urlsplit(url).path), tuple(sorted((params or {}).items()))))
        return super(FakeAuthor, self).request(method, url, params=params, data=data, files=files, **kwargs)

    def route(self, method, path, query, form, files):
        if method == "GET" and path.endswith("/jcr:content.queue.json"):
            # §5.4: the queue of one agent; self.queued holds the waiting paths by agent name
            items = [{"path": p, "type": "ACTIVATE", "time": 1} for p in self.queued.get(query.get("agent"), [])]
            return FakeResponse(200, {"metaData": {"queueStatus": {"isBlocked": bool(items), "isPaused": False}},
                                      "queue": items})
        if method == "GET" and path.endswith("/imsconfigurations/health") and self.health_answers:
            return FakeResponse(200, self.health_answers.pop(0))
        if path.startswith(("/system/console/configMgr", "/libs/", "/bin/querybuilder", "/home/")) \
                and path != PRODUCT_INFO:
            return super(FakeAuthor, self).route(method, path, query, form, files)
        if method == "GET" and path == PRODUCT_INFO:
            return FakeResponse(200, ["Installed Products", "  Adobe Experience Manager (%s)" % self.version, ""])
        if method == "POST" and path == fact("cloudservice_servlet"):
            return self.save_cloudservice(dict(form))
        if method == "GET" and path.endswith(".test.html"):
            return self.test_connection(path[:-len(".test.html")])
        if method == "GET":
            match = DEPTH.match(path)
            if not match or match.group(1) not in self.nodes:
                return FakeResponse(404, "<html><body>Not Found</body></html>")
            depth = 1000 if match.group(2) == "infinity" else int(match.group(2) or 0)
            return FakeResponse(200, self.render(match.group(1), depth))
        if method == "POST":
            return self.sling_post(path, form)
        return FakeResponse(405, "Method %s not supported" % method)

    def sling_post(self, path, form):
        created = path not in self.nodes
        self.ensure(path)
        hints = dict((k[:-len("@TypeHint")], v) for k, v in form if k.endswith("@TypeHint"))
        values = {}
        for key, value in form:
            if key == "_charset_" or "@" in key:
                continue
            values.setdefault(key, []).append(value)
        for key, _value in form:
            if key.endswith("@Delete"):
                target, _sep, name = (path + "/" + key[:-len("@Delete")]).rpartition("/")
                self.nodes.get(target, {}).pop(name, None)
        for key, items in values.items():
            target, _sep, name = (path + "/" + key).rpartition("/")
            node = self.ensure(target)
            hint = hints.get(key, "")
            typed = [(v == "true") if hint.startswith("Boolean") else int(v) if hint.startswith("Long") else v
                     for v in items]
            node[name] = typed if hint.endswith("[]") or len(typed) > 1 else typed[0]
        code = 201 if created else 200
        return FakeResponse(code, {"status.code": code, "status.message": "Created" if created else "OK",
                                   "path": path, "isCreate": created, "changes": []})

    def save_cloudservice(self, fields):
        path = fields["item"]
        self.ensure(path, "cq:Page")
        content = self.ensure(path + "/jcr:content")
        content.update({"jcr:title": fields["name"], "tenantURL": fields["tenantURL"],
                        "oauthScopes": fields["oauthScopes"], "sling:resourceType": fields["sling:resourceType"]})
        if fields.get("imsConfig"):
            content["imsConfig"] = fields["imsConfig"]
        uri = fields["tenantURL"].rstrip("/") + "/bin/receive?sling:authRequestLogin=1"
        for n, name in enumerate(AGENT_NAMES):
            agent = AGENTS + "/" + name
            if agent not in self.nodes:
                self.put(agent, {"jcr:primaryType": "cq:Page"})
                self.put(agent + "/jcr:content", {"jcr:title": "Brand Portal Replication Agent (acme) %d" % (n + 1),
                                                  "enabled": "true", "serializationType": "durbo",
                                                  "transportUri": uri, "userId": "mac-acme-replication"})
        return FakeResponse(200, {"status": "ok"})

    def test_connection(self, agent):
        if agent + "/jcr:content" not in self.nodes:
            return FakeResponse(404, "not found")
        verdict = "Replication test succeeded" if self.test_succeeds else \
            "sent. Response: 401 Unauthorized\nReplication test failed"
        return FakeResponse(200, "<html><body><pre>01.01.2026 10:00:00 - Create new HttpClient\n%s</pre></body>"
                                 "</html>" % verdict)


class FakeIms(object):
    """``ims_factory``: a real ImsClient on a scripted session; remembers each client it made."""

    GRANTED = {"access_token": "tok-granted-1", "token_type": "bearer", "expires_in": 86399}

    def __init__(self, *answers):
        self.answers = list(answers) or [FakeResponse(200, self.GRANTED)]
        self.sessions = []

    def __call__(self, params, warn):
        session = FakeSession(self.answers)
        self.sessions.append(session)
        client = ImsClient(base_url(params["ims_url"]), retries=0, warn=warn, session=session, sleep=lambda s: None)
        client.redactor.add(params["client_secret"])
        return client

    @property
    def calls(self):
        return [call for session in self.sessions for call in session.calls]


def no_ims(params, warn):
    raise AssertionError("Adobe IMS was asked although the Adobe IMS configuration does not change")


def task_params(**overrides):
    """The task's options after aem_brand_portal's own argument spec (defaults included)."""
    args = dict(url="http://aem.example:4502", username="deployer", password=AEM_PASSWORD, tenant_url=TENANT,
                client_id=CLIENT_ID, client_secret=SECRET, org_id=ORG, scopes=list(SCOPES))
    args.update(overrides)
    validation = ArgumentSpecValidator(argument_spec(), required_together=REQUIRED_TOGETHER).validate(args)
    assert not validation.error_messages
    return validation.validated_parameters


def run(aem, check_mode=False, ims=None, **overrides):
    """One converge on ``aem`` with a fresh client (as each task has): ``(result, client, warnings)``."""
    client = make_client([], session=aem)[0]
    warnings = []
    result = converge(client, task_params(**overrides), Host(check_mode, warnings.append),
                      ims_factory=ims if ims is not None else FakeIms())
    return result, client, warnings


def configured_author(**kwargs):
    """An author on which a first run configured everything (the log is cleared afterwards)."""
    aem = FakeAuthor(**kwargs)
    result = run(aem)[0]
    assert result["complete"] and result["changed"]
    aem.log[:], aem.writes = [], 0
    return aem


def statuses(result):
    return dict((("%s %s" % (s["step"], s["item"])).strip(), s["status"]) for s in result["steps"])


def assert_no_secret(result):
    text = json.dumps(result)
    assert SECRET not in text and AEM_PASSWORD not in text


# -- a first run on an empty author --------------------------------------------------------------------------------

def test_first_run_configures_everything_checks_with_ims_and_tests_the_connection():
    aem = FakeAuthor()
    ims = FakeIms()
    result, client, _warnings = run(aem, ims=ims)
    assert result["complete"] and result["changed"] and result["model"] == "ims"
    assert result["aem_version"] == "6.5.21.0" and result["missing_credentials"] == []
    provider_pid, provider = aem.provider()
    _customizer_pid, customizer = aem.customizer()
    assert customizer[C_SECRET] == SECRET
    content = aem.nodes[CLOUDSERVICE + "/jcr:content"]
    assert content["tenantURL"] == TENANT and content["imsConfig"] == provider["name"]
    assert sorted(result["agents"]) == sorted(AGENT_NAMES)
    for name in AGENT_NAMES:
        assert truthy(aem.agent(name)["protocolHTTPConnectionClosed"])
    assert "protocolHTTPConnectionClosed" not in aem.agent("publish")
    # the credential was checked with Adobe IMS once, with the task's values, before AEM got it
    [token_call] = ims.calls
    assert token_call["data"]["client_id"] == CLIENT_ID and token_call["data"]["scope"] == ",".join(SCOPES)
    assert result["test_connection"]["ran"] and len(result["test_connection"]["agents"]) == len(AGENT_NAMES)
    assert result["health"]["ok"] and result["ims_config"]["pid"] == provider_pid
    steps = statuses(result)
    assert steps["ims_config Brand Portal"] == "changed" and steps["cloudservice brand-portal"] == "changed"
    assert all(steps["agent %s" % name] == "changed" for name in AGENT_NAMES)
    assert [s["status"] for s in result["steps"] if s["step"] == "test_connection"] == ["ok"]
    assert result["written"] == client.writes and len(result["written"]) == aem.writes
    assert result["requests"] == client.request_count == len(aem.log)
    assert_no_secret(result)


# -- a re-run that finds everything in place -----------------------------------------------------------------------

def test_no_change_rerun_only_reads_each_resource_once_and_skips_test_connection():
    aem = configured_author()
    result, client, _warnings = run(aem, ims=no_ims)
    assert not result["changed"] and result["complete"]
    assert result["written"] == [] and client.writes == [] and aem.writes == 0
    assert aem.posts() == []
    gets = aem.gets()
    assert len(gets) == len(set(gets)), "read twice: %s" % [g for g in gets if gets.count(g) > 1]
    paths = [path for path, _params in gets]
    assert PRODUCT_INFO in paths and "/system/console/configMgr" in paths
    assert CLOUDSERVICE + "/jcr:content.json" in paths and AGENTS + ".2.json" in paths
    assert not any(path.endswith(".test.html") for path in paths)
    # the listing of configMgr serves the provider and the customizer look-up alike: sent once, asked twice
    assert paths.count("/system/console/configMgr") == 1
    assert result["requests"] == client.request_count == len(aem.log)
    assert all(s["status"] == "ok" for s in result["steps"] if s["step"] != "test_connection")
    [test] = [s for s in result["steps"] if s["step"] == "test_connection"]
    assert test["status"] == "skipped" and "on_change" in test["detail"]
    assert result["test_connection"] == {"ran": False, "agents": []}
    assert_no_secret(result)


def test_without_the_read_cache_the_same_run_asks_again():
    """The counter-check of the test above: the engine asks for the listing twice, the cache answers once."""
    aem = configured_author()
    client = make_client([], session=aem)[0]
    client.cache_reads = lambda enabled=True: None  # the engine's call turns nothing on
    converge(client, task_params(), Host(False, lambda msg: None), ims_factory=no_ims)
    paths = [path for path, _params in aem.gets()]
    assert paths.count("/system/console/configMgr") > 1


# -- gathered: compare only -----------------------------------------------------------------------------------------

def test_gathered_names_each_drifting_item_with_before_and_after_and_writes_nothing():
    aem = configured_author()
    aem.agent("mp_replication_2")["protocolHTTPConnectionClosed"] = False
    aem.nodes[CLOUDSERVICE + "/jcr:content"]["tenantURL"] = "https://other.brand-portal.adobe.com"
    result, client, _warnings = run(aem, ims=no_ims, state="gathered", test_connection="always")
    assert aem.writes == 0 and aem.posts() == [] and client.writes == []
    assert result["changed"] is False and result["in_sync"] is False
    drift = dict((("%s %s" % (d["step"], d["item"])).strip(), d) for d in result["drift"])
    assert drift["cloudservice brand-portal"]["before"]["tenantURL"] == "https://other.brand-portal.adobe.com"
    assert drift["cloudservice brand-portal"]["after"]["tenantURL"] == TENANT
    agent = drift["agent mp_replication_2"]
    assert json.dumps(agent["before"]).count("protocolHTTPConnectionClosed") == 1
    assert json.dumps(agent["after"]).count("protocolHTTPConnectionClosed") == 1
    assert agent["before"] != agent["after"]
    assert "ims_config Brand Portal" not in drift and "agent mp_replication" not in drift
    # gathered never runs Test Connection, whatever the policy
    assert "test_connection" not in result
    assert not any(path.endswith(".test.html") for path, _params in aem.gets())
    assert_no_secret(result)


def test_gathered_on_an_empty_author_plans_everything_without_asking_ims():
    aem = FakeAuthor()
    result = run(aem, ims=no_ims, state="gathered")[0]
    assert aem.writes == 0 and aem.posts() == []
    assert result["in_sync"] is False and result["changed"] is False
    items = [(d["step"], d["item"]) for d in result["drift"]]
    assert ("ims_config", "Brand Portal") in items and ("cloudservice", "brand-portal") in items
    assert ("agents", "") in items
    [ims_step] = [d for d in result["drift"] if d["step"] == "ims_config"]
    assert ims_step["before"] == {} and ims_step["after"]
    assert_no_secret(result)


def test_gathered_on_a_configured_author_is_in_sync():
    aem = configured_author()
    result = run(aem, ims=no_ims, state="gathered")[0]
    assert result["in_sync"] is True and result["drift"] == [] and not result["changed"]
    assert aem.writes == 0


def test_gathered_with_queues_reads_each_agents_queue_once_and_writes_nothing():
    aem = configured_author()
    aem.queued["mp_replication_2"] = ["/content/dam/a.jpg", "/content/dam/b.jpg"]
    result = run(aem, ims=no_ims, state="gathered", queues=True)[0]
    queues = result["queues"]
    assert sorted(queues) == ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"]
    assert queues["mp_replication_2"]["item_count"] == 2 and queues["mp_replication_2"]["blocked"] is True
    assert queues["mp_replication_2"]["summary"] == "2 items (/content/dam/a.jpg, /content/dam/b.jpg), blocked"
    assert queues["mp_replication"]["idle"] is True and queues["mp_replication"]["summary"] == "0 items"
    queue_reads = [path for path, _params in aem.gets() if path.endswith(".queue.json")]
    assert len(queue_reads) == 4 and len(aem.gets()) == 6 + 4 and aem.writes == 0
    # a queue says nothing about drift: the author is still in sync
    assert result["in_sync"] is True


def test_without_queues_no_queue_is_read():
    aem = configured_author()
    result = run(aem, ims=no_ims, state="gathered")[0]
    assert "queues" not in result and not [p for p, _q in aem.gets() if p.endswith(".queue.json")]


# -- check mode ----------------------------------------------------------------------------------------------------

def test_check_mode_writes_nothing_and_says_would_change():
    aem = FakeAuthor()
    result, client, _warnings = run(aem, check_mode=True)
    assert aem.writes == 0 and aem.posts() == [] and client.writes == [] and result["written"] == []
    assert result["changed"] is True
    steps = statuses(result)
    assert steps["ims_config Brand Portal"] == "would change"
    assert steps["cloudservice brand-portal"] == "would change"
    assert steps["agents"] == "would change"
    assert "changed" not in steps.values()
    assert "test_connection" not in result
    assert_no_secret(result)


def test_check_mode_on_a_drifting_agent_predicts_only_that_agent():
    aem = configured_author()
    aem.agent("mp_replication_3")["protocolHTTPConnectionClosed"] = "false"
    result = run(aem, check_mode=True, ims=no_ims)[0]
    assert aem.writes == 0 and aem.agent("mp_replication_3")["protocolHTTPConnectionClosed"] == "false"
    steps = statuses(result)
    assert steps["agent mp_replication_3"] == "would change"
    assert [k for k, v in steps.items() if v != "ok"] == ["agent mp_replication_3"]


# -- test_connection policy ----------------------------------------------------------------------------------------

def connection_tests_sent(aem):
    return sorted(path[len(AGENTS) + 1:-len(".test.html")] for path, _params in aem.gets()
                  if path.endswith(".test.html"))


def test_test_connection_always_runs_without_a_write():
    aem = configured_author()
    result = run(aem, ims=no_ims, test_connection="always")[0]
    assert aem.writes == 0 and not result["changed"]
    assert connection_tests_sent(aem) == sorted(AGENT_NAMES)
    assert result["test_connection"]["ran"] and all(a["success"] for a in result["test_connection"]["agents"])
    [test] = [s for s in result["steps"] if s["step"] == "test_connection"]
    assert test["status"] == "ok"


def test_test_connection_on_change_runs_after_a_write():
    aem = configured_author()
    aem.agent("mp_replication_1")["protocolHTTPConnectionClosed"] = "false"
    result = run(aem, ims=no_ims)[0]
    assert aem.writes == 1 and result["changed"]
    assert truthy(aem.agent("mp_replication_1")["protocolHTTPConnectionClosed"])
    assert connection_tests_sent(aem) == sorted(AGENT_NAMES) and result["test_connection"]["ran"]


def test_test_connection_never_is_skipped_after_a_write():
    aem = FakeAuthor()
    result = run(aem, test_connection="never")[0]
    assert aem.writes > 0 and connection_tests_sent(aem) == []
    [test] = [s for s in result["steps"] if s["step"] == "test_connection"]
    assert test["status"] == "skipped" and test["detail"] == "test_connection=never"
    assert result["test_connection"] == {"ran": False, "agents": []}


def test_a_failed_test_connection_fails_the_run_naming_the_agents():
    aem = configured_author()
    aem.test_succeeds = False
    with pytest.raises(AemError) as info:
        run(aem, ims=no_ims, test_connection="always")
    text = str(info.value)
    assert "Test Connection failed on 4 of 4 agents" in text and "mp_replication_2" in text
    assert "401 Unauthorized" in text


# -- Adobe IMS checks the credential only when the Adobe IMS configuration changes ------------------------------

def test_a_changed_secret_policy_asks_ims_before_the_write():
    aem = configured_author()
    ims = FakeIms()
    result = run(aem, ims=ims, client_secret_update="always")[0]
    assert len(ims.calls) == 1 and aem.writes >= 1
    [step] = [s for s in result["steps"] if s["step"] == "ims_config"]
    assert step["status"] == "changed" and step["detail"] == "Adobe IMS issued a token with the credential"
    assert_no_secret(result)


def test_validate_credentials_false_does_not_ask_ims():
    aem = FakeAuthor()
    result = run(aem, ims=no_ims, validate_credentials=False)[0]
    [step] = [s for s in result["steps"] if s["step"] == "ims_config"]
    assert step["status"] == "changed" and "validate_credentials=false" in step["detail"]


def test_an_ims_refusal_stops_the_run_before_anything_is_written():
    aem = FakeAuthor()
    ims = FakeIms(FakeResponse(401, {"error": "invalid_client", "error_description": "invalid client_secret"}))
    with pytest.raises(AemError) as info:
        run(aem, ims=ims)
    message = info.value.message
    assert message.startswith("Adobe IMS refused the oauth credential %s" % CLIENT_ID)
    assert "Nothing was written by this task." in message and "client_secret" in message
    assert aem.writes == 0 and aem.posts() == []
    assert len(ims.calls) == 1
    assert SECRET not in str(info.value)


def test_an_unreachable_ims_says_so_and_names_ims_url():
    aem = FakeAuthor()
    ims = FakeIms(requests.exceptions.ConnectionError("Failed to establish a new connection: [Errno 111] refused"))
    with pytest.raises(AemError) as info:
        run(aem, ims=ims)
    assert info.value.message.startswith("Adobe IMS could not be reached to check the oauth credential")
    assert "option ims_url" in info.value.message and "Nothing was written by this task." in info.value.message
    assert aem.writes == 0 and aem.posts() == []


def test_an_ims_server_error_is_not_called_a_refusal_of_the_credential():
    """IMS answering 503 (retries used up) says nothing about the credential: sending the user to client_id,
    client_secret, org_id and scopes is the wrong advice."""
    aem = FakeAuthor()
    ims = FakeIms(FakeResponse(503, "<html>Service Unavailable</html>"))
    with pytest.raises(AemError) as info:
        run(aem, ims=ims)
    message = info.value.message
    assert "Nothing was written by this task." in message and aem.writes == 0
    assert not message.startswith("Adobe IMS refused"), message
    assert "check options client_id, client_secret" not in message, message


def test_check_health_asks_aem_again_after_a_transient_failure():
    """check_health repeats its GET after an answer without an IMS error code (IMS briefly unreachable from AEM);
    the run's read cache must not answer the repeat with the first, failed answer."""
    aem = FakeAuthor()
    aem.health_answers = [{"ok": False, "message": "Connection timed out while contacting Adobe IMS"}]
    result = run(aem)[0]
    health = [path for path, _params in aem.gets() if path.endswith("/imsconfigurations/health")]
    assert len(health) == 2
    assert result["health"]["ok"] is True


def test_check_health_failure_with_an_ims_error_fails_after_the_write():
    aem = FakeAuthor()
    aem.health_answers = [{"ok": False, "message": "Error: invalid_client (Invalid client_secret)"}]
    with pytest.raises(AemError) as info:
        run(aem)
    assert "Check Health of Adobe IMS configuration 'Brand Portal' failed" in info.value.message
    assert aem.writes > 0
    assert SECRET not in str(info.value)


# -- missing credentials --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", ["client_secret", "client_id", "scopes"])
def test_missing_oauth_credentials_leave_the_run_incomplete_without_a_write(blank):
    aem = FakeAuthor()
    result = run(aem, ims=no_ims, **{blank: [] if blank == "scopes" else ""})[0]
    assert result["complete"] is False and result["missing_credentials"] == [blank]
    assert aem.writes == 0 and aem.posts() == [] and result["written"] == []
    [step] = result["steps"]
    assert step["step"] == "ims_config" and step["status"] == "incomplete" and blank in step["detail"]
    assert not result["changed"]


# -- the task wrapper ---------------------------------------------------------------------------------------------

@pytest.fixture
def author_at(monkeypatch):
    """execute() builds its own AemClient: give it the fake author's session."""
    def install(aem):
        def client(url, username, password, **kwargs):
            kwargs["session"] = aem
            return AemClient(url, username, password, **kwargs)
        monkeypatch.setattr(_bp_converge, "AemClient", client)
        return aem
    return install


def test_execute_reports_an_ims_refusal_as_failed_with_nothing_written(author_at):
    aem = author_at(FakeAuthor())
    ims = FakeIms(FakeResponse(400, {"error": "invalid_scope", "error_description": "scope not allowed"}))
    result = execute(task_params(), Host(False, lambda msg: None), ims_factory=ims)
    assert result["failed"] is True and result["changed"] is False
    assert "Adobe IMS refused the oauth credential %s" % CLIENT_ID in result["msg"]
    assert result["msg"].rstrip().endswith("Nothing was written by this task.")
    assert result["written"] == [] and aem.writes == 0
    assert_no_secret(result)


def test_execute_after_writes_says_what_was_already_written(author_at):
    aem = author_at(FakeAuthor(test_succeeds=False))
    result = execute(task_params(), Host(False, lambda msg: None), ims_factory=FakeIms())
    assert result["failed"] is True and result["changed"] is True
    assert "Test Connection failed" in result["msg"]
    assert "Already written by this task: POST /system/console/configMgr/" in result["msg"]
    assert result["written"] and len(result["written"]) == aem.writes
    assert_no_secret(result)


def test_execute_refuses_bad_connection_options_before_a_request(author_at):
    aem = author_at(FakeAuthor())
    result = execute(task_params(url="aem.example:4502"), Host(False, lambda msg: None), ims_factory=no_ims)
    assert result["failed"] is True and result["msg"].startswith("option url:")
    assert aem.log == []


def test_execute_returns_the_result_on_success(author_at):
    aem = author_at(FakeAuthor())
    result = execute(task_params(), Host(False, lambda msg: None), ims_factory=FakeIms())
    assert "failed" not in result and result["changed"] and result["complete"]
    assert result["written"] and aem.writes == len(result["written"])
    assert_no_secret(result)


# -- secrets ---------------------------------------------------------------------------------------------------------

def test_no_result_holds_the_client_secret():
    aem = FakeAuthor()
    outputs = [run(copy.deepcopy(aem), check_mode=True)[0],
               run(copy.deepcopy(aem), state="gathered", ims=no_ims)[0],
               run(aem)[0],
               run(aem, ims=FakeIms(), client_secret_update="always")[0]]
    # the secret did reach AEM, and each run's diff shows the secret property, masked
    assert aem.customizer()[1][C_SECRET] == SECRET
    for result in outputs:
        assert_no_secret(result)
        assert C_SECRET in json.dumps(result["diff"])
