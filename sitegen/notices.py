"""The preview's warnings where the coordinator looks: on the page they concern, and all of them in one list.

A warning names a content file and a line; `pages_of` finds the page(s) made from that place (a page's
Markdown file, an event's or an association's entry, a data file's page). The notice is added only to what
the preview server sends, like its reload script: nothing of it is ever written to the output folder.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from .model import SiteModel

LIST_PATH = "/__sitegen/varningar"
CSS_PATH = "/__sitegen/varningar.css"
EVERY_PAGE = "*"  # site.yaml (the footer, the menu) is on every page

# Data files whose entries are all shown on one page.
_DATA_FILE_PAGES = {"laws.yaml": "/lagar/", "definitions.yaml": "/definitioner/",
                    "delaktighetstrappa.yaml": "/delaktighetstrappa/", "checklist.yaml": "/checklista/"}

CSS = """\
.sitegen-notice { background: #fff8e1; color: #1b1b1b; border: 3px solid #8a5a00; margin: 0; padding: .8rem 1rem;
  font: 1rem/1.5 system-ui, sans-serif; }
.sitegen-notice h2 { font-size: 1.15rem; margin: 0 0 .4rem; color: #1b1b1b; }
.sitegen-notice ul { margin: .3rem 0; padding-left: 1.2rem; }
.sitegen-notice li { margin: .3rem 0; }
.sitegen-notice .where { font-weight: bold; }
.sitegen-notice a { color: #0b3d91; text-decoration: underline; }
.sitegen-notice a:focus { outline: 3px solid #1b1b1b; outline-offset: 2px; }
.sitegen-notice p { margin: .3rem 0; }
"""


@dataclass
class Notices:
    """The last build's warnings, by the page they belong to."""

    warnings: list[Problem] = field(default_factory=list)
    by_page: dict[str, list[Problem]] = field(default_factory=dict)

    def of(self, url: str) -> list[Problem]:
        """The warnings about the page at `url` (and those about every page)."""
        key = url if url.endswith("/") or url.endswith(".html") else url + "/"
        if key.endswith("/index.html"):
            key = key[: -len("index.html")]
        return [*self.by_page.get(EVERY_PAGE, []), *self.by_page.get(key, [])]


def _entries(model: SiteModel) -> Iterable[tuple[str, int, str]]:
    """(file, first line, page URL) of every piece of content that makes a page."""
    for page in model.pages.values():
        yield page.source, 1, page.url
    for item in model.news:
        yield item.source, 1, item.url
    for association in model.associations:
        yield (*association.source, f"/foreningar/{association.id}/")
    for event in model.events:
        yield (*event.source, event.url)
    for entries, url in ((model.laws, "/lagar/"), (model.definitions, "/definitioner/"),
                         (model.steps, "/delaktighetstrappa/"), (model.checklist, "/checklista/")):
        for entry in entries:
            yield (*entry.source, url)
    yield model.site.source[0], 1, EVERY_PAGE


def _overview(file: str) -> list[str]:
    """The page that shows a whole data file, for a warning about the file rather than one entry."""
    name = file.rsplit("/", 1)[-1]
    if name == "associations.yaml":
        return ["/foreningar/"]
    if "/events/" in f"/{file}":
        return ["/kalender/"]
    return [_DATA_FILE_PAGES[name]] if name in _DATA_FILE_PAGES else []


def pages_of(problem: Problem, entries: list[tuple[str, int, str]]) -> list[str]:
    """The URLs of the pages made from the place `problem` names; empty when none is known."""
    mine = [(line, url) for file, line, url in entries if file == problem.file]
    if len(mine) == 1:
        return [mine[0][1]]  # a page's or a news item's Markdown file
    before = [line for line, _ in mine if problem.line is not None and line <= problem.line]
    if not before:  # the whole file, or a line above its first entry (a comment at the top)
        return _overview(problem.file)
    return sorted({url for line, url in mine if line == max(before)})


def collect(warnings: list[Problem], model: SiteModel) -> Notices:
    entries = list(_entries(model))
    notices = Notices(sorted(set(warnings)))
    for problem in notices.warnings:
        for url in pages_of(problem, entries):
            notices.by_page.setdefault(url, []).append(problem)
    return notices


def _where(problem: Problem) -> str:
    where = html.escape(problem.file)
    if problem.line:
        where += f", rad {problem.line}"
    if problem.field:
        where += f", fältet ”{html.escape(problem.field)}”"
    return where


def _items(problems: list[Problem]) -> str:
    return "\n".join(f'<li><span class="where">{_where(p)}:</span> {html.escape(p.message)}</li>' for p in problems)


def notice(notices: Notices, url: str) -> str:
    """The notice at the top of a page: its own warnings and a link to the list of all; empty without warnings."""
    if not notices.warnings:
        return ""
    own = notices.of(url)
    others = len(notices.warnings) - len(own)
    if own:
        count = "1 varning" if len(own) == 1 else f"{len(own)} varningar"
        body = f"<p>Förhandsvisningen har {count} om den här sidan. Den publiceras ändå, men titta på det:</p>\n" \
               f"<ul>\n{_items(own)}\n</ul>"
        rest = f"{others} varningar till" if others > 1 else ("1 varning till" if others else "")
    else:
        body = ""
        rest = "1 varning" if others == 1 else f"{others} varningar"
    more = f'<p><a href="{LIST_PATH}">Visa alla varningar ({len(notices.warnings)})</a>' + \
           (f" – {rest} gäller andra sidor.</p>" if rest else ".</p>")
    return (f'<link rel="stylesheet" href="{CSS_PATH}">\n'
            '<section class="sitegen-notice" role="region" aria-labelledby="sitegen-notice-heading">\n'
            '<h2 id="sitegen-notice-heading">Varningar i förhandsvisningen (syns inte på webbplatsen)</h2>\n'
            f"{body}\n{more}\n</section>\n")


def add_notice(page: str, notices: Notices, url: str) -> str:
    """`page` with the notice right after <body> (only in what the preview server sends)."""
    text = notice(notices, url)
    if not text:
        return page
    index = page.find("<body")
    end = page.find(">", index) + 1 if index >= 0 else 0
    return page[:end] + "\n" + text + page[end:]


def list_page(notices: Notices) -> str:
    """Every warning of the last build, grouped by file, with links to the pages they concern."""
    entries_by_file: dict[str, list[Problem]] = {}
    for problem in notices.warnings:
        entries_by_file.setdefault(problem.file, []).append(problem)
    rows = []
    for file, problems in entries_by_file.items():
        items = []
        for p in problems:
            urls = sorted(url for url, found in notices.by_page.items() if p in found and url != EVERY_PAGE)
            links = "".join(f' <a href="{html.escape(u)}">Visa sidan {html.escape(u)}</a>' for u in urls[:3])
            items.append(f"<li><span class=\"where\">{_where(p)}:</span> {html.escape(p.message)}{links}</li>")
        rows.append(f"<h2>{html.escape(file)}</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    count = "1 varning" if len(notices.warnings) == 1 else f"{len(notices.warnings)} varningar"
    body = "\n".join(rows) if rows else "<p>Inga varningar. Allt ser bra ut.</p>"
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Varningar – förhandsvisning</title>
<link rel="stylesheet" href="{CSS_PATH}">
</head>
<body>
<main class="sitegen-notice">
<h1>Alla varningar i förhandsvisningen</h1>
<p>{count}. Varningar stoppar inte publiceringen, men säger vad som kan bli fel för läsarna. Den här sidan
finns bara i förhandsvisningen.</p>
{body}
<p><a href="/">Till startsidan</a></p>
</main>
</body>
</html>
"""
