#!/usr/bin/env bash
# The bad-input table: malformed input to every module and to both roles must fail with a message that
# names the option (or the role variable), says what is wrong and what is expected, without a Python
# traceback, and without a single write to AEM, IMS or Brand Portal. Also no secret in the -vvv output.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

# Secrets used below; none of them may appear in the playbook's -vvv output.
BI_ADMIN_PASSWORD="bad-input-admin-$RANDOM$RANDOM"
BI_CLIENT_SECRET="p8e-bad-input-secret-$RANDOM$RANDOM"
BI_WRONG_PASSWORD="wrong-admin-password-$RANDOM$RANDOM"
export BI_ADMIN_PASSWORD BI_CLIENT_SECRET BI_WRONG_PASSWORD

# The main mock speaks plain HTTP; the second one TLS with its own CA (for the certificate cases).
start_mock --aem-version 6.5.21 --ims-port 0 --bp-port 0 --admin-password "$BI_ADMIN_PASSWORD"
http_aem="$MOCK_AEM_PORT" http_ims="$MOCK_IMS_PORT" http_bp="$MOCK_BP_PORT"
start_mock --aem-version 6.5.21 --ims-port 0 --tls "$MOCK_WORK/ca.pem" --admin-password "$BI_ADMIN_PASSWORD"
tls_aem="$MOCK_AEM_PORT" tls_ims="$MOCK_IMS_PORT"
make_keypairs byo other

# A loopback port that nothing listens on, and a "CA bundle" without a certificate.
closed_port="$("$MOCK_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "not a certificate" >"$MOCK_WORK/garbage-ca.pem"

run_vvv "$here/bad_input.yml" \
    -e "http_aem=$http_aem" -e "http_ims=$http_ims" -e "http_bp=$http_bp" \
    -e "tls_aem=$tls_aem" -e "tls_ims=$tls_ims" -e "closed_port=$closed_port" \
    -e "ca_file=$MOCK_WORK/ca.pem" -e "work_dir=$MOCK_WORK" "$@"
assert_no_leaks BI_ADMIN_PASSWORD BI_CLIENT_SECRET BI_WRONG_PASSWORD
