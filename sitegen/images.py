"""Images in the coordinator's Markdown: only files from content/files/, published with their width and height.

The size is read from the image file's header with Pillow (already needed by WeasyPrint); width and height
in the HTML let the browser keep the image's place while it loads, so the text does not jump.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
PREFIX = "/files/"


class Unreadable(ValueError):
    """The file is not an image of a format browsers show, or not the format its name says."""


def read_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from the file's header; raises Unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            kind, width, height = opened.format, opened.width, opened.height
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Unreadable(str(exc)) from None
    if kind != FORMATS.get(path.suffix.lower()):
        raise Unreadable(f"the file is {kind}")
    return int(width), int(height)


def size_of(content_dir: Path, src: str) -> tuple[int, int] | None:
    """The size of the image `src` ("/files/bild.png") in `content_dir`, or None when it cannot be read.

    The model reads each image once (SiteModel.image_sizes); pages and the PDF ask it.
    """
    if not src.startswith(PREFIX):
        return None
    path = content_dir / "files" / src[len(PREFIX):]
    try:
        return read_size(path) if path.is_file() else None
    except (Unreadable, OSError):
        return None
