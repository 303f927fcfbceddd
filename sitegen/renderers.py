"""The renderer registry: every output kind declared once, as data.

A renderer is a module under sitegen/render/ with a `render(ctx)` generator of (path, bytes), and one entry
in REGISTRY saying what it reads (input groups, so its output is reused while they are unchanged), what it
needs from other renderers, where it runs and in which modes. Adding an output kind is one module and one
entry. This module imports nothing heavy: a no-change build reads it too.

The order of REGISTRY is the order outputs are made and errors are reported (a test pins it):
- "html" first: it plans the pages, whose list (Need.PAGES) the sitemap reads and whose finished HTML
  (Need.HTML) the search index reads;
- the PDF last of the content outputs, because it is the slowest, so a template error elsewhere shows first;
- the search index last: it reads every finished page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .contents import Input

if TYPE_CHECKING:
    from .render import Context

RenderFunction = Callable[["Context"], Iterable[tuple[str, bytes]]]


class Mode(StrEnum):
    """What a run of the engine is for."""

    BUILD = "build"  # `sitegen build`: publish to the output folder
    CHECK = "check"  # `sitegen check`: every check of a build, nothing written
    PREVIEW = "preview"  # `sitegen serve`: render into memory and serve from there


class Where(StrEnum):
    """Where a renderer runs."""

    INLINE = "inline"  # in the build's own thread, in order
    THREAD = "thread"  # beside the others: it mostly waits for a program of its own (Pagefind)
    PROCESS = "process"  # in a process of its own, started with the build, so it loads its libraries meanwhile


class Need(StrEnum):
    """What a renderer needs from the HTML renderer."""

    PAGES = "pages"  # the list of page URLs
    HTML = "html"  # every page's finished HTML


ALL_MODES = frozenset(Mode)


@dataclass(frozen=True)
class Renderer:
    """One output kind."""

    name: str
    module: str  # the module whose `render(ctx)` makes the outputs
    inputs: frozenset[Input] | None  # the input groups it reads; None = everything (always correct)
    needs: frozenset[Need] = frozenset()
    where: Where = Where.INLINE
    modes: frozenset[Mode] = ALL_MODES
    slow: bool = False  # `sitegen check` runs it dry (errors only); the preview makes it after the reload
    background: bool = False  # the preview makes it after the reload, its last outputs served meanwhile
    heavy_imports: tuple[str, ...] = ()  # imported in its own process while the content is loaded

    def __post_init__(self) -> None:
        problems = _declaration_problems(self)
        if problems:
            raise TypeError(f"renderer {self.name!r}: " + "; ".join(problems))

    @property
    def render(self) -> RenderFunction:
        function: Any = importlib.import_module(self.module).render
        return function  # type: ignore[no-any-return]


def _declaration_problems(renderer: Renderer) -> list[str]:
    """What is wrong with a declaration: caught when the registry is imported, not in a build."""
    problems = []
    if renderer.inputs is not None and not all(isinstance(g, Input) for g in renderer.inputs):
        problems.append(f"inputs must be Input members, not {sorted(map(str, renderer.inputs))}")
    if not all(isinstance(n, Need) for n in renderer.needs):
        problems.append("needs must be Need members")
    if not isinstance(renderer.where, Where) or not all(isinstance(m, Mode) for m in renderer.modes):
        problems.append("where must be a Where member and modes Mode members")
    if renderer.where is Where.PROCESS and renderer.needs:
        problems.append("a renderer in its own process starts before the pages exist, so it cannot need them")
    if renderer.inputs is not None and Input.URLS in renderer.inputs and Need.PAGES not in renderer.needs:
        problems.append("reading the list of pages (Input.URLS) needs Need.PAGES")
    if renderer.name == HTML and renderer.needs:
        problems.append("the HTML renderer makes the pages; it cannot need them")
    return problems


HTML = "html"  # the pages: planned and keyed one by one, not as one unit

REGISTRY: tuple[Renderer, ...] = (
    Renderer(HTML, "sitegen.render.html", inputs=None),
    Renderer("static", "sitegen.render.static", inputs=frozenset({Input.STATIC, Input.FILES})),
    # Thousands of files for a big calendar: the preview shows the edited page first, the feeds follow.
    Renderer("ics", "sitegen.render.ics", inputs=frozenset({Input.SITE, Input.EVENTS, Input.ASSOCIATIONS, Input.TODAY}),
             background=True),
    Renderer("feeds", "sitegen.render.feeds", inputs=frozenset({Input.SITE, Input.NEWS, Input.TEMPLATES})),
    # Made in its own process, beside the pages; the git history behind "Senast uppdaterad" is in every key.
    # content/files/ too: an event's description may show an image, which the PDF holds.
    Renderer("pdf", "sitegen.render.pdf", inputs=frozenset({Input.SITE, Input.EVENTS, Input.ASSOCIATIONS, Input.TODAY,
                                              Input.TEMPLATES, Input.FILES}),
             where=Where.PROCESS, slow=True, heavy_imports=("weasyprint",)),
    Renderer("sitemap", "sitegen.render.sitemap", inputs=frozenset({Input.SITE, Input.URLS, Input.TEMPLATES}),
             needs=frozenset({Need.PAGES})),
    Renderer("headers", "sitegen.render.headers", inputs=frozenset()),  # reads no content: made again only when the code changes
    # Reads every page, so it depends on everything; a check runs it dry (there is no index to check).
    Renderer("search", "sitegen.render.search", inputs=None, needs=frozenset({Need.PAGES, Need.HTML}), where=Where.THREAD,
             slow=True),
)


def check_registry(registry: Iterable[Renderer]) -> tuple[Renderer, ...]:
    """The registry, after checking what no single entry can: unique names, and the pages made first."""
    entries = tuple(registry)
    names = [r.name for r in entries]
    if len(set(names)) != len(names):
        raise TypeError(f"two renderers share a name: {names}")
    if not entries or entries[0].name != HTML:
        raise TypeError("the HTML renderer must come first: the others may need its pages")
    return entries


check_registry(REGISTRY)


def for_mode(mode: Mode, registry: Iterable[Renderer] = REGISTRY) -> list[Renderer]:
    """The renderers a mode runs, in the registry's order."""
    return [r for r in registry if mode in r.modes]
