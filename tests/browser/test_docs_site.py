# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built docs site (make docs: antsibull-docs + Sphinx) as a reader sees it: every module and role has its
page, the user guide is there, every internal link of every page leads to a page and an anchor that exist (so the
:ansplugin:, :ansopt: and :ansretval: references resolved), and chromium renders a module page and the guide."""

from __future__ import annotations

import glob
import os
import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from conftest import DOCS_HTML, REPO, png_size_and_colours

PREFIX = "ansible-collections-aemtools-brand-portal-"


class Page(HTMLParser):
    def __init__(self):
        HTMLParser.__init__(self)
        self.ids, self.links, self.title = set(), [], ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        self._in_h1 = self._in_h1 or (tag == "h1" and not self.title)

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.title += data


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as handle:
        page.feed(handle.read())
    return page


@pytest.fixture(scope="module")
def site():
    index = os.path.join(DOCS_HTML, "index.html")
    assert os.path.isfile(index), "no built site in %s: run `make docs`" % DOCS_HTML
    pages = {}
    for path in glob.glob(os.path.join(DOCS_HTML, "**", "*.html"), recursive=True):
        rel = os.path.relpath(path, DOCS_HTML).replace(os.sep, "/")
        if not rel.startswith("_"):
            pages[rel] = parse(path)
    return pages


def internal_links(pages):
    """(page, href, target page, fragment) of every link that stays inside the site."""
    for rel, page in sorted(pages.items()):
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) \
                if parts.path else rel
            yield rel, href, target, unquote(parts.fragment)


def test_every_module_and_role_has_a_page_and_the_user_guide_is_there(site):
    modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, "plugins", "modules", "*.py")))
    roles = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REPO, "roles", "*")))
    assert "aem_brand_portal" in modules and "aem_bp_audit_report" in modules
    for name in modules:
        page = site.get("%s_module.html" % name)
        assert page is not None, "no page for module %s" % name
        assert page.title.startswith("aemtools.brand_portal.%s module" % name), page.title
    for name in roles:
        assert "%s_role.html" % name in site, "no page for role %s" % name
    assert site["docsite/user_guide.html"].title.startswith("aemtools.brand_portal user guide")
    index_links = set(site["index.html"].links)
    assert "docsite/user_guide.html" in index_links and "aem_bp_audit_report_module.html" in index_links


def test_every_internal_link_leads_to_an_existing_page_and_anchor(site):
    broken, checked = [], 0
    for rel, href, target, fragment in internal_links(site):
        path = os.path.join(DOCS_HTML, target)
        if target.endswith(".html") and not target.startswith("_"):
            if target not in site:
                broken.append("%s: %s (no page)" % (rel, href))
            elif fragment and fragment not in site[target].ids:
                broken.append("%s: %s (no anchor #%s)" % (rel, href, fragment))
        elif not os.path.exists(path):
            broken.append("%s: %s (no file)" % (rel, href))
        checked += 1
    assert checked > 500 and broken == [], "\n".join(broken)


def test_the_guides_plugin_option_and_return_value_references_became_links(site):
    # :ansplugin: -> the module's page; :ansopt: -> its parameter; :ansretval: -> its return value
    links = [(target, fragment) for rel, _href, target, fragment in internal_links(site)
             if rel == "docsite/user_guide.html"]
    assert ("aem_brand_portal_module.html", PREFIX + "aem-brand-portal-module") in links
    assert ("aem_bp_audit_report_module.html", PREFIX + "aem-bp-audit-report-module-parameter-dest") in links
    assert ("aem_bp_audit_report_module.html", PREFIX + "aem-bp-audit-report-module-return-fleet") in links
    options = [f for t, f in links if "-module-parameter-" in f]
    assert len(options) >= 10, options
    # an option's link on a module page lands on that option's row
    assert PREFIX + "aem-bp-audit-report-module-parameter-dest" in site["aem_bp_audit_report_module.html"].ids


def test_chromium_renders_a_module_page_and_the_user_guide(site, chromium):
    module_page = os.path.join(DOCS_HTML, "aem_brand_portal_module.html")
    dom = chromium.dom(module_page)
    rendered = parse_text(dom)
    assert "aemtools.brand_portal.aem_brand_portal module" in rendered.title
    assert PREFIX + "aem-brand-portal-module-parameter-state" in rendered.ids
    assert PREFIX + "aem-brand-portal-module-return-aem-version" in rendered.ids
    guide = os.path.join(DOCS_HTML, "docsite", "user_guide.html")
    rendered = parse_text(chromium.dom(guide))
    assert rendered.title.startswith("aemtools.brand_portal user guide")
    assert "../aem_bp_audit_report_module.html#%saem-bp-audit-report-module-return-fleet" % PREFIX in rendered.links
    for name, path in (("docs-module-aem_brand_portal.png", module_page), ("docs-user_guide.png", guide)):
        (width, height), colours = png_size_and_colours(chromium.screenshot(path, name))
        assert (width, height) == (1280, 1600) and colours > 20, (name, width, height, colours)


def parse_text(text):
    page = Page()
    page.feed(text)
    return page
