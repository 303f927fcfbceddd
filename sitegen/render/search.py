"""Search renderer: a Pagefind index of the rendered pages, so /sok/ works on static hosting with no server.

Pagefind reads `lang="sv"` on each page and indexes it with Swedish stemming. Only the content inside
`data-pagefind-body` (the main area of content pages, see base.html) is indexed, never menus or footers.
The pages go to Pagefind from memory (pagefind_service.py), with no copy of the site on disk; the preview
keeps one warm index and sends it only the pages that changed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from ..errors import BuildError, Problem
from . import Context, Output
from .pagefind_service import Index, PagefindFailed

BUNDLE = "pagefind"
MISSING = ("Sökfunktionen byggdes inte, eftersom programmet Pagefind saknas. Sidan /sok/ hänvisar då till "
           "webbplatskartan. Installera Pagefind med `make site` (eller `pip install 'pagefind[bin]'`) och bygg igen.")


def executable() -> Path | None:
    """The Pagefind program: the one shipped in the `pagefind_bin` wheel, else one on PATH, else None."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        return Path(found) if found else None


def render(ctx: Context) -> Iterator[Output | Problem]:
    if ctx.dry:  # `sitegen check` looks for errors in the content; the index has none to find
        return
    program = executable()
    if program is None:
        yield Problem("Sökfunktionen", None, None, MISSING, "varning")
        return
    index = ctx.resources.get("search_index")
    own = index is None
    index = index or Index(program)
    try:
        files = index.update([(rel, ctx.html[rel]) for rel in sorted(ctx.html)])
    except (PagefindFailed, OSError) as exc:
        raise BuildError(f"Sökindexet gick inte att bygga (Pagefind: {exc}). Ingenting publicerades.") from exc
    finally:
        if own:
            index.close()
    for path, data in files:
        yield f"{BUNDLE}/{path}", data
