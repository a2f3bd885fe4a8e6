#!/usr/bin/env bash
# Run each given make target as one stage, timing it; keep going after a failure so that one run
# shows every problem, then print a summary and fail if any stage failed.
#   run-stages.sh STAGE [STAGE...]
set -uo pipefail

make_cmd="${MAKE:-make}"
names=() results=() times=() notes=()
# a stage that passed without doing its work (e.g. no container engine) writes why into STAGE_NOTE_FILE
note_dir="$(mktemp -d)"; trap 'rm -rf "$note_dir"' EXIT
failed=0
total_start=$SECONDS

for stage in "$@"; do
    echo
    echo "================================================================ stage: $stage"
    start=$SECONDS
    note_file="$note_dir/$stage"
    if STAGE_NOTE_FILE="$note_file" "$make_cmd" --no-print-directory "$stage"; then
        result=passed
        [ -s "$note_file" ] && result=SKIPPED
    else
        result=FAILED
        failed=$((failed + 1))
    fi
    took=$((SECONDS - start))
    echo "================================================================ stage: $stage $result (${took}s)"
    names+=("$stage") results+=("$result") times+=("$took") notes+=("$(cat "$note_file" 2>/dev/null)")
done

echo
echo "summary (wall time $((SECONDS - total_start))s):"
for i in "${!names[@]}"; do
    printf '  %-18s %-7s %5ss  %s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}" "${notes[$i]}"
done
skipped=0
for r in "${results[@]}"; do [ "$r" = SKIPPED ] && skipped=$((skipped + 1)); done
echo "stages: $(( ${#names[@]} - failed - skipped )) passed, $skipped skipped, $failed failed"
[ "$failed" -eq 0 ]
