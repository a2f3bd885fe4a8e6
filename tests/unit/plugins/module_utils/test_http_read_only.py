# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HttpClient.read_only (check mode): a request that could write is refused before it is sent, so that "check mode
writes nothing" does not depend on every module remembering to stop; reads and POSTs that store nothing go out."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemError
from ansible_collections.aemtools.brand_portal.tests.unit.plugins.module_utils.fake_session import (
    FakeResponse,
    make_client,
)


@pytest.mark.parametrize("write", [
    lambda client: client.post("/content/b", "write b"),
    lambda client: client.request("DELETE", "/content/b", "delete b", expected=(200, 204)),
    lambda client: client.request("put", "/content/b", "put b", expected=(200, 201)),
])
def test_a_read_only_client_sends_no_write(write):
    client, session = make_client([FakeResponse(200, {})])[:2]
    client.read_only = True
    with pytest.raises(AemError) as info:
        write(client)
    assert "in check mode" in str(info.value) and "/content/b" in str(info.value)
    assert session.calls == [] and client.request_count == 0 and client.writes == []


def test_a_read_only_client_still_reads_and_encrypts():
    client, session = make_client([FakeResponse(200, {"v": 1}), FakeResponse(200, {"protected": "{00}"})])[:2]
    client.read_only = True
    assert client.get_json("/content/a.json", "read a") == {"v": 1}
    client.post("/system/console/crypto/.json", "encrypt", expected=(200,), write=False)
    assert [call["method"] for call in session.calls] == ["GET", "POST"]


def test_the_same_client_writes_when_not_read_only():
    client, session = make_client([FakeResponse(200, {})])[:2]
    client.post("/content/b", "write b")
    assert [call["method"] for call in session.calls] == ["POST"] and client.writes == ["POST /content/b"]
