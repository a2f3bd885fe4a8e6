#!/usr/bin/env bash
# Run a command against the bundled mock AEM server, started for it and stopped afterwards (always).
#
#   with-mock.sh PYTHON COMMAND [ARGS...]
#
# Starts `PYTHON -m tests.mock_aem --port PORT` from the repository root on a free loopback port, in
# the background, waits until it answers (MOCK_START_TIMEOUT seconds, default 30), then runs COMMAND
# with these variables exported:
#   MOCK_PORT, AEM_URL=http://127.0.0.1:PORT, AEM_USERNAME=admin, AEM_PASSWORD=admin
# COMMAND is bounded by MOCK_RUN_TIMEOUT seconds (default 1800) so nothing can hang CI.
# The mock's output goes to build/mock-aem.log. Extra mock arguments: MOCK_ARGS="...".
set -euo pipefail

py="${1:?usage: with-mock.sh PYTHON COMMAND [ARGS...]}"
shift
[ "$#" -gt 0 ] || { echo "with-mock.sh: no command given" >&2; exit 2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
start_timeout="${MOCK_START_TIMEOUT:-30}"
run_timeout="${MOCK_RUN_TIMEOUT:-1800}"
log="$repo/build/mock-aem.log"
mkdir -p "$repo/build"

if [ ! -f "$repo/tests/mock_aem/__main__.py" ]; then
    echo "ERROR: the mock AEM server (tests/mock_aem/__main__.py) does not exist yet." >&2
    exit 1
fi

mock_pid=""
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

free_port() {
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Ready when GET /__mock__/stats answers 200 (any HTTP answer at all counts, for older mocks).
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

started=""
for attempt in 1 2 3; do    # a free port can be taken between the look-up and the bind: retry
    port="$(free_port)"
    echo "== starting mock AEM on 127.0.0.1:$port (attempt $attempt, log: ${log#"$repo"/})"
    # shellcheck disable=SC2086  # MOCK_ARGS is a list of words on purpose
    (cd "$repo" && exec "$py" -m tests.mock_aem --port "$port" ${MOCK_ARGS:-}) >"$log" 2>&1 < /dev/null &
    mock_pid=$!
    deadline=$((SECONDS + start_timeout))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$mock_pid" 2>/dev/null; then
            break
        fi
        if probe "$port"; then
            started=yes
            break
        fi
        sleep 0.2
    done
    [ -n "$started" ] && break
    echo "== mock AEM did not come up on port $port; its log:" >&2
    tail -n 20 "$log" >&2 || true
    stop_mock
done
if [ -z "$started" ]; then
    echo "ERROR: could not start the mock AEM server (see $log)" >&2
    exit 1
fi
echo "== mock AEM is up (pid $mock_pid)"

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
