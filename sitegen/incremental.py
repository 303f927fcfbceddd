"""Incremental builds: remember what was made from what, and redo only what changed.

A build scans its inputs (every file under content/ and templates/, the build's "today",
SOURCE_DATE_EPOCH and the generator's own code) into digests per input group. The cache manifest
(`.sitegen-cache/<out>.json` beside the output folder) maps every unit of work to the key of the
inputs it was made from and the hashes of the files it wrote:

- one unit per HTML page: its template set, its own variables (by value), the site settings and menu,
  and whatever the page's template read from `model` while it was rendered (recorded, so a page that
  lists the associations depends on them and a plain page does not);
- one unit per other renderer: the input groups its entry in sitegen/renderers.py declares (a renderer that
  declares nothing depends on everything, which is always correct).

Nothing changed → nothing is loaded, rendered or written. The cache is only ever an optimisation:
`--clean` ignores it, and a missing, unreadable or foreign manifest means a cold build.

This module imports nothing heavy at the top, so a no-change build never loads the models or any
renderer's libraries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import subprocess
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .contents import Input, group_of
from .outdir import CACHE_DIR, MARK

if TYPE_CHECKING:
    from .model import SiteModel

FORMAT = 2

# Every input group (sitegen/contents.py says which content file belongs to which).
GROUPS = tuple(group.value for group in Input)


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part  # a file name may not be UTF-8
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def files_under(root: Path) -> Iterator[tuple[str, str]]:
    """(path relative to root with forward slashes, full path) of every file, in a stable order."""
    top = os.fspath(root)
    if not os.path.isdir(top):
        return
    cut = len(top.rstrip(os.sep)) + 1
    for folder, dirs, names in os.walk(top):
        dirs.sort()
        rel_folder = folder[cut:].replace(os.sep, "/")
        for name in sorted(names):
            yield (f"{rel_folder}/{name}" if rel_folder else name), os.path.join(folder, name)


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _read_digest(path: str) -> str:
    return digest(_read(path))


def _content_digest(root: Path, rel: str) -> str:
    """The digest of one content file, read without following links; a file that cannot be read is marked so."""
    from . import contentfs

    try:
        return digest(contentfs.read_bytes(root / rel, root))
    except (contentfs.UnsafeFile, contentfs.TooLarge) as exc:
        return f"unreadable {type(exc).__name__}"


def _remembered(path: str, memo: dict[str, tuple[int, int, str]] | None, make: Callable[[], str]) -> str:
    """make(), or the digest `memo` (the preview's) holds for this file while its size and time are unchanged."""
    if memo is None:
        return make()
    try:
        stat = os.lstat(path)
    except OSError:
        return make()
    known = memo.get(path)
    if known is not None and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    found = make()
    memo[path] = (stat.st_mtime_ns, stat.st_size, found)
    return found


def _code_digest() -> str:
    """The generator's own code: a changed renderer or filter must not reuse old output."""
    package = Path(__file__).parent
    return digest(__version__, *(f"{rel}\0{digest(_read(path))}" for rel, path in files_under(package)
                                 if rel.endswith(".py")))


def _history_state(content: Path) -> str:
    """What sitegen.history's answer depends on besides the content files: whether it is used, and HEAD."""
    if os.environ.get("SITEGEN_NO_HISTORY"):
        return "no history"
    try:
        done = subprocess.run(["git", "-C", os.fspath(content), "rev-parse", "HEAD"], capture_output=True, timeout=60,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return "no git"
    return done.stdout.decode("ascii", "replace").strip() if done.returncode == 0 else "no git"


@dataclasses.dataclass
class Inputs:
    """Digests of everything a build reads, by group, and of all of it together."""

    groups: dict[str, str]
    total: str

    @classmethod
    def scan(cls, content: Path, templates: Path, today: dt.date, memo: dict[str, tuple[int, int, str]] | None = None
             ) -> Inputs:
        """The digests; with `memo` (the preview's), a file whose size and time are unchanged is not read again."""
        from . import contentfs

        members: dict[str, list[str]] = {name: [] for name in GROUPS}
        listing = contentfs.scan(content)  # links and special files are never read; the load reports them
        for rel in listing.files:
            found = _remembered(os.path.join(listing.root, rel), memo,
                                functools.partial(_content_digest, listing.root, rel))
            members[group_of(rel).value].append(f"{rel}\0{found}")
        members["other"] += [f"{rel}\0refused" for rel in sorted(listing.refused)]
        for rel, path in files_under(templates):
            found = _remembered(path, memo, functools.partial(_read_digest, path))
            members["static" if rel.startswith("static/") else "templates"].append(f"{rel}\0{found}")
        members["today"].append(today.isoformat())
        groups = {name: digest(*rows) for name, rows in members.items() if name != "urls"}
        code = _code_digest()
        # Everything outside the files that a build may read: the fixed date, and the git history the
        # calendar takes SEQUENCE, LAST-MODIFIED and "Senast uppdaterad" from (sitegen/history.py).
        epoch = f"{os.environ.get('SOURCE_DATE_EPOCH', '')}|{_history_state(content)}"
        groups["code"] = code
        total = digest(str(FORMAT), code, epoch, *(f"{k}={v}" for k, v in sorted(groups.items())))
        groups["epoch"] = digest(epoch)
        return cls(groups, total)


# --- the manifest -------------------------------------------------------------------------------------------

FileRecord = list[Any]  # [hash, size, mtime_ns]


@dataclasses.dataclass
class Manifest:
    """What the last build in this output folder made: the input digest, every unit and every file."""

    inputs: str = ""
    units: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # name -> {key, deps, outputs}
    files: dict[str, FileRecord] = dataclasses.field(default_factory=dict)
    pages: int = 0
    warnings: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # What the sanitiser removed from each Markdown text, by the text's digest, and the code that found it.
    removals: dict[str, Any] = dataclasses.field(default_factory=dict)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)  # what the content holds, for `sitegen check`

    def known_removals(self, code: str) -> dict[str, list[list[str]]]:
        """The sanitiser's findings of the last build, if the same generator made them."""
        return self.removals.get("texts", {}) if self.removals.get("code") == code else {}

    @staticmethod
    def path_for(out: Path) -> Path:
        out = out.resolve()
        return out.parent / CACHE_DIR / f"{out.name}.json"

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        try:
            raw = json.loads(cls.path_for(out).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT or raw.get("out") != str(out.resolve()):
                return None
            return cls(raw["inputs"], raw["units"], raw["files"], raw["pages"], raw["warnings"], raw["removals"],
                       raw["counts"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # no cache, or one we do not understand: build cold

    def save(self, out: Path) -> None:
        path = self.path_for(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
            tmp.write_text(json.dumps({"format": FORMAT, "out": str(out.resolve()), "inputs": self.inputs,
                                       "units": self.units, "files": self.files, "pages": self.pages,
                                       "warnings": self.warnings, "removals": self.removals,
                                       "counts": self.counts}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only means the next build is cold

    def intact(self, out: Path) -> set[str]:
        """The recorded files still in `out` exactly as written (same size and modification time)."""
        good: set[str] = set()
        top = os.fspath(out)
        for rel, record in self.files.items():
            try:
                stat = os.stat(os.path.join(top, rel))
            except OSError:
                continue
            if stat.st_size == record[1] and stat.st_mtime_ns == record[2]:
                good.add(rel)
        return good

    def untouched(self, out: Path) -> bool:
        """`out` holds exactly the recorded files, none changed, none added, and the mark of a built site."""
        if not os.path.isfile(os.path.join(out, MARK)) or len(self.intact(out)) != len(self.files):
            return False
        try:
            return count_files(out) - 1 == len(self.files)  # every file but the mark
        except OSError:  # a folder that cannot be read: build, and let the build say what is wrong
            return False


def count_files(root: Path) -> int:
    """How many files `files_under(root)` lists, counted without sorting them (a no-change build)."""
    return sum(1 for _ in quick_files(root))


def quick_files(root: Path) -> Iterator[str]:
    """The relative paths files_under(root) gives, in no particular order and quicker; raises OSError."""
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.is_dir():
                    yield prefix + entry.name
                elif not entry.is_symlink():  # os.walk lists a link to a folder among the folders, never enters it
                    stack.append((entry.path, f"{prefix}{entry.name}/"))


def record(path: Path, data: bytes) -> FileRecord:
    stat = path.stat()
    return [digest(data), stat.st_size, stat.st_mtime_ns]


# --- fingerprints of values ---------------------------------------------------------------------------------

class Unstable(Exception):
    """A value without a stable fingerprint: whatever depends on it is always redone."""


@dataclasses.dataclass
class ValueMemo:
    """Digests of immutable content objects by identity; the preview keeps one between runs, since a file it
    did not read again gives the very same objects."""

    digests: dict[int, str] = dataclasses.field(default_factory=dict)
    kept: list[Any] = dataclasses.field(default_factory=list)  # keeps memoised objects alive so their ids stay theirs
    derived: dict[tuple[Any, ...], str] = dataclasses.field(default_factory=dict)  # events by the ids of their entries
    limit: int = 500_000

    def trim(self) -> None:
        if len(self.kept) > self.limit:  # a long preview session must not grow without end
            self.digests.clear()
            self.kept.clear()
            self.derived.clear()


class Fingerprints:
    """Stable digests of the values templates get, memoised for the length of one build."""

    def __init__(self, model: SiteModel, shared: ValueMemo | None = None) -> None:
        self.model = model
        memo = shared if shared is not None else ValueMemo()
        self._memo, self._keep, self._derived = memo.digests, memo.kept, memo.derived
        self._tokens: dict[str, str] = {}

    def of(self, value: Any) -> str:
        return digest(repr(self._enc(value)))

    def _memoised(self, value: Any, encode: Any) -> str:
        key = id(value)
        if key not in self._memo:
            self._memo[key] = digest(repr(encode()))
            self._keep.append(value)
        return self._memo[key]

    def _enc(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        known = self._memo.get(id(value))  # a memoised object is kept alive, so its id is its own
        if known is not None:
            return known
        BaseModel, CalendarEvent, Occurrence, SiteModel = _content_types()  # noqa: N806 - classes
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            return (type(value).__name__, value.isoformat())
        if isinstance(value, (list, tuple)):
            return tuple(self._enc(v) for v in value)
        if isinstance(value, Mapping):
            return tuple((self._enc(k), self._enc(v)) for k, v in value.items())
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(repr(self._enc(v)) for v in value))
        if isinstance(value, BaseModel):  # content models hold only text, numbers, dates and other models
            return self._memoised(value, lambda: (type(value).__name__, _stable_repr(value.__dict__)))
        if isinstance(value, CalendarEvent):
            return self._event(value)
        if isinstance(value, Occurrence):
            return self._memoised(value, lambda: ("occurrence", self._enc(value.event), self._enc(value.start),
                                                  self._enc(value.end)))
        if isinstance(value, SiteModel):
            raise Unstable("the whole model")
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._memoised(value, lambda: (type(value).__name__, tuple(
                (f.name, self._enc(getattr(value, f.name))) for f in dataclasses.fields(value))))
        raise Unstable(type(value).__name__)

    def _event(self, event: Any) -> str:
        """An event made anew from the same entry (a file not read again) has the same fingerprint, found once."""
        first = event.occurrences[0].start.isoformat() if event.occurrences else ""
        key = ("event", id(event.data), first, *(id(o) for o in event.organizers))
        found = self._derived.get(key)
        if found is None:
            found = self._memoised(event, lambda: ("event", self._enc(event.data), self._enc(event.organizers),
                                                   tuple((self._enc(o.start), self._enc(o.end)) for o in event.occurrences)))
            self._derived[key] = found
        return found

    def token(self, name: str) -> str:
        """The digest of one thing a template read from `model` (see ModelView), worked out once a build."""
        if name not in self._tokens:
            self._tokens[name] = self._token(name)
        return self._tokens[name]

    def _token(self, name: str) -> str:
        pages = self.model.pages
        if name == "pages:keys":
            return digest(*sorted(pages))
        if name.startswith("pages[") and name.endswith("]"):
            return self.of(pages.get(name[6:-1]))
        if name == "pages":
            return self.of(list(pages.items()))
        if name.startswith("menu:"):
            slug, attr = name[5:].rsplit(".", 1)
            page = pages.get(slug)
            return self.of(getattr(page, attr) if page is not None else None)
        if name.startswith("!"):
            raise Unstable(name)
        if name.endswith("]") and "[" in name:  # one entry of a table the model keeps (feed_events_by_organizer)
            table, key = name[:-1].split("[", 1)
            return self.of(getattr(self.model, table).get(key))
        return self.of(getattr(self.model, name))


@functools.cache  # no run's state: the same four classes for the life of the process (tests/test_state.py)
def _content_types() -> tuple[Any, Any, Any, Any]:
    """The model classes fingerprints look for, imported once (late: a no-change build never needs them)."""
    from pydantic import BaseModel

    from .model import CalendarEvent, Occurrence, SiteModel

    return BaseModel, CalendarEvent, Occurrence, SiteModel


def _stable_repr(value: Any) -> str:
    text = repr(value)
    if " at 0x" in text:  # an object known only by its address: no stable fingerprint
        raise Unstable(text[:80])
    return text


class PagesView(Mapping[str, Any]):
    """model.pages as a template sees it, noting whether it asked which pages exist or read one."""

    def __init__(self, pages: Mapping[str, Any], used: set[str]) -> None:
        self._pages = pages
        self._used = used

    def __contains__(self, key: object) -> bool:
        self._used.add("pages:keys")
        return key in self._pages

    def __getitem__(self, key: str) -> Any:
        self._used.add(f"pages[{key}]")
        return self._pages[key]

    def __iter__(self) -> Iterator[str]:
        self._used.add("pages")
        return iter(self._pages)

    def __len__(self) -> int:
        self._used.add("pages")
        return len(self._pages)


class TableView(Mapping[str, Any]):
    """A table of the model (a dict) as a template sees it: reading one entry depends on that entry only."""

    def __init__(self, name: str, table: Mapping[str, Any], used: set[str]) -> None:
        self._name, self._table, self._used = name, table, used

    def __getitem__(self, key: str) -> Any:
        self._used.add(f"{self._name}[{key}]")
        return self._table[key]

    def __contains__(self, key: object) -> bool:
        self._used.add(f"{self._name}[{key}]")
        return key in self._table

    def __iter__(self) -> Iterator[str]:
        self._used.add(self._name)
        return iter(self._table)

    def __len__(self) -> int:
        self._used.add(self._name)
        return len(self._table)


class PageView:
    """A menu entry as a template sees it, recording which of the page's fields it read (not the body)."""

    def __init__(self, page: Any, used: set[str]) -> None:
        self._page = page
        self._used = used

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._page, name)
        self._used.add(f"menu:{self._page.slug}.{name}" if not callable(value) else f"!menu.{name}")
        return value


def recording(common: dict[str, Any], model: SiteModel, used: set[str]) -> dict[str, Any]:
    """The common template variables with the model and the menu wrapped, so reads are noted in `used`."""
    return {**common, "model": ModelView(model, used), "menu": [PageView(p, used) for p in common["menu"]]}


def common_fingerprint(fingerprints: Fingerprints, common: dict[str, Any]) -> str:
    """What every page depends on besides what it reads: the settings and which pages the menu has."""
    return fingerprints.of({"site": common["site"], "menu": [p.slug for p in common["menu"]],
                            "rest": {k: v for k, v in common.items() if k not in ("site", "menu", "model")}})


class ModelView:
    """The model as a page template sees it, recording which parts the template read."""

    def __init__(self, model: SiteModel, used: set[str]) -> None:
        self._model = model
        self._used = used

    def __getattr__(self, name: str) -> Any:
        method = inspect.getattr_static(type(self._model), name, None)
        if isinstance(method, types.FunctionType):  # a method runs on the view, so what it reads is noted too
            return types.MethodType(method, self)
        value = getattr(self._model, name)
        if name == "pages":
            return PagesView(value, self._used)
        if isinstance(value, dict):  # a table: what a page reads is the entries it asks for
            return TableView(name, value, self._used)
        self._used.add(f"!{name}" if callable(value) else name)
        return value


def page_key(fingerprints: Fingerprints, base: str, deps: Iterable[str]) -> str | None:
    """The key of an HTML page from its own inputs and what its template read; None if it cannot be known."""
    try:
        return digest(base, *(f"{name}={fingerprints.token(name)}" for name in sorted(deps)))
    except Unstable:
        return None
