#!/usr/bin/env bash
# playbooks/capture.yml round trip against mock authors configured as a user would, with playbooks/configure.yml:
#   author65     AEM 6.5.21, OAuth Server-to-Server (IMS configuration model); its publish agent holds an
#                AEM-encrypted transportPassword
#   author6515   AEM 6.5.15 with the OAuth hotfix, Service Account (JWT) with a brought key pair (IMS model)
#   author63     AEM 6.3.3.8, Service Account (JWT) with a brought key pair (cloud service model)
#   legacy63     AEM 6.3.3.8 with a pre-2020 (OAuth Gateway) installation, not configured
# 1  capture.yml --check, then capture.yml (with Check Health) twice: 0 writes on every author each time (the mocks'
#    write counters), one capture file per author, the same content with and without --check, no file changed by the
#    re-run
# 2  redaction: no admin password, client secret, private key (PEM header or body), IMS token or AEM-encrypted value
#    in the capture files or in the -vvv logs
# 3  aem_bp_capture_compare on each file (as a user with an installed collection runs it): no fact contradicted, and
#    every fact a capture of that model can cover is confirmed (the list below; a fact dropping to not_covered fails)
# 4  a planted contradiction (agent names, a token request URL) in a copy of a capture: reported as contradicted,
#    and fail_on_contradiction / capture_fail_on_contradiction fail
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"

export CAP_ADMIN_PASSWORD="cap-admin-$RANDOM$RANDOM$RANDOM"
export CAP_OAUTH_SECRET="cap-oauth-secret-$RANDOM$RANDOM$RANDOM"
export CAP_JWT_SECRET="cap-jwt-secret-$RANDOM$RANDOM$RANDOM"
export CAP_TRANSPORT_PASSWORD="cap-transport-$RANDOM$RANDOM$RANDOM"
make_keypairs jwt63 jwt65

register() {  # register IMS_PORT BP_PORT CLIENT_ID SECRET_VAR [CERTIFICATE_FILE]
    "$MOCK_PYTHON" - "$@" <<'PY'
import json, os, sys, urllib.request
ims_port, bp_port, client_id, secret_var = sys.argv[1:5]
def post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST")
    assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
post("http://127.0.0.1:%s/__mock__/tenants" % bp_port, {"tenant": "acme", "org_id": "1234567890ABCDEF12345678@AdobeOrg"})
integration = {"client_id": client_id, "client_secret": os.environ[secret_var],
               "org_id": "1234567890ABCDEF12345678@AdobeOrg",
               "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
               "scopes": ["openid", "AdobeID", "read_organizations"], "metascopes": ["ent_brand_portal_sdk"]}
if len(sys.argv) > 5:
    integration["certificates"] = [open(sys.argv[5]).read()]
post("http://127.0.0.1:%s/__mock__/ims/integrations" % ims_port, integration)
PY
}

start_mock --aem-version 6.5.21 --ims-port 0 --bp-port 0 --admin-password "$CAP_ADMIN_PASSWORD"
aem65="$MOCK_AEM_PORT" ims65="$MOCK_IMS_PORT"
register "$MOCK_IMS_PORT" "$MOCK_BP_PORT" cap-oauth-client CAP_OAUTH_SECRET
start_mock --aem-version 6.5.15 --ims-oauth-hotfix --ims-port 0 --bp-port 0 --admin-password "$CAP_ADMIN_PASSWORD"
aem6515="$MOCK_AEM_PORT" ims6515="$MOCK_IMS_PORT"
register "$MOCK_IMS_PORT" "$MOCK_BP_PORT" cap-jwt-client CAP_JWT_SECRET "$MOCK_WORK/jwt65.crt"
start_mock --aem-version 6.3.3.8 --instances 2 --ims-port 0 --bp-port 0 --admin-password "$CAP_ADMIN_PASSWORD"
IFS=, read -r -a ports63 <<<"$MOCK_AEM_PORTS"
aem63="${ports63[0]}" legacy63="${ports63[1]}" ims63="$MOCK_IMS_PORT"
register "$MOCK_IMS_PORT" "$MOCK_BP_PORT" cap-jwt-client CAP_JWT_SECRET "$MOCK_WORK/jwt63.crt"

