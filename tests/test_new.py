"""`sitegen new event` and `sitegen new news`: Swedish questions, answers checked at once, files kept tidy."""

from __future__ import annotations

import datetime as dt
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
        "Gävlee", "gavle", "Gävle", "forening-x", "forening-a", "dialogmöte", "Öppet möte för alla.",
        "www.example.org", "https://www.example.org/anmalan", "nej", "ja"))
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
        "- id: dialogmote-gavle-2026-vt\n"
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
    added = next(e for e in model.events if e.id == "dialogmote-gavle-2026-vt")
    assert [o.start.isoformat() for o in added.occurrences] == ["2026-04-14T18:00:00"]


def test_new_event_from_options_gets_a_suffix_when_the_id_is_taken(invoke, content):
    args = ["new", "event", "--content", str(content), "--title", "Veckoträff", "--start", "2026-09-01 10:00",
            "--end", "12:00", "--municipality", "Sandviken", "--repeat", "varje vecka", "--until", "2026-10-27"]
    assert invoke(*args).exit_code == 0
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "id veckotraff-sandviken-2026-ht-2" in result.output
    text = (content / "events" / "2026.yaml").read_text(encoding="utf-8")
    assert text.endswith("- id: veckotraff-sandviken-2026-ht-2\n  title: Veckoträff\n  start: 2026-09-01 10:00\n"
                         "  end: 2026-09-01 12:00\n  municipality: Sandviken\n  repeat:\n    freq: weekly\n"
                         "    until: 2026-10-27\n")
    assert len(next(e for e in check(content).events if e.id == "veckotraff-sandviken-2026-ht-2").occurrences) == 9


def test_new_event_in_a_new_year_creates_the_file(invoke, content):
    result = invoke("new", "event", "--content", str(content), "--title", "Nyårsträff", "--start", "2027-01-10",
                    "--municipality", "Hela länet")
    assert result.exit_code == 0, result.output
    text = (content / "events" / "2027.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Kalendern 2027.")
    assert "- id: nyarstraff-hela-lanet-2027-vt\n  title: Nyårsträff\n  start: 2027-01-10\n" in text
    assert any(e.id == "nyarstraff-hela-lanet-2027-vt" for e in check(content).events)


def test_blank_lines_between_entries_are_kept_as_the_files_style(invoke, content):
    events = content / "events" / "2026.yaml"
    events.write_text("# Kalendern.\n\n- id: a\n  title: A\n  start: 2026-03-01\n  municipality: Gävle\n\n"
                      "# Hösten\n- id: b\n  title: B\n  start: 2026-09-01\n  municipality: Gävle\n", encoding="utf-8")
    assert invoke("new", "event", "--content", str(content), "--title", "C", "--start", "2026-10-01",
                  "--municipality", "Gävle").exit_code == 0
    assert events.read_text(encoding="utf-8").endswith(
        "  municipality: Gävle\n\n- id: c-gavle-2026-ht\n  title: C\n  start: 2026-10-01\n  municipality: Gävle\n")


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


def _file_check_message(content, field: str, value: str) -> str:
    """What `sitegen check` says about `field: value` in an events file."""
    from sitegen.errors import ContentError

    events = content / "events" / "2026.yaml"
    before = events.read_text(encoding="utf-8")
    events.write_text(before + "- id: prov\n  title: Prov\n  start: 2026-05-05 18:00\n  municipality: Gävle\n"
                      .replace(f"  {field}: " + ("Gävle" if field == "municipality" else "2026-05-05 18:00"),
                               f"  {field}: {value}"), encoding="utf-8")
    try:
        check(content)
    except ContentError as exc:
        return next(p.message for p in exc.problems if p.field == field)
    finally:
        events.write_text(before, encoding="utf-8")
    raise AssertionError("the file check accepted it")


def test_answers_are_refused_exactly_as_the_file_check_refuses_them(runner, content):
    from sitegen.cli import main

    place = _file_check_message(content, "municipality", "gävle")
    clock = _file_check_message(content, "start", "20:00")
    assert "Menade du ”Gävle”?" in place and "bara ett klockslag" in clock
    before = (content / "events" / "2026.yaml").read_text(encoding="utf-8")
    result = runner.invoke(main, ["new", "event", "--content", str(content)], input=answers(
        "Kvällsmöte", "20:00", "2026-05-05 20:00", "", "", "gävle", "Gävle", "", "", "", "", "nej", "ja"))
    assert result.exit_code == 0, result.output
    assert f"  {clock}" in result.output and "”20:00” är bara ett klockslag. Skriv datumet också, till exempel " \
        "”2026-03-12 20:00”." in result.output
    assert f"  {place}" in result.output
    added = (content / "events" / "2026.yaml").read_text(encoding="utf-8")[len(before):]
    assert "  start: 2026-05-05 20:00\n  municipality: Gävle\n" in added


