#!/usr/bin/env bash
# Nothing lost (issue 10): brand_portal_upgrade checks everything the new configuration needs before it backs up
# or deletes anything. Each case runs the upgrade on its own mock author that holds a legacy (pre-2020) integration
# and asserts the outcome, the message, that the author took 0 writes, that the legacy integration is intact and
# that no backup folder was made. A last case upgrades for real, so that the cases are not vacuous.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

export PF_SECRET="p8e-preflight-secret-$RANDOM$RANDOM"
export PF_WRONG_SECRET="p8e-preflight-wrong-$RANDOM$RANDOM"
make_keypairs fleet other

# 7 authors on 6.5.21 (OAuth native, JWT no longer configurable), one on 6.4.8 (cloud service model, JWT only)
start_mock --aem-version 6.5.21 --instances 7 --ims-port 0 --bp-port 0
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"
ims="http://127.0.0.1:$MOCK_IMS_PORT"
bp="http://127.0.0.1:$MOCK_BP_PORT"
# a port where nothing listens: the unreachable IMS
closed_port="$("$MOCK_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

"$MOCK_PYTHON" - "$ims" "$bp" <<'PY'
import json, os, sys, urllib.request
ims, bp = sys.argv[1], sys.argv[2]
def post(url, body):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST")
    assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
post(bp + "/__mock__/tenants", {"tenant": "acme", "org_id": "1234567890ABCDEF12345678@AdobeOrg"})
post(ims + "/__mock__/ims/integrations", {
    "client_id": "pf-client", "client_secret": os.environ["PF_SECRET"],
    "org_id": "1234567890ABCDEF12345678@AdobeOrg", "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
    "scopes": ["openid", "AdobeID", "read_organizations"], "metascopes": ["ent_brand_portal_sdk"]})
PY

n=0
case_run() {  # case_run NAME PORT EXTRA-ARGS...
    local name="$1" port="$2"
    shift 2
    n=$((n + 1))
    cp "$here/upgrade_case.yml" "$MOCK_WORK/$n-$name.yml"
    run_vvv "$MOCK_WORK/$n-$name.yml" -e "aem_url=http://127.0.0.1:$port" -e "ims_url=$ims" -e "case=$name" \
        -e "work_dir=$MOCK_WORK" -e "key_dir=$MOCK_WORK" "$@"
}

case_run refused_secret "${ports[0]}" -e expect=failure -e "pf_secret_var=PF_WRONG_SECRET" \
    -e "expect_msg='Adobe IMS refused the oauth credential pf-client.*Nothing was backed up, deleted or written'"
case_run unreachable_ims "${ports[1]}" -e expect=failure -e "ims_url=http://127.0.0.1:$closed_port" \
    -e "expect_msg='Adobe IMS could not be reached to check the oauth credential.*ims_url'"
case_run jwt_on_6521 "${ports[2]}" -e expect=failure -e credential_type=jwt \
    -e "expect_msg='nothing was written: bp_credential_type: jwt configurations can no longer be created'"
case_run incomplete_credential "${ports[3]}" -e expect=failure -e '{"pf_scopes": []}' \
    -e "expect_msg='needs the complete new credential first; set bp_scopes.*Nothing was backed up, deleted or written'"
case_run bad_tenant_url "${ports[4]}" -e expect=failure -e "tenant_url=ftp://acme.brand-portal.adobe.com" \
    -e "expect_msg='bp_tenant_url: .ftp://acme.brand-portal.adobe.com. is not an absolute https URL'"
case_run mismatched_key_pair "${ports[4]}" -e expect=failure -e credential_type=jwt -e byo_key=mismatched \
    -e "expect_msg='the certificate does not belong to the private key'"
touch "$MOCK_WORK/not-a-folder"
case_run unwritable_backup_dir "${ports[5]}" -e expect=failure -e "backup_dir=$MOCK_WORK/not-a-folder/backups" \
    -e "expect_msg='bp_backup_dir: .*is a file'"
case_run check_mode "${ports[6]}" -e expect=check --check
case_run upgrade "${ports[6]}" -e expect=success

# The cloud service model: OAuth is not available on AEM 6.4.8
start_mock --aem-version 6.4.8 --ims-port 0 --bp-port 0
case_run oauth_on_648 "$MOCK_AEM_PORT" -e expect=failure \
    -e "expect_msg='oauth is not available on AEM 6.4.8.0.*use credential_type=jwt'"

# OAuth on 6.5.15 without Adobe's hotfix: the upgrade must not delete the working integration for a credential type
# the author cannot use
start_mock --aem-version 6.5.15 --ims-port 0 --bp-port 0
case_run oauth_without_hotfix "$MOCK_AEM_PORT" -e expect=failure \
    -e "expect_msg='nothing was written: AEM 6.5.15.0 supports OAuth Server-to-Server only with Adobe.s compatibility hotfix; .*ims-jwt-compatibility-package-6.5-1.0.zip is not installed'"

assert_no_leaks PF_SECRET PF_WRONG_SECRET
