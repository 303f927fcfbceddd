"""The coordinator's editor in the preview server, at /redigera/: forms made from the content models, the full
check before anything is written, round-trip YAML writes and publishing with git.

It exists only in `sitegen serve`: nothing of it is in the built site. serve.py hands it every request
under EDITOR_PATH through `respond`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ..memos import MarkdownMemo
from .web import SECURITY_HEADERS, Request, Response, body_limit, parse_body

if TYPE_CHECKING:
    from .app import Editor

EDITOR_PATH = "/redigera/"


def owns(path: str) -> bool:
    return path == EDITOR_PATH.rstrip("/") or path.startswith(EDITOR_PATH)


class EditorSlot:
    """The one editor (one session token) of a preview server, made at its first request; the preview holds it."""

    def __init__(self, content: Path, templates: Path, today: dt.date | None, markdown: MarkdownMemo | None) -> None:
        self._made: Editor | None = None
        self._lock = threading.Lock()
        self._args = (content, templates, today, markdown)

    def get(self) -> Editor:
        from .app import Editor

        with self._lock:
            if self._made is None:
                self._made = Editor(*self._args)
            return self._made


def respond(handler: http.server.BaseHTTPRequestHandler, preview: Any) -> None:
    """Answers one request to the editor (the preview's `editor` slot) on the preview server's handler."""
    parts = urlsplit(handler.path)
    headers = {k: v for k, v in handler.headers.items()}
    request = Request(handler.command, parts.path, parse_qs(parts.query), headers)
    response = _read_body(handler, request)
    if response is None:
        port = int(handler.server.server_address[1])  # type: ignore[index]  # an IPv4 (host, port) pair
        response = preview.editor.get().handle(request, port)
    _send(handler, response)


def _read_body(handler: http.server.BaseHTTPRequestHandler, request: Request) -> Response | None:
    if request.method != "POST":
        return None
    content_type = handler.headers.get("Content-Type", "")
    length = handler.headers.get("Content-Length", "")
    if not length.isdigit():
        return Response(411, "Formuläret saknar längd. Försök igen.".encode(), "text/plain; charset=utf-8")
    if int(length) > body_limit(content_type):
        handler.close_connection = True
        return Response(413, "Det som skickades är för stort. En bilaga får vara högst 50 MB.".encode(),
                        "text/plain; charset=utf-8")
    request.form, request.files = parse_body(content_type, handler.rfile.read(int(length)))
    return None


def _send(handler: http.server.BaseHTTPRequestHandler, response: Response) -> None:
    handler.send_response(response.status)
    handler.send_header("Content-Type", response.content_type)
    handler.send_header("Content-Length", str(len(response.body)))
    for name, value in [*SECURITY_HEADERS, *response.headers]:
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(response.body)
