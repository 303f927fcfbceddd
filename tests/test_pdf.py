"""kalender.pdf: A4, the title, "Senast uppdaterad" top right on page 1, months, page numbers, whole events, PDF/UA tags."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
import textwrap

import pdfplumber
import pikepdf
import pytest
from conftest import BASE_FILES, TEMPLATES, ScratchProject

from sitegen.build import build, check
from sitegen.errors import BuildError, ContentError
from sitegen.history import NO_HISTORY_ENV
from sitegen.render import Context, pdf

TODAY = dt.date(2026, 3, 1)
TITLE = "Gemensam kalender – Föreningsnätverket för psykisk hälsa Gävleborg"
A4 = (595.28, 841.89)  # points


def _events() -> str:
    """Forty events over three months, each with a long description, so the calendar runs over several pages."""
    text = ""
    for n in range(1, 41):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=n * 2)
        text += (f"- id: traff-{n:02d}\n  title: Träff nummer {n:02d}\n  start: {day} 18:00\n  end: {day} 20:00\n"
                 f"  location: Lokal {n:02d}, Storgatan {n}\n  municipality: Gävle\n  organizers: [forening-a]\n"
                 "  description: |\n    Vi pratar om vård, stöd och inflytande. Ta gärna med en vän; fika finns."
                 " Lokalen är tillgänglig med rullstol och det finns hörslinga.\n")
    text += "- id: installt-mote\n  title: Inställt möte\n  start: 2026-03-05 10:00\n  municipality: Sandviken\n  cancelled: true\n"
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of a calendar in a git repository whose event data last changed on 10 February 2026."""
    root = tmp_path_factory.mktemp("pdf")
    project = ScratchProject(root)
    project.write("events/2026.yaml", _events())
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-02-10T12:00:00Z",
           "GIT_COMMITTER_DATE": "2026-02-10T12:00:00Z", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Kalendern"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)
    handler = _Records()
    logging.getLogger("weasyprint").addHandler(handler)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(NO_HISTORY_ENV, raising=False)
        try:
            build(project.content, root / "public", TEMPLATES, TODAY)
        finally:
            logging.getLogger("weasyprint").removeHandler(handler)
    return root / "public" / "kalender.pdf", handler.records


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def pages(built):
    with pdfplumber.open(built[0]) as pdf:
        yield [(page.width, page.height, page.extract_words(keep_blank_chars=True, use_text_flow=True), page.extract_text(),
                page.lines) for page in pdf.pages]


def test_weasyprint_logged_no_error_or_warning(built):
    assert [r.getMessage() for r in built[1] if r.levelno >= logging.WARNING] == []


def test_pages_are_a4(pages):
    assert len(pages) >= 3
    for width, height, *_ in pages:
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))


def test_title_and_date_of_last_change_top_right_on_page_one(pages):
    width, height, words, text, _ = pages[0]
    assert TITLE in " ".join(text.split())
    updated = next(w for w in words if "Senast uppdaterad" in w["text"])
    assert updated["text"].strip() == "Senast uppdaterad 10 februari 2026"  # the commit's date, not the build's
    assert updated["x1"] > width - 80, "right-aligned at the right margin"
    assert updated["top"] < height * 0.1, "at the top of the page"
    title_top = min(w["top"] for w in words if w["text"].startswith("Gemensam kalender"))
    assert updated["top"] < title_top


def test_page_numbers_and_month_as_running_header(pages):
    count = len(pages)
    months = ["Mars 2026", "April 2026", "Maj 2026"]
    for number, (_, height, words, text, _) in enumerate(pages, start=1):
        assert f"Sida {number} av {count}" in text
        footer = next(w for w in words if w["text"].strip() == f"Sida {number} av {count}")
        assert footer["top"] > height * 0.9
        if number > 1:
            header = [w["text"].strip() for w in words if w["top"] < 60]
            assert any(h in months for h in header), header


def test_events_grouped_by_month_in_order(pages):
    text = "\n".join(p[3] for p in pages)
    positions = [text.index(m) for m in ("Mars 2026", "April 2026", "Maj 2026")]
    assert positions == sorted(positions)
    numbers = [int(n) for n in re.findall(r"Träff nummer (\d\d)", text)]
    assert numbers == list(range(1, 41))


