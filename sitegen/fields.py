"""The field tables of the coordinator's guide, generated from the models' descriptions.

`python -m sitegen.fields content/README.md` rewrites every table between the markers
`<!-- fält: Event -->` and `<!-- /fält -->`; a test checks that the guide matches the models.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import BaseModel

from . import schema

_BLOCK = re.compile(r"(<!-- fält: (\w+) -->\n)(.*?)(<!-- /fält -->)", re.DOTALL)


def table(model: type[BaseModel]) -> str:
    """A Markdown table: field, required or not, and what it means."""
    rows = ["| Fält | Måste finnas | Vad det är |", "| --- | --- | --- |"]
    for name, info in model.model_fields.items():
        rows.append(f"| `{info.alias or name}` | {'ja' if info.is_required() else 'nej'} | {info.description or ''} |")
    return "\n".join(rows) + "\n"


def fill(text: str) -> str:
    """The guide's text with every marked table regenerated."""
    return _BLOCK.sub(lambda m: m.group(1) + table(getattr(schema, m.group(2))) + m.group(4), text)


def main(path: str) -> None:
    guide = Path(path)
    guide.write_text(fill(guide.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "content/README.md")
