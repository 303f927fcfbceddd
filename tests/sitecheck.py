"""The built site under test, served on 127.0.0.1 and opened in one headless Chromium, and the checks of the gates.

Each check is a plain function that returns the problems it found, so that the gates run it over every page
and the negative tests run the very same function over a page with a known fault.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ROOT, TEMPLATES

from sitegen.build import build
from sitegen.model import load_site

# The site the gates check: the real content, as the coordinator publishes it.
CONTENT = ROOT / "content"
TODAY = dt.date(2026, 11, 24)
WIDTHS = (320, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium; without the background-networking flags it tries to reach Google at every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
STATEMENT = "tillganglighet/"
DIGG_COMPLAINT_FORM = "https://www.digg.se/tdosanmalan"

COUNTS: Counter[str] = Counter()  # what the gates checked, for the summary at the end of the run


# --- the site, built once and served ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Site:
    """A built site: its folder, the URL path it is served under, and where it is served."""

    folder: Path
    base_path: str = "/"  # "/" or "/sub/", from site.yaml's base_url
    origin: str = ""

    @functools.cached_property
    def pages(self) -> list[str]:
        """Every HTML page as a path below the base path: "", "kalender/", "404.html"."""
        files = sorted(p for p in self.folder.glob("**/*.html") if p.relative_to(self.folder).parts[0] != "pagefind")
        return [p.relative_to(self.folder).as_posix().removesuffix("index.html") for p in files]

    def url(self, page: str) -> str:
        return self.origin + self.base_path + page

    def file_of(self, url_path: str) -> Path | None:
        """The file a site-absolute URL path is served from, or None when the host would answer 404."""
        if not url_path.startswith(self.base_path):
            return None
        target = self.folder / unquote(url_path[len(self.base_path):])
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def html(self, page: str) -> str:
        return (self.folder / (page + "index.html" if page == "" or page.endswith("/") else page)).read_text("utf-8")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder under the site's base path with the headers of its `_headers` file, as a static
    host does (so the Content-Security-Policy is enforced twice: from <meta> and from HTTP), and says nothing."""

    site: Site

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.site.base_path):
            return str(self.site.folder / "-outside-the-base-path-")
        return str(self.site.folder / unquote(path[len(self.site.base_path):]))

    def end_headers(self) -> None:
        for name, value in _host_headers(self.site.folder, urlsplit(self.path).path):
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _host_headers(folder: Path, path: str) -> list[tuple[str, str]]:
    """The HTTP headers the site's `_headers` file gives this path, as a static host that reads it would send."""
    file = folder / "_headers"
    if not file.is_file():
        return []
    headers, applies = [], False
    for line in file.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace():
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            applies = re.fullmatch(pattern, path) is not None
        elif applies and ":" in line:
            name, value = line.strip().split(":", 1)
            headers.append((name, value.strip()))
    return headers


@functools.cache
def _handler(site: Site) -> type[_Handler]:
    return type("Handler", (_Handler,), {"site": site})


