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
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from . import contentfs, yamlhints
from .errors import Problem, display_path

MAX_FILE_BYTES = 2 * 1024 * 1024
RUAMEL_MAX_CHARS = 256 * 1024  # the slow reader's share: a few seconds at most (benchmarks/limits.py)
MAX_NODES = 100_000  # values in one file after aliases are expanded; stops a "billion laughs" file
_TAG_PROBLEM = "sitegen: explicit tag"

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
    text: str = ""  # the whole file as read

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
     "citattecken, till exempel title: \"Möte: vår\", eller rätta indraget om raden ska vara ett eget fält."),
    ("'\\t'", "Det står ett tabbtecken. Använd mellanslag för indrag i YAML, aldrig tabb."),
    ("could not find expected ':'", "Ett kolon (:) saknas efter ett fältnamn, eller så är indraget fel."),
    ("expected <block end>", "Indraget stämmer inte: rader som hör ihop ska börja lika långt in."),
    ("did not find expected key", "Indraget stämmer inte: rader som hör ihop ska börja lika långt in."),
    ("did not find expected '-'", "En rad i listan saknar sitt bindestreck (”- ”), eller så är indraget fel."),
    ("while parsing a flow sequence", "En lista som börjar med [ stängs aldrig med ] på samma rad. Sätt texten "
     "inom citattecken om [ hör till texten."),
    ("while parsing a flow mapping", "Fält som börjar med { stängs aldrig med } på samma rad. Sätt texten inom "
     "citattecken om { hör till texten."),
    ("found '<stream end>'", "Filen tar slut mitt i ett värde: en [ eller { stängs aldrig. Sätt texten inom citattecken "
     "om tecknet hör till texten."),
    ("found undefined alias", "Tecknet * i början av en text betyder något särskilt i YAML. Sätt texten inom citattecken."),
    ("found character that cannot start any token", "Texten börjar med ett tecken som måste stå inom "
     "citattecken (till exempel @ eller `)."),
    ("while scanning a quoted scalar", "Ett citattecken öppnas men stängs aldrig."),
    ("while scanning a simple key", "En rad saknar kolon efter fältnamnet, eller så är indraget fel."),
    (_TAG_PROBLEM, "Tecknet ! i början av en text betyder något särskilt i YAML. Sätt texten inom citattecken, "
     "till exempel title: \"!Viktigt\"."),
    ("but found another document", "Raden --- delar filen i två dokument. Ta bort raden; en fil ska vara ett dokument."),
    ("found unhashable key", "Ett fältnamn får inte vara en lista eller en samling fält."),
]


