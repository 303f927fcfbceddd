"""Bounded work: every content failure is exit 1 with a Swedish message, and every text converts in bounded time.

Each limit has cases just over it (an error that says what to do) and the worst case just under it (it must
finish well within a generous time, so a slow machine cannot make the test flake). The measured numbers are in
README.md ("Gränser") and come from benchmarks/limits.py.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from conftest import TEMPLATES

from sitegen import markup
from sitegen.build import build, check
from sitegen.errors import Problem
from sitegen.fastyaml import MAX_DEPTH
from sitegen.model import MAX_EXCEPT

TODAY = dt.date(2026, 3, 1)
PAGE = "---\ntitle: Om oss\n---\n"
GENEROUS = 60.0  # seconds; the worst cases measure at a few seconds on a busy two-core machine


def _event(extra: str = "", start: str = "2026-03-12 18:00", title: str = "Möte") -> str:
    return f"- id: mote-1\n  title: {title}\n  start: {start}\n  municipality: Gävle\n{extra}"


def _run(scratch_project, files: dict[str, str]) -> list:
    return scratch_project.problems(files, TODAY)


def _within(seconds: float, work: Callable[[], object]) -> object:
    """The result of `work`, which must finish within `seconds` (run in a thread, so a hang fails the test)."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return result[0]


