"""Search renderer: a Pagefind index of the rendered pages, so /sok/ works on static hosting with no server.

Pagefind reads `lang="sv"` on each page and indexes it with Swedish stemming. Only the content inside
`data-pagefind-body` (the main area of content pages, see base.html) is indexed, never menus or footers.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import BuildError, Problem
from ..outdir import scratch_folder
from ..parallel import child_setup
from ..publish import Tree
from . import Context, Output

BUNDLE = "pagefind"
# Pagefind is a program of its own: it indexes while the build goes on with the feeds and the other files.
OWN_THREAD = True
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


def render(ctx: Context) -> Iterator[Output]:
    if ctx.check_only:  # `sitegen check` looks for errors in the content; the index has none to find
        return
    program = executable()
    if program is None:
        ctx.model.warnings.append(Problem("Sökfunktionen", None, None, MISSING, "varning"))
        return
    with tempfile.TemporaryDirectory(prefix="sitegen-search-", dir=scratch_folder()) as tmp:
        site = Path(tmp)
        tree = Tree(site)
        for rel, html in ctx.html.items():
            tree.path(rel).write_bytes(html)
        run = subprocess.run([str(program), "--site", str(site), "--output-subdir", BUNDLE, "--silent"],
                             capture_output=True, text=True, check=False, preexec_fn=child_setup())
        if run.returncode != 0:
            raise BuildError(f"Sökindexet gick inte att bygga (Pagefind avslutades med kod {run.returncode}): "
                             f"{(run.stderr or run.stdout).strip()[:500]}. Ingenting publicerades.")
        bundle = site / BUNDLE
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                yield f"{BUNDLE}/{path.relative_to(bundle).as_posix()}", path.read_bytes()
