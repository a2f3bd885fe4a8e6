#!/usr/bin/env bash
# Run a command against the bundled mock AEM server, started for it and stopped afterwards (always).
#
#   with-mock.sh PYTHON COMMAND [ARGS...]
#
# Starts `PYTHON -m tests.mock_aem --port 0` (a free loopback port) from the repository root in the
# background, waits until it is ready (MOCK_START_TIMEOUT seconds, default 30), then runs COMMAND
# with these variables exported:
#   MOCK_PORT, AEM_URL=http://127.0.0.1:PORT, AEM_USERNAME=admin, AEM_PASSWORD=admin,
#   AEM_PORTS (all author ports, comma-separated), IMS_URL / BP_URL when MOCK_ARGS asked for them
#   (e.g. MOCK_ARGS="--ims-port 0 --bp-port 0").
# COMMAND is bounded by MOCK_RUN_TIMEOUT seconds (default 1800) so nothing can hang CI.
# The mock's output goes to build/mock-aem.log (MOCK_LOG=path: elsewhere, so that two runs can share a
# checkout). Extra mock arguments: MOCK_ARGS="...".
set -euo pipefail

py="${1:?usage: with-mock.sh PYTHON COMMAND [ARGS...]}"
shift
[ "$#" -gt 0 ] || { echo "with-mock.sh: no command given" >&2; exit 2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
start_timeout="${MOCK_START_TIMEOUT:-30}"
run_timeout="${MOCK_RUN_TIMEOUT:-1800}"
log="${MOCK_LOG:-$repo/build/mock-aem.log}"
mkdir -p "$(dirname "$log")"

if [ ! -f "$repo/tests/mock_aem/__main__.py" ]; then
    echo "ERROR: the mock AEM server (tests/mock_aem/__main__.py) does not exist yet." >&2
    exit 1
fi

mock_pid=""
# shellcheck disable=SC2317  # only reached through the traps below
stop_mock() {
    if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
        kill "$mock_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$mock_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$mock_pid" 2>/dev/null || true
        wait "$mock_pid" 2>/dev/null || true
        echo "== mock AEM (pid $mock_pid) stopped"
    fi
    mock_pid=""
}
trap stop_mock EXIT
trap 'stop_mock; exit 130' INT
trap 'stop_mock; exit 143' TERM

# Ready when the mock printed "mock-aem ready: aem=PORT[,PORT...] [ims=PORT] [bp=PORT]" and
# GET /__mock__/stats on the first author port answers.
probe() {
    "$py" - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:%s/__mock__/stats" % sys.argv[1], timeout=2).read()
except urllib.error.HTTPError:
    pass
except Exception:
    sys.exit(1)
PY
}

ready_value() {   # ready_value aem|ims|bp -> the value of that field of the ready line, or nothing
    sed -n 's/^mock-aem ready:.*\b'"$1"'=\([0-9,]*\).*$/\1/p' "$log" 2>/dev/null | head -n1 || true
}

: > "$log"   # exists before the first look at it
# --port 0: the system picks a free port (no race between choosing a port and binding it)
echo "== starting mock AEM on a free port (log: ${log#"$repo"/})"
# shellcheck disable=SC2086  # MOCK_ARGS is a list of words on purpose
(cd "$repo" && PYTHONUNBUFFERED=1 exec "$py" -m tests.mock_aem --port 0 ${MOCK_ARGS:-}) \
    >"$log" 2>&1 < /dev/null &
mock_pid=$!
port=""
deadline=$((SECONDS + start_timeout))
while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$mock_pid" 2>/dev/null || break
    aem_ports="$(ready_value aem)"
    port="${aem_ports%%,*}"
    if [ -n "$port" ] && probe "$port"; then
        break
    fi
    port=""
    sleep 0.2
done
if [ -z "$port" ]; then
    echo "ERROR: the mock AEM server did not become ready within ${start_timeout}s; its log:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
fi
echo "== mock AEM is up (pid $mock_pid): $(grep -m1 '^mock-aem ready:' "$log")"

ims_port="$(ready_value ims)"
bp_port="$(ready_value bp)"
if [ -n "$ims_port" ]; then export IMS_URL="http://127.0.0.1:$ims_port"; fi
if [ -n "$bp_port" ]; then export BP_URL="http://127.0.0.1:$bp_port"; fi
export AEM_PORTS="$aem_ports"
export MOCK_PORT="$port"
export AEM_URL="http://127.0.0.1:$port"
export AEM_USERNAME="${AEM_USERNAME:-admin}"
export AEM_PASSWORD="${AEM_PASSWORD:-admin}"

# interactive runs keep the terminal's Ctrl-C working (--foreground); CI kills the whole group
fg=()
[ -t 0 ] && fg=(--foreground)
set +e
timeout "${fg[@]}" --kill-after=30 "$run_timeout" "$@"
rc=$?
set -e
if [ "$rc" -eq 124 ]; then
    echo "ERROR: '$*' did not finish within ${run_timeout}s" >&2
fi
exit "$rc"
