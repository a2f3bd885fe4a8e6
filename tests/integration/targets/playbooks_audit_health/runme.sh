#!/usr/bin/env bash
# playbooks/audit.yml with live health (bp_audit_health=true) over a fleet of four AEM 6.5.15 authors (OAuth with
# Adobe's hotfix, and JWT), configured with playbooks/configure.yml, then each broken in its own way:
#   author1  works
#   author2  its OAuth client secret was changed in the Developer Console: AEM's Check Health fails (token)
#   author3  an item has waited an hour in one queue, another queue is blocked (queue)
#   author4  JWT with a brought key pair whose certificate expires in 10 days (expiry, under the 30-day default)
# Asserts: the reports (fleet.json, <host>.json, junit.xml, report.html, summary.md) name exactly these problems; each
# audit_fail_on (unhealthy, expiry) fails the run for exactly its authors and drift does not; no audit writes to any
# author (the mock's write counters); Test Connection runs only with bp_audit_test_connection (Brand Portal receives
# test packages then, and the broken credential fails it); no secret in a -vvv run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"

ORG="1234567890ABCDEF12345678@AdobeOrg"
export GOOD_SECRET="good-secret-$RANDOM$RANDOM" BAD_SECRET="old-secret-$RANDOM$RANDOM"
export JWT_SECRET="jwt-secret-$RANDOM$RANDOM" ROTATED_SECRET="new-secret-$RANDOM$RANDOM"
start_mock --aem-version 6.5.15 --ims-oauth-hotfix --instances 4 --ims-port 0 --bp-port 0
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"
ims="http://127.0.0.1:$MOCK_IMS_PORT"
bp="http://127.0.0.1:$MOCK_BP_PORT"

# a key pair whose certificate expires in 10 days
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import os, sys
from datetime import datetime, timedelta, timezone
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AEM-Adobe-IMS-short")])
now = datetime.now(timezone.utc)
cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=355))
        .not_valid_after(now + timedelta(days=10, hours=1)).sign(key, hashes.SHA256()))
with open(os.path.join(sys.argv[1], "short.key"), "w") as out:
    out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode())
with open(os.path.join(sys.argv[1], "short.crt"), "w") as out:
    out.write(cert.public_bytes(serialization.Encoding.PEM).decode())
PY

admin() {  # admin METHOD URL [JSON]: the mock's admin API; prints the answer
    "$MOCK_PYTHON" - "$@" <<'PY'
import json, sys, urllib.request
method, url = sys.argv[1:3]
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method=method)
with urllib.request.urlopen(req, timeout=10) as answer:
    print(answer.read().decode())
PY
}
integration() {  # integration CLIENT_ID SECRET [CERT]: register (or update) a credential at the mock IMS
    "$MOCK_PYTHON" - "$ims" "$ORG" "$@" <<'PY'
import json, sys, urllib.request
ims, org, client, secret = sys.argv[1:5]
body = {"client_id": client, "client_secret": secret, "org_id": org,
        "technical_account_id": "ABCDEF1234567890@techacct.adobe.com", "scopes": ["openid", "AdobeID"],
        "metascopes": ["ent_brand_portal_sdk"]}
if len(sys.argv) > 5:
    body["certificates"] = [open(sys.argv[5]).read()]
req = urllib.request.Request(ims + "/__mock__/ims/integrations", json.dumps(body).encode(),
                             {"Content-Type": "application/json"}, method="POST")
assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
PY
}
writes() {  # the sum of every author's write counter
    local total=0 port n
    for port in "${ports[@]}"; do
        n="$(admin GET "http://127.0.0.1:$port/__mock__/stats" | "$MOCK_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["writes"])')"
        total=$((total + n))
    done
    echo "$total"
}
received() {  # how many packages (test packages included) the Brand Portal tenant received
    admin GET "$bp/__mock__/tenants/acme/received" | "$MOCK_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)["received"]))'
}

admin POST "$bp/__mock__/tenants" "{\"tenant\": \"acme\", \"org_id\": \"$ORG\"}" >/dev/null
integration good-client "$GOOD_SECRET"
integration bad-client "$BAD_SECRET"
integration jwt-client "$JWT_SECRET" "$MOCK_WORK/short.crt"

cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    author1: {aem_url: "http://127.0.0.1:${ports[0]}"}
    author2: {aem_url: "http://127.0.0.1:${ports[1]}", bp_client_id: bad-client, bp_client_secret: "$BAD_SECRET"}
    author3: {aem_url: "http://127.0.0.1:${ports[2]}"}
    author4:
      aem_url: "http://127.0.0.1:${ports[3]}"
      bp_credential_type: jwt
      bp_client_id: jwt-client
      bp_client_secret: "$JWT_SECRET"
      bp_technical_account_id: ABCDEF1234567890@techacct.adobe.com
      bp_private_key: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/short.key') }}"
      bp_certificate: "{{ lookup('ansible.builtin.file', '$MOCK_WORK/short.crt') }}"
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: "${AEM_USERNAME:-admin}"
    aem_password: "${AEM_PASSWORD:-admin}"
    ims_url: "$ims"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_client_id: good-client
    bp_client_secret: "$GOOD_SECRET"
    bp_org_id: "$ORG"
    bp_scopes: [openid, AdobeID]
    bp_certificate_dir: "$MOCK_WORK/certificates"
YAML

export ANSIBLE_CALLBACK_RESULT_FORMAT=json
play() {  # play NAME PLAYBOOK [args...]: output in NAME.out; the exit code in $rc
    local name="$1"
    shift
    set +e
    ansible-playbook -i "$MOCK_WORK/hosts.yml" "$@" >"$MOCK_WORK/$name.out" 2>&1
    rc=$?
    set -e
}

play configure "$playbooks/configure.yml"
[ "$rc" -eq 0 ] || { tail -40 "$MOCK_WORK/configure.out"; exit 1; }
echo "configure.yml: four authors configured (OAuth with the hotfix on 1-3, JWT with a 10-day certificate on 4)"

# the breakages: author2's secret rotated away in the console, author3's queues stuck and blocked
integration bad-client "$ROTATED_SECRET"
admin POST "http://127.0.0.1:${ports[2]}/__mock__/queues/mp_replication_1" \
    '{"paths": ["/content/dam/stuck.png"], "age_seconds": 3600}' >/dev/null
admin POST "http://127.0.0.1:${ports[2]}/__mock__/queues/mp_replication_2" \
    '{"paths": ["/content/dam/retried.png"], "blocked": true}' >/dev/null

before="$(writes)"
sent="$(received)"
play audit "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/report" -e bp_audit_health=true
[ "$rc" -eq 0 ] || { tail -40 "$MOCK_WORK/audit.out"; exit 1; }
[ "$(writes)" -eq "$before" ] || { echo "the audit wrote to an author"; exit 1; }
[ "$(received)" -eq "$sent" ] || { echo "the audit sent packages to Brand Portal without bp_audit_test_connection"; exit 1; }
"$MOCK_PYTHON" - "$MOCK_WORK/report" <<'PY'
import json, os, sys, xml.etree.ElementTree as ET
report = sys.argv[1]
fleet = json.load(open(os.path.join(report, "fleet.json")))
assert fleet["health_checked"] is True, fleet
assert fleet["unhealthy"] == ["author2", "author3"], fleet["unhealthy"]
assert fleet["expiring"] == ["author4"], fleet["expiring"]
assert fleet["drifting"] == [] and fleet["failed"] == [], (fleet["drifting"], fleet["failed"])
kinds = dict((h, sorted((p["kind"], p["item"]) for p in r["health"]["problems"])) for h, r in fleet["results"].items())
assert kinds == {"author1": [], "author2": [("token", "Brand Portal")],
                 "author3": [("queue", "mp_replication_1"), ("queue", "mp_replication_2")],
                 "author4": [("expiry", "brandportal")]}, kinds
