#!/usr/bin/env bash
# Security properties that a task file cannot check by itself: TLS verification by default, CSRF
# enforcement, bounded retries, clear IMS errors, and no secret in any output, even at -vvv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
python="$MOCK_PYTHON"
work="$MOCK_WORK"

# Secrets used below; none of them may appear in the playbook's -vvv output.
SEC_ADMIN_PASSWORD="Adm1n-$(date +%s)-pw"
export SEC_ADMIN_PASSWORD
export SEC_CLIENT_SECRET="p8e-client-secret-$RANDOM$RANDOM"
export SEC_NODE_SECRET="node-secret-$RANDOM$RANDOM"

start_mock --ims-port 0 --tls "$work/ca.pem" --enforce-csrf --admin-password "$SEC_ADMIN_PASSWORD"
aem_port="$MOCK_AEM_PORT"
ims_port="$MOCK_IMS_PORT"

# The person's step at Adobe's console: a credential with a registered certificate.
"$python" - "$work" "$ims_port" <<'PY'
import json, os, ssl, sys, urllib.request
from datetime import datetime, timedelta, timezone
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

work, ims_port = sys.argv[1], sys.argv[2]
def keypair(cn):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode(), cert.public_bytes(serialization.Encoding.PEM).decode()
registered_key, registered_cert = keypair("AEM-Adobe-IMS")
other_key, _ = keypair("unregistered")
open(os.path.join(work, "registered.key"), "w").write(registered_key)
open(os.path.join(work, "other.key"), "w").write(other_key)
body = {"client_id": "it-client", "client_secret": os.environ["SEC_CLIENT_SECRET"],
        "org_id": "1234567890ABCDEF12345678@AdobeOrg", "technical_account_id": "ABCDEF1234567890@techacct.adobe.com",
        "certificates": [registered_cert], "metascopes": ["ent_brand_portal_sdk"], "scopes": ["openid", "AdobeID"]}
req = urllib.request.Request("https://127.0.0.1:%s/__mock__/ims/integrations" % ims_port, json.dumps(body).encode(),
                             {"Content-Type": "application/json"}, method="POST")
context = ssl.create_default_context(cafile=os.path.join(work, "ca.pem"))
assert urllib.request.urlopen(req, timeout=10, context=context).status in (200, 201)
PY

set +e
ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -vvv -i localhost, -c local \
    -e "ansible_python_interpreter=$python" \
    -e "aem_url=https://127.0.0.1:$aem_port" -e "ims_url=https://127.0.0.1:$ims_port" \
    -e "ca_file=$work/ca.pem" -e "key_dir=$work" \
    "$here/security.yml" >"$work/play.log" 2>&1
rc=$?
set -e
tail -n 40 "$work/play.log"
[ "$rc" -eq 0 ] || { echo "security.yml failed (rc=$rc)"; exit "$rc"; }

# Secrets must not appear anywhere in the -vvv output: not in results, diffs, errors or warnings.
leaks=0
for name in SEC_ADMIN_PASSWORD SEC_CLIENT_SECRET SEC_NODE_SECRET; do
    if grep -qF -- "${!name}" "$work/play.log"; then
        echo "LEAK: the value of $name appears in the -vvv output"; leaks=1
    fi
done
for keyfile in registered.key other.key; do
    body_line="$(sed -n 2p "$work/$keyfile")"
    if grep -qF -- "$body_line" "$work/play.log"; then
        echo "LEAK: private key material of $keyfile appears in the -vvv output"; leaks=1
    fi
done
grep -q "BEGIN PRIVATE KEY" "$work/play.log" && { echo "LEAK: a PEM private key header appears in the output"; leaks=1; }
[ "$leaks" -eq 0 ] || exit 1
echo "no secret found in $(wc -l <"$work/play.log") lines of -vvv output"
