"""A fast path for reading YAML: libyaml's C parser, resolved by YAML 1.2 rules exactly as load.py's ruamel path.

Only the parser's events are used (never PyYAML's YAML 1.1 resolver or constructor): each plain scalar gets
the tag ruamel's YAML 1.2 resolver gives it. Whenever a document holds anything this module does not
reproduce exactly as ruamel does (tabs, anchors and aliases, explicit tags, merge keys, floats, unusual integers,
duplicate keys, complex keys, several documents) or libyaml reports an error, `parse` returns None and
the caller reads the document with ruamel instead, which also words the error messages.
"""

from __future__ import annotations

import re
from typing import Any

Loc = tuple[str | int, ...]

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_PLAIN_INT = re.compile(r"^[-+]?[0-9]+$")
_STR = "tag:yaml.org,2002:str"
# First characters of every YAML 1.2 implicit resolver in ruamel (bool, float, int, merge, null, timestamp, value).
_FIRST = frozenset("tTfF-+0123456789.<~nN=!&*")


class _Fallback(Exception):
    pass


def _resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver(version=(1, 2))


_state: dict[str, Any] = {}


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _Fallback
    value: str = event.value
    if event.style:  # quoted or block: always text (plain is "")
        return value
    if value and value[0] not in _FIRST:  # ruamel looks up resolvers by first character; none start so
        return value
    resolver = _state.get("resolver")
    if resolver is None:
        from ruamel.yaml.nodes import ScalarNode

        resolver = _state["resolver"] = _resolver()
        _state["node"] = ScalarNode
    tag = resolver.resolve(_state["node"], value, (True, False))
    if tag == _STR or tag == "tag:yaml.org,2002:timestamp":  # dates stay text, as in load.py
        return value
    if tag == "tag:yaml.org,2002:null" and _NULL.match(value):
        return None
    if tag == "tag:yaml.org,2002:bool" and _BOOL.match(value):
        return value[0] in "tT"
    if tag == "tag:yaml.org,2002:int" and _PLAIN_INT.match(value):
        return int(value)
    raise _Fallback  # floats, octal, underscores, merge keys: ruamel knows best


def parse(text: str, line_offset: int = 0) -> tuple[Any, dict[Loc, int]] | None:
    """(data, lines) as load.parse_yaml gives them, or None when ruamel must read the text."""
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:
        return None
    if "\t" in text:
        return None  # libyaml accepts some tabs that ruamel (rightly) rejects with a message we explain
    lines: dict[Loc, int] = {(): 1 + line_offset}
    loader = CSafeLoader(text)
    try:
        events = _events(loader)
        if type(next(events)).__name__ != "StreamStartEvent":
            return None
        first = next(events)
        if isinstance(first, yaml.StreamEndEvent):
            return None, lines
        if not isinstance(first, yaml.DocumentStartEvent) or first.explicit or first.version or first.tags:
            return None
        data = _node(next(events), events, (), lines, line_offset)
        if not isinstance(next(events), yaml.DocumentEndEvent) or not isinstance(next(events), yaml.StreamEndEvent):
            return None
        return data, lines
    except (_Fallback, yaml.YAMLError, StopIteration, RecursionError):
        return None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def _events(loader: Any) -> Any:
    while loader.check_event():
        yield loader.get_event()


def _node(event: Any, events: Any, loc: Loc, lines: dict[Loc, int], offset: int) -> Any:
    import yaml

    if isinstance(event, yaml.ScalarEvent):
        return _scalar(event)
    if isinstance(event, yaml.MappingStartEvent):
        if event.anchor is not None or event.tag is not None:
            raise _Fallback
        out: dict[str, Any] = {}
        while True:
            key_event = next(events)
            if isinstance(key_event, yaml.MappingEndEvent):
                return out
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _Fallback  # a complex key
            key = str(_scalar(key_event))
            if key in out:
                raise _Fallback  # duplicate key: ruamel words the error
            lines[(*loc, key)] = key_event.start_mark.line + 1 + offset
            out[key] = _node(next(events), events, (*loc, key), lines, offset)
    if isinstance(event, yaml.SequenceStartEvent):
        if event.anchor is not None or event.tag is not None:
            raise _Fallback
        items: list[Any] = []
        while True:
            item_event = next(events)
            if isinstance(item_event, yaml.SequenceEndEvent):
                return items
            index = len(items)
            lines[(*loc, index)] = item_event.start_mark.line + 1 + offset
            items.append(_node(item_event, events, (*loc, index), lines, offset))
    raise _Fallback  # an alias, or anything else unexpected
