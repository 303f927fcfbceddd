"""When each content file last changed, from the content's own git history (one `git log` for all files).

A file with changes that are not committed yet counts as changed "today", so the preview shows the
date the coordinator will publish it on. Without git (a copy of the folder, an export) there is no
history and callers fall back to the build's today.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from .dates import TZ

History = dict[str, dt.date]


def _git(content_dir: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(content_dir), *args], capture_output=True, text=True,
                              encoding="utf-8", check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def last_modified(content_dir: Path, today: dt.date) -> History:
    """Date of the last change of every file under `content_dir`, keyed like Problem.file ("content/pages/om.md")."""
    content_dir = content_dir.resolve()
    inside = _git(content_dir, "rev-parse", "--show-prefix")
    if inside is None:
        return {}
    prefix = inside.strip()
    log = _git(content_dir, "-c", "core.quotePath=false", "log", "--no-renames", "--format=%x00%ct",
               "--name-only", "--relative", "--", ".") or ""
    history: History = {}
    stamp: dt.date | None = None
    for row in log.splitlines():
        if row.startswith("\x00"):
            stamp = dt.datetime.fromtimestamp(int(row[1:]), TZ).date()
        elif row and stamp is not None:
            history.setdefault(f"{content_dir.name}/{row}", stamp)  # newest commit comes first
    status = _git(content_dir, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".") or ""
    entries = iter(status.split("\x00"))
    for entry in entries:
        if len(entry) < 4:
            continue
        if entry[0] in "RC":
            next(entries, None)  # a rename's old name follows as its own entry
        path = entry[3:]  # porcelain paths are relative to the repository's top
        if path.startswith(prefix):
            history[f"{content_dir.name}/{path[len(prefix):]}"] = today
    return history


def newest(history: History, sources: list[str], today: dt.date) -> dt.date:
    """The latest change among `sources`; the build's today when none of them has a history."""
    dates = [history[s] for s in sources if s in history]
    return max(dates) if dates else today
