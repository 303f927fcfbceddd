"""WCAG 2.1 AA, valid HTML, links, privacy, keyboard, structure and the accessibility statement, proven on every
page of the built site in a real browser (Debian's Chromium). Each gate has a negative test: the same check on a
page with a known fault must find it, so a gate cannot quietly pass everything."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sitecheck import (
    COUNTS,
    DIGG_COMPLAINT_FORM,
    STATEMENT,
    WIDTHS,
    Site,
    Tab,
    axe_rule_count,
    axe_violations,
    duplicate_titles,
    focus_problems,
    footer_links_statement,
    link_problems,
    new_tab,
    privacy_problems,
    serve,
    statement_problems,
    structure_problems,
    vnu_errors,
)

# The browser gates go over the pages in this many parts, so that pytest-xdist's workers share them out.
PARTS = 4
IN_PARTS = pytest.mark.parametrize("number", range(PARTS), ids=[f"del-{n + 1}-av-{PARTS}" for n in range(PARTS)])


# Focus stops already photographed in this process (the same control at the same place, such as the menu): the
# parts share it, so that running in parts photographs no more than running at once.
PHOTOGRAPHED: set[str] = set()


def part(site: Site, number: int) -> list[str]:
    """Every PARTS-th page, from the number-th on: the parts together are every page, each once."""
    return site.pages[number::PARTS]


def _fail_on(problems: dict[str, list[str]]) -> None:
    """Fails with every problem of every page, one a line, page first."""
    report = "\n".join(f"{page or '/'}: {p}" for page, found in problems.items() for p in found)
    if report:
        pytest.fail(report, pytrace=False)


# --- gate 1: axe-core at 320 px and 1280 px ---------------------------------------------------------------------

@IN_PARTS
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_violation_on_any_page(site: Site, tabs: dict[int, Tab], width: int, number: int) -> None:
    tab = tabs[width]
    found = {}
    for page in part(site, number):
        tab.open(site.url(page))
        found[page] = axe_violations(tab)
    COUNTS[f"axe-körningar {width} px"] += len(found)
    _fail_on(found)


# --- gate 2: the Nu Html Checker --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vnu_report(site: Site, bad_site: Site) -> tuple[list[str], list[str]]:
    """The Nu Html Checker's errors in the site's pages and stylesheet, and in the page with known faults: one
    Java run for both (starting Java and the checker takes seconds). Those of the faulty page come second."""
    files = [site.folder / (p + "index.html" if p == "" or p.endswith("/") else p) for p in site.pages]
    errors = vnu_errors([*files, site.folder / "static" / "style.css", bad_site.folder / "index.html"])
    faulty = [e for e in errors if e.startswith(bad_site.folder.as_posix() + "/")]
    return [e for e in errors if e not in faulty], faulty


def test_every_page_and_the_stylesheet_are_valid(site: Site, vnu_report: tuple[list[str], list[str]]) -> None:
    errors = vnu_report[0]
    COUNTS["vnu-filer"] = len(site.pages) + 1
    COUNTS["vnu-fel"] = len(errors)
    _fail_on({"": errors})


# --- gate 3: links ----------------------------------------------------------------------------------------------

def test_every_internal_link_fragment_and_file_resolves(site: Site) -> None:
    problems, checked, external = link_problems(site)
    COUNTS["interna länkar"] = checked
    COUNTS["externa länkar (make linkcheck)"] = len(external)
    assert checked > 10 * len(site.pages)  # the menu and footer alone give every page more than ten
    _fail_on({"": problems})


# --- gate 4: privacy --------------------------------------------------------------------------------------------

@IN_PARTS
def test_no_page_calls_another_host_sets_cookies_or_stores_anything(site: Site, tabs: dict[int, Tab], number: int) -> None:
    tab = tabs[1280]
    found = {}
    for page in part(site, number):
        tab.open(site.url(page))
        if "<script" in site.html(page):  # a script may ask for more after the page has loaded
            tab.page.wait_for_load_state("networkidle")
        found[page] = privacy_problems(tab)
    _fail_on(found)


# --- gate 5: keyboard -------------------------------------------------------------------------------------------

@IN_PARTS
def test_first_tab_shows_skip_link_and_focus_is_visible_everywhere(site: Site, tabs: dict[int, Tab], number: int) -> None:
    tab = tabs[1280]
    found = {}
    for page in part(site, number):  # the menu and the footer are photographed on the first page that has them
        tab.open(site.url(page))
        found[page], stops = focus_problems(tab, PHOTOGRAPHED)
        COUNTS["fokusstopp"] += stops
    _fail_on(found)


# --- gate 6: structure ------------------------------------------------------------------------------------------

def test_every_page_has_title_one_h1_heading_order_landmarks_times_tables_and_alternatives(site: Site) -> None:
    found = {page: structure_problems(site.html(page)) for page in site.pages}
    _fail_on(found)


def test_every_title_is_unique(site: Site) -> None:
    titles = {}
    for page in site.pages:
        html = site.html(page)
        titles[page] = html[html.index("<title>") + 7:html.index("</title>")]
    _fail_on({"": duplicate_titles(titles)})


# --- gate 7: the accessibility statement ------------------------------------------------------------------------

def test_accessibility_statement_has_what_digg_requires(site: Site) -> None:
    assert (site.folder / STATEMENT / "index.html").is_file(), "the site has no accessibility statement"
    _fail_on({STATEMENT: statement_problems(site.html(STATEMENT))})


def test_every_page_links_the_statement_from_its_footer(site: Site) -> None:
    missing = [page for page in site.pages if page != "404.html" and not footer_links_statement(site.html(page), page)]
    assert missing == []


def test_404_page_links_the_statement_from_its_footer(site: Site) -> None:
    html = site.html("404.html")
    footer = html[html.find("<footer"):]
    assert f'href="{site.base_path}{STATEMENT}"' in footer


# --- negative tests: each check finds a known fault ---------------------------------------------------------------

BAD_PAGE = """\
<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Fel</title><link rel="stylesheet" href="saknas.css">
<style>a:focus {{ outline: none; }} .low {{ color: #aaa; background: #fff; }}</style></head>
<body>
<header><a href="#main">Första länken är ingen hopplänk</a></header>
<main id="main">
<h1>Fel</h1><h3>Överhoppad nivå</h3>
<p class="low">Svag kontrast.</p>
<img src="bild.png">
<p>torsdag 12 mars 2026 kl. 18.00</p>
<table><tr><td>ingen rubrik</td></tr></table>
<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg>
<a href="#finns-inte">Trasigt ankare</a> <a href="saknas/">Trasig länk</a>
<iframe src="https://www.youtube.com/embed/x"></iframe>
<p><div>div i p</div></p>
{extra}
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("bad")
    (folder / "index.html").write_text(BAD_PAGE.format(extra=""), encoding="utf-8")
    (folder / "spion").mkdir()
    (folder / "spion" / "index.html").write_text(BAD_PAGE.format(extra=textwrap.dedent("""\
        <script>document.cookie = "spår=1; path=/"; localStorage.setItem("spår", "1");</script>
        <img src="https://tracker.example.org/pixel.gif" alt="">""")), encoding="utf-8")
    yield from serve(Site(folder))


@pytest.fixture(scope="module")
def bad_tab(browser, bad_site: Site):
    tab = new_tab(browser, 1280, bad_site.origin)
    yield tab
    tab.page.context.close()


def test_axe_check_finds_violations(bad_site: Site, bad_tab: Tab) -> None:
    bad_tab.open(bad_site.url(""))
    ids = {v.split(" ")[0] for v in axe_violations(bad_tab)}
    assert {"color-contrast", "image-alt", "frame-title"} <= ids
    COUNTS["axe-regler"] = axe_rule_count(bad_tab)  # the rules of the tags the gates run, on every page


def test_vnu_check_finds_errors(vnu_report: tuple[list[str], list[str]]) -> None:
    errors = vnu_report[1]
    assert any("No “p” element in scope" in e or "“div” not allowed" in e for e in errors), errors


def test_link_check_finds_broken_links_and_fragments(bad_site: Site) -> None:
    problems, checked, external = link_problems(bad_site)
    text = "\n".join(problems)
    assert "saknas/" in text and "finns-inte" in text and "saknas.css" in text and "bild.png" in text
    assert "https://www.youtube.com/embed/x" in external


def test_privacy_check_finds_requests_cookies_and_storage(bad_site: Site, bad_tab: Tab) -> None:
    bad_tab.open(bad_site.url("spion/"))
    text = "\n".join(privacy_problems(bad_tab))
    assert "tracker.example.org" in text and "youtube" in text
    assert "cookies set: ['spår']" in text
    assert "1 in localStorage" in text


def test_keyboard_check_finds_missing_skip_link_and_invisible_focus(bad_site: Site, bad_tab: Tab) -> None:
    bad_tab.open(bad_site.url(""))
    problems, stops = focus_problems(bad_tab)
    text = "\n".join(problems)
    assert "does not show a skip link" in text
    assert "no visible focus on a 'Trasigt ankare'" in text


def test_structure_check_finds_each_fault() -> None:
    text = "\n".join(structure_problems(BAD_PAGE.format(extra="")))
    for fault in ["heading level skipped: h1 followed by h3", "<img src='bild.png'> without alt text",
                  "a date outside <time datetime>", "a table without <caption>", "a table without header cells",
                  "<svg> without role=img", "<iframe> embeds content", "no <nav> landmark", "no <footer> landmark"]:
        assert fault in text
    assert "expected one <h1>, found 2" in "\n".join(structure_problems("<title>x</title><h1>a</h1><h1>b</h1>"))
    assert duplicate_titles({"a/": "Samma", "b/": "Samma", "c/": "Annan"}) == ["'Samma' is the title of ['a/', 'b/']"]


def test_statement_check_finds_missing_parts() -> None:
    problems = statement_problems("<h1>Tillgänglighetsredogörelse</h1><p>Vi vill att alla ska kunna använda webbplatsen.</p>")
    assert len(problems) == 6
    assert any(DIGG_COMPLAINT_FORM in p for p in problems)
    assert not footer_links_statement("<footer><a href='../om/'>Om</a></footer>", "kalender/")
    assert footer_links_statement('<footer><a href="../tillganglighet/">T</a></footer>', "kalender/")


def test_the_gates_see_the_whole_site(site: Site) -> None:
    assert "" in site.pages and "kalender/" in site.pages and "404.html" in site.pages and "sok/" in site.pages
    assert len(site.pages) == len([p for p in Path(site.folder).rglob("*.html") if "pagefind" not in p.parts])
    assert sorted(page for number in range(PARTS) for page in part(site, number)) == sorted(site.pages)
    COUNTS["sidor"] = len(site.pages)
