"""Render stage: one renderer per output kind, all reading the same checked model.

Adding an output kind means one module here and one entry in sitegen/renderers.py's REGISTRY.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import calendar, dates, markup
from ..memos import Memo, Memos
from ..model import SiteModel

ImageSize = Callable[[str], tuple[int, int] | None]  # "/files/karta.png" -> (width, height), or None

Output = tuple[str, bytes]  # a renderer may also yield a Problem: a warning it returns


@dataclass(frozen=True)
class Context:
    """What every renderer gets: the model, the templates and, once the pages are made, their list and HTML."""

    model: SiteModel
    templates: Path
    env: jinja2.Environment = None  # type: ignore[assignment]  # made from `templates` when not given
    pages: tuple[str, ...] = ()  # URLs of the HTML pages (Need.PAGES)
    html: Mapping[str, bytes] = field(default_factory=dict)  # output path -> every page's HTML (Need.HTML)
    dry: bool = False  # `sitegen check`: render to find errors, but skip slow binary output (the PDF)
    resources: Mapping[str, Any] = field(default_factory=dict)  # long-lived helpers of the preview (a warm index)
    memos: Memos = field(default_factory=Memos)  # what the session remembers (converted Markdown, git history)
    scratch: Path | None = None  # the build's folder for temporary files; None: the system's

    def __post_init__(self) -> None:
        if self.env is None:
            object.__setattr__(self, "env", environment(self.templates, None, self.model.image_size, self.memos))


def _markdown_filter(image_size: ImageSize, memos: Memos) -> Any:
    """The `markdown` filter: Markdown as HTML (converted once a run, `memos`), each image with its width and height.

    The sizes come from the model in the template's context when it has one: a page template's model notes
    which images the page shows, so replacing an image with one of another size renders those pages again.
    Macros that show Markdown are imported `with context` for that reason. Other templates (the PDF) use
    `image_size`, the same model's sizes.
    """

    @jinja2.pass_context
    def markdown(context: jinja2.runtime.Context, text: str | None) -> Markup:
        model = context.get("model")
        sizes = model.image_size if model is not None else image_size
        return Markup(markup.add_sizes(markup.to_html(text, memos.markdown), sizes))

    return markdown


def environment(templates: Path, bytecode_cache: jinja2.BytecodeCache | None, image_size: ImageSize,
                memos: Memos) -> jinja2.Environment:
    """The Jinja environment of one run, with sitegen's filters; compiled templates kept in `bytecode_cache`.

    Images in Markdown get their width and height from `image_size` (the model's); Markdown converted once
    in the run (`memos`) is not converted again.
    """
    markdown = _markdown_filter(image_size, memos)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache,
    )
    env.filters.update(
        markdown=markdown,
        inline_markdown=lambda text: Markup(markup.to_inline_html(text, memos.markdown)),
        day=dates.day,
        short_day=dates.short_day,
        month=dates.month,
        clock=dates.clock,
        span=dates.span,
        machine=dates.machine,
    )
    env.globals["feeds"] = calendar  # feed addresses and add-to-calendar links for the calendar templates
    env.globals["remembered"] = Fragments(memos.fragments)

    from .headers import CSP

    env.globals["csp"] = Markup(CSP)  # the <meta> policy of every page; the same one goes into _headers
    return env


class Fragments:
    """`remembered(macro, item)` in a template: the macro's HTML for `item`, made once and kept in the session's
    memo, so an event shown in the calendar, its municipality's and its associations' lists is made once (and
    the preview makes again only the items of events that changed).

    Only for a macro whose HTML depends on nothing but its argument and its own template file: the key holds
    that file's text (as a digest), the item is the witness (sitegen/memos.py), so a changed template or a
    changed event makes the HTML again.
    """

    def __init__(self, memo: Memo) -> None:
        self._memo = memo
        self._versions: dict[str, str] = {}  # template file -> digest of its text, read once per run

    def __call__(self, macro: Any, item: Any) -> Any:
        code = getattr(getattr(macro, "_func", None), "__code__", None)
        if code is None:
            return macro(item)
        file = code.co_filename
        if file not in self._versions:
            self._versions[file] = _file_digest(file)
        if not self._versions[file]:
            return macro(item)
        return self._memo.same(("fragment", file, self._versions[file], macro.name, id(item)), item,
                               functools.partial(macro, item))


def _file_digest(file: str) -> str:
    """The digest of a template file's text, or "" when it cannot be read (then nothing is kept)."""
    from ..incremental import digest

    try:
        return digest(Path(file).read_bytes())
    except OSError:
        return ""


_LINK = re.compile(r'(\s(?:href|src|action)=")(/(?!/)[^"]*)"')


_CUT = re.compile(r"[#?]")


def relative(target: str, page_url: str) -> str:
    """A site-absolute link ("/kalender/") as a link relative to the page, so any base path works."""
    cut = _CUT.search(target) if "#" in target or "?" in target else None
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
