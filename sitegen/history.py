"""What the content's git history says: when each event last changed and how often, when the data last changed,
and when each content file last changed (for "Senast uppdaterad" on every page).

Subscribers' calendar apps trust SEQUENCE and LAST-MODIFIED to notice an edited event. The coordinator
should not have to bump anything, so both are derived from the history of content/events/ in one
`git log` pass: every commit's version of every event is reduced to a fingerprint of its text, and each
new fingerprint of an event id is one more version. Without git (a copy of the folder, a tarball) there
is no history; then every event is version 0 and the build's own date stands in, which is deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import contentfs
from .contents import BY_GROUP, Input, history_paths
from .dates import TZ
from .errors import Problem
from .memos import LastOne

EVENTS_DIR = BY_GROUP[Input.EVENTS].folder or "events"
DATA_FILES = history_paths()  # the event data the calendar is made of (sitegen/contents.py)
_ITEM_START = re.compile(r"^-(?:\s|$)")
_ID_LINE = re.compile(r"^(?:-\s+|\s+)id:\s*['\"]?([A-Za-z0-9_-]+)['\"]?\s*(?:#.*)?$")
_COMMENT = re.compile(r"^\s*#")
NO_HISTORY_ENV = "SITEGEN_NO_HISTORY"  # set to 1 to build as if there were no git history (the golden test does)


@dataclass(frozen=True)
class Version:
    """How an event's published text has changed over its life."""

    sequence: int  # 0 for the first version, +1 for each later change
    created: dt.datetime  # UTC
    modified: dt.datetime  # UTC


@dataclass
class History:
    """The calendar data's history, or a stand-in built from the build's date when there is none."""

    fallback: dt.datetime  # the build's today at midnight Swedish time, in UTC
    from_git: bool = False
    events: dict[str, Version] = field(default_factory=dict)
    data_changed: dt.datetime | None = None  # newest commit touching the event data, or fallback when edited since
    removed: dict[str, str] = field(default_factory=dict)  # event id -> its file in HEAD, for ids no file has now

    def version(self, event_id: str) -> Version:
        return self.events.get(event_id) or Version(0, self.fallback, self.fallback)

    @property
    def last_changed(self) -> dt.datetime:
        return self.data_changed or self.fallback


def event_chunks(text: str) -> dict[str, str]:
    """Each top-level list item of an events file as id -> fingerprint of its text without comments and blank lines."""
    chunks: dict[str, str] = {}
    current: list[str] = []

    def close() -> None:
        event_id = next((m.group(1) for m in map(_ID_LINE.match, current) if m), None)
        if event_id and event_id not in chunks:  # a repeated id is a content error reported elsewhere
            body = "\n".join(current).encode("utf-8")
            chunks[event_id] = hashlib.sha256(body).hexdigest()

    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.rstrip()
        if not line or _COMMENT.match(line):
            continue
        if _ITEM_START.match(line):
            close()
            current = []
        current.append(line)
    close()
    return chunks


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _midnight(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(), TZ).astimezone(dt.UTC)


