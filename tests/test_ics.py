"""The .ics feeds are valid RFC 5545 as read by three independent parsers, with the times subscribers expect."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from conftest import TEMPLATES

from sitegen.build import build
from sitegen.history import NO_HISTORY_ENV

TODAY = dt.date(2026, 3, 1)
TZ = ZoneInfo("Europe/Stockholm")

EVENTS = """\
    - id: dialogmote-gavle
      title: Dialogmöte Gävle – om brukarinflytande, delaktighet och vård i Gävleborgs län
      start: 2026-03-12 18:00
      end: 2026-03-12 20:00
      location: Stadsbiblioteket, Slottstorget 1, Gävle
      municipality: Gävle
      organizers: [forening-a]
      category: dialogmöte
      description: Öppet möte mellan föreningar, kommun och region. Åäö ÅÄÖ – välkomna!
    - id: veckotraff
      title: Veckoträff
      start: 2026-03-17 18:00
      end: 2026-03-17 19:30
      municipality: Sandviken
      organizers: [forening-a]
      repeat:
        freq: weekly
        until: 2026-04-14
        except: [2026-04-07]
    - id: manadstraff
      title: Månadsträff
      start: 2026-01-31
      municipality: Digitalt
      repeat: {freq: monthly, until: 2026-05-31, except: [2026-03-31]}
    - id: installt
      title: Inställd föreläsning
      start: 2026-05-20 13:00
      end: 2026-05-20 15:00
      municipality: Gävle
      cancelled: true
    - id: utbildning
      title: Tvådagarsutbildning
      start: 2026-06-01
      end: 2026-06-02
      municipality: Hela länet
    """
OLD_EVENTS = """\
    - id: for-elva-manader-sedan
      title: Förra årets vårmöte
      start: 2025-04-10 18:00
      municipality: Gävle
    - id: for-langesedan
      title: Förra årets januarimöte
      start: 2025-01-10 18:00
      municipality: Gävle
    """


@pytest.fixture
def feeds(scratch_project, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", EVENTS)
    scratch_project.write("events/2025.yaml", OLD_EVENTS)
    out = tmp_path / "public"
    build(scratch_project.content, out, TEMPLATES, TODAY)
    return out


def all_ics(out: Path) -> list[Path]:
    return sorted(out.rglob("*.ics"))


def test_every_feed_the_site_promises_exists(feeds):
    names = {p.relative_to(feeds).as_posix() for p in all_ics(feeds)}
    assert {"kalender.ics", "kalender/kommun/gavle.ics", "kalender/kommun/sandviken.ics", "kalender/kommun/digitalt.ics",
            "kalender/kommun/hela-lanet.ics", "kalender/forening/forening-a.ics", "kalender/2026/veckotraff.ics",
            "kalender/2025/for-langesedan.ics"} <= names


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_a_character(feeds):
    folded = 0
    for path in all_ics(feeds):
        data = path.read_bytes()
        assert data.endswith(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), path
        for line in data.split(b"\r\n")[:-1]:
            assert len(line) <= 75, (path, line)
            line.decode("utf-8")  # a fold inside a multi-byte character would not decode
            folded += line.startswith(b" ")
    assert folded > 0, "the long title and description should have been folded"


def test_calendar_properties_and_one_vtimezone_for_every_tzid(feeds):
    for path in all_ics(feeds):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert cal["VERSION"] == "2.0"
        assert cal["PRODID"]
        assert cal["METHOD"] == "PUBLISH"
        assert cal["NAME"] and cal["X-WR-CALNAME"] == cal["NAME"]
        text = path.read_bytes().decode("utf-8")
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
        assert "X-PUBLISHED-TTL:PT12H\r\n" in text
        tzids = set(re.findall(r";TZID=([^:;]+)", text))
        zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert tzids <= zones == {"Europe/Stockholm"}


def test_no_floating_times(feeds):
    text = (feeds / "kalender.ics").read_bytes().decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    checked = 0
    in_zone = False
    for line in unfolded.split("\r\n"):
        in_zone = (in_zone or line == "BEGIN:VTIMEZONE") and line != "END:VTIMEZONE"  # zone rules are local by design
        name = line.split(":", 1)[0]
        if name.split(";")[0] in {"DTSTART", "DTEND", "EXDATE", "RECURRENCE-ID"} and not in_zone:
            value = line.split(":", 1)[1]
            assert "VALUE=DATE" in name or "TZID=" in name or value.endswith("Z"), line
            checked += 1
        if name.startswith("RRULE") and "UNTIL=" in line:
            until = re.search(r"UNTIL=([0-9TZ]+)", line).group(1)
            assert len(until) == 8 or until.endswith("Z"), line
    assert checked >= 12


def _vevents(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_timed_all_day_and_multi_day_events(feeds):
    events = _vevents(feeds / "kalender.ics")
    meeting = events["dialogmote-gavle"]
    assert meeting["DTSTART"].dt == dt.datetime(2026, 3, 12, 18, tzinfo=TZ)
    assert meeting["DTEND"].dt == dt.datetime(2026, 3, 12, 20, tzinfo=TZ)
    assert meeting["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert str(meeting["LOCATION"]) == "Stadsbiblioteket, Slottstorget 1, Gävle"  # the municipality not said twice
    assert str(events["veckotraff"]["LOCATION"]) == "Sandviken"
    assert "Åäö ÅÄÖ" in str(meeting["DESCRIPTION"])
    course = events["utbildning"]
    assert course["DTSTART"].params["VALUE"] == "DATE"
    assert (course["DTSTART"].dt, course["DTEND"].dt) == (dt.date(2026, 6, 1), dt.date(2026, 6, 3))  # exclusive end


def test_uid_and_versions_are_identical_in_every_feed(feeds):
    seen: dict[str, bytes] = {}
    for path in all_ics(feeds):
        for vevent in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            uid = str(vevent["UID"])
            assert re.fullmatch(r"[a-z0-9-]+@test\.example\.org", uid)
            assert seen.setdefault(uid, vevent.to_ical()) == vevent.to_ical(), (path, uid)
    assert len(seen) == 7  # six in the main feed, and the one over a year ago in its own


def test_cancelled_event_keeps_its_uid_and_is_marked(feeds):
    cancelled = _vevents(feeds / "kalender.ics")["installt"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("INSTÄLLT")
    assert _vevents(feeds / "kalender/2026/installt.ics")["installt"]["UID"] == cancelled["UID"]


def test_past_events_stay_for_twelve_months(feeds):
    main = _vevents(feeds / "kalender.ics")
    assert "for-elva-manader-sedan" in main
    assert "for-langesedan" not in main
    assert "for-langesedan" in _vevents(feeds / "kalender/2025/for-langesedan.ics")


def test_feeds_per_municipality_and_association_hold_only_theirs(feeds):
    assert set(_vevents(feeds / "kalender/kommun/sandviken.ics")) == {"veckotraff"}
    assert set(_vevents(feeds / "kalender/kommun/gavle.ics")) == {"dialogmote-gavle", "installt", "for-elva-manader-sedan"}
    assert set(_vevents(feeds / "kalender/forening/forening-a.ics")) == {"dialogmote-gavle", "veckotraff"}
    assert set(_vevents(feeds / "kalender/kommun/hela-lanet.ics")) == {"utbildning"}


def test_exdate_has_the_type_and_zone_of_dtstart(feeds):
    events = _vevents(feeds / "kalender.ics")
    weekly = events["veckotraff"]
    assert weekly["EXDATE"].dts[0].dt == dt.datetime(2026, 4, 7, 18, tzinfo=TZ)
    assert weekly["EXDATE"].params["TZID"] == weekly["DTSTART"].params["TZID"]
    monthly = events["manadstraff"]
    assert monthly["EXDATE"].dts[0].dt == dt.date(2026, 3, 31)
    assert monthly["EXDATE"].params["VALUE"] == "DATE"


def _occurrences(path: Path, uid: str) -> list[dt.date | dt.datetime]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    found = recurring_ical_events.of(cal).between(dt.date(2025, 1, 1), dt.date(2027, 1, 1))
    return sorted(e["DTSTART"].dt for e in found if str(e["UID"]).startswith(uid + "@"))


def test_recurring_ical_events_finds_the_expected_dates_across_dst_and_except(feeds):
    weekly = _occurrences(feeds / "kalender.ics", "veckotraff")
    # 18:00 Swedish time on both sides of the change to summer time on 29 March; 7 April left out.
    assert weekly == [dt.datetime(2026, 3, 17, 18, tzinfo=TZ), dt.datetime(2026, 3, 24, 18, tzinfo=TZ),
                      dt.datetime(2026, 3, 31, 18, tzinfo=TZ), dt.datetime(2026, 4, 14, 18, tzinfo=TZ)]
    assert [d.utcoffset() for d in weekly] == [dt.timedelta(hours=1)] * 2 + [dt.timedelta(hours=2)] * 2
    # The 31st each month, skipping months without one (as the site does) and the excepted 31 March.
    assert _occurrences(feeds / "kalender.ics", "manadstraff") == [dt.date(2026, 1, 31), dt.date(2026, 5, 31)]


def test_feed_occurrences_match_the_calendar_pages(scratch_project, feeds):
    from sitegen.build import check

    model = check(scratch_project.content, TODAY)
    for event in model.events:
        expected = [o.start.replace(tzinfo=TZ) if isinstance(o.start, dt.datetime) else o.start for o in event.occurrences]
        assert _occurrences(feeds / f"kalender/{event.year}/{event.id}.ics", event.id) == expected, event.id


def test_vobject_reads_every_feed_with_the_same_times(feeds):
    for path in all_ics(feeds):
        cal = vobject.readOne(path.read_text("utf-8"))
        cal.validate()
        for vevent in getattr(cal, "vevent_list", []):
            assert vevent.uid.value.endswith("@test.example.org")
    cal = vobject.readOne((feeds / "kalender.ics").read_text("utf-8"))
    by_uid = {v.uid.value.split("@")[0]: v for v in cal.vevent_list}
    weekly = by_uid["veckotraff"]
    starts = list(weekly.getrruleset(addRDate=True))
    assert [s.astimezone(dt.UTC).hour for s in starts] == [17, 17, 16, 16]
    assert [s.date() for s in starts] == [dt.date(2026, 3, 17), dt.date(2026, 3, 24), dt.date(2026, 3, 31), dt.date(2026, 4, 14)]
    assert by_uid["installt"].status.value == "CANCELLED"


def test_feeds_are_byte_identical_when_built_again(scratch_project, feeds, tmp_path):
    again = tmp_path / "again"
    build(scratch_project.content, again, TEMPLATES, TODAY)
    for path in all_ics(feeds):
        assert (again / path.relative_to(feeds)).read_bytes() == path.read_bytes(), path


def test_without_git_dtstamp_is_the_build_date_and_sequence_zero(feeds):
    event = _vevents(feeds / "kalender.ics")["dialogmote-gavle"]
    assert event["DTSTAMP"].dt == dt.datetime(2026, 3, 1, tzinfo=TZ).astimezone(dt.UTC)
    assert event["SEQUENCE"] == 0


# SEQUENCE and LAST-MODIFIED from git history.

def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _versions(project, out: Path, today: dt.date = TODAY) -> dict[str, tuple[int, dt.datetime]]:
    build(project.content, out, TEMPLATES, today)
    return {uid: (int(e["SEQUENCE"]), e["LAST-MODIFIED"].dt) for uid, e in _vevents(out / "kalender.ics").items()}


@pytest.fixture
def repo(scratch_project, monkeypatch):
    monkeypatch.delenv(NO_HISTORY_ENV, raising=False)
    scratch_project.write("events/2026.yaml", EVENTS)
    _git(scratch_project.root, "init", "-q", "-b", "main")
    _git(scratch_project.root, "add", "-A")
    _git(scratch_project.root, "commit", "-qm", "first", when="2026-02-01T10:00:00Z")
    return scratch_project


def test_sequence_and_last_modified_rise_when_an_event_is_edited(repo, tmp_path):
    first = _versions(repo, tmp_path / "a")
    feb1 = dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)
    assert first["dialogmote-gavle"] == (0, feb1)

    repo.write("events/2026.yaml", EVENTS.replace("start: 2026-03-12 18:00", "start: 2026-03-12 17:30"))
    _git(repo.root, "commit", "-qam", "earlier", when="2026-02-10T09:00:00Z")
    second = _versions(repo, tmp_path / "b")
    assert second["dialogmote-gavle"] == (1, dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC))
    assert second["veckotraff"] == (0, feb1), "an event that did not change keeps its version"

    # Comments and blank lines are not published: no new version.
    repo.write("events/2026.yaml", "# En kommentar\n\n" + (repo.content / "events/2026.yaml").read_text("utf-8"))
    _git(repo.root, "commit", "-qam", "comment", when="2026-02-11T09:00:00Z")
    assert _versions(repo, tmp_path / "c") == second

    # An edit not yet committed is a new version dated the build's day.
    repo.write("events/2026.yaml", EVENTS.replace("title: Veckoträff", "title: Veckoträff i Sandviken"))
    third = _versions(repo, tmp_path / "d", dt.date(2026, 2, 20))
    assert third["veckotraff"] == (1, dt.datetime(2026, 2, 20, tzinfo=TZ).astimezone(dt.UTC))
    assert third["dialogmote-gavle"][0] == 2, "going back to the first text is a change too"


def test_an_event_moved_to_another_place_in_the_file_keeps_its_version(repo, tmp_path):
    items = textwrap.dedent(EVENTS).split("- id: ")[1:]
    repo.write("events/2026.yaml", "".join("- id: " + item for item in reversed(items)))
    _git(repo.root, "commit", "-qam", "reorder", when="2026-02-15T09:00:00Z")
    versions = _versions(repo, tmp_path / "a")
    assert all(seq == 0 for seq, _ in versions.values()), versions
