#!/usr/bin/env bash
# Sourced by runme.sh targets that start their own mock AEM. Provides:
#   start_mock ARGS...          a private mock (python -m tests.mock_aem --port 0 ARGS); sets MOCK_AEM_PORT,
#                               MOCK_AEM_PORTS (every author, comma-separated, for --instances N),
#                               MOCK_IMS_PORT, MOCK_BP_PORT (when asked for) and MOCK_SCHEME
#   stop_mocks                  stop every mock started so far (also done when the script exits)
#   make_keypairs NAME...       RSA key + self-signed certificate as $MOCK_WORK/NAME.key and NAME.crt
#   run_vvv PLAYBOOK ARGS...    ansible-playbook -vvv on localhost, output in $MOCK_WORK/<playbook>.log
#   assert_no_leaks VAR...      fail if the value of any environment variable VAR, or the body of any
#                               $MOCK_WORK/*.key, or a PEM private key header appears in a -vvv log

_mock_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The mock lives in the collection's tests/mock_aem: beside this target in a checkout, or in the
# collection ANSIBLE_COLLECTIONS_PATH names when ansible-test runs a copy of the targets.
MOCK_ROOT=""
IFS=: read -r -a _mock_collection_paths <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
for _mock_candidate in "$_mock_here/../../../.." \
        "${_mock_collection_paths[@]/%//ansible_collections/aemtools/brand_portal}"; do
    if [ -f "$_mock_candidate/tests/mock_aem/__main__.py" ]; then
        MOCK_ROOT="$(cd "$_mock_candidate" && pwd)"
        break
    fi
done
if [ -z "$MOCK_ROOT" ]; then
    echo "setup_mock: tests/mock_aem not found (set ANSIBLE_COLLECTIONS_PATH)" >&2
    exit 1
fi
MOCK_PYTHON="${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}"
MOCK_WORK="$(mktemp -d)"
_mock_pids=()

stop_mocks() {
    local pid
    for pid in "${_mock_pids[@]:-}"; do
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    _mock_pids=()
}
_mock_cleanup() {
    stop_mocks
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $MOCK_WORK (KEEP_WORK)"; else rm -rf "$MOCK_WORK"; fi
}
trap _mock_cleanup EXIT

start_mock() {
    local log="$MOCK_WORK/mock-${#_mock_pids[@]}.log" ready=""
    (cd "$MOCK_ROOT" && exec timeout 900 "$MOCK_PYTHON" -m tests.mock_aem --port 0 "$@") >"$log" 2>&1 &
    _mock_pids+=("$!")
    for _attempt in $(seq 1 150); do
        ready="$(grep -m1 'mock-aem ready' "$log" 2>/dev/null || true)"
        [ -n "$ready" ] && break
        kill -0 "${_mock_pids[-1]}" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.2
    done
    [ -n "$ready" ] || { echo "mock did not start" >&2; cat "$log" >&2; return 1; }
    MOCK_AEM_PORT="$(sed -E 's/.*aem=([0-9]+).*/\1/' <<<"$ready")"
    MOCK_AEM_PORTS="$(grep -oE 'aem=[0-9,]+' <<<"$ready" | cut -d= -f2)"
    MOCK_IMS_PORT="$(grep -oE 'ims=[0-9]+' <<<"$ready" | cut -d= -f2 || true)"
    MOCK_BP_PORT="$(grep -oE 'bp=[0-9]+' <<<"$ready" | cut -d= -f2 || true)"
    MOCK_SCHEME="$(grep -oE 'scheme=[a-z]+' <<<"$ready" | cut -d= -f2 || echo http)"
    export MOCK_AEM_PORT MOCK_AEM_PORTS MOCK_IMS_PORT MOCK_BP_PORT MOCK_SCHEME
    echo "started: $ready"
}

make_keypairs() {
    "$MOCK_PYTHON" - "$MOCK_WORK" "$@" <<'PY'
import os, sys
from datetime import datetime, timedelta, timezone
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

work = sys.argv[1]
for name in sys.argv[2:]:
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
}

run_vvv() {
    local playbook="$1" log rc
    shift
    log="$MOCK_WORK/$(basename "$playbook").log"
    set +e
    ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -vvv -i localhost, -c local \
        -e "ansible_python_interpreter=$MOCK_PYTHON" "$@" "$playbook" >"$log" 2>&1
    rc=$?
    set -e
    tail -n 30 "$log"
    [ "$rc" -eq 0 ] || { echo "$(basename "$playbook") failed (rc=$rc)"; exit "$rc"; }
}

assert_no_leaks() {
    local leaks=0 log name keyfile body_line
    for log in "$MOCK_WORK"/*.yml.log; do
        for name in "$@"; do
            if grep -qF -- "${!name}" "$log"; then
                echo "LEAK: the value of $name appears in $(basename "$log")"; leaks=1
            fi
        done
        for keyfile in "$MOCK_WORK"/*.key; do
            [ -f "$keyfile" ] || continue
            body_line="$(sed -n 2p "$keyfile")"
            if grep -qF -- "$body_line" "$log"; then
                echo "LEAK: private key material of $(basename "$keyfile") appears in $(basename "$log")"; leaks=1
            fi
        done
        if grep -q "BEGIN PRIVATE KEY" "$log"; then
            echo "LEAK: a PEM private key header appears in $(basename "$log")"; leaks=1
        fi
    done
    [ "$leaks" -eq 0 ] || exit 1
    echo "no secret found in $(cat "$MOCK_WORK"/*.yml.log | wc -l) lines of -vvv output"
}
