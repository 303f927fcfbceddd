"""Deleting a published event instead of cancelling it is warned about, naming the id and its file."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from sitegen.build import check

TODAY = dt.date(2026, 3, 1)
SECOND = """\
- id: mote-2
  title: Andra mötet
  start: 2026-04-12 18:00
  municipality: Gävle
"""


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(root)})


@pytest.fixture
def repo(scratch_project, monkeypatch):
    monkeypatch.delenv("SITEGEN_NO_HISTORY", raising=False)
    events = scratch_project.content / "events" / "2026.yaml"
    events.write_text(events.read_text(encoding="utf-8") + SECOND, encoding="utf-8")
    git(scratch_project.root, "init", "-q", "-b", "main")
    git(scratch_project.root, "add", "-A")
    git(scratch_project.root, "commit", "-q", "-m", "Två möten")
    return scratch_project


def _removal_warnings(project) -> list[str]:
    return [str(w) for w in check(project.content, TODAY).warnings if "senaste commiten" in w.message]


def test_a_deleted_event_is_warned_about_with_its_id_file_and_the_fix(repo):
    events = repo.content / "events" / "2026.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace(SECOND, ""), encoding="utf-8")
    assert _removal_warnings(repo) == [
        "content/events/2026.yaml, fältet ”id”: Händelsen ”mote-2” fanns i content/events/2026.yaml i den senaste "
        "commiten men finns inte kvar i någon kalenderfil. Tas en publicerad händelse bort försvinner den bara, från "
        "webbplatsen och ur prenumeranternas kalendrar, utan att någon får veta att den är inställd. Lägg tillbaka "
        "den och skriv cancelled: true i stället. Har du bytt dess id: byt tillbaka, ett id får aldrig ändras. "
        "(Var den ett test som aldrig skulle publiceras kan du strunta i varningen.)"]


def test_a_deleted_file_of_events_is_warned_about_too(repo):
    (repo.content / "events" / "2026.yaml").unlink()
    assert len(_removal_warnings(repo)) == 2


def test_cancelling_moving_or_committing_the_removal_gives_no_warning(repo):
    events = repo.content / "events" / "2026.yaml"
    events.write_text(events.read_text(encoding="utf-8") + "  cancelled: true\n", encoding="utf-8")
    assert _removal_warnings(repo) == []
    events.write_text(events.read_text(encoding="utf-8").replace(SECOND + "  cancelled: true\n", ""), encoding="utf-8")
    (repo.content / "events" / "2027.yaml").write_text(SECOND.replace("2026-04-12", "2027-04-12"), encoding="utf-8")
    assert _removal_warnings(repo) == [], "an event moved to another year's file is not gone"
    (repo.content / "events" / "2027.yaml").unlink()
    assert len(_removal_warnings(repo)) == 1
    git(repo.root, "commit", "-q", "-am", "Bort med testet")
    assert _removal_warnings(repo) == [], "once the removal is committed it is the coordinator's choice"


def test_without_git_there_is_nothing_to_compare_with(scratch_project, monkeypatch):
    monkeypatch.delenv("SITEGEN_NO_HISTORY", raising=False)
    events = scratch_project.content / "events" / "2026.yaml"
    events.write_text("- id: annat\n  title: Annat\n  start: 2026-04-12\n  municipality: Gävle\n", encoding="utf-8")
    assert _removal_warnings(scratch_project) == []
