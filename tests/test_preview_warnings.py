"""The preview shows each page's warnings on that page, and all of them in one list; never in the output folder."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import TEMPLATES
from test_serve import get, poll

from sitegen import notices
from sitegen.errors import Problem
from sitegen.serve import Preview

PASTED = """\
    ---
    title: Om oss
    ---
    Vi finns i Gävle.

    <script>alert(1)</script>

    Läs [om mötet](/#finns-inte).
    """


@pytest.fixture
def preview(scratch_project, tmp_path):
    scratch_project.write("pages/om.md", PASTED)
    server = Preview(scratch_project.content, tmp_path / "public", TEMPLATES, dt.date(2026, 3, 1), port=0)
    server.start()
    yield server
    server.stop()


def test_a_page_shows_its_own_warnings_at_the_top(preview):
    status, _, body = get(preview.url + "om/")
    assert status == 200
    notice = body[body.index('<section class="sitegen-notice"'):body.index("</section>")]
    assert body.index("sitegen-notice") < body.index("<header"), "the notice is at the top of the page"
    assert "content/pages/om.md, rad 6:</span> tog bort &lt;script&gt;" in notice
    assert "content/pages/om.md, rad 8:</span> Länken ”/#finns-inte” går till ankaret #finns-inte" in notice
    assert "2 varningar om den här sidan" in notice
    assert f'<a href="{notices.LIST_PATH}">Visa alla varningar (2)</a>' in notice


def test_other_pages_only_link_the_list(preview):
    body = get(preview.url + "kalender/")[2]
    notice = body[body.index('<section class="sitegen-notice"'):body.index("</section>")]
    assert "tog bort" not in notice
    assert "Visa alla varningar (2)</a> – 2 varningar gäller andra sidor." in notice


def test_the_list_holds_every_warning_with_a_link_to_its_page(preview):
    status, content_type, body = get(preview.url + notices.LIST_PATH.lstrip("/"))
    assert status == 200 and content_type.startswith("text/html")
    assert "<h1>Alla varningar i förhandsvisningen</h1>" in body
    assert body.count("<li>") == 2
    assert '<a href="/om/">Visa sidan /om/</a>' in body


def test_the_notice_is_never_published(preview):
    published = (preview.out / "om" / "index.html").read_text(encoding="utf-8")
    assert "sitegen-notice" not in published and "__sitegen" not in published


def test_the_notice_goes_when_the_warning_is_fixed(preview, scratch_project):
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\nVi finns i Sandviken.\n")
    body = poll(preview.url + "om/", "Vi finns i Sandviken.")
    assert "Vi finns i Sandviken." in body and "sitegen-notice" not in body


def test_a_warning_without_pages_is_in_the_list_and_counted_everywhere():
    warning = Problem("content/okand.yaml", 3, None, "Något.", "varning")
    found = notices.Notices([warning], {})
    text = notices.notice(found, "/")
    assert "Visa alla varningar (1)</a> – 1 varning gäller andra sidor." in text


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_notice_is_accessible():
    text = notices.notice(notices.Notices([Problem("content/site.yaml", 1, None, "Något.", "varning")],
                                          {notices.EVERY_PAGE: [Problem("content/site.yaml", 1, None, "Något.", "varning")]}), "/")
    assert 'role="region" aria-labelledby="sitegen-notice-heading"' in text
    assert '<h2 id="sitegen-notice-heading">' in text
    background = re.search(r"\.sitegen-notice \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6})", notices.CSS)
    assert background
    link = re.search(r"\.sitegen-notice a \{ color: (#[0-9a-f]{6})", notices.CSS)
    assert link
    assert _contrast(background.group(1), background.group(2)) >= 4.5
    assert _contrast(background.group(1), link.group(1)) >= 4.5


def test_warnings_map_to_the_entry_they_are_in():
    entries = [("content/events/2026.yaml", 1, "/kalender/2026/a/"), ("content/events/2026.yaml", 9, "/kalender/2026/b/"),
               ("content/pages/om.md", 1, "/om/")]

    def where(file, line):
        return notices.pages_of(Problem(file, line, None, "x", "varning"), entries)

    assert where("content/events/2026.yaml", 12) == ["/kalender/2026/b/"]
    assert where("content/events/2026.yaml", 8) == ["/kalender/2026/a/"]
    assert where("content/events/2026.yaml", None) == ["/kalender/"]
    assert where("content/pages/om.md", 30) == ["/om/"]
    assert where("content/laws.yaml", 3) == ["/lagar/"]
    assert where("content/okand.txt", 3) == []