def _blobs(root: Path, shas: Iterable[str]) -> dict[str, str]:
    """The text of many blobs through one `git cat-file --batch`."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    done = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input="\n".join(wanted).encode() + b"\n",
                          capture_output=True, check=True, timeout=300)
    out, pos, texts = done.stdout, 0, {}
    for sha in wanted:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        texts[sha] = out[header_end + 1:header_end + 1 + size].decode("utf-8", errors="replace")
        pos = header_end + 1 + size + 1
    return texts


def _commits(log: str) -> list[tuple[dt.datetime, list[tuple[str, str]]]]:
    """Parses `git log --raw` output into (commit time, [(path, new blob sha or "" when deleted)])."""
    commits: list[tuple[dt.datetime, list[tuple[str, str]]]] = []
    for record in log.split("\x00commit ")[1:]:
        head, *rest = record.splitlines()
        when = dt.datetime.fromtimestamp(int(head.split()[1]), dt.UTC)
        changes = []
        for line in rest:
            if line.startswith(":"):
                meta, path = line.split("\t", 1)
                status, new_sha = meta.split()[4], meta.split()[3]
                changes.append((path, "" if status.startswith("D") else new_sha))
        commits.append((when, changes))
    return commits


def _replay(root: Path, events_rel: str, history: History) -> tuple[dict[str, str], dict[str, str]]:
    """Replays the commits touching the events folder; returns the last committed fingerprints, and each
    event id of the last commit with its file (the events folder as HEAD has it)."""
    log = _git(root, "log", "--first-parent", "--reverse", "--raw", "--no-abbrev", "--no-renames",
               "--format=%x00commit %H %ct", "--", events_rel) or ""
    commits = _commits(log)
    texts = _blobs(root, (sha for _, changes in commits for path, sha in changes
                          if sha and path.endswith(".yaml")))
    files: dict[str, dict[str, str]] = {}
    latest: dict[str, str] = {}
    for when, changes in commits:
        for path, sha in changes:
            if path.endswith(".yaml"):
                files[path] = event_chunks(texts[sha]) if sha else {}
        current: dict[str, str] = {}
        for name in sorted(files):
            for event_id, fingerprint in files[name].items():
                current.setdefault(event_id, fingerprint)
        for event_id, fingerprint in current.items():
            _record(history, latest, event_id, fingerprint, when)
    committed = {event_id: path for path in sorted(files) for event_id in files[path]}
    return latest, committed


def _record(history: History, latest: dict[str, str], event_id: str, fingerprint: str, when: dt.datetime) -> None:
    if latest.get(event_id) == fingerprint:
        return
    before = history.events.get(event_id)
    history.events[event_id] = (Version(before.sequence + 1, before.created, when) if before
                                else Version(0, when, when))
    latest[event_id] = fingerprint


def load(content_dir: Path, today: dt.date, memo: LastOne[History] | None = None) -> History:
    """The history of the calendar data in `content_dir`, from git when the folder is in a git work tree.

    The feeds, the PDF and the pages of one run all ask: with the session's `memo` the history is read once, and
    again only when the content's state changed (the preview keeps the memo between its runs).
    """
    use_git = not os.environ.get(NO_HISTORY_ENV)
    key = (content_dir.resolve(), today, use_git, _state(content_dir) if use_git else ())
    return memo.get(key, lambda: _load(*key)) if memo is not None else _load(*key)


def _state(content_dir: Path) -> tuple[object, ...]:
    """What the answer depends on, so a long-running preview sees edits and commits: files' times and HEAD."""
    files = [*contentfs.plain_files(content_dir / EVENTS_DIR, ".yaml"), content_dir / BY_GROUP[Input.ASSOCIATIONS].pattern]
    stats = tuple((p.name, s.st_mtime_ns, s.st_size) for p, s in ((p, _lstat(p)) for p in files) if s is not None)
    return (*stats, _git(content_dir, "rev-parse", "HEAD"))


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _load(content_dir: Path, today: dt.date, use_git: bool, state: tuple[object, ...]) -> History:
    history = History(_midnight(today))
    top = _git(content_dir, "rev-parse", "--show-toplevel") if use_git else None
    if not top:
        return history
    root = Path(top.strip())
    rel = content_dir.resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if rel == "." else rel + "/"
    latest, committed = _replay(root, prefix + EVENTS_DIR, history)
    newest = max((v.modified for v in history.events.values()), default=history.fallback)
    edited = max(newest, history.fallback)  # never earlier than a commit, also when --today is in the past
    on_disk: dict[str, str] = {}
    for path in contentfs.plain_files(content_dir / EVENTS_DIR, ".yaml"):
        try:
            text = contentfs.read_bytes(path, content_dir).decode("utf-8", errors="replace")
        except contentfs.UnsafeFile:
            continue  # the content check reports it
        for event_id, fingerprint in event_chunks(text).items():
            on_disk.setdefault(event_id, fingerprint)
    for event_id, fingerprint in on_disk.items():  # edits not yet committed count as changed today
        _record(history, latest, event_id, fingerprint, edited)
    history.removed = {event_id: f"{content_dir.name}/{path[len(prefix):]}" for event_id, path in committed.items()
                       if event_id not in on_disk}
    history.from_git = True
    history.data_changed = _data_changed(root, [prefix + p for p in DATA_FILES], edited)
    return history