OVER = {
    # YAML nested beyond MAX_DEPTH: 5,000 [ was a RecursionError (exit 70).
    "yaml-5000-brackets": ({"associations.yaml": "- id: a\n  name: " + "[" * 5000 + "]" * 5000 + "\n"},
                           "associations.yaml", 2, "för många nivåer"),
    "yaml-unclosed-brackets": ({"checklist.yaml": "- question: " + "[" * 5000 + "\n"}, "checklist.yaml", 1,
                               "för många nivåer"),
    "yaml-nested-braces": ({"site.yaml": "title: " + "{a: " * 3000 + "}" * 3000 + "\n"}, "site.yaml", 1,
                           "för många nivåer"),
    "yaml-nested-block-lists": ({"checklist.yaml": "".join("  " * i + "-\n" for i in range(200))}, "checklist.yaml",
                                MAX_DEPTH + 1, "för många nivåer"),
    "yaml-deep-with-anchor": ({"checklist.yaml": "- question: &x " + "[" * 900 + "]" * 900 + "\n- question: 1.5\n"},
                              "checklist.yaml", 1, "för många nivåer"),
    "front-matter-deep": ({"pages/om.md": "---\ntitle: " + "[" * 2000 + "\n---\nText\n"}, "pages/om.md", 2,
                          "för många nivåer"),
    # Repeats: how far ahead, and how many dates left out.
    "repeat-until-9999": ({"events/2026.yaml": _event("  repeat:\n    freq: weekly\n    until: 9999-12-31\n")},
                          "events/2026.yaml", 7, "2000–2100"),
    "repeat-more-than-five-years": ({"events/2026.yaml": _event("  repeat:\n    freq: weekly\n    until: 2031-03-13\n")},
                                    "events/2026.yaml", 7, "längre än 5 år"),
    "repeat-monthly-too-far": ({"events/2026.yaml": _event("  repeat:\n    freq: monthly\n    until: 2040-01-01\n")},
                               "events/2026.yaml", 7, "Sätt until till 2031-03-12"),
    "too-many-except": ({"events/2026.yaml": _event("  repeat:\n    freq: weekly\n    until: 2030-12-31\n    except: ["
                                                    + ", ".join((dt.date(2026, 3, 19) + dt.timedelta(weeks=i)).isoformat()
                                                                for i in range(MAX_EXCEPT + 1)) + "]\n")},
                        "events/2026.yaml", 8, f"högst {MAX_EXCEPT}"),
    # Years at the ends of the calendar: OverflowError before.
    "start-year-1": ({"events/0001.yaml": _event(start="0001-01-01")}, "events/0001.yaml", 3, "2000–2100"),
    "start-year-9999": ({"events/9999.yaml": _event(start="9999-12-31 23:00")}, "events/9999.yaml", 3, "2000–2100"),
    "end-year-9999": ({"events/2026.yaml": _event("  end: 9999-12-31\n", start="2026-03-12")}, "events/2026.yaml", 5,
                      "2000–2100"),
    "until-year-1": ({"events/2026.yaml": _event("  repeat:\n    freq: weekly\n    until: 0001-01-01\n")},
                     "events/2026.yaml", 7, "2000–2100"),
    "except-year-9999": ({"events/2026.yaml": _event("  repeat:\n    freq: weekly\n    until: 2026-06-01\n"
                                                     "    except: [9999-12-31]\n")}, "events/2026.yaml", 8, "2000–2100"),
    "news-date-year-9999": ({"news/9999-12-31-nyhet.md": "---\ntitle: Nyhet\ndate: 9999-12-31\nsummary: Kort.\n---\n"},
                            "news/9999-12-31-nyhet.md", 3, "1900–2100"),
    "reviewed-year-1": ({"pages/om.md": "---\ntitle: Om oss\nreviewed: 0001-01-01\n---\nText\n"}, "pages/om.md", 3,
                        "1900–2100"),
    # One-line fields with a line break: the .ics writer failed with an English AssertionError.
    "event-title-two-lines": ({"events/2026.yaml": _event(title="|\n    Dialogmöte\n    i Gävle")}, "events/2026.yaml", 2,
                              "på en rad"),
    "location-two-lines": ({"events/2026.yaml": _event("  location: \"Biblioteket\\nGävle\"\n")}, "events/2026.yaml", 5,
                           "på en rad"),
    "site-title-two-lines": ({"site.yaml": "title: \"Test\\u2028platsen\"\norganisation: E\nbase_url: "
                              "https://test.example.org/\nmunicipalities: [Gävle]\ncoordinator:\n  name: T\n  role: S\n"},
                             "site.yaml", 1, "på en rad"),
    "association-name-two-lines": ({"associations.yaml": "- id: forening-a\n  name: |\n    Förening\n    A\n"
                                    "  description: B\n"}, "associations.yaml", 2, "på en rad"),
    "municipality-list-two-lines": ({"associations.yaml": "- id: forening-a\n  name: A\n  description: B\n"
                                     "  municipalities: [\"Gävle\\rSandviken\"]\n"}, "associations.yaml", 4, "på en rad"),
    # Markdown too long or too costly to convert.
    "markdown-too-long": ({"pages/om.md": PAGE + "Text. " * (markup.MAX_CHARS // 5)}, "pages/om.md", 4, "högst 25 000"),
    "markdown-20000-brackets": ({"pages/om.md": PAGE + "[" * 20000}, "pages/om.md", 4, "[ eller ]("),
    "markdown-brackets-long-paragraph": ({"pages/om.md": PAGE + "[" * 1000 + "x " * 10000}, "pages/om.md", 4,
                                         "[ eller ]("),
    "markdown-unclosed-parens": ({"pages/om.md": PAGE + "[](" * 3000}, "pages/om.md", 4, "[ eller ]("),
    "markdown-images": ({"pages/om.md": PAGE + "![" * 3000}, "pages/om.md", 4, "[ eller ]("),
    "markdown-unclosed-tags": ({"pages/om.md": PAGE + "Intro\n\n" + "<a " * 4000}, "pages/om.md", 6, "< som aldrig"),
    "markdown-tags-in-quotes": ({"pages/om.md": PAGE + '<a x=">" ' * 2000}, "pages/om.md", 4, "< som aldrig"),
    "markdown-cdata": ({"pages/om.md": PAGE + "<![CDATA[x]] " * 1500}, "pages/om.md", 4, "< som aldrig"),
    "markdown-nested-lists": ({"pages/om.md": PAGE + "".join("    " * i + "- x\n" for i in range(20))}, "pages/om.md",
                              4 + markup.MAX_NESTING, "nivåer"),
    "markdown-nested-quotes": ({"pages/om.md": PAGE + ">" * 5000 + " x\n"}, "pages/om.md", 4, "nivåer"),
    "markdown-in-yaml-field": ({"associations.yaml": "- id: forening-a\n  name: A\n  description: \"" + "[" * 5000 + "\"\n"},
                               "associations.yaml", 3, "[ eller ]("),
    # Raw HTML that would swallow the rest of the text.
    "lone-style": ({"pages/om.md": PAGE + "Text\n\n<style>\n\n## Rubrik\n\nMer text.\n"}, "pages/om.md", 6,
                   "<style> stängs aldrig"),
    "lone-style-inline": ({"pages/om.md": PAGE + "Text <style> här\n\n## Rubrik\n"}, "pages/om.md", 4,
                          "<style> stängs aldrig"),
    "lone-script": ({"pages/om.md": PAGE + "A\n\n<script>\n\n## Rubrik\n"}, "pages/om.md", 6, "<script> stängs"),
    "lone-textarea": ({"pages/om.md": PAGE + "A\n\n<textarea>\n\n## Rubrik\n"}, "pages/om.md", 6, "<textarea>"),
    "lone-template": ({"pages/om.md": PAGE + "A\n\n<template>\n\n## Rubrik\n"}, "pages/om.md", 6, "<template>"),
    "lone-noscript": ({"pages/om.md": PAGE + "A\n\n<noscript>\n\n## Rubrik\n"}, "pages/om.md", 6, "<noscript>"),
    "lone-math": ({"pages/om.md": PAGE + "A\n\n<math>\n\n## Rubrik\n"}, "pages/om.md", 6, "<math> stängs aldrig"),
    "plaintext": ({"pages/om.md": PAGE + "A\n\n<plaintext>\n\n## Rubrik\n"}, "pages/om.md", 6, "<plaintext>"),
    "lone-style-in-event": ({"events/2026.yaml": _event("  description: |\n    Text\n\n    <STYLE>\n\n    ## Mer\n")},
                            "events/2026.yaml", 8, "<style>"),
}


@pytest.mark.parametrize("case", OVER, ids=list(OVER))
def test_over_a_limit_is_one_swedish_error_with_file_and_line(scratch_project, case):
    files, file, line, fragment = OVER[case]
    problems = _within(GENEROUS, lambda: _run(scratch_project, files))
    shown = "\n".join(map(str, problems))
    errors = [p for p in problems if p.severity == "fel"]
    assert len(errors) == 1, shown
    assert errors[0].file == f"content/{file}" and errors[0].line == line, shown
    assert fragment in errors[0].message, shown


CLI_CASES = ["yaml-5000-brackets", "repeat-until-9999", "start-year-9999", "event-title-two-lines",
             "markdown-20000-brackets", "lone-style", "too-many-except"]


@pytest.mark.parametrize("case", CLI_CASES)
def test_the_build_exits_1_not_70(scratch_project, invoke, tmp_path, case):
    files, file, line, _ = OVER[case]
    for name, text in files.items():
        scratch_project.write(name, text)
    result = _within(GENEROUS, lambda: invoke("build", "--content", str(scratch_project.content), "--out",
                                              str(tmp_path / "public"), "--templates", str(TEMPLATES),
                                              "--today", TODAY.isoformat()))
    assert result.exit_code == 1, result.output
    assert f"content/{file}, rad {line}" in result.output and "Traceback" not in result.output
    assert "internt fel" not in result.output


def test_a_long_repeat_within_the_limits_builds_with_every_date(scratch_project, tmp_path):
    """Weekly for five years with a hundred dates left out: every occurrence on the page, UNTIL in the feed."""
    skipped = [(dt.date(2026, 3, 19) + dt.timedelta(weeks=2 * i)).isoformat() for i in range(MAX_EXCEPT)]
    scratch_project.write("events/2026.yaml", _event("  repeat:\n    freq: weekly\n    until: 2031-03-12\n"
                                                     f"    except: [{', '.join(skipped)}]\n"))
    _within(GENEROUS, lambda: build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY))
    model = check(scratch_project.content, TODAY, TEMPLATES)
    weeks = (dt.date(2031, 3, 12) - dt.date(2026, 3, 12)).days // 7
    assert len(model.events[0].occurrences) == weeks + 1 - MAX_EXCEPT
    feed = (tmp_path / "public" / "kalender.ics").read_text(encoding="utf-8")
    assert "UNTIL=20310312" in feed and "9999" not in feed


UNDER = {
    "brackets": lambda: markup.MAX_BRACKET_WORK and "[" * 880,
    "brackets-in-long-paragraph": lambda: "[" * 12 + "x " * ((markup.MAX_CHARS - 12) // 2),
    "tags": lambda: "<a " * 800,
    "tags-in-quotes": lambda: '<a x=">" ' * 400,
    "emphasis": lambda: "*_" * (markup.MAX_CHARS // 2),
    "backticks": lambda: "`a " * (markup.MAX_CHARS // 3),
    "table": lambda: "|a|b|\n|-|-|\n" + "|x|y|\n" * ((markup.MAX_CHARS - 12) // 6),
    "nested-lists": lambda: "".join("    " * (i % markup.MAX_NESTING) + "- x\n" for i in range(500)),
}


@pytest.mark.parametrize("shape", UNDER)
def test_the_worst_text_under_the_limits_converts_in_bounded_time(shape):
    text = UNDER[shape]()
    assert len(text) <= markup.MAX_CHARS and markup.limit_problems(text) == []
    started = time.perf_counter()
    _within(GENEROUS, lambda: markup._convert(text))
    assert time.perf_counter() - started < GENEROUS


def test_the_worst_yaml_under_the_depth_limit_loads():
    from sitegen.load import parse_yaml

    data, _ = _within(GENEROUS, lambda: parse_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "x.yaml"))
    assert isinstance(data["a"], list)


def test_closed_style_and_script_are_still_only_removed_with_a_warning(scratch_project):
    problems = _run(scratch_project, {"pages/om.md": PAGE + "A\n\n<style>p{color:red}</style>\n\n## Rubrik\n\n"
                                      "`<style>` i kod\n"})
    assert [p.severity for p in problems] == ["varning"], problems
    assert "tog bort <style>" in problems[0].message


# A big YAML file only ruamel can read (about 100 kB a second): a 2 MB one took about a minute. Whatever makes
# the fast reader decline, ruamel never gets more than RUAMEL_MAX_CHARS of it, and the message names the line.
_QUESTION = "- question: Får jag ta med en närstående till mötet?\n  help: Ja, säg gärna till i förväg.\n"
_BIG = _QUESTION * (600_000 // len(_QUESTION.encode()))  # over twice RUAMEL_MAX_CHARS
_BIG_LINE = _BIG.count("\n") + 1  # the first line after _BIG
BIG_CASES = {
    "float": (_BIG + "- question: 1.5\n", _BIG_LINE, "decimaltal"),
    "tab": (_BIG + "- question: Fråga\n  help:\tSvar\n", _BIG_LINE + 1, "tabbtecken"),
    "anchor": (_BIG + "- question: &a Fråga\n- question: *a\n", _BIG_LINE, "ankare"),
    "duplicate-key": (_BIG + "- question: Fråga\n  question: Igen\n", _BIG_LINE + 1, "två gånger"),
    "syntax-error": (_BIG + "- question: Fråga: med kolon\n", _BIG_LINE, "kolon"),
    "unclosed-quote": (_BIG + "- question: \"Fråga\n- question: Nästa\n", _BIG_LINE, "citattecken"),
}


def _slow_reader_sizes(monkeypatch) -> list[int]:
    from sitegen import load

    given: list[int] = []
    slow = load._parse_yaml_ruamel
    monkeypatch.setattr(load, "_parse_yaml_ruamel", lambda t, *a: (given.append(len(t)), slow(t, *a))[1])
    return given


@pytest.mark.parametrize("case", BIG_CASES, ids=list(BIG_CASES))
def test_a_big_yaml_file_is_never_read_whole_by_the_slow_reader(monkeypatch, case):
    from sitegen.load import RUAMEL_MAX_CHARS, LoadFailed, parse_yaml

    text, line, fragment = BIG_CASES[case]
    given = _slow_reader_sizes(monkeypatch)

    def read() -> object:
        try:
            return parse_yaml(text, "content/checklist.yaml")
        except LoadFailed as failed:
            return failed.problem

    problem = _within(GENEROUS, read)
    assert all(size <= RUAMEL_MAX_CHARS for size in given), given
    assert isinstance(problem, Problem), problem
    assert (problem.file, problem.line) == ("content/checklist.yaml", line), problem
    assert fragment in problem.message, problem


def test_a_2_mb_yaml_file_with_a_number_is_one_error_in_seconds(scratch_project, monkeypatch):
    from sitegen.load import RUAMEL_MAX_CHARS

    big = _QUESTION * (1_900_000 // len(_QUESTION.encode()))  # just under MAX_FILE_BYTES: about a minute before
    given = _slow_reader_sizes(monkeypatch)
    problems = _within(GENEROUS, lambda: _run(scratch_project, {"checklist.yaml": "- question: 1.5\n" + big}))
    assert all(size <= RUAMEL_MAX_CHARS for size in given), given
    assert [(p.file, p.line) for p in problems if p.severity == "fel"] == [("content/checklist.yaml", 1)], problems


def test_a_small_yaml_file_with_a_number_still_reads_as_before():
    from sitegen.load import parse_yaml

    assert parse_yaml("- question: 1.5\n", "x.yaml")[0] == [{"question": 1.5}]
