"""A fast path for reading YAML: libyaml's C parser, resolved by YAML 1.2 rules exactly as load.py's ruamel path.

Only the parser's events are used (never PyYAML's YAML 1.1 resolver or constructor): each plain scalar gets
the tag ruamel's YAML 1.2 resolver gives it (the same patterns in the same order; a test compares the two).
Whenever a document holds anything this module does not reproduce exactly as ruamel does (tabs, anchors and
aliases, explicit tags, merge keys, floats, unusual integers, duplicate keys, complex keys, several documents)
or libyaml reports an error, `parse` returns None and the caller reads the document with ruamel instead, which
also words the error messages.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

Loc = tuple[str | int, ...]

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_PLAIN_INT = re.compile(r"^[-+]?[0-9]+$")
# First characters of every YAML 1.2 implicit resolver in ruamel (bool, float, int, merge, null, timestamp, value).
_FIRST = frozenset("tTfF-+0123456789.<~nN=!&*")


MAX_DEPTH = 20  # lists and fields inside each other; the deepest real content file needs five


class Declined(NamedTuple):
    """Why the fast path left a text to ruamel: the first thing in it this module does not read, and its line."""

    line: int | None  # 1-based, with the caller's line offset
    kind: str  # "tab", "number", "special" (anchor, alias, tag, complex key), "duplicate", "document", "error"
    value: str = ""  # the value, key or libyaml's own words
    context: int | None = None  # for an error: the line where what it is in began (an opening quote), if known


class _Fallback(Exception):
    def __init__(self, event: Any = None, kind: str = "special", value: str = "") -> None:
        super().__init__(kind)
        mark = getattr(event, "start_mark", None)
        self.line = int(mark.line) + 1 if mark is not None else None
        self.kind, self.value = kind, value

    def declined(self, offset: int) -> Declined:
        return Declined(self.line + offset if self.line is not None else None, self.kind, self.value)


class TooDeep(Exception):
    """Values nested deeper than MAX_DEPTH, at this 1-based line."""

    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


# ruamel's YAML 1.2 implicit resolvers (ruamel/yaml/resolver.py), in its order, each with the first characters
# it is tried for ("" for the empty value); the first that matches wins.
_RESOLVERS = [(tag, set(first), re.compile(pattern, re.X)) for tag, first, pattern in [
    ("bool", "tTfF", r"^(?:true|True|TRUE|false|False|FALSE)$"),
    ("float", "-+0123456789.", r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$"""),
    ("int", "-+0123456789", r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$"""),
    ("merge", "<", r"^(?:<<)$"),
    ("null", "~nN", r"""^(?: ~
        |null|Null|NULL
        | )$"""),
    ("timestamp", "0123456789", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"""),
    ("value", "=", r"^(?:=)$"),
    ("yaml", "!&*", r"^(?:!|&|\*)$"),
]]


def _tag(value: str) -> str:
    if not value:
        return "null"
    for tag, first, pattern in _RESOLVERS:
        if value[0] in first and pattern.match(value):
            return tag
    return "str"


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _Fallback(event)
    value: str = event.value
    if event.style:  # quoted or block: always text (plain is "")
        return value
    if value and value[0] not in _FIRST:  # ruamel looks up resolvers by first character; none start so
        return value
    tag = _tag(value)
    if tag == "str" or tag == "timestamp":  # dates stay text, as in load.py
        return value
    if tag == "null" and _NULL.match(value):
        return None
    if tag == "bool" and _BOOL.match(value):
        return value[0] in "tT"
    if tag == "int" and _PLAIN_INT.match(value):
        return int(value)
    # floats, octal, underscores, merge keys: ruamel knows best
    raise _Fallback(event, "number" if tag in ("float", "int") else "special", value)


def parse(text: str, line_offset: int = 0) -> tuple[Any, dict[Loc, int]] | None:
    """(data, lines) as load.parse_yaml gives them, or None when ruamel must read the text."""
    result = read(text, line_offset)
    return None if isinstance(result, Declined) else result


