"""Validate stage: checks loaded data against the declared models and the content's cross-references.

Every problem becomes a Swedish `Problem` with file, line and field; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .load import Document, Loc
from .schema import Model
from .yamlhints import missing_space

M = TypeVar("M", bound=BaseModel)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` Menade du ”x”?` for the closest choice, or nothing when none is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" Menade du ”{lowered[match[0]]}”?" if match else ""


def _field_label(loc: Loc) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]") if parts else None
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The nested model class that holds the last key of `loc` (for field lists and descriptions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            info = next((f for f in current.model_fields.values() if f.alias == part), None)
        if info is None:
            return None
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for cand in candidates:
            for inner in (cand, *getattr(cand, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    current = inner
                    break
            else:
                continue
            break
        else:
            return None
    return current if isinstance(current, type) else None


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _description(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return ""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.description or ""
    return ""


def _translate(error: Any, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    key = str(loc[-1]) if loc and not isinstance(loc[-1], int) else ""
    holder = _model_at(model, loc) if key else None
    if kind.startswith("sitegen_"):
        return str(error["msg"])
    if kind == "missing":
        about = _description(holder, key)
        return f"Fältet ”{key}” saknas. Lägg till det{': ' + about if about else '.'}"
    if kind == "extra_forbidden":
        allowed = _field_names(holder)
        hint = did_you_mean(key, allowed)
        return (f"Fältet ”{key}” finns inte här.{hint} Tillåtna fält är: {', '.join(allowed)}."
                if allowed else f"Fältet ”{key}” finns inte här.")
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " eller ")
        return f"Värdet ”{error.get('input')}” går inte att använda. Tillåtna värden: {expected}."
    if kind in ("string_type", "string_sub_type"):
        return "Här ska det stå en text. Sätt texten inom citattecken om den ser ut som ett tal eller datum."
    if kind == "string_too_short":
        return "Fältet är tomt. Skriv en text eller ta bort fältet."
    if kind == "too_short":
        return f"Listan måste ha minst {ctx.get('min_length', 1)} rad(er)."
    if kind in ("list_type", "tuple_type"):
        return "Här ska det stå en lista: en rad per värde som börjar med ”- ”, eller [a, b]."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "Här ska det stå fält med namn och värde (namn: värde), inte en lista eller en text."
    if kind in ("bool_type", "bool_parsing"):
        return "Skriv true (ja) eller false (nej)."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Här ska det stå ett heltal, till exempel 3."
    if kind == "greater_than_equal":
        return f"Talet måste vara minst {ctx.get('ge')}."
    if kind == "string_pattern_mismatch":
        about = _description(holder, key)
        return f"Värdet har fel form. {about}".strip()
    return f"Värdet går inte att använda ({error['msg']})."


def check_model(doc: Document, model: type[M], data: Any, loc: Loc, problems: list[Problem]) -> M | None:
    """Validates `data` (found at `loc` in `doc`) as `model`; adds a Problem per error."""
    if isinstance(data, str):  # "title:Samtal" is one text to YAML, not a field: say so on its line
        hint = missing_space(data.split("\n"), 0)
        if hint is not None:
            problems.append(Problem(doc.name, doc.line(loc), None, f"Fälten går inte att läsa. {hint.advice}"))
            return None
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = tuple(error["loc"])
            if error["type"] == "missing" or (where and where[-1] == "__root__"):
                line = doc.line((*loc, *where[:-1]))
            else:
                line = doc.line((*loc, *where))
            problems.append(Problem(doc.name, line, _field_label(where) or None, _translate(error, model, where)))
        return None
    _remember_lines(doc, obj, loc, data)
    return obj


def _remember_lines(doc: Document, obj: Any, loc: Loc, data: Any) -> None:
    """Gives `obj` and every model nested in it (a law's excerpts) its file, its line and its fields' lines."""
    if not isinstance(obj, Model):
        return
    obj._source = (doc.name, doc.line(loc) or 1)
    obj._lines = _field_lines(doc, loc, data)
    for name, info in type(obj).model_fields.items():
        key = info.alias or name
        value, raw = getattr(obj, name), data.get(key) if isinstance(data, dict) else None
        if isinstance(value, Model):
            _remember_lines(doc, value, (*loc, key), raw)
        elif isinstance(value, list) and isinstance(raw, list):
            for index, (item, raw_item) in enumerate(zip(value, raw, strict=False)):
                _remember_lines(doc, item, (*loc, key, index), raw_item)


def _field_lines(doc: Document, loc: Loc, data: Any, prefix: str = "") -> dict[str, int]:
    """The line of every key (and list item) under `loc`, as "repeat.except.0" -> line, for later cross-checks."""
    lines: dict[str, int] = {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        name = f"{prefix}{key}"
        step = str(key) if isinstance(data, dict) else key
        line = doc.lines.get((*loc, step))
        if line:
            lines[name] = line
        if isinstance(value, (dict, list)):
            lines.update(_field_lines(doc, (*loc, step), value, name + "."))
    return lines


def check_list(doc: Document, model: type[M], problems: list[Problem]) -> list[M]:
    """Validates a file whose top level is a list of `model` entries."""
    if not isinstance(doc.data, list):
        problems.append(Problem(doc.name, 1, None, "Filen ska vara en lista: varje post börjar med ”- ” "
                                "längst till vänster."))
        return []
    out = []
    for index, entry in enumerate(doc.data):
        obj = check_model(doc, model, entry, (index,), problems)
        if obj is not None:
            out.append(obj)
    return out


def check_mapping(doc: Document, model: type[M], problems: list[Problem]) -> M | None:
    if isinstance(doc.data, str) and missing_space(doc.data.split("\n"), 0):
        return check_model(doc, model, doc.data, (), problems)  # "title:Samtal" alone
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.name, 1, None, "Filen ska innehålla fält med namn och värde "
                                "(namn: värde), inte en lista."))
        return None
    return check_model(doc, model, doc.data, (), problems)


def check_unique(items: Sequence[Any], key: str, what: str, problems: list[Problem]) -> None:
    """Reports every repeated `key` value, pointing at the first use."""
    seen: dict[str, tuple[str, int]] = {}
    for item in items:
        value = getattr(item, key)
        file, line = item.source
        if value in seen:
            first_file, first_line = seen[value]
            problems.append(Problem(file, line, key, f"{what} ”{value}” används redan i {first_file}, "
                                    f"rad {first_line}. Varje {key} måste vara unikt; välj ett annat."))
        else:
            seen[value] = (file, line)
