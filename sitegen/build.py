"""The build: load → validate → model → render → publish, in that order, nothing written before all is checked."""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .dates import TZ
from .errors import BuildError, ContentError, Problem
from .links import check_links
from .model import SiteModel, load_site
from .publish import publish
from .render import Context, render_all
from .sources import markdown_texts, sanitiser_warnings

_UNTOUCHED = "Ingenting publicerades; den förra versionen av webbplatsen finns kvar."


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


def check(content: Path, today: dt.date | None = None, templates: Path | None = None) -> SiteModel:
    """Loads and validates all content without writing anything; raises ContentError.

    With `templates`, every output is also rendered in memory, so broken links and template errors show
    up here as they would in a build.
    """
    model = load_site(content, resolve_today(today))
    model.warnings.extend(sanitiser_warnings(model))
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


def render(model: SiteModel, templates: Path, check_only: bool = False) -> tuple[dict[str, bytes], Context]:
    """Every output in memory, and the link check over them; raises BuildError or ContentError."""
    if not templates.is_dir():
        raise BuildError(f"Mappen med mallarna, {templates}, finns inte. Kör kommandot från projektets mapp eller "
                         "ange mallarna med --templates.")
    ctx = Context(model, templates, check_only=check_only)
    try:
        outputs: dict[str, bytes] = {}
        for rel, data in render_all(ctx):
            if rel in outputs:  # two renderers (or a page and a file) claiming one address: never overwrite silently
                raise BuildError(f"Två delar av webbplatsen ska skrivas till samma fil, {rel}. Byt namn på den "
                                 f"ena (en sida, en bilaga eller ett id). {_UNTOUCHED}")
            outputs[rel] = data
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
    problems = check_links(list(markdown_texts(model)), outputs)
    if any(p.severity == "fel" for p in problems):
        raise ContentError([*problems, *model.warnings])
    model.warnings.extend(problems)
    return outputs, ctx


def build(content: Path, out: Path, templates: Path, today: dt.date | None = None) -> BuildResult:
    """Builds the whole site from `content` into `out`."""
    started = time.perf_counter()
    model = check(content, today)
    outputs, ctx = render(model, templates)
    try:
        publish(outputs, out)
    except OSError as exc:
        raise BuildError(f"Webbplatsen kunde inte skrivas till {out}: {exc.strerror or exc} "
                         f"({exc.filename or out}). {_UNTOUCHED}") from exc
    return BuildResult(len(ctx.pages), len(outputs), sum(map(len, outputs.values())),
                       time.perf_counter() - started, model.warnings)