def _yaml_problem(name: str, exc: MarkedYAMLError, line_offset: int, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    opened = any(w in str(exc.context) for w in ("quoted scalar", "flow sequence", "flow mapping"))
    if opened and exc.context_mark:
        mark = exc.context_mark  # the line where the quote or bracket opens, not where it was missed
    line = mark.line + 1 + line_offset if mark else None
    column = f", kolumn {mark.column + 1}" if mark else ""
    if "<stream end>" in str(exc.problem) and not opened:  # the last line with text, not the file's empty end
        filled = [index for index, row in enumerate(text.split("\n")) if row.strip()]
        line, column = (filled[-1] + 1 + line_offset if filled else line), ""
    source = text
    text = f"{exc.problem or ''} {exc.context or ''}"
    if isinstance(exc, DuplicateKeyError):
        key = re.search(r'found duplicate key "([^"]*)"', str(exc))
        shown = key.group(1) if key else "?"
        first = yamlhints.first_use(source.split("\n"), mark.line, shown) if mark else None
        return Problem(name, line, None, f"Fältet ”{shown}” står två gånger i samma post{column}"
                       f"{f' (första gången på rad {first + line_offset})' if first else ''}. Ta bort det ena.")
    hint = _hint(source, exc, opened) if mark else None
    if hint is not None:
        return Problem(name, hint.line + line_offset, None, f"Filen går inte att läsa som YAML. {hint.advice}")
    for needle, hint_text in _YAML_HINTS:
        if needle in text:
            return Problem(name, line, None, f"Filen går inte att läsa som YAML{column}. {hint_text}")
    return Problem(name, line, None, f"Filen går inte att läsa som YAML{column} ({exc.problem}). "
                   "Kontrollera indrag, kolon och citattecken på raden.")


_INDENTATION_ERRORS = ("mapping values are not allowed", "expected <block end>", "did not find expected key",
                       "did not find expected '-'", "could not find expected ':'", "while scanning a simple key")


def _hint(source: str, exc: MarkedYAMLError, opened: bool) -> yamlhints.Hint | None:
    """The line of the mistake and advice that fits it, when the text shows which mistake it is."""
    rows = source.split("\n")
    if opened:
        quoted = "quoted scalar" in str(exc.context)
        return yamlhints.unclosed_quote(rows, exc.context_mark.line) if quoted and exc.context_mark else None
    mark = exc.problem_mark or exc.context_mark
    if "'\\t'" in str(exc.problem) or "\t" in "".join(rows[: mark.line + 1]):
        return None  # tabs have their own message
    said = f"{exc.problem or ''} {exc.context or ''}"
    if not any(kind in said for kind in _INDENTATION_ERRORS):
        return None
    no_space = yamlhints.missing_space(rows, mark.line)
    if no_space is not None and no_space.line >= mark.line - 2:  # 1-based line, up to three lines above
        return no_space
    column = exc.problem_mark.column if exc.problem_mark and "mapping values" in str(exc.problem) else None
    return yamlhints.indentation(rows, mark.line, column)


def _reader_problem(name: str, exc: ReaderError, text: str, line_offset: int) -> Problem:
    position = exc.position if isinstance(exc.position, int) else 0
    line = text[:position].count("\n") + 1 + line_offset
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(name, line, None, f"Raden innehåller ett osynligt styrtecken (U+{code:04X}) som inte får "
                   "finnas i en textfil. Skriv om raden för hand, eller klistra in texten som ren text.")


def read_text(path: Path, name: str, root: Path | None = None) -> str:
    """The file's text: UTF-8, a byte-order mark accepted, a sane size; never read through a link below `root`."""
    try:
        raw = contentfs.read_bytes(path, root, MAX_FILE_BYTES)
    except contentfs.TooLarge as exc:
        raise LoadFailed(Problem(name, None, None, f"Filen är {exc.size // 1024} kB, större än gränsen "
                                 f"{MAX_FILE_BYTES // 1024} kB. Dela upp den eller lägg stora filer i content/files/.")) from None
    except contentfs.UnsafeFile as exc:
        raise LoadFailed(Problem(name, None, None, str(exc))) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadFailed(Problem(name, line, None, f"Filen är inte sparad som UTF-8 (byte {exc.start + 1}, "
                                 f"värde 0x{raw[exc.start]:02X}). Spara om den som UTF-8 i din editor.")) from None
    if "\x00" in text:
        raise LoadFailed(Problem(name, None, None, "Filen innehåller binära data och är ingen textfil."))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _too_deep() -> str:
    from .fastyaml import MAX_DEPTH

    return (f"Värdena ligger i för många nivåer inuti varandra (fler än {MAX_DEPTH} listor eller fält i varandra, "
            "kanske många [ eller { i rad). Sätt texten inom citattecken om tecknen hör till texten, eller skriv "
            "värdet enklare.")


class _Nodes:
    """Counts values while ruamel's nodes become plain data, and notices a value that contains itself."""

    def __init__(self) -> None:
        self.count = 0
        self.open: set[int] = set()

    def enter(self, node: Any, loc: Loc) -> None:
        from .fastyaml import MAX_DEPTH

        self.count += 1
        if len(loc) > MAX_DEPTH:
            raise ValueError(_too_deep())
        if self.count > MAX_NODES:
            raise ValueError("Filen har för många värden (kanske genom & och *). Skriv ut värdena utan & och *.")
        if id(node) in self.open:
            raise ValueError("Ett värde innehåller sig självt genom & och *. Skriv ut värdet utan & och *.")


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], offset: int, seen: _Nodes) -> Any:
    """Ruamel's round-trip nodes as plain dicts and lists; records each value's line on the way."""
    seen.enter(node, loc)
    if isinstance(node, CommentedMap):
        seen.open.add(id(node))
        out = {}
        for key in node:
            key_line, _ = node.lc.key(key)
            lines[(*loc, str(key))] = key_line + 1 + offset
            out[str(key)] = _plain(node[key], (*loc, str(key)), lines, offset, seen)
        seen.open.discard(id(node))
        return out
    if isinstance(node, CommentedSeq):
        seen.open.add(id(node))
        out_list = []
        for index, item in enumerate(node):
            item_line, _ = node.lc.item(index)
            lines[(*loc, index)] = item_line + 1 + offset
            out_list.append(_plain(item, (*loc, index), lines, offset, seen))
        seen.open.discard(id(node))
        return out_list
    if isinstance(node, str):
        return str(node)
    if isinstance(node, TaggedScalar):  # `!!str 12`, the one explicit tag let through: plain text
        return str(node.value)
    return node


class _Constructor(RoundTripConstructor):
    """Dates stay text here; the models parse them, so 2026-02-30 is a content error, not a crash.

    Content is text, numbers, true/false, lists and fields; an explicit tag (`!Viktigt`, `!!binary`,
    `!!set`) is almost always a typo for text, so it is an error that names the line.
    """

    def construct_undefined(self, node: Any) -> Any:
        raise ConstructorError(problem=_TAG_PROBLEM, problem_mark=node.start_mark)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
for _tag in ("binary", "omap", "pairs", "set"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _Constructor.construct_undefined)
_Constructor.add_constructor(None, _Constructor.construct_undefined)


