"""The calendar's HTML: feed links (https and webcal), filters without JavaScript, add-to-calendar links, JSON-LD."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from conftest import FIXTURE_SITE, TEMPLATES

from sitegen.build import build
from sitegen.calendar import plain, slug
from sitegen.history import NO_HISTORY_ENV

TODAY = dt.date(2026, 3, 1)
BASE = "https://test.example.org/sub"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cal") / "public"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(NO_HISTORY_ENV, "1")
        build(FIXTURE_SITE, out, TEMPLATES, TODAY)
    return out


def _page(site: Path, rel: str) -> str:
    return (site / rel).read_text("utf-8")


def _hrefs(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]


@pytest.mark.parametrize(("name", "expected"), [("Ovanåker", "ovanaker"), ("Hela länet", "hela-lanet"),
                                                ("Digitalt", "digitalt"), ("Söderhamn", "soderhamn"), ("Gävle", "gavle")])
def test_municipality_slugs(name, expected):
    assert slug(name) == expected


@pytest.mark.parametrize(("page", "feed"), [
    ("kalender/index.html", "/kalender.ics"),
    ("kalender/kommun/sandviken/index.html", "/kalender/kommun/sandviken.ics"),
    ("kalender/forening/forening-a/index.html", "/kalender/forening/forening-a.ics"),
    ("foreningar/forening-a/index.html", "/kalender/forening/forening-a.ics"),
])
def test_listings_link_their_feed_by_https_webcal_and_link_alternate(site, page, feed):
    text = _page(site, page)
    hrefs = _hrefs(text)
    assert BASE + feed in hrefs
    assert "webcal://test.example.org/sub" + feed in hrefs
    alternate = re.search(r'<link rel="alternate" type="text/calendar"[^>]*href="([^"]+)"', text)
    here = posixpath.dirname("/" + page)
    assert posixpath.normpath(posixpath.join(here, alternate.group(1))) == feed
    assert (site / feed.lstrip("/")).is_file()


def test_archive_has_the_feed_too(site):
    assert '<link rel="alternate" type="text/calendar"' in _page(site, "kalender/arkiv/index.html")


def test_filters_are_plain_links_to_pages_that_show_only_theirs(site):
    calendar = _page(site, "kalender/index.html")
    hrefs = _hrefs(calendar)
    for target in ("kommun/gavle/", "kommun/sandviken/", "kommun/digitalt/", "kommun/hela-lanet/", "forening/forening-a/"):
        assert target in hrefs
    assert "<script" not in calendar
    sandviken = _page(site, "kalender/kommun/sandviken/index.html")
    assert "Veckoträff" in sandviken and "Dialogmöte" not in sandviken
    assert 'href="./" aria-current="page">Sandviken' in sandviken
    association = _page(site, "kalender/forening/forening-a/index.html")
    assert "Dialogmöte" in association and "Veckoträff" not in association


def test_event_page_offers_ics_download_and_google_calendar(site):
    text = _page(site, "kalender/2026/mote-2026-03/index.html")
    ics = next(h for h in _hrefs(text) if h.endswith(".ics") and not h.startswith(("https:", "webcal:")))
    target = (site / "kalender/2026/mote-2026-03" / ics).resolve()
    assert target == (site / "kalender/2026/mote-2026-03.ics").resolve() and target.is_file()
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 1
    google = next(h for h in _hrefs(text) if h.startswith("https://calendar.google.com/"))
    query = {k: v[0] for k, v in parse_qs(urlsplit(google).query).items()}
    assert query["action"] == "TEMPLATE"
    assert query["text"] == "Dialogmöte"
    assert query["dates"] == "20260312T180000/20260312T200000"
    assert query["ctz"] == "Europe/Stockholm"
    assert query["location"] == "Biblioteket, Gävle"
    assert "Öppet möte." in query["details"] and BASE + "/kalender/2026/mote-2026-03/" in query["details"]


def test_google_link_of_an_all_day_event_has_an_exclusive_end(site):
    text = _page(site, "kalender/2026/utbildning-2026/index.html")
    google = next(h for h in _hrefs(text) if h.startswith("https://calendar.google.com/"))
    assert parse_qs(urlsplit(google).query)["dates"] == ["20260601/20260603"]


def _json_ld(text: str) -> object:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return json.loads(block.group(1))


def test_events_carry_schema_org_event_with_status(site):
    meeting = _json_ld(_page(site, "kalender/2026/mote-2026-03/index.html"))
    assert meeting["@type"] == "Event"
    assert meeting["eventStatus"] == "https://schema.org/EventScheduled"
    assert meeting["startDate"] == "2026-03-12T18:00:00+01:00"
    assert meeting["location"]["address"]["addressLocality"] == "Gävle"
    assert meeting["organizer"][0]["name"] == "Förening A"
    cancelled = _json_ld(_page(site, "kalender/2026/installt-2026/index.html"))
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    weekly = _json_ld(_page(site, "kalender/2026/traff-varje-vecka/index.html"))
    assert [e["startDate"] for e in weekly] == ["2026-03-17T10:30:00+01:00", "2026-03-24T10:30:00+01:00",
                                                 "2026-03-31T10:30:00+02:00", "2026-04-14T10:30:00+02:00"]


def test_json_ld_cannot_end_the_script_element_early(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", "- id: mote-1\n  title: Möte\n  start: 2026-03-12 18:00\n"
                          "  municipality: Gävle\n  description: Skriv </script><b>inte</b> så\n")
    build(scratch_project.content, tmp_path / "out", TEMPLATES, TODAY)
    text = _page(tmp_path / "out", "kalender/2026/mote-1/index.html")
    assert _json_ld(text)["description"] == "Skriv </script><b>inte</b> så"


def test_descriptions_in_feeds_are_plain_text_with_full_links():
    text = plain("Läs **mer** i [checklistan](/checklista/) eller på [regionen](https://example.org/x).", BASE + "/")
    assert text == f"Läs mer i checklistan ({BASE}/checklista/) eller på regionen (https://example.org/x)."


def test_calendar_page_links_the_pdf(site):
    assert "../kalender.pdf" in _hrefs(_page(site, "kalender/index.html"))
    assert (site / "kalender.pdf").is_file()