def test_a_repeating_event_asks_for_the_days_it_skips(runner, content):
    from sitegen.cli import main

    result = runner.invoke(main, ["new", "event", "--content", str(content)], input=answers(
        "Samtalsgrupp", "2026-09-01 10:00", "12:00", "", "Sandviken", "", "", "", "", "varje vecka", "2026-10-27",
        "2026-09-09", "2026-09-15, 2026-10-06", "ja"))
    assert result.exit_code == 0, result.output
    assert "Dagar då den inte blir av" in result.output
    assert ("  2026-09-09 är inte en av dagarna då händelsen upprepas, så den kan inte undantas. Kontrollera datumet."
            in result.output)
    assert "  Upprepas: varje vecka till och med 2026-10-27\n  Inte: 2026-09-15, 2026-10-06\n" in result.output
    text = (content / "events" / "2026.yaml").read_text(encoding="utf-8")
    assert text.endswith("  repeat:\n    freq: weekly\n    until: 2026-10-27\n    except: [2026-09-15, 2026-10-06]\n")
    event = next(e for e in check(content).events if e.id == "samtalsgrupp-sandviken-2026-ht")
    assert len(event.occurrences) == 7
    assert dt.date(2026, 9, 15) not in [o.first_day for o in event.occurrences]


def test_the_summary_lists_the_organizers_one_per_line_and_no_saves_nothing(runner, content):
    from sitegen.cli import main

    before = (content / "events" / "2026.yaml").read_bytes()
    result = runner.invoke(main, ["new", "event", "--content", str(content)], input=answers(
        "Dialogmöte", "2026-04-14 18:00", "", "Stadsbiblioteket", "Gävle", "forening-a", "", "", "", "nej", "kanske",
        "nej"))
    assert result.exit_code == 1
    assert "Föreningarna (id – namn):\n  forening-a – Förening A\n" in result.output
    assert ("Så här blir händelsen:\n  Namn: Dialogmöte\n  Start: 2026-04-14 18:00\n  Plats: Stadsbiblioteket\n"
            "  Kommun: Gävle\n  Arrangörer:\n    - Förening A (forening-a)\n  Id: dialogmote-gavle-2026-vt\n") in result.output
    assert "Svara ja eller nej." in result.output
    assert "Ingenting sparades." in result.output
    assert (content / "events" / "2026.yaml").read_bytes() == before


def test_an_associations_name_for_the_organizer_suggests_its_id(runner, content):
    from sitegen.cli import main

    result = runner.invoke(main, ["new", "event", "--content", str(content)], input=answers(
        "Dialogmöte", "2026-04-14 18:00", "", "", "Gävle", "Förening A", "forening-a", "", "", "", "nej", "ja"))
    assert result.exit_code == 0, result.output
    assert "”Förening A” ser ut som en förenings namn. Skriv föreningens id i stället: forening-a (Förening A)." \
        in result.output
    assert "  organizers: [forening-a]\n" in (content / "events" / "2026.yaml").read_text(encoding="utf-8")


def test_skipped_days_as_options_are_checked_and_need_a_repeat(invoke, content):
    args = ["new", "event", "--content", str(content), "--title", "Veckoträff", "--start", "2026-09-01 10:00",
            "--municipality", "Sandviken"]
    result = invoke(*args, "--except", "2026-09-08")
    assert result.exit_code == 2 and "gäller bara en händelse som upprepas" in result.output
    result = invoke(*args, "--repeat", "varje vecka", "--until", "2026-09-29", "--except", "2026-09-09")
    assert result.exit_code == 2
    assert "Fel i --except: 2026-09-09 är inte en av dagarna då händelsen upprepas" in result.output
    result = invoke(*args, "--repeat", "varje vecka", "--until", "2026-09-29", "--except", "2026-09-08")
    assert result.exit_code == 0, result.output
    assert (content / "events" / "2026.yaml").read_text(encoding="utf-8").endswith(
        "    until: 2026-09-29\n    except: [2026-09-08]\n")
