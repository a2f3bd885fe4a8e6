#!/usr/bin/env bash
# Build the mock AEM container image (tests/mock_aem/Containerfile) with the machine's container engine.
#
#   mock-image.sh [--check]
#
# Prints, on its last line, one of
#   mock-image: ready ENGINE IMAGE          (built, or already there; exit 0)
#   mock-image: unavailable REASON          (no working engine; exit 3)
# and exits 1 when an engine works but the build fails. `--check` only reports whether an engine works.
#
# Environment:
#   MOCK_ENGINE       podman | docker (default: the first of the two that answers `ENGINE info`)
#   MOCK_IMAGE        the image to build (default localhost/aemtools-mock-aem:latest)
#   MOCK_BASE_IMAGE   the Containerfile's BASE_IMAGE (default localhost/aemtools-mock-base:bookworm). The
#                     default is made here when missing, without any registry: debootstrap a minimal
#                     Debian 12 with python3, python3-cryptography and python3-jwt, then `ENGINE import`
#                     (needs root and debootstrap). With a registry, pass e.g. docker.io/library/python:3.11-slim.
#   MOCK_DEBIAN_MIRROR the mirror for debootstrap (default: the machine's first apt URI, else deb.debian.org)
#   MOCK_BUILD_DIR    where the base file system is made (default build/podman)
#   CONTAINERS_CONF   podman's configuration; when unset and the engine is podman, a project-owned one is
#                     written to $MOCK_BUILD_DIR/containers.conf (runc, cgroupfs, file events, this
#                     machine's hard ulimits) and used: export the same value when running containers
#                     (`eval "$(mock-image.sh --env)"` prints it).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

MOCK_IMAGE="${MOCK_IMAGE:-localhost/aemtools-mock-aem:latest}"
DEFAULT_BASE=localhost/aemtools-mock-base:bookworm
MOCK_BASE_IMAGE="${MOCK_BASE_IMAGE:-$DEFAULT_BASE}"
MOCK_BUILD_DIR="${MOCK_BUILD_DIR:-build/podman}"
mode="${1:-build}"
mkdir -p "$MOCK_BUILD_DIR"

say() { echo "mock-image: $*"; }
unavailable() { say "unavailable $*"; exit 3; }

# A project-owned containers.conf for podman on machines like CI's (root, cgroup v1/hybrid, crun unable to
# raise RLIMIT_NOFILE/NPROC): see ../shared/reference/offline-tooling.md. Written, not edited in /etc.
podman_conf() {
    [ -z "${CONTAINERS_CONF:-}" ] || return 0
    mkdir -p "$MOCK_BUILD_DIR"
    local conf="$PWD/$MOCK_BUILD_DIR/containers.conf" nofile nproc runtime=""
    nofile="$(ulimit -Hn)"; nproc="$(ulimit -Hu)"
    [ "$nofile" = unlimited ] && nofile=1048576
    [ "$nproc" = unlimited ] && nproc=1048576
    # runc cannot set RLIMIT_NPROC above kernel.pid_max on this kind of VM (EPERM), whatever the hard limit
    pid_max="$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo "$nproc")"
    [ "$nproc" -gt "$pid_max" ] && nproc="$pid_max"
    command -v runc >/dev/null && runtime='runtime = "runc"'
    cat > "$conf.tmp" <<EOF
# written by .ci/scripts/mock-image.sh for the mock AEM container (do not edit: it is rewritten)
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
$runtime
EOF
    mv "$conf.tmp" "$conf"
    export CONTAINERS_CONF="$conf"
}

pick_engine() {
    local candidates e out
    if [ -n "${MOCK_ENGINE:-}" ]; then candidates="$MOCK_ENGINE"; else candidates="podman docker"; fi
    for e in $candidates; do
        command -v "$e" >/dev/null || continue
        [ "$e" = podman ] && podman_conf
        if out="$(timeout 60 "$e" info 2>&1)"; then ENGINE="$e"; return 0; fi
        last_error="$e info failed: $(echo "$out" | grep -m1 -iE 'error|cannot|refused' || echo "$out" | head -1)"
    done
    return 1
}

