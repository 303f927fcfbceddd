"""The line and the advice for a YAML syntax error, read from the text around where the parser gave up.

The parser often notices a mistake a line or two after it was made (`title:Samtal` is seen on the next
line) and words it for parsers. This module looks at the lines as the coordinator wrote them and names the
line of the mistake with advice that fits it: a missing space after a colon, a field indented too far or
not far enough, a list item's dash in the wrong place, a quote that is never closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "title:Samtal" or "- id:mote": a field name, a colon and no space. Not "https://", not "10:30".
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*):(?![\s/])(\S.*)$")
_KEY = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][A-Za-z0-9_]*):(\s|$)")
_BLOCK_START = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


@dataclass(frozen=True)
class Hint:
    line: int  # 1-based line in the text
    advice: str


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _content_rows(rows: list[str]) -> list[tuple[int, str]]:
    """(index, row) of the rows that are not blank, not comments and not inside a block text (`|` or `>`)."""
    found: list[tuple[int, str]] = []
    block_indent: int | None = None
    for index, row in enumerate(rows):
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        if block_indent is not None:
            if _indent(row) > block_indent:
                continue
            block_indent = None
        found.append((index, row))
        if _BLOCK_START.search(row):
            block_indent = _indent(row) + (2 if row.lstrip().startswith("- ") else 0)
    return found


def missing_space(rows: list[str], upto: int) -> Hint | None:
    """The last `field:value` without a space after the colon, on or before the 0-based line `upto`."""
    for index, row in reversed(_content_rows(rows[: upto + 1])):
        match = _NO_SPACE.match(row)
        if match:
            lead, key, value = match.groups()
            return Hint(index + 1, f"Efter kolonet i ”{key}:{value}” saknas ett mellanslag, så YAML läser inte "
                        f"{key} som ett fält. Skriv ett mellanslag efter kolonet: {lead.strip()}{' ' if lead.strip() else ''}"
                        f"{key}: {value}")
    return None


def _previous(rows: list[str], index: int) -> tuple[int, str] | None:
    before = [(i, r) for i, r in _content_rows(rows) if i < index]
    return before[-1] if before else None


def _first_item(rows: list[str]) -> tuple[int, str] | None:
    """The first list item of a file that is a list (its dash sets where every item starts)."""
    content = _content_rows(rows)
    if content and content[0][1].lstrip().startswith("- "):
        return content[0]
    return None


def indentation(rows: list[str], index: int, colon_column: int | None) -> Hint | None:
    """Advice for an error on the 0-based line `index` that comes from its indentation."""
    if not 0 <= index < len(rows):
        return None
    row = rows[index]
    key = _KEY.match(row)
    item = _first_item(rows)
    previous = _previous(rows, index)
    dashes = [(i, r) for i, r in _content_rows(rows[:index]) if r.lstrip().startswith("- ")]
    opens_list = previous is not None and previous[1].rstrip().endswith(":")
    if key and key.group(2) and dashes and _indent(row) not in {_indent(r) for _, r in dashes} and not opens_list:
        line, sibling = dashes[-1]
        return Hint(index + 1, f"Raden börjar med ett bindestreck, alltså en ny post i listan, men bindestrecket står "
                    f"{_indent(row)} mellanslag in. Posterna i listan börjar {_indent(sibling)} mellanslag in (som på "
                    f"rad {line + 1}). Flytta bindestrecket dit, eller ta bort det om raden hör till posten ovanför.")
    if key and not key.group(2) and item and _indent(row) == _indent(item[1]) and index > item[0]:
        return Hint(index + 1, f"Raden står lika långt till vänster som listans bindestreck men saknar själv ”- ”. "
                    f"Börjar en ny post här, skriv - först: - {row.strip()}. Hör raden till posten ovanför, skriv "
                    f"{_indent(item[1]) + 2} mellanslag före den.")
    if key is None or previous is None:
        return None
    above = previous[1]
    own = _indent(row)
    wanted = _indent(above) + (2 if above.lstrip().startswith("- ") else 0)
    first_colon = colon_column is None or colon_column == len(key.group(0).rstrip()) - 1
    if own > wanted and first_colon and not above.rstrip().endswith(":"):
        return Hint(index + 1, f"Raden har fel indrag: {own} mellanslag före ”{key.group(3)}”, men fälten i "
                    f"samma post har {wanted} (som på rad {previous[0] + 1}). YAML läser då raden som en fortsättning på "
                    f"texten ovanför, och kolonet efter {key.group(3)} blir fel. Ta bort {own - wanted} mellanslag, så att "
                    "indraget blir lika för alla fält i posten.")
    if own < wanted and own % 2 != wanted % 2 or 0 < wanted - own < 2:
        return Hint(index + 1, f"Raden har fel indrag: {own} mellanslag före ”{key.group(3)}”, men fälten i "
                    f"samma post har {wanted} (som på rad {previous[0] + 1}). Skriv {wanted} mellanslag, så att "
                    "indraget blir lika för alla fält i posten.")
    return None


def unclosed_quote(rows: list[str], index: int) -> Hint | None:
    """Advice for a quote opened on the 0-based line `index` and never closed."""
    if not 0 <= index < len(rows):
        return None
    row = rows[index]
    quote = next((c for c in row.split(":", 1)[-1] if c in "\"'"), '"')
    return Hint(index + 1, f"Ett citattecken öppnas men stängs aldrig: texten börjar med {quote} men slutar inte med "
                f"{quote}. Skriv ett {quote} till i slutet av texten på samma rad, till exempel title: {quote}Möte: vår{quote}, "
                "eller ta bort det första.")


def first_use(rows: list[str], index: int, key: str) -> int | None:
    """The 1-based line where `key` first appears at the same indentation as on the 0-based line `index`."""
    if not 0 <= index < len(rows):
        return None
    own = _KEY.match(rows[index])
    column = _indent(rows[index]) + (len(own.group(2)) if own and own.group(2) else 0)
    for earlier in range(index - 1, -1, -1):
        match = _KEY.match(rows[earlier])
        if match is None:
            continue
        where = _indent(rows[earlier]) + (len(match.group(2)) if match.group(2) else 0)
        if where < column:
            return None  # the start of the post: the key is not above it
        if where == column and match.group(3) == key:
            return earlier + 1
    return None
