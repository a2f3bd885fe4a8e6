#!/usr/bin/env bash
# Security properties that a task file cannot check by itself: TLS verification by default, CSRF
# enforcement, bounded retries, clear IMS errors, and no secret in any output, even at -vvv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"

# Secrets used below; none of them may appear in the playbook's -vvv output.
SEC_ADMIN_PASSWORD="Adm1n-$(date +%s)-pw"
SEC_CLIENT_SECRET="p8e-client-secret-$RANDOM$RANDOM"
SEC_NODE_SECRET="node-secret-$RANDOM$RANDOM"
export SEC_ADMIN_PASSWORD SEC_CLIENT_SECRET SEC_NODE_SECRET

start_mock --ims-port 0 --tls "$MOCK_WORK/ca.pem" --enforce-csrf --admin-password "$SEC_ADMIN_PASSWORD"
make_keypairs registered other

# The person's step at Adobe's console: a credential with the "registered" certificate.
"$MOCK_PYTHON" - "$MOCK_WORK" "$MOCK_IMS_PORT" <<'PY'
import json, os, ssl, sys, urllib.request

work, ims_port = sys.argv[1], sys.argv[2]
body = {"client_id": "it-client", "client_secret": os.environ["SEC_CLIENT_SECRET"],
        "org_id": "1234567890ABCDEF12345678@AdobeOrg", "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
        "certificates": [open(os.path.join(work, "registered.crt")).read()],
        "metascopes": ["ent_brand_portal_sdk"], "scopes": ["openid", "AdobeID"]}
req = urllib.request.Request("https://127.0.0.1:%s/__mock__/ims/integrations" % ims_port, json.dumps(body).encode(),
                             {"Content-Type": "application/json"}, method="POST")
context = ssl.create_default_context(cafile=os.path.join(work, "ca.pem"))
assert urllib.request.urlopen(req, timeout=10, context=context).status in (200, 201)
PY

run_vvv "$here/security.yml" \
    -e "aem_url=https://127.0.0.1:$MOCK_AEM_PORT" -e "ims_url=https://127.0.0.1:$MOCK_IMS_PORT" \
    -e "ca_file=$MOCK_WORK/ca.pem" -e "key_dir=$MOCK_WORK"
assert_no_leaks SEC_ADMIN_PASSWORD SEC_CLIENT_SECRET SEC_NODE_SECRET
