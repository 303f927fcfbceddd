"""The build: load → validate → model → render → publish, in that order, nothing written before all is checked.

Builds are incremental (see incremental.py): a unit whose inputs are unchanged is not rendered again, and
a file whose bytes are unchanged is not written again. `clean=True` ignores every cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError, ContentError, Problem
from .incremental import (
    GROUPS,
    Fingerprints,
    Inputs,
    Manifest,
    common_fingerprint,
    digest,
    files_under,
    page_key,
    record,
    recording,
)
from .outdir import MARK
from .parallel import can_fork, fork_pool, split

if TYPE_CHECKING:  # the heavy modules are imported only by the steps that need them
    from .model import SiteModel
    from .render import Context

_UNTOUCHED = "Ingenting publicerades; den förra versionen av webbplatsen finns kvar."

# Above this many pages to render, the pages are split across processes (one per core).
PARALLEL_PAGES = 200


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


def _load_site() -> Callable[[Path, dt.date], SiteModel]:
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


def check(content: Path, today: dt.date | None = None, templates: Path | None = None) -> SiteModel:
    """Loads and validates all content without writing anything; raises ContentError.

    With `templates`, every output is also rendered in memory, so broken links and template errors show
    up here as they would in a build.
    """
    from .sources import sanitiser_warnings

    model = _load_site()(content, resolve_today(today))
    model.warnings.extend(sanitiser_warnings(model)[0])
    if templates is not None:
        render(model, templates, check_only=True)
    return model


def _template_failure(exc: Exception, templates: Path) -> str:
    """Where in the templates (or else in the generator) an unexpected exception came from, in Swedish."""
    frames = traceback.extract_tb(exc.__traceback__)
    root = templates.resolve()
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.is_absolute() and path.resolve().is_relative_to(root):
            name = path.resolve().relative_to(root).as_posix()
            return f"Mallen {name}, rad {frame.lineno}, gick inte att använda: {type(exc).__name__}: {exc}. {_UNTOUCHED}"
    where = f" ({Path(frames[-1].filename).name}, rad {frames[-1].lineno})" if frames else ""
    return f"Bygget misslyckades{where}: {type(exc).__name__}: {exc}. {_UNTOUCHED}"


def _templates_exist(templates: Path) -> None:
    if not templates.is_dir():
        raise BuildError(f"Mappen med mallarna, {templates}, finns inte. Kör kommandot från projektets mapp eller "
                         "ange mallarna med --templates.")


def _template_errors(step: Callable[[], Any], templates: Path) -> Any:
    """Runs a rendering step; any failure becomes a BuildError in Swedish, and nothing is published."""
    import jinja2

    try:
        return step()
    except BuildError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"Mallen {exc.filename or exc.name}, rad {exc.lineno}, har ett syntaxfel: {exc.message}. "
                         f"{_UNTOUCHED}") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"En mall gick inte att använda: {exc}. {_UNTOUCHED}") from exc
    except Exception as exc:  # a template or renderer that raises: a message, never a half-published site
        if os.environ.get("SITEGEN_DEBUG"):
            raise
        raise BuildError(_template_failure(exc, templates)) from exc


def render(model: SiteModel, templates: Path, check_only: bool = False) -> tuple[dict[str, bytes], Context]:
    """Every output in memory, and the link check over them, without any cache; raises BuildError or ContentError."""
    from .links import check_links
    from .render import Context, render_all
    from .sources import markdown_texts

    _templates_exist(templates)
    ctx = Context(model, templates, check_only=check_only)

    def collect() -> dict[str, bytes]:
        outputs: dict[str, bytes] = {}
        for rel, data in render_all(ctx):
            if rel in outputs:  # two renderers (or a page and a file) claiming one address: never overwrite silently
                raise BuildError(f"Två delar av webbplatsen ska skrivas till samma fil, {rel}. Byt namn på den "
                                 f"ena (en sida, en bilaga eller ett id). {_UNTOUCHED}")
            outputs[rel] = data
        return outputs

    outputs: dict[str, bytes] = _template_errors(collect, templates)
    problems = check_links(list(markdown_texts(model)), outputs)
    if any(p.severity == "fel" for p in problems):
        raise ContentError([*problems, *model.warnings])
    model.warnings.extend(problems)
    return outputs, ctx



# --- parallel work ------------------------------------------------------------------------------------------

_SHARED: dict[str, Any] = {}  # what forked workers inherit: the context, the common variables and the page plan


def _render_pages(indexes: list[int]) -> list[tuple[bytes, list[str]]]:
    from .render import html

    ctx, common, plan = _SHARED["ctx"], _SHARED["common"], _SHARED["plan"]
    results = []
    for index in indexes:
        url, template_name, variables = plan[index]
        used: set[str] = set()
        data = html.render_page(ctx, recording(common, ctx.model, used), url, template_name, variables)
        results.append((data, sorted(used)))
    return results


def _warm_up(module: str) -> None:
    """In a renderer's own process, before the content is loaded: import the renderer and its libraries."""
    import importlib

    for name in (module, *getattr(importlib.import_module(module), "HEAVY_IMPORTS", ())):
        importlib.import_module(name)


