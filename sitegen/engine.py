"""The one build engine: `sitegen build`, `sitegen check` and the preview run the same phases, with a mode.

    scan → load and validate → plan → render what is stale → check links → publish or report

A run works on a Session, passed explicitly from phase to phase: the inputs, what the previous run made
(on disk for a build, in memory for the preview), the model, the templates and the new build state.
The unit of work is one HTML page or one other renderer's output; each records the key of its inputs,
so a unit whose inputs are unchanged is reused (and `--explain` can say why one was not).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import explain, renderers
from .errors import BuildError, ContentError, Problem
from .incremental import Fingerprints, Inputs, Manifest, common_fingerprint, digest, page_key, recording
from .memos import Memos
from .parallel import PARALLEL_PAGES, can_fork, fork_pool, split
from .progress import Progress
from .renderers import HTML, Mode, Renderer, Where

if TYPE_CHECKING:
    from .model import SiteModel
    from .render import Context

UNTOUCHED = "Ingenting publicerades; den förra versionen av webbplatsen finns kvar."
Plan = list[tuple[str, str, dict[str, Any]]]


@dataclass
class Previous:
    """What the last run made: its build state, which of its files are still as made, and their bytes."""

    manifest: Manifest
    intact: set[str]
    read: Callable[[str], bytes]

    @classmethod
    def on_disk(cls, out: Path, manifest: Manifest | None) -> Previous:
        manifest = manifest or Manifest()
        intact = manifest.intact(out) if manifest.files else set()
        return cls(manifest, intact, lambda rel: (out / rel).read_bytes())

    @classmethod
    def in_memory(cls, manifest: Manifest, outputs: Mapping[str, bytes]) -> Previous:
        return cls(manifest, set(outputs) & set(manifest.files), outputs.__getitem__)

    def reusable(self, name: str, key: str | None) -> bool:
        unit = self.manifest.units.get(name)
        return (key is not None and unit is not None and unit["key"] == key
                and all(rel in self.intact for rel in unit["outputs"]))


@dataclass
class Session:
    """One run of the engine: everything the phases share, passed explicitly."""

    mode: Mode
    content: Path
    templates: Path
    today: dt.date
    inputs: Inputs
    previous: Previous
    registry: tuple[Renderer, ...] = renderers.REGISTRY
    progress: Progress = field(default_factory=Progress)
    jinja_cache: Any = None  # Jinja's bytecode cache: a folder beside the output, or memory in the preview
    resources: dict[str, Any] = field(default_factory=dict)  # long-lived helpers of the preview (a warm index)
    memos: Memos = field(default_factory=Memos)  # converted Markdown, git history: the preview keeps them between runs
    scratch: Path | None = None  # the build's folder for temporary files (outdir.scratch); None: the system's
    problems: list[Problem] = field(default_factory=list)  # warnings the stages returned
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (unit, why it ran), for --explain
    # Made by the phases:
    model: SiteModel | None = None
    ctx: Context | None = None
    plan: Plan = field(default_factory=list)
    new: Manifest = field(default_factory=Manifest)
    rendered: dict[str, bytes] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)  # input digests, and "urls" once the pages are planned
    fingerprints: Fingerprints | None = None
    common: dict[str, Any] = field(default_factory=dict)  # what every page template gets
    units_rendered: int = 0
    parallel_pages: int = PARALLEL_PAGES

    def lap(self, name: str) -> None:
        self.timings[name] = time.perf_counter() - self.started - sum(self.timings.values())
        self.progress.done(name)


@dataclass(frozen=True)
class Outcome:
    """What a run made, for the CLI and the preview."""

    pages: int
    rendered: int  # units (pages, renderers) rendered anew
    warnings: list[Problem]
    manifest: Manifest
    outputs: Mapping[str, bytes]  # every output, new or reused (the preview serves these)
    timings: dict[str, float]
    reasons: list[tuple[str, str]]
    deferred: list[Renderer] = field(default_factory=list)  # slow renderers run dry, to be made for real later
    ctx: Context | None = None  # the renderers' context, for the deferred ones


# --- templates and errors ------------------------------------------------------------------------------------

def template_errors(step: Callable[[], Any], templates: Path) -> Any:
    """Runs a rendering step; any failure becomes a BuildError in Swedish, and nothing is published."""
    from .render.failures import translated

    return translated(step, templates, UNTOUCHED)


def templates_exist(templates: Path) -> None:
    if not templates.is_dir():
        raise BuildError(f"Mappen med mallarna, {templates}, finns inte. Kör kommandot från projektets mapp eller "
                         "ange mallarna med --templates.")


# --- phase: load and validate --------------------------------------------------------------------------------

def load(session: Session, load_site: Callable[..., SiteModel]) -> SiteModel:
    """The checked model, and the warnings of loading and sanitising returned into the session."""
    from .sources import sanitiser_warnings

    memo = session.resources.get("file_memo")
    model = load_site(session.content, session.today, memo, session.memos)
    session.problems.extend(model.warnings)
    old = session.previous.manifest
    sanitised, removals = sanitiser_warnings(model, old.known_removals(session.inputs.groups["code"]),
                                             session.memos.markdown, session.memos.checks)
    session.problems.extend(sanitised)
    session.new = Manifest(session.inputs.total, pages=0,
                           removals={"code": session.inputs.groups["code"], "texts": removals},
                           counts={"pages": len(model.pages), "news": len(model.news),
                                   "associations": len(model.associations), "events": len(model.events)})
    session.model = model
    session.lap("load")
    return model


def make_context(session: Session, model: SiteModel) -> Context:
    from .render import Context, environment

    templates_exist(session.templates)
    env = environment(session.templates, session.jinja_cache, model.image_size, session.memos)
    return Context(model, session.templates, env, dry=session.mode is Mode.CHECK, resources=session.resources,
                   memos=session.memos, scratch=session.scratch)


# --- phase: plan ---------------------------------------------------------------------------------------------

def plan(session: Session) -> Plan:
    from .render import html

    assert session.model is not None
    session.plan = list(html.plan(session.model))
    session.groups = {**session.inputs.groups, "urls": digest(*(url for url, _, _ in session.plan))}
    session.new.pages = len(session.plan)
    session.lap("plan")
    return session.plan


# --- phase: render what is stale -----------------------------------------------------------------------------

def keep(session: Session, name: str) -> None:
    old = session.previous.manifest
    session.new.units[name] = old.units[name]
    for rel in old.units[name]["outputs"]:
        session.new.files[rel] = old.files[rel]


def _identity(renderer: Renderer) -> str:
    """Which function renders: a renderer replaced at run time (a plug-in, a test) is not the one cached.

    sitegen's own renderers, as their files define them, are named only: their code is in the "code" input
    already, and their modules (the calendar's, the PDF's) need not be imported to see that they are reused.
    """
    if _as_on_disk(renderer):
        return f"{renderer.module}:as in sitegen's code"
    render = renderer.render
    code = getattr(render, "__code__", None)
    body = digest(code.co_code, code.co_filename, str(code.co_firstlineno)) if code is not None else repr(type(render))
    return f"{getattr(render, '__module__', '')}.{getattr(render, '__qualname__', '')}:{body}"


def _as_on_disk(renderer: Renderer) -> bool:
    """A renderer of sitegen's own whose `render` is the function its module's file defines."""
    import sys

    if not renderer.module.startswith("sitegen."):
        return False
    module = sys.modules.get(renderer.module)
    if module is None:
        return True  # importing it will run the file as it is on disk
    render = getattr(module, "render", None)
    code = getattr(render, "__code__", None)
    return (code is not None and getattr(render, "__module__", None) == renderer.module
            and code.co_filename == getattr(module, "__file__", None) and code.co_name == "render")


def renderer_parts(session: Session, renderer: Renderer) -> dict[str, str] | None:
    """What a renderer's key is made of, by name; None while one of its inputs is not known yet."""
    groups = session.groups
    names = sorted(g.value for g in renderer.inputs) if renderer.inputs is not None else sorted(groups)
    if any(g not in groups for g in names):
        return None
    return {"renderer": digest(renderer.name, _identity(renderer)), "code": groups["code"],
            "epoch": groups["epoch"], **{g: groups[g] for g in names}}


