"""Shared fixtures: an in-process CLI runner and a scratch site written from dedented strings."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest_plugins = ["sitecheck"]  # the built site, its server and the browser, for the accessibility gates

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
TEMPLATES = ROOT / "templates"

BASE_FILES = {
    "site.yaml": """\
        title: Testplatsen
        organisation: Exempelregionen
        base_url: https://test.example.org/
        municipalities: [Gävle, Sandviken]
        coordinator:
          name: Testa Testsson
          role: Samordnare
          email: test@example.org
        """,
    "pages/index.md": """\
        ---
        title: Välkommen
        menu: 1
        ---
        Startsidans text.
        """,
    "associations.yaml": """\
        - id: forening-a
          name: Förening A
          description: Föreningen för alla.
          municipalities: [Gävle]
        """,
    "events/2026.yaml": """\
        - id: mote-1
          title: Dialogmöte
          start: 2026-03-12 18:00
          end: 2026-03-12 20:00
          municipality: Gävle
          organizers: [forening-a]
        """,
}


class ScratchProject:
    """A small valid site in tmp_path; tests overwrite single files to make it invalid."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        for name, text in BASE_FILES.items():
            self.write(name, text)

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def problems(self, files: Mapping[str, str | None], today: dt.date) -> Sequence:
        """Writes `files` (None removes one) and returns what `sitegen check` says: its errors, or its warnings."""
        from sitegen.build import check
        from sitegen.errors import ContentError

        for name, text in files.items():
            if text is None:
                (self.content / name).unlink()
            else:
                self.write(name, text)
        try:
            return check(self.content, today, TEMPLATES).warnings
        except ContentError as caught:
            return caught.problems


@pytest.fixture
def scratch_project(tmp_path: Path) -> ScratchProject:
    return ScratchProject(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Callable[..., object]:
    from sitegen.cli import main

    def run(*args: str) -> object:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run