def _parse_yaml_ruamel(text: str, name: str, line_offset: int) -> tuple[Any, dict[Loc, int]]:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except RecursionError:  # ruamel builds nested values by recursion: far too deep for any content file
        raise LoadFailed(Problem(name, None, None, _too_deep())) from None
    except MarkedYAMLError as exc:
        raise LoadFailed(_yaml_problem(name, exc, line_offset, text)) from None
    except ReaderError as exc:
        raise LoadFailed(_reader_problem(name, exc, text, line_offset)) from None
    except YAMLError as exc:  # every other ruamel error: still a message, never a traceback
        raise LoadFailed(Problem(name, None, None, f"Filen går inte att läsa som YAML ({exc}).")) from None
    lines: dict[Loc, int] = {(): 1 + line_offset}
    try:
        return _plain(node, (), lines, line_offset, _Nodes()), lines
    except RecursionError:
        raise LoadFailed(Problem(name, None, None, _too_deep())) from None
    except ValueError as exc:
        raise LoadFailed(Problem(name, None, None, str(exc))) from None


def parse_yaml(text: str, name: str, line_offset: int = 0) -> tuple[Any, dict[Loc, int]]:
    """YAML 1.2 (so 10:30 and `no` stay text) into plain data and a line table.

    Plain documents are read by libyaml's C parser (fastyaml.py), which gives the same data and lines as
    ruamel.yaml at a fraction of the time; anything it does not handle exactly as ruamel would (anchors,
    tags, floats, errors, …) is read by ruamel, whose messages we explain in Swedish. ruamel reads about
    100 kB a second, so a file over RUAMEL_MAX_CHARS is not given to it whole (see `_too_slow`).
    """
    from . import fastyaml

    try:
        fast = fastyaml.read(text, line_offset)
        if not isinstance(fast, fastyaml.Declined):
            return fast
        fastyaml.check_depth(text, line_offset)  # before ruamel, which takes minutes over deep nesting
    except fastyaml.TooDeep as exc:
        raise LoadFailed(Problem(name, exc.line, None, _too_deep())) from None
    if len(text) > RUAMEL_MAX_CHARS:
        raise LoadFailed(_too_slow(text, name, line_offset, fast))
    return _parse_yaml_ruamel(text, name, line_offset)


def _too_slow(text: str, name: str, line_offset: int, declined: Any) -> Problem:
    """The problem of a big file only ruamel could read: its error worded as for a small file, or what to change.

    A syntax error is worded by ruamel as in a small file; anything else gets advice on the line that needs ruamel.
    """
    line = declined.line
    if declined.kind == "duplicate":
        return Problem(name, line, None, f"Fältet ”{declined.value}” står två gånger i samma post. Ta bort det ena.")
    if declined.kind == "error" and line is not None:
        return _error_in_big_file(text, name, line_offset, declined)
    what = {"tab": "ett tabbtecken. Byt tabbtecknen mot mellanslag",
            "number": f"värdet ”{declined.value}”, som läses som ett decimaltal eller ett annat slags tal. Sätt "
                      "det inom citattecken om det är text",
            }.get(declined.kind, "ett YAML-tecken för ankare (&), hänvisning (*), tagg (!) eller flera dokument "
                                 "(---). Skriv värdet ut i stället")
    return Problem(name, line, None, f"Filen är stor ({len(text.encode()) // 1024} kB), och så stora filer läses "
                   f"bara om de är skrivna enkelt. Raden har {what}, eller dela upp filen i mindre filer.")


def _error_in_big_file(text: str, name: str, line_offset: int, declined: Any) -> Problem:
    """A syntax error in a big file, worded by ruamel reading only the top-level entry it is in, up to the line after.

    The entry begins at the last line that starts in the first column, at or above where the error (or the
    quote or bracket it is in) began; if that small part reads without the error, libyaml's line is named.
    """
    rows = text.split("\n")
    end = declined.line - line_offset  # 1-based line of the error within `text`
    first = min(end, declined.context - line_offset if declined.context else end) - 1
    start = next((i for i in range(min(first, len(rows) - 1), -1, -1) if rows[i][:1] not in ("", " ", "#")), 0)
    part = "\n".join(rows[start:end + 1])
    if len(part) <= RUAMEL_MAX_CHARS:
        try:
            _parse_yaml_ruamel(part, name, line_offset + start)
        except LoadFailed as exc:
            return exc.problem
    return Problem(name, declined.line, None, "Filen går inte att läsa som YAML. Kontrollera indrag, kolon och "
                   "citattecken på raden.")


def load_yaml(path: Path, root: Path) -> Document:
    name = display_path(path, root)
    text = read_text(path, name, root)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise LoadFailed(Problem(name, None, None, "Filen är tom. Skriv innehållet i den, eller ta bort filen."))
    data, lines = parse_yaml(text, name)
    return Document(path, name, data, lines, text=text)


_FENCE = re.compile(r"^---[ \t]*$")


def load_markdown(path: Path, root: Path) -> Document:
    """A Markdown file with YAML front matter between two `---` lines."""
    name = display_path(path, root)
    text = read_text(path, name, root)
    if not text.strip():
        raise LoadFailed(Problem(name, None, None, "Filen är tom. Skriv sidan i den (se en annan sida för hur "
                                 "den börjar), eller ta bort filen."))
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
    return Document(path, name, data, lines, body=body, body_line=index + 2, text=text)
