#!/usr/bin/env bash
# Run each given make target as one stage, timing it; keep going after a failure so that one run
# shows every problem, then print a summary and fail if any stage failed.
#   run-stages.sh STAGE [STAGE...]
set -uo pipefail

make_cmd="${MAKE:-make}"
names=() results=() times=()
failed=0
total_start=$SECONDS

for stage in "$@"; do
    echo
    echo "================================================================ stage: $stage"
    start=$SECONDS
    if "$make_cmd" --no-print-directory "$stage"; then
        result=passed
    else
        result=FAILED
        failed=$((failed + 1))
    fi
    took=$((SECONDS - start))
    echo "================================================================ stage: $stage $result (${took}s)"
    names+=("$stage") results+=("$result") times+=("$took")
done

echo
echo "summary (wall time $((SECONDS - total_start))s):"
for i in "${!names[@]}"; do
    printf '  %-16s %-7s %5ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
echo "stages: $(( ${#names[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