def read(text: str, line_offset: int = 0) -> tuple[Any, dict[Loc, int]] | Declined:
    """(data, lines) as load.parse_yaml gives them, or why ruamel must read the text instead."""
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:
        return Declined(None, "special")
    if "\t" in text:  # libyaml accepts some tabs that ruamel (rightly) rejects with a message we explain
        return Declined(text[: text.index("\t")].count("\n") + 1 + line_offset, "tab")
    loader = CSafeLoader(text)
    try:
        return _document(loader, _events(loader), line_offset)
    except yaml.YAMLError as exc:
        _raise_if_deep(exc, line_offset)
        lines = [int(m.line) + 1 + line_offset if m is not None else None
                 for m in (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None))]
        return Declined(lines[0] or lines[1], "error", str(getattr(exc, "problem", "") or exc), lines[1])
    except _Fallback as exc:
        return exc.declined(line_offset)
    except (StopIteration, RecursionError):
        return Declined(None, "document")
    finally:
        loader.dispose()


def _document(loader: Any, events: Any, line_offset: int) -> tuple[Any, dict[Loc, int]] | Declined:
    import yaml

    lines: dict[Loc, int] = {(): 1 + line_offset}
    if type(next(events)).__name__ != "StreamStartEvent":
        return Declined(None, "document")
    first = next(events)
    if isinstance(first, yaml.StreamEndEvent):
        return None, lines
    if not isinstance(first, yaml.DocumentStartEvent) or first.explicit or first.version or first.tags:
        return _Fallback(first, "document").declined(line_offset)
    data = _node(next(events), events, (), lines, line_offset, 0)
    if not isinstance(next(events), yaml.DocumentEndEvent):
        return Declined(None, "document")
    end = next(events)
    if not isinstance(end, yaml.StreamEndEvent):
        return _Fallback(end, "document").declined(line_offset)
    return data, lines


def _raise_if_deep(exc: Exception, offset: int) -> None:
    """libyaml stops at 1,000 levels ("exceeded maximum nesting depth"): that is our TooDeep, with its line."""
    if "nesting depth" in str(exc):
        mark = getattr(exc, "problem_mark", None)
        raise TooDeep(int(mark.line) + 1 + offset if mark is not None else None)


def check_depth(text: str, line_offset: int = 0) -> None:
    """Raises TooDeep when values nest deeper than MAX_DEPTH, reading only libyaml's events (fast, no recursion).

    Run before ruamel, whose recursive reading of a deeply nested text takes minutes and then fails. A text
    libyaml cannot read is left to ruamel, which words the error.
    """
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:
        return
    loader = CSafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise TooDeep(_line(event) + line_offset)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        _raise_if_deep(exc, line_offset)
    finally:
        loader.dispose()


def _line(event: Any) -> int:
    if event.start_mark is None:
        raise _Fallback(event)
    return int(event.start_mark.line) + 1


def _events(loader: Any) -> Any:
    while loader.check_event():
        yield loader.get_event()


def _node(event: Any, events: Any, loc: Loc, lines: dict[Loc, int], offset: int, depth: int) -> Any:
    import yaml

    if isinstance(event, yaml.ScalarEvent):
        return _scalar(event)
    if depth >= MAX_DEPTH:
        raise TooDeep(_line(event) + offset)
    if isinstance(event, yaml.MappingStartEvent):
        if event.anchor is not None or event.tag is not None:
            raise _Fallback(event)
        out: dict[str, Any] = {}
        while True:
            key_event = next(events)
            if isinstance(key_event, yaml.MappingEndEvent):
                return out
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _Fallback(key_event)  # a complex key
            key = str(_scalar(key_event))
            if key in out:
                raise _Fallback(key_event, "duplicate", key)  # ruamel words the error
            lines[(*loc, key)] = _line(key_event) + offset
            out[key] = _node(next(events), events, (*loc, key), lines, offset, depth + 1)
    if isinstance(event, yaml.SequenceStartEvent):
        if event.anchor is not None or event.tag is not None:
            raise _Fallback(event)
        items: list[Any] = []
        while True:
            item_event = next(events)
            if isinstance(item_event, yaml.SequenceEndEvent):
                return items
            index = len(items)
            lines[(*loc, index)] = _line(item_event) + offset
            items.append(_node(item_event, events, (*loc, index), lines, offset, depth + 1))
    raise _Fallback(event)  # an alias, or anything else unexpected
