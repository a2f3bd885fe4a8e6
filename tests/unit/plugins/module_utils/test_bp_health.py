# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live health: the rules (certificate expiry, queue problems, what counts as unhealthy) and the engine's
``health=true`` run on the faked AEM 6.5 author of test_bp_converge (reads only, Test Connection only on request)."""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_health import (
    certificate_expiry,
    certificate_problems,
    queue_problems,
    summary,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import duration, parse_queue
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.test_bp_converge import (
    assert_no_secret,
    configured_author,
    no_ims,
    run,
)

NOW = datetime(2026, 12, 6, 12, 0, 0, tzinfo=timezone.utc)
CERT = {"alias": "brandportal", "subject": "CN=AEM-Adobe-IMS", "serial_number": "7"}


def queue(**kw):
    base = {"item_count": 0, "blocked": False, "paused": False, "idle": True, "available": True,
            "next_retry_period": 0, "first_items": []}
    base.update(kw)
    return base


# -- the rules -------------------------------------------------------------------------------------------------

def test_certificate_expiry_in_ten_days_is_expiring_under_a_thirty_day_threshold():
    expiry = certificate_expiry(dict(CERT, not_after="2026-12-16T12:00:00Z"), 30, now=NOW)
    assert expiry["days_left"] == 10 and expiry["status"] == "expiring" and expiry["warn_days"] == 30
    [found] = certificate_problems(expiry)
    assert found["kind"] == "expiry" and "expires in 10 days" in found["message"]
    assert summary([found]) == {"healthy": True, "expiring": True}


def test_certificate_expiry_outside_the_threshold_is_ok_and_no_problem():
    expiry = certificate_expiry(dict(CERT, not_after="2026-12-16T12:00:00Z"), 7, now=NOW)
    assert expiry["status"] == "ok" and certificate_problems(expiry) == []


def test_an_expired_certificate_is_unhealthy_and_expiring():
    expiry = certificate_expiry(dict(CERT, not_after="2026-12-01T00:00:00Z"), 30, now=NOW)
    assert expiry["status"] == "expired" and expiry["days_left"] < 0
    found = certificate_problems(expiry)
    assert sorted(p["kind"] for p in found) == ["certificate", "expiry"]
    assert summary(found) == {"healthy": False, "expiring": True}


def test_an_unreadable_expiry_date_is_unknown_not_a_problem():
    expiry = certificate_expiry(dict(CERT, not_after="Mon Dec 06 17:53:51 CET 2027"), 30, now=NOW)
    assert expiry["status"] == "unknown" and certificate_problems(expiry) == []


def test_queue_problems_blocked_paused_unavailable_and_stuck():
    found = queue_problems({
        "a_ok": queue(),
        "b_blocked": queue(item_count=3, blocked=True, idle=False, next_retry_period=60000),
        "c_paused": queue(item_count=1, paused=True, idle=False),
        "d_unavailable": queue(available=False),
        "e_stuck": queue(item_count=2, idle=False, oldest_item_age=7200),
        "f_young": queue(item_count=2, idle=False, oldest_item_age=60),
    }, 900)
    assert [(p["kind"], p["item"]) for p in found] == [("queue", "b_blocked"), ("queue", "c_paused"),
                                                       ("queue", "d_unavailable"), ("queue", "e_stuck")]
    assert "blocked with 3 items" in found[0]["message"] and "every 1 min" in found[0]["message"]
    assert "has waited 2 h (more than 15 min)" in found[3]["message"]
    assert summary(found) == {"healthy": False, "expiring": False}


def test_oldest_item_age_uses_aems_clock():
    data = {"metaData": {"queueStatus": {"isBlocked": False, "isPaused": False, "time": 1700000600000}},
            "queue": [{"path": "/content/dam/b", "time": 1700000300000},
                      {"path": "/content/dam/a", "time": 1700000000000}]}
    assert parse_queue(data)["oldest_item_age"] == 600
    # no status time (or no items): no age, and the key is left out
    timeless = {"metaData": {"queueStatus": {"isBlocked": False}}, "queue": data["queue"]}
    assert "oldest_item_age" not in parse_queue(timeless)


def test_duration():
    expected = ["5 s", "1 min", "1 h", "1 h 1 min", "1 d 1 h", "1 d"]
    assert [duration(s) for s in (5, 61, 3600, 3660, 90000, 86400)] == expected


# -- the engine on a faked AEM 6.5 author --------------------------------------------------------------------------

def test_gathered_health_of_a_working_author_reads_only_and_is_healthy():
    aem = configured_author()
    result = run(aem, ims=no_ims, state="gathered", health=True)[0]
    assert result["in_sync"] is True and result["healthy"] is True and result["expiring"] is False
    assert result["problems"] == [] and result["aem_credential_type"] == "oauth"
    assert result["health"]["checked"] and result["health"]["ok"] and result["health"]["source"] == "aem_check_health"
    assert result["certificate_expiry"] is None
    assert sorted(result["queues"]) == ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"]
    assert aem.writes == 0 and aem.posts() == []
    # Test Connection sends test packages: not without test_connection=always
    assert not any(path.endswith(".test.html") for path, _params in aem.gets())
    assert_no_secret(result)


def test_gathered_health_reports_a_credential_ims_refuses():
    aem = configured_author()
    aem.health_answers = [{"ok": False, "message": "Error: invalid_client (Invalid client_secret)"}]
    result = run(aem, ims=no_ims, state="gathered", health=True)[0]
    assert result["healthy"] is False and aem.writes == 0
    [found] = result["problems"]
    assert found["kind"] == "token" and found["item"] == "Brand Portal" and "invalid_client" in found["message"]
    # an IMS error code is IMS's answer: no retry
    assert len([p for p, _q in aem.gets() if p.endswith("/imsconfigurations/health")]) == 1


def test_gathered_health_reports_a_blocked_queue():
    aem = configured_author()
    aem.queued["mp_replication_1"] = ["/content/dam/a.jpg"]
    result = run(aem, ims=no_ims, state="gathered", health=True)[0]
    assert result["healthy"] is False and result["in_sync"] is True
    assert [(p["kind"], p["item"]) for p in result["problems"]] == [("queue", "mp_replication_1")]


def test_gathered_health_runs_test_connection_only_when_asked_and_reports_failures():
    aem = configured_author()
    aem.test_succeeds = False
    result = run(aem, ims=no_ims, state="gathered", health=True, test_connection="always")[0]
    tests = [path for path, _params in aem.gets() if path.endswith(".test.html")]
    assert len(tests) == 4 and aem.writes == 0
    assert result["healthy"] is False and result["test_connection"]["ran"] is True
    assert sorted(p["item"] for p in result["problems"] if p["kind"] == "test_connection") == [
        "mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"]
    # the audit reports it; the task itself does not fail
    assert "failed" not in result


def test_gathered_test_connection_needs_health_and_never_runs_in_check_mode():
    aem = configured_author()
    run(aem, ims=no_ims, state="gathered", test_connection="always")
    run(aem, check_mode=True, ims=no_ims, state="gathered", health=True, test_connection="always")
    assert not any(path.endswith(".test.html") for path, _params in aem.gets())
    assert aem.writes == 0
