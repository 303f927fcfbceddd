"""Every kind of content error gives a Swedish message with file and line, all of them in one run."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from sitegen.build import check
from sitegen.errors import ContentError

TODAY = dt.date(2026, 3, 1)

EVENT = textwrap.dedent("""\
    - id: mote-1
      title: Dialogmöte
      start: 2026-03-12 18:00
      end: 2026-03-12 20:00
      municipality: Gävle
      organizers: [forening-a]
    """)


def _event(**changes: str) -> str:
    """The valid event with some lines replaced (key -> new 'key: value' line, or '' to drop it)."""
    lines = []
    for line in EVENT.splitlines():
        key = line.strip().lstrip("- ").split(":")[0]
        if key in changes:
            if changes[key]:
                lines.append(line[: line.index(key)] + changes[key])
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


CASES = [
    # (id, file, text, expected line, expected fragments)
    ("yaml-syntax", "events/2026.yaml", _event(title="title: Möte: vår"), 2, ["går inte att läsa som YAML", "kolon"]),
    ("missing-field", "events/2026.yaml", _event(title=""), 1, ["Fältet ”title” saknas"]),
    ("unknown-key", "events/2026.yaml", _event(organizers="organisers: [forening-a]"), 6,
     ["”organisers” finns inte", "Menade du ”organizers”"]),
    ("wrong-type", "events/2026.yaml", _event(organizers="organizers: forening-a"), 6, ["ska det stå en lista"]),
    ("wrong-type-bool", "events/2026.yaml", EVENT + "  cancelled: kanske\n", 7, ["true (ja) eller false (nej)"]),
    ("invalid-date", "events/2026.yaml", _event(start="start: 2026-02-30 18:00"), 3, ["inget giltigt datum"]),
    ("invalid-time", "events/2026.yaml", _event(start="start: 2026-03-12 25:00"), 3, ["inget giltigt datum eller klockslag"]),
    ("end-before-start", "events/2026.yaml", _event(end="end: 2026-03-12 17:00"), 4, ["före starten"]),
    ("unknown-municipality", "events/2026.yaml", _event(municipality="municipality: Gavle"), 5,
     ["”Gavle” är ingen kommun", "Menade du ”Gävle”"]),
    ("unknown-organizer", "events/2026.yaml", _event(organizers="organizers: [forening-b]"), 6,
     ["ingen förening med id ”forening-b”", "Menade du ”forening-a”"]),
    ("duplicate-id", "events/2026.yaml", EVENT + EVENT.replace("2026-03-12", "2026-04-12"), 7,
     ["”mote-1” används redan", "rad 1"]),
    ("bad-url", "events/2026.yaml", EVENT + "  url: www.example.org/anmalan\n", 7, ["ingen giltig webbadress", "https://"]),
    ("bad-id", "events/2026.yaml", _event(id="id: Möte 1"), 1, ["går inte att använda som id"]),
    ("wrong-year-file", "events/2026.yaml", _event(start="start: 2027-03-12 18:00", end="end: 2027-03-12 20:00"), 3,
     ["Flytta den till events/2027.yaml"]),
    ("until-before-start", "events/2026.yaml", EVENT + "  repeat: {freq: weekly, until: 2026-03-01}\n", 7,
     ["slutar (2026-03-01) innan händelsen börjar"]),
    ("except-not-occurrence", "events/2026.yaml",
     EVENT + "  repeat: {freq: weekly, until: 2026-04-30, except: [2026-03-20]}\n", 7,
     ["2026-03-20 är inte en av dagarna"]),
    ("nonexistent-local-time", "events/2026.yaml",
     _event(start="start: 2026-03-29 02:30", end="end: 2026-03-29 04:00"), 3, ["finns inte i svensk tid"]),
    # Event errors found when the calendar is put together point at the line of the field to fix.
    ("end-before-start-all-day", "events/2026.yaml", _event(start="start: 2026-06-02", end="end: 2026-06-01"), 4, ["före starten"]),
    ("end-other-kind", "events/2026.yaml", _event(end="end: 2026-03-13"), 4, ["samma slag"]),
    ("unknown-second-organizer", "events/2026.yaml", _event(organizers="organizers:\n    - forening-a\n    - foreningb"), 8,
     ["ingen förening med id ”foreningb”"]),
    ("until-before-start-block", "events/2026.yaml", EVENT + "  repeat:\n    freq: monthly\n    until: 2026-02-12\n", 9,
     ["slutar (2026-02-12) innan händelsen börjar (2026-03-12)"]),
    ("except-second-date", "events/2026.yaml",
     EVENT + "  repeat:\n    freq: weekly\n    until: 2026-04-30\n    except:\n      - 2026-03-19\n      - 2026-03-21\n", 12,
     ["2026-03-21 är inte en av dagarna"]),
    ("nonexistent-end-time", "events/2026.yaml", _event(start="start: 2026-03-28 23:00", end="end: 2026-03-29 02:15"), 4,
     ["2026-03-29 02:15 finns inte i svensk tid"]),
    ("nonexistent-in-repeat", "events/2026.yaml",
     _event(start="start: 2026-03-22 02:30", end="end: 2026-03-22 03:30") + "  repeat: {freq: weekly, until: 2026-04-05}\n", 3,
     ["2026-03-29 02:30 finns inte i svensk tid"]),
    ("page-without-title", "pages/om.md", "---\nmenu: 2\n---\nText\n", 2, ["Fältet ”title” saknas"]),
    ("unknown-site-key", "site.yaml", "title: X\norganisation: Y\nbase_url: https://x.example.org/\n"
     "municipalities: [Gävle]\ncoordinator: {name: A, role: B}\nbase_ulr: x\n", 6, ["Menade du ”base_url”"]),
    ("association-municipality", "associations.yaml",
     "- id: forening-a\n  name: A\n  description: B\n  municipalities: [Sandvikem]\n", 4, ["Menade du ”Sandviken”"]),
    ("bad-email", "associations.yaml",
     "- id: forening-a\n  name: A\n  description: B\n  email: info.example.org\n", 4, ["ingen giltig e-postadress"]),
    ("news-date-mismatch", "news/2026-02-01-nyhet.md",
     "---\ntitle: Nyhet\ndate: 2026-02-02\nsummary: Kort.\n---\nText\n", 3, ["stämmer inte med filnamnets 2026-02-01"]),
    ("duplicate-key", "events/2026.yaml", EVENT + "  title: Igen\n", 7, ["”title” står två gånger"]),
]


@pytest.mark.parametrize(("file", "text", "line", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_content_error_names_file_line_and_fix(scratch_project, file, text, line, fragments):
    scratch_project.write(file, text)
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    problems = [p for p in caught.value.problems if p.severity == "fel"]
    assert len(problems) == 1, caught.value.show()
    problem = problems[0]
    assert problem.file == f"content/{file}"
    assert problem.line == line, str(problem)
    for fragment in fragments:
        assert fragment in problem.message, str(problem)


def test_all_errors_are_reported_in_one_run(scratch_project):
    scratch_project.write("events/2026.yaml", _event(municipality="municipality: Gavle", organizers="organizers: [x]"))
    scratch_project.write("pages/om.md", "---\nmenu: 2\n---\n")
    scratch_project.write("associations.yaml", "- id: forening-a\n  name: A\n")
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    files = sorted({p.file for p in caught.value.problems})
    assert files == ["content/associations.yaml", "content/events/2026.yaml", "content/pages/om.md"]
    assert len(caught.value.problems) == 4


def test_yaml_1_2_keeps_times_and_words_as_text(scratch_project):
    scratch_project.write("events/2026.yaml", _event(title="title: no", end="end: 2026-03-12 20:30")
                          + "  location: Rum 10:30\n")
    model = check(scratch_project.content, TODAY)
    event = model.events[0]
    assert event.data.title == "no"
    assert event.data.location == "Rum 10:30"
    assert event.occurrences[0].end == dt.datetime(2026, 3, 12, 20, 30)


def test_repeat_keeps_local_time_across_dst(scratch_project):
    scratch_project.write("events/2026.yaml", EVENT + "  repeat: {freq: weekly, until: 2026-04-09, except: [2026-03-26]}\n")
    model = check(scratch_project.content, TODAY)
    starts = [o.start for o in model.events[0].occurrences]
    assert starts == [dt.datetime(2026, 3, 12, 18), dt.datetime(2026, 3, 19, 18),
                      dt.datetime(2026, 4, 2, 18), dt.datetime(2026, 4, 9, 18)]
