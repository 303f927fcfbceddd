"""Attachments uploaded in the editor: a safe file name in content/files/, checked by the project's attachment
rules (sitegen/attachments.py), the same the build applies to every file in content/files/."""

from __future__ import annotations

from pathlib import Path

from ..attachments import MAX_BYTES, check_attachment
from ..scaffold import slugify, unique

MAX_UPLOAD_BYTES = MAX_BYTES


def safe_name(filename: str, taken: set[str]) -> str:
    """"Protokoll Mars 2026.PDF" -> "protokoll-mars-2026.pdf", with -2 added when that name is taken."""
    base = Path(filename.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = ext.lower()
    stems = {Path(n).stem for n in taken if n.endswith("." + ext)}
    return f"{unique(slugify(stem), stems)}.{ext}" if ext else unique(slugify(stem), taken)


def upload_problem(filename: str, data: bytes) -> str | None:
    """Why this file cannot be an attachment (in Swedish), or None when it can."""
    name = safe_name(filename, set())
    problems = check_attachment(name, data)
    return " ".join(problems) if problems else None