a2 = fleet["results"]["author2"]["health"]
assert a2["token"]["checked"] and not a2["token"]["ok"] and "invalid_client" in a2["token"]["message"], a2["token"]
a1 = json.load(open(os.path.join(report, "author1.json")))["health"]
assert a1["healthy"] and a1["token"]["ok"] and a1["aem_credential_type"] == "oauth", a1
a3 = dict((p["item"], p["message"]) for p in fleet["results"]["author3"]["health"]["problems"])
assert "has waited 1 h" in a3["mp_replication_1"] and "blocked" in a3["mp_replication_2"], a3
a4 = fleet["results"]["author4"]["health"]
assert a4["aem_credential_type"] == "jwt" and a4["certificate"]["status"] == "expiring", a4
assert a4["certificate"]["days_left"] in (9, 10) and a4["certificate"]["subject"] == "CN=AEM-Adobe-IMS-short", a4
suites = dict((s.get("name"), s) for s in ET.parse(os.path.join(report, "junit.xml")).getroot())
cases = dict((c.get("name"), c) for c in suites["brand_portal_health"])
assert [c.find("failure").get("type") if c.find("failure") is not None else None
        for _h, c in sorted(cases.items())] == [None, "unhealthy", "unhealthy", "expiry"]
page = open(os.path.join(report, "report.html")).read()
assert '<th>Health</th>' in page and 'data-host="author2" data-status="unhealthy"' in page
assert 'data-host="author4" data-status="expiring"' in page
md = open(os.path.join(report, "summary.md")).read()
assert "2 unhealthy, 1 with a certificate expiring" in md, md
print("audit with health: author2 token, author3 two queues, author4 certificate in %s days; reports agree"
      % a4["certificate"]["days_left"])
PY

# audit_fail_on: each kind fails the run for its authors only; drift (there is none) does not
for case in "unhealthy:author2, author3" "expiry:author4" "drift:"; do
    kind="${case%%:*}"
    hosts="${case#*:}"
    play "fail-$kind" "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/report" -e bp_audit_health=true \
        -e "audit_fail_on=$kind"
    if [ -z "$hosts" ]; then
        [ "$rc" -eq 0 ] || { tail -30 "$MOCK_WORK/fail-$kind.out"; echo "audit_fail_on=$kind failed"; exit 1; }
    else
        [ "$rc" -ne 0 ] || { echo "audit_fail_on=$kind passed"; exit 1; }
        grep -q "$hosts; not audited: none" "$MOCK_WORK/fail-$kind.out" \
            || { tail -30 "$MOCK_WORK/fail-$kind.out"; echo "audit_fail_on=$kind: not failing for $hosts"; exit 1; }
    fi
done
[ "$(writes)" -eq "$before" ] || { echo "an audit wrote to an author"; exit 1; }
echo "audit_fail_on: unhealthy fails for author2 and author3, expiry for author4, drift passes; 0 writes"

# Test Connection: only on request; it sends a test package per agent, writes nothing into AEM
play audit-tc "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/report-tc" -e bp_audit_health=true \
    -e bp_audit_test_connection=true
[ "$rc" -eq 0 ] || { tail -40 "$MOCK_WORK/audit-tc.out"; exit 1; }
[ "$(writes)" -eq "$before" ] || { echo "the audit with Test Connection wrote to an author"; exit 1; }
[ "$(received)" -gt "$sent" ] || { echo "bp_audit_test_connection=true sent no test package"; exit 1; }
"$MOCK_PYTHON" - "$MOCK_WORK/report-tc" <<'PY'
import json, os, sys
fleet = json.load(open(os.path.join(sys.argv[1], "fleet.json")))
tc = dict((h, sorted(p["item"] for p in r["health"]["problems"] if p["kind"] == "test_connection"))
          for h, r in fleet["results"].items())
assert tc["author2"] == ["mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"], tc
assert tc["author1"] == [] and tc["author4"] == [], tc
print("bp_audit_test_connection: Test Connection ran; author2's four agents fail with the rotated-away secret")
PY

# no secret in -vvv output
set +e
ansible-playbook -vvv -i "$MOCK_WORK/hosts.yml" "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/report-vvv" \
    -e bp_audit_health=true -e bp_audit_test_connection=true >"$MOCK_WORK/audit.yml.log" 2>&1
set -e
grep -q "brand_portal_health\|unhealthy" "$MOCK_WORK/audit.yml.log" || { tail -20 "$MOCK_WORK/audit.yml.log"; exit 1; }
assert_no_leaks GOOD_SECRET BAD_SECRET JWT_SECRET ROTATED_SECRET
grep -rlF -e "$GOOD_SECRET" -e "$BAD_SECRET" -e "$JWT_SECRET" -e "BEGIN PRIVATE KEY" "$MOCK_WORK"/report* \
    && { echo "a secret in the reports"; exit 1; }
echo "playbooks_audit_health: ok"