def renderer_key(session: Session, renderer: Renderer) -> str | None:
    parts = renderer_parts(session, renderer)
    return explain.key_of(parts) if parts is not None else None


def stale(session: Session, renderer: Renderer) -> bool:
    return not session.previous.reusable(renderer.name, renderer_key(session, renderer))


_WORKER: dict[str, Any] = {}  # set once in a forked page worker by its pool's initializer, never in the parent


def _install(session: Session, common: dict[str, Any]) -> None:
    _WORKER.update(session=session, common=common)


def _render_chunk(indexes: list[int]) -> list[tuple[bytes, list[str]]]:
    return render_pages(_WORKER["session"], _WORKER["common"], indexes)


def render_pages(session: Session, common: dict[str, Any], indexes: list[int]) -> list[tuple[bytes, list[str]]]:
    """The bytes of the planned pages `indexes`, each with what its template read from the model."""
    from .render import html

    assert session.ctx is not None and session.model is not None
    results = []
    for index in indexes:
        url, template_name, variables = session.plan[index]
        used: set[str] = set()
        data = html.render_page(session.ctx, recording(common, session.model, used), url, template_name, variables)
        results.append((data, sorted(used)))
    return results


def page_units(session: Session) -> list[tuple[int, dict[str, str]]]:
    """The pages to render again (by plan index, with what their key is made of); the others are kept."""
    from .render import html

    assert session.model is not None
    fingerprints = Fingerprints(session.model, session.resources.get("value_memo"))
    common = html.common_variables(session.model)
    groups = session.groups
    base = {"html": "html", "code": groups["code"], "templates": groups["templates"], "epoch": groups["epoch"],
            "today": groups["today"], "common": common_fingerprint(fingerprints, common)}
    todo = []
    for index, (url, template_name, variables) in enumerate(session.plan):
        name = f"{HTML}:{url}"
        parts = {**base, "page": digest(url, template_name)}
        try:
            parts["variables"] = fingerprints.of(variables)
        except Exception:  # noqa: BLE001 - any value we cannot fingerprint means: render it
            parts = {}
        unit = session.previous.manifest.units.get(name)
        key = page_key(fingerprints, explain.key_of(parts), unit["deps"]) if unit and parts else None
        if session.previous.reusable(name, key):
            keep(session, name)
        else:
            todo.append((index, parts))
            session.reasons.append(page_reason(session, fingerprints, unit, parts, index))
    session.fingerprints, session.common = fingerprints, common
    return todo