# author65's publish agent gets a transport password encrypted by AEM (as AEM stores it); legacy63 a legacy
# installation
"$MOCK_PYTHON" - "$aem65" "$legacy63" "$MOCK_WORK" <<'PY'
import base64, json, os, sys, urllib.parse, urllib.request
aem65, legacy63, work = sys.argv[1:4]
auth = {"Authorization": "Basic " + base64.b64encode(("admin:" + os.environ["CAP_ADMIN_PASSWORD"]).encode()).decode()}
def post(port, path, fields):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), urllib.parse.urlencode(fields).encode(),
                                 dict(auth, **{"Content-Type": "application/x-www-form-urlencoded"}), method="POST")
    return urllib.request.urlopen(req, timeout=10)
protected = json.load(post(aem65, "/system/console/crypto/.json", {"datum": os.environ["CAP_TRANSPORT_PASSWORD"]}))
post(aem65, "/etc/replication/agents.author/publish/jcr:content", {"transportPassword": protected["protected"]})
open(os.path.join(work, "encrypted.txt"), "w").write(protected["protected"])
req = urllib.request.Request("http://127.0.0.1:%s/__mock__/brand-portal/legacy" % legacy63,
                             json.dumps({"tenant": "oldco", "client_id": "cap-legacy-gateway-client"}).encode(),
                             {"Content-Type": "application/json"}, method="POST")
assert urllib.request.urlopen(req, timeout=10).status == 201
PY
CAP_ENCRYPTED="$(cat "$MOCK_WORK/encrypted.txt")"
export CAP_ENCRYPTED

cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    author65:
      aem_url: "http://127.0.0.1:$aem65"
      ims_url: "http://127.0.0.1:$ims65"
      bp_client_id: cap-oauth-client
      bp_client_secret: "{{ lookup('ansible.builtin.env', 'CAP_OAUTH_SECRET') }}"
      bp_scopes: [openid, AdobeID, read_organizations]
    author6515:
      aem_url: "http://127.0.0.1:$aem6515"
      ims_url: "http://127.0.0.1:$ims6515"
      bp_credential_type: jwt
      bp_client_id: cap-jwt-client
      bp_client_secret: "{{ lookup('ansible.builtin.env', 'CAP_JWT_SECRET') }}"
      bp_technical_account_id: ABCDEF1234567890@techacct.adobe.com
      bp_private_key: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/jwt65.key') }}"
      bp_certificate: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/jwt65.crt') }}"
    author63:
      aem_url: "http://127.0.0.1:$aem63"
      ims_url: "http://127.0.0.1:$ims63"
      bp_credential_type: jwt
      bp_client_id: cap-jwt-client
      bp_client_secret: "{{ lookup('ansible.builtin.env', 'CAP_JWT_SECRET') }}"
      bp_technical_account_id: ABCDEF1234567890@techacct.adobe.com
      bp_private_key: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/jwt63.key') }}"
      bp_certificate: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/jwt63.crt') }}"
legacy:
  hosts:
    legacy63: {aem_url: "http://127.0.0.1:$legacy63"}
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: admin
    aem_password: "{{ lookup('ansible.builtin.env', 'CAP_ADMIN_PASSWORD') }}"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_org_id: 1234567890ABCDEF12345678@AdobeOrg
    bp_certificate_dir: "$MOCK_WORK/certificates"
YAML
inventory=(-i "$MOCK_WORK/hosts.yml")

stats() {  # stats PORT...: the write counters, one line
    "$MOCK_PYTHON" - "$@" <<'PY'
import json, sys, urllib.request
print(" ".join(str(json.load(urllib.request.urlopen("http://127.0.0.1:%s/__mock__/stats" % p, timeout=10))["writes"])
               for p in sys.argv[1:]))
PY
}
reset_stats() {
    local port
    for port in "$@"; do
        "$MOCK_PYTHON" -c "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:$port/__mock__/stats/reset', b'', method='POST'), timeout=10)"
    done
}