def serve(site: Site) -> Iterator[Site]:
    """Serves the site on 127.0.0.1 (a free port) while the generator is suspended."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_handler(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(site.folder, site.base_path, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the browser ------------------------------------------------------------------------------------------------

@dataclass
class Tab:
    """One browser page at one width. Every request it makes is recorded; any to another host is refused."""

    page: Any
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the browser console's errors, such as a blocked script

    def open(self, url: str) -> None:
        self.requests.clear()
        self.errors.clear()
        self.page.goto(url, wait_until="load")

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.origin + "/") or u.startswith("data:"))]


def new_tab(browser: Any, width: int, origin: str) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": 800}, service_workers="block")
    tab = Tab(context.new_page(), origin)

    def route(route: Any) -> None:
        tab.requests.append(route.request.url)
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:  # never leave the machine, even when a page under test tries to
            route.abort("blockedbyclient")

    context.route("**/*", route)
    tab.page.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    return tab


# --- gate 1: axe-core -------------------------------------------------------------------------------------------

def axe_violations(tab: Tab) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page open in the tab, one line each."""
    tab.page.evaluate(AXE.read_text(encoding="utf-8"))
    result = tab.page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
             .then(r => r.violations.map(v => ({id: v.id, help: v.help,
                                                 nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))""",
        AXE_TAGS)
    return [f"{v['id']} ({v['help']}): " + " | ".join(v["nodes"][:3]) for v in result]


def axe_rule_count(tab: Tab) -> int:
    tab.page.evaluate(AXE.read_text(encoding="utf-8"))
    return int(tab.page.evaluate("tags => axe.getRules(tags).length", AXE_TAGS))


# --- gate 2: the Nu Html Checker --------------------------------------------------------------------------------

def vnu_errors(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors over all the files, in one Java run (HTML, and CSS with --also-check-css)."""
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--also-check-css", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, check=False)
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        return [f"vnu did not run: {run.returncode} {run.stderr[:500]}"]
    return [f"{Path(urlsplit(m.get('url', '')).path).as_posix()}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") in ("error", "non-document-error")]


# --- gates 3 and 6: links and structure, read from the HTML -----------------------------------------------------

class Parsed(HTMLParser):
    """What the gates need to know about one page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, value) of href/src
        self.ids: set[str] = set()
        self.titles: list[str] = []
        self.headings: list[int] = []
        self.tags: Counter[str] = Counter()
        self.problems: list[str] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._text: dict[str, list[str]] = {}
        self._svg_named = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags[tag] += 1
        for name in ("href", "src"):
            if a.get(name) is not None and tag != "base":
                self.links.append((name, a[name] or ""))
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "time" and not a.get("datetime"):
            self.problems.append("<time> without a datetime attribute")
        if tag == "img" and a.get("alt") is None:
            self.problems.append(f"<img src={a.get('src')!r}> without alt text")
        if tag in ("iframe", "embed", "object", "video", "audio"):
            self.problems.append(f"<{tag}> embeds content that loads on page view; link to it instead")
        if tag == "svg" and not self._inside("svg"):
            hidden = a.get("aria-hidden") == "true"
            named = a.get("role") == "img" and bool(a.get("aria-label") or a.get("aria-labelledby"))
            if not (hidden or named):
                self.problems.append("<svg> without role=img and a text alternative (or aria-hidden=true)")
        if tag == "table":
            self._text["table"] = []
            self.tags["table-caption"] = self.tags["table-th"] = 0
        if tag == "caption" and self._inside("table"):
            self.tags["table-caption"] += 1
        if tag == "th" and self._inside("table"):
            self.tags["table-th"] += 1
        if tag == "title" and not self._inside("svg"):
            self._text["title"] = []
        if tag not in _VOID:
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if not self.tags["table-caption"]:
                self.problems.append("a table without <caption>")
            if not self.tags["table-th"]:
                self.problems.append("a table without header cells <th>")
        if tag == "title" and "title" in self._text:
            self.titles.append("".join(self._text.pop("title", [])).strip())
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for parts in self._text.values():
            parts.append(data)
        if _WEEKDAY_DATE.search(data) and not self._inside("time"):
            self.problems.append(f"a date outside <time datetime>: {_WEEKDAY_DATE.search(data).group(0)!r}")  # type: ignore[union-attr]

    def _inside(self, tag: str) -> bool:
        return any(t == tag for t, _ in self._stack)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_WEEKDAY_DATE = re.compile(r"\b(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) \d{1,2} (?:januari|februari|mars|"
                           r"april|maj|juni|juli|augusti|september|oktober|november|december)", re.I)


def structure_problems(html: str) -> list[str]:
    """One page's structure: a title, one h1 first, no skipped heading level, landmarks, times, tables, images."""
    page = Parsed(html)
    problems = list(page.problems)
    if len(page.titles) != 1 or not page.titles[0]:
        problems.append(f"expected one non-empty <title>, found {page.titles}")
    if page.tags["h1"] != 1:
        problems.append(f"expected one <h1>, found {page.tags['h1']}")
    if page.headings and page.headings[0] != 1:
        problems.append(f"the first heading is h{page.headings[0]}, not h1")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skipped: h{before} followed by h{after}")
    for landmark in ("header", "nav", "main", "footer"):
        if not page.tags[landmark]:
            problems.append(f"no <{landmark}> landmark")
    if page.tags["main"] > 1:
        problems.append("more than one <main>")
    return problems


def duplicate_titles(titles: dict[str, str]) -> list[str]:
    seen: dict[str, list[str]] = {}
    for page, title in titles.items():
        seen.setdefault(title, []).append(page)
    return [f"{title!r} is the title of {pages}" for title, pages in seen.items() if len(pages) > 1]


def link_problems(site: Site) -> tuple[list[str], int, set[str]]:
    """Every internal link, #fragment and referenced file of every page: (problems, links checked, external links)."""
    problems: list[str] = []
    external: set[str] = set()
    parsed = {page: Parsed(site.html(page)) for page in site.pages}
    ids = {site.base_path + page: p.ids for page, p in parsed.items()}
    checked = 0
    for page, p in parsed.items():
        here = "http://site.invalid" + site.base_path + page
        for attr, value in p.links:
            target = urlsplit(urljoin(here, value))
            if target.scheme in ("mailto", "tel"):
                continue
            if target.netloc != "site.invalid":
                external.add(value)
                continue
            checked += 1
            file = site.file_of(target.path)
            if file is None:
                problems.append(f"{page or '/'}: {attr}={value!r} leads nowhere ({target.path})")
            elif target.fragment and file.suffix == ".html":
                page_ids = ids.get(target.path) or ids.get(target.path.removesuffix("index.html"), set())
                if unquote(target.fragment) not in page_ids:
                    problems.append(f"{page or '/'}: {attr}={value!r}: no id {target.fragment!r} on that page")
    return problems, checked, external


# --- gate 4: privacy --------------------------------------------------------------------------------------------

def privacy_problems(tab: Tab) -> list[str]:
    """After a page has loaded: requests to other hosts, cookies, and anything in local or session storage."""
    problems = [f"request to another host: {u}" for u in tab.foreign_requests()]
    cookies = tab.page.context.cookies()
    if cookies:
        problems.append(f"cookies set: {[c['name'] for c in cookies]}")
    stored = tab.page.evaluate("() => [localStorage.length, sessionStorage.length]")
    if any(stored):
        problems.append(f"storage written: {stored[0]} in localStorage, {stored[1]} in sessionStorage")
    return problems


# --- gate 5: keyboard -------------------------------------------------------------------------------------------

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
          cls: e.className || '', current: e.getAttribute('aria-current'), x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, sx: scrollX, sy: scrollY,
          inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
}"""
_MARGIN = 6  # outlines are drawn around the element: 3 px wide, 2 px away


def _shot(tab: Tab, box: dict[str, float]) -> bytes:
    """The element's box and a margin around it, as seen on the screen at the scroll position where it was focused."""
    tab.page.evaluate("([x, y]) => scrollTo(x, y)", [box["sx"], box["sy"]])
    x, y = max(0.0, box["x"] - box["sx"] - _MARGIN), max(0.0, box["y"] - box["sy"] - _MARGIN)
    size = tab.page.viewport_size
    clip = {"x": x, "y": y, "width": min(box["w"] + 2 * _MARGIN, size["width"] - x),
            "height": min(box["h"] + 2 * _MARGIN, size["height"] - y)}
    return bytes(tab.page.screenshot(clip=clip, animations="disabled", caret="hide"))


