"""Render stage: one renderer per output kind, all reading the same checked model.

Adding an output kind means one module here and one line in RENDERERS.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import calendar, dates, markup
from ..model import SiteModel
from . import template_cache

Output = tuple[str, bytes]


@dataclass
class Context:
    """What every renderer gets: the model and the template folder."""

    model: SiteModel
    templates: Path
    pages: list[str] = field(default_factory=list)  # URLs of the HTML pages, filled by the html renderer
    html: dict[str, bytes] = field(default_factory=dict)  # output path -> HTML, filled by the html renderer
    check_only: bool = False  # `sitegen check`: render to find errors, but skip slow binary output (the PDF)

    def image_size(self, src: str) -> tuple[int, int] | None:
        """Width and height of an image in content/files/ ("/files/bild.png"), for its <img>."""
        from ..images import size_of

        return size_of(self.model.content_dir, src)

    @cached_property
    def env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=template_cache.TEMPLATES,
        )
        env.filters.update(
            markdown=lambda text: Markup(markup.add_sizes(markup.to_html(text), self.image_size)),
            inline_markdown=lambda text: Markup(markup.to_inline_html(text)),
            day=dates.day,
            short_day=dates.short_day,
            month=dates.month,
            clock=dates.clock,
            span=dates.span,
            machine=dates.machine,
        )
        env.globals["feeds"] = calendar  # feed addresses and add-to-calendar links for the calendar templates

        from .headers import CSP

        env.globals["csp"] = Markup(CSP)  # the <meta> policy of every page; the same one goes into _headers
        return env


_LINK = re.compile(r'(\s(?:href|src|action)=")(/(?!/)[^"]*)"')


def relative(target: str, page_url: str) -> str:
    """A site-absolute link ("/kalender/") as a link relative to the page, so any base path works."""
    cut = re.search(r"[#?]", target)
    path, tail = (target[: cut.start()], target[cut.start():]) if cut else (target, "")
    here = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    rel = _relpath(path, here)
    if path.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + tail


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for two clean site paths, without its normalising (a page has dozens of links)."""
    to, here = path.split("/")[1:], start.split("/")[1:-1]
    if not path.startswith("/") or "//" in path or any(p in (".", "..") for p in to):
        return posixpath.relpath(path, start)
    if to and to[-1] == "":
        to.pop()
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


_ROOTED = re.compile(r'(\s(?:href|src)=")/(?!/)')


def rooted(html: str, prefix: str) -> str:
    """Site-absolute links ("/kalender/") put under `prefix` ("https://example.org" or "/sub"), for output
    read away from its own address: the 404 page, feeds and paper."""
    return _ROOTED.sub(lambda m: f"{m.group(1)}{prefix}/", html)


def relativize(html: str, page_url: str) -> str:
    """Rewrites every site-absolute href/src in a page to a relative one."""
    return _LINK.sub(lambda m: f'{m.group(1)}{relative(m.group(2), page_url)}"', html)


def url_to_path(url: str) -> str:
    """"/kalender/" -> "kalender/index.html"; "/404.html" stays a file."""
    path = url.lstrip("/")
    return path + "index.html" if url.endswith("/") else path


def _renderers() -> list[tuple[str, Callable[[Context], Iterable[Output]]]]:
    # Imported here so that `sitegen check` never imports a renderer's heavy libraries.
    from . import feeds, headers, html, ics, pdf, search, sitemap, static

    # The order matters: html fills Context.pages and Context.html, which sitemap lists and search indexes.
    # The PDF comes last of the content outputs because it is the slowest, so a template error elsewhere
    # shows up first.
    return [("html", html.render), ("static", static.render), ("ics", ics.render), ("feeds", feeds.render),
            ("pdf", pdf.render), ("sitemap", sitemap.render), ("headers", headers.render), ("search", search.render)]


def render_all(ctx: Context) -> Iterable[Output]:
    for _name, renderer in _renderers():
        yield from renderer(ctx)