# --- configure as a user would ---------------------------------------------------------------------------------
run_vvv "$playbooks/configure.yml" "${inventory[@]}"

# --- 1: capture with --check, then without (and with Check Health): 0 writes on the authors each time ----------
authors=("$aem65" "$aem6515" "$aem63" "$legacy63")
reset_stats "${authors[@]}"
run_vvv "$playbooks/capture.yml" "${inventory[@]}" --check -e "capture_dir=$MOCK_WORK/check" -e capture_hosts=aem_authors:legacy
[ "$(stats "${authors[@]}")" = "0 0 0 0" ] || { echo "capture --check wrote to an author: $(stats "${authors[@]}")"; exit 1; }
cp "$MOCK_WORK/capture.yml.log" "$MOCK_WORK/capture_check.yml.log"
run_vvv "$playbooks/capture.yml" "${inventory[@]}" -e "capture_dir=$MOCK_WORK/capture" -e capture_check_health=true \
    -e capture_hosts=aem_authors:legacy \
    -e capture_fail_on_contradiction=true
[ "$(stats "${authors[@]}")" = "0 0 0 0" ] || { echo "capture wrote to an author: $(stats "${authors[@]}")"; exit 1; }
# a re-run on unchanged authors rewrites no file
cp "$MOCK_WORK/capture.yml.log" "$MOCK_WORK/capture_first.yml.log"
run_vvv "$playbooks/capture.yml" "${inventory[@]}" -e "capture_dir=$MOCK_WORK/capture" -e capture_check_health=true \
    -e capture_hosts=aem_authors:legacy
[ "$(grep -cE '^(author|legacy)[0-9]+ +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 ' "$MOCK_WORK/capture.yml.log")" = 4 ] \
    || { echo "a re-run of the capture changed a file"; grep -A6 "PLAY RECAP" "$MOCK_WORK/capture.yml.log"; exit 1; }
[ "$(stats "${authors[@]}")" = "0 0 0 0" ] || { echo "capture wrote to an author: $(stats "${authors[@]}")"; exit 1; }
echo "0 writes on every author, with and without --check; a re-run changes no capture file"
for host in author65 author6515 author63 legacy63; do
    if [ ! -s "$MOCK_WORK/check/$host.json" ] || [ ! -s "$MOCK_WORK/capture/$host.json" ]; then
        echo "no capture of $host"
        exit 1
    fi
done
# the Check Health answers differ between the two runs; the rest is the same author read twice
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import json, sys
work = sys.argv[1]
for host in ("author65", "author6515", "author63", "legacy63"):
    a, b = (json.load(open("%s/%s/%s.json" % (work, d, host))) for d in ("check", "capture"))
    a["servlets"].pop("ims_health"); health = b["servlets"].pop("ims_health")
    assert a == b, "%s: the --check capture differs" % host
    if host in ("author65", "author6515"):
        assert health and all(h["status"] == 200 and h["ok"] is True for h in health), health
print("captures written in check mode equal the others")
PY

