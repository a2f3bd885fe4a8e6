#!/usr/bin/env bash
# aem_ims_config against its own mock AEM + mock IMS: OAuth Server-to-Server on AEM 6.5.21, JWT (AEM-generated
# and bring-your-own key pairs) on AEM 6.5.15. Each playbook checks check mode (0 writes, read from the mock's
# /__mock__/stats), create, idempotent re-runs (0 writes), one change (1 write), the client secret policies,
# Check Health success and failure, and deletion. The -vvv output must not contain a secret or a private key.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

# Secrets used below; none of them may appear in the playbooks' -vvv output.
export IT_CLIENT_SECRET="p8e-ims-config-secret-$RANDOM$RANDOM"
export IT_OTHER_SECRET="p8e-other-secret-$RANDOM$RANDOM"

# Bring-your-own key pairs: "fleet" is registered with the credential, "unregistered" is not.
make_keypairs fleet unregistered

play() {
    start_mock --ims-port 0 --bp-port 0 --aem-version "$1"
    run_vvv "$here/$2" -e "aem_url=http://127.0.0.1:$MOCK_AEM_PORT" -e "ims_url=http://127.0.0.1:$MOCK_IMS_PORT" \
        -e "key_dir=$MOCK_WORK"
    stop_mocks
}

play 6.5.21 oauth.yml
play 6.5.15 jwt.yml
assert_no_leaks IT_CLIENT_SECRET IT_OTHER_SECRET
