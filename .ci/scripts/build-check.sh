#!/usr/bin/env bash
# Build the collection tarball, install it into a temporary path and check that every module
# in plugins/modules/ renders with ansible-doc from that install and is listed by `ansible-doc -l`.
#
#   build-check.sh VENV OUTPUT_DIR
set -euo pipefail

venv="$(cd "${1:?venv}" && pwd)"
out="${2:?output dir for the tarball}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fqcn="aemtools.brand_portal"
export PATH="$venv/bin:$PATH"

cd "$repo"
rm -rf "$out"
mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" .
tarball="$(ls "$out"/aemtools-brand_portal-*.tar.gz)"
echo "== built $tarball ($(du -h "$tarball" | cut -f1))"

# nothing that is not product may ship
if tar -tzf "$tarball" | grep -E '(^|/)(\.venv[^/]*|\.ci|tests/output|tests/unit|tests/mock_aem|build|__pycache__)(/|$)'; then
    echo "ERROR: the tarball above carries files that galaxy.yml's build_ignore should keep out" >&2
    exit 1
fi

install_dir="$(mktemp -d "${TMPDIR:-/tmp}/aemtools-install.XXXXXX")"
trap 'rm -rf "$install_dir"' EXIT
# only the installed copy may be found: no user/system collection paths, no site-packages
export ANSIBLE_COLLECTIONS_PATH="$install_dir"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --force -p "$install_dir" "$tarball"
cd "$install_dir"

shopt -s nullglob
modules=()
for f in "$repo"/plugins/modules/*.py; do
    name="$(basename "$f" .py)"
    [ "$name" = "__init__" ] && continue
    modules+=("$name")
done

failed=0
listing="$(ansible-doc -t module -l "$fqcn" 2>&1)" || {
    # with no module at all ansible-doc -l may complain; with modules it must work
    [ "${#modules[@]}" -eq 0 ] || { echo "$listing" >&2; echo "ERROR: ansible-doc -l $fqcn failed" >&2; exit 1; }
}
echo "$listing"
for m in "${modules[@]}"; do
    if ! grep -q "^${fqcn}\.${m}[[:space:]]" <<<"$listing"; then
        echo "ERROR: ansible-doc -l $fqcn does not list ${fqcn}.${m}" >&2
        failed=1
    fi
    if ansible-doc -t module "${fqcn}.${m}" > "$install_dir/$m.txt" 2>"$install_dir/$m.err" \
        && [ -s "$install_dir/$m.txt" ] && ! grep -q "WARNING\|ERROR" "$install_dir/$m.err"; then
        echo "ok: ansible-doc ${fqcn}.${m} ($(wc -l < "$install_dir/$m.txt") lines)"
    else
        echo "ERROR: ansible-doc ${fqcn}.${m} failed:" >&2
        cat "$install_dir/$m.err" >&2
        failed=1
    fi
done
if [ "${#modules[@]}" -eq 0 ]; then
    echo "build: no modules in plugins/modules yet -- built and installed only."
fi
[ "$failed" -eq 0 ] && echo "build: ${#modules[@]} module(s) documented from the installed tarball"
exit "$failed"