def page_reason(session: Session, fingerprints: Fingerprints, unit: dict[str, Any] | None, parts: dict[str, str],
                index: int) -> tuple[str, str]:
    """Why a page is rendered again, for --explain."""
    from .render import url_to_path
    from .render.updated import sources

    assert session.model is not None
    url, _, variables = session.plan[index]
    rel = url_to_path(url)
    intact = unit is not None and all(r in session.previous.intact for r in unit["outputs"])
    full = {**parts, **dependency_parts(fingerprints, unit["deps"] if unit else [])} if parts else {}
    return rel, explain.why(unit, full, intact, sources(url, variables, session.model))


def dependency_parts(fingerprints: Fingerprints, deps: list[str]) -> dict[str, str]:
    """What a page's template read from the model, by name, as parts of its key."""
    from .incremental import Unstable

    found = {}
    for name in deps:
        try:
            found[f"dep:{name}"] = fingerprints.token(name)
        except Unstable:
            continue
    return found


def render_stale_pages(session: Session) -> None:
    """Renders the pages whose inputs changed, on every core when there are many."""
    from .render import url_to_path

    assert session.ctx is not None
    todo = page_units(session)
    fingerprints = session.fingerprints
    assert fingerprints is not None
    session.lap("keys")
    if todo:
        for template_name in {session.plan[i][1] for i, _ in todo}:  # compiled once, before any fork
            template_errors(functools.partial(session.ctx.env.get_template, template_name), session.templates)
        indexes = [i for i, _ in todo]
        common = session.common
        results = template_errors(lambda: split(indexes, _render_chunk, session.parallel_pages, _install, (session, common),
                                                functools.partial(render_pages, session, common)), session.templates)
        for (index, parts), (data, deps) in zip(todo, results, strict=True):
            rel = url_to_path(session.plan[index][0])
            session.rendered[rel] = data
            key = page_key(fingerprints, explain.key_of(parts), deps) if parts else None
            session.new.units[f"{HTML}:{session.plan[index][0]}"] = {
                "key": key, "deps": deps, "outputs": [rel],
                "parts": explain.short({**parts, **dependency_parts(fingerprints, deps)})}
            session.units_rendered += 1
    session.lap("pages")