def focus_problems(tab: Tab, seen: set[str] | None = None, limit: int = 200) -> tuple[list[str], int]:
    """Tabs through the page open in the tab: the first stop must be a visible skip link, and every stop must
    look different focused than unfocused. Stops in `seen` (the same control at the same place on an earlier
    page, such as the menu) are not photographed again. Returns (problems, stops compared)."""
    seen = set() if seen is None else seen
    problems: list[str] = []
    page = tab.page
    # Tab starts from the top of the page, wherever focus was before.
    page.evaluate("""() => { const root = document.documentElement; root.tabIndex = -1; root.focus(); root.blur();
                             root.removeAttribute('tabindex'); scrollTo(0, 0); }""")
    before_skip = page.screenshot(animations="disabled")
    stops = []
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or focused == first:
            break
        first = first or focused
        if first is focused:
            if "skip" not in str(focused["cls"]) or not focused["inView"]:
                problems.append(f"the first Tab does not show a skip link: it focuses {focused['tag']} {focused['text']!r}")
            elif page.screenshot(animations="disabled") == before_skip:
                problems.append("the skip link gets focus but nothing on the screen changes")
        if focused["w"] == 0 or focused["h"] == 0:
            problems.append(f"focus on an invisible element: {focused['tag']} {focused['text']!r}")
            continue
        key = json.dumps(focused, sort_keys=True)
        if key not in seen:
            seen.add(key)
            stops.append((focused, _shot(tab, focused)))
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for focused, after in stops:
        if focused is not first and _shot(tab, focused) == after:
            problems.append(f"no visible focus on {focused['tag']} {focused['text']!r}")
    return problems, len(stops)


