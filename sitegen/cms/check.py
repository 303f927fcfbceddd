"""The full content check (the same as `sitegen check`) on the content as it would be after a save.

The changed files are written into a copy of content/ in a temporary folder; content/ itself is untouched
until the check has passed. The copy links the files it does not change, so it is made in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .. import build
from ..errors import ContentError, Problem, SitegenError
from ..memos import MarkdownMemo, Memos


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy is as good, only slower
        shutil.copy2(source, target)


def _system_temp() -> str:
    """The system's temporary folder as the environment names it, never the process-wide `tempfile.tempdir`
    (sitegen never moves it, tests/test_state.py; a program embedding sitegen might)."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        folder = os.environ.get(name)
        if folder and os.path.isdir(folder):
            return folder
    return "/tmp" if os.path.isdir("/tmp") else os.getcwd()


def problems_after(content: Path, templates: Path, today: dt.date | None,
                   changes: Mapping[str, str | bytes], markdown: MarkdownMemo | None = None) -> list[Problem]:
    """The errors of the whole site with `changes` (path below content/ -> new text) made; [] when it is in order.

    With `markdown` (the preview's converted Markdown), only the texts the change touched are converted again.
    """
    with tempfile.TemporaryDirectory(prefix="sitegen-redigera-", dir=_system_temp()) as folder:
        overlay = Path(folder) / "content"
        shutil.copytree(content, overlay, symlinks=True, copy_function=_link_or_copy)
        for name, data in changes.items():
            target = overlay / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # never write through a link into the real file
            target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return current_problems(overlay, templates, today, markdown)


def current_problems(content: Path, templates: Path, today: dt.date | None,
                     markdown: MarkdownMemo | None = None) -> list[Problem]:
    """The errors `sitegen check` reports for this content folder (warnings left out)."""
    try:
        build.check(content, today, templates, Memos(markdown=markdown) if markdown is not None else None)
    except ContentError as exc:
        return [p for p in exc.problems if p.severity == "fel"]
    except SitegenError as exc:
        return [Problem("", None, None, exc.show())]
    return []
