"""The association directory narrowed by municipality and by audience (a page per choice, no JavaScript), and a
repeating event summarised once on an association's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from test_review import pages

from sitegen.build import check
from sitegen.calendar import series
from sitegen.errors import ContentError

TODAY = dt.date(2027, 1, 10)

ASSOCIATIONS = """\
- id: forening-a
  name: Förening A
  description: A.
  audience: [brukare, Närstående]
  municipalities: [Gävle]
- id: forening-b
  name: Förening B
  description: B.
  audience: [närstående, andra intresserade]
  municipalities: [Sandviken, Gävle]
- id: natverket
  name: Nätverket
  description: Hela länet.
  audience: [brukare]
  municipalities: [Hela länet]
"""

EVENTS = """\
- id: samtalsgrupp
  title: Samtalsgrupp för brukare
  start: 2027-02-01 18:00
  end: 2027-02-01 19:30
  municipality: Gävle
  organizers: [forening-a]
  repeat:
    freq: weekly
    until: 2027-05-31
    except: [2027-03-29]
- id: dialogmote
  title: Dialogmöte
  start: 2027-03-11 18:00
  municipality: Gävle
  organizers: [forening-a]
"""


@pytest.fixture
def html(scratch_project) -> dict[str, str]:
    scratch_project.write("associations.yaml", ASSOCIATIONS)
    scratch_project.write("events/2027.yaml", EVENTS)
    scratch_project.write("events/2026.yaml", "[]\n")
    return pages(check(scratch_project.content, TODAY))


def _names(page: str) -> list[str]:
    cards = page.split('<ul class="cards">', 1)[1] if '<ul class="cards">' in page else ""
    return re.findall(r'<h[23]><a href="[^"]*">([^<]+)</a></h[23]>', cards)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_directory_links_a_page_per_municipality_and_audience(html):
    directory = html["/foreningar/"]
    for href, name in [("kommun/gavle/", "Gävle"), ("kommun/sandviken/", "Sandviken"), ("kommun/hela-lanet/", "Hela länet"),
                       ("malgrupp/brukare/", "brukare"), ("malgrupp/narstaende/", "Närstående"),
                       ("malgrupp/andra-intresserade/", "andra intresserade")]:
        assert f'<a href="{href}">{name}</a>' in directory
        assert f"/foreningar/{href}" in html
    assert "/foreningar/kommun/digitalt/" not in html  # no association works only online
    assert "<script" not in directory


def test_municipality_page_lists_its_associations_and_those_of_the_whole_county(html):
    gavle = html["/foreningar/kommun/gavle/"]
    assert "<h1>Föreningar: Gävle</h1>" in gavle
    local, county = gavle.split('<h2 id="hela-lanet">')
    assert _names(local) == ["Förening A", "Förening B"]
    assert _names(county) == ["Nätverket"]
    assert 'aria-current="page">Gävle</a>' in gavle
    assert _names(html["/foreningar/kommun/sandviken/"].split('<h2 id="hela-lanet">')[0]) == ["Förening B"]
    assert _names(html["/foreningar/kommun/hela-lanet/"]) == ["Nätverket"]


def test_municipality_without_associations_says_so_kindly(scratch_project):
    scratch_project.write("associations.yaml", ASSOCIATIONS.replace("[Hela länet]", "[Gävle]"))
    html = pages(check(scratch_project.content, TODAY))
    text = _text(html["/foreningar/kommun/sandviken/"].replace("Förening B", ""))
    assert "Föreningar: Sandviken" in text
    scratch_project.write("associations.yaml", ASSOCIATIONS.replace("[Sandviken, Gävle]", "[Gävle]"))
    text = _text(pages(check(scratch_project.content, TODAY))["/foreningar/kommun/sandviken/"])
    assert "Ingen förening har skrivit att den verkar just i Sandviken än. Föreningarna nedan verkar i hela länet." in text


def test_audience_page_lists_the_associations_for_that_audience_whatever_the_spelling(html):
    relatives = html["/foreningar/malgrupp/narstaende/"]
    assert "<h1>Föreningar för Närstående</h1>" in relatives
    assert _names(relatives) == ["Förening A", "Förening B"]
    assert _names(html["/foreningar/malgrupp/brukare/"]) == ["Förening A", "Nätverket"]
    assert 'aria-current="page">Närstående</a>' in relatives


@pytest.mark.parametrize("reserved", ["kommun", "malgrupp"])
def test_association_id_that_would_hide_a_filter_page_is_an_error(scratch_project, reserved):
    scratch_project.write("associations.yaml", ASSOCIATIONS.replace("id: natverket", f"id: {reserved}"))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (11, "id") and f"/foreningar/{reserved}/" in problem.message


def test_repeating_event_is_summarised_once_on_the_association_page(html):
    page = html["/foreningar/forening-a/"]
    assert page.count("Samtalsgrupp för brukare</a>") == 1
    assert "Varje måndag kl. 18.00–19.30, 1 februari–31 maj 2027, inte 29 mars" in _text(page)
    assert "Nästa gång: måndag 1 februari 2027, kl. 18.00–19.30" in _text(page)
    assert page.count("Dialogmöte</a>") == 1
    calendar = html["/kalender/forening/forening-a/"]
    assert calendar.count("Samtalsgrupp för brukare</a>") == 17  # the calendar keeps every date
    assert html["/kalender/"].count("Samtalsgrupp för brukare</a>") == 17


@pytest.mark.parametrize(("repeat", "start", "expected"), [
    ("{freq: weekly, until: 2027-05-31, except: [2027-03-29]}", "2027-02-01 18:00",
     "Varje måndag kl. 18.00–19.30, 1 februari–31 maj 2027, inte 29 mars"),
    ("{freq: weekly, until: 2027-03-01, except: [2027-02-08, 2027-02-15, 2027-02-22]}", "2027-02-01 18:00",
     "Varje måndag kl. 18.00–19.30, 1 februari–1 mars 2027, inte 8 februari, 15 februari och 22 februari"),
    ("{freq: monthly, until: 2027-06-16, except: [2027-01-16]}", "2026-09-16 17:00",
     "Den 16 varje månad kl. 17.00–18.30, 16 september 2026–16 juni 2027, inte 16 januari 2027"),
    ("{freq: weekly, until: 2027-06-30}", "2027-06-02", "Varje onsdag, 2 juni–30 juni 2027"),
])
def test_series_in_one_line(scratch_project, repeat, start, expected):
    end = "" if len(start) == 10 else f"\n  end: {start[:10]} {int(start[11:13]) + 1}:30"
    year = start[:4]
    scratch_project.write(f"events/{year}.yaml", f"- id: serie\n  title: Serie\n  start: {start}{end}\n"
                          f"  municipality: Gävle\n  repeat: {repeat}\n")
    if year == "2027":
        scratch_project.write("events/2026.yaml", "[]\n")
    event = next(e for e in check(scratch_project.content, TODAY).events if e.id == "serie")
    assert re.sub(r"<[^>]+>", "", series(event)) == expected
    assert f'<time datetime="{start[:10]}">' in series(event)


def test_listings_without_entries_link_only_pages_that_exist(scratch_project):
    """A calendar or directory made only of its Markdown page still has every filter page it links."""
    scratch_project.write("events/2026.yaml", "[]\n")
    scratch_project.write("associations.yaml", "[]\n")
    scratch_project.write("pages/kalender.md", "---\ntitle: Kalender\n---\nSnart.\n")
    scratch_project.write("pages/foreningar.md", "---\ntitle: Föreningar\n---\nSnart.\n")
    html = pages(check(scratch_project.content, TODAY))
    for listing in ("/kalender/", "/foreningar/"):
        for href in re.findall(r'href="([^"#]+/)"', html[listing]):
            target = (listing + href).replace("/./", "/")
            while "/../" in target:
                target = re.sub(r"/[^/]+/\.\./", "/", target, count=1)
            assert target in html, f"{listing} links {target}, which is not a page"
    assert "Ingen förening har skrivit att den verkar just i Gävle än." in _text(html["/foreningar/kommun/gavle/"])


def test_association_page_links_its_audiences_and_municipalities_to_their_lists(html):
    page = html["/foreningar/forening-b/"]
    for href in ("../malgrupp/narstaende/", "../malgrupp/andra-intresserade/", "../kommun/sandviken/", "../kommun/gavle/"):
        assert f'<a href="{href}">' in page
        assert "/foreningar/" + href.removeprefix("../") in html
    assert '<a href="../kommun/hela-lanet/">Hela länet</a>' in html["/foreningar/natverket/"]
