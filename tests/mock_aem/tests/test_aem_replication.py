"""Replication agents of the mock author, from aem-http-api.md §5."""

from __future__ import annotations

import re

AGENT = "/etc/replication/agents.author/publish"


def make_agent(aem, name, **props):
    data = {"jcr:primaryType": "cq:Page", "jcr:content/jcr:title": name,
            "jcr:content/sling:resourceType": "cq/replication/components/agent",
            "jcr:content/cq:template": "/libs/cq/replication/templates/agent"}
    data.update({"jcr:content/" + k: v for k, v in props.items()})
    r = aem.post("/etc/replication/agents.author/" + name, data=data)
    assert r.status_code in (200, 201), r.text
    return "/etc/replication/agents.author/" + name


def loopback_agent(aem, name="loopback"):
    """An agent that replicates to this very instance's receiver (§5.1 transportUri form)."""
    return make_agent(aem, name, enabled="true", transportUser="admin", transportPassword="admin",
                      transportUri=aem.url + "/bin/receive?sling:authRequestLogin=1")


def test_test_connection_success(aem):
    """§5.3: <agent>.test.html answers 200, log lines dd.MM.yyyy HH:mm:ss - ..., last line
    'Replication test succeeded' (here: an agent whose receiver answers on loopback)."""
    r = aem.get(loopback_agent(aem) + ".test.html")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    lines = [ln for ln in re.sub(r"<[^>]+>", "\n", r.text).splitlines() if ln.strip()]
    assert lines[-1] == "Replication test succeeded"
    assert re.match(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d - ", lines[1])
    assert "succeeded" in r.text


def test_test_connection_failures(aem):
    """§5.3: a failure says why and does not contain 'succeeded' (disabled, no/invalid transportUri)."""
    cases = {
        "off": ({"enabled": "false", "transportUri": "http://h:4503/bin/receive"}, "not enabled"),
        "nouri": ({"enabled": "true"}, "No transport URI"),
        "baduri": ({"enabled": "true", "transportUri": "ftp//nowhere"}, "Invalid transport URI"),
    }
    for name, (props, reason) in cases.items():
        path = make_agent(aem, name, **props)
        r = aem.get(path + ".test.html")
        assert r.status_code == 200
        assert "succeeded" not in r.text and reason in r.text and "Replication test failed" in r.text


def test_agent_tester_extension_point(aem):
    """Extension point: pluggable testers are consulted first; None falls through."""
    path = make_agent(aem, "mp_replication", enabled="true", transportUri="https://t.brand-portal.adobe.com/x")
    calls = []

    def tester(app, agent_path, props):
        calls.append(agent_path)
        if not agent_path.endswith("/mp_replication"):
            return None
        return False, ["sent. Response: 401 Unauthorized"]

    other = loopback_agent(aem)
    aem.app.add_agent_tester(tester)
    r = aem.get(path + ".test.html")
    assert "401 Unauthorized" in r.text and "succeeded" not in r.text
    assert "Replication test succeeded" in aem.get(other + ".test.html").text
    assert calls == [path, other]


def test_agent_log(aem):
    """§5.3 (AEM-TC findInLog): <agent>.log.html holds lines starting dd.MM.yyyy HH:mm:ss."""
    aem.get(AGENT + ".test.html")
    r = aem.get(AGENT + ".log.html")
    assert r.status_code == 200 and re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d - ", r.text)


def test_queue_json_shape(aem):
    """§5.4: jcr:content.queue.json (and _jcr_content, extra selectors) in the queue shape."""
    for url in (AGENT + "/jcr:content.queue.json?agent=publish", AGENT + "/_jcr_content.queue.infinity.json"):
        j = aem.get(url).json()
        qs = j["metaData"]["queueStatus"]
        assert j["metaData"]["root"] == "queue" and qs["agentId"] == "publish"
        assert qs["isBlocked"] is False and qs["isPaused"] is False and isinstance(qs["time"], int)
        assert j["metaData"]["fields"] == ["id", "path", "time", "userid", "type", "lastProcessed", "numProcessed"]
        assert j["queue"] == []


def test_queue_admin_and_commands(aem):
    """§5.4: pending items appear in queue[]; cmd=pause/resume/clear change the queue (and count as writes)."""
    r = aem.admin("POST", "/queues/publish", json={"add": 3})
    assert r.status_code == 200 and len(r.json()["queue"]) == 3
    item = aem.get(AGENT + "/jcr:content.queue.json").json()["queue"][0]
    assert set(item) == {"id", "path", "time", "userid", "type", "lastProcessed", "numProcessed"}
    w = aem.stats()["writes"]
    assert aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "pause", "name": "publish"}).status_code == 200
    assert aem.get(AGENT + "/jcr:content.queue.json").json()["metaData"]["queueStatus"]["isPaused"] is True
    aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "resume", "name": "publish"})
    assert aem.get(AGENT + "/jcr:content.queue.json").json()["metaData"]["queueStatus"]["isPaused"] is False
    aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "clear", "agent": "publish"})
    assert aem.get(AGENT + "/jcr:content.queue.json").json()["queue"] == []
    assert aem.stats()["writes"] == w + 3
    assert aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "bogus"}).status_code == 400


def test_queue_blocked_and_retry(aem):
    """§5.4: isBlocked = nextRetryTime > 0 (nextRetryPeriod > 0); cmd=retry unblocks (INFERRED)."""
    aem.admin("POST", "/queues/publish", json={"add": 1, "blocked": True})
    qs = aem.get(AGENT + "/jcr:content.queue.json").json()["metaData"]["queueStatus"]
    assert qs["isBlocked"] is True and qs["nextRetryPeriod"] > 0
    aem.post(AGENT + "/jcr:content.queue.json", data={"cmd": "retry", "name": "publish"})
    assert aem.get(AGENT + "/jcr:content.queue.json").json()["metaData"]["queueStatus"]["isBlocked"] is False


def test_queue_item_time_is_when_it_was_queued(aem):
    """§5.4: an item's ``time`` is when it entered the queue and ``queueStatus.time`` the status time, both ms of AEM's
    clock, so their difference is how long the item has waited; age_seconds back-dates items (admin API)."""
    aem.admin("POST", "/queues/publish", json={"paths": ["/content/dam/old.png"], "age_seconds": 3600})
    aem.admin("POST", "/queues/publish", json={"paths": ["/content/dam/new.png"]})
    j = aem.get(AGENT + "/jcr:content.queue.json").json()
    now, items = j["metaData"]["queueStatus"]["time"], dict((i["path"], i["time"]) for i in j["queue"])
    assert 3590 <= (now - items["/content/dam/old.png"]) / 1000.0 <= 3700
    assert 0 <= (now - items["/content/dam/new.png"]) / 1000.0 < 60


def test_queue_drains_on_command(aem):
    """Admin API: items drain on command ("drain": true) or over drain_seconds."""
    aem.admin("POST", "/queues/publish", json={"add": 2})
    r = aem.admin("POST", "/queues/publish", json={"drain": True})
    assert r.json()["queue"] == []
    # drain over time: with a long drain time nothing is gone immediately (no timing assert beyond that)
    r = aem.admin("POST", "/queues/publish", json={"add": 2, "drain_seconds": 3600})
    assert len(r.json()["queue"]) == 2
    assert aem.admin("POST", "/queues/nope", json={"add": 1}).status_code == 404
