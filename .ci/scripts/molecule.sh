#!/usr/bin/env bash
# Run Molecule scenarios of extensions/molecule/ with the mock AEM in one mode.
#   molecule.sh process|container SCENARIO...
# container: builds the mock image first (mock-image.sh). When no container engine works it prints
# "SKIPPED" with the reason and exits 0, or fails when REQUIRE_CONTAINERS=1.
# Every scenario runs even after a failure; the summary names each one's result.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
mode="$1"; shift

if [ "$mode" = container ]; then
    out="$(.ci/scripts/mock-image.sh 2>&1)"; rc=$?
    echo "$out"
    if [ "$rc" = 3 ]; then
        reason="$(echo "$out" | sed -n 's/^mock-image: unavailable //p' | tail -1)"
        if [ "${REQUIRE_CONTAINERS:-0}" = 1 ]; then
            echo "ERROR: the container scenarios must run here (REQUIRE_CONTAINERS=1) but cannot: $reason" >&2
            exit 1
        fi
        echo
        echo "SKIPPED: the Molecule scenarios with the mock AEM as a container did not run: $reason."
        echo "         The same scenarios with the mock as a local process: make molecule (a stage of make test)."
        # run-stages.sh shows the stage as SKIPPED, with the reason, in its summary
        [ -n "${STAGE_NOTE_FILE:-}" ] && echo "skipped: $reason" > "$STAGE_NOTE_FILE"
        exit 0
    fi
    [ "$rc" = 0 ] || { echo "ERROR: could not build the mock AEM image" >&2; exit 1; }
    eval "$(.ci/scripts/mock-image.sh --env)"
    export MOCK_IMAGE="${MOCK_IMAGE:-localhost/aemtools-mock-aem:latest}"
fi

results=() failed=0
for s in "$@"; do
    echo "== molecule test -s $s (mock as a $mode)"
    start=$SECONDS
    if MOCK_MODE="$mode" molecule test -s "$s"; then r=passed; else r=FAILED; failed=$((failed + 1)); fi
    results+=("$(printf '%-24s %-7s %4ss' "$s" "$r" "$((SECONDS - start))")")
done
echo
echo "molecule ($mode mode):"
printf '  %s\n' "${results[@]}"
if [ "$mode" = container ]; then
    leftover="$("$MOCK_ENGINE" ps --all --quiet --filter label=io.aemtools.mock=true 2>/dev/null)"
    if [ -n "$leftover" ]; then
        echo "ERROR: mock containers left running after destroy: $leftover" >&2
        failed=$((failed + 1))
    fi
fi
[ "$failed" -eq 0 ]
