#!/usr/bin/env bash
# Backup and restore of a Brand Portal configuration (aem_bp_backup, aem_bp_restore, playbooks/restore.yml) against a
# fresh mock AEM + IMS + Brand Portal per scenario (two author instances: the second is "another host"):
#   L65  AEM 6.5.21, a legacy installation (and a 2020 JWT IMS configuration): upgrade (playbooks/upgrade.yml), restore
#   L63  AEM 6.3.3.8, a legacy installation: upgrade to the cloud service model with JWT, restore
#   W65  AEM 6.5.21, a working OAuth configuration (playbooks/configure.yml): backup, break it, restore
#   W63  AEM 6.3.3.8, a working JWT configuration with a brought key pair: backup, break it (the MAC user's keystore
#        goes), restore
# Each asserts: the author's trees (.infinity.json minus server-managed properties), keystore files and IMS
# configuration equal those before (snapshot.py, the test's own reader), after having differed; Test Connection ends
# as before (W: passes again); a restore in --check writes nothing; a second restore changes nothing and writes
# nothing; a backup of another host or URL, without its secret, changed or not a backup is refused before any request.
# Everything runs at -vvv; no secret, private key, encrypted value or keystore content may appear in that output.
# BPR_SCENARIOS="W63" runs only those scenarios (default: all four); KEEP_WORK=1 keeps the logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

export BPR_SECRET_65="p8e-restore-65-secret-$RANDOM$RANDOM"
export BPR_SECRET_63="p8e-restore-63-secret-$RANDOM$RANDOM"
export BPR_TRANSPORT_PASSWORD="p8e-legacy-transport-$RANDOM$RANDOM"
make_keypairs fleet

step=0
run() {
    local playbook="$1" log
    shift
    step=$((step + 1))
    run_vvv "$playbook" -i "$work/inventory" -e "@$here/$vars" -e "playbooks_dir=$MOCK_ROOT/playbooks" "$@"
    log="$MOCK_WORK/$(basename "$playbook").log"
    mv "$log" "$MOCK_WORK/$(printf %02d "$step")-$scenario-$(basename "$playbook").log"
}
snapshot() { "$MOCK_PYTHON" "$here/snapshot.py" take "$aem" "$work/$1.json" "${ims_args[@]}"; }
same() { "$MOCK_PYTHON" "$here/snapshot.py" compare "$work/$1.json" "$work/$2.json"; }
differ() {
    if same "$1" "$2" >/dev/null; then echo "FAIL: $1 and $2 should differ"; exit 1; fi
    echo "$1 and $2 differ, as they should"
}

begin() {
    scenario="$1" vars="$3"
    start_mock --aem-version "$2" --ims-port 0 --bp-port 0 --instances 2
    work="$MOCK_WORK/$scenario"
    mkdir -p "$work"
    aem="http://127.0.0.1:${MOCK_AEM_PORTS%%,*}"
    ims_args=()
    [ "$2" = 6.5.21 ] && ims_args=(--ims-title "Brand Portal")
    cat >"$work/inventory" <<INI
[aem_authors]
author1 aem_url=$aem

[aem_authors:vars]
aem_username=admin
aem_password=admin
other_aem_url=http://127.0.0.1:${MOCK_AEM_PORTS##*,}
ims_url=http://127.0.0.1:$MOCK_IMS_PORT
bp_url=http://127.0.0.1:$MOCK_BP_PORT
work_dir=$work
INI
}

restore_and_check() {
    run "$here/restore_checks.yml"
    run "$here/restore_run.yml" --check --diff -e expect_changed=true
    run "$here/restore_run.yml" -e expect_changed=true "$@"
    snapshot restored
    same before restored
}

again() {
    run "$here/restore_run.yml" -e expect_changed=false
    run "$here/restore_run.yml" --check -e expect_changed=false
    stop_mocks
}

