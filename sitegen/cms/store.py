"""The content files as the editor reads and writes them: entries found by id or number, saved with ruamel's
round trip, and only the edited entry's lines replaced, so every other byte of the file stays as it was.

Nothing is written here before the whole site has been checked as it would be after the save (see check.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .. import contentfs, schema
from ..scaffold import _blank_before_last
from .forms import Spec, when_text

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # ids and the names of pages and news items


class StoreError(Exception):
    """The file cannot be edited as asked; the message says why in Swedish."""


@dataclass(frozen=True)
class Collection:
    """A content file (or a folder of year files) that is a list of entries of one model."""

    slug: str  # the editor's URL: /redigera/<slug>/
    model: type[schema.Model]
    path: str  # "associations.yaml", or "events" for the folder of year files
    keyed: bool  # entries are found by id (else by their number in the list, from 1)
    label: str  # the field that names an entry in lists
    noun: str  # "händelse"
    plural: str  # "Händelser"
    new: str  # "Ny händelse"
    changed: str  # "Ändrad händelse"


COLLECTIONS = {c.slug: c for c in (
    Collection("handelser", schema.Event, "events", True, "title", "händelse", "Händelser", "Ny händelse", "Ändrad händelse"),
    Collection("foreningar", schema.Association, "associations.yaml", True, "name", "förening", "Föreningar",
               "Ny förening", "Ändrad förening"),
    Collection("lagar", schema.Law, "laws.yaml", True, "law", "lag", "Lagar", "Ny lag", "Ändrad lag"),
    Collection("definitioner", schema.Definition, "definitions.yaml", False, "term", "definition", "Definitioner",
               "Ny definition", "Ändrad definition"),
    Collection("checklista", schema.Question, "checklist.yaml", False, "question", "fråga", "Checklistan",
               "Ny fråga i checklistan", "Ändrad fråga i checklistan"),
    Collection("trappan", schema.Step, "delaktighetstrappa.yaml", False, "name", "steg", "Delaktighetstrappan",
               "Nytt steg i delaktighetstrappan", "Ändrat steg i delaktighetstrappan"),
)}


def valid_name(name: str) -> bool:
    """Whether a name from a URL can name an entry or file: a–z, digits and hyphens, nothing else."""
    return bool(_NAME.match(name)) and len(name) <= 120


def read(path: Path, root: Path | None = None) -> str:
    """A content file's text as it is: line endings kept (CRLF stays CRLF), without a byte order mark.

    Read as the build reads it (sitegen/contentfs.py): a link (at or below `root`) or a pipe raises UnsafeFile,
    so an editor request never follows a link out of content/ or waits forever on a pipe.
    """
    return contentfs.read_bytes(path, root).decode("utf-8-sig")


def fingerprint(path: Path) -> str:
    """The file's content hash, kept in the form to notice a change made meanwhile in another editor."""
    try:
        return hashlib.sha256(contentfs.read_bytes(path)).hexdigest()
    except contentfs.UnsafeFile:
        return "ny" if not os.path.lexists(path) else "oläsbar"


def files_of(content: Path, collection: Collection) -> list[Path]:
    target = content / collection.path
    if target.is_dir():
        return contentfs.plain_files(target, ".yaml")
    return [target] if target.is_file() and not target.is_symlink() else []


def read_list(path: Path) -> CommentedSeq:
    text = read(path)
    data = _yaml(text).load(text)
    if data is None:
        return CommentedSeq()
    if not isinstance(data, CommentedSeq):
        raise StoreError(f"{path.name} är ingen lista, så editorn kan inte ändra den. Rätta filen i en textredigerare "
                         "(förhandsvisningen säger vad som är fel).")
    return data


@dataclass(frozen=True)
class Entry:
    """One entry of a collection: where it is and what it holds."""

    file: Path
    index: int  # 0-based position in the file's list
    data: Mapping[str, Any]
    key: str  # the id, or the number from 1


