"""Publishing from the browser (filled in below)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .web import Request, Response

if TYPE_CHECKING:
    from .app import Editor


def publish_page(editor: Editor, request: Request) -> Response:
    return editor.not_found()