def with_pages(session: Session) -> Context:
    """The renderers' context once the pages are made: the page list and every page's HTML."""
    import dataclasses

    from .render import url_to_path

    assert session.ctx is not None
    urls = tuple(url for url, _, _ in session.plan)
    html = _PagesHtml(session, [url_to_path(u) for u in urls])
    return dataclasses.replace(session.ctx, pages=urls, html=html)


class _PagesHtml(Mapping[str, bytes]):
    """Every page's HTML, read from the previous run only when a renderer asks (the search index)."""

    def __init__(self, session: Session, paths: list[str]) -> None:
        self._session, self._paths = session, paths

    def __getitem__(self, rel: str) -> bytes:
        rendered = self._session.rendered.get(rel)
        return rendered if rendered is not None else self._session.previous.read(rel)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _run_renderer(module: str, model: SiteModel, templates: Path, dry: bool, memos: Memos,
                  scratch: Path | None) -> list[Any]:
    """One renderer in its own process, on a copy of the model (and of the session's `memos`) sent to it."""
    import importlib

    from .render import Context

    render = importlib.import_module(module).render
    return list(render(Context(model, templates, dry=dry, memos=memos, scratch=scratch)))


def _warm_up(renderer: Renderer) -> None:
    """In a renderer's own process, before the content is loaded: import the renderer and its libraries."""
    import importlib

    for name in (renderer.module, *renderer.heavy_imports):
        importlib.import_module(name)


@dataclass
class Workers:
    """The processes and threads renderers run in beside the pages."""

    processes: Any = None
    threads: ThreadPoolExecutor | None = None
    futures: dict[str, Future[Any]] = field(default_factory=dict)

    def close(self) -> None:
        for pool in (self.processes, self.threads):
            if pool is not None:
                pool.shutdown(cancel_futures=True)


def start_processes(session: Session, workers: Workers, own: list[Renderer]) -> None:
    """Renderers that run in their own process get it now, so it loads their libraries while the content loads."""
    if own and can_fork():
        workers.processes = fork_pool(len(own))
        for renderer in own:
            workers.processes.submit(_warm_up, renderer)


def submit_processes(session: Session, workers: Workers, own: list[Renderer]) -> None:
    assert session.model is not None
    for renderer in own:
        if workers.processes is not None and renderer.name not in workers.futures:
            workers.futures[renderer.name] = workers.processes.submit(
                _run_renderer, renderer.module, session.model, session.templates, False,
                session.memos.for_process(), session.scratch)


