"""Static renderer: the stylesheet and other assets, and the coordinator's attachments, as they are."""

from __future__ import annotations

from collections.abc import Iterator

from .. import contentfs
from . import Context, Output

# Input groups this renderer reads (see sitegen/incremental.py): it is redone only when one of them changes.
DEPENDS = ("static", "files")


def render(ctx: Context) -> Iterator[Output]:
    static = ctx.templates / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            yield f"static/{path.relative_to(static).as_posix()}", path.read_bytes()
    root = ctx.model.content_dir
    for name in ctx.model.files:  # checked when the content was loaded; read again without following a link
        yield f"files/{name}", contentfs.read_bytes(root / "files" / name, root)
