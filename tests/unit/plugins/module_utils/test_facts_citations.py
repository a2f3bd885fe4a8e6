# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The code explains itself from what the collection ships: plugins/ cites how AEM and Adobe IMS answer as
"AEM facts §N" / "IMS facts §N", sections of docs/docsite/rst/aem_facts.rst, never the project's research notes
(aem-http-api.md, adobe-ims.md), which are not part of the collection.  Every citation names a section that the page
has, every "§<number>" in plugins/ belongs to such a citation, and every section of the page is one the code cites
(or the parent of one)."""

from __future__ import annotations

import os
import re

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
PLUGINS = os.path.join(ROOT, "plugins")
FACTS_PAGE = os.path.join(ROOT, "docs", "docsite", "rst", "aem_facts.rst")

# the research notes the collection does not ship
UNSHIPPED = ("aem-http-api", "adobe-ims.md", "shared/reference")
LABEL = re.compile(r"^\.\. _ansible_collections\.aemtools\.brand_portal\.docsite\.aem_facts\.(aem|ims)_(\d+(?:_\d+)*):$")
NUMBER = r"§\d+(?:\.\d+)*"
# "AEM facts §5.1", "AEM facts §5.1, §6.4", "AEM facts §1-§2", "IMS facts §1.4 and §4.4"
CITATION = re.compile(r"\b(AEM|IMS) facts (%s(?:(?:\s*(?:,|/|-)\s*|\s+and\s+)%s)*)" % (NUMBER, NUMBER))
SECTION_SIGN = re.compile(r"§(?=\d)")


def page_sections(text):
    """{("AEM" | "IMS", "5.4")} from the labels of the facts page; each label's heading must carry its number."""
    sections, lines = set(), text.splitlines()
    for index, line in enumerate(lines):
        match = LABEL.match(line)
        if not match:
            continue
        kind, number = match.group(1).upper(), match.group(2).replace("_", ".")
        heading = next((following for following in lines[index + 1:] if following.strip()), "")
        assert heading.startswith("§%s " % number), "label %s is not followed by a heading '§%s ...': %r" % (
            line, number, heading)
        sections.add((kind, number))
    return sections


def citations(text):
    """[(kind, number, span)] of every citation in ``text``."""
    found = []
    for match in CITATION.finditer(text):
        for number in re.findall(r"§(\d+(?:\.\d+)*)", match.group(2)):
            found.append((match.group(1), number, match.span()))
    return found


def problems(files, sections):
    """What is wrong with the citations of ``files`` ({path: text}) against the page's ``sections``."""
    found = []
    for path, text in sorted(files.items()):
        for line_number, line in enumerate(text.splitlines(), 1):
            for name in UNSHIPPED:
                if name in line:
                    found.append("%s:%d cites %s, which the collection does not ship (cite 'AEM facts §N' or "
                                 "'IMS facts §N', docs/docsite/rst/aem_facts.rst): %s"
                                 % (path, line_number, name, line.strip()))
        spans = []
        for kind, number, span in citations(text):
            spans.append(span)
            if (kind, number) not in sections:
                line_number = text.count("\n", 0, span[0]) + 1
                found.append("%s:%d cites %s facts §%s, which docs/docsite/rst/aem_facts.rst has no section for"
                             % (path, line_number, kind, number))
        for sign in SECTION_SIGN.finditer(text):
            if not any(start <= sign.start() < end for start, end in spans):
                line_number = text.count("\n", 0, sign.start()) + 1
                found.append("%s:%d has a bare §%s: say whose ('AEM facts §N' or 'IMS facts §N')"
                             % (path, line_number, re.match(r"\d+(?:\.\d+)*", text[sign.end():]).group(0)))
    return found


def plugin_files():
    files = {}
    for directory, _dirs, names in os.walk(PLUGINS):
        for name in names:
            path = os.path.join(directory, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    files[os.path.relpath(path, ROOT)] = handle.read()
            except UnicodeDecodeError:  # pragma: no cover - no binaries in plugins/ today
                continue
    return files


@pytest.fixture(scope="module")
def sections():
    with open(FACTS_PAGE, encoding="utf-8") as handle:
        return page_sections(handle.read())


def test_the_page_has_the_sections_the_code_relies_on(sections):
    assert {("AEM", "1.3"), ("AEM", "5.4"), ("AEM", "9.1"), ("IMS", "1.3"), ("IMS", "4.6")} <= sections


def test_plugins_cite_only_sections_of_the_shipped_facts_page(sections):
    files = plugin_files()
    assert any(name.endswith("_profiles.py") for name in files) and len(files) > 20
    assert problems(files, sections) == []
    # the citations are there to be checked: the scan is not vacuous
    assert len([c for text in files.values() for c in citations(text)]) > 50


def test_every_section_of_the_page_is_cited_by_the_code(sections):
    cited = set((kind, number) for text in plugin_files().values() for kind, number, _span in citations(text))
    # a parent heading (§9 above §9.1) is there for its children
    parents = set((kind, number.split(".")[0]) for kind, number in cited)
    assert sorted(sections - cited - parents) == []


@pytest.mark.parametrize("planted, expected", [
    ("# see aem-http-api.md 6.4", "does not ship"),
    ('"source": "adobe-ims.md 4.6: native from 6.5.21.0"', "does not ship"),
    ("Facts come from ``shared/reference/x.md``", "does not ship"),
    ("# VERIFIED (AEM facts §5.9)", "no section for"),
    ("# VERIFIED (AEM facts §5.1, §6.9)", "AEM facts §6.9, which"),
    ("# IMS facts §9.1", "IMS facts §9.1, which"),
    ("# INFERRED (§5.1)", "bare §5.1"),
    ("# AEM facts §1.5 JSON and §1.6 HTML", "bare §1.6"),
])
def test_a_planted_bad_citation_is_reported(sections, planted, expected):
    found = problems({"plugins/module_utils/_planted.py": "x = 1\n" + planted + "\n"}, sections)
    assert len(found) == 1 and expected in found[0] and found[0].startswith("plugins/module_utils/_planted.py:2 ")


@pytest.mark.parametrize("good", [
    "# VERIFIED (AEM facts §5.1, §6.4)",
    "# AEM facts §1-§2 (Sling POST and GET)",
    "# (IMS facts §1.4 and §4.4)",
    "# AEM facts §6.2/§6.3",
    '"source": "IMS facts §4.6 and AEM facts §7.2 (AEM65-OAUTH)"',
    '"AEM facts §N" cites a section of the docs page',
])
def test_good_citations_pass(sections, good):
    assert problems({"plugins/x.py": good + "\n"}, sections) == []


def test_a_label_whose_heading_has_another_number_is_refused():
    text = (".. _ansible_collections.aemtools.brand_portal.docsite.aem_facts.aem_5_4:\n\n"
            "§5.3 Queue status\n^^^^^^^^^^^^^^^^^\n")
    with pytest.raises(AssertionError):
        page_sections(text)
