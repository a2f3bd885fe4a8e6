#!/usr/bin/env bash
# Create (or refresh) a virtual environment with the test tooling.
#   make-venv.sh X.Y VENV_DIR CONSTRAINTS_FILE
# Re-uses an existing venv whose interpreter still works and has the right version;
# the Makefile only calls this when a requirements/constraints file is newer than the stamp.
set -euo pipefail

want="${1:?python version X.Y}"
venv="${2:?venv dir}"
constraints="${3:?constraints file}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -x "$venv/bin/python" ] \
    && [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)" = "$want" ]; then
    echo "== re-using $venv (Python $want)"
else
    base="$("$here/find-python.sh" "$want")"
    echo "== creating $venv with $base"
    rm -rf "$venv"
    "$base" -m venv "$venv"
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
# pip's one-line complaints about local index directories that this machine's pip.conf names but
# that do not hold a given package are noise: drop them, keep everything else
pip_install() {
    local rc=0
    "$venv/bin/python" -m pip install --quiet "$@" 2>&1 \
        | { grep -v "^WARNING: Location 'file:.*' is ignored" || true; } || rc=$?
    return "$rc"
}
pip_install --upgrade pip
pip_install -r requirements-test.txt -c "$constraints"
"$venv/bin/python" -m pip check
"$venv/bin/python" - <<'PY'
import sys
from ansible.release import __version__
print("== Python %d.%d.%d, ansible-core %s ready" % (sys.version_info[:3] + (__version__,)), end="")
PY
echo " in $venv (${SECONDS}s)"
