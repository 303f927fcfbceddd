"""The shipped content: every page of the spec is built and every seed text can be found on the site."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES

from sitegen.build import build

SEEDS = ROOT.parent / "shared" / "seeds"
TODAY = dt.date(2026, 11, 24)

SPEC_PAGES = [
    "index.html", "aktuellt/index.html", "foreningar/index.html", "kalender/index.html", "kalender/arkiv/index.html",
    "delaktighetstrappa/index.html", "lagar/index.html", "checklista/index.html", "definitioner/index.html",
    "tillganglighet/index.html", "lattlast/index.html", "404.html", "sitemap.xml",
    "utvecklingsarbete/index.html", "samordnare/index.html", "brukarrevision/index.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build(ROOT / "content", out, TEMPLATES, TODAY)
    return out


def _normal(text: str) -> str:
    """The words of a text, lower case, without punctuation or layout (list marks, quotes, dashes)."""
    words = re.findall(r"[\w§:/]+", html.unescape(text).lower())
    return " " + " ".join(w.strip(":/") for w in words) + " "


@pytest.fixture(scope="module")
def site_text(site: Path) -> str:
    parts = []
    for page in sorted(site.rglob("*.html")):
        body = page.read_text(encoding="utf-8")
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
        parts.append(re.sub(r"<[^>]+>", " ", body))
    return _normal(" ".join(parts))


@pytest.mark.parametrize("page", SPEC_PAGES)
def test_spec_page_is_built(site, page):
    assert (site / page).is_file()


def test_every_association_and_event_has_a_page(site):
    assert len(list((site / "foreningar").glob("*/index.html"))) >= 4
    assert len(list((site / "kalender").glob("20*/*/index.html"))) >= 8


def _seed_lines(name: str) -> list[str]:
    """The seed's lines of 40 characters or more, as words (list numbers and bullets dropped)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    if "Former av delaktighet" in text:
        table = text[text.index("Former av delaktighet"):text.index("Definitioner")]
        text = text.replace(table, "")  # the table's cells are checked cell by cell below
    text = re.sub(r"https?://\S+", " ", text)
    # The assignment is a PDF: its links show the linked page's title, and its picture only a caption.
    # On the site those are real links and a named picture, so the link titles are not looked for.
    text = re.sub(r"(Checklista|Brukarinflytande|Föreningsnätverk) - Region\s+Gävleborg \(regiongavleborg\.se\)", "", text)
    text = re.sub(r"^\s*Bild\. ", "", text, flags=re.M)
    lines = [re.sub(r"^\s*\d+\.\s", "", raw) for raw in text.splitlines()]
    return [_normal(line) for line in lines if len(line.strip()) >= 40]


@pytest.mark.parametrize("line", _seed_lines("000_17f82666d06f58f7.txt"))
def test_text_of_current_page_is_on_the_site(site_text, line):
    assert line in site_text


@pytest.mark.parametrize("line", _seed_lines("001_b96f59038960b6e2.txt"))
def test_text_of_assignment_2022_is_on_the_site(site_text, line):
    assert line in site_text


def test_delaktighetstrappa_table_has_every_cell_of_the_seed(site):
    page = re.sub(r"<[^>]+>", " ", (site / "delaktighetstrappa/index.html").read_text(encoding="utf-8"))
    for cell in ["Envägskommunikation", "Frågor och svar", "Veta", "Tidning", "Webb", "Trycksak", "Stormöte",
                 "Inhämta synpunkter", "Ofta punktinsats", "Tycka", "Enkät", "Fokusgrupp", "Samråd",
                 "Områdesvandring", "Utbyte av tankar", "Ofta flera tillfällen", "Resonera", "Dialogseminarium",
                 "Dialoggrupp", "Samarbete/inflytande", "Aktivitetet planeras och genomförs", "Genomföra",
                 "Arbetsgrupp", "Framtidsverkstad", "Medbestämmande/beslutande", "Gemensamt beslutsfattande",
                 "Bestämma", "Rådslag"]:
        assert cell in page


def test_pages_are_swedish_with_one_h1_and_skip_link(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="sv">' in text, page
        assert text.count("<h1") == 1, page
        assert 'class="skip-link" href="#main"' in text, page


def test_internal_links_resolve(site):
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        for target in re.findall(r'(?:href|src)="(?![a-z]+:)([^"#?]+)', page.read_text(encoding="utf-8")):
            resolved = (page.parent / target).resolve()
            assert resolved.is_file() or (resolved / "index.html").is_file(), f"{page}: {target}"


def test_dates_are_swedish(site):
    text = (site / "kalender/index.html").read_text(encoding="utf-8")
    assert re.search(r"(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) \d{1,2} [a-zé]+ 20\d\d, kl\. \d\d\.\d\d", text)
    assert "<time datetime=" in text


def test_pages_need_no_javascript_and_load_nothing_from_other_hosts(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>", text)
        if page != site / "sok" / "index.html":  # the search page alone needs JavaScript, and says so without it
            assert all('type="application/ld+json"' in tag for tag in scripts), page
        assert not re.search(r'\ssrc="(https?:)?//', text), page
        assert not re.search(r'<link\b[^>]*href="(https?:)?//', text), page
        assert "<iframe" not in text, page


def test_one_stylesheet_shared_by_every_page(site):
    # Pagefind's bundle (pagefind/) brings the search field's own stylesheet, used by the search page only.
    assert [p.name for p in site.rglob("*.css") if "pagefind" not in p.parts] == ["style.css"]
    for page in site.rglob("*.html"):
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.read_text(encoding="utf-8"))
        expected = ["../static/style.css", "../pagefind/pagefind-ui.css"] if page.parent.name == "sok" else links[:1]
        assert links == expected and links[0].endswith("static/style.css"), page
