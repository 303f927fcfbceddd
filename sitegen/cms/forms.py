"""Form fields made from the content models: label, hint, kind of control and choices, one per model field.

Nothing here knows a particular model: a field added to sitegen/schema.py appears in its form by itself.
The label is the field's `title`, the hint its `description`; `x-choices` in the field's JSON Schema extra
names where the choices come from (the places of site.yaml, the associations), `x-labels` gives Swedish
words for fixed values.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

Kind = Literal["text", "markdown", "int", "checkbox", "select", "checkboxes", "lines", "group", "groups"]
# Fields the coordinator never types: the id is made from the title when an entry is new, and kept after.
NOT_IN_FORMS = frozenset({"id"})
FormData = Mapping[str, Sequence[str]]
MAX_ITEMS = 200  # items of one list of entries in a form (law excerpts): far more than any real law has


@dataclass(frozen=True)
class Spec:
    """One control of a form: its dotted name ("repeat.until"), the YAML key and what the user sees."""

    name: str
    key: str
    label: str
    hint: str
    kind: Kind
    required: bool
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for fixed values
    source: str = ""  # "places" or "associations": choices that come from the content
    children: tuple[Spec, ...] = ()
    dates: bool = False  # the value is a date (or date and time): written unquoted in YAML

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without Annotated and without `| None`; and whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return str, optional  # a date or a date and time: typed as text
            annotation = args[0]
        else:
            return annotation, optional


def _mentions_date(annotation: Any) -> bool:
    """Whether a type is, or holds, a date (a date and time is a date too)."""
    if annotation is dt.date or annotation is dt.datetime:
        return True
    return any(_mentions_date(a) for a in typing.get_args(annotation) if not isinstance(a, (str, int, dict)))


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _kind(annotation: Any, info: FieldInfo) -> tuple[Kind, Any]:
    """The control for a type, and the item type of a list."""
    if typing.get_origin(annotation) is list:
        item, _ = _unwrap(typing.get_args(annotation)[0])
        if _is_model(item):
            return "groups", item
        if typing.get_origin(item) is Literal or _extra(info).get("x-choices"):
            return "checkboxes", item
        return "lines", item
    if annotation is bool:
        return "checkbox", None
    if annotation is int:
        return "int", None
    if _is_model(annotation):
        return "group", annotation
    if typing.get_origin(annotation) is Literal or _extra(info).get("x-choices"):
        return "select", annotation
    if "Markdown" in (info.description or ""):
        return "markdown", None
    return "text", None


def _hint(info: FieldInfo, kind: Kind, item: Any) -> str:
    hint = str(_extra(info).get("x-hint") or info.description or "")
    if kind == "lines":
        hint += " Skriv en på varje rad." if item is not dt.date else " Skriv ett datum på varje rad, till exempel 2026-04-07."
    if kind == "markdown":
        hint += " En tom rad gör ett nytt stycke."
    return hint.strip()


def specs(model: type[BaseModel], prefix: str = "") -> tuple[Spec, ...]:
    """The form's controls for a model, in the model's field order."""
    found = []
    for name, info in model.model_fields.items():
        if not prefix and name in NOT_IN_FORMS:
            continue
        key = info.alias or name
        annotation, optional = _unwrap(info.annotation)
        kind, item = _kind(annotation, info)
        labels = _extra(info).get("x-labels", {})
        values = typing.get_args(item if kind == "checkboxes" else annotation) if kind in ("select", "checkboxes") else ()
        children = specs(item, f"{prefix}{key}.") if kind in ("group", "groups") else ()
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        found.append(Spec(f"{prefix}{key}", key, info.title or key, _hint(info, kind, item), kind,
                          info.is_required() and not optional, default,
                          tuple((str(v), str(labels.get(v, v))) for v in values),
                          str(_extra(info).get("x-choices", "")), children, _mentions_date(info.annotation)))
    return tuple(found)


def when_text(value: Any) -> str:
    """A value as the form shows it: dates as 2026-03-12 and 2026-03-12 18:00, lists one a line."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_form(specs_: Sequence[Spec], data: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """The form's values (name -> list of strings) from an entry as read from YAML."""
    values: dict[str, list[str]] = {}
    data = data or {}
    for spec in specs_:
        value = data.get(spec.key)
        if spec.kind == "group":
            values.update(to_form(spec.children, value if isinstance(value, Mapping) else None))
        elif spec.kind == "groups":
            for index, item in enumerate(value if isinstance(value, list) else []):
                renamed = _indexed(spec, index)
                values.update(to_form(renamed, item if isinstance(item, Mapping) else None))
        elif spec.kind == "checkboxes":
            values[spec.name] = [when_text(v) for v in value] if isinstance(value, list) else []
        elif spec.kind == "lines":
            values[spec.name] = ["\n".join(when_text(v) for v in value)] if isinstance(value, list) else [when_text(value)]
        elif spec.kind == "checkbox":
            values[spec.name] = ["on"] if value is True else []
        else:
            values[spec.name] = [when_text(value)]
    return values