def entries(content: Path, collection: Collection) -> Iterator[Entry]:
    for path in files_of(content, collection):
        try:
            items = read_list(path)
        except Exception:  # a file that cannot be read is shown by the preview; its entries cannot be edited
            continue
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                key = str(item.get("id", "")) if collection.keyed else str(index + 1)
                yield Entry(path, index, item, key)


def find(content: Path, collection: Collection, key: str) -> Entry | None:
    if collection.keyed and not valid_name(key):
        return None
    if not collection.keyed and not key.isdigit():
        return None
    return next((e for e in entries(content, collection) if e.key == key), None)


# --- values as YAML ---------------------------------------------------------------------------------------------

def yaml_value(spec: Spec, value: Any) -> Any:
    """A form value as it should stand in the file: dates unquoted, long text as a | block, short lists in [ ]."""
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value + "\n")
        if spec.dates and _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value  # the check explains it
        return value
    if isinstance(value, list):
        items = [yaml_value(spec, v) if not isinstance(v, Mapping) else new_map(spec.children, v) for v in value]
        seq = CommentedSeq(items)
        if spec.kind in ("checkboxes", "lines") and all(len(str(v)) < 40 and "\n" not in str(v) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, Mapping):
        return new_map(spec.children, value)
    return value


def new_map(specs: Sequence[Spec], data: Mapping[str, Any], first: Sequence[tuple[str, Any]] = ()) -> CommentedMap:
    """A new entry in the model's field order (an id first when it has one)."""
    entry = CommentedMap(first)
    for spec in specs:
        if spec.key in data and not (data[spec.key] is False and spec.default is False):
            entry[spec.key] = yaml_value(spec, data[spec.key])
    return entry


def _same(old: Any, new: Any) -> bool:
    """Whether a value in the file already says what the form says (then it is left exactly as written)."""
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return set(old) == set(new) and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return _plain(when_text(old)) == _plain(when_text(new))


def _plain(text: str) -> str:
    """Text as a form gives it back: no spaces at the ends of lines, no blank lines around it."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def merge(target: CommentedMap, specs: Sequence[Spec], data: Mapping[str, Any]) -> None:
    """Changes `target` in place to say what the form says; unchanged values keep their exact form."""
    order = [s.key for s in specs]
    for spec in specs:
        key = spec.key
        if key not in data or (data[key] is False and spec.default is False and target.get(key) is not False):
            if key in target:
                del target[key]
            continue
        value = data[key]
        if key in target and _same(target[key], value):
            continue
        if spec.kind == "group" and isinstance(target.get(key), CommentedMap):
            merge(target[key], spec.children, value)
        elif key in target:
            target[key] = yaml_value(spec, value)
        else:
            before = [k for k in target if k in order and order.index(k) < order.index(key)]
            position = list(target).index(before[-1]) + 1 if before else (1 if "id" in target else 0)
            target.insert(position, key, yaml_value(spec, value))


# --- the file's text with one entry changed or added ------------------------------------------------------------

def _yaml(sample: str) -> YAML:
    """A round-trip YAML writer whose lists are indented as in the file's own lists inside entries.

    ruamel has one indentation for all lists, so the top-level list is written as indented as the inner ones
    and `_dedent` moves it back to where the file has it.
    """
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap the coordinator's long lines
    yaml.preserve_quotes = True
    inner = _inner_offset(sample)
    yaml.indent(mapping=2, sequence=inner + 2, offset=inner)
    return yaml


def _top_offset(text: str) -> int:
    first = re.search(r"^( *)- ", text, re.MULTILINE)
    return len(first.group(1)) if first else 0


def _inner_offset(text: str) -> int:
    """How far a list inside an entry is indented from its key: "  methods:" then "    - Webb" is 2."""
    match = re.search(r"^( *)[^\s#-][^:\n]*:[ \t]*\n(?:[ \t]*(?:#.*)?\n)*( *)- ", text, re.MULTILINE)
    return max(0, len(match.group(2)) - len(match.group(1))) if match else 2


def _dedent(lines: list[str], sample: str, comments: frozenset[str] = frozenset()) -> list[str]:
    """The dumped lines moved left to the file's own indentation of its top-level list.

    Comment lines keep the column they had (ruamel writes them where they were): those in `comments`.
    """
    shift = _inner_offset(sample) - _top_offset(sample)
    if shift <= 0:
        return lines
    pad = " " * shift
    return [line[shift:] if line.startswith(pad) and line not in comments else line for line in lines]


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _starts(data: CommentedSeq) -> list[int]:
    """The 0-based line where each entry of a top-level list begins."""
    return [data.lc.item(i)[0] for i in range(len(data))]


def replaced(original: str, index: int, change: Any) -> str:
    """The file's text with entry `index` changed by `change(entry)`; every other line stays as it was."""
    yaml = _yaml(original)
    data = yaml.load(original)
    before = _starts(data)
    trailing = _detach_trailing(data[index])  # the blank lines and comments after the entry's last value
    change(data[index])
    _attach_trailing(data[index], trailing)  # follow the entry's new last value, wherever that is now
    dumped = _dump(yaml, data)
    after = _starts(yaml.load(dumped))
    old, new = original.splitlines(keepends=True), dumped.splitlines(keepends=True)
    end_old = before[index + 1] if index + 1 < len(before) else len(old)
    end_new = after[index + 1] if index + 1 < len(after) else len(new)
    # The blank lines and comments between this entry and the next stay the file's own, whatever ruamel did.
    keep, end_new = _tail(old, before[index], end_old), _tail(new, after[index], end_new)
    span = old[before[index]:end_old]
    comments = frozenset(line for line in span if line.lstrip().startswith("#"))
    lines = _as_before(_endings(_dedent(new[after[index]:end_new], original, comments), original), span)
    result = "".join(old[:before[index]] + lines + old[keep:])
    _same_others(original, result, {index})
    return result