def submit_threads(session: Session, workers: Workers, ctx: Context, beside: list[Renderer]) -> None:
    if beside:
        workers.threads = ThreadPoolExecutor(max_workers=len(beside))
        for renderer in beside:
            workers.futures[renderer.name] = workers.threads.submit(_made, renderer, ctx)


def render_others(session: Session, workers: Workers, ctx: Context, deferred: frozenset[str]) -> list[Renderer]:
    """Every renderer but the pages, one unit each, in the registry's order; returns the deferred stale ones."""
    later = []
    for renderer in session.registry:
        if renderer.name == HTML or session.mode not in renderer.modes:
            continue
        if renderer.units:
            render_units(session, renderer, ctx)
            continue
        key = renderer_key(session, renderer)
        if renderer.name not in workers.futures and session.previous.reusable(renderer.name, key):
            keep(session, renderer.name)
        elif renderer.name in deferred:
            if stand_in(session, renderer, ctx):
                later.append(renderer)
        else:
            future = workers.futures.get(renderer.name)
            step = future.result if future is not None else functools.partial(_made, renderer, ctx)
            install(session, renderer, template_errors(step, session.templates))
    session.lap("render")
    return later


def render_units(session: Session, renderer: Renderer, ctx: Context) -> None:
    """A renderer whose outputs are units of their own: each is made only when its key changed."""
    import importlib

    fingerprints = session.fingerprints
    assert fingerprints is not None
    base = renderer_parts(session, renderer)
    units = importlib.import_module(renderer.module).units
    listed = template_errors(lambda: list(units(ctx, fingerprints.of)), session.templates)
    for name, parts, make in listed:
        unit, full = f"{renderer.name}:{name}", {**base, **parts} if base is not None else None
        if full is not None and session.previous.reusable(unit, explain.key_of(full)):
            keep(session, unit)
        else:
            install(session, renderer, template_errors(make, session.templates), unit, full)


def _made(renderer: Renderer, ctx: Context) -> list[Any]:
    return list(renderer.render(ctx))


def _outputs(made: list[Any]) -> list[tuple[str, bytes]]:
    return [item for item in made if not isinstance(item, Problem)]


def stand_in(session: Session, renderer: Renderer, ctx: Context) -> bool:
    """A deferred renderer's last outputs, served until it is made again; False if it had to be made now.

    A slow renderer runs dry, so its template errors show at once; another one has no dry run, so its last
    outputs stand in as they were (at the first run it is made at once).
    """
    import dataclasses

    previous = session.previous
    names: list[str] | None
    if renderer.slow:
        dry = dataclasses.replace(ctx, dry=True)
        names = [rel for rel, _ in _outputs(template_errors(functools.partial(_made, renderer, dry), session.templates))]
    else:
        old = previous.manifest.units.get(renderer.name)
        names = old["outputs"] if old and all(rel in previous.intact for rel in old["outputs"]) else None
        if names is None:
            install(session, renderer, template_errors(functools.partial(_made, renderer, ctx), session.templates))
            return False
    for rel in names:
        session.rendered[rel] = previous.read(rel) if rel in previous.intact else b""
    session.new.units[renderer.name] = {"key": None, "deps": [], "parts": {}, "outputs": names}
    return True


def make_deferred(session: Session, renderer: Renderer, ctx: Context, processes: Any = None
                  ) -> tuple[dict[str, bytes], dict[str, Any]]:
    """A deferred renderer made for real (in `processes` when given): its outputs and its unit for the build state."""
    if processes is not None:
        step = processes.submit(_run_renderer, renderer.module, ctx.model, session.templates, False,
                                session.memos.for_process(), ctx.scratch).result
    else:
        step = functools.partial(_made, renderer, ctx)
    made = template_errors(step, session.templates)
    outputs = dict(_outputs(made))
    parts = renderer_parts(session, renderer) or {}
    return outputs, {"key": explain.key_of(parts) if parts else None, "deps": [], "outputs": sorted(outputs),
                     "parts": explain.short(parts)}


