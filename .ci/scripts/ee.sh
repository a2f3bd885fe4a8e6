#!/usr/bin/env bash
# Build the execution environment (execution-environment.yml) with ansible-builder, and test it.
#
#   ee.sh VENV build     make the base image (unless EE_BASE_IMAGE names another), the collection tarball, then
#                        `ansible-builder build`
#   ee.sh VENV test      build, then inside the image: `ansible-doc -l aemtools.brand_portal` lists every module of
#                        plugins/modules, and the README demo (playbooks/demo.yml) passes against the mock AEM
#                        (a local process started by with-mock.sh; the container joins the host's network)
#
# Without a working container engine it prints "SKIPPED" with the reason and exits 0, or fails when
# REQUIRE_CONTAINERS=1 (CI), the same way as the Molecule container scenarios (molecule.sh).
#
# Environment:
#   EE_IMAGE        the image to build (default localhost/aemtools-brand_portal-ee:latest)
#   EE_BASE_IMAGE   its base (default localhost/aemtools-ee-base:bookworm, made here from the mock's Debian image:
#                   extensions/ee/Containerfile.base). Another one is used as it is (pulled if missing): it needs
#                   Python 3 with pip or ensurepip, e.g. registry.example/ee-minimal:latest
#   EE_PKGMGR       the base image's package manager for bindep.txt (default: /usr/local/bin/ee-apt-get in the
#                   default base, /usr/bin/microdnf in another one, as in Red Hat's ee-minimal; or /usr/bin/dnf)
#   EE_PYCMD        the base image's Python (default: /opt/ee/bin/python3 in the default base, /usr/bin/python3
#                   in another one)
#   EE_BUILD_CA     a CA bundle the build's pip trusts (podman only: mounted over the image's
#                   /etc/ssl/certs/ca-certificates.crt during the build, not stored in the image). Default: this
#                   machine's /etc/ssl/certs/ca-certificates.crt, so pip reaches PyPI the way the host does (also
#                   through a TLS-inspecting proxy whose CA only the host trusts). EE_BUILD_CA=none: no mount.
#   MOCK_ENGINE, CONTAINERS_CONF: as for mock-image.sh
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
venv="$(cd "${1:?usage: ee.sh VENV build|test}" && pwd)"
mode="${2:-build}"
export PATH="$venv/bin:$PATH"

DEFAULT_BASE=localhost/aemtools-ee-base:bookworm
EE_IMAGE="${EE_IMAGE:-localhost/aemtools-brand_portal-ee:latest}"
EE_BASE_IMAGE="${EE_BASE_IMAGE:-$DEFAULT_BASE}"
if [ "$EE_BASE_IMAGE" = "$DEFAULT_BASE" ]; then
    EE_PKGMGR="${EE_PKGMGR:-/usr/local/bin/ee-apt-get}"; EE_PYCMD="${EE_PYCMD:-/opt/ee/bin/python3}"
else
    EE_PKGMGR="${EE_PKGMGR:-/usr/bin/microdnf}"; EE_PYCMD="${EE_PYCMD:-/usr/bin/python3}"
fi
out=build/ee
mkdir -p "$out"

say() { echo "ee: $*"; }
fail() { echo "ERROR: $*" >&2; exit 1; }
timed() {   # timed LABEL LOG COMMAND...: run, log to LOG, say how long it took; show the log's tail on failure
    local label="$1" log="$2" start=$SECONDS; shift 2
    if "$@" > "$log" 2>&1; then
        say "$label ($((SECONDS - start))s)"
    else
        tail -40 "$log" >&2
        fail "$label failed after $((SECONDS - start))s (log: $log)"
    fi
}

# 1. a container engine, and the mock's Debian base image (made with debootstrap when missing)
start=$SECONDS
image_out="$(.ci/scripts/mock-image.sh 2>&1)"; rc=$?
echo "$image_out"
if [ "$rc" = 3 ]; then
    reason="$(echo "$image_out" | sed -n 's/^mock-image: unavailable //p' | tail -1)"
    if [ "${REQUIRE_CONTAINERS:-0}" = 1 ]; then
        fail "the execution environment must be built here (REQUIRE_CONTAINERS=1) but cannot: $reason"
    fi
    echo
    echo "SKIPPED: the execution environment was not built: $reason."
    [ -n "${STAGE_NOTE_FILE:-}" ] && echo "skipped: $reason" > "$STAGE_NOTE_FILE"
    exit 0
fi
[ "$rc" = 0 ] || fail "could not build the mock's base image (mock-image.sh)"
eval "$(.ci/scripts/mock-image.sh --env)"
engine="$MOCK_ENGINE"
say "mock base image ready ($((SECONDS - start))s)"

