"""Preview server: renders the site into memory, serves it on localhost, re-renders what a save touched.

It runs the same engine as `sitegen build` in preview mode (sitegen/engine.py): only the units whose
inputs changed are rendered again, into memory, and served from there, like `hugo server`. The slow
outputs (the PDF, the search index) follow in the background after the page has reloaded; until then
their last version is served. With an output folder (`sitegen serve --out public`) the site is also
written there, exactly as `sitegen build` writes it, after the reload.

The live reload is a small same-origin script added only to the pages this server sends; the outputs
stay exactly as `sitegen build` makes them (no JavaScript, nothing third-party). While the content has
an error, every page shows the Swedish list of errors instead of the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import html
import http.server
import mimetypes
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import cms, engine, notices
from .build import _load_site, _publish, new_session, resolve_today
from .engine import Previous
from .errors import BuildError, ContentError, Problem, SitegenError
from .incremental import Manifest, digest
from .memos import Memos
from .outdir import guard, locked, scratch
from .parallel import can_fork, fork_pool
from .render import search
from .render.headers import FILES_HEADERS
from .render.pagefind_service import Index
from .render.template_cache import MemoryBytecodeCache
from .renderers import REGISTRY, Mode, Renderer, Where

RELOAD_PATH = "/__sitegen/reload.js"
WAIT_PATH = "/__sitegen/wait"
WAIT_SECONDS = 20.0
TYPES = {".ics": "text/calendar; charset=utf-8", ".html": "text/html; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".pdf": "application/pdf",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json"}

# Long polling rather than a timer: the page asks "anything newer than version N?" and the answer comes
# the moment a rebuild finishes. If the server is gone it retries every second, so a restarted
# server (with a new version number) reloads the page too.
RELOAD_JS = """\
(function () {
  var version = document.currentScript.getAttribute("data-version");
  function wait() {
    fetch("WAIT_PATH?v=" + version, {cache: "no-store"})
      .then(function (response) { return response.text(); })
      .then(function (latest) { if (latest !== version) { location.reload(); } else { wait(); } })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
""".replace("WAIT_PATH", WAIT_PATH)


@dataclass(frozen=True)
class Outcome:
    """The result of one rebuild, for the console."""

    ok: bool
    seconds: float
    message: str
    warnings: list[str] = field(default_factory=list)


def _resources() -> dict[str, Any]:
    """What the preview keeps between runs, so a save redoes only what it touched."""
    from .incremental import ValueMemo
    from .model import FileMemo

    program = search.executable()
    kept: dict[str, Any] = {"file_memo": FileMemo(), "value_memo": ValueMemo(), "link_memo": {}, "scan_memo": {}}
    if program is not None:
        kept["search_index"] = Index(program)  # one warm search index: only changed pages are sent to it
    return kept


class Preview:
    """One preview: the last run's outputs in memory, the HTTP server and the file watcher."""

    def __init__(self, content: Path, out: Path | None, templates: Path, today: dt.date | None = None,
                 host: str = "127.0.0.1", port: int = 8000,
                 report: Callable[[Outcome], None] = lambda outcome: None) -> None:
        if out is not None:
            guard(out, content, templates)  # the preview publishes into `out` as a build does: the same rules
        self.content, self.out, self.templates, self.today = content, out, templates, today
        self.report = report
        self.version = time.time_ns()  # a restarted server has a new version, so open pages reload
        self.error: str | None = None
        self.outputs: Mapping[str, bytes] = {}  # what is served: every output of the last good run
        self.notices = notices.Notices()  # the last good build's warnings, shown on the pages they concern
        self._state: Manifest | None = None  # the last good run's build state
        self._templates_cache = MemoryBytecodeCache()  # compiled templates, kept between runs
        self._resources = _resources()
        self._memos = Memos()  # converted Markdown and the git history, kept from run to run (each keyed by its inputs)
        # The editor at /redigera/, made when first asked; its check of a save shares the converted Markdown.
        self.editor = cms.EditorSlot(content, templates, today, self._memos.markdown)
        self._generation = 0  # which run the background work belongs to
        self._lock = threading.Lock()
        self._background = ThreadPoolExecutor(max_workers=1)  # the slow outputs, then the output folder
        # The PDF's process is forked now, before any thread, and loads WeasyPrint while the site renders.
        self._processes = fork_pool(1) if can_fork() else None
        if self._processes is not None:
            self._processes.submit(engine._warm_up, next(r for r in REGISTRY if r.where is Where.PROCESS))
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []
        self.server = _Server((host, port), _handler(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def _previous(self) -> Previous:
        """The last run in memory, or at the first run the last build of the output folder, if any."""
        if self._state is not None:
            return Previous.in_memory(self._state, self.outputs)
        if self.out is not None:
            return Previous.on_disk(self.out, Manifest.load(self.out))
        return Previous.on_disk(self.content, None)

    def rebuild(self) -> Outcome:
        """Renders what changed into memory; on an error the last good site stays and the error is shown.

        The page reloads as soon as the pages are in memory; the slow outputs (the PDF, the search index)
        follow a moment later, and until then their last version is served.
        """
        started = time.perf_counter()
        try:
            session = new_session(Mode.PREVIEW, self.content, self.templates, resolve_today(self.today),
                                  self._previous(), jinja_cache=self._templates_cache, resources=self._resources,
                                  memos=self._memos)
            slow = frozenset(r.name for r in session.registry if r.slow or r.background)
            result = engine.run(session, _load_site(), deferred=slow)
            assert session.model is not None
            self.notices = notices.collect(result.warnings, session.model)  # before the pages they are about
        except Exception as exc:  # a bug must not stop the preview either; it is shown
            return self._failed(exc, started)
        self._resources["value_memo"].trim()
        generation = self._install(session, result)
        self._show(None)
        outcome = Outcome(True, time.perf_counter() - started, f"{result.pages} sidor, {result.rendered} gjorda",
                          [str(w) for w in result.warnings])
        self.report(outcome)
        self._background.submit(self._follow, generation, session, result)
        return outcome

    def _install(self, session: engine.Session, result: engine.Outcome) -> int:
        """The run's outputs become what is served."""
        outputs = dict(result.outputs)
        for rel, data in session.rendered.items():
            session.new.files[rel] = [digest(data), len(data), 0]
        with self._lock:
            self._generation += 1
            self.outputs, self._state = outputs, session.new
            return self._generation

    def _follow(self, generation: int, session: engine.Session, result: engine.Outcome) -> None:
        """In the background: the slow outputs for real, then the output folder, unless a newer run came."""
        # With an output folder, temporary files (the PDF's fonts) live in the cache beside it, like a build's;
        # the process's own temporary folder stays where it is (the editor checks saves there meanwhile).
        place = scratch(self.out) if self.out is not None else contextlib.nullcontext(None)
        try:
            with place as folder:
                if result.ctx is not None:
                    result = dataclasses.replace(result, ctx=dataclasses.replace(result.ctx, scratch=folder))
                self._catch_up(generation, session, result)
        except Exception as exc:  # noqa: BLE001 - shown like any failed run
            self._failed(exc, time.perf_counter())

    def _catch_up(self, generation: int, session: engine.Session, result: engine.Outcome) -> None:
        if self.out is not None:
            self._write(generation)  # the pages first, with the last slow outputs standing in
        for renderer in result.deferred:
            if generation != self._generation:
                return
            made, unit = self._make(session, renderer, result)
            self._install_slow(generation, renderer, made, unit)
        if self.out is not None and result.deferred:
            self._write(generation)

    def _make(self, session: engine.Session, renderer: Renderer, result: engine.Outcome
              ) -> tuple[dict[str, bytes], dict[str, Any]]:
        assert result.ctx is not None
        processes = self._processes if renderer.where is Where.PROCESS else None
        return engine.make_deferred(session, renderer, result.ctx, processes)

    def _install_slow(self, generation: int, renderer: Renderer, made: dict[str, bytes], unit: dict[str, Any]) -> None:
        with self._lock:
            if generation != self._generation or self._state is None:
                return
            state = self._state
            for rel in state.units.get(renderer.name, {}).get("outputs", []):
                state.files.pop(rel, None)
            state.units[renderer.name] = unit
            for rel, data in made.items():
                state.files[rel] = [digest(data), len(data), 0]
            outputs = {rel: data for rel, data in self.outputs.items() if rel in state.files}
            self.outputs = {**outputs, **made}

    def _write(self, generation: int) -> None:
        """The site into the output folder as `sitegen build` writes it, with its build state."""
        assert self.out is not None
        with self._lock:
            if generation != self._generation or self._state is None:
                return
            outputs, state = self.outputs, self._state
        written = Manifest(state.inputs, dict(state.units), {}, state.pages, state.warnings, state.removals,
                           state.counts)
        try:  # like a build: the folder's lock held, temporary files in the cache beside the folder
            with locked(self.out):
                on_disk = Manifest.load(self.out) or Manifest()
                _publish(self.out, on_disk, written, dict(outputs), on_disk.intact(self.out) if on_disk.files else set())
                written.save(self.out)
        except OSError as exc:
            raise BuildError(f"Förhandsvisningen kunde inte skriva till {self.out}: {exc.strerror or exc}.") from exc

    def _failed(self, exc: Exception, started: float) -> Outcome:
        if isinstance(exc, ContentError):
            errors = [p for p in exc.problems if p.severity == "fel"]
            text = "\n".join([f"Innehållet har {len(errors)} fel; förhandsvisningen visar dem i stället för webbplatsen:",
                              *(f"  {p}" for p in exc.problems),
                              "Rätta och spara filen, så byggs webbplatsen om av sig själv."])
            page = error_page(exc.problems, out=self.out)
        else:
            text = exc.show() if isinstance(exc, SitegenError) else \
                f"Ett oväntat fel i generatorn: {type(exc).__name__}: {exc}"
            page = error_page([], text, out=self.out)
        outcome = Outcome(False, time.perf_counter() - started, text)
        self._show(page)
        self.report(outcome)
        return outcome

    def _show(self, error: str | None) -> None:
        """Publishes the new state: open pages reload to the site, or to the error list."""
        with self._changed:
            self.error = error
            self.version += 1
            self._changed.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self._stop.is_set(), timeout)
            return self.version

    def wait_for_background(self) -> None:
        """Until the slow outputs and the output folder have caught up with the last run (for tests, benchmarks)."""
        self._background.submit(lambda: None).result()

    def _watch(self) -> None:
        import watchfiles

        paths = [p for p in (self.content, self.templates) if p.exists()]
        # The first (empty) yield after a short timeout tells start() that the watcher is in place.
        for changes in watchfiles.watch(*paths, stop_event=self._stop, step=50, debounce=800, rust_timeout=100,
                                        yield_on_timeout=True, raise_interrupt=False):
            self._watching.set()
            if changes:
                self.rebuild()

    def start(self) -> Outcome:
        """The watcher, then the first build (so no save is missed), then the server; in background threads."""
        self._spawn(self._watch)
        self._watching.wait(timeout=10)
        outcome = self.rebuild()
        if self.out is not None:
            self.wait_for_background()  # the output folder is complete before anyone is told it is there
        self._spawn(self.server.serve_forever)
        return outcome

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._threads:  # serve_forever runs only after start(); shutdown() would wait for it forever
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        self._background.shutdown(wait=True, cancel_futures=True)
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)
        if "search_index" in self._resources:
            self._resources["search_index"].close()


ERROR_STYLE = """\
body { font: 1.05rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { color: #a3141c; }
li { border-left: 4px solid #a3141c; padding: .2rem .8rem; margin: 0 0 1rem; background: #fdf1f1; }
li p { margin: .3rem 0; }
pre { white-space: pre-wrap; background: #fdf1f1; padding: .8rem; }
"""


def error_page(problems: list[Problem], text: str = "", out: Path | None = None) -> str:
    """The page shown instead of the site while it cannot be built."""
    errors = [p for p in problems if p.severity == "fel"]
    if problems:
        count = "1 fel" if len(errors) == 1 else f"{len(errors)} fel"
        lead = f"Innehållet har {count}. Rätta felen och spara filen, så visas webbplatsen igen av sig själv."
        rows = "\n".join(
            f'<li><p class="where"><strong>{html.escape(p.file)}</strong>'
            f'{f", rad {p.line}" if p.line else ""}{f", fältet ”{html.escape(p.field)}”" if p.field else ""}'
            f'{" (varning)" if p.severity != "fel" else ""}</p><p>{html.escape(p.message)}</p></li>'
            for p in problems)
        body = f"<ol>\n{rows}\n</ol>"
    else:
        lead = "Webbplatsen gick inte att bygga. Rätta felet och spara filen, så visas webbplatsen igen av sig själv."
        body = f"<pre>{html.escape(text)}</pre>"
    kept = (f"Den förra fungerande versionen av webbplatsen finns kvar i mappen {html.escape(out.name)}/."
            if out is not None else "Den förra fungerande versionen visas igen när felet är rättat.")
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fel i innehållet – förhandsvisning</title>
<style>
{ERROR_STYLE}</style>
</head>
<body>
<main>
<h1>Webbplatsen kan inte visas just nu</h1>
<p>{lead}</p>
{body}
<p>{kept}</p>
</main>
</body>
</html>
"""


def inject(page: str, version: int) -> str:
    """The page with the reload script added before </body> (only in what the preview server sends)."""
    tag = f'<script src="{RELOAD_PATH}" data-version="{version}"></script>\n'
    index = page.rfind("</body>")
    return page[:index] + tag + page[index:] if index >= 0 else page + tag


# What the preview answers when it cannot serve a request; short, Swedish, never a traceback.
ERRORS = {
    400: "Adressen går inte att läsa. Kontrollera att den är rätt skriven.",
    404: "Sidan eller filen finns inte i förhandsvisningen.",
    405: "Förhandsvisningen tar inte emot det här slaget av förfrågan här.",
    414: "Adressen är för lång.",
    403: "Förhandsvisningen svarar bara på adresser på den här datorn: http://127.0.0.1:{port}/ eller "
         "http://localhost:{port}/.",
    431: "Förfrågan har för långa huvuden.",
    500: "Något gick fel i förhandsvisningen när sidan skulle visas. Försök igen; syns felet igen, starta om "
         "förhandsvisningen.",
    501: "Förhandsvisningen tar inte emot det här slaget av förfrågan.",
}
ERROR_PAGE = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Förhandsvisningen: %(code)d</title></head>
<body><main><h1>Förhandsvisningen kan inte svara (%(code)d)</h1><p>%(explain)s</p></main></body>
</html>
"""


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """One line instead of the standard library's traceback, should a request ever get past the handler."""
        kind, exc = sys.exc_info()[:2]
        if kind is not None and not issubclass(kind, ConnectionError):
            print(f"Förhandsvisningen kunde inte svara på en förfrågan ({kind.__name__}: {exc}).", file=sys.stderr)


def own_host(header: str, port: int, bound: str = "127.0.0.1") -> bool:
    """Whether a request's Host names this server, so a page of another site that a DNS trick points at
    127.0.0.1 (DNS rebinding) is not answered."""
    names = {"127.0.0.1", "localhost", "[::1]", f"[{bound}]" if ":" in bound else bound}
    allowed = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
    return header.strip().lower() in allowed


def content_type(rel: str) -> str:
    suffix = Path(rel).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"


def resolve(outputs: Mapping[str, bytes], path: str) -> tuple[str | None, str | None]:
    """(the output a request path names, or None; a redirect target for a folder asked without its slash)."""
    rel = unquote(path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    if rel in outputs:
        return rel, None
    if f"{rel}/index.html" in outputs:
        return None, path + "/"
    return None, None


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Answers from the preview's memory: the pages with the reload script, the files as they are."""

    preview: Preview  # set on the subclass _handler makes
    error_message_format = ERROR_PAGE
    _answered = False  # whether a status line has gone out for the current request

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass  # the console shows rebuilds, not every request

    def parse_request(self) -> bool:
        """The request line and headers, and then: is it addressed to this server at all?"""
        self._answered = False
        if not super().parse_request():
            return False
        host, port = self.preview.server.server_address[:2]
        if own_host(self.headers.get("Host", ""), port, str(host)):
            return True
        self.send_error(403)  # as the editor answers a forged request: one status for "not for you"
        return False

    def send_response(self, code: int, message: str | None = None) -> None:
        self._answered = True
        super().send_response(code, message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard status line, with a short Swedish page in place of the English one."""
        port = self.preview.server.server_address[1]
        text = ERRORS.get(code, "Förfrågan gick inte att besvara.").format(port=port)
        super().send_error(code, None, text)

    def _guarded(self, action: Callable[[], None]) -> None:
        """Runs one request's answer; whatever a strange address makes fail is a short answer, never a traceback."""
        try:
            action()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the page was closed while it waited
        except Exception as exc:  # noqa: BLE001 - one odd request must not stop the preview or print a traceback
            if self._answered:
                self.close_connection = True  # half an answer has gone out: end it
            else:
                self.send_error(404 if isinstance(exc, OSError) else 400 if isinstance(exc, ValueError) else 500)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        if urlsplit(getattr(self, "path", "")).path.startswith("/files/"):  # attachments never run script
            for name, value in FILES_HEADERS.items():
                self.send_header(name, value)
        super().end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the page may have been closed or reloaded while it waited

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _post(self) -> None:
        if cms.owns(urlsplit(self.path).path):
            cms.respond(self, self.preview)
        else:
            self.send_error(405)

    def do_GET(self) -> None:
        self._guarded(self._get)

    def _get(self) -> None:
        parts = urlsplit(self.path)
        if cms.owns(parts.path):  # the editor, /redigera/: only here, never in the built site
            cms.respond(self, self.preview)
        elif parts.path == RELOAD_PATH:
            self._send(200, RELOAD_JS.encode(), TYPES[".js"])
        elif parts.path == notices.CSS_PATH:
            self._send(200, notices.CSS.encode(), TYPES[".css"])
        elif parts.path == notices.LIST_PATH:
            page = inject(notices.list_page(self.preview.notices), self.preview.version)
            self._send(200, page.encode(), TYPES[".html"])
        elif parts.path == WAIT_PATH:
            seen = parse_qs(parts.query).get("v", ["0"])[0]
            known = seen.isascii() and seen.isdigit() and len(seen) < 30
            version = self.preview.wait_for_change(int(seen) if known else 0, WAIT_SECONDS)
            self._send(200, str(version).encode(), "text/plain; charset=utf-8")
        elif any(part.startswith(".") for part in unquote(parts.path).split("/")):
            self.send_error(404)  # the site's mark (.sitegen): never served
        else:
            self._output(parts.path)

    def _output(self, path: str) -> None:
        """An output from memory: a page with the reload script (or the error list), or a file as it is."""
        preview = self.preview
        outputs, error, version = preview.outputs, preview.error, preview.version
        rel, redirect = resolve(outputs, path)
        if redirect is not None:
            self.send_response(301)
            self.send_header("Location", redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        is_page = rel is None or rel.endswith(".html")
        if error is not None and is_page:
            self._send(500, inject(error, version).encode(), TYPES[".html"])
        elif rel is not None and not rel.endswith(".html"):
            self._send(200, outputs[rel], content_type(rel))
        else:
            status, body = (200, outputs[rel]) if rel is not None else (404, outputs.get("404.html"))
            text = body.decode("utf-8") if body is not None else "<!doctype html><title>404</title>"
            text = notices.add_notice(text, preview.notices, path) if status == 200 else text
            self._send(status, inject(text, version).encode(), TYPES[".html"])


def _handler(preview: Preview) -> type[PreviewHandler]:
    return type("Handler", (PreviewHandler,), {"preview": preview})