# --- gate 7: the accessibility statement ------------------------------------------------------------------------

# Digg's model statement (digg.se, "Mall för tillgänglighetsredogörelse"): the parts it must have.
STATEMENT_PARTS = {
    "conformance status (”helt/delvis/inte förenlig med lagen”)": r"(?:helt|delvis|inte) förenlig med lagen",
    "what is not accessible (”Innehåll som inte är tillgängligt”)": r"Innehåll som inte är tillgängligt",
    "how to report problems (”Rapportera brister …”)": r"Rapportera brist",
    "how the site was tested (”Hur vi testat webbplatsen”)": r"Hur vi (?:har )?testat",
    "when it was tested or last assessed (a date)": r"(?:bedömningen|testades|testade|granskades|uppdaterades)[^.]*\b20\d\d\b",
}


def statement_problems(html: str) -> list[str]:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    problems = [f"the accessibility statement lacks {part}" for part, pattern in STATEMENT_PARTS.items()
                if not re.search(pattern, text, re.I)]
    if f'href="{DIGG_COMPLAINT_FORM}"' not in html:
        problems.append(f"the accessibility statement does not link Digg's complaint form {DIGG_COMPLAINT_FORM}")
    return problems


def footer_links_statement(html: str, page: str) -> bool:
    """Whether the page's <footer> links the accessibility statement (links are relative to the page)."""
    footer = html[html.find("<footer"):html.find("</footer>")]
    here = "http://site.invalid/" + page
    return any(urljoin(here, href) == "http://site.invalid/" + STATEMENT
               for href in re.findall(r'href="([^"]+)"', footer))


# --- fixtures ---------------------------------------------------------------------------------------------------

def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder: with pytest-xdist the one above every worker's own, so that they can share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by make(folder) once per test run: the first worker that needs it makes it
    while the others wait (a lock file), then every worker uses the same folder and must not change it."""
    folder = _shared_folder(tmp_path_factory) / name
    with (folder.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / ".made").is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed halfway left it
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The real site, built once per test run (shared by pytest-xdist's workers) and served on 127.0.0.1."""
    folder = built_once(tmp_path_factory, "a11y", lambda made: build(CONTENT, made / "public", TEMPLATES, TODAY))
    base_url = load_site(CONTENT, TODAY).site.base_url
    yield from serve(Site(folder / "public", urlsplit(base_url).path or "/"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium saknas: installera Debian-paketet chromium (make test gör det som root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def tabs(browser: Any, site: Site) -> dict[int, Tab]:
    """One tab per width, reused for every page."""
    return {width: new_tab(browser, width, site.origin) for width in WIDTHS}


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker: hands what its gates checked to the main process, which prints the sum."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["gate_counts"] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, called in the main process as each worker ends
def pytest_testnodedown(node: Any, error: Any) -> None:
    COUNTS.update(getattr(node, "workeroutput", {}).get("gate_counts", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if COUNTS:
        terminalreporter.write_line("Tillgänglighetskontroller: " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