ENGINE=""
last_error="neither podman nor docker is installed"
[ -n "${MOCK_ENGINE:-}" ] && last_error="$MOCK_ENGINE is not installed"
pick_engine || unavailable "no working container engine ($last_error)"

if [ "$mode" = --env ]; then
    echo "export MOCK_ENGINE=$ENGINE"
    [ "$ENGINE" = podman ] && echo "export CONTAINERS_CONF=${CONTAINERS_CONF}"
    exit 0
fi
if [ "$mode" = --check ]; then say "engine $ENGINE works"; exit 0; fi

image_exists() {
    if [ "$ENGINE" = podman ]; then podman image exists "$1"; else docker image inspect "$1" >/dev/null 2>&1; fi
}

# The base image: the local Debian one is made from Debian's packages (the only registry reachable here).
if ! image_exists "$MOCK_BASE_IMAGE"; then
    if [ "$MOCK_BASE_IMAGE" != "$DEFAULT_BASE" ]; then
        say "pulling $MOCK_BASE_IMAGE"
        "$ENGINE" pull "$MOCK_BASE_IMAGE" || { say "could not pull $MOCK_BASE_IMAGE"; exit 1; }
    else
        command -v debootstrap >/dev/null \
            || unavailable "the base image $DEFAULT_BASE is missing and debootstrap is not installed (apt-get install debootstrap, or set MOCK_BASE_IMAGE to an image with python3)"
        [ "$(id -u)" = 0 ] || unavailable "the base image $DEFAULT_BASE is missing and debootstrap needs root (or set MOCK_BASE_IMAGE)"
        mirror="${MOCK_DEBIAN_MIRROR:-$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
                 | head -1 | grep -oE 'https?://[^ ]+' || true)}"
        mirror="${mirror:-http://deb.debian.org/debian}"
        rootfs="$MOCK_BUILD_DIR/rootfs"
        rm -rf "$rootfs"; mkdir -p "$rootfs"
        say "debootstrap bookworm from $mirror (a minute or two; log: $MOCK_BUILD_DIR/debootstrap.log)"
        if ! timeout 900 debootstrap --variant=minbase --include=python3,python3-cffi-backend,python3-cryptography,python3-jwt \
                bookworm "$rootfs" "$mirror" > "$MOCK_BUILD_DIR/debootstrap.log" 2>&1; then
            tail -20 "$MOCK_BUILD_DIR/debootstrap.log" >&2
            say "debootstrap failed"; rm -rf "$rootfs"; exit 1
        fi
        # smaller image: package caches and docs are not needed to run python3
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
               "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
        say "importing $DEFAULT_BASE"
        tar -C "$rootfs" --numeric-owner -c . | "$ENGINE" import - "$DEFAULT_BASE" >/dev/null
        rm -rf "$rootfs"
    fi
fi

# The mock image itself. Cheap to rebuild (two COPY layers), so always built: it follows tests/mock_aem.
say "building $MOCK_IMAGE from $MOCK_BASE_IMAGE with $ENGINE"
build_args=(build -f tests/mock_aem/Containerfile --build-arg "BASE_IMAGE=$MOCK_BASE_IMAGE" -t "$MOCK_IMAGE")
if [ "$ENGINE" = podman ]; then
    build_args+=(--network=host --ignorefile tests/mock_aem/.containerignore)
else
    build_args+=(--network=host)
fi
if ! "$ENGINE" "${build_args[@]}" . > "$MOCK_BUILD_DIR/build.log" 2>&1; then
    tail -30 "$MOCK_BUILD_DIR/build.log" >&2
    say "building $MOCK_IMAGE failed (log: $MOCK_BUILD_DIR/build.log)"; exit 1
fi
say "ready $ENGINE $MOCK_IMAGE"