def removed_events(content_dir: Path, today: dt.date, memo: LastOne[History] | None = None) -> list[Problem]:
    """A warning for each event of the last commit that no events file has any more.

    A deleted event vanishes from every page and from subscribers' calendars without a word; cancelling it
    keeps it, marked INSTÄLLT and STATUS:CANCELLED. The answer comes from the same replay of the history the
    calendar feeds use (one `git log`, cached for the build); without git there is nothing to compare with.
    """
    return [Problem(path, None, "id", f"Händelsen ”{event_id}” fanns i {path} i den senaste commiten men finns inte "
                    "kvar i någon kalenderfil. Tas en publicerad händelse bort försvinner den bara, från webbplatsen och "
                    "ur prenumeranternas kalendrar, utan att någon får veta att den är inställd. Lägg tillbaka den och "
                    "skriv cancelled: true i stället. Har du bytt dess id: byt tillbaka, ett id får aldrig ändras. "
                    "(Var den ett test som aldrig skulle publiceras kan du strunta i varningen.)", "varning")
            for event_id, path in sorted(load(content_dir, today, memo).removed.items())]


def _data_changed(root: Path, paths: list[str], edited: dt.datetime) -> dt.datetime | None:
    stamp = (_git(root, "log", "-1", "--format=%ct", "--", *paths) or "").strip()
    committed = dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp else None
    if (_git(root, "status", "--porcelain", "--", *paths) or "").strip():
        return max(edited, committed) if committed else edited
    return committed


def file_dates(content_dir: Path, today: dt.date) -> dict[str, dt.date]:
    """The Swedish date each file under `content_dir` last changed, keyed like Problem.file ("content/pages/om.md").

    One `git log --name-only` over the folder, newest commit first, and one `git status` for files changed
    since: those count as changed `today`. Without git (or with SITEGEN_NO_HISTORY) the answer is empty and
    callers use the build's date.
    """
    if os.environ.get(NO_HISTORY_ENV):
        return {}
    content_dir = content_dir.resolve()
    prefix = _git(content_dir, "rev-parse", "--show-prefix")
    if prefix is None:
        return {}
    prefix = prefix.strip()
    log = _git(content_dir, "-c", "core.quotePath=false", "log", "--no-renames", "--format=%x00%ct", "--name-only",
               "--relative", "--", ".") or ""
    dates: dict[str, dt.date] = {}
    stamp: dt.date | None = None
    for row in log.splitlines():
        if row.startswith("\x00"):
            stamp = dt.datetime.fromtimestamp(int(row[1:]), TZ).date()
        elif row and stamp is not None:
            dates.setdefault(f"{content_dir.name}/{row}", stamp)
    status = _git(content_dir, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".") or ""
    entries = iter(status.split("\x00"))
    for entry in entries:
        if len(entry) < 4:
            continue
        if entry[0] in "RC":
            next(entries, None)  # a rename's old name follows as its own entry
        path = entry[3:]  # porcelain paths are relative to the repository's top
        if path.startswith(prefix):
            dates[f"{content_dir.name}/{path[len(prefix):]}"] = today
    return dates


def newest(dates: Mapping[str, dt.date], sources: Iterable[str], today: dt.date) -> dt.date:
    """The latest change among `sources`; the build's today when none of them has a history."""
    found = [dates[s] for s in sources if s in dates]
    return max(found) if found else today
