#!/usr/bin/env bash
# AEM as a Cloud Service (issue 12 item 5): Brand Portal is activated there from Cloud Manager, not configured on the
# author. Pointed at such authors, playbooks/configure.yml, playbooks/upgrade.yml (also in check mode) and
# playbooks/audit.yml stop with that explanation and write nothing (the mock's write counter stays 0):
#  * cloud1: the mock's --aem-version cloud, an author whose product information names an AEM as a Cloud Service
#    release (as the SDK quickstart answers): recognised by _profiles.read_profile (aem_cloud_service=true)
#  * cloud2: the same with its Web Console gone (a 404 fault on ^/system/console/), as Adobe's cloud environments
#    have none: the version cannot be read, and the failure says that an AEM as a Cloud Service author is activated
#    from Cloud Manager
# Nothing reaches the mock Adobe IMS either (the credential is never checked: the run stops before). modules.yml
# then runs each module that reads the version on its own (each stops, the delete states and aem_info's wait_ready
# included), and the generic aem_crx_node, which keeps working there as its documentation says.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"
doc="https://experienceleague.adobe.com/en/docs/experience-manager-cloud-service/content/assets/brand-portal/configure-aem-assets-with-brand-portal"

start_mock --aem-version cloud --instances 2 --ims-port 0
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"
secret="cloud-client-secret-$RANDOM$RANDOM"
export secret

mock() {  # mock METHOD URL [JSON]: the mock's admin API; prints the body
    "$MOCK_PYTHON" - "$@" <<'PY'
import json, sys, urllib.request
method, url = sys.argv[1:3]
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method=method)
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
}
mock POST "http://127.0.0.1:${ports[1]}/__mock__/faults" '{"path": "^/system/console/", "status": 404}' >/dev/null
mock GET "http://127.0.0.1:${ports[0]}/__mock__/info" | grep -q '"cloud_service": true'

cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    cloud1: {aem_url: "http://127.0.0.1:${ports[0]}"}
    cloud2: {aem_url: "http://127.0.0.1:${ports[1]}"}
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: admin
    aem_password: admin
    ims_url: "http://127.0.0.1:$MOCK_IMS_PORT"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_credential_type: oauth
    bp_client_id: cloud-client
    bp_client_secret: "$secret"
    bp_org_id: 1234567890ABCDEF12345678@AdobeOrg
    bp_scopes: [openid, AdobeID]
    bp_certificate_dir: "$MOCK_WORK/certificates"
YAML

export ANSIBLE_CALLBACK_RESULT_FORMAT=json
run() {  # run NAME PLAYBOOK [args...]: stdout+stderr in NAME.log, the exit code in $rc
    local name="$1"
    shift
    set +e
    ansible-playbook -i "$MOCK_WORK/hosts.yml" "$@" >"$MOCK_WORK/$name.log" 2>&1
    rc=$?
    set -e
}
explained() {  # explained NAME: each author's failure in NAME.log carries the Cloud Manager explanation
    "$MOCK_PYTHON" - "$MOCK_WORK/$1.log" "$doc" "$1" <<'PY'
import re, sys
log, doc, name = sys.argv[1:4]
text = open(log).read()
for host in ("cloud1", "cloud2"):
    failures = re.findall(r"^fatal: \[%s\]: FAILED! => (.*?)(?=^\S)" % host, text, re.M | re.S)
    assert failures, "%s: no failure for %s\n%s" % (name, host, text[-3000:])
    first = failures[0]
    assert "Cloud Manager" in first and doc in first, "%s: %s fails without the explanation: %s" % (name, host, first)
    assert "not a version this collection supports" not in first, first
    if host == "cloud1":
        assert "AEM as a Cloud Service (release 2025.11.23482.20251120T200914Z)" in first, first
    else:
        assert "status-productinfo.json" in first and "404" in first, first
print("%s: both authors stopped with the Cloud Manager explanation" % name)
PY
}
no_writes() {  # no_writes NAME: no author was written, Adobe IMS was not asked
    local port writes
    for port in "${ports[@]}"; do
        writes="$(mock GET "http://127.0.0.1:$port/__mock__/stats" | "$MOCK_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["writes"])')"
        [ "$writes" = "0" ] || { echo "$1: $writes writes on the author at port $port"; exit 1; }
    done
    writes="$(mock GET "http://127.0.0.1:$MOCK_IMS_PORT/__mock__/stats" | "$MOCK_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')"
    [ "$writes" = "0" ] || { echo "$1: $writes requests reached the mock Adobe IMS"; exit 1; }
    echo "$1: 0 writes on both authors, 0 requests to Adobe IMS"
}

run configure "$playbooks/configure.yml"
[ "$rc" -ne 0 ] || { tail -40 "$MOCK_WORK/configure.log"; echo "configure.yml passed on AEM as a Cloud Service"; exit 1; }
explained configure
no_writes configure

run upgrade-check "$playbooks/upgrade.yml" --check
[ "$rc" -ne 0 ] || { tail -40 "$MOCK_WORK/upgrade-check.log"; echo "upgrade.yml --check passed"; exit 1; }
explained upgrade-check
run upgrade "$playbooks/upgrade.yml"
[ "$rc" -ne 0 ] || { tail -40 "$MOCK_WORK/upgrade.log"; echo "upgrade.yml passed on AEM as a Cloud Service"; exit 1; }
explained upgrade
no_writes upgrade

run audit "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/audit"
explained audit
no_writes audit
"$MOCK_PYTHON" - "$MOCK_WORK/audit" "$doc" <<'PY'
import json, os, sys
report_dir, doc = sys.argv[1:3]
fleet = json.load(open(os.path.join(report_dir, "fleet.json")))
assert sorted(fleet["failed"]) == ["cloud1", "cloud2"] and fleet["in_sync"] == [] and fleet["drifting"] == [], fleet
for host in ("cloud1", "cloud2"):
    report = json.load(open(os.path.join(report_dir, host + ".json")))
    assert "Cloud Manager" in report["error"] and doc in report["error"], report
junit = open(os.path.join(report_dir, "junit.xml")).read()
assert junit.count("Cloud Manager") >= 2, junit
print("audit.yml: both authors reported as failed with the Cloud Manager explanation (fleet.json, <host>.json, junit.xml)")
PY

# each module on its own: the Brand Portal ones stop (0 writes), the generic aem_crx_node writes
run modules "$here/modules.yml" -e "backup_dir=$MOCK_WORK/backups" --skip-tags generic
[ "$rc" -eq 0 ] || { tail -60 "$MOCK_WORK/modules.log"; echo "modules.yml failed"; exit 1; }
no_writes modules
[ ! -e "$MOCK_WORK/backups/cloud1" ] || { echo "aem_bp_backup wrote a backup folder"; exit 1; }
run generic "$here/modules.yml" --tags generic
[ "$rc" -eq 0 ] || { tail -40 "$MOCK_WORK/generic.log"; echo "aem_crx_node failed on AEM as a Cloud Service"; exit 1; }
writes="$(mock GET "http://127.0.0.1:${ports[0]}/__mock__/stats" | "$MOCK_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["writes"])')"
[ "$writes" = "1" ] || { echo "aem_crx_node: $writes writes, expected 1"; exit 1; }
echo "modules: every Brand Portal module stopped with the explanation, aem_crx_node (generic) wrote its node"

for log in "$MOCK_WORK"/*.log; do
    if grep -qF -- "$secret" "$log"; then echo "LEAK: the client secret appears in $(basename "$log")"; exit 1; fi
done
echo "playbooks_cloud_service: ok"
