"""The output folder is the site's alone: which folders a build may replace, and one build at a time in each.

A build publishes only into a folder that does not exist yet, is empty, or holds the mark (MARK) that
every published site carries. A site built before the mark existed is recognised by the build cache's
manifest beside it, which lists every file that build wrote. Whatever the folder holds, a build never
publishes into or above content/, templates/, the project, the home folder or the file system's root,
nor anywhere inside content/ or templates/. Symbolic links and `..` are resolved before deciding.

Everything here runs before anything is written: a refused folder is left exactly as it was, and so are
the staging folders, the lock and the cache that would sit beside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import BuildError

# Written into every published site; a dotfile, so the preview never serves it as a page.
MARK = ".sitegen"
MARK_TEXT = ("Den här mappen är en webbplats som sitegen har byggt. Nästa bygge ersätter allt som finns i den.\n"
             "This folder is a site built by sitegen; the next build replaces everything in it.\n").encode()
CACHE_DIR = ".sitegen-cache"  # the build cache (sitegen/incremental.py), beside the output folder
LOCK_WAIT_ENV = "SITEGEN_LOCK_WAIT"
LOCK_WAIT_SECONDS = 60.0

_ADVICE = ("Ingenting har ändrats. sitegen bygger bara till en mapp som inte finns, är tom eller redan har en "
           "webbplats som sitegen har byggt (då finns filen .sitegen i den). Välj en annan mapp med --out, till "
           "exempel --out public, eller en ny mapp utanför content/ och templates/.")


def _shown(out: Path, resolved: Path) -> str:
    given = out.as_posix()
    return given if Path(os.path.abspath(out)) == resolved else f"{given} (det vill säga {resolved})"


def _project_roots(*folders: Path) -> set[Path]:
    """The projects the folders belong to: the nearest folder upwards that has .git, and sitegen's own checkout."""
    roots: set[Path] = set()
    for folder in folders:
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                roots.add(candidate)
                break
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "sitegen").is_dir():
        roots.add(checkout)
    return roots


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def _protected(content: Path, templates: Path) -> list[tuple[Path, str]]:
    """Folders a build never replaces, nor any folder above them, with their Swedish names."""
    places = [(content, "innehållsmappen"), (templates, "mallmappen")]
    places += [(root, "projektets mapp") for root in sorted(_project_roots(content, templates))]
    home = _home()
    if home is not None:
        places.append((home, "din hemmapp"))
    places.append((Path(content.anchor), "filsystemets rot"))
    return places


def _refusal(resolved: Path, content: Path, templates: Path) -> str | None:
    """Why `resolved` may never be the output folder, whatever it holds; None if it may."""
    for inside, name in ((content, "innehållsmappen"), (templates, "mallmappen")):
        if resolved != inside and resolved.is_relative_to(inside):
            return f"ligger inuti {name} {inside}: webbplatsen skulle hamna bland det den byggs från"
    if ".git" in resolved.parts or CACHE_DIR in resolved.parts:
        return "ligger inuti en mapp som git eller sitegen använder för sig själv"
    for place, name in _protected(content, templates):
        if resolved == place:
            return f"är {name} ({place})"
        if place.is_relative_to(resolved):
            return f"innehåller {name} ({place}), som skulle försvinna"
    return None


def _foreign(resolved: Path) -> str | None:
    """A file in `resolved` that no sitegen build wrote, or None when the folder is a site sitegen built.

    A built site has the mark; one built before the mark existed is known by the cache beside it, which
    lists every file the last build wrote.
    """
    if (resolved / MARK).is_file():
        return None
    with os.scandir(resolved) as entries:
        first = next((entry.name for entry in entries), None)
    if first is None:
        return None  # empty
    try:
        raw = json.loads((resolved.parent / CACHE_DIR / f"{resolved.name}.json").read_text(encoding="utf-8"))
        listed = raw["files"] if raw.get("out") == str(resolved) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        listed = {}
    if not isinstance(listed, dict) or not listed:
        return first
    cut = len(str(resolved)) + 1
    for folder, dirs, names in os.walk(resolved):
        dirs.sort()
        for name in sorted(names):
            rel = os.path.join(folder, name)[cut:].replace(os.sep, "/")
            if rel not in listed:
                return rel
    return None