def _run_renderer(name: str, model: SiteModel, templates: Path) -> list[tuple[str, bytes]]:
    """One renderer in its own process, on a copy of the model sent to it."""
    from .render import Context, _renderers

    renderer = dict(_renderers())[name]
    return list(renderer(Context(model, templates)))


# --- the build ----------------------------------------------------------------------------------------------

def _renderer_depends(renderer: Callable[..., Any]) -> tuple[str, ...]:
    module = sys.modules.get(renderer.__module__)
    depends = getattr(module, "DEPENDS", None)
    return tuple(depends) if depends is not None else GROUPS


def _identity(renderer: Callable[..., Any]) -> str:
    """Which function renders: a renderer replaced at run time (a plug-in, a test) is not the one cached."""
    code = getattr(renderer, "__code__", None)
    body = digest(code.co_code, code.co_filename, str(code.co_firstlineno)) if code is not None else repr(type(renderer))
    return f"{getattr(renderer, '__module__', '')}.{getattr(renderer, '__qualname__', '')}:{body}"


def _in_own_process(renderer: Callable[..., Any]) -> bool:
    return bool(getattr(sys.modules.get(renderer.__module__), "OWN_PROCESS", False))


def _in_own_thread(renderer: Callable[..., Any]) -> bool:
    """A renderer that mostly waits for a program of its own (the search index) runs beside the others."""
    return bool(getattr(sys.modules.get(renderer.__module__), "OWN_THREAD", False))


def _list_outputs(renderer: Callable[[Context], Iterable[tuple[str, bytes]]], ctx: Context) -> list[tuple[str, bytes]]:
    return list(renderer(ctx))


def _cache_folder(out: Path, name: str) -> Path:
    folder = Manifest.path_for(out).parent / name
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _warnings_of(manifest: Manifest) -> list[Problem]:
    return [Problem(**w) for w in manifest.warnings]


def build(content: Path, out: Path, templates: Path, today: dt.date | None = None, clean: bool = False,
          dry_run: bool = False) -> BuildResult:
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
        return _build(content, out, templates, today, clean, dry_run)
    with locked(out):
        guard(out, content, templates)  # the folder may have changed while this build waited
        with scratch(out):
            return _build(content, out, templates, today, clean, dry_run)


