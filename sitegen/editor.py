"""Editor support: a JSON Schema per YAML content file, made from the same models the validator uses.

An editor with the YAML language server reads the schema named in the file's first lines,
`# yaml-language-server: $schema=../schemas/site.schema.json`, and shows completion, the field
descriptions and errors while the coordinator types.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from . import schema
from .contents import CONTENT, schema_of
from .errors import Problem

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Schema name (the model, and -list for a file that is a list of them) -> (the content, its title for the editor).
SCHEMAS: dict[str, tuple[Any, str]] = {
    "site": (schema.Site, "content/site.yaml: webbplatsens inställningar"),
    "association-list": (list[schema.Association], "content/associations.yaml: föreningarna"),
    "event-list": (list[schema.Event], "content/events/ÅÅÅÅ.yaml: kalenderns händelser"),
    "step-list": (list[schema.Step], "content/delaktighetstrappa.yaml: trappans steg, nedifrån och upp"),
    "law-list": (list[schema.Law], "content/laws.yaml: lagtexter"),
    "question-list": (list[schema.Question], "content/checklist.yaml: checklistans frågor"),
    "definition-list": (list[schema.Definition], "content/definitions.yaml: begrepp och förklaringar"),
}

# Content file (relative to content/, a glob) -> the schema that describes it (from the one table of content files).
FILES = {kind.pattern: kind.schema for kind in CONTENT if kind.schema}

_COMMENT = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")


def file_name(name: str) -> str:
    return f"{name}.schema.json"


def generate() -> dict[str, str]:
    """Every schema as file name -> JSON text, exactly as committed in schemas/."""
    out = {}
    for name, (content, title) in SCHEMAS.items():
        body = TypeAdapter(content).json_schema(by_alias=True, mode="validation")
        document = {"$schema": SCHEMA_DIALECT, **body, "title": title}
        out[file_name(name)] = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return out


def write(folder: Path) -> list[str]:
    """Writes the schemas into `folder`; returns the names of the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in generate().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale(folder: Path) -> list[str]:
    """Names of schemas in `folder` that are missing or differ from what the models give."""
    return [name for name, text in generate().items()
            if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text]


def expected_schema(relative: str) -> str | None:
    """The schema name for a content file given relative to content/ ("events/2026.yaml")."""
    return schema_of(relative)


def schema_comment(text: str) -> tuple[int, str] | None:
    """(line, target) of the `# yaml-language-server: $schema=…` comment among the file's first lines."""
    for index, row in enumerate(text.split("\n")[:10]):
        match = _COMMENT.match(row.strip())
        if match:
            return index + 1, match.group(1)
    return None


def check_comment(path: Path, text: str, name: str, content_dir: Path) -> Problem | None:
    """A warning when the file's schema comment points to a schema that does not exist or does not fit."""
    found = schema_comment(text)
    if found is None:
        return None
    line, target = found
    if re.match(r"^[a-z]+://", target):
        return None  # a published address; the editor fetches it
    expected = expected_schema(path.relative_to(content_dir).as_posix())
    resolved = (path.parent / target).resolve()
    if not resolved.is_file():
        return Problem(name, line, None, f"Kommentaren pekar på schemat ”{target}”, men det finns inte. Skriv "
                       f"$schema=…/schemas/{file_name(expected or 'site')} med rätt antal ../ före, eller kör "
                       "`sitegen schema`.", severity="varning")
    if expected and resolved.name != file_name(expected):
        return Problem(name, line, None, f"Kommentaren pekar på {resolved.name}, men den här filen beskrivs av "
                       f"{file_name(expected)}. Byt namnet i kommentaren.", severity="varning")
    return None