def _indexed(spec: Spec, index: int) -> tuple[Spec, ...]:
    """The controls of item `index` of a list of entries: "excerpts.0.text"."""
    return tuple(_renamed(child, f"{spec.name}.{index}.", len(spec.name) + 1) for child in spec.children)


def _renamed(spec: Spec, prefix: str, cut: int) -> Spec:
    children = tuple(_renamed(c, prefix, cut) for c in spec.children)
    return Spec(prefix + spec.name[cut:], spec.key, spec.label, spec.hint, spec.kind, spec.required, spec.default,
                spec.choices, spec.source, children, spec.dates)


def group_count(spec: Spec, form: FormData) -> int:
    """How many items of a list of entries the form holds (the highest index used, plus one)."""
    head = spec.name + "."
    parts = (k[len(head):].split(".")[0] for k in form if k.startswith(head))
    indexes = [int(p) for p in parts if p.isdigit() and len(p) <= 3]  # a crafted "excerpts.99999999" is ignored
    return min(max(indexes, default=-1) + 1, MAX_ITEMS)


def one(form: FormData, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].replace("\r\n", "\n").replace("\r", "\n")


def from_form(specs_: Sequence[Spec], form: FormData) -> dict[str, Any]:
    """The entry as plain values from the posted form; empty fields are left out (the check decides)."""
    data: dict[str, Any] = {}
    for spec in specs_:
        value = _value(spec, form)
        if value not in (None, "", [], {}):
            data[spec.key] = value
        elif spec.kind == "checkbox":
            data[spec.key] = False
    return data


def _value(spec: Spec, form: FormData) -> Any:
    if spec.kind == "group":
        return from_form(spec.children, form) if _filled(spec.children, form) else None
    if spec.kind == "groups":
        items = [from_form(_indexed(spec, i), form) for i in range(group_count(spec, form))
                 if _filled(_indexed(spec, i), form)]
        return items
    if spec.kind == "checkboxes":
        return [v for v in form.get(spec.name, []) if v]
    if spec.kind == "lines":
        return [line.strip() for line in one(form, spec.name).split("\n") if line.strip()]
    if spec.kind == "checkbox":
        return one(form, spec.name) == "on"
    text = one(form, spec.name)
    if spec.kind == "markdown":
        lines = [line.rstrip() for line in text.strip("\n").split("\n")]
        return "\n".join(lines).strip()
    text = " ".join(text.split())  # one line: no stray spaces or line breaks
    if spec.kind == "int" and text.isdigit():
        return int(text)
    return text


def _filled(specs_: Sequence[Spec], form: FormData) -> bool:
    """Whether any control of a group has something in it (an unticked checkbox does not count)."""
    return any(v not in (None, "", [], {}, False) for v in from_form(specs_, form).values())


def flat(specs_: Sequence[Spec], form: FormData) -> list[Spec]:
    """Every control, depth first, with the items of lists numbered as the form has them."""
    out: list[Spec] = []
    for spec in specs_:
        if spec.kind == "group":
            out += flat(spec.children, form)
        elif spec.kind == "groups":
            for index in range(group_count(spec, form) + 1):
                out += flat(_indexed(spec, index), form)
        else:
            out.append(spec)
    return out
