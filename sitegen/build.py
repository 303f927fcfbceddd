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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError, Problem
from .incremental import (
    GROUPS,
    FileRecord,
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

if TYPE_CHECKING:  # the heavy modules are imported only by the steps that need them
    from .model import SiteModel
    from .render import Context

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


def check(content: Path, today: dt.date | None = None) -> SiteModel:
    """Loads and validates all content without writing anything; raises ContentError."""
    from .model import load_site

    return load_site(content, resolve_today(today))


def _template_errors(step: Callable[[], Any]) -> Any:
    import jinja2

    try:
        return step()
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"Mallen {exc.filename or exc.name}, rad {exc.lineno}, har ett syntaxfel: {exc.message}. "
                         "Ingenting publicerades.") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"En mall gick inte att använda: {exc}. Ingenting publicerades.") from exc


def render(model: SiteModel, templates: Path) -> tuple[dict[str, bytes], Context]:
    """Every output of the site at once, without any cache."""
    from .render import Context, render_all

    ctx = Context(model, templates)
    outputs = _template_errors(lambda: dict(render_all(ctx)))
    return outputs, ctx


# --- parallel work ------------------------------------------------------------------------------------------

_SHARED: dict[str, Any] = {}  # what forked workers inherit: the context and the page plan


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


def _run_renderer(name: str) -> list[tuple[str, bytes]]:
    from .render import _renderers

    renderer = dict(_renderers())[name]
    return list(renderer(_SHARED["ctx"]))


def _fork_pool(workers: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def _can_fork() -> bool:
    return sys.platform != "win32" and (os.cpu_count() or 1) > 1


# --- the build ----------------------------------------------------------------------------------------------

def _renderer_depends(renderer: Callable[..., Any]) -> tuple[str, ...]:
    module = sys.modules.get(renderer.__module__)
    depends = getattr(module, "DEPENDS", None)
    return tuple(depends) if depends is not None else GROUPS


def _in_own_process(renderer: Callable[..., Any]) -> bool:
    return bool(getattr(sys.modules.get(renderer.__module__), "OWN_PROCESS", False))


def _list_outputs(renderer: Callable[[Context], Iterable[tuple[str, bytes]]], ctx: Context) -> list[tuple[str, bytes]]:
    return list(renderer(ctx))


def _cache_folder(out: Path, name: str) -> Path:
    folder = Manifest.path_for(out).parent / name
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _warnings_of(manifest: Manifest) -> list[Problem]:
    return [Problem(**w) for w in manifest.warnings]


def build(content: Path, out: Path, templates: Path, today: dt.date | None = None, clean: bool = False) -> BuildResult:
    """Builds the whole site from `content` into `out`, redoing only what changed unless `clean`."""
    started = time.perf_counter()
    today = resolve_today(today)
    inputs = Inputs.scan(content, templates, today)
    old = None if clean else Manifest.load(out)
    if old is not None and old.inputs == inputs.total and old.untouched(out):
        return BuildResult(old.pages, len(old.files), sum(r[1] for r in old.files.values()),
                           time.perf_counter() - started, _warnings_of(old))
    if old is None:
        old = Manifest()
    intact = old.intact(out) if old.files else set()

    details = {"scan": time.perf_counter() - started}
    model = check(content, today)
    details["load"] = time.perf_counter() - started
    from .render import Context, _renderers, html, url_to_path

    ctx = Context(model, templates)
    import jinja2

    # Compiled templates are kept between builds (checked against each template's source by Jinja).
    ctx.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_cache_folder(out, "jinja")))
    new = Manifest(inputs.total, pages=0, warnings=[dataclasses.asdict(w) for w in model.warnings])
    rendered: dict[str, bytes] = {}
    units_rendered = 0

    def reusable(name: str, key: str | None) -> bool:
        unit = old.units.get(name)
        return (key is not None and unit is not None and unit["key"] == key
                and all(rel in intact for rel in unit["outputs"]))

    def keep(name: str) -> None:
        new.units[name] = old.units[name]
        for rel in old.units[name]["outputs"]:
            new.files[rel] = old.files[rel]

    renderers = _renderers()
    plan = list(html.plan(model))
    urls_digest = digest(*(url for url, _, _ in plan))
    group_digests = {**inputs.groups, "urls": urls_digest}

    def renderer_key(name: str, renderer: Callable[..., Any]) -> str:
        depends = sorted(set(_renderer_depends(renderer)))
        return digest(name, inputs.groups["code"], inputs.groups["epoch"], *(f"{g}={group_digests[g]}" for g in depends))

    # Renderers that run in their own process (the PDF) start first, so they work while the pages render.
    background: dict[str, Any] = {}
    pool = None
    _SHARED.update(ctx=ctx)
    others = [(name, renderer) for name, renderer in renderers if name != "html"]
    own = [(n, r) for n, r in others if _in_own_process(r) and not reusable(n, renderer_key(n, r))]
    if own and _can_fork():
        pool = _fork_pool(len(own))
        background = {name: pool.submit(_run_renderer, name) for name, _ in own}

    try:
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
            _SHARED.update(common=common, plan=plan)
            for template_name in {plan[i][1] for i, _ in todo}:  # compiled once, before any fork
                _template_errors(functools.partial(ctx.env.get_template, template_name))
            indexes = [i for i, _ in todo]
            if len(todo) > PARALLEL_PAGES and _can_fork():
                workers = os.cpu_count() or 2
                chunks = [indexes[w::workers] for w in range(workers)]
                with _fork_pool(workers) as page_pool:
                    parts = _template_errors(lambda: list(page_pool.map(_render_pages, chunks)))
                results = dict(zip((i for chunk in chunks for i in chunk), (r for part in parts for r in part),
                                   strict=True))
            else:
                results = dict(zip(indexes, _template_errors(lambda: _render_pages(indexes)), strict=True))
            for index, name in todo:
                data, deps = results[index]
                rel = url_to_path(plan[index][0])
                rendered[rel] = data
                key = page_key(fingerprints, bases[index], deps) if bases[index] else None
                new.units[name] = {"key": key, "deps": deps, "outputs": [rel]}
                units_rendered += 1
        new.pages = len(plan)
        details["pages"] = time.perf_counter() - started

        # Every other renderer: one unit each, keyed by the input groups it declares.
        for name, renderer in others:
            key = renderer_key(name, renderer)
            if name not in background and reusable(name, key):
                keep(name)
                continue
            if name in background:
                outputs = _template_errors(background[name].result)
            else:
                outputs = _template_errors(functools.partial(_list_outputs, renderer, ctx))
            for rel, data in outputs:
                rendered[rel] = data
            new.units[name] = {"key": key, "deps": [], "outputs": [rel for rel, _ in outputs]}
            units_rendered += 1
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _SHARED.clear()

    details["render"] = time.perf_counter() - started
    written = _publish(out, old, new, rendered, intact)
    new.save(out)
    details["publish"] = time.perf_counter() - started
    if os.environ.get("SITEGEN_TIMINGS"):
        print(" ".join(f"{k}={v:.2f}" for k, v in details.items()), file=sys.stderr)
    return BuildResult(len(plan), len(new.files), sum(r[1] for r in new.files.values()),
                       time.perf_counter() - started, model.warnings, units_rendered, written, details)


