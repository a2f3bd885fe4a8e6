#!/usr/bin/env bash
# The shipped playbooks pass the inventory's aem_ca_path / aem_validate_certs to the modules: a fleet behind a
# private CA can use playbooks/configure.yml and playbooks/audit.yml as they are (TLS verification stays on).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"

export PCA_SECRET="p8e-private-ca-secret-$RANDOM$RANDOM"
start_mock --aem-version 6.5.21 --instances 2 --ims-port 0 --bp-port 0 --tls "$MOCK_WORK/ca.pem"
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"

"$MOCK_PYTHON" - "$MOCK_WORK/ca.pem" "$MOCK_IMS_PORT" "$MOCK_BP_PORT" <<'PY'
import json, os, ssl, sys, urllib.request
ca, ims, bp = sys.argv[1:4]
context = ssl.create_default_context(cafile=ca)
def post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST")
    assert urllib.request.urlopen(req, timeout=10, context=context).status in (200, 201)
post("https://127.0.0.1:%s/__mock__/tenants" % bp, {"tenant": "acme", "org_id": "1234567890ABCDEF12345678@AdobeOrg"})
post("https://127.0.0.1:%s/__mock__/ims/integrations" % ims, {
    "client_id": "pca-client", "client_secret": os.environ["PCA_SECRET"],
    "org_id": "1234567890ABCDEF12345678@AdobeOrg", "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
    "scopes": ["openid", "AdobeID"], "metascopes": ["ent_brand_portal_sdk"]})
PY

cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    author1: {aem_url: "https://127.0.0.1:${ports[0]}"}
    author2: {aem_url: "https://localhost:${ports[1]}"}
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: "${AEM_USERNAME:-admin}"
    aem_password: "${AEM_PASSWORD:-admin}"
    aem_ca_path: "$MOCK_WORK/ca.pem"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_client_id: pca-client
    bp_client_secret: "{{ lookup('ansible.builtin.env', 'PCA_SECRET') }}"
    bp_org_id: 1234567890ABCDEF12345678@AdobeOrg
    bp_scopes: [openid, AdobeID]
    # the controller does not trust the mock IMS's private CA; AEM itself checks the credential (Check Health)
    bp_validate_credentials: false
    bp_certificate_dir: "$MOCK_WORK/certificates"
YAML

run() {  # run LOG PLAYBOOK ARGS...
    local log="$MOCK_WORK/$1" rc
    shift
    set +e
    ansible-playbook -i "$MOCK_WORK/hosts.yml" "$@" >"$log" 2>&1
    rc=$?
    set -e
    tail -n 12 "$log"
    [ "$rc" -eq 0 ] || { echo "$*: failed (rc=$rc)"; exit 1; }
}
run configure.yml.log "$playbooks/configure.yml"
run audit.yml.log "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/audit" -e audit_fail_on_drift=true
"$MOCK_PYTHON" - "$MOCK_WORK/audit/fleet.json" <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
assert fleet["hosts"] == 2 and sorted(fleet["in_sync"]) == ["author1", "author2"], fleet
print("audit behind a private CA: %s in sync" % ", ".join(fleet["in_sync"]))
PY
# and verification stays on: without aem_ca_path the same playbook fails on the certificate
set +e
ansible-playbook -i "$MOCK_WORK/hosts.yml" -e aem_ca_path= "$playbooks/audit.yml" -e "audit_report_dir=$MOCK_WORK/audit2" \
    -e audit_fail_on_drift=true >"$MOCK_WORK/no-ca.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || { echo "the audit trusted a private CA without aem_ca_path"; exit 1; }
grep -q "ca_path" "$MOCK_WORK/audit2/fleet.json" "$MOCK_WORK/no-ca.log" || { tail -30 "$MOCK_WORK/no-ca.log"; exit 1; }
echo "without aem_ca_path: refused, naming ca_path"
