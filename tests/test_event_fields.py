"""An event's accessibility, online meeting link and registration: checked, on the page, in the feeds and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import icalendar
import pytest
import recurring_ical_events
import vobject
from conftest import TEMPLATES, ScratchProject
from test_review import pages

from sitegen.build import check
from sitegen.errors import ContentError
from sitegen.history import NO_HISTORY_ENV
from sitegen.model import SiteModel
from sitegen.render import Context, ics
from sitegen.schema import ACCESSIBILITY

TODAY = dt.date(2026, 3, 1)
BASE = "https://test.example.org"

EVENTS = """\
    - id: hybrid
      title: Dialogmöte
      start: 2026-03-12 18:00
      end: 2026-03-12 20:00
      location: Biblioteket
      municipality: Gävle
      accessibility: [rullstol, horslinga, rullstol]
      online: https://mote.example.org/abc?id=1&pw=2
      registration:
        url: https://anmalan.example.org/dialog
        email: anmalan@example.org
        phone: 070-174 06 21
        deadline: 2026-03-05
    - id: bara-digitalt
      title: Digital träff
      start: 2026-03-20 10:00
      end: 2026-03-20 11:00
      municipality: Digitalt
      online: https://mote.example.org/digital
      registration: {email: anmalan@example.org}
    - id: pa-plats
      title: Utbildning
      start: 2026-04-14
      municipality: Sandviken
      accessibility: [tyst-rum]
      registration: {phone: 070-174 06 22, deadline: 2026-02-20}
      repeat: {freq: weekly, until: 2026-04-28}
    """


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> SiteModel:
    project = ScratchProject(tmp_path_factory.mktemp("fields"))
    project.write("events/2026.yaml", EVENTS)
    return check(project.content, TODAY)


@pytest.fixture(scope="module")
def html(model) -> dict[str, str]:
    """Every page of the model, rendered once for the module's tests (they only read them)."""
    return pages(model)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace(" .", ".")


def _json_ld(html: str) -> dict:
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    return data[0] if isinstance(data, list) else data


@pytest.fixture(scope="module")
def feeds(model) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(NO_HISTORY_ENV, "1")
        return dict(ics.render(Context(model, TEMPLATES)))


def _vevent(feeds: dict[str, bytes], event_id: str) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(feeds[f"kalender/2026/{event_id}.ics"])
    return next(c for c in cal.walk("VEVENT"))


# --- checking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "suggested"), [
    ("hörslinga", "horslinga"), ("rullstolstoalett", "toalett"), ("teckensprak", "teckentolk"),
    ("Tyst rum", "tyst-rum"), ("doftfritt", "allergi"), ("rulstol", "rullstol"), ("lättläst", "lattlast"),
    ("skrivtolkning", "skrivtolk"), ("teleslinga", "horslinga"),
])
def test_unknown_accessibility_word_suggests_the_nearest(scratch_project, written, suggested):
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace(
        "accessibility: [tyst-rum]", f"accessibility:\n    - tyst-rum\n    - {written}"))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("content/events/2026.yaml", 27)
    assert f"”{written}” finns inte bland orden för tillgänglighet. Menade du ”{suggested}”" in problem.message
    assert "Använd något av: rullstol (tillgängligt med rullstol), toalett" in problem.message


def test_accessibility_word_unlike_any_lists_the_choices_without_a_guess(scratch_project):
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace("[tyst-rum]", "[qwerty]"))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    message = caught.value.problems[0].message
    assert "Menade du" not in message and all(key in message for key in ACCESSIBILITY)


@pytest.mark.parametrize(("change", "line", "fragment"), [
    ("registration: {phone: 070-174 06 22, deadline: 2026-02-20}", 26, "minst ett av url"),
    ("registration: {phone: 070-174 06 22, deadline: 2026-04-15}", 26, "Sista anmälningsdag (2026-04-15) är efter"),
    ("registration: {phone: 070-174 06 22, deadline: 15 april}", 26, "inget giltigt datum"),
    ("registration: {phone: 070-174 06 22, deadlin: 2026-04-01}", 26, "Menade du ”deadline”"),
    ("registration: {phone: 070-174 06 22, email: anmalan.example.org}", 26, "ingen giltig e-postadress"),
    ("online: mote.example.org/x", 26, "ingen giltig webbadress"),
])
def test_bad_registration_or_online_is_a_swedish_error_at_its_line(scratch_project, change, line, fragment):
    wrong = change if "minst" not in fragment else "registration: {deadline: 2026-02-20}"
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace(
        "registration: {phone: 070-174 06 22, deadline: 2026-02-20}", wrong))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    [problem] = caught.value.problems
    assert problem.line == line and fragment in problem.message, str(problem)


def test_deadline_on_the_day_of_the_start_is_allowed(scratch_project):
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace("deadline: 2026-02-20", "deadline: 2026-04-14"))
    assert check(scratch_project.content, TODAY).events[2].data.registration.deadline == dt.date(2026, 4, 14)


