# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for ``requests.Session``: unit tests fake the transport, not the client."""

from __future__ import annotations

import json


class FakeResponse(object):
    def __init__(self, status, body=b"", headers=None):
        self.status_code = status
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            headers = dict(headers or {}, **{"Content-Type": "application/json;charset=utf-8"})
        elif isinstance(body, str):
            body = body.encode("utf-8")
        self.content = body
        self.headers = headers or {}


class FakeSession(object):
    """Answers each request with the next scripted item: a FakeResponse or an exception instance."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []
        self.headers = {}
        self.auth = None
        self.verify = None

    def request(self, method, url, **kwargs):
        call = dict(kwargs, method=method, url=url)
        call["headers"] = dict(self.headers, **(kwargs.get("headers") or {}))
        self.calls.append(call)
        if not self.script:
            raise AssertionError("unexpected request %s %s" % (method, url))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def make_client(script, **kwargs):
    from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import AemClient

    warnings, sleeps = [], []
    session = FakeSession(script)
    defaults = dict(retries=3, warn=warnings.append, sleep=sleeps.append, session=session)
    defaults.update(kwargs)
    client = AemClient("http://aem.example:4502/", "deployer", "s3cr3t-Passw0rd", **defaults)
    return client, session, warnings, sleeps
