"""Issue 3: "A Containerfile builds an image of the mock (base image a build argument)".

Building and running the image belongs to another issue (no container engine here), so these
tests check what can be checked without one: the Containerfile's syntax and contract (base image
argument, what is copied, ports, entrypoint, stop signal), its RUN script with ``sh -n``, both
dependency branches of that script, and the image's file set run as the image would run it (only
the copied files, Debian 12's python3 with its python3-cryptography/python3-jwt packages when this
machine has them), including SIGTERM as PID 1.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.mock_aem.__main__ import build_parser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HERE = os.path.join(ROOT, "tests", "mock_aem")
CONTAINERFILE = os.path.join(HERE, "Containerfile")
KNOWN = {"FROM", "ARG", "ENV", "LABEL", "WORKDIR", "COPY", "ADD", "RUN", "EXPOSE", "USER", "STOPSIGNAL",
         "ENTRYPOINT", "CMD", "VOLUME", "HEALTHCHECK", "SHELL", "ONBUILD"}
DEBIAN_PY = "/usr/bin/python3"


def instructions():
    """[(INSTRUCTION, argument text)] with continuation lines joined and comments dropped."""
    out, buf = [], ""
    with open(CONTAINERFILE, encoding="utf-8") as fh:
        for line in fh:
            s = line.rstrip("\n")
            if not buf and (not s.strip() or s.lstrip().startswith("#")):
                continue
            if s.endswith("\\"):
                buf += s[:-1] + " "
                continue
            buf += s
            word, _unused, rest = buf.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            buf = ""
    assert not buf, "dangling line continuation"
    return out


def one(name):
    found = [a for i, a in instructions() if i == name]
    assert len(found) == 1, (name, found)
    return found[0]


def test_syntax_and_base_image_argument():
    ins = instructions()
    assert {i for i, _unused in ins} <= KNOWN
    assert ins[0] == ("ARG", "BASE_IMAGE=localhost/aemtools-mock-base:bookworm")
    assert ins[1] == ("FROM", "${BASE_IMAGE}")
    assert [i for i, _unused in ins].count("FROM") == 1


def test_copies_only_the_mock():
    copies = [a for i, a in instructions() if i in ("COPY", "ADD")]
    assert [i for i, _unused in instructions() if i == "ADD"] == []
    assert copies == ["tests/__init__.py tests/__init__.py", "tests/mock_aem tests/mock_aem"]
    for src in ("tests/__init__.py", "tests/mock_aem/__main__.py", "tests/mock_aem/requirements.txt"):
        assert os.path.exists(os.path.join(ROOT, src))
    with open(os.path.join(HERE, ".containerignore"), encoding="utf-8") as fh:
        rules = [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]
    assert rules[:3] == ["*", "!tests/__init__.py", "!tests/mock_aem"]
    assert os.readlink(os.path.join(HERE, "Containerfile.dockerignore")) == ".containerignore"


def test_entrypoint_cmd_ports_and_stop_signal():
    entry = json.loads(one("ENTRYPOINT"))
    cmd = json.loads(one("CMD"))
    assert entry == ["python3", "-m", "tests.mock_aem", "--host", "0.0.0.0"]
    args = build_parser().parse_args(entry[3:] + cmd)
    assert args.host == "0.0.0.0"
    exposed = set()
    for part in one("EXPOSE").split():
        lo, _unused, hi = part.split("/")[0].partition("-")
        exposed |= set(range(int(lo), int(hi or lo) + 1))
    assert {args.port, args.ims_port, args.bp_port} <= exposed
    assert set(range(args.port, args.port + 10)) <= exposed  # room for --instances up to 10
    assert one("STOPSIGNAL") == "SIGTERM"
    assert one("WORKDIR") == "/opt/mock-aem"
    assert re.fullmatch(r"\d+:\d+", one("USER"))


def _run_script():
    return one("RUN")


def test_run_script_is_valid_sh():
    r = subprocess.run(check=False, args=["sh", "-n", "-c", _run_script()], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


def _image_tree(tmp_path):
    """The image's /opt/mock-aem: exactly what the two COPY lines and .containerignore give."""
    root = tmp_path / "opt-mock-aem"
    (root / "tests").mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "tests", "__init__.py"), root / "tests" / "__init__.py")
    shutil.copytree(HERE, root / "tests" / "mock_aem",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
    return root


def _debian_python_with_deps():
    if not os.path.exists(DEBIAN_PY):
        return False
    r = subprocess.run(check=False, args=[DEBIAN_PY, "-c", "import cryptography, jwt"], capture_output=True, timeout=30)
    return r.returncode == 0


needs_debian_py = pytest.mark.skipif(not _debian_python_with_deps(),
                                     reason="needs /usr/bin/python3 with python3-cryptography and python3-jwt")


@needs_debian_py
def test_run_script_uses_the_base_image_packages(tmp_path):
    """Base image with python3-cryptography/python3-jwt (the debootstrap one): no pip."""
    root = _image_tree(tmp_path)
    binp = tmp_path / "bin"
    binp.mkdir()
    (binp / "python3").symlink_to(DEBIAN_PY)
    env = {"PATH": "%s:/usr/bin:/bin" % binp, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(tmp_path)}
    r = subprocess.run(check=False, args=["sh", "-c", _run_script()], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "cryptography and PyJWT come from the base image" in r.stdout
    assert "pip" not in r.stdout + r.stderr


@needs_debian_py
def test_run_script_pip_installs_when_the_base_image_lacks_them(tmp_path):
    """Base image without them (python:3.11-slim): pip install -r requirements.txt. A fake python3
    hides the packages until 'pip install' ran, and records the pip call instead of reaching PyPI."""
    root = _image_tree(tmp_path)
    binp = tmp_path / "bin"
    binp.mkdir()
    marker = tmp_path / "pip-args"
    fake = binp / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then shift 2; echo "$*" > %s; exit 0; fi\n'
        'if [ -e %s ]; then exec %s "$@"; fi\n'
        'exec %s -S "$@"\n' % (shlex.quote(str(marker)), shlex.quote(str(marker)), DEBIAN_PY, DEBIAN_PY))
    fake.chmod(0o755)
    env = {"PATH": "%s:/usr/bin:/bin" % binp, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(tmp_path)}
    r = subprocess.run(check=False, args=["sh", "-c", _run_script()], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert marker.read_text().split() == ["install", "-r", "tests/mock_aem/requirements.txt"]
    reqs = [ln.split(">=")[0] for ln in (root / "tests/mock_aem/requirements.txt").read_text().splitlines()
            if ln and not ln.startswith("#")]
    assert reqs == ["cryptography", "PyJWT"]


def _pid1_command(root):
    entry = json.loads(one("ENTRYPOINT"))
    cmd = ["--port", "0", "--ims-port", "0", "--bp-port", "0"]  # the CMD's flags, on free ports
    assert [a for a in json.loads(one("CMD")) if a.startswith("--")] == [a for a in cmd if a.startswith("--")]
    python = DEBIAN_PY if _debian_python_with_deps() else sys.executable
    return [python] + entry[1:] + cmd


def _wait_ready(p, timeout=30):
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    ok = sel.select(timeout=timeout)
    sel.close()
    return p.stdout.readline() if ok else ""


def _unshare_works():
    if not shutil.which("unshare"):
        return False
    r = subprocess.run(check=False, args=["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, timeout=30)
    return r.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare --pid (root)")
def test_image_files_serve_and_stop_on_sigterm_as_pid1(tmp_path):
    """The image's files alone, started with the ENTRYPOINT as PID 1 of a new PID namespace (as in a
    container): ready line, the three ports answer, SIGTERM to PID 1 stops it cleanly (exit 0)."""
    root = _image_tree(tmp_path)
    p = subprocess.Popen(["unshare", "--pid", "--mount-proc", "--kill-child"] + _pid1_command(root), cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"})
    try:
        line = _wait_ready(p)
        assert line.startswith("mock-aem ready: "), line
        ports = dict(x.split("=", 1) for x in line.split()[2:])
        for key in ("aem", "ims", "bp"):
            assert requests.get("http://127.0.0.1:%s/__mock__/stats" % ports[key], timeout=10).status_code == 200
        r = requests.get("http://127.0.0.1:%s/libs/granite/core/content/login.html" % ports["aem"], timeout=10)
        assert r.status_code == 200 and "QUICKSTART_HOMEPAGE" in r.text
        children = _children(p.pid)
        assert len(children) == 1
        with open("/proc/%d/status" % children[0]) as fh:
            nspid = [ln.split()[1:] for ln in fh if ln.startswith("NSpid:")][0]
        assert nspid[-1] == "1"  # the mock is PID 1 in its namespace
        started = time.monotonic()
        os.kill(children[0], signal.SIGTERM)
        out, _unused = p.communicate(timeout=20)
        assert p.returncode == 0 and out == "mock-aem stopped\n"
        assert time.monotonic() - started < 20
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def _children(pid):
    kids = []
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, task)) as fh:
            kids += [int(x) for x in fh.read().split()]
    return kids