def test_repeated_accessibility_word_is_kept_once(model):
    assert model.events[0].data.accessibility == ["rullstol", "horslinga"]


# --- the event page -----------------------------------------------------------------------------------

def test_event_page_shows_accessibility_in_words_linked_to_the_feature_pages(html):
    page = html["/kalender/2026/hybrid/"]
    facts = _text(page.split('<dl class="facts">')[1].split("</dl>")[0])
    assert "TillgänglighetTillgängligt med rullstolHörslinga" in facts
    assert re.search(r'<a href="../../tillganglighet/horslinga/">Hörslinga</a>', page)


def test_event_page_shows_delta_digitalt_with_the_link(html):
    page = html["/kalender/2026/hybrid/"]
    assert re.search(r'<dt>Delta digitalt</dt><dd class="online"><a href="https://mote.example.org/abc\?id=1&amp;pw=2"', page)
    assert "du kan också komma på plats" in page
    assert "du kan också komma på plats" not in html["/kalender/2026/bara-digitalt/"]
    assert "Delta digitalt" not in html["/kalender/2026/pa-plats/"]
    assert "även digitalt" in _text(html["/kalender/"].split("Dialogmöte")[1].split("</li>")[0])


def test_event_page_says_how_to_register_and_the_last_day(html):
    text = _text(html["/kalender/2026/hybrid/"])
    assert ("Anmäl dig på anmälningssidan, med e-post till anmalan@example.org eller per telefon på 070-174 06 21."
            in text)
    assert "Sista anmälningsdag 5 mars 2026." in text


def test_after_the_deadline_the_page_says_registration_has_closed(html):
    text = _text(html["/kalender/2026/pa-plats/"])
    assert "Anmälan är stängd. Sista anmälningsdag var 20 februari 2026." in text
    assert "Anmäl dig" not in text and "070-174 06 22" not in text


def test_registration_closes_the_day_after_the_deadline(scratch_project):
    scratch_project.write("events/2026.yaml", EVENTS)
    on_the_day = _text(pages(check(scratch_project.content, dt.date(2026, 3, 5)))["/kalender/2026/hybrid/"])
    after = _text(pages(check(scratch_project.content, dt.date(2026, 3, 6)))["/kalender/2026/hybrid/"])
    assert "Sista anmälningsdag 5 mars 2026." in on_the_day and "stängd" not in on_the_day
    assert "Anmälan är stängd. Sista anmälningsdag var 5 mars 2026." in after


# --- JSON-LD ------------------------------------------------------------------------------------------

