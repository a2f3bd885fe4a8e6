# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Headless chromium (Debian's package) for the tests that look at pages as a reader would: the built docs site
and the audit's HTML report. `make docs` runs them after building the site.

Without chromium the browser tests fail on CI (.ci/run installs it, CI_PACKAGES) and are skipped elsewhere with
the command that installs it; the skip is also written to the stage's note so `make test` shows SKIPPED."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DOCS_HTML = os.environ.get("DOCS_HTML") or os.path.join(REPO, "build", "docs", "html")
SCREENSHOTS = os.environ.get("SCREENSHOTS") or os.path.join(REPO, "build", "docs", "screenshots")

# Nothing leaves the machine: no name resolves (the pages are files), and chromium's own background traffic
# (component updates, sync, metrics) is off.
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
          "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
          "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,1600"]
# a guard against a hung browser, not a timed assertion
_GUARD_SECONDS = 180


def _note(text):
    note = os.environ.get("STAGE_NOTE_FILE")
    if note:
        with open(note, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")


class Chromium(object):
    def __init__(self, binary, profile):
        self.binary, self.profile = binary, profile

    def _run(self, *args):
        proc = subprocess.run([self.binary] + _FLAGS + ["--user-data-dir=%s" % self.profile] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=_GUARD_SECONDS, check=False)
        assert proc.returncode == 0, "chromium %s failed (%d): %s" % (args, proc.returncode, proc.stderr[-2000:])
        return proc

    def dom(self, path):
        """The page's DOM as chromium serialises it after parsing (and running its scripts)."""
        return self._run("--dump-dom", "file://" + os.path.abspath(path)).stdout.decode("utf-8")

    def screenshot(self, path, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        out = os.path.join(SCREENSHOTS, name)
        if os.path.exists(out):
            os.remove(out)
        self._run("--screenshot=%s" % out, "file://" + os.path.abspath(path))
        return out


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        message = "chromium is not installed, so the pages cannot be checked in a browser"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; on CI .ci/run installs it (CI_PACKAGES): see its apt-get log above")
        _note("chromium not installed (apt-get install chromium): browser checks skipped")
        pytest.skip(message + "; install it with: sudo apt-get install chromium")
    return Chromium(binary, str(tmp_path_factory.mktemp("chromium-profile")))


def png_size_and_colours(path):
    """(width, height) of a PNG and how many distinct byte values its pixel data holds (a blank page has ~2)."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % path
    pos, idat, size = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return size, len(set(zlib.decompress(idat)))