legacy() {
    begin "$1" "$2" "$3"
    run "$here/prepare_legacy.yml"
    run "$here/test_connection.yml" -e tc_record=before -e tc_expect=fail
    snapshot before
    # the credential check with IMS is brand_portal_upgrade_preflight's subject; here Test Connection of the new
    # agents (configure role) proves the credential
    run "$MOCK_ROOT/playbooks/upgrade.yml" -e '{"bp_validate_credentials": false}'
    run "$here/test_connection.yml" -e tc_expect=pass
    snapshot upgraded
    differ before upgraded
    restore_and_check -e "{\"expect_actions\": $4}"
    run "$here/test_connection.yml" -e tc_compare=before
    again
}

working() {
    begin "$1" "$2" "$3"
    run "$here/prepare_adobe.yml"
    run "$MOCK_ROOT/playbooks/configure.yml"
    run "$here/test_connection.yml" -e tc_record=before -e tc_expect=pass
    snapshot before
    run "$here/backup.yml" -e "{\"keystore_expected\": $4}"
    run "$here/break.yml"
    snapshot broken
    differ before broken
    run "$here/test_connection.yml" -e tc_expect=fail
    restore_and_check
    run "$here/test_connection.yml" -e tc_compare=before -e tc_expect=pass
    again
}

conf=/conf/global/settings/cloudconfigs/mediaportal
legacy_cs=/etc/cloudservices/mediaportal/brand-portal
for scenario in ${BPR_SCENARIOS:-L65 L63 W65 W63}; do
    start=$SECONDS
    case "$scenario" in
        L65) legacy L65 6.5.21 vars_65.yml "[{\"kind\": \"root\", \"path\": \"$conf\", \"action\": \"delete\"},
                {\"kind\": \"cloudservice\", \"path\": \"$legacy_cs\", \"action\": \"create\"},
                {\"kind\": \"ims_config\", \"path\": \"com.adobe.granite.auth.oauth.accesstoken.provider.5e7f0a2c-2020-4b1d-8c3e-00000000b001\", \"action\": \"update\"}]" ;;
        # the new cloud service took the legacy one's path; putting back its empty pubFolder takes an import
        L63) legacy L63 6.3.3.8 vars_63.yml "[{\"kind\": \"cloudservice\", \"path\": \"$legacy_cs\", \"action\": \"replace\"}]" ;;
        W65) working W65 6.5.21 vars_65.yml false ;;
        W63) working W63 6.3.3.8 vars_63.yml true ;;
        *) echo "unknown scenario $scenario"; exit 2 ;;
    esac
    echo "scenario $scenario: $((SECONDS - start)) s"
done

assert_no_leaks BPR_SECRET_65 BPR_SECRET_63 BPR_TRANSPORT_PASSWORD
# Beyond secrets: no AEM-encrypted value and no keystore content in any -vvv output of a backup or restore.
"$MOCK_PYTHON" - "$MOCK_WORK" <<'PY'
import glob, json, os, re, sys
work = sys.argv[1]
logs = dict((p, open(p, encoding="utf-8", errors="replace").read())
            for p in glob.glob(os.path.join(work, "*.yml.log")) if re.search(r"-(backup|restore_run|restore_checks)\.yml\.log$", p))
blobs = []
for path in glob.glob(os.path.join(work, "*", "backups", "*", "*", "mac_users", "*.json")):
    for entry in (json.load(open(path)).get("binaries") or {}).values():
        blobs.append(entry["base64"][:64])
assert blobs, "no keystore in any backup"
bad = [(os.path.basename(p), what) for p, text in logs.items()
       for what in ["encrypted value"] if re.search(r"\{[0-9a-fA-F]{32,}\}", text)]
bad += [(os.path.basename(p), "keystore content") for p, text in logs.items() if any(b in text for b in blobs)]
assert not bad, bad
print("no encrypted value or keystore content in %d backup/restore logs (%d keystores)" % (len(logs), len(blobs)))
PY
