"""`sitegen new event` and `sitegen new news`: Swedish questions, answers checked at once, files kept tidy."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURE_SITE

from sitegen.build import check
from sitegen.scaffold import slugify, unique


@pytest.fixture
def content(tmp_path):
    return shutil.copytree(FIXTURE_SITE, tmp_path / "content")


def answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_slugs_are_ascii_and_ids_unique():
    assert slugify("Dialogmöte Gävle – Åre 2026-03-12") == "dialogmote-gavle-are-2026-03-12"
    assert slugify("Café & Öl!") == "cafe-ol"
    assert unique("mote", {"mote", "mote-2"}) == "mote-3"
    assert unique("ny", {"mote"}) == "ny"


def test_new_event_asks_in_swedish_checks_each_answer_and_appends(runner, content):
    from sitegen.cli import main

    events = content / "events" / "2026.yaml"
    before = events.read_text(encoding="utf-8")
    result = runner.invoke(main, ["new", "event", "--content", str(content)], input=answers(
        "Dialogmöte: Gävle", "2026-02-30 18:00", "2026-04-14 18:00", "17:00", "20:00", "Stadsbiblioteket, Gävle",
        "Gävlee", "gavle", "forening-x", "forening-a", "dialogmöte", "Öppet möte för alla.",
        "www.example.org", "https://www.example.org/anmalan", "nej"))
    assert result.exit_code == 0, result.output
    assert "Namn på händelsen" in result.output and "Kommun (Gävle, Sandviken, Digitalt, Hela länet)" in result.output
    assert "”2026-02-30 18:00” är inget giltigt datum" in result.output
    assert "Slutet är före starten" in result.output
    assert "Menade du ”Gävle”?" in result.output
    assert "Det finns ingen förening med id ”forening-x”" in result.output
    assert "är ingen giltig webbadress" in result.output
    after = events.read_text(encoding="utf-8")
    assert after.startswith(before), "the file's comments and entries stay as they were"
    assert after[len(before):] == (
        "- id: dialogmote-gavle-2026-04-14\n"
        "  title: 'Dialogmöte: Gävle'\n"
        "  start: 2026-04-14 18:00\n"
        "  end: 2026-04-14 20:00\n"
        "  location: Stadsbiblioteket, Gävle\n"
        "  municipality: Gävle\n"
        "  organizers: [forening-a]\n"
        "  category: dialogmöte\n"
        "  description: Öppet möte för alla.\n"
        "  url: https://www.example.org/anmalan\n")
    model = check(content)
    added = next(e for e in model.events if e.id == "dialogmote-gavle-2026-04-14")
    assert [o.start.isoformat() for o in added.occurrences] == ["2026-04-14T18:00:00"]


def test_new_event_from_options_gets_a_suffix_when_the_id_is_taken(invoke, content):
    args = ["new", "event", "--content", str(content), "--title", "Veckoträff", "--start", "2026-09-01 10:00",
            "--end", "12:00", "--municipality", "Sandviken", "--repeat", "varje vecka", "--until", "2026-10-27"]
    assert invoke(*args).exit_code == 0
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "id veckotraff-2026-09-01-2" in result.output
    text = (content / "events" / "2026.yaml").read_text(encoding="utf-8")
    assert text.endswith("- id: veckotraff-2026-09-01-2\n  title: Veckoträff\n  start: 2026-09-01 10:00\n"
                         "  end: 2026-09-01 12:00\n  municipality: Sandviken\n  repeat:\n    freq: weekly\n"
                         "    until: 2026-10-27\n")
    assert len(next(e for e in check(content).events if e.id == "veckotraff-2026-09-01-2").occurrences) == 9


def test_new_event_in_a_new_year_creates_the_file(invoke, content):
    result = invoke("new", "event", "--content", str(content), "--title", "Nyårsträff", "--start", "2027-01-10",
                    "--municipality", "Hela länet")
    assert result.exit_code == 0, result.output
    text = (content / "events" / "2027.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Kalendern 2027.")
    assert "- id: nyarstraff-2027-01-10\n  title: Nyårsträff\n  start: 2027-01-10\n" in text
    assert any(e.id == "nyarstraff-2027-01-10" for e in check(content).events)


def test_blank_lines_between_entries_are_kept_as_the_files_style(invoke, content):
    events = content / "events" / "2026.yaml"
    events.write_text("# Kalendern.\n\n- id: a\n  title: A\n  start: 2026-03-01\n  municipality: Gävle\n\n"
                      "# Hösten\n- id: b\n  title: B\n  start: 2026-09-01\n  municipality: Gävle\n", encoding="utf-8")
    assert invoke("new", "event", "--content", str(content), "--title", "C", "--start", "2026-10-01",
                  "--municipality", "Gävle").exit_code == 0
    assert events.read_text(encoding="utf-8").endswith(
        "  municipality: Gävle\n\n- id: c-2026-10-01\n  title: C\n  start: 2026-10-01\n  municipality: Gävle\n")


def test_bad_option_is_explained_and_nothing_is_written(invoke, content):
    before = (content / "events" / "2026.yaml").read_bytes()
    result = invoke("new", "event", "--content", str(content), "--title", "X", "--start", "2026-03-12 25:00",
                    "--municipality", "Gävle")
    assert result.exit_code == 2
    assert "Fel i --start: ”2026-03-12 25:00” är inget giltigt datum eller klockslag" in result.output
    assert (content / "events" / "2026.yaml").read_bytes() == before


def test_an_event_the_site_check_rejects_is_not_kept(invoke, content):
    before = (content / "events" / "2026.yaml").read_bytes()
    result = invoke("new", "event", "--content", str(content), "--title", "Nattmöte", "--start", "2026-03-29 02:30",
                    "--municipality", "Gävle")
    assert result.exit_code == 1
    assert "Händelsen sparades inte" in result.output
    assert "finns inte i svensk tid" in result.output
    assert (content / "events" / "2026.yaml").read_bytes() == before


def test_stopping_halfway_saves_nothing(runner, content):
    from sitegen.cli import main

    before = (content / "events" / "2026.yaml").read_bytes()
    result = runner.invoke(main, ["new", "event", "--content", str(content)], input="Halvfärdig\n")
    assert result.exit_code == 1
    assert "Avbrutet. Ingenting sparades." in result.output
    assert (content / "events" / "2026.yaml").read_bytes() == before


def test_new_news_writes_a_dated_file_that_builds(runner, content):
    from sitegen.cli import main

    result = runner.invoke(main, ["new", "news", "--content", str(content)], input=answers(
        "Nytt: dialogmöte i Ockelbo", "2026-02-31", "2026-03-05", "", "Välkommen till ett nytt möte.",
        "Läs mer i [kalendern](/kalender/)."))
    assert result.exit_code == 0, result.output
    assert "Det här behövs. Skriv ett svar." in result.output
    path = content / "news" / "2026-03-05-nytt-dialogmote-i-ockelbo.md"
    assert path.read_text(encoding="utf-8") == ("---\ntitle: 'Nytt: dialogmöte i Ockelbo'\ndate: 2026-03-05\n"
                                                "summary: Välkommen till ett nytt möte.\n---\n"
                                                "Läs mer i [kalendern](/kalender/).\n")
    assert check(content).news[0].meta.title == "Nytt: dialogmöte i Ockelbo"


def test_new_news_never_overwrites(invoke, content):
    args = ["new", "news", "--content", str(content), "--title", "Nyhet", "--date", "2026-02-01", "--summary", "Kort."]
    assert invoke(*args).exit_code == 0
    assert invoke(*args).exit_code == 0
    assert (content / "news" / "2026-02-01-nyhet-2.md").is_file()
    assert (content / "news" / "2026-02-01-nyhet-3.md").is_file()
    assert "Mer om det som har hänt." in (content / "news" / "2026-02-01-nyhet.md").read_text(encoding="utf-8")
