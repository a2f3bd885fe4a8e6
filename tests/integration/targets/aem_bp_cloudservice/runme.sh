#!/usr/bin/env bash
# aem_info and aem_bp_cloudservice on each configuration model: 6.3 and 6.4 keep the credentials on
# the cloud service, 6.5 references an IMS configuration.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

for case in "6.3.3.8 cloudservice" "6.4.8 cloudservice" "6.5.21 ims"; do
    read -r version model <<<"$case"
    start_mock --aem-version "$version" --ims-port 0 --bp-port 0
    ansible-playbook -i localhost, -c local "$here/cloudservice.yml" \
        -e "ansible_python_interpreter=$MOCK_PYTHON" -e "aem_url=http://127.0.0.1:$MOCK_AEM_PORT" \
        -e "expected_model=$model" -e "expected_version=$version" -e "work_dir=$MOCK_WORK" "$@"
    stop_mocks
done