def test_json_ld_attendance_mode_and_locations(html):
    hybrid = _json_ld(html["/kalender/2026/hybrid/"])
    assert hybrid["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = hybrid["location"]
    assert place["@type"] == "Place" and place["name"] == "Biblioteket"
    assert virtual == {"@type": "VirtualLocation", "url": "https://mote.example.org/abc?id=1&pw=2"}
    online = _json_ld(html["/kalender/2026/bara-digitalt/"])
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == {"@type": "VirtualLocation", "url": "https://mote.example.org/digital"}
    offline = _json_ld(html["/kalender/2026/pa-plats/"])
    assert offline["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert offline["location"]["@type"] == "Place"


def test_json_ld_has_accessibility_and_registration(html):
    hybrid = _json_ld(html["/kalender/2026/hybrid/"])
    features = hybrid["location"][0]["amenityFeature"]
    assert [f["name"] for f in features] == ["Tillgängligt med rullstol", "Hörslinga"]
    assert all(f["@type"] == "LocationFeatureSpecification" and f["value"] is True for f in features)
    assert hybrid["offers"] == {"@type": "Offer", "url": "https://anmalan.example.org/dialog",
                                "availabilityEnds": "2026-03-05T23:59:00+01:00"}
    assert "Sista anmälningsdag 5 mars 2026." in hybrid["description"]
    closed = _json_ld(html["/kalender/2026/pa-plats/"])
    assert closed["offers"]["availabilityEnds"].startswith("2026-02-20T23:59")
    assert closed["offers"]["url"] == "https://test.example.org/kalender/2026/pa-plats/"
    assert "Anmälan är stängd" in closed["description"]


# --- the feeds ----------------------------------------------------------------------------------------

def test_ics_carries_the_meeting_link_as_conference_url_and_description(feeds):
    event = _vevent(feeds, "hybrid")
    conference = event["CONFERENCE"]
    assert str(conference) == "https://mote.example.org/abc?id=1&pw=2"
    assert conference.params["VALUE"] == "URI" and conference.params["LABEL"] == "Delta digitalt"
    assert b"CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=Delta digitalt;VALUE=URI:" in feeds["kalender/2026/hybrid.ics"]
    assert str(event["URL"]) == "https://mote.example.org/abc?id=1&pw=2"
    description = str(event["DESCRIPTION"])
    assert "Delta digitalt: https://mote.example.org/abc?id=1&pw=2" in description
    assert "Kalendern: https://test.example.org/kalender/2026/hybrid/" in description
    assert "CONFERENCE" not in str(_vevent(feeds, "pa-plats").to_ical())
    assert str(_vevent(feeds, "pa-plats")["URL"]) == "https://test.example.org/kalender/2026/pa-plats/"


def test_ics_description_has_accessibility_and_registration(feeds):
    description = str(_vevent(feeds, "hybrid")["DESCRIPTION"])
    assert "Tillgänglighet: tillgängligt med rullstol, hörslinga." in description
    assert ("Anmälan: https://anmalan.example.org/dialog, e-post anmalan@example.org, telefon 070-174 06 21. "
            "Sista anmälningsdag 5 mars 2026.") in description
    closed = str(_vevent(feeds, "pa-plats")["DESCRIPTION"])
    assert "Anmälan är stängd. Sista anmälningsdag var 20 februari 2026." in closed


def test_feeds_with_the_new_fields_pass_three_parsers(feeds):
    for data in feeds.values():
        text = data.decode("utf-8")
        cal = icalendar.Calendar.from_ical(text)
        vobject.readOne(text)
        recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    parsed = vobject.readOne(feeds["kalender.ics"].decode())
    hybrid = next(v for v in parsed.vevent_list if v.uid.value.startswith("hybrid@"))
    assert hybrid.conference.value == "https://mote.example.org/abc?id=1&pw=2"
    occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(feeds["kalender.ics"])).between(
        dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    assert sorted(str(o["DTSTART"].dt) for o in occurrences) == ["2026-04-14", "2026-04-21", "2026-04-28"]


def test_digitalt_calendar_and_feed_hold_online_and_hybrid_events(html, feeds):
    cal = icalendar.Calendar.from_ical(feeds["kalender/kommun/digitalt.ics"])
    assert sorted(str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")) == ["bara-digitalt", "hybrid"]
    gavle = icalendar.Calendar.from_ical(feeds["kalender/kommun/gavle.ics"])
    assert [str(e["UID"]).split("@")[0] for e in gavle.walk("VEVENT")] == ["hybrid"]
    page = html["/kalender/kommun/digitalt/"]
    assert "Dialogmöte" in page and "Digital träff" in page and "Utbildning" not in page


# --- a page per accessibility feature -----------------------------------------------------------------

def test_a_calendar_page_per_feature_linked_from_the_calendar(html):
    calendar = html["/kalender/"]
    for key, (label, _) in ACCESSIBILITY.items():
        assert f"/kalender/tillganglighet/{key}/" in html
        assert re.search(rf'<a href="tillganglighet/{key}/">{label}</a>', calendar)
        assert re.search(rf'<a href="\.\./{key}/">{label}</a>', html["/kalender/tillganglighet/horslinga/"]) or \
            key == "horslinga"


def test_feature_page_lists_only_events_with_that_feature(html):
    hearing = html["/kalender/tillganglighet/horslinga/"]
    assert "<h1>Kalender: Hörslinga</h1>" in hearing
    assert "Dialogmöte" in hearing and "Digital träff" not in hearing and "Utbildning" not in hearing
    quiet = html["/kalender/tillganglighet/tyst-rum/"]
    assert quiet.count("<li class=\"event") == 3 and "Dialogmöte" not in quiet  # every date of the weekly course
    assert 'aria-current="page">Tyst rum</a>' in quiet


def test_feature_without_upcoming_events_has_a_kind_page(html):
    text = _text(html["/kalender/tillganglighet/skrivtolk/"])
    assert "Just nu finns det ingen kommande händelse i kalendern som har skrivtolk." in text
    assert "Fråga gärna den som arrangerar en händelse" in text


def test_cancelled_event_does_not_offer_its_meeting_link_or_registration(scratch_project):
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace(
        "  municipality: Gävle\n", "  municipality: Gävle\n  cancelled: true\n", 1))
    page = pages(check(scratch_project.content, TODAY))["/kalender/2026/hybrid/"]
    assert "INSTÄLLT" in page
    assert "mote.example.org/abc" not in page.split("</head>")[1] and "Anmäl dig" not in page


def test_cancelled_event_feed_has_no_meeting_link_or_registration(scratch_project):
    scratch_project.write("events/2026.yaml", textwrap.dedent(EVENTS).replace(
        "  municipality: Gävle\n", "  municipality: Gävle\n  cancelled: true\n", 1))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(NO_HISTORY_ENV, "1")
        feeds = dict(ics.render(Context(check(scratch_project.content, TODAY), TEMPLATES)))
    event = _vevent(feeds, "hybrid")
    assert event["STATUS"] == "CANCELLED"
    assert "CONFERENCE" not in event
    assert "mote.example.org" not in str(event.to_ical().decode())  # neither URL nor DESCRIPTION invites to join
    assert "anmäl" not in str(event["DESCRIPTION"]).lower()
    assert str(event["URL"]).endswith("/kalender/2026/hybrid/")  # the event's page, which says INSTÄLLT
