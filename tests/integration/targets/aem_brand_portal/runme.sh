#!/usr/bin/env bash
# aem_brand_portal driven over HTTP against private mock authors, IMS and Brand Portal. Every play runs at -vvv
# (run_vvv) and asserts with the mocks' own witnesses: the write counter of each author (/__mock__/stats) and the
# packages the Brand Portal tenant received (/__mock__/tenants/acme/received).
#   1  AEM 6.5.21, OAuth, 2 authors: configure.yml (first run, re-run, test_connection=always), drift_check.yml
#      (--check on a planted drift), drift.yml (gathered names the drift; the module without the action plugin
#      gives the same result; a 1-write repair)
#   3  key_pair.yml on 6.5.15 and on 6.3.3.8: a brought JWT key pair, then another key pair written with the
#      fine-grained module - the audit (state=gathered) with the original key pair must report it (issue 13)
#   2  refused.yml: a client secret IMS refuses, on a fresh author (author3): the task fails, 0 writes
#   4  no client secret, admin password or private key in any -vvv log
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

export BPT_SECRET="p8e-bpt-oauth-secret-$RANDOM$RANDOM"
export BPT_WRONG_SECRET="p8e-bpt-wrong-secret-$RANDOM$RANDOM"
export BPT_JWT_SECRET="p8e-bpt-jwt-secret-$RANDOM$RANDOM"
export BPT_ADMIN_PASSWORD="p8e-bpt-admin-$RANDOM$RANDOM"
# fleet: the key pair brought to configure; other: the key pair that replaces it behind the audit's back
make_keypairs fleet other

# The collections directory that holds the collection ansible-playbook loads (ANSIBLE_COLLECTIONS_PATH first), for
# running the module file itself in case 5
collections_dir=""
IFS=: read -r -a collection_paths <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
for candidate in "${collection_paths[@]}" "$MOCK_ROOT/../../.."; do
    if [ -n "$candidate" ] && [ -f "$candidate/ansible_collections/aemtools/brand_portal/plugins/modules/aem_brand_portal.py" ]; then
        collections_dir="$(cd "$candidate" && pwd)"
        break
    fi
done
[ -n "$collections_dir" ] || { echo "aemtools.brand_portal not found in ANSIBLE_COLLECTIONS_PATH" >&2; exit 1; }

register() {  # register IMS_PORT BP_PORT CLIENT_ID SECRET_VAR [CERTIFICATE_FILE]: the tenant and the credential
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

# --- 1, 2 and 5: AEM 6.5.21, OAuth Server-to-Server; author1 and author2 are the fleet, author3 stays fresh ------
start_mock --aem-version 6.5.21 --instances 3 --ims-port 0 --bp-port 0 --admin-password "$BPT_ADMIN_PASSWORD"
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"
register "$MOCK_IMS_PORT" "$MOCK_BP_PORT" bpt-oauth-client BPT_SECRET
cat > "$MOCK_WORK/hosts.yml" <<YAML
fleet:
  hosts:
    author1: {aem_url: "http://127.0.0.1:${ports[0]}"}
    author2: {aem_url: "http://127.0.0.1:${ports[1]}"}
fresh:
  hosts:
    author3: {aem_url: "http://127.0.0.1:${ports[2]}"}
all:
  vars:
    ansible_connection: local
    ims_url: "http://127.0.0.1:$MOCK_IMS_PORT"
    bp_url: "http://127.0.0.1:$MOCK_BP_PORT"
    work_dir: "$MOCK_WORK"
    collections_dir: "$collections_dir"
YAML
oauth=(-i "$MOCK_WORK/hosts.yml")
run_vvv "$here/configure.yml" "${oauth[@]}"
run_vvv "$here/drift_check.yml" "${oauth[@]}" --check
run_vvv "$here/drift.yml" "${oauth[@]}"

# --- 3: a brought JWT key pair, replaced behind the audit's back (issue 13); the 6.5.21 mock keeps running -------
for version in 6.5.15 6.3.3.8; do
    start_mock --aem-version "$version" --ims-port 0 --bp-port 0 --admin-password "$BPT_ADMIN_PASSWORD"
    register "$MOCK_IMS_PORT" "$MOCK_BP_PORT" bpt-jwt-client BPT_JWT_SECRET "$MOCK_WORK/fleet.crt"
    cp "$here/key_pair.yml" "$MOCK_WORK/key_pair_$version.yml"
    run_vvv "$MOCK_WORK/key_pair_$version.yml" -e "aem_url=http://127.0.0.1:$MOCK_AEM_PORT" \
        -e "ims_url=http://127.0.0.1:$MOCK_IMS_PORT" -e "bp_url=http://127.0.0.1:$MOCK_BP_PORT" \
        -e "work_dir=$MOCK_WORK" -e "aem_version=$version"
done

# --- 2 on author3 of the 6.5.21 mock, then 4: the leak check also reads the log of the failed task, whatever
# refused.yml's assertions found, and the target fails afterwards if they failed
set +e
(run_vvv "$here/refused.yml" "${oauth[@]}")
refused_rc=$?
set -e
assert_no_leaks BPT_SECRET BPT_WRONG_SECRET BPT_JWT_SECRET BPT_ADMIN_PASSWORD
[ "$refused_rc" -eq 0 ] || { echo "refused.yml failed (rc=$refused_rc)"; exit "$refused_rc"; }
