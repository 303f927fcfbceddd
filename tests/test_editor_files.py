"""The editor reads content/ as the build does (sitegen/contentfs.py): a named pipe (FIFO) where a page, a news
item, an attachment, an events file or site.yaml should be never makes an editor request wait forever, and is
never listed or opened as if it were a file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from conftest import TEMPLATES

from sitegen.cms.app import Editor
from sitegen.cms.web import Request, Response

PORT = 8000
TODAY = dt.date(2026, 3, 1)
PIPES = ("pages/ko.md", "news/2026-03-01-ko.md", "files/ko.pdf", "events/2027.yaml")


def _pipe(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _release(path: Path) -> None:
    """Ends a read that is waiting on the pipe (so a failing test does not leave a thread hanging)."""
    with contextlib.suppress(OSError):  # nobody is reading it
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def _answer(editor: Editor, path: str, pipes: list[Path]) -> Response:
    """The editor's answer to a GET, or a failure when it is still waiting after 20 seconds."""
    answers: list[Response] = []
    request = Request("GET", path, {}, {"Host": f"127.0.0.1:{PORT}"})
    worker = threading.Thread(target=lambda: answers.append(editor.handle(request, PORT)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    waiting = worker.is_alive()
    for pipe in pipes:
        _release(pipe)
    assert not waiting, f"{path} waits on a named pipe"
    return answers[0]


@pytest.fixture
def piped(scratch_project) -> tuple[Editor, list[Path]]:
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\nText.\n")
    scratch_project.write("news/2026-02-01-start.md", "---\ntitle: Nätverket startar\ndate: 2026-02-01\n"
                                                     "summary: Kort.\n---\nText.\n")
    scratch_project.write("files/program.pdf", b"%PDF-1.4\n%%EOF\n")
    (scratch_project.content / "site.yaml").unlink()
    pipes = [scratch_project.content / rel for rel in (*PIPES, "site.yaml")]
    for pipe in pipes:
        _pipe(pipe)
    return Editor(scratch_project.content, TEMPLATES, TODAY), pipes


def test_the_editors_start_page_lists_the_files_and_not_the_pipes(piped):
    editor, pipes = piped
    answer = _answer(editor, "/redigera/", pipes)
    page = answer.body.decode("utf-8")
    assert answer.status == 200
    assert "Om oss" in page and "Nätverket startar" in page and "1 bilaga." in page  # program.pdf, not the pipe
    assert "/sidor/andra/ko/" not in page and "2026-03-01-ko" not in page


def test_every_editor_page_answers_beside_pipes(piped):
    editor, pipes = piped
    for path in ("/redigera/handelser/ny/", "/redigera/foreningar/ny/", "/redigera/sidor/ny/",
                 "/redigera/handelser/andra/mote-1/", "/redigera/foreningar/andra/forening-a/"):
        assert _answer(editor, path, pipes).status == 200, path
    files = _answer(editor, "/redigera/bilagor/", pipes).body.decode("utf-8")
    assert "program.pdf" in files and "ko.pdf" not in files
    for path in ("/redigera/sidor/andra/ko/", "/redigera/nyheter/andra/2026-03-01-ko/"):  # never opened as a text
        assert _answer(editor, path, pipes).status == 404, path