# --- 2: redaction ------------------------------------------------------------------------------------------------
leaks=0
for file in "$MOCK_WORK"/check/*.json "$MOCK_WORK"/capture/*.json; do
    for name in CAP_ADMIN_PASSWORD CAP_OAUTH_SECRET CAP_JWT_SECRET CAP_TRANSPORT_PASSWORD CAP_ENCRYPTED; do
        if grep -qF -- "${!name}" "$file"; then echo "LEAK: $name in $file"; leaks=1; fi
    done
    for key in "$MOCK_WORK"/*.key; do
        if grep -qF -- "$(sed -n 2p "$key")" "$file"; then echo "LEAK: $(basename "$key") in $file"; leaks=1; fi
    done
    if grep -q "PRIVATE KEY" "$file"; then echo "LEAK: a PEM private key header in $file"; leaks=1; fi
    if grep -qE '\{[0-9a-fA-F]{32,}\}' "$file"; then echo "LEAK: an AEM-encrypted value in $file"; leaks=1; fi
    if grep -qE 'eyJ[A-Za-z0-9_-]{8,}\.' "$file"; then echo "LEAK: a token in $file"; leaks=1; fi
done
# every token the mock IMS issued (Check Health, Test Connection during configure)
"$MOCK_PYTHON" - "$MOCK_WORK" "$ims65" "$ims6515" "$ims63" <<'PY' || leaks=1
import glob, json, sys, urllib.request
work = sys.argv[1]
tokens = []
for port in sys.argv[2:]:
    tokens += json.load(urllib.request.urlopen("http://127.0.0.1:%s/__mock__/ims/tokens" % port, timeout=10))["tokens"]
assert tokens, "the mock IMS issued no token: the Check Health of the capture did not run"
ids = [t["id"] for t in tokens if len(t["id"]) >= 8]
for name in glob.glob(work + "/check/*.json") + glob.glob(work + "/capture/*.json"):
    text = open(name).read()
    found = [i for i in ids if i in text]
    assert not found, "LEAK: IMS token ids in %s" % name
    # every configured author holds a client secret (and author65 a transport password): shown as <redacted>
    assert "legacy63" in name or "<redacted>" in text, "%s redacted nothing" % name
print("%d IMS tokens, none in the captures" % len(ids))
PY
[ "$leaks" -eq 0 ] || exit 1
grep -q '"transportPassword": "<redacted>"' "$MOCK_WORK/capture/author65.json" \
    || { echo "the encrypted transportPassword is not in the capture as <redacted>"; exit 1; }
assert_no_leaks CAP_ADMIN_PASSWORD CAP_OAUTH_SECRET CAP_JWT_SECRET CAP_TRANSPORT_PASSWORD CAP_ENCRYPTED
echo "redacted: no admin password, client secret, transport password, private key, token or encrypted value in the captures"

# --- 3 and 4: compare, as a user with the installed collection runs it -------------------------------------------
compare() {  # compare NAME SRC [MORE ARGS]: the ad-hoc command of the playbook's header; its result in NAME.json
    local log="$MOCK_WORK/$1" src="$2" rc
    shift 2
    set +e
    ANSIBLE_NOCOLOR=1 ansible localhost -c local -e "ansible_python_interpreter=$MOCK_PYTHON" \
        -m aemtools.brand_portal.aem_bp_capture_compare -a "src=$src $*" >"$log.out" 2>"$log.err"
    rc=$?
    set -e
    # "localhost | SUCCESS => {...}" (or FAILED!): the module's result
    "$MOCK_PYTHON" -c 'import sys; t = open(sys.argv[1]).read(); open(sys.argv[2], "w").write(t[t.index("=>") + 2:])' \
        "$log.out" "$log.json"
    echo "$rc"
}
[ "$(compare compare65 "$MOCK_WORK/capture/author65.json")" = 0 ] || { cat "$MOCK_WORK/compare65.err"; exit 1; }
[ "$(compare compare63 "$MOCK_WORK/capture/author63.json")" = 0 ] || { cat "$MOCK_WORK/compare63.err"; exit 1; }
[ "$(compare compare6515 "$MOCK_WORK/capture/author6515.json")" = 0 ] || { cat "$MOCK_WORK/compare6515.err"; exit 1; }
[ "$(compare comparelegacy "$MOCK_WORK/capture/legacy63.json")" = 0 ] || { cat "$MOCK_WORK/comparelegacy.err"; exit 1; }
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import json, sys
work = sys.argv[1]
# what a capture of each model covers; every one of them must be confirmed, every other fact not covered
COVERED = {
    "65": {"agents_root", "agent_name_prefix", "agent_names", "agent_transport_rule", "close_connection_property",
           "mac_users_root", "mac_user_id", "ims_cloudservice_root", "cloudservice_resource_type", "ims_servlet_base",
           "ims_keystore_user", "ims_provider_factory", "ims_customizer_factory", "ims_health_servlet",
           "ims_provider_name", "ims_customizer_type", "ims_oauth_token_request"},
    "63": {"agents_root", "agent_name_prefix", "agent_names", "agent_transport_rule", "close_connection_property",
           "mac_users_root", "mac_user_id", "mac_key_alias", "legacy_cloudservice_root", "cloudservice_resource_type",
           "classic_credential_properties", "certificate_download_classic", "certificate_file_name", "keystore_file",
           "ims_keystore_user"},
    "6515": {"agents_root", "agent_name_prefix", "agent_names", "agent_transport_rule", "close_connection_property",
             "mac_users_root", "mac_user_id", "ims_cloudservice_root", "cloudservice_resource_type",
             "ims_servlet_base", "ims_keystore_user", "ims_provider_factory", "ims_customizer_factory",
             "ims_health_servlet", "ims_provider_name", "ims_customizer_type", "ims_jwt_token_request",
             "ims_certificate_servlet", "certificate_file_name", "keystore_file", "oauth_hotfix_package"},
    # not configured: the legacy installation's own agents (no Close Connection), MAC user and key
    "legacy": {"agents_root", "agent_name_prefix", "agent_names", "agent_transport_rule", "mac_users_root",
               "mac_user_id", "mac_key_alias", "legacy_cloudservice_root", "legacy_client_id_property",
               "cloudservice_resource_type", "certificate_download_classic", "certificate_file_name",
               "keystore_file", "ims_keystore_user"},
}
everywhere = set()
for model, covered in sorted(COVERED.items()):
    result = json.load(open("%s/compare%s.json" % (work, model)))
    verdicts = dict((f["fact"], f["verdict"]) for f in result["facts"])
    confirmed = set(f for f, v in verdicts.items() if v == "confirmed")
    assert not [f for f, v in verdicts.items() if v == "contradicted"], (model, result["report"])
    assert confirmed == covered, (model, "confirmed but not expected: %s" % sorted(confirmed - covered),
                                  "expected but %s" % dict((f, verdicts.get(f)) for f in covered - confirmed))
    everywhere |= confirmed
    print("%s capture: %s" % (model, result["msg"]))
print("confirmed by one capture or another: %d facts; never covered: %s" % (len(everywhere), ", ".join(
    sorted(f["fact"] for f in result["facts"] if f["fact"] not in everywhere))))
PY

# 4: plant contradictions in a copy of the 6.5 capture
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import json, sys
work = sys.argv[1]
capture = json.load(open(work + "/capture/author65.json"))
agents = capture["agents"]["items"]
agents["mp_replication_a"] = agents.pop("mp_replication_1")
for provider in capture["ims_configurations"]["providers"]:
    provider["properties"]["auth.access.token.request"] = "https://ims-na1.adobelogin.com/ims/token/v4"
json.dump(capture, open(work + "/planted.json", "w"))
PY
[ "$(compare planted_result "$MOCK_WORK/planted.json")" = 0 ] || { cat "$MOCK_WORK/planted_result.err"; exit 1; }
[ "$(compare planted_fail "$MOCK_WORK/planted.json" fail_on_contradiction=true)" != 0 ] \
    || { echo "fail_on_contradiction=true did not fail on a contradicted fact"; exit 1; }
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import json, sys
work = sys.argv[1]
result = json.load(open(work + "/planted_result.json"))
facts = dict((f["fact"], f) for f in result["facts"])
assert result["summary"]["contradicted_facts"] == ["agent_names", "ims_oauth_token_request"], result["summary"]
names = facts["agent_names"]
assert names["verdict"] == "contradicted" and "mp_replication_a" in names["captured"], names
assert names["expected"] == ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"], names
url = facts["ims_oauth_token_request"]
assert list(url["captured"].values()) == ["https://ims-na1.adobelogin.com/ims/token/v4"], url
assert "agent_names" in result["summary"]["inferred"]["contradicted"], result["summary"]
assert result["report"][0].startswith("CONTRADICTED"), result["report"]
print("planted: %s" % result["msg"])
PY
echo "fail_on_contradiction=true fails on the planted contradictions"
