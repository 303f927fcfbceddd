"""Static renderer: the stylesheet and other assets, and the coordinator's attachments, as they are."""

from __future__ import annotations

from collections.abc import Iterator

from . import Context, Output


def render(ctx: Context) -> Iterator[Output]:
    static = ctx.templates / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            yield f"static/{path.relative_to(static).as_posix()}", path.read_bytes()
    files = ctx.model.content_dir / "files"
    for name in ctx.model.files:
        yield f"files/{name}", (files / name).read_bytes()