def _endings(lines: list[str], original: str) -> list[str]:
    """The dumped lines with the file's own line endings (Windows files keep CRLF)."""
    if "\r\n" not in original:
        return lines
    return [line[:-1] + "\r\n" if line.endswith("\n") and not line.endswith("\r\n") else line for line in lines]


def _same_others(original: str, result: str, changed: set[int], added: int = 0) -> None:
    """A last guard: every entry that was not edited reads exactly as before, else nothing is saved."""
    reader = YAML(typ="safe", pure=True)
    try:
        before, after = reader.load(original) or [], reader.load(result) or []
    except Exception:
        before, after = None, None
    if not isinstance(before, list) or not isinstance(after, list) or len(after) != len(before) + added or \
            any(a != b for i, (a, b) in enumerate(zip(before, after, strict=False)) if i not in changed):
        raise StoreError("Filen är skriven på ett sätt som editorn inte kan ändra utan att röra andra poster, så "
                         "ingenting sparades. Ändra den här posten i en textredigerare i stället.")


def _as_before(lines: list[str], old: list[str]) -> list[str]:
    """Unchanged lines with an end-of-line comment keep the spaces before their # (ruamel may have moved it)."""
    spaced = {re.sub(r"\s+#", " #", line): line for line in old if "#" in line}
    return [spaced.get(re.sub(r"\s+#", " #", line), line) if "#" in line else line for line in lines]


def taken_out(original: str, index: int, change: Any) -> tuple[str, CommentedMap]:
    """The file's text without entry `index`, and that entry changed by `change` (to be added elsewhere).

    The comments and blank lines after the entry stay where they are: they belong to what follows.
    """
    yaml = _yaml(original)
    data = yaml.load(original)
    starts = _starts(data)
    lines = original.splitlines(keepends=True)
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    keep = _tail(lines, starts[index], end)
    begin = starts[index]
    if begin > 0 and not lines[begin - 1].strip() and (keep >= len(lines) or not lines[keep].strip()):
        begin -= 1  # one blank line between what was before and after, not two
    entry = data[index]
    _detach_trailing(entry)
    change(entry)
    return "".join(lines[:begin] + lines[keep:]), entry


