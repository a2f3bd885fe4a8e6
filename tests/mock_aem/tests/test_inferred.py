"""Issue: "Everything the reference marks INFERRED lives in one table in the mock, named as such."

The table is :data:`tests.mock_aem.inferred.INFERRED`; these tests keep it the only one and keep the
code reading its values from it (a key the code asks for must exist, every entry says why).
"""

from __future__ import annotations

import os
import re

from tests.mock_aem import inferred
from tests.mock_aem.inferred import INFERRED, Inferred

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIXES = ("aem.", "ims.", "bp.")


def _sources():
    for name in sorted(os.listdir(PKG)):
        if name.endswith(".py"):
            with open(os.path.join(PKG, name), encoding="utf-8") as fh:
                yield name, fh.read()


def test_one_table_module():
    """Exactly one module holds INFERRED facts: inferred.py (no second table such as inferred_ims_bp.py)."""
    names = [n for n, _unused in _sources()]
    assert [n for n in names if "inferred" in n] == ["inferred.py"]
    for name, text in _sources():
        if name == "inferred.py":
            continue
        assert not re.search(r"^\w*INFERRED\w*\s*[:=]", text, re.M), name
        assert "Inferred(" not in text, name


def test_every_entry_has_a_value_and_a_reason():
    assert len(INFERRED) > 100
    for key, entry in INFERRED.items():
        assert isinstance(entry, Inferred), key
        assert key.startswith(PREFIXES), key
        assert isinstance(entry.why, str) and len(entry.why.strip()) > 15, key


def test_every_key_the_code_reads_exists():
    """The code reads INFERRED values by key; a typo would only fail at run time on that path."""
    used = set()
    for name, text in _sources():
        if name == "inferred.py":
            continue
        used |= set(re.findall(r'(?:inferred\.value|inferred_value)\(\s*"([^"]+)"', text))
    assert used, "the app modules read the table"
    assert used <= set(INFERRED), sorted(used - set(INFERRED))
    # every component reads its own section
    for prefix in ("aem.", "aem.bp.", "ims.", "bp."):
        assert any(k.startswith(prefix) for k in used), prefix


def test_value_and_listing(capsys):
    assert inferred.value("aem.json_max_results") == INFERRED["aem.json_max_results"].value
    assert [k for k, _unused in inferred.entries("bp.")] == [k for k in INFERRED if k.startswith("bp.")]
    inferred.main()
    out = capsys.readouterr().out
    for key in INFERRED:
        assert "\n%s = " % key in "\n" + out
