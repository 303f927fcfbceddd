"""The attachments page: upload a file into content/files/ and see the exact link to paste into a text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import store
from .files import MAX_UPLOAD_BYTES, upload_problem
from .lists import attachments
from .web import Request, Response, redirect

if TYPE_CHECKING:
    from .app import Editor


def files_page(editor: Editor, request: Request, error: str = "", status: int = 200) -> Response:
    if request.method == "POST":
        return _upload(editor, request)
    names = attachments(editor.content)
    saved = request.arg("sparat")
    return editor.page("bilagor.html", status, files=names, saved=saved if saved in names else "", error=error,
                       limit=MAX_UPLOAD_BYTES // (1024 * 1024))


def _upload(editor: Editor, request: Request) -> Response:
    upload = request.files.get("fil")
    if upload is None or not upload.filename:
        return _again(editor, "Välj en fil att ladda upp.")
    problem = upload_problem(upload.filename, upload.data)
    if problem:
        return _again(editor, problem)
    from .files import safe_name

    with editor.lock:
        folder = editor.content / "files"
        name = safe_name(upload.filename, set(attachments(editor.content)))
        store.write_atomically(folder / name, upload.data)
    return redirect(f"/redigera/bilagor/?sparat={name}")


def _again(editor: Editor, error: str) -> Response:
    get = Request("GET", "/redigera/bilagor/", {}, {})
    return files_page(editor, get, error, 400)
