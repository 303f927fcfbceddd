"""The build: load → validate → model → render → publish, in that order, nothing written before all is checked."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .dates import TZ
from .errors import BuildError, Problem
from .model import SiteModel, load_site
from .publish import publish
from .render import Context, render_all


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the CLI's summary."""

    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: list[Problem]


def resolve_today(today: dt.date | None = None) -> dt.date:
    """The build's "today": given, else SOURCE_DATE_EPOCH, else now, all in Swedish time."""
    if today is not None:
        return today
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), TZ).date()
    return dt.datetime.now(TZ).date()


def check(content: Path, today: dt.date | None = None) -> SiteModel:
    """Loads and validates all content without writing anything; raises ContentError."""
    return load_site(content, resolve_today(today))


def render(model: SiteModel, templates: Path) -> tuple[dict[str, bytes], Context]:
    ctx = Context(model, templates)
    try:
        outputs = dict(render_all(ctx))
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"Mallen {exc.filename or exc.name}, rad {exc.lineno}, har ett syntaxfel: {exc.message}. "
                         "Ingenting publicerades.") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"En mall gick inte att använda: {exc}. Ingenting publicerades.") from exc
    return outputs, ctx


def build(content: Path, out: Path, templates: Path, today: dt.date | None = None) -> BuildResult:
    """Builds the whole site from `content` into `out`."""
    started = time.perf_counter()
    model = check(content, today)
    outputs, ctx = render(model, templates)
    publish(outputs, out)
    return BuildResult(len(ctx.pages), len(outputs), sum(map(len, outputs.values())),
                       time.perf_counter() - started, model.warnings)
