"""What the editor's start page lists, read straight from the files (so it works while the content has an error)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .. import contentfs, schema
from ..model import EXTRA_PLACES
from . import store
from .store import COLLECTIONS


def _when(value: Any) -> dt.date | dt.datetime | None:
    try:
        return schema.parse_when(value)
    except Exception:
        return None


def _day(value: Any) -> dt.date | None:
    when = _when(value)
    return when.date() if isinstance(when, dt.datetime) else when


def _last_day(data: Any) -> dt.date | None:
    """The last day an event (or its repetition) takes place."""
    repeat = data.get("repeat")
    last = _day(repeat.get("until")) if isinstance(repeat, dict) else None
    return last or _day(data.get("end")) or _day(data.get("start"))


def events(content: Path, today: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The events still to come (soonest first) and those that are over (latest first)."""
    coming: list[dict[str, Any]] = []
    past: list[dict[str, Any]] = []
    for entry in store.entries(content, COLLECTIONS["handelser"]):
        start, last = _when(entry.data.get("start")), _last_day(entry.data)
        row = {"key": entry.key, "title": str(entry.data.get("title") or entry.key), "start": start,
               "when": _when_text(start), "iso": _iso(start), "place": str(entry.data.get("municipality") or ""),
               "cancelled": entry.data.get("cancelled") is True, "repeats": isinstance(entry.data.get("repeat"), dict),
               "sort": (start.date() if isinstance(start, dt.datetime) else start) or dt.date.min}
        (coming if last is None or last >= today else past).append(row)
    coming.sort(key=lambda r: r["sort"])
    past.sort(key=lambda r: r["sort"], reverse=True)
    return coming, past


def _iso(when: dt.date | dt.datetime | None) -> str:
    if isinstance(when, dt.datetime):
        return f"{when:%Y-%m-%dT%H:%M}"
    return when.isoformat() if when else ""


def _when_text(when: dt.date | dt.datetime | None) -> str:
    if when is None:
        return "(datum saknas)"
    from babel.dates import format_date

    text = format_date(when, "EEEE d MMMM y", locale="sv")
    return f"{text} kl. {when:%H.%M}" if isinstance(when, dt.datetime) else text


def _texts(folder: Path, newest_first: bool) -> list[dict[str, str]]:
    rows = []
    for path in sorted(contentfs.plain_files(folder, ".md"), reverse=newest_first):
        try:
            title = str(store.read_front(store.read(path, folder.parent)).get("title") or path.stem)
        except Exception:
            title = path.stem
        rows.append({"key": path.stem, "title": title})
    return rows


def overview(content: Path, today: dt.date) -> dict[str, Any]:
    coming, past = events(content, today)
    lists = {slug: [{"key": e.key, "title": str(e.data.get(c.label) or e.key)} for e in store.entries(content, c)]
             for slug, c in COLLECTIONS.items() if slug != "handelser"}
    return {"coming": coming, "past": past, "lists": lists, "collections": COLLECTIONS,
            "news": _texts(content / "news", True), "pages": _texts(content / "pages", False),
            "files": attachments(content)}


def attachments(content: Path) -> list[str]:
    """The attachments under content/files/ as the build sees them: regular files, never through a link."""
    return sorted(contentfs.scan(content).files_below(contentfs.ATTACHMENTS))


def choices(content: Path) -> dict[str, list[tuple[str, str]]]:
    """The choices of the forms that come from the content: places (site.yaml) and associations by name."""
    places: list[str] = []
    try:
        site = YAML(typ="safe", pure=True).load(store.read(content / "site.yaml", content))
        places = [str(p) for p in site.get("municipalities", [])]
    except Exception:  # the preview shows what is wrong with site.yaml
        pass
    associations = sorted(((str(e.key), str(e.data.get("name") or e.key))
                           for e in store.entries(content, COLLECTIONS["foreningar"])), key=lambda a: a[1].lower())
    return {"places": [(p, p) for p in [*places, *EXTRA_PLACES]], "associations": associations}