def install(session: Session, renderer: Renderer, made: list[Any], unit: str | None = None,
            parts: dict[str, str] | None = None) -> None:
    """A renderer's outputs into the run (as the unit `unit` with its key's `parts`, or as the renderer's one
    unit), its warnings into the session's problems."""
    outputs = _outputs(made)
    session.problems.extend(item for item in made if isinstance(item, Problem))
    for rel, data in outputs:
        if rel in session.rendered or rel in session.new.files:  # two outputs for one address: never overwrite
            raise BuildError(f"Två delar av webbplatsen ska skrivas till samma fil, {rel}. Byt namn på den "
                             f"ena (en sida, en bilaga eller ett id). {UNTOUCHED}")
        session.rendered[rel] = data
    name = unit or renderer.name
    parts = parts if unit is not None else renderer_parts(session, renderer)
    old = session.previous.manifest.units.get(name)
    intact = old is not None and all(r in session.previous.intact for r in old["outputs"])
    session.reasons.append((name, explain.why(old, parts or {}, intact)))
    session.new.units[name] = {"key": explain.key_of(parts) if parts else None, "deps": [],
                               "outputs": [rel for rel, _ in outputs], "parts": explain.short(parts or {})}
    session.units_rendered += 1


# --- phase: check links --------------------------------------------------------------------------------------

class AllOutputs(Mapping[str, bytes]):
    """Every output of the run: the new bytes, or the previous run's when the unit was reused."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._reused = set(session.new.files) - set(session.rendered)

    def __getitem__(self, rel: str) -> bytes:
        if rel in self._session.rendered:
            return self._session.rendered[rel]
        if rel in self._reused:
            return self._session.previous.read(rel)
        raise KeyError(rel)

    def __iter__(self) -> Iterator[str]:
        yield from self._session.rendered
        yield from self._reused

    def __len__(self) -> int:
        return len(self._session.rendered) + len(self._reused)

    def __contains__(self, rel: object) -> bool:
        return rel in self._session.rendered or rel in self._reused


def check_links(session: Session, outputs: Mapping[str, bytes]) -> None:
    """Every Markdown link must reach an output; an error stops the run with every problem found."""
    from .links import check_links as check
    from .sources import markdown_texts

    assert session.model is not None
    problems = check(list(markdown_texts(session.model)), outputs, session.resources.get("link_memo"),
                     session.memos.checks)
    if any(p.severity == "fel" for p in problems):
        raise ContentError([*problems, *session.problems])
    session.problems.extend(problems)
    session.lap("links")


# --- the run -------------------------------------------------------------------------------------------------

def run(session: Session, load_site: Callable[..., SiteModel], deferred: frozenset[str] = frozenset()
        ) -> Outcome:
    """The phases in order. Renderers named in `deferred` whose inputs changed run dry; the caller makes them."""
    own = [r for r in session.registry if r.where is Where.PROCESS and session.mode is not Mode.CHECK
           and session.mode in r.modes and r.name not in deferred and stale(session, r)]
    workers = Workers()
    start_processes(session, workers, own)
    try:
        model = load(session, load_site)
        session.ctx = make_context(session, model)
        plan(session)
        submit_processes(session, workers, [r for r in own if stale(session, r)])
        render_stale_pages(session)
        ctx = with_pages(session)
        beside = [r for r in session.registry if r.where is Where.THREAD and session.mode in r.modes
                  and r.name not in deferred and stale(session, r)]
        submit_threads(session, workers, ctx, beside)
        later = render_others(session, workers, ctx, deferred)
    finally:
        workers.close()
    outputs = AllOutputs(session)
    check_links(session, outputs)
    return Outcome(len(session.plan), session.units_rendered, session.problems, session.new, outputs,
                   session.timings, session.reasons, later, ctx)
