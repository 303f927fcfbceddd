"""The build: load → validate → model → render → publish, in that order, nothing written before all is checked.

Builds are incremental (see incremental.py): a unit whose inputs are unchanged is not rendered again, and
a file whose bytes are unchanged is not written again. `clean=True` ignores every cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import renderers
from .errors import BuildError, Problem
from .incremental import Inputs, Manifest, digest, quick_files, record
from .memos import Memos
from .outdir import MARK
from .parallel import PARALLEL_PAGES
from .progress import Progress
from .renderers import Mode

if TYPE_CHECKING:  # the heavy modules are imported only by the steps that need them (a no-change build: none)
    from .engine import Previous, Session
    from .model import SiteModel
    from .render import Context

_UNTOUCHED = "Ingenting publicerades; den förra versionen av webbplatsen finns kvar."


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the CLI's summary."""

    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: list[Problem]
    rendered: int = 0  # units (pages, renderers) rendered anew
    written: int = 0  # files written or removed in the output folder
    details: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # pages, news, associations and events of the content
    reasons: list[tuple[str, str]] = field(default_factory=list)  # why each unit ran again (--explain)


def resolve_today(today: dt.date | None = None) -> dt.date:
    """The build's "today": given, else SOURCE_DATE_EPOCH, else now, all in Swedish time."""
    from zoneinfo import ZoneInfo

    if today is not None:
        return today
    tz = ZoneInfo("Europe/Stockholm")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz).date()
    return dt.datetime.now(tz).date()


def _load_site() -> Callable[..., SiteModel]:
    """model.load_site, imported on first use (a no-change build never needs it); replaceable in tests."""
    replaced = globals().get("load_site")
    if replaced is not None:
        return replaced  # type: ignore[no-any-return]
    from .model import load_site

    return load_site


def __getattr__(name: str) -> Any:
    if name == "load_site":
        return _load_site()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check(content: Path, today: dt.date | None = None, templates: Path | None = None,
          memos: Memos | None = None) -> SiteModel:
    """Loads and validates all content without writing anything; raises ContentError.

    With `templates`, every output is also rendered in memory (the engine in check mode, without a cache),
    so broken links and template errors show up here as they would in a build. `memos` are the run's (new
    unless given: the editor's check shares the preview's converted Markdown).
    """
    memos = memos or Memos()
    if templates is None:
        from .sources import sanitiser_warnings

        model = _load_site()(content, resolve_today(today), None, memos)
        sanitised = sanitiser_warnings(model, None, memos.markdown)[0]
        return dataclasses.replace(model, warnings=(*model.warnings, *sanitised))
    from . import engine

    session = new_session(Mode.CHECK, content, templates, resolve_today(today),
                          engine.Previous.on_disk(content, None), memos=memos)
    outcome = engine.run(session, _load_site())
    assert session.model is not None
    return dataclasses.replace(session.model, warnings=tuple(outcome.warnings))


def render(model: SiteModel, templates: Path, check_only: bool = False) -> tuple[dict[str, bytes], Context]:
    """Every output of a loaded model in memory, with every check: the engine without a cache or a folder.

    With `check_only` it runs as `sitegen check` does (the PDF and the search index dry). Raises BuildError or
    ContentError; returns the outputs and the renderers' context.
    """
    from . import engine

    session = new_session(Mode.CHECK if check_only else Mode.BUILD, model.content_dir, templates, model.today,
                          engine.Previous.on_disk(model.content_dir, None))
    outcome = engine.run(session, lambda *_args, **_kwargs: model)
    assert outcome.ctx is not None
    return dict(outcome.outputs), outcome.ctx


