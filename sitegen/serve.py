"""Preview server: builds, serves the output folder on localhost, rebuilds on every save and reloads the page.

The live reload is a small same-origin script added only to the pages this server sends; the files in
the output folder stay exactly as `sitegen build` writes them (no JavaScript, nothing third-party).
While the content has an error, every page shows the Swedish list of errors instead of the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import html
import http.server
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import cms, notices
from .build import check, render
from .errors import BuildError, ContentError, Problem, SitegenError
from .outdir import guard, locked, scratch
from .publish import publish
from .render import Context, _renderers
from .render.headers import FILES_HEADERS

# Renderers the preview runs for real only after the page has reloaded: the PDF takes as long as all
# HTML pages together, and the search index runs a program. Before that they run as for `sitegen check`.
DEFERRED = frozenset({"pdf", "search"})
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


class Preview:
    """One preview: the last build's state, the HTTP server and the file watcher."""

    def __init__(self, content: Path, out: Path, templates: Path, today: dt.date | None = None,
                 host: str = "127.0.0.1", port: int = 8000,
                 report: Callable[[Outcome], None] = lambda outcome: None) -> None:
        guard(out, content, templates)  # the preview publishes into `out` as a build does: the same rules
        self.content, self.out, self.templates, self.today = content, out, templates, today
        self.report = report
        self.version = time.time_ns()  # a restarted server has a new version, so open pages reload
        self.error: str | None = None
        self.notices = notices.Notices()  # the last good build's warnings, shown on the pages they concern
        self._slow: dict[str, bytes] = {}  # the last outputs of the deferred renderers
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

    def rebuild(self) -> Outcome:
        """Builds into the output folder; on an error the last good site stays and the error is shown.

        The page reloads as soon as the HTML is published; the slow outputs (the PDF) follow a moment
        later. Until then the folder holds their previous version, so it is never incomplete. Like a build,
        a rebuild holds the folder's lock and keeps its temporary files in the cache beside the folder.
        """
        started = time.perf_counter()
        try:
            with locked(self.out), scratch(self.out, whole_process=False):
                return self._rebuild(started)
        except SitegenError as exc:  # another build into the folder did not end in time
            return self._failed(exc, started)

    def _rebuild(self, started: float) -> Outcome:
        try:
            model = check(self.content, self.today)
            # Everything `sitegen build` checks (links, templates), with the PDF's template but not the PDF.
            outputs, ctx = render(model, self.templates, check_only=True)
            self.notices = notices.collect(ctx.model.warnings, ctx.model)  # before the pages they are about
            publish({**outputs, **self._slow}, self.out)  # the slow outputs of the last time stand in
        except Exception as exc:  # a bug must not stop the preview either; it is shown
            return self._failed(exc, started)
        outcome = Outcome(True, time.perf_counter() - started, f"{len(ctx.pages)} sidor")
        self._show(None)
        try:
            slow_started = time.perf_counter()
            full = dataclasses.replace(ctx, check_only=False)  # with the pages the html renderer collected
            self._write_slow(_rendered(full, lambda name: name in DEFERRED))
        except Exception as exc:
            return self._failed(exc, started)
        outcome = Outcome(True, outcome.seconds, f"{outcome.message}; pdf {time.perf_counter() - slow_started:.2f} s",
                          [str(w) for w in ctx.model.warnings])
        self.report(outcome)
        return outcome

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

    def _write_slow(self, slow: dict[str, bytes]) -> None:
        for name in set(self._slow) - set(slow):
            (self.out / name).unlink(missing_ok=True)
        for name, data in slow.items():
            if self._slow.get(name) != data:
                target = self.out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.new")
                temporary.write_bytes(data)
                os.replace(temporary, target)  # a reader sees the old file or the new one, never half
        self._slow = slow

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self._stop.is_set(), timeout)
            return self.version

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
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)


def _rendered(ctx: Context, wanted: Callable[[str], bool]) -> dict[str, bytes]:
    """The outputs of the renderers `wanted` picks, in the renderers' order; template errors in Swedish."""
    import jinja2

    outputs: dict[str, bytes] = {}
    try:
        for name, renderer in _renderers():
            if wanted(name):
                outputs.update(renderer(ctx))
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"Mallen {exc.filename or exc.name}, rad {exc.lineno}, har ett syntaxfel: {exc.message}.") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"En mall gick inte att använda: {exc}.") from exc
    return outputs


