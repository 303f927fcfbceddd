"""Load stage: reads every content file into plain data, remembering the line of every value.

Nothing here knows the models; it only turns bytes into Python data or into Problems that say, in
Swedish, where the file cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from .errors import Problem, display_path

MAX_FILE_BYTES = 2 * 1024 * 1024

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """The data of one content file, with the 1-based line of every key and value in it."""

    path: Path
    name: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, loc: Loc) -> int | None:
        """The line of `loc`, or of the nearest enclosing value that has one."""
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


class LoadFailed(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


_YAML_HINTS = [
    ("mapping values are not allowed", "Det står ett kolon (:) där det inte får stå. Sätt texten inom "
     "citattecken, till exempel title: \"Möte: vår\"."),
    ("'\\t'", "Det står ett tabbtecken. Använd mellanslag för indrag i YAML, aldrig tabb."),
    ("could not find expected ':'", "Ett kolon (:) saknas efter ett fältnamn, eller så är indraget fel."),
    ("expected <block end>", "Indraget stämmer inte: rader som hör ihop ska börja lika långt in."),
    ("did not find expected key", "Indraget stämmer inte: rader som hör ihop ska börja lika långt in."),
    ("did not find expected '-'", "En rad i listan saknar sitt bindestreck (”- ”), eller så är indraget fel."),
    ("found undefined alias", "Tecknet * i början av en text betyder något särskilt i YAML. Sätt texten inom citattecken."),
    ("found character that cannot start any token", "Texten börjar med ett tecken som måste stå inom "
     "citattecken (till exempel @ eller `)."),
    ("while scanning a quoted scalar", "Ett citattecken öppnas men stängs aldrig."),
    ("while scanning a simple key", "En rad saknar kolon efter fältnamnet, eller så är indraget fel."),
]


def _yaml_problem(name: str, exc: MarkedYAMLError, line_offset: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 + line_offset if mark else None
    column = f", kolumn {mark.column + 1}" if mark else ""
    text = f"{exc.problem or ''} {exc.context or ''}"
    if isinstance(exc, DuplicateKeyError):
        key = re.search(r'found duplicate key "([^"]*)"', str(exc))
        shown = key.group(1) if key else "?"
        return Problem(name, line, None, f"Fältet ”{shown}” står två gånger i samma post{column}. "
                       "Ta bort det ena.")
    for needle, hint in _YAML_HINTS:
        if needle in text:
            return Problem(name, line, None, f"Filen går inte att läsa som YAML{column}. {hint}")
    return Problem(name, line, None, f"Filen går inte att läsa som YAML{column} ({exc.problem}). "
                   "Kontrollera indrag, kolon och citattecken på raden.")


def read_text(path: Path, name: str) -> str:
    """The file's text: UTF-8, a byte-order mark accepted, a sane size."""
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise LoadFailed(Problem(name, None, None, f"Filen är {len(raw) // 1024} kB, större än gränsen "
                                 f"{MAX_FILE_BYTES // 1024} kB. Dela upp den eller lägg stora filer i content/files/."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadFailed(Problem(name, line, None, f"Filen är inte sparad som UTF-8 (byte {exc.start + 1}, "
                                 f"värde 0x{raw[exc.start]:02X}). Spara om den som UTF-8 i din editor.")) from None
    if "\x00" in text:
        raise LoadFailed(Problem(name, None, None, "Filen innehåller binära data och är ingen textfil."))
    return text.replace("\r\n", "\n")


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], offset: int) -> Any:
    """Ruamel's round-trip nodes as plain dicts and lists; records each value's line on the way."""
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            key_line, _ = node.lc.key(key)
            lines[(*loc, str(key))] = key_line + 1 + offset
            out[str(key)] = _plain(node[key], (*loc, str(key)), lines, offset)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, item in enumerate(node):
            item_line, _ = node.lc.item(index)
            lines[(*loc, index)] = item_line + 1 + offset
            out_list.append(_plain(item, (*loc, index), lines, offset))
        return out_list
    if isinstance(node, str):
        return str(node)
    return node


class _Constructor(RoundTripConstructor):
    """Dates stay text here; the models parse them, so 2026-02-30 is a content error, not a crash."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _parse_yaml_ruamel(text: str, name: str, line_offset: int) -> tuple[Any, dict[Loc, int]]:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        raise LoadFailed(_yaml_problem(name, exc, line_offset)) from None
    lines: dict[Loc, int] = {(): 1 + line_offset}
    return _plain(node, (), lines, line_offset), lines


def parse_yaml(text: str, name: str, line_offset: int = 0) -> tuple[Any, dict[Loc, int]]:
    """YAML 1.2 (so 10:30 and `no` stay text) into plain data and a line table.

    Plain documents are read by libyaml's C parser (fastyaml.py), which gives the same data and lines as
    ruamel.yaml at a fraction of the time; anything it does not handle exactly as ruamel would (anchors,
    tags, floats, errors, …) is read by ruamel, whose messages we explain in Swedish.
    """
    from . import fastyaml

    fast = fastyaml.parse(text, line_offset)
    if fast is not None:
        return fast
    return _parse_yaml_ruamel(text, name, line_offset)


def load_yaml(path: Path, root: Path) -> Document:
    name = display_path(path, root)
    text = read_text(path, name)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise LoadFailed(Problem(name, None, None, "Filen är tom. Skriv innehållet i den, eller ta bort filen."))
    data, lines = parse_yaml(text, name)
    return Document(path, name, data, lines)


_FENCE = re.compile(r"^---[ \t]*$")


def load_markdown(path: Path, root: Path) -> Document:
    """A Markdown file with YAML front matter between two `---` lines."""
    name = display_path(path, root)
    text = read_text(path, name)
    rows = text.split("\n")
    if not rows or not _FENCE.match(rows[0]):
        raise LoadFailed(Problem(name, 1, None, "Sidan saknar inledande uppgifter. Börja filen med en rad "
                                 "---, sedan till exempel title: Sidans rubrik, och sedan en rad --- till."))
    for index in range(1, len(rows)):
        if _FENCE.match(rows[index]):
            break
    else:
        raise LoadFailed(Problem(name, 1, None, "De inledande uppgifterna stängs aldrig: raden --- som ska "
                                 "stå efter dem saknas. Lägg till en rad med bara --- före sidans text."))
    front = "\n".join(rows[1:index])
    if not front.strip():
        raise LoadFailed(Problem(name, 1, None, "De inledande uppgifterna är tomma. Skriv minst "
                                 "title: Sidans rubrik mellan raderna ---."))
    data, lines = parse_yaml(front, name, line_offset=1)
    body = "\n".join(rows[index + 1:])
    return Document(path, name, data, lines, body=body, body_line=index + 2)
