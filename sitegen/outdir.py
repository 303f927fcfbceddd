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

import json
import os
from pathlib import Path

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

