"""What readers see: the footer links each page once, and a repeating event's page names the days it skips."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen.build import check, render


@pytest.fixture(scope="module")
def real_site() -> dict[str, bytes]:
    return render(check(ROOT / "content", dt.date(2026, 3, 1)), TEMPLATES, check_only=True)[0]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):html.index("</footer>")]


def test_the_footer_links_the_statement_and_easy_read_once_each(real_site):
    pages = [name for name in real_site if name.endswith(".html")]
    assert len(pages) > 40
    for name in pages:
        footer = _footer(real_site[name].decode())
        for label in ("Tillgänglighetsredogörelse", "Lättläst"):
            assert len(re.findall(rf"<a [^>]*>{label}</a>", footer, re.IGNORECASE)) == 1, (name, label, footer)


def test_a_repeating_event_page_lists_the_days_it_skips(real_site):
    page = real_site["kalender/2026/natverkstraff-2026-ht/index.html"].decode()
    assert ('<p class="skipped"><strong>Inte dessa dagar:</strong></p>\n  <ul class="skipped">\n'
            '    <li><time datetime="2027-01-16">lördag 16 januari 2027</time></li>\n'
            '    <li><time datetime="2027-05-16">söndag 16 maj 2027</time></li>\n  </ul>') in page


def test_one_skipped_day_is_said_in_one_sentence():
    outputs = render(check(FIXTURE_SITE, dt.date(2026, 3, 1)), TEMPLATES, check_only=True)[0]
    pages = [data.decode() for name, data in outputs.items() if name.startswith("kalender/2026/")]
    assert any('<strong>Inte <time datetime="2026-04-07">tisdag 7 april 2026</time>.</strong>' in p for p in pages)
