"""Pagefind's service mode (`pagefind --service`), spoken directly: pages go in from memory, the index comes back.

A warm index (the preview's) re-adds only the pages whose HTML changed: Pagefind replaces a page added
again under the same URL, in its place, so the result is byte for byte the index a fresh run makes. It has
no way to remove a page, so when the list of pages changes (one added, removed or moved) the index is made
anew from every page.

The protocol is the one the `pagefind` package's Python API speaks: each request and each answer is JSON,
base64-encoded and ended by a comma, on the program's stdin and stdout. That API is asynchronous and reads
one answer per tenth of a second (it sleeps between reads), so 1,000 pages took 100 s; here the requests
are written by one thread while this one reads the answers as fast as they come.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from ..incremental import digest
from ..parallel import child_setup


class PagefindFailed(Exception):
    """The Pagefind program stopped or answered with an error."""


class Service:
    """One running `pagefind --service`; several indexes may be made with it, one after the other."""

    def __init__(self, program: Path) -> None:
        self._process = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, preexec_fn=child_setup())  # ends with us
        self._buffer = b""
        self._next_id = 0
        self._lock = threading.Lock()  # one conversation at a time

    def _encode(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        self._next_id += 1
        message = json.dumps({"message_id": self._next_id, "payload": payload}).encode("utf-8")
        return self._next_id, base64.b64encode(message) + b","

    def _read_answer(self, stdout: IO[bytes]) -> dict[str, Any]:
        while b"," not in self._buffer:
            chunk = stdout.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                raise PagefindFailed("Pagefind slutade svara")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b",")
        answer: dict[str, Any] = json.loads(base64.b64decode(message))
        return answer

    def _write_all(self, messages: Iterable[bytes], stdin: IO[bytes]) -> None:
        try:
            for message in messages:
                stdin.write(message)
            stdin.flush()
        except (OSError, ValueError):
            pass  # the program stopped (or was stopped: its pipe is closed); the reader reports it

    def call(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The answers to `payloads`, in their order; the requests are written while the answers are read."""
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            encoded = [self._encode(p) for p in payloads]
            writer = threading.Thread(target=self._write_all, args=([m for _, m in encoded], self._process.stdin),
                                      daemon=True)
            writer.start()
            answers: dict[int | None, dict[str, Any]] = {}
            while len(answers) < len(encoded):
                answer = self._read_answer(self._process.stdout)
                answers[answer.get("message_id")] = answer["payload"]
            writer.join()
        for payload in answers.values():
            if payload.get("type") == "Error":
                raise PagefindFailed(str(payload.get("message")))
        return [answers[number] for number, _ in encoded]

    def close(self) -> None:
        if self._process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):  # the program may have stopped with bytes unread
                self._process.stdin.close()
        self._process.terminate()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


class Index:
    """One search index kept between runs: only changed pages are sent again."""

    def __init__(self, program: Path) -> None:
        self._program = program
        self._service: Service | None = None
        self._id: int | None = None
        self._pages: list[str] = []  # the paths in the index, in the order they were added
        self._digests: dict[str, str] = {}
        self.sent = 0  # pages sent on the last update (for tests and the benchmark)
        self._filling: threading.Thread | None = None  # prefill() sending the last build's pages
        self._closed = False  # once closed, a prefill still running never starts the program again

    def _fresh(self, service: Service) -> int:
        if self._id is not None:
            service.call([{"type": "DeleteIndex", "index_id": self._id}])
        self._id, self._pages, self._digests = service.call([{"type": "NewIndex", "config": None}])[0]["index_id"], [], {}
        return self._id

    def prefill(self, pages: Callable[[], list[tuple[str, bytes]]]) -> None:
        """Starts adding `pages` (the last build's, as update() takes them) in a thread; update() waits for it.

        A build after an edit makes most pages exactly as before, so Pagefind reads them while the content is
        loaded, and only the pages that came out different are sent again once they are made.
        """
        def fill() -> None:
            try:
                self._add(pages())
            except (PagefindFailed, OSError, ValueError):  # then update() starts over, and reports what fails
                service, self._service = self._service, None
                if service is not None:
                    service.close()
                self._id, self._pages, self._digests = None, [], {}

        # Started here, not in the thread: the program is stopped when the thread that started it ends.
        self._service = self._service or Service(self._program)
        self._filling = threading.Thread(target=fill, daemon=True)
        self._filling.start()

    def _add(self, pages: list[tuple[str, bytes]]) -> int:
        """Sends the pages not in the index as they are; returns the index's id."""
        if self._service is None and self._closed:
            raise PagefindFailed("Sökindexet är stängt")
        service = self._service = self._service or Service(self._program)
        paths = [path for path, _ in pages]
        index_id = self._id if paths == self._pages and self._id is not None else self._fresh(service)
        changed = [(path, html) for path, html in pages if self._digests.get(path) != digest(html)]
        service.call([{"type": "AddFile", "index_id": index_id, "file_path": None, "url": _url(path),
                       "file_contents": html.decode("utf-8")} for path, html in changed])
        self._pages, self.sent = paths, len(changed)
        self._digests.update((path, digest(html)) for path, html in changed)
        return index_id

    def update(self, pages: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """The bundle's files (path, bytes) for `pages`, given as (path in the site, HTML) in the site's order."""
        if self._filling is not None:
            self._filling.join()
            self._filling = None
        index_id = self._add(pages)
        assert self._service is not None
        files = self._service.call([{"type": "GetFiles", "index_id": index_id}])[0]["files"]
        return [(f["path"], base64.b64decode(f["content"])) for f in sorted(files, key=lambda f: f["path"])]

    def close(self) -> None:
        """Stops Pagefind; a prefill still sending stops with it (a build that failed does not wait for it)."""
        self._closed = True
        service, self._service = self._service, None
        if service is not None:
            service.close()
        filling = self._filling
        if filling is not None and filling is not threading.current_thread():
            filling.join()
            self._filling = None


def _url(path: str) -> str:
    """The address Pagefind's own crawl gives a file: "om/index.html" -> "/om/"."""
    return "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)