def _publish(out: Path, old: Manifest, new: Manifest, rendered: dict[str, bytes], intact: set[str]) -> int:
    """Puts the rendered files into `out`; returns how many files were written or removed.

    When every file is new (a cold build) the whole folder is written beside `out` and swapped in. Otherwise
    only the files whose bytes changed are replaced, each atomically, and files no longer made are removed.
    """
    from .publish import publish

    out = out.resolve()
    reused = set(new.files)
    if not intact:  # a cold build: write the folder anew beside `out` and swap it in
        publish(rendered, out)
        for rel, data in rendered.items():
            new.files[rel] = record(out / rel, data)
        return len(rendered)
    changed = {rel for rel, data in rendered.items()
               if not (rel in intact and old.files[rel][0] == digest(data))}
    for rel in rendered:
        if rel not in changed:
            new.files[rel] = old.files[rel]
    gone = [rel for rel in old.files if rel not in rendered and rel not in reused]
    strays = _strays(out, set(rendered) | reused)
    for rel in sorted(changed):
        new.files[rel] = _write(out / rel, rendered[rel])
    for rel in [*gone, *strays]:
        _remove(out, rel)
    return len(changed) + len(gone) + len(strays)


def _strays(out: Path, expected: set[str]) -> list[str]:
    """Files in `out` that no build made (left by hand): a clean build would not have them either."""
    return [rel for rel, _ in files_under(out) if rel not in expected]


def _write(path: Path, data: bytes) -> FileRecord:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return record(path, data)


def _remove(out: Path, rel: str) -> None:
    path = out / rel
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == out or not parent.is_relative_to(out):
            break
        try:
            parent.rmdir()
        except OSError:
            break