def new_session(mode: Mode, content: Path, templates: Path, today: dt.date, previous: Previous | None = None,
                out: Path | None = None, progress: Progress | None = None, jinja_cache: Any = None,
                inputs: Inputs | None = None, resources: dict[str, Any] | None = None, memos: Memos | None = None,
                scratch: Path | None = None) -> Session:
    """A session for one run of the engine; `memos` are new unless given (the preview keeps its own), temporary
    files go to `scratch` (the system's temporary folder when None)."""
    from .engine import Previous, Session

    inputs = inputs or Inputs.scan(content, templates, today, (resources or {}).get("scan_memo"))
    if previous is None:
        previous = Previous.on_disk(out, Manifest.load(out)) if out is not None else Previous.on_disk(content, None)
    session = Session(mode, content, templates, today, inputs, previous, registry=renderers.REGISTRY,
                      progress=progress or Progress(), jinja_cache=jinja_cache,
                      resources=resources or {}, memos=memos or Memos(), scratch=scratch,
                      parallel_pages=PARALLEL_PAGES)
    session.groups = dict(inputs.groups)
    return session


def _cache_folder(out: Path, name: str, create: bool) -> Path | None:
    folder = Manifest.path_for(out).parent / name
    if create:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
    return folder if folder.is_dir() else None


def _jinja_cache(out: Path, create: bool, code: str) -> Any:
    """Compiled templates kept between builds, beside the output folder.

    Jinja checks each against its template's source, but the compiled code also depends on sitegen's own
    (a filter that now takes the template's context is called differently), so the files are named by the
    digest of sitegen's code (`code`), and those of other versions are removed.
    """
    import jinja2

    folder = _cache_folder(out, "jinja", create)
    if folder is None:
        return None
    prefix = f"{code[:16]}-"
    if create:
        for stale in folder.glob("*.cache"):
            if not stale.name.startswith(prefix):
                stale.unlink(missing_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder), f"{prefix}%s.cache")


def _warnings_of(manifest: Manifest) -> list[Problem]:
    return [Problem(**w) for w in manifest.warnings]


def _unchanged(inputs: Inputs, old: Manifest | None, out: Path, started: float) -> BuildResult | None:
    """The result of a run with nothing to do: the inputs and the published files are exactly the last build's."""
    if old is None or old.inputs != inputs.total or not old.untouched(out):
        return None
    return BuildResult(old.pages, len(old.files), sum(r[1] for r in old.files.values()),
                       time.perf_counter() - started, _warnings_of(old), counts=old.counts)


def build(content: Path, out: Path, templates: Path, today: dt.date | None = None, clean: bool = False,
          dry_run: bool = False, progress: Progress | None = None) -> BuildResult:
    """Builds the whole site from `content` into `out`, redoing only what changed unless `clean`.

    With `dry_run` (`sitegen check`) every check of a build is made, but nothing is published and the cache
    is left as it was: only what changed since the last build of `out` is rendered, in memory, without the
    slow binary outputs (the PDF and the search index).

    A folder that is not the site's own (see outdir.py) is refused before anything is read or written. A build
    holds the folder's lock from start to end, so a second build into it waits for the first, then begins
    from what the first published; its temporary files live in the cache beside the folder.
    """
    from .outdir import guard, locked, scratch

    guard(out, content, templates)
    if dry_run:  # writes nothing, so it neither waits for a build nor makes anyone wait
        return _build(content, out, templates, today, clean, dry_run, progress)
    with locked(out):
        guard(out, content, templates)  # the folder may have changed while this build waited
        with scratch(out) as folder:
            return _build(content, out, templates, today, clean, dry_run, progress, folder)


