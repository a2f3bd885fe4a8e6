#!/usr/bin/env bash
# playbooks/configure.yml and playbooks/audit.yml as an AWX / Automation Platform job runs them:
#  * the credentials come only from the custom credential types in extensions/awx/credential_types (injected as
#    AWX does: extra vars file + environment); the inventory holds per-host aem_url only
#  * the audit publishes the fleet summary with set_stats (aem_bp_audit), also when audit_fail_on_drift fails it
#  * quiet runs: no DeprecationWarning from the tool chain on stderr (ansible-core importing DSA from a cryptography
#    that deprecates it printed one before anything else), while the collection's own warnings still show
#    (validate_certs=false on author2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"
types="$MOCK_ROOT/extensions/awx/credential_types"

secret="awx-client-secret-$RANDOM$RANDOM"
start_mock --aem-version 6.5.21 --instances 2 --ims-port 0 --bp-port 0
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"

"$MOCK_PYTHON" - "$MOCK_IMS_PORT" "$MOCK_BP_PORT" "$secret" <<'PY'
import json, sys, urllib.request
ims, bp, secret = sys.argv[1:4]
def post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST")
    assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
post("http://127.0.0.1:%s/__mock__/tenants" % bp, {"tenant": "acme", "org_id": "1234567890ABCDEF12345678@AdobeOrg"})
post("http://127.0.0.1:%s/__mock__/ims/integrations" % ims, {
    "client_id": "awx-client", "client_secret": secret,
    "org_id": "1234567890ABCDEF12345678@AdobeOrg", "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
    "scopes": ["openid", "AdobeID"], "metascopes": ["ent_brand_portal_sdk"]})
PY

# the two credentials of the job template, as a user enters them in AWX
cat > "$MOCK_WORK/aem.json" <<JSON
{"username": "${AEM_USERNAME:-admin}", "password": "${AEM_PASSWORD:-admin}"}
JSON
cat > "$MOCK_WORK/ims.json" <<JSON
{"credential_type": "oauth", "ims_url": "http://127.0.0.1:$MOCK_IMS_PORT", "client_id": "awx-client",
 "client_secret": "$secret", "org_id": "1234567890ABCDEF12345678@AdobeOrg", "scopes": "openid,AdobeID"}
JSON
"$MOCK_PYTHON" "$here/awx_inject.py" "$MOCK_WORK" aem "$types/aem_author.yml" "$MOCK_WORK/aem.json"
"$MOCK_PYTHON" "$here/awx_inject.py" "$MOCK_WORK" ims "$types/adobe_ims.yml" "$MOCK_WORK/ims.json"
unset AEM_URL AEM_USERNAME AEM_PASSWORD AEM_CA_PATH
# shellcheck disable=SC1091
. "$MOCK_WORK/aem.env"
# shellcheck disable=SC1091
. "$MOCK_WORK/ims.env"

# no credential in the inventory: only what differs per host
cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    author1: {aem_url: "http://127.0.0.1:${ports[0]}"}
    author2: {aem_url: "http://127.0.0.1:${ports[1]}", aem_validate_certs: false}
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_certificate_dir: "$MOCK_WORK/certificates"
YAML

# a user's run: Ansible's own deprecation warnings on (ansible-test turns them off)
export ANSIBLE_DEPRECATION_WARNINGS=true
export ANSIBLE_CALLBACK_RESULT_FORMAT=json
job() {  # job NAME [ansible-playbook args...]: stdout in NAME.out, stderr in NAME.err; the exit code in $rc
    local name="$1"
    shift
    set +e
    ansible-playbook -i "$MOCK_WORK/hosts.yml" -e "@$MOCK_WORK/aem.extra_vars.json" -e "@$MOCK_WORK/ims.extra_vars.json" \
        "$@" >"$MOCK_WORK/$name.out" 2>"$MOCK_WORK/$name.err"
    rc=$?
    set -e
}
quiet() {  # quiet NAME: no deprecation noise from the tool chain on stderr or stdout
    if grep -n -i -E "DeprecationWarning|\[DEPRECATION WARNING\]" "$MOCK_WORK/$1.err" "$MOCK_WORK/$1.out"; then
        echo "$1: deprecation noise in the run (above)"
        exit 1
    fi
}

job configure --limit author1 "$playbooks/configure.yml"
[ "$rc" -eq 0 ] || { tail -30 "$MOCK_WORK/configure.out" "$MOCK_WORK/configure.err"; exit 1; }
quiet configure
echo "configure.yml on author1 with the AWX-injected credentials: ok, no deprecation noise"

ANSIBLE_SHOW_CUSTOM_STATS=true job audit "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/audit"
[ "$rc" -eq 0 ] || { tail -30 "$MOCK_WORK/audit.out" "$MOCK_WORK/audit.err"; exit 1; }
quiet audit
grep -q "CUSTOM STATS" "$MOCK_WORK/audit.out" || { cat "$MOCK_WORK/audit.out"; echo "no CUSTOM STATS"; exit 1; }
grep -q "aem_bp_audit" "$MOCK_WORK/audit.out" || { cat "$MOCK_WORK/audit.out"; echo "no aem_bp_audit stats"; exit 1; }
# the collection's own warning is not hidden
grep -q "\[WARNING\]: validate_certs=false" "$MOCK_WORK/audit.err" \
    || { cat "$MOCK_WORK/audit.err"; echo "the validate_certs=false warning is missing"; exit 1; }
echo "audit.yml: CUSTOM STATS shown, the collection's validate_certs=false warning shown, no deprecation noise"

# the stats' values (the default callback prints them as JSON after "RUN:"), also when the audit fails on drift
ANSIBLE_SHOW_CUSTOM_STATS=true job audit-fail "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/audit" \
    -e audit_fail_on_drift=true
[ "$rc" -ne 0 ] || { echo "audit_fail_on_drift=true with author2 drifting passed"; exit 1; }
quiet audit-fail
"$MOCK_PYTHON" - "$MOCK_WORK/audit.out" "$MOCK_WORK/audit-fail.out" "$secret" <<'PY'
import json, sys
for path in sys.argv[1:3]:
    with open(path) as handle:
        lines = [line.strip() for line in handle if line.strip().startswith("RUN: ")]
    assert len(lines) == 1, (path, lines)
    run = json.loads(lines[0][len("RUN: "):])
    stats = run["aem_bp_audit"]
    assert stats["hosts"] == 2 and stats["in_sync"] == ["author1"] and stats["drifting"] == ["author2"], stats
    assert stats["failed"] == [] and "results" not in stats, stats
    assert sys.argv[3] not in lines[0]
print("set_stats aem_bp_audit: in_sync author1, drifting author2 (also when audit_fail_on_drift fails the run)")
PY
