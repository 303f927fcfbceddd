"""Search: Pagefind's Swedish index, used in the browser as a reader would, and the page without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import FIXTURE_SITE
from sitecheck import Site, Tab, axe_violations, focus_problems, privacy_problems

from sitegen.render import search


def _search(tab: Tab, site: Site, query: str) -> list[str]:
    """Types the query into the search page and returns the addresses of the results, site-relative."""
    tab.open(site.url("sok/"))
    field = tab.page.get_by_role("textbox", name="Sök")  # Pagefind's field, labelled in Swedish
    field.fill(query)
    tab.page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    hrefs = tab.page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.href)")
    return [h.removeprefix(site.url("")) for h in hrefs]


@pytest.mark.parametrize(("query", "expected"), [
    ("brukarrevision", r"brukarrevision/"),
    ("dialogmöte", r"kalender/20\d\d/[^/]+/"),
    ("dialogmöten", r"kalender/20\d\d/[^/]+/"),  # Swedish stemming: the plural finds the singular
])
def test_search_finds_the_page(site: Site, tabs: dict[int, Tab], query: str, expected: str) -> None:
    results = _search(tabs[1280], site, query)
    assert any(re.fullmatch(expected, r) for r in results), results
    assert tabs[1280].errors == []  # nothing blocked by the Content-Security-Policy, no script error


def test_search_page_is_accessible_private_and_keyboard_friendly_with_results(site: Site, tabs: dict[int, Tab]) -> None:
    tab = tabs[1280]
    _search(tab, site, "dialogmöte")
    assert axe_violations(tab) == []
    assert privacy_problems(tab) == []
    problems, stops = focus_problems(tab)
    assert problems == [] and stops > 5


def test_without_javascript_the_search_page_says_so_and_links_the_site_map(browser: Any, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url("sok/"))
        notice = page.get_by_text("Sökningen fungerar bara när JavaScript är påslaget")
        assert notice.is_visible()
        page.get_by_role("link", name="webbplatskartan").click()
        assert page.url == site.url("webbplatskarta/")
    finally:
        context.close()


def test_site_map_lists_every_page(site: Site) -> None:
    html = site.html("webbplatskarta/")
    listed = {href for href in re.findall(r'<li><a href="([^"]+)"', html)}
    here = "webbplatskarta/"
    expected = {p for p in site.pages if p not in ("404.html", here)}
    resolved = {_resolve(here, h) for h in listed}
    assert expected <= resolved


def _resolve(here: str, href: str) -> str:
    from posixpath import normpath

    path = normpath(here + href)
    return "" if path == "." else path + ("/" if href.endswith("/") else "")


def test_no_page_but_search_has_javascript(site: Site) -> None:
    # JSON-LD (structured data about events) is data for search engines, not a program.
    scripts = {p: re.findall(r"<script\b(?![^>]*application/ld\+json)[^>]*>", site.html(p)) for p in site.pages}
    assert [p for p, found in scripts.items() if found] == ["sok/"]


def test_build_without_pagefind_warns_in_swedish_and_search_page_points_to_site_map(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(search, "executable", lambda: None)
    from conftest import TEMPLATES

    from sitegen.build import build

    result = build(FIXTURE_SITE, tmp_path / "public", TEMPLATES)
    assert any("Pagefind saknas" in p.message and p.severity == "varning" for p in result.warnings)
    assert not (tmp_path / "public" / "pagefind").exists()
    page = (tmp_path / "public" / "sok" / "index.html").read_text(encoding="utf-8")
    assert "Sökningen är inte tillgänglig just nu" in page and "<script" not in page
