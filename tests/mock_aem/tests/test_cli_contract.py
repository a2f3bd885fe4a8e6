"""The mock as other tests use it: ``python -m tests.mock_aem`` in a subprocess, over HTTP.

Issue 3, "Where and how it starts" and "Admin API for tests (the contract other tests rely on)":
one ready line, the options, instances on consecutive ports, SIGTERM/SIGINT, the admin API under
``/__mock__/`` on every port (AEM, IMS, Brand Portal), and ``--state-file`` for all three.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time

import pytest
import requests

from tests.mock_aem.brand_portal import BP_RECEIVE_PATH
from tests.mock_aem.ims_testkit import BP_METASCOPE, jwt_claims, make_keypair, sign_jwt

AUTH = ("admin", "admin")
ORG = "C74F69D7594880280A495D09@AdobeOrg"
TECH = "6657031C5C095BB40A4955AB@techacct.adobe.com"
CID = "cli-contract-client"


def _free_consecutive_ports(n):
    """A base port with n free consecutive ports (checked by binding them; the CLI may still lose a
    race, the caller retries)."""
    for _unused in range(50):
        with socket.socket() as s0:
            s0.bind(("127.0.0.1", 0))
            base = s0.getsockname()[1]
        if base + n > 65535:
            continue
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no %d consecutive free ports" % n)


def test_one_ready_line_and_instances_on_consecutive_ports(mock_cli):
    """--port P --instances N: N independent authors on P..P+N-1 in one process; exactly one ready
    line (with the ports) before the stop line; --host is honoured."""
    for _unused in range(5):
        base = _free_consecutive_ports(3)
        try:
            cli = mock_cli("--host", "127.0.0.1", "--port", str(base), "--instances", "3")
            break
        except AssertionError as e:  # lost the race for a port
            if "cannot listen" not in str(e):
                raise
    else:
        pytest.fail("could not start on consecutive ports")
    assert cli.ready_line.startswith("mock-aem ready: aem=%d,%d,%d " % (base, base + 1, base + 2))
    assert cli.ready_line.count("\n") == 1
    urls = cli.urls()
    requests.post(urls[0] + "/content/only-0", data={"x": "1"}, auth=AUTH)
    assert requests.get(urls[0] + "/content/only-0.json", auth=AUTH).status_code == 200
    assert [requests.get(u + "/content/only-0.json", auth=AUTH).status_code for u in urls[1:]] == [404, 404]
    assert [requests.get(u + "/__mock__/stats").json()["writes"] for u in urls] == [1, 0, 0]
    rc, rest = cli.stop()
    assert rc == 0 and rest == "mock-aem stopped\n"  # nothing else on stdout: one ready line
    assert "Traceback" not in cli.stderr()


def test_options_reach_the_instances(mock_cli):
    """--admin-password, --aem-version, --enforce-csrf and --json-max-results as seen over HTTP."""
    cli = mock_cli("--port", "0", "--admin-password", "s3cret", "--aem-version", "6.3",
                   "--enforce-csrf", "--json-max-results", "5")
    u = cli.url()
    assert "version=6.3.0.0" in cli.ready_line
    assert requests.get(u + "/content.json", auth=AUTH).status_code == 401
    s = requests.Session()
    s.auth = ("admin", "s3cret")
    assert s.get(u + "/content.json").status_code == 200
    assert s.post(u + "/content/x", data={"a": "1"}).status_code == 403  # CSRF enforced for every client
    token = s.get(u + "/libs/granite/csrf/token.json").json()["token"]
    r = s.post(u + "/content/x", data={"a": "1"}, headers={"CSRF-Token": token, "Accept": "application/json"})
    assert r.status_code == 201 and r.json()["status.code"] == "201"  # 6.3: strings (§1.5)
    assert s.get(u + "/.infinity.json", allow_redirects=False).status_code == 300


def test_cli_tls(tmp_path, mock_cli):
    """--tls FILE: every port serves HTTPS with a certificate of the CA written to FILE."""
    ca = tmp_path / "ca.pem"
    cli = mock_cli("--port", "0", "--ims-port", "0", "--bp-port", "0", "--tls", str(ca))
    assert "scheme=https" in cli.ready_line and ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    for key in ("aem", "ims", "bp"):
        assert cli.url(key).startswith("https://")
        assert requests.get(cli.url(key) + "/__mock__/stats", verify=str(ca)).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(cli.url() + "/__mock__/stats", verify=True)


def test_sigterm_while_a_request_is_in_flight(mock_cli):
    """Stops cleanly (exit 0, promptly) on SIGTERM even while a slow request is being served."""
    cli = mock_cli("--port", "0")
    requests.post(cli.url() + "/__mock__/faults", json={"path": "^/content.json$", "delay": 30})
    errors = []
    t = threading.Thread(target=lambda: errors.append(_swallow(cli.url() + "/content.json")), daemon=True)
    t.start()
    time.sleep(0.3)  # let the request reach the server (not asserted: only the stop is)
    started = time.monotonic()
    rc, rest = cli.stop(timeout=20)
    assert rc == 0 and rest == "mock-aem stopped\n"
    assert time.monotonic() - started < 20
    t.join(25)


def _swallow(url):
    try:
        return requests.get(url, auth=AUTH, timeout=40).status_code
    except requests.RequestException as e:
        return type(e).__name__


# ------------------------------------------------------------------ the admin API on every port

def _integration(kp):
    return {"client_id": CID, "client_secret": "s3cr3t", "org_id": ORG, "technical_account_id": TECH,
            "certificates": [kp.cert_pem], "metascopes": [BP_METASCOPE], "scopes": ["openid", "AdobeID"]}


def test_admin_api_on_every_port(tmp_path, mock_cli):
    """/__mock__/stats, /stats/reset, /reset and /faults answer JSON on the AEM, IMS and Brand Portal
    ports alike; the IMS registers console integrations (201 then 200); the Brand Portal lists what a
    tenant received; writes count registrations and received packages, not reads; --state-file keeps
    the IMS registrations and the Brand Portal tenants across a restart."""
    state = tmp_path / "state.json"
    cli = mock_cli("--port", "0", "--ims-port", "0", "--bp-port", "0", "--state-file", str(state))
    aem, ims, bp = cli.url("aem"), cli.url("ims"), cli.url("bp")
    for base in (aem, ims, bp):
        r = requests.post(base + "/__mock__/stats/reset")
        assert r.status_code == 200 and r.json() == {"requests": 0, "writes": 0}
        assert r.headers["Content-Type"].startswith("application/json")

    # IMS: developer-console registration (the human step), JSON in and out
    kp = make_keypair()
    r = requests.post(ims + "/__mock__/ims/integrations", json=_integration(kp))
    assert r.status_code == 201 and r.json()["client_id"] == CID
    assert requests.post(ims + "/__mock__/ims/integrations", json=_integration(kp)).status_code == 200
    assert requests.get(ims + "/__mock__/stats").json() == {"requests": 0, "writes": 1}  # same again: no write
    bad = requests.post(ims + "/__mock__/ims/integrations", json={"client_id": "x"})
    assert bad.status_code == 400 and "error" in bad.json()

    # a JWT exchange over HTTP (aud and metascope built from the mock's own base URL)
    claims = jwt_claims(CID, ORG, TECH, exp=int(time.time()) + 300, base=ims)
    r = requests.post(ims + "/ims/exchange/jwt", data={"client_id": CID, "client_secret": "s3cr3t",
                                                       "jwt_token": sign_jwt(kp.key, claims)})
    assert r.status_code == 200 and r.json()["expires_in"] > 86_000_000  # milliseconds
    token = r.json()["access_token"]

    # Brand Portal: a tenant, a test package with the bearer token, the received list
    r = requests.post(bp + "/__mock__/tenants", json={"tenant": "acme", "org_id": ORG})
    assert r.status_code == 201
    r = requests.post(bp + "/__tenant__/acme" + BP_RECEIVE_PATH, data=b"package",
                      headers={"Authorization": "Bearer " + token, "Action": "Test", "Path": "/content/dam"})
    assert r.status_code == 200, r.text
    assert requests.post(bp + "/__tenant__/acme" + BP_RECEIVE_PATH, data=b"x",
                         headers={"Action": "Test"}).status_code == 401
    got = requests.get(bp + "/__mock__/tenants/acme/received").json()
    assert got["tenant"] == "acme" and [x["action"] for x in got["received"]] == ["Test"]
    assert base64.b64decode(got["received"][0]["body_b64"]) == b"package"
    assert requests.get(bp + "/__mock__/stats").json() == {"requests": 2, "writes": 2}  # tenant + package

    # faults on the IMS and Brand Portal ports
    requests.post(ims + "/__mock__/faults", json={"path": "^/ims/exchange", "status": 503, "count": 1})
    r = requests.post(ims + "/ims/exchange/jwt", data={"client_id": CID})
    assert r.status_code == 503
    requests.post(bp + "/__mock__/faults", json={"path": "^/__tenant__/", "drop": True, "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(bp + "/__tenant__/acme/")
    assert requests.get(bp + "/__mock__/faults").json()["faults"][0]["hits"] == 1
    for base in (aem, ims, bp):
        assert requests.delete(base + "/__mock__/faults").json() == {"faults": []}

    rc, _unused = cli.stop()
    assert rc == 0
    data = json.loads(state.read_text())
    assert set(data["apps"]) == {"aem0", "ims", "bp"}

    cli = mock_cli("--port", "0", "--ims-port", "0", "--bp-port", "0", "--state-file", str(state))
    ims, bp = cli.url("ims"), cli.url("bp")
    assert requests.get(ims + "/__mock__/ims/integrations/" + CID).status_code == 200
    assert requests.get(bp + "/__mock__/tenants/acme/received").json()["received"][0]["action"] == "Test"
    # reset: back to a fresh instance, on every port
    for base in (cli.url("aem"), ims, bp):
        r = requests.post(base + "/__mock__/reset")
        assert r.status_code == 200 and r.json() == {"reset": True}
    assert requests.get(ims + "/__mock__/ims/integrations/" + CID).status_code == 404
    assert requests.get(bp + "/__mock__/tenants/acme").status_code == 404


def test_wildcard_host_and_ims_public_url(mock_cli):
    """--host 0.0.0.0 (the container's ENTRYPOINT): the IMS accepts aud/metascopes built from its
    loopback URLs; --ims-public-url adds the URL clients use through a mapped port (adobe-ims.md §6:
    the claims must name the IMS environment being called, any other is refused)."""
    cli = mock_cli("--host", "0.0.0.0", "--port", "0", "--ims-port", "0",
                   "--ims-public-url", "http://mock-ims.example:14580/")
    port = cli.ports["ims"]
    ims = "http://127.0.0.1:%s" % port
    kp = make_keypair()
    assert requests.post(ims + "/__mock__/ims/integrations", json=_integration(kp)).status_code == 201

    def exchange(base):
        claims = jwt_claims(CID, ORG, TECH, exp=int(time.time()) + 300, base=base)
        return requests.post(ims + "/ims/exchange/jwt", data={"client_id": CID, "client_secret": "s3cr3t",
                                                              "jwt_token": sign_jwt(kp.key, claims)})

    for base in (ims, "http://localhost:%s" % port, "http://mock-ims.example:14580",
                 "https://ims-na1.adobelogin.com"):
        assert exchange(base).status_code == 200, base
    r = exchange("http://elsewhere.example:14580")
    assert r.status_code == 400 and r.json()["error"] == "invalid_client"


IMS_UPDATE = "/libs/cq/adobeims-configuration/content/imsconfigurations/update"
OAUTH_FORM = {"title": "Brand Portal IMS", "authType": "oauth", "authServerUrl": "https://ims-na1.adobelogin.com",
              "apiKey": CID, "clientSecret": "s3cret", "orgId": ORG, "scope": "openid,AdobeID"}


@pytest.mark.parametrize("hotfix", [True, False])
def test_ims_oauth_hotfix_reaches_every_instance(mock_cli, hotfix):
    """--ims-oauth-hotfix on AEM 6.5.20 (adobe-ims.md §4.6: OAuth S2S on SP11-SP20 only with the
    compatibility hotfix): every instance accepts an OAuth IMS configuration; without it none does."""
    args = ["--port", "0", "--instances", "2", "--aem-version", "6.5.20"] + (["--ims-oauth-hotfix"] if hotfix else [])
    cli = mock_cli(*args)
    assert "version=6.5.20.0" in cli.ready_line  # the hotfix does not change the product version
    for u in cli.urls():
        info = requests.get(u + "/__mock__/info").json()
        assert info["ims_oauth_hotfix"] is hotfix and info["oauth"] == ("hotfix" if hotfix else "unavailable")
        r = requests.post(u + IMS_UPDATE, data=OAUTH_FORM, auth=AUTH)
        assert r.status_code == (200 if hotfix else 400), r.text


@pytest.mark.parametrize("version", ["6.4.8", "6.3.3.8"])
def test_ims_oauth_hotfix_refused_on_63_64(capsys, version):
    """The hotfix is an AEM 6.5 package (adobe-ims.md §4.6): bad options, exit 2, nothing started."""
    from tests.mock_aem.__main__ import main

    assert main(["--port", "0", "--aem-version", version, "--ims-oauth-hotfix"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "is an AEM 6.5 package" in err and version in err