def _last(node: Any) -> tuple[Any, Any] | None:
    """The container and key (or index) of the deepest last value in `node`, where ruamel keeps trailing comments."""
    if isinstance(node, CommentedMap) and node:
        key = list(node)[-1]
        return _last(node[key]) or (node, key)
    if isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        return _last(node[-1]) or (node, len(node) - 1)
    return None


def _detach_trailing(entry: Any) -> Any:
    slot = _last(entry)
    if slot is None:
        return None
    container, key = slot
    comments = container.ca.items.get(key)
    position = 0 if isinstance(container, CommentedSeq) else 2
    if not comments or comments[position] is None:
        return None
    token, comments[position] = comments[position], None
    return token


def _attach_trailing(entry: Any, token: Any) -> None:
    slot = _last(entry)
    if token is None or slot is None:
        return
    container, key = slot
    if isinstance(container, CommentedSeq):
        container.ca.items.setdefault(key, [None, None])[0] = token
    else:
        container.ca.items.setdefault(key, [None, None, None, None])[2] = token


def _tail(lines: list[str], start: int, end: int) -> int:
    """Where the blank lines and unindented comments at the end of lines[start:end] begin."""
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return end


def appended(original: str, entry: CommentedMap) -> str:
    """The file's text with `entry` added last; everything before it untouched, a blank line if the file has them."""
    text = original
    yaml = _yaml(text)
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedSeq()
    if not isinstance(data, list):
        raise StoreError("Filen är ingen lista, så den nya posten kan inte läggas till. Rätta filen i en textredigerare.")
    data.append(entry)
    dumped = _dump(yaml, data)
    start = _starts(yaml.load(dumped))[-1]
    newline = "\r\n" if "\r\n" in text else "\n"
    tail = "".join(_endings(_dedent(dumped.splitlines(keepends=True)[start:], text), text))
    gap = newline if len(data) > 1 and _blank_before_last(text) else ""
    if text and not text.endswith("\n"):
        text += newline
    result = text + gap + tail
    _same_others(text, result, set(), added=1)
    return result


def _starts_with_bom(path: Path) -> bool:
    try:
        return contentfs.read_bytes(path).startswith(b"\xef\xbb\xbf")
    except contentfs.UnsafeFile:
        return False  # no file yet, or not a regular one: it is replaced by one


def write_atomically(path: Path, text: str | bytes) -> None:
    """Writes the whole file or nothing: a reader (or the preview) never sees half of it.

    A text file that began with a byte order mark keeps it (the editor reads the text without it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str) and _starts_with_bom(path):
        text = "\ufeff" + text
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ny", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Markdown files with front matter ---------------------------------------------------------------------------

def split_markdown(text: str) -> tuple[str, str]:
    """The front matter's YAML and the Markdown body."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    match = re.match(r"^---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        return "", text
    return match.group(1) or "", text[match.end():]


def read_front(text: str) -> CommentedMap:
    front, _ = split_markdown(text)
    data = YAML(typ="rt").load(front) if front.strip() else None
    return data if isinstance(data, CommentedMap) else CommentedMap()


def markdown_text(original: str, specs: Sequence[Spec], data: Mapping[str, Any], body: str) -> str:
    """The Markdown file with its front matter changed to `data` (comments and order kept) and the new body."""
    front = read_front(original)
    merge(front, specs, data)
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    body = body.replace("\r\n", "\n").strip("\n")
    text = f"---\n{_dump(yaml, front)}---\n" + (f"{body}\n" if body else "")
    return text.replace("\n", "\r\n") if "\r\n" in original else text


def entry_lines(text: str, index: int) -> range:
    """The 1-based lines of entry `index` (-1: the last) of a list file, its trailing comments included."""
    data = _yaml(text).load(text)
    if not isinstance(data, CommentedSeq) or not data:
        return range(0)
    starts = _starts(data)
    index = index % len(starts)
    end = starts[index + 1] if index + 1 < len(starts) else text.count("\n") + 1
    return range(starts[index] + 1, end + 1)