def _build(content: Path, out: Path, templates: Path, today: dt.date | None, clean: bool,
           dry_run: bool, progress: Progress | None, folder: Path | None = None) -> BuildResult:
    started = time.perf_counter()
    today = resolve_today(today)
    inputs = Inputs.scan(content, templates, today)
    old = None if clean else Manifest.load(out)
    nothing = _unchanged(inputs, old, out, started)
    if nothing is not None:
        return nothing
    from . import engine, kept
    from .memos import Memos

    checks, links = kept.load(out, inputs.groups["code"]) if old is not None else (None, {})
    session = new_session(Mode.CHECK if dry_run else Mode.BUILD, content, templates, today,
                          engine.Previous.on_disk(out, old), progress=progress, inputs=inputs,
                          jinja_cache=_jinja_cache(out, not dry_run, inputs.groups["code"]), scratch=folder,
                          resources={"link_memo": links}, memos=Memos(checks=checks) if checks is not None else None)
    session.timings["scan"] = time.perf_counter() - started
    with _search_prefilled(session, out, old):
        outcome = engine.run(session, _load_site())
    written = 0 if dry_run else _publish_session(session, out)
    session.progress.finish()
    if os.environ.get("SITEGEN_TIMINGS"):
        print(" ".join(f"{k}={v:.2f}" for k, v in session.timings.items()), file=sys.stderr)
    files = session.new.files if not dry_run else {rel: [0, 0, 0] for rel in outcome.outputs}
    return BuildResult(outcome.pages, len(files), sum(r[1] for r in session.new.files.values()) if not dry_run else 0,
                       time.perf_counter() - started, outcome.warnings, outcome.rendered, written,
                       dict(session.timings), session.new.counts, outcome.reasons)


@contextlib.contextmanager
def _search_prefilled(session: Session, out: Path, old: Manifest | None) -> Iterator[None]:
    """A build after an edit gives the search index the last build's pages while the content loads.

    Most pages come out as before, so Pagefind (in its own process, on the other core) reads them meanwhile;
    the search renderer then sends only the pages that came out different (render/pagefind_service.py).
    """
    index = _prefilled_index(out, old) if session.mode is Mode.BUILD and old is not None else None
    if index is not None:
        session.resources["search_index"] = index
    try:
        yield
    finally:
        if index is not None:
            index.close()


def _prefilled_index(out: Path, old: Manifest) -> Any:
    from .render.pagefind_service import Index
    from .render.search import executable
    from .renderers import HTML

    program = executable()
    pages = sorted(unit["outputs"][0] for name, unit in old.units.items()
                   if name.startswith(f"{HTML}:") and len(unit["outputs"]) == 1)
    if program is None or not pages or "search" not in old.units:
        return None
    index = Index(program)
    index.prefill(lambda: [(rel, (out / rel).read_bytes()) for rel in pages])
    return index


def _publish_session(session: Session, out: Path) -> int:
    """Publishes the run into `out` and saves the build state; returns the files written or removed."""
    session.new.warnings = [dataclasses.asdict(w) for w in session.problems]
    try:
        written = _publish(out, session.previous.manifest, session.new, session.rendered, session.previous.intact)
    except OSError as exc:
        raise BuildError(f"Webbplatsen kunde inte skrivas till {out}: {exc.strerror or exc} "
                         f"({exc.filename or out}). {_UNTOUCHED}") from exc
    session.new.save(out)
    from . import kept

    kept.save(out, session.inputs.groups["code"], session.memos.checks, session.resources["link_memo"])
    session.lap("publish")
    return written


def _publish(out: Path, old: Manifest, new: Manifest, rendered: dict[str, bytes], intact: set[str]) -> int:
    """Puts the rendered files into `out`; returns how many files were written or removed.

    The site is always swapped in whole (publish.py). When some files are unchanged they are not written
    again but hard-linked from the published site; when nothing changed at all, nothing is touched.
    """
    from .publish import publish

    out = out.resolve()
    if not intact:  # a cold build: every file is new
        publish(rendered, out)
        for rel, data in rendered.items():
            new.files[rel] = record(out / rel, data)
        return len(rendered)
    changed = {rel for rel, data in rendered.items()
               if not (rel in intact and old.files[rel][0] == digest(data))}
    for rel in rendered:
        if rel not in changed:
            new.files[rel] = old.files[rel]
    gone = [rel for rel in old.files if rel not in new.files and rel not in changed]
    strays = [rel for rel in quick_files(out) if rel not in new.files and rel not in changed and rel != MARK]
    if not changed and not gone and not strays and (out / MARK).is_file():
        return 0  # the published site is already exactly this build: no swap, no write
    publish({rel: rendered[rel] for rel in changed}, out, unchanged=sorted(new.files))
    for rel in changed:
        new.files[rel] = record(out / rel, rendered[rel])
    return len(changed) + len(gone) + len(strays)
