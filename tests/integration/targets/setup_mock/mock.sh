#!/usr/bin/env bash
# Sourced by runme.sh targets:  start_mock ARGS...  starts a private mock AEM (python -m tests.mock_aem
# --port 0 ARGS) from the collection root and sets MOCK_AEM_PORT, MOCK_IMS_PORT, MOCK_BP_PORT (when
# asked for) and MOCK_SCHEME; every mock started is stopped when the calling script exits.

_mock_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOCK_ROOT="$(cd "$_mock_here/../../../.." && pwd)"
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
trap 'stop_mocks; rm -rf "$MOCK_WORK"' EXIT

start_mock() {
    local log="$MOCK_WORK/mock-${#_mock_pids[@]}.log" ready=""
    (cd "$MOCK_ROOT" && exec timeout 900 "$MOCK_PYTHON" -m tests.mock_aem --port 0 "$@") >"$log" 2>&1 &
    _mock_pids+=("$!")
    for _ in $(seq 1 150); do
        ready="$(grep -m1 'mock-aem ready' "$log" 2>/dev/null || true)"
        [ -n "$ready" ] && break
        kill -0 "${_mock_pids[-1]}" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.2
    done
    [ -n "$ready" ] || { echo "mock did not start" >&2; cat "$log" >&2; return 1; }
    MOCK_AEM_PORT="$(sed -E 's/.*aem=([0-9]+).*/\1/' <<<"$ready")"
    MOCK_IMS_PORT="$(grep -oE 'ims=[0-9]+' <<<"$ready" | cut -d= -f2 || true)"
    MOCK_BP_PORT="$(grep -oE 'bp=[0-9]+' <<<"$ready" | cut -d= -f2 || true)"
    MOCK_SCHEME="$(grep -oE 'scheme=[a-z]+' <<<"$ready" | cut -d= -f2 || echo http)"
    export MOCK_AEM_PORT MOCK_IMS_PORT MOCK_BP_PORT MOCK_SCHEME
    echo "started: $ready"
}