def test_no_event_is_split_across_pages(pages):
    page_of: dict[str, set[int]] = {}
    for index, (_, _, _, text, _) in enumerate(pages):
        for n in re.findall(r"Träff nummer (\d\d)", text):
            page_of.setdefault(f"title {n}", set()).add(index)
        for n in re.findall(r"Lokal (\d\d)", text):
            page_of.setdefault(f"place {n}", set()).add(index)
    for n in range(1, 41):
        assert page_of[f"title {n:02d}"] == page_of[f"place {n:02d}"], n


def test_cancelled_event_is_struck_through_and_marked(pages):
    _, _, words, text, lines = pages[0]
    assert "INSTÄLLT" in text
    title = next(w for w in words if "Inställt möte" in w["text"])
    middle = (title["top"] + title["bottom"]) / 2
    struck = [ln for ln in lines if abs(ln["top"] - middle) < 3 and ln["x0"] <= title["x0"] + 2 and ln["x1"] >= title["x1"] - 2]
    assert struck, "a line through the title"


def test_tagged_pdf_ua_with_language_title_and_embedded_fonts(built):
    with pikepdf.open(built[0]) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "sv"
        assert bool(root.MarkInfo.Marked)
        assert root.ViewerPreferences.DisplayDocTitle
        assert "/StructTreeRoot" in root
        kinds = set()
        stack = [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kinds.add(str(node.S))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
        assert {"/H1", "/H2", "/H3", "/P"} <= kinds, kinds
        assert str(pdf.docinfo.Title) == TITLE
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
            assert xmp.get("dc:title") == TITLE
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                assert "/FontFile2" in described.FontDescriptor or "/FontFile" in described.FontDescriptor
                assert "Kalender-Sans" in str(described.BaseFont)


def test_swedish_letters_come_out_as_text(pages):
    text = "\n".join(p[3] for p in pages)
    for word in ("Föreningsnätverket", "hälsa", "Gävleborg", "Träff", "rullstol", "hörslinga", "Inställt"):
        assert word in text


def test_pdf_is_byte_identical_when_built_again(built, tmp_path):
    pdf, _ = built
    content = pdf.parent.parent / "content"
    build(content, tmp_path / "again", TEMPLATES, TODAY)
    assert (tmp_path / "again" / "kalender.pdf").read_bytes() == pdf.read_bytes()


def test_a_weasyprint_error_stops_the_build(scratch_project, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "pdf" / "calendar.html"
    page.write_text(page.read_text("utf-8").replace('<html lang="sv">', "<html>"), "utf-8")
    with pytest.raises(BuildError, match="Kalendern som PDF gick inte att göra"):
        build(scratch_project.content, tmp_path / "public", templates, TODAY)
    assert not (tmp_path / "public").exists()


def test_an_empty_calendar_still_has_its_pdf(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", "[]\n")
    build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY)
    with pdfplumber.open(tmp_path / "public" / "kalender.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "Det finns inga kommande händelser" in text
    assert "Senast uppdaterad 1 mars 2026" in text  # no git history: the build's date


def test_a_build_leaves_no_temporary_font_folders(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import FIXTURE_SITE, ROOT

    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "SITEGEN_NO_HISTORY": "1"}
    subprocess.run([sys.executable, "build.py", "--content", str(FIXTURE_SITE), "--out", str(tmp_path / "out"),
                    "--today", "2026-03-01", "--clean"], cwd=ROOT, env=env, check=True, capture_output=True)
    assert (tmp_path / "out" / "kalender.pdf").is_file()
    assert list(temp.iterdir()) == []


# The printed calendar covers a bounded horizon: the coming 12 months (site.yaml's pdf_months) and at most
# about 300 occurrences, cut after a whole day. Whatever is left out, the paper says so near the top.

SITE_URL = "https://test.example.org/kalender/"
SITE_YAML = textwrap.dedent(BASE_FILES["site.yaml"])  # the scratch project's own settings, to add to


def _event(event_id: str, start: str, title: str | None = None, extra: str = "") -> str:
    return (f"- id: {event_id}\n  title: {title or event_id}\n  start: {start}\n  municipality: Gävle\n{extra}")


def _build_pdf(project, tmp_path, today=TODAY) -> tuple[list[str], str]:
    """Builds the site; the PDF's pages as text, and all of it with whitespace made single spaces."""
    build(project.content, tmp_path / "public", TEMPLATES, today)
    with pdfplumber.open(tmp_path / "public" / "kalender.pdf") as document:
        pages = [page.extract_text() for page in document.pages]
    return pages, " ".join(" ".join(pages).split())


def _limit_note(through: str) -> str:
    return f"Här visas händelserna till och med {through}. Alla händelser finns på {SITE_URL}."


def test_events_beyond_twelve_months_are_left_out_and_the_paper_says_so(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", _event("varmote", "2026-04-15 18:00", "Vårmöte")
                          + _event("sommarfest", "2026-07-01", "Sommarfest"))
    scratch_project.write("events/2027.yaml", _event("sista-februari", "2027-02-28 10:00", "Februarimöte")
                          + _event("nasta-var", "2027-03-01 10:00", "Nästa vårmöte")
                          + _event("nasta-host", "2027-09-01 10:00", "Höstmöte"))
    pages, text = _build_pdf(scratch_project, tmp_path)
    # Built on 1 March 2026: the coming twelve months end on 28 February 2027.
    assert _limit_note("28 februari 2027") in text
    assert "Här visas händelserna" in pages[0], "on the first page"
    assert text.index("Här visas händelserna") < text.index("Vårmöte"), "before the events"
    for shown in ("Vårmöte", "Sommarfest", "Februarimöte"):
        assert shown in text
    for left_out in ("Nästa vårmöte", "Höstmöte", "Mars 2027", "September 2027"):
        assert left_out not in text
    # The web calendar still has them all.
    calendar_page = (tmp_path / "public" / "kalender" / "index.html").read_text(encoding="utf-8")
    assert "Höstmöte" in calendar_page


def test_a_calendar_within_the_horizon_has_no_limit_sentence(pages):
    text = " ".join(" ".join(p[3] for p in pages).split())
    assert "Här visas händelserna" not in text
    assert "Alla händelser finns" not in text


def test_only_events_beyond_the_horizon_are_not_called_no_events_at_all(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", "[]\n")
    scratch_project.write("events/2027.yaml", _event("nasta-host", "2027-09-01 10:00", "Höstmöte"))
    _, text = _build_pdf(scratch_project, tmp_path)
    assert "Det finns inga händelser i kalendern till och med 28 februari 2027." in text
    assert _limit_note("28 februari 2027") in text
    assert "inga kommande händelser" not in text
    assert "Höstmöte" not in text


def _busy_weeks() -> str:
    """Seven weekly meetings on every day from Monday 2 March 2026 for eight weeks: 392 occurrences."""
    text = ""
    for weekday in range(7):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=weekday)
        for slot in range(7):
            text += _event(f"grupp-{weekday}-{slot}", f"{day} {9 + slot:02d}:00", f"Grupp {weekday}{slot}",
                           f"  repeat:\n    freq: weekly\n    until: {day + dt.timedelta(weeks=7)}\n")
    return text


def test_the_occurrence_cap_cuts_after_a_whole_day(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("events/2026.yaml", _busy_weeks())
    pages, text = _build_pdf(scratch_project, tmp_path)
    # 300 would end in the middle of the 43rd day (13 April): the paper stops after the 42nd, with all seven.
    assert _limit_note("12 april 2026") in text
    days = re.findall(r"(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) (\d+ (?:mars|april)) 2026, kl", text)
    assert len(days) == 42 * 7
    assert all(days.count(day) == 7 for day in set(days))
    assert days[-1] == "12 april" and "13 april 2026" not in text
    assert len(pages) < 60


def test_more_than_the_cap_on_the_first_day_shows_that_whole_day(scratch_project, tmp_path, monkeypatch):
    scratch_project.write("events/2026.yaml", "".join(_event(f"dag-{n}", "2026-03-02 10:00", f"Möte {n}")
                                                      for n in range(pdf.MAX_OCCURRENCES + 5))
                          + _event("dagen-efter", "2026-03-03 10:00", "Dagen efter"))
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    source = pdf.html(Context(check(scratch_project.content, TODAY), TEMPLATES))
    assert source.count("<article") == pdf.MAX_OCCURRENCES + 5  # never half a day
    assert "Dagen efter" not in source
    assert "Här visas händelserna till och med 2 mars 2026." in " ".join(source.split())


@pytest.mark.parametrize(("months", "through", "shown", "left_out"), [
    (3, "31 maj 2026", ["Majmöte"], ["Junimöte", "Decembermöte"]),
    (10, "31 december 2026", ["Majmöte", "Junimöte", "Decembermöte"], ["Januarimöte"]),
])
def test_pdf_months_in_site_yaml_sets_the_horizon(scratch_project, tmp_path, monkeypatch, months, through, shown,
                                                   left_out):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("site.yaml", SITE_YAML + f"pdf_months: {months}\n")
    scratch_project.write("events/2026.yaml", _event("maj", "2026-05-31 18:00", "Majmöte")
                          + _event("juni", "2026-06-01 18:00", "Junimöte")
                          + _event("december", "2026-12-31 18:00", "Decembermöte"))
    scratch_project.write("events/2027.yaml", _event("januari", "2027-01-01 18:00", "Januarimöte"))
    _, text = _build_pdf(scratch_project, tmp_path)
    assert _limit_note(through) in text
    for title in shown:
        assert title in text
    for title in left_out:
        assert title not in text
    calendar_page = " ".join((tmp_path / "public" / "kalender" / "index.html").read_text(encoding="utf-8").split())
    assert f"som PDF att skriva ut</a>, med de kommande {months} månaderna." in calendar_page


def test_a_month_ahead_from_the_31st_ends_with_the_next_months_last_day(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("site.yaml", SITE_YAML + "pdf_months: 1\n")
    scratch_project.write("events/2026.yaml", _event("feb", "2026-02-28 18:00", "Februarimöte")
                          + _event("mars", "2026-03-01 18:00", "Marsmöte"))
    _, text = _build_pdf(scratch_project, tmp_path, today=dt.date(2026, 1, 31))
    assert _limit_note("28 februari 2026") in text
    assert "Februarimöte" in text and "Marsmöte" not in text


def test_a_series_keeps_its_own_last_date_when_the_paper_stops_earlier(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("site.yaml", SITE_YAML + "pdf_months: 2\n")
    scratch_project.write("events/2026.yaml", _event("manadstraff", "2026-03-10 18:00", "Månadsträff",
                                                     "  repeat:\n    freq: monthly\n    until: 2026-12-10\n"))
    _, text = _build_pdf(scratch_project, tmp_path)
    assert _limit_note("30 april 2026") in text
    assert text.count("Månadsträff") == 2  # 10 March and 10 April
    assert "Varje månad till och med 10 december 2026" in text  # the series, not the paper


@pytest.mark.parametrize(("value", "shown"), [("0", "”0”"), ("30", "”30”"), ("sex", "”sex”"), ("6.5", "”6.5”"),
                                              ("true", "”true”"), ("", "Fältet är tomt.")])
def test_a_bad_pdf_months_is_explained_in_swedish_with_file_and_line(scratch_project, value, shown):
    scratch_project.write("site.yaml", SITE_YAML + f"pdf_months: {value}\n")
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    problems = [p for p in caught.value.problems if p.severity == "fel"]
    assert len(problems) == 1, caught.value.show()
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == ("content/site.yaml", 9, "pdf_months"), str(problem)
    assert shown in problem.message
    assert "heltal från 1 till 24, till exempel 12" in problem.message


def test_changing_pdf_months_rebuilds_the_pdf_in_an_incremental_build(scratch_project, tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    scratch_project.write("site.yaml", SITE_YAML)
    scratch_project.write("events/2026.yaml", _event("juni", "2026-06-10 18:00", "Junimöte"))
    out = tmp_path / "public"
    build(scratch_project.content, out, TEMPLATES, TODAY)
    first = (out / "kalender.pdf").read_bytes()
    scratch_project.write("site.yaml", SITE_YAML + "pdf_months: 2\n")
    build(scratch_project.content, out, TEMPLATES, TODAY)
    second = (out / "kalender.pdf").read_bytes()
    assert second != first
    build(scratch_project.content, tmp_path / "clean", TEMPLATES, TODAY, clean=True)
    assert second == (tmp_path / "clean" / "kalender.pdf").read_bytes()
    # A later "today" moves the horizon too.
    build(scratch_project.content, out, TEMPLATES, dt.date(2026, 4, 15))
    with pdfplumber.open(out / "kalender.pdf") as document:
        text = " ".join(" ".join(p.extract_text() for p in document.pages).split())
    assert "Junimöte" in text and "Här visas" not in text