# 2. the EE's base image: cached layers make a rebuild a no-op
if [ "$EE_BASE_IMAGE" = "$DEFAULT_BASE" ]; then
    timed "base image $DEFAULT_BASE" "$out/base-build.log" \
        "$engine" build --network=host -f extensions/ee/Containerfile.base -t "$DEFAULT_BASE" extensions/ee
fi

# 3. the collection, from this checkout, under the name execution-environment.yml installs
want_core="$(grep -E '^ansible-core' .ci/constraints-py311.txt | tr -d ' ')"
have_core="$(sed -n 's/^ *package_pip: *\(ansible-core.*\)$/\1/p' execution-environment.yml | tr -d ' ')"
[ "$want_core" = "$have_core" ] \
    || fail "execution-environment.yml installs '$have_core' but .ci/constraints-py311.txt says '$want_core': make them agree"
rm -rf "$out/dist"
timed "collection built" "$out/galaxy-build.log" ansible-galaxy collection build --force --output-path "$out/dist" .
cp "$out"/dist/aemtools-brand_portal-*.tar.gz "$out/aemtools-brand_portal.tar.gz"

# 4. the image. --network=host and the host's CA bundle: the build's pip reaches PyPI the way this machine does
# (no container registry involved)
extra="--network=host"
ca="${EE_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}"
if [ "$engine" = podman ] && [ "$ca" != none ] && [ -f "$ca" ]; then
    extra="$extra --volume=$(readlink -f "$ca"):/etc/ssl/certs/ca-certificates.crt:ro"
fi
build_args=(build -f execution-environment.yml -c "$out/context" --container-runtime "$engine" -t "$EE_IMAGE"
            --build-arg "EE_BASE_IMAGE=$EE_BASE_IMAGE" --build-arg "PKGMGR=$EE_PKGMGR" --build-arg "PYCMD=$EE_PYCMD"
            "--extra-build-cli-args=$extra" -v 2)
timed "built $EE_IMAGE from $EE_BASE_IMAGE with ansible-builder and $engine" "$out/build.log" \
    ansible-builder "${build_args[@]}"
"$engine" image inspect --format 'ee: image size {{.Size}} bytes' "$EE_IMAGE" 2>/dev/null || true
[ "$mode" = build ] && exit 0

# 5. inside the image: the collection is the image's own (not a mount), ansible-doc lists every module
run() { "$engine" run --rm --network=host "$@"; }
coll="$(run "$EE_IMAGE" ansible-galaxy collection list aemtools.brand_portal 2>&1)" || { echo "$coll" >&2; fail "ansible-galaxy collection list failed in the image"; }
echo "$coll"
grep -q '^# /usr/share/ansible/collections/ansible_collections' <<<"$coll" \
    || fail "the image does not hold aemtools.brand_portal under /usr/share/ansible/collections"
listing="$(run "$EE_IMAGE" ansible-doc -t module -l aemtools.brand_portal 2>&1)" || { echo "$listing" >&2; fail "ansible-doc -l failed in the image"; }
echo "$listing"
failed=0 count=0
for f in plugins/modules/*.py; do
    m="$(basename "$f" .py)"; [ "$m" = __init__ ] && continue
    count=$((count + 1))
    grep -q "^aemtools\.brand_portal\.${m}[[:space:]]" <<<"$listing" || { echo "ERROR: ansible-doc -l in the image does not list $m" >&2; failed=1; }
done
[ "$failed" = 0 ] || exit 1
say "ansible-doc -l in the image lists all $count modules"

# 6. the README demo inside the image against the mock on the host: only playbooks/ is mounted, read-only
demo_log="$out/demo.log"
start=$SECONDS
# shellcheck disable=SC2016  # expanded by the inner bash, with the mock's variables
MOCK_ARGS="--aem-version 6.5.21 --instances 3 --ims-port 0 --bp-port 0" MOCK_RUN_TIMEOUT=600 \
    .ci/scripts/with-mock.sh "$venv/bin/python" bash -c '
        exec "$0" run --rm --network=host -e AEM_PORTS -e IMS_URL -e BP_URL -e AEM_USERNAME -e AEM_PASSWORD \
            -e ANSIBLE_NOCOLOR=1 -v "$PWD/playbooks:/runner/project:ro,z" "$1" \
            ansible-playbook /runner/project/demo.yml' "$engine" "$EE_IMAGE" > "$demo_log" 2>&1
rc=$?
cat "$demo_log"
[ "$rc" = 0 ] || fail "the demo failed inside $EE_IMAGE (rc $rc)"
grep -qE '^author3 +: ok=[0-9]+ +changed=[1-9]' "$demo_log" || fail "the demo's recap does not show author3 configured"
if grep -nE 'DeprecationWarning|\[DEPRECATION WARNING\]' "$demo_log"; then
    fail "the demo inside the image printed deprecation warnings (above)"
fi
say "the demo passed inside $EE_IMAGE ($((SECONDS - start))s)"