def guard(out: Path, content: Path, templates: Path) -> Path:
    """The output folder, resolved, if a build may publish there; otherwise a BuildError that says why.

    Reads only: nothing is created, changed or removed, whatever the answer.
    """
    try:
        resolved = Path(os.path.abspath(out)).resolve()
        content, templates = content.resolve(), templates.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise BuildError(f"Mappen {out} går inte att använda för webbplatsen: {exc}. {_ADVICE}") from exc
    reason = _refusal(resolved, content, templates)
    if reason is None and resolved.exists() and not resolved.is_dir():
        reason = "är en fil, inte en mapp"
    if reason is None and resolved.is_dir():
        try:
            foreign = _foreign(resolved)
        except OSError as exc:
            raise BuildError(f"Mappen {_shown(out, resolved)} går inte att läsa ({exc.strerror}). {_ADVICE}") from exc
        if foreign is not None:
            reason = (f"finns redan och har filer som inte kommer från ett bygge med sitegen (till exempel ”{foreign}”). "
                      "Bygget skulle ersätta dem")
    if reason is not None:
        raise BuildError(f"Webbplatsen byggs inte till mappen {_shown(out, resolved)}: den {reason}. {_ADVICE}")
    return resolved



# --- one build at a time per output folder --------------------------------------------------------------------

_held = threading.local()  # the locks this thread holds: taking one again (publish inside a build) is free


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT_SECONDS)))
    except ValueError:
        return LOCK_WAIT_SECONDS


def _acquire(file: IO[str], out: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    file.seek(0)
    holder = file.read().strip()
    who = f" (process {holder})" if holder.isdigit() else ""
    seconds = f"{wait:.0f} sekund" if round(wait) == 1 else f"{wait:.0f} sekunder"
    raise BuildError(f"Ett annat bygge till mappen {out}{who} pågår fortfarande; sitegen väntade i {seconds} "
                     "på att det skulle bli klart. Ingenting har ändrats. Vänta tills det andra bygget är klart och kör "
                     "kommandot igen, eller bygg till en annan mapp med --out.")


def _open_lock(out: Path) -> IO[str]:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return open(lock_path(out), "a+", encoding="ascii")
    except OSError as exc:
        raise BuildError(f"Webbplatsen kunde inte skrivas till {out}: mappen {out.parent} går inte att skriva i "
                         f"({exc.strerror}). Ingenting har ändrats. Välj en mapp du kan skriva i med --out.") from exc


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Holds the output folder's lock: a second build into it waits, then gives up with a Swedish message.

    The lock is an flock on a file beside the folder, so it ends with the process that holds it, even after
    kill -9 (forked workers die with the build, see parallel.py, so none of them keeps it either).
    """
    out = out.resolve()
    held: set[Path] = getattr(_held, "paths", set())
    if out in held:
        yield
        return
    with _open_lock(out) as file:
        _acquire(file, out, _wait_seconds())
        try:
            file.truncate(0)
            file.write(str(os.getpid()))
            file.flush()
            _held.paths = held | {out}
            yield
        finally:
            _held.paths = held
            fcntl.flock(file, fcntl.LOCK_UN)


@contextlib.contextmanager
def scratch(out: Path) -> Iterator[Path]:
    """A folder for the temporary files of one build (the PDF's fonts) in the cache beside `out`.

    Held under the lock: what a killed build left there is removed first, and everything when the build ends.
    The folder goes to the renderers in the session (Context.scratch); the process's own temporary folder
    (`tempfile.tempdir`) is never moved, so the preview's editor, checking a save at the same moment, keeps its own.
    """
    folder = out.resolve().parent / CACHE_DIR / f"tmp-{out.resolve().name}"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"Bygget kan inte spara tillfälliga filer i {folder} ({exc.strerror}). Ingenting har ändrats. "
                         "Välj en utmapp (--out) i en mapp du kan skriva i.") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
