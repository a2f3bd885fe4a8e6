# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HttpClient.cache_reads(): one task that reads, plans and writes asks the server once per resource until it
writes; whatever it reads after a write is fresh; a server error is never remembered; request_count counts what
was really sent."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemServerError
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)


def cached_client(script, **kwargs):
    client, session, warnings, sleeps = make_client(script, **kwargs)
    client.cache_reads(True)
    return client, session, warnings, sleeps


def sent(session):
    return [(call["method"], call["url"].split("4502", 1)[1]) for call in session.calls]


def test_a_repeated_get_is_answered_from_memory():
    client, session = cached_client([FakeResponse(200, {"v": 1})])[:2]
    first = client.get_json("/content/a.json", "read a")
    second = client.get_json("/content/a.json", "read a again")
    assert first == second == {"v": 1}
    assert sent(session) == [("GET", "/content/a.json")]
    assert client.request_count == 1


def test_other_paths_params_and_headers_are_other_resources():
    client, session = cached_client([FakeResponse(200, {"v": n}) for n in range(4)])[:2]
    client.get("/content/a.json", "a")
    client.get("/content/b.json", "b")
    client.get("/content/a.json", "a", params={"alias": "x"})
    client.get("/content/a.json", "a", headers={"Accept": "text/html"})
    client.get("/content/a.json", "a", params={"alias": "x"})
    assert len(session.calls) == 4 and client.request_count == 4


def test_a_missing_resource_is_remembered_too():
    client, session = cached_client([FakeResponse(404, "")])[:2]
    assert client.get("/content/none.json", "x", expected=(200, 404)).status == 404
    assert client.get("/content/none.json", "x", expected=(200, 404)).status == 404
    assert len(session.calls) == 1


@pytest.mark.parametrize("write", [
    lambda client: client.post("/content/b", "write b"),
    # a POST that stores nothing (AEM's encryption service) still empties the cache: it is not a read
    lambda client: client.post("/system/console/crypto/.json", "encrypt", expected=(200,), write=False),
    lambda client: client.request("DELETE", "/content/b", "delete b", expected=(200, 201)),
])
def test_any_other_method_empties_the_cache(write):
    client, session = cached_client([FakeResponse(200, {"v": 1}), FakeResponse(200, {}),
                                     FakeResponse(200, {"v": 2}), FakeResponse(200, {"c": 1})])[:2]
    assert client.get_json("/content/a.json", "read") == {"v": 1}
    write(client)
    assert client.get_json("/content/a.json", "read back") == {"v": 2}
    assert client.get_json("/content/a.json", "read back again") == {"v": 2}
    assert client.get_json("/content/c.json", "other") == {"c": 1}
    methods = [m for m, _p in sent(session)]
    assert methods[1] != "GET" and methods[0] == methods[2] == methods[3] == "GET"
    assert client.request_count == 4


def test_a_refused_write_empties_the_cache_as_well():
    """The server may have applied a write it then answered with an error: read again afterwards."""
    client, session = cached_client([FakeResponse(200, {"v": 1}), FakeResponse(500, "boom"),
                                     FakeResponse(200, {"v": 2})], retries=0)[:2]
    client.get_json("/content/a.json", "read")
    with pytest.raises(AemServerError):
        client.post("/content/a", "write a")
    assert client.get_json("/content/a.json", "read back") == {"v": 2}
    assert len(session.calls) == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_not_cached(status):
    client, session = cached_client([FakeResponse(status, "<html>busy</html>"), FakeResponse(200, {"v": 1})],
                                    retries=0)[:2]
    with pytest.raises(AemServerError):
        client.get("/content/a.json", "read")
    assert client.get_json("/content/a.json", "read again") == {"v": 1}
    assert len(session.calls) == 2 and client.request_count == 2


def test_request_count_counts_retries_sent_but_not_answers_from_memory():
    client, session, warnings, sleeps = cached_client([FakeResponse(503, "starting"), FakeResponse(200, {"v": 1})],
                                                      retries=2)
    assert client.get_json("/content/a.json", "read") == {"v": 1}
    assert client.request_count == 2 and len(warnings) == 1 and len(sleeps) == 1
    for _n in range(3):
        client.get_json("/content/a.json", "read")
    assert client.request_count == 2 == len(session.calls)


def test_without_cache_reads_every_get_is_sent():
    client, session = make_client([FakeResponse(200, {"v": 1}), FakeResponse(200, {"v": 2})])[:2]
    assert client.get_json("/content/a.json", "read") == {"v": 1}
    assert client.get_json("/content/a.json", "read") == {"v": 2}
    assert client.request_count == 2


def test_cache_reads_false_turns_it_off_and_forgets():
    client, session = cached_client([FakeResponse(200, {"v": 1}), FakeResponse(200, {"v": 2}),
                                     FakeResponse(200, {"v": 3})])[:2]
    client.get_json("/content/a.json", "read")
    client.cache_reads(False)
    assert client.get_json("/content/a.json", "read") == {"v": 2}
    assert client.get_json("/content/a.json", "read") == {"v": 3}
    assert len(session.calls) == 3


def test_reads_are_not_recorded_as_writes():
    client = cached_client([FakeResponse(200, {}), FakeResponse(201, {})])[0]
    client.get("/content/a.json", "read")
    client.get("/content/a.json", "read")
    client.post("/content/a", "write")
    assert client.writes == ["POST /content/a"]


def test_a_fresh_get_is_always_sent_and_leaves_the_cache_as_it_was():
    """A GET that makes the server act (Check Health, Test Connection) is asked again each time; the cache keeps
    answering the ordinary reads and stays on."""
    client, session = cached_client([FakeResponse(200, {"v": 1}), FakeResponse(200, {"ok": False}),
                                     FakeResponse(200, {"ok": True})])[:2]
    assert client.get_json("/content/a.json", "read") == {"v": 1}
    assert client.get_json("/health", "check", fresh=True) == {"ok": False}
    assert client.get_json("/health", "check again", fresh=True) == {"ok": True}
    assert client.get_json("/content/a.json", "read again") == {"v": 1}
    assert sent(session) == [("GET", "/content/a.json"), ("GET", "/health"), ("GET", "/health")]
