#!/usr/bin/env bash
# aem_ims_config against its own mock AEM + mock IMS: OAuth Server-to-Server on AEM 6.5.21, JWT (AEM-generated
# and bring-your-own key pairs) on AEM 6.5.15. Each playbook checks check mode (0 writes, read from the mock's
# /__mock__/stats), create, idempotent re-runs (0 writes), one change (1 write), the client secret policies,
# Check Health success and failure, and deletion. The -vvv output must not contain a secret or a private key.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The mock lives in the collection's tests/mock_aem: next to this target when run from the checkout, or
# in the collection that ANSIBLE_COLLECTIONS_PATH names when ansible-test runs a copy of the target.
root=""
IFS=: read -r -a collection_paths <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
for candidate in "$here/../../../.." "${collection_paths[@]/%//ansible_collections/aemtools/brand_portal}"; do
    if [ -f "$candidate/tests/mock_aem/__main__.py" ]; then root="$(cd "$candidate" && pwd)"; break; fi
done
[ -n "$root" ] || { echo "runme.sh: tests/mock_aem not found (set ANSIBLE_COLLECTIONS_PATH)"; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
work="$(mktemp -d)"
mock_pid=""
stop_mock() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
    mock_pid=""
}
cleanup() {
    stop_mock
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work (KEEP_WORK)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Secrets used below; none of them may appear in the playbooks' -vvv output.
export IT_CLIENT_SECRET="p8e-ims-config-secret-$RANDOM$RANDOM"
export IT_OTHER_SECRET="p8e-other-secret-$RANDOM$RANDOM"

# Bring-your-own key pairs: "fleet" is registered with the credential, "unregistered" is not.
"$python" - "$work" <<'PY'
import os, sys
from datetime import datetime, timedelta, timezone
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

work = sys.argv[1]
for name in ("fleet", "unregistered"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AEM-Adobe-IMS-" + name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    with open(os.path.join(work, name + ".key"), "w") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode())
    with open(os.path.join(work, name + ".crt"), "w") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM).decode())
PY

# start_mock VERSION: a fresh mock AEM (with IMS and Brand Portal) of that version; sets aem_port, ims_port.
start_mock() {
    local log="$work/mock-$1.log"
    (cd "$root" && exec timeout 900 "$python" -m tests.mock_aem --port 0 --ims-port 0 --bp-port 0 \
        --aem-version "$1") >"$log" 2>&1 &
    mock_pid=$!
    for _ in $(seq 1 150); do
        grep -q "ready" "$log" 2>/dev/null && break
        kill -0 "$mock_pid" 2>/dev/null || { cat "$log"; exit 1; }
        sleep 0.2
    done
    local ready
    ready="$(grep -m1 ready "$log")" || { cat "$log"; exit 1; }
    aem_port="$(sed -E 's/.*aem=([0-9]+).*/\1/' <<<"$ready")"
    ims_port="$(sed -E 's/.*ims=([0-9]+).*/\1/' <<<"$ready")"
    echo "mock: $ready"
}

# run_play PLAYBOOK: -vvv output to $work/<playbook>.log; fails the script when the playbook fails.
run_play() {
    local log="$work/$1.log" rc
    set +e
    ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -vvv -i localhost, -c local \
        -e "ansible_python_interpreter=$python" \
        -e "aem_url=http://127.0.0.1:$aem_port" -e "ims_url=http://127.0.0.1:$ims_port" -e "key_dir=$work" \
        "$here/$1" >"$log" 2>&1
    rc=$?
    set -e
    tail -n 30 "$log"
    [ "$rc" -eq 0 ] || { echo "$1 failed (rc=$rc)"; exit "$rc"; }
}

start_mock 6.5.21
run_play oauth.yml
stop_mock

start_mock 6.5.15
run_play jwt.yml
stop_mock

# Secrets must not appear anywhere in the -vvv output: not in results, diffs, errors or warnings.
leaks=0
for log in "$work/oauth.yml.log" "$work/jwt.yml.log"; do
    for name in IT_CLIENT_SECRET IT_OTHER_SECRET; do
        if grep -qF -- "${!name}" "$log"; then
            echo "LEAK: the value of $name appears in $(basename "$log")"; leaks=1
        fi
    done
    for keyfile in fleet.key unregistered.key; do
        body_line="$(sed -n 2p "$work/$keyfile")"
        if grep -qF -- "$body_line" "$log"; then
            echo "LEAK: private key material of $keyfile appears in $(basename "$log")"; leaks=1
        fi
    done
    if grep -q "BEGIN PRIVATE KEY" "$log"; then
        echo "LEAK: a PEM private key header appears in $(basename "$log")"; leaks=1
    fi
done
[ "$leaks" -eq 0 ] || exit 1
echo "no secret found in $(cat "$work"/*.yml.log | wc -l) lines of -vvv output"
