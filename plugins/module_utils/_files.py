# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Files the collection writes on the controller (public certificates, the audit's reports): written only when
their content differs, so that a re-run changes nothing, and atomically, so that a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile


def write_if_changed(path, text, check_mode=False):
    """Write ``text`` to ``path`` when the file does not hold it already; True when it changed (or would, in check
    mode, where nothing is written). Missing parent folders are created. Raises ``OSError`` when it cannot write."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except (IOError, OSError, ValueError):
        pass
    if check_mode:
        return True
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".aemtools-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True
