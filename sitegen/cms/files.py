"""Attachments uploaded in the editor: a safe file name in content/files/ and a check of what the file is.

The check is the editor's own until the project's attachment rules (sitegen/attachments.py) exist; then
`upload_problem` should call them instead. It is the only call site.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..scaffold import slugify, unique

# Allowed kinds: documents, images, sound and video. Each with the bytes such a file begins with, so a
# program renamed to .pdf is refused. Text formats are checked as UTF-8 text instead.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",), "ods": (b"PK\x03\x04",), "odp": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",), "xls": (b"\xd0\xcf\x11\xe0",), "ppt": (b"\xd0\xcf\x11\xe0",),
    "rtf": (b"{\\rtf",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"), "webp": (b"RIFF",), "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "m4a": (), "mp4": (), "ogg": (b"OggS",), "oga": (b"OggS",), "wav": (b"RIFF",), "webm": (b"\x1a\x45\xdf\xa3",),
}
_TEXT = ("txt", "csv", "svg", "ics")
ALLOWED = tuple(sorted((*_MAGIC, *_TEXT)))
_SVG_DANGER = re.compile(rb"<script|\son\w+\s*=|javascript:|<foreignObject|<iframe|<embed|<object|xlink:href\s*=\s*[\"']"
                         rb"(?!#)|<!ENTITY", re.IGNORECASE)


def safe_name(filename: str, taken: set[str]) -> str:
    """"Protokoll Mars 2026.PDF" -> "protokoll-mars-2026.pdf", with -2 added when that name is taken."""
    base = Path(filename.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = ext.lower()
    stems = {Path(n).stem for n in taken if n.endswith("." + ext)}
    return f"{unique(slugify(stem), stems)}.{ext}" if ext else unique(slugify(stem), taken)


def upload_problem(filename: str, data: bytes, limit: int) -> str | None:
    """Why this file cannot be an attachment (in Swedish), or None when it can."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if not data:
        return "Filen är tom. Välj filen igen."
    if len(data) > limit:
        return f"Filen är {len(data) / 1e6:.1f} MB. En bilaga får vara högst {limit // 1_000_000} MB; gör den mindre."
    if ext not in ALLOWED:
        return (f"Filer av slaget ”.{ext or '(inget)'}” kan inte publiceras som bilaga. Tillåtna är dokument, bilder, "
                f"ljud och film: {', '.join('.' + e for e in ALLOWED)}.")
    magic = _MAGIC.get(ext, ())
    if ext in ("m4a", "mp4") and data[4:8] != b"ftyp" or magic and not data.startswith(magic):
        return f"Filen heter .{ext} men är inte en sådan fil. Spara den på nytt som .{ext} och försök igen."
    if ext in _TEXT:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return f"Filen heter .{ext} men är inte text i UTF-8. Spara den som UTF-8 och försök igen."
    if ext == "svg" and _SVG_DANGER.search(data):
        return "Bilden (SVG) innehåller skript eller länkar till annat. Spara den utan skript och försök igen."
    return None
