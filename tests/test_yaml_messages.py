"""The common YAML mistakes are reported on the line where they are, with the advice that fits them."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.build import check
from sitegen.errors import ContentError

EVENT = "- id: mote-1\n  title: Samtal\n  start: 2026-03-12 18:00\n  municipality: Gävle\n"

# (name, text of events/2026.yaml, line, words the message must hold, words it must not hold)
CASES = [
    ("missing space after colon", EVENT.replace("title: Samtal", "title:Samtal"), 2,
     ["Efter kolonet i ”title:Samtal” saknas ett mellanslag", "title: Samtal"], ["citattecken"]),
    ("missing space on the last line", EVENT.replace("municipality: Gävle", "municipality:Gävle"), 4,
     ["”municipality:Gävle”", "municipality: Gävle"], []),
    ("missing space in the first field", EVENT.replace("- id: mote-1", "- id:mote-1"), 1,
     ["”id:mote-1”", "- id: mote-1"], []),
    ("missing space before an address", EVENT + "  url:https://www.example.org/\n", 5,
     ["”url:https://www.example.org/”", "url: https://www.example.org/"], []),
    ("field indented two too far", EVENT.replace("  start:", "    start:"), 3,
     ["4 mellanslag före ”start”", "har 2 (som på rad 2)", "Ta bort 2 mellanslag"], ["citattecken"]),
    ("last field indented too far", EVENT.replace("  municipality:", "    municipality:"), 4,
     ["4 mellanslag före ”municipality”", "Ta bort 2 mellanslag"], ["citattecken"]),
    ("field indented one too little", EVENT.replace("  start:", " start:"), 3,
     ["1 mellanslag före ”start”", "Skriv 2 mellanslag"], []),
    ("tab for indentation", EVENT.replace("  start:", "\tstart:"), 3, ["tabbtecken", "aldrig tabb"], []),
    ("unclosed double quote", EVENT.replace("title: Samtal", 'title: "Samtal'), 2,
     ["Ett citattecken öppnas men stängs aldrig: texten börjar med \" men slutar inte med \"", 'Skriv ett " till'], []),
    ("unclosed single quote", EVENT.replace("title: Samtal", "title: 'Samtal"), 2,
     ["texten börjar med ' men slutar inte med '"], []),
    ("dash indented like the fields", EVENT + "  - id: mote-2\n    title: B\n", 5,
     ["bindestrecket står 2 mellanslag in", "Posterna i listan börjar 0 mellanslag in (som på rad 1)"], []),
    ("dash missing on a new entry", EVENT + "id: mote-2\n  title: B\n", 5,
     ["saknar själv ”- ”", "- id: mote-2", "skriv 2 mellanslag"], []),
    ("duplicate key", EVENT + "  title: Annat\n", 5, ["Fältet ”title” står två gånger", "första gången på rad 2"], []),
    ("colon in a text", EVENT.replace("title: Samtal", "title: Tema: vår"), 2,
     ["Sätt texten inom citattecken"], ["mellanslag efter kolonet"]),
]


@pytest.mark.parametrize(("name", "text", "line", "words", "not_words"), CASES, ids=[c[0] for c in CASES])
def test_each_yaml_mistake_is_told_on_its_line_with_fitting_advice(scratch_project, name, text, line, words, not_words):
    scratch_project.write("events/2026.yaml", text)
    with pytest.raises(ContentError) as raised:
        check(scratch_project.content, dt.date(2026, 3, 1))
    problems = [p for p in raised.value.problems if p.file == "content/events/2026.yaml"]
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.line == line, str(problem)
    for word in words:
        assert word in problem.message, str(problem)
    for word in not_words:
        assert word not in problem.message, str(problem)


def test_a_nested_list_item_is_compared_with_its_own_list(scratch_project):
    text = ("- id: lag-1\n  law: Lagen\n  sfs: '2017:30'\n  source: https://www.example.org/\n  excerpts:\n"
            "    - section: 1 §\n      text: A\n     - section: 2 §\n      text: B\n")
    scratch_project.write("laws.yaml", text)
    with pytest.raises(ContentError) as raised:
        check(scratch_project.content, dt.date(2026, 3, 1))
    problem = next(p for p in raised.value.problems if p.file == "content/laws.yaml")
    assert problem.line == 8
    assert "bindestrecket står 5 mellanslag in. Posterna i listan börjar 4 mellanslag in (som på rad 6)" in problem.message


@pytest.mark.parametrize("front", ["title:Samtal\nmenu: 2\n", "title:Samtal\n"], ids=["with more fields", "alone"])
def test_front_matter_missing_space_counts_the_fence_line(scratch_project, front):
    scratch_project.write("pages/om.md", f"---\n{front}---\nText.\n")
    with pytest.raises(ContentError) as raised:
        check(scratch_project.content, dt.date(2026, 3, 1))
    problem = next(p for p in raised.value.problems if p.file == "content/pages/om.md")
    assert problem.line == 2
    assert "Efter kolonet i ”title:Samtal” saknas ett mellanslag" in problem.message
