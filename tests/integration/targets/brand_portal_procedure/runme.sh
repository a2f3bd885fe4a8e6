#!/usr/bin/env bash
# Adobe's whole Brand Portal procedure (../shared/seeds: cloud service -> certificate -> Developer Console ->
# credentials -> four replication agents -> Test Connection, and the delete check-list), run with the
# collection's modules against a fresh mock AEM + IMS + Brand Portal per scenario:
#   A  AEM 6.3.3.8, cloud service model, Service Account (JWT)          cloudservice_jwt.yml
#   B  AEM 6.5.21, IMS configuration model, OAuth Server-to-Server     ims_oauth.yml
#   C  AEM 6.5.15, IMS configuration model, JWT; a second author of the fleet with its own key pair  ims_jwt.yml
# Each checks check mode (0 writes), re-runs (0 writes), one change, each failure path of Test Connection with
# its reason, and deletion. Everything runs at -vvv; no secret or private key may appear in that output.
# BPP_SCENARIOS="A C" runs only those scenarios (default: all three); KEEP_WORK=1 keeps the logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

# Secrets used below; none of them may appear in the playbooks' -vvv output.
export BPP_A_SECRET="p8e-bp-64-secret-$RANDOM$RANDOM"
export BPP_B_SECRET="p8e-bp-oauth-secret-$RANDOM$RANDOM"
export BPP_C_SECRET="p8e-bp-65-jwt-secret-$RANDOM$RANDOM"
export BPP_WRONG_SECRET="p8e-wrong-secret-$RANDOM$RANDOM"

# "fleet": a key pair brought by the user (scenario C); "other": a certificate Adobe has, but not AEM's key.
make_keypairs fleet other

play() {
    local version="$1" playbook="$2" start
    shift 2
    start=$SECONDS
    start_mock --aem-version "$version" --ims-port 0 --bp-port 0 "$@"
    run_vvv "$here/$playbook" -e "aem_url=http://127.0.0.1:$MOCK_AEM_PORT" \
        -e "fleet_aem_url=http://127.0.0.1:${MOCK_AEM_PORTS##*,}" \
        -e "ims_url=http://127.0.0.1:$MOCK_IMS_PORT" -e "bp_url=http://127.0.0.1:$MOCK_BP_PORT" \
        -e "work_dir=$MOCK_WORK"
    stop_mocks
    echo "$playbook on AEM $version: $((SECONDS - start)) s"
}

for scenario in ${BPP_SCENARIOS:-A B C}; do
    case "$scenario" in
        A) play 6.3.3.8 cloudservice_jwt.yml ;;
        B) play 6.5.21 ims_oauth.yml ;;
        C) play 6.5.15 ims_jwt.yml --instances 2 ;;
    esac
done
assert_no_leaks BPP_A_SECRET BPP_B_SECRET BPP_C_SECRET BPP_WRONG_SECRET
