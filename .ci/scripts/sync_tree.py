"""Mirror the checkout into ``DEST`` (normally ``build/collections/ansible_collections/aemtools/brand_portal``).

ansible-test only runs from a real ``.../ansible_collections/<namespace>/<name>/`` directory (a symlink
is resolved and rejected), so the Makefile keeps such a copy in sync before every ansible-test run.

Copied: what git tracks plus untracked files that are not git-ignored (so work in progress is tested
too, while venvs, caches and build output stay out).  Files that vanished from the checkout are
removed from the copy; ansible-test's own output (``tests/output``, ``tests/integration/inventory``)
and the generated ``tests/integration/integration_config.yml`` are left alone.

The copy gets a git repository of its own (``git init``, nothing committed): the copy lives inside the
checkout's git-ignored ``build/`` directory, and without its own ``.git`` ansible-test would use the
checkout's repository, see only ignored files and skip every test.  ansible-test lists the files of
the copy with ``git ls-files --cached --others --exclude-standard``, so no commit is needed.

Usage: python sync_tree.py SRC DEST
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys

# never removed from the copy: its own git repo, ansible-test's output and generated files
KEEP = (".git/", "tests/output/", "tests/integration/integration_config.yml", "tests/integration/inventory")


def source_files(src: str) -> set[str]:
    out = subprocess.run(
        ["git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        stdout=subprocess.PIPE,
    ).stdout.decode("utf-8")
    files = set()
    for rel in out.split("\0"):
        # ls-files --cached also lists files deleted from the work tree but not yet from the index
        if rel and (os.path.isfile(os.path.join(src, rel)) or os.path.islink(os.path.join(src, rel))):
            files.add(rel)
    return files


def kept(rel: str) -> bool:
    return any(rel == k or rel.startswith(k) for k in KEEP)


def main(src: str, dest: str) -> int:
    src = os.path.abspath(src)
    dest = os.path.abspath(dest)
    if dest == src or src.startswith(dest + os.sep):
        # the removal pass below would delete the checkout itself
        raise SystemExit("refusing to sync %s into %s" % (src, dest))
    wanted = source_files(src)
    copied = removed = 0

    for rel in sorted(wanted):
        s, d = os.path.join(src, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if os.path.islink(s):
            target = os.readlink(s)
            if os.path.islink(d) and os.readlink(d) == target:
                continue
            if os.path.lexists(d):
                os.remove(d)
            os.symlink(target, d)
            copied += 1
            continue
        if os.path.isfile(d) and not os.path.islink(d) and filecmp.cmp(s, d, shallow=False):
            if os.stat(s).st_mode != os.stat(d).st_mode:
                shutil.copymode(s, d)
            continue
        if os.path.lexists(d):
            os.remove(d)
        shutil.copy2(s, d)
        copied += 1

    for root, dirs, files in os.walk(dest, topdown=False):
        rel_root = os.path.relpath(root, dest).replace(os.sep, "/")
        if rel_root != "." and kept(rel_root + "/"):
            continue  # never touch .git/ or tests/output/ (git needs its empty directories)
        for name in files:
            d = os.path.join(root, name)
            rel = os.path.relpath(d, dest).replace(os.sep, "/")
            if rel not in wanted and not kept(rel):
                os.remove(d)
                removed += 1
                if "/__pycache__/" not in "/" + rel:
                    print("  removed from the copy: %s" % rel)
        for name in dirs:
            d = os.path.join(root, name)
            if os.path.islink(d):
                rel = os.path.relpath(d, dest).replace(os.sep, "/")
                if rel not in wanted:
                    os.remove(d)
            elif not kept(os.path.relpath(d, dest).replace(os.sep, "/") + "/") and not os.listdir(d):
                os.rmdir(d)

    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "-q", dest], check=True)

    print("synced %s -> %s (%d files, %d copied, %d removed)" % (src, dest, len(wanted), copied, removed))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
