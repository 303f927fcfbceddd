"""Why a unit of work ran again, in Swedish, for `sitegen build --explain`.

Each unit's key is a digest of named parts (the code, the templates, the input groups it reads, what a
page's template read from the model). The build state keeps a short digest of every part, so the next run
can name the parts that differ instead of only seeing that the key did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .contents import BY_GROUP, Input
from .incremental import digest

SHORT = 10  # hex digits kept per part: enough to tell a change, small in the build state

_PARTS = {
    "code": "sitegens egen kod",
    "renderer": "koden som gör filen",
    "epoch": "git-historiken eller SOURCE_DATE_EPOCH",
    "templates": "mallarna i templates/",
    "static": "filerna i templates/static/",
    "today": "dagens datum",
    "common": "site.yaml eller menyn",
    "page": "sidans adress eller mall",
    "variables": "sidans eget innehåll",
    "urls": "vilka sidor webbplatsen har",
    "other": "en annan fil i content/",
    "html": "sidornas HTML",
}
_MODEL = {
    "events": "händelserna", "occurrences": "händelserna", "upcoming": "de kommande händelserna",
    "past": "de tidigare händelserna", "next_per_event": "de kommande händelserna", "associations": "föreningarna",
    "news": "nyheterna", "pages": "vilka sidor som finns", "pages:keys": "vilka sidor som finns",
    "steps": "delaktighetstrappan", "laws": "lagarna", "checklist": "checklistan", "definitions": "definitionerna",
    "site": "site.yaml", "files": "bilagorna i content/files/", "today": "dagens datum",
}


def key_of(parts: Mapping[str, str]) -> str:
    return digest(*(f"{name}={value}" for name, value in sorted(parts.items())))


def short(parts: Mapping[str, str]) -> dict[str, str]:
    return {name: value[:SHORT] for name, value in parts.items()}


def label(part: str) -> str:
    """A part of a key as the coordinator knows it."""
    if part in _PARTS:
        return _PARTS[part]
    if part in {g.value for g in BY_GROUP}:
        return f"content/{BY_GROUP[Input(part)].pattern}"
    if part.startswith("dep:"):
        return _dependency(part[4:])
    return part


def _dependency(name: str) -> str:
    if name.startswith("pages[") and name.endswith("]"):
        return f"sidan content/pages/{name[6:-1]}.md"
    if name.startswith("menu:"):
        return "menyn"
    if name.startswith("image_sizes[") and name.endswith("]"):
        return f"bilden content/files/{name[len('image_sizes[/files/'):-1]} (en annan storlek)"
    name = name.lstrip("!")
    if name in _MODEL:
        return _MODEL[name]
    return "händelserna" if "event" in name else f"innehållet ({name})"


def why(old: Mapping[str, Any] | None, parts: Mapping[str, str], intact: bool, files: list[str] | None = None) -> str:
    """One line of Swedish: which inputs of a unit changed since the last run (or why it ran anyway)."""
    if old is None:
        return "den fanns inte i förra bygget"
    if not intact:
        return "filen saknades eller hade ändrats efter förra bygget"
    if not parts:
        return "dess indata går inte att jämföra, så den görs alltid"
    before = old.get("parts") or {}
    changed = [name for name, value in short(parts).items() if before.get(name) != value]
    changed += [name for name in before if name not in parts and not name.startswith("dep:")]
    if not changed:
        return "förra bygget gjorde den inte färdigt"
    named = [label(name) + (f" ({', '.join(files)})" if name == "variables" and files else "") for name in changed]
    return "ändrat: " + ", ".join(dict.fromkeys(named))
