"""The preview redoes only what a save changed, and still reports every problem at its file and line.

A coordinator whose calendar holds thousands of events saves one of them: the preview must not check the
other texts and events again (that is what made a save take seconds), yet every warning and error of the
unchanged files is still shown, on the right line, on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import TEMPLATES, ScratchProject

from sitegen import model, rules
from sitegen.serve import Outcome, Preview

TODAY = dt.date(2026, 3, 1)


def _events(count: int, changed: int | None = None) -> str:
    rows = []
    for n in range(count):
        title = f"Möte {n}" + (" (flyttat)" if n == changed else "")
        rows.append(f"- id: mote-{n}\n  title: {title}\n  start: 2026-04-{n % 28 + 1:02d} 18:00\n"
                    f"  municipality: Gävle\n  organizers: [forening-a]\n"
                    f"  description: |\n    ## Om mötet {n}\n\n    Läs [programmet](/om/).\n")
    return "".join(rows)


OM = "---\ntitle: Om oss\n---\nVi finns i Gävle.\n\nLäs [klicka här](/kalender/).\n"


@pytest.fixture
def preview(scratch_project: ScratchProject) -> Iterator[tuple[Preview, ScratchProject, list[Outcome]]]:
    scratch_project.write("events/2026.yaml", _events(20))
    scratch_project.write("pages/om.md", OM)
    outcomes: list[Outcome] = []
    server = Preview(scratch_project.content, None, TEMPLATES, TODAY, port=0, report=outcomes.append)
    first = server.rebuild()
    assert first.ok, first.message
    server.wait_for_background()
    yield server, scratch_project, outcomes
    server.stop()


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, counted)
    return calls


def test_saving_one_event_checks_only_that_event_and_its_text_again(preview, monkeypatch) -> None:
    server, project, _ = preview
    checked_texts = _counting(monkeypatch, rules, "check_text")
    expanded = _counting(monkeypatch, model, "_expand")
    project.write("events/2026.yaml", _events(20, changed=7))
    outcome = server.rebuild()
    assert outcome.ok, outcome.message
    # The year file is read again, but only the edited event is checked and expanded again; its description
    # is unchanged text, so no Markdown text is checked again at all.
    assert [event.id for event in expanded] == ["mote-7"]  # type: ignore[attr-defined]
    assert checked_texts == []
    assert "Möte 7 (flyttat)" in server.outputs["kalender/2026/mote-7/index.html"].decode()


def test_a_changed_text_is_checked_again_and_its_problem_moves_with_its_line(preview, monkeypatch) -> None:
    server, project, _ = preview
    warning = [w for w in server.rebuild().warnings if "klicka här" in w]
    assert warning and "content/pages/om.md, rad 6" in warning[0]
    checked_texts = _counting(monkeypatch, rules, "check_text")
    project.write("pages/om.md", OM.replace("Vi finns i Gävle.\n", "Vi finns i Gävle.\n\nOch i Sandviken.\n"))
    outcome = server.rebuild()
    assert len(checked_texts) == 1  # the page's text, nothing else
    assert [w for w in outcome.warnings if "klicka här" in w][0].startswith("content/pages/om.md, rad 8")


def test_problems_of_unchanged_files_are_reported_on_every_run(preview) -> None:
    server, project, _ = preview
    broken = _events(20).replace("  title: Möte 3\n", "  title: Möte 3\n  end: 2026-04-04 17:00\n")
    project.write("events/2026.yaml", broken)  # the event ends before it starts
    first = server.rebuild()
    project.write("pages/om.md", OM.replace("Vi finns i Gävle.", "Vi finns i Gävle och Sandviken."))
    second = server.rebuild()  # another file saved: the event's error is still there
    for outcome in (first, second):
        assert not outcome.ok
        assert "content/events/2026.yaml, rad 30, fältet ”end”: Slutet (2026-04-04 17:00) är före starten" \
            in outcome.message
    project.write("events/2026.yaml", _events(20))
    recovered = server.rebuild()
    assert recovered.ok, recovered.message
    assert any(w.startswith("content/pages/om.md, rad 6") and "klicka här" in w for w in recovered.warnings)
