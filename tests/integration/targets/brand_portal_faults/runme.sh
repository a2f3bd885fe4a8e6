#!/usr/bin/env bash
# Faults at every destructive step of the Brand Portal upgrade, and a configuration through flaky connections
# (issue 10, point 3). Each part starts its own mock (../setup_mock/mock.sh) and runs the collection's playbooks.
#
# 1. playbooks/upgrade.yml on ten AEM 6.5.21 authors of one mock, each with the same legacy installation and the
#    same JWT Adobe IMS configuration; nine carry one fault (POST /__mock__/faults) on a different destructive
#    request, in the upgrade's order: each of the four agent deletions, the MAC user, the legacy cloud service,
#    the IMS configuration update (configMgr), the new cloud service (/apps/brandportal/config), Close Connection
#    (an agent property write); the tenth has none (the uninterrupted run). The first run must fail on each
#    faulted author at its step, with a message naming the request (and "after 3 retries" for a dropped
#    connection or 503) and what the task had already written; the re-run without faults must succeed everywhere
#    and leave every author equal to the uninterrupted one, node by node; no backup is overwritten; a restore
#    from each faulted author's first backup (playbooks/restore.yml) brings the legacy configuration back.
# 2. playbooks/configure.yml on three fresh authors: "steady" without faults, then "flaky1"/"flaky2" with 30 % of
#    their requests and of the IMS's requests answered 503 or dropped (retries 10 from module_defaults); both
#    must end like "steady", report changed on the same tasks, and a re-run without faults changes and writes
#    nothing.
# faults.py prepares the mock and checks the results (see its header); callback_plugins/fault_record.py records
# every task's status per host. BPF_PARTS="upgrade" or "converge" runs one part (default: both); KEEP_WORK=1 keeps
# the work folder (logs, records, backups).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

playbooks="$MOCK_ROOT/playbooks"
work="$MOCK_WORK"
export FAULTS_SECRET="p8e-faults-secret-$RANDOM$RANDOM"
export ANSIBLE_CALLBACK_PLUGINS="$here/callback_plugins" ANSIBLE_CALLBACKS_ENABLED=fault_record
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0

faults() { "$MOCK_PYTHON" "$here/faults.py" "$@" "$work"; }

# play NAME INVENTORY PLAYBOOK [ARGS...]: the run's output in $work/NAME.log, its task records in
# $work/NAME.jsonl, its exit code in $rc; prints the recap
play() {
    local name="$1" inventory="$2" playbook="$3"
    shift 3
    set +e
    FAULT_RECORD="$work/$name.jsonl" ansible-playbook -i "$inventory" --forks 10 "$playbook" "$@" \
        >"$work/$name.log" 2>&1
    rc=$?
    set -e
    sed -n '/^PLAY RECAP/,$p' "$work/$name.log"
}
must_pass() {
    [ "$rc" -eq 0 ] || { tail -n 60 "$work/$1.log"; echo "$1: ansible-playbook failed (rc=$rc)"; exit 1; }
}

# -- 1. the upgrade, interrupted at each destructive step ------------------------------------------------------
if [[ " ${BPF_PARTS:-upgrade converge} " == *" upgrade "* ]]; then
start=$SECONDS
start_mock --aem-version 6.5.21 --instances 10 --ims-port 0 --bp-port 0
# the token modules' ims_url when a playbook's module_defaults give none: the mock IMS, never Adobe's
export ADOBE_IMS_URL="http://127.0.0.1:$MOCK_IMS_PORT"
faults upgrade-prepare
upgrade_inventory="$work/upgrade/inventory.yml"

play upgrade/run1 "$upgrade_inventory" "$playbooks/upgrade.yml"
[ "$rc" -ne 0 ] || { echo "the first upgrade run succeeded although nine authors were faulted"; exit 1; }
faults upgrade-interrupted

play upgrade/run2 "$upgrade_inventory" "$playbooks/upgrade.yml"
must_pass upgrade/run2
play upgrade/verify "$upgrade_inventory" "$here/verify.yml"
must_pass upgrade/verify
faults upgrade-completed

if [ -f "$playbooks/restore.yml" ]; then
    faults upgrade-restore-inventory
    play upgrade/restore "$work/upgrade/restore_inventory.yml" "$playbooks/restore.yml"
    must_pass upgrade/restore
    faults upgrade-restored
else
    echo "NOT RUN: restore from the first backup (playbooks/restore.yml does not exist)"
fi
stop_mocks
echo "upgrade with faults: $((SECONDS - start)) s"
fi

# -- 2. configure through 30 % 503s and dropped connections ----------------------------------------------------
if [[ " ${BPF_PARTS:-upgrade converge} " == *" converge "* ]]; then
start=$SECONDS
start_mock --aem-version 6.5.21 --instances 3 --ims-port 0 --bp-port 0
export ADOBE_IMS_URL="http://127.0.0.1:$MOCK_IMS_PORT"
faults converge-prepare
converge_inventory="$work/converge/inventory.yml"

play converge/steady "$converge_inventory" "$playbooks/configure.yml" --limit steady
must_pass converge/steady
faults faults-on
play converge/flaky "$converge_inventory" "$playbooks/configure.yml" --limit flaky1,flaky2 -e aem_retries=10 \
    -e ims_retries=10
must_pass converge/flaky
faults faults-off
play converge/verify "$converge_inventory" "$here/verify.yml"
must_pass converge/verify
play converge/rerun "$converge_inventory" "$playbooks/configure.yml"
must_pass converge/rerun
faults converge-check
stop_mocks
echo "configure through flaky connections: $((SECONDS - start)) s"
fi

# no playbook output or record holds the client secret
if grep -rlF -- "$FAULTS_SECRET" "$work"/*/*.log "$work"/*/*.jsonl; then
    echo "LEAK: the client secret appears in the files above"
    exit 1
fi
