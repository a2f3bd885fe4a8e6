#!/usr/bin/env bash
# Print the path of a working interpreter for Python VERSION (e.g. 3.11, 3.12), or fail clearly.
#
# `pythonX.Y` on PATH may be a pyenv shim that exists but fails ("command not found" for a version
# that is installed but not selected), so every candidate is actually run before it is accepted.
set -euo pipefail

want="${1:?usage: find-python.sh X.Y}"

works() {
    local cand="$1" got
    [ -n "$cand" ] || return 1
    got="$("$cand" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" || return 1
    [ "$got" = "$want" ]
}

resolve() {
    # a pyenv shim re-dispatches on every call: resolve it to the real binary
    "$1" -c 'import sys; print(sys.executable)' 2>/dev/null
}

candidates=()
# 1. explicit override, e.g. `make PYTHON311=/opt/py/bin/python3.11`
var="PYTHON${want/./}"
[ -n "${!var:-}" ] && candidates+=("${!var}")
# 2. plain PATH look-ups
candidates+=("python${want}" "python3")
# 3. pyenv, asked directly, then its install directory
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then
    prefix="$(pyenv prefix "$want" 2>/dev/null | head -n1 || true)"
    [ -n "$prefix" ] && candidates+=("$prefix/bin/python${want}")
fi
for p in "$pyenv_root"/versions/"$want"*/bin/python"$want"; do
    [ -e "$p" ] && candidates+=("$p")
done
# 4. the usual system locations
candidates+=("/usr/local/bin/python${want}" "/usr/bin/python${want}")

for cand in "${candidates[@]}"; do
    if works "$cand"; then
        resolve "$cand"
        exit 0
    fi
done

echo "ERROR: no working Python ${want} found (tried: ${candidates[*]})." >&2
echo "       Install it (e.g. 'pyenv install ${want}' or 'apt-get install python${want}-venv')," >&2
echo "       or pass its path: make PYTHON${want/./}=/path/to/python${want}" >&2
exit 1