def error_page(problems: list[Problem], text: str = "", out: Path = Path("public")) -> str:
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
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fel i innehållet – förhandsvisning</title>
<style>
body {{ font: 1.05rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }}
h1 {{ color: #a3141c; }}
li {{ border-left: 4px solid #a3141c; padding: .2rem .8rem; margin: 0 0 1rem; background: #fdf1f1; }}
li p {{ margin: .3rem 0; }}
pre {{ white-space: pre-wrap; background: #fdf1f1; padding: .8rem; }}
</style>
</head>
<body>
<main>
<h1>Webbplatsen kan inte visas just nu</h1>
<p>{lead}</p>
{body}
<p>Den förra fungerande versionen av webbplatsen finns kvar i mappen {html.escape(out.name)}/.</p>
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


def _handler(preview: Preview) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
        error_message_format = ERROR_PAGE
        _answered = False  # whether a status line has gone out for the current request

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(preview.out), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            pass  # the console shows rebuilds, not every request

        def parse_request(self) -> bool:
            """The request line and headers, and then: is it addressed to this server at all?"""
            self._answered = False
            if not super().parse_request():
                return False
            host, port = preview.server.server_address[:2]
            if own_host(self.headers.get("Host", ""), port, str(host)):
                return True
            self.send_error(403)  # as the editor answers a forged request: one status for "not for you"
            return False

        def send_response(self, code: int, message: str | None = None) -> None:
            self._answered = True
            super().send_response(code, message)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """The standard status line, with a short Swedish page in place of the English one."""
            port = preview.server.server_address[1]
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
            if urlsplit(getattr(self, "path", "")).path.startswith("/files/"):  # attachments never run script (render/headers.py)
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
                cms.respond(self, preview)
            else:
                self.send_error(405)

        def do_GET(self) -> None:
            self._guarded(self._get)

        def _get(self) -> None:
            parts = urlsplit(self.path)
            if cms.owns(parts.path):  # the editor, /redigera/: only here, never in the built site
                cms.respond(self, preview)
            elif parts.path == RELOAD_PATH:
                self._send(200, RELOAD_JS.encode(), TYPES[".js"])
            elif parts.path == notices.CSS_PATH:
                self._send(200, notices.CSS.encode(), TYPES[".css"])
            elif parts.path == notices.LIST_PATH:
                page = inject(notices.list_page(preview.notices), preview.version)
                self._send(200, page.encode(), TYPES[".html"])
            elif parts.path == WAIT_PATH:
                seen = parse_qs(parts.query).get("v", ["0"])[0]
                known = seen.isascii() and seen.isdigit() and len(seen) < 30
                version = preview.wait_for_change(int(seen) if known else 0, WAIT_SECONDS)
                self._send(200, str(version).encode(), "text/plain; charset=utf-8")
            elif any(part.startswith(".") for part in unquote(parts.path).split("/")):
                self.send_error(404)  # the site's mark (.sitegen), the PDF while it is written: never served
            elif self._is_page(parts.path):
                self._page(parts.path)
            else:
                super().do_GET() if self.command == "GET" else super().do_HEAD()

        def _is_page(self, path: str) -> bool:
            return path.endswith(("/", ".html")) or Path(self.translate_path(path)).is_dir()

        def _page(self, path: str) -> None:
            error, version = preview.error, preview.version
            if error is not None:
                self._send(500, inject(error, version).encode(), TYPES[".html"])
                return
            file = Path(self.translate_path(path))
            if file.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                file = file / "index.html"
            status = 200
            if not file.is_file():
                status, file = 404, preview.out / "404.html"
            text = file.read_text(encoding="utf-8") if file.is_file() else "<!doctype html><title>404</title>"
            text = notices.add_notice(text, preview.notices, path) if status == 200 else text
            self._send(status, inject(text, version).encode(), TYPES[".html"])

    return Handler