def _build(content: Path, out: Path, templates: Path, today: dt.date | None, clean: bool,
           dry_run: bool) -> BuildResult:
    started = time.perf_counter()
    today = resolve_today(today)
    inputs = Inputs.scan(content, templates, today)
    old = None if clean else Manifest.load(out)
    if old is not None and old.inputs == inputs.total and old.untouched(out):
        return BuildResult(old.pages, len(old.files), sum(r[1] for r in old.files.values()),
                           time.perf_counter() - started, _warnings_of(old), counts=old.counts)
    if old is None:
        old = Manifest()
    intact = old.intact(out) if old.files else set()

    details = {"scan": time.perf_counter() - started}
    from .render import Context, _renderers, html, url_to_path

    def reusable(name: str, key: str | None) -> bool:
        unit = old.units.get(name)
        return (key is not None and unit is not None and unit["key"] == key
                and all(rel in intact for rel in unit["outputs"]))

    def keep(name: str) -> None:
        new.units[name] = old.units[name]
        for rel in old.units[name]["outputs"]:
            new.files[rel] = old.files[rel]

    group_digests = dict(inputs.groups)  # and "urls", once the pages are planned

    def renderer_key(name: str, renderer: Callable[..., Any]) -> str | None:
        depends = sorted(set(_renderer_depends(renderer)))
        if any(g not in group_digests for g in depends):
            return None  # not known yet
        return digest(name, _identity(renderer), inputs.groups["code"], inputs.groups["epoch"],
                      *(f"{g}={group_digests[g]}" for g in depends))

    # Renderers that run in their own process (the PDF) get it now, so it loads their heavy libraries while
    # this one loads the content; they start work as soon as the content is checked, beside the pages.
    renderers = _renderers()
    others = [(name, renderer) for name, renderer in renderers if name != "html"]
    own = [(n, r) for n, r in others if _in_own_process(r) and not dry_run and not reusable(n, renderer_key(n, r))]
    background: dict[str, Any] = {}
    pool = threads = None
    if own and can_fork():
        pool = fork_pool(len(own))
        for _, renderer in own:
            pool.submit(_warm_up, renderer.__module__)

    try:
        from .sources import sanitiser_warnings

        model = _load_site()(content, today)
        details["load"] = time.perf_counter() - started
        sanitised, removals = sanitiser_warnings(model, old.known_removals(inputs.groups["code"]))
        model.warnings.extend(sanitised)
        details["markdown"] = time.perf_counter() - started
        _templates_exist(templates)
        ctx = Context(model, templates, check_only=dry_run)
        import jinja2

        # Compiled templates are kept between builds (checked against each template's source by Jinja).
        jinja_cache = Manifest.path_for(out).parent / "jinja" if dry_run else _cache_folder(out, "jinja")
        if jinja_cache.is_dir():
            ctx.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(jinja_cache))
        counts = {"pages": len(model.pages), "news": len(model.news), "associations": len(model.associations),
                  "events": len(model.events)}
        new = Manifest(inputs.total, pages=0, removals={"code": inputs.groups["code"], "texts": removals},
                       counts=counts)
        rendered: dict[str, bytes] = {}
        units_rendered = 0
        plan = list(html.plan(model))
        group_digests["urls"] = digest(*(url for url, _, _ in plan))
        if pool is not None:
            background = {n: pool.submit(_run_renderer, n, model, templates) for n, r in own
                          if not reusable(n, renderer_key(n, r))}

        # HTML: one unit per page.
        fingerprints = Fingerprints(model)
        common = html.common_variables(model)
        # The day is part of every page's key: template globals (the calendar helpers) may read it unseen.
        base_key = digest("html", inputs.groups["code"], inputs.groups["templates"], inputs.groups["epoch"],
                          inputs.groups["today"], common_fingerprint(fingerprints, common))
        todo: list[tuple[int, str]] = []
        bases: dict[int, str] = {}
        for index, (url, template_name, variables) in enumerate(plan):
            ctx.pages.append(url)
            name = f"html:{url}"
            try:
                bases[index] = digest(base_key, url, template_name, fingerprints.of(variables))
            except Exception:  # noqa: BLE001 - any value we cannot fingerprint means: render it
                bases[index] = ""
            unit = old.units.get(name)
            key = page_key(fingerprints, bases[index], unit["deps"]) if unit and bases[index] else None
            if reusable(name, key):
                keep(name)
            else:
                todo.append((index, name))
        details["keys"] = time.perf_counter() - started
        if todo:
            _SHARED.update(ctx=ctx, common=common, plan=plan)
            for template_name in {plan[i][1] for i, _ in todo}:  # compiled once, before any fork
                _template_errors(functools.partial(ctx.env.get_template, template_name), templates)
            indexes = [i for i, _ in todo]
            results = dict(zip(indexes, _template_errors(lambda: split(indexes, _render_pages, PARALLEL_PAGES),
                                                         templates), strict=True))
            for index, name in todo:
                data, deps = results[index]
                rel = url_to_path(plan[index][0])
                rendered[rel] = data
                key = page_key(fingerprints, bases[index], deps) if bases[index] else None
                new.units[name] = {"key": key, "deps": deps, "outputs": [rel]}
                units_rendered += 1
        new.pages = len(plan)
        for url, _, _ in plan:  # every page's HTML for renderers that read them all (the search index)
            rel = url_to_path(url)
            if rel in rendered:
                ctx.html[rel] = rendered[rel]
            elif not dry_run:  # a check makes no search index, so it need not read the published pages
                ctx.html[rel] = (out / rel).read_bytes()
        details["pages"] = time.perf_counter() - started

        # Renderers that read the finished pages and wait for a program of their own start now.
        beside = [(n, r) for n, r in others if _in_own_thread(r) and not reusable(n, renderer_key(n, r))]
        if beside:
            threads = ThreadPoolExecutor(max_workers=len(beside))
            background.update({n: threads.submit(_list_outputs, r, ctx) for n, r in beside})

        # Every other renderer: one unit each, keyed by the input groups it declares.
        for name, renderer in others:
            key = renderer_key(name, renderer)
            if name not in background and reusable(name, key):
                keep(name)
                continue
            if name in background:
                outputs = _template_errors(background[name].result, templates)
            else:
                outputs = _template_errors(functools.partial(_list_outputs, renderer, ctx), templates)
            for rel, data in outputs:
                if rel in rendered or rel in new.files:  # two outputs for one address: never overwrite silently
                    raise BuildError(f"Två delar av webbplatsen ska skrivas till samma fil, {rel}. Byt namn på den "
                                     f"ena (en sida, en bilaga eller ett id). {_UNTOUCHED}")
                rendered[rel] = data
            new.units[name] = {"key": key, "deps": [], "outputs": [rel for rel, _ in outputs]}
            units_rendered += 1
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if threads is not None:
            threads.shutdown(cancel_futures=True)
        _SHARED.clear()

    details["render"] = time.perf_counter() - started
    from .links import check_links
    from .sources import markdown_texts

    problems = check_links(list(markdown_texts(model)), _Outputs(rendered, set(new.files), out))
    if any(p.severity == "fel" for p in problems):
        raise ContentError([*problems, *model.warnings])
    model.warnings.extend(problems)
    new.warnings = [dataclasses.asdict(w) for w in model.warnings]
    if dry_run:
        return BuildResult(len(plan), len(new.files), 0, time.perf_counter() - started, model.warnings,
                           units_rendered, 0, details, counts)
    try:
        written = _publish(out, old, new, rendered, intact)
    except OSError as exc:
        raise BuildError(f"Webbplatsen kunde inte skrivas till {out}: {exc.strerror or exc} "
                         f"({exc.filename or out}). {_UNTOUCHED}") from exc
    new.save(out)
    details["publish"] = time.perf_counter() - started
    if os.environ.get("SITEGEN_TIMINGS"):
        print(" ".join(f"{k}={v:.2f}" for k, v in details.items()), file=sys.stderr)
    return BuildResult(len(plan), len(new.files), sum(r[1] for r in new.files.values()),
                       time.perf_counter() - started, model.warnings, units_rendered, written, details, counts)


class _Outputs(Mapping[str, bytes]):
    """Every output of the build for the link check: the new bytes, or the published file's when it was reused."""

    def __init__(self, rendered: dict[str, bytes], reused: set[str], out: Path) -> None:
        self._rendered, self._reused, self._out = rendered, reused - set(rendered), out

    def __getitem__(self, rel: str) -> bytes:
        if rel in self._rendered:
            return self._rendered[rel]
        if rel in self._reused:
            return (self._out / rel).read_bytes()
        raise KeyError(rel)

    def __iter__(self) -> Iterator[str]:
        yield from self._rendered
        yield from self._reused

    def __len__(self) -> int:
        return len(self._rendered) + len(self._reused)

    def __contains__(self, rel: object) -> bool:
        return rel in self._rendered or rel in self._reused


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
    strays = [rel for rel, _ in files_under(out) if rel not in new.files and rel not in changed and rel != MARK]
    if not changed and not gone and not strays and (out / MARK).is_file():
        return 0  # the published site is already exactly this build: no swap, no write
    publish({rel: rendered[rel] for rel in changed}, out, unchanged=sorted(new.files))
    for rel in changed:
        new.files[rel] = record(out / rel, rendered[rel])
    return len(changed) + len(gone) + len(strays)
