"""A failing template or renderer as a Swedish build error that names the template and the line."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from ..errors import BuildError


def _where(exc: Exception, templates: Path, untouched: str) -> str:
    """Where in the templates (or else in the generator) an unexpected exception came from, in Swedish."""
    frames = traceback.extract_tb(exc.__traceback__)
    root = templates.resolve()
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.is_absolute() and path.resolve().is_relative_to(root):
            name = path.resolve().relative_to(root).as_posix()
            return f"Mallen {name}, rad {frame.lineno}, gick inte att använda: {type(exc).__name__}: {exc}. {untouched}"
    where = f" ({Path(frames[-1].filename).name}, rad {frames[-1].lineno})" if frames else ""
    return f"Bygget misslyckades{where}: {type(exc).__name__}: {exc}. {untouched}"


def translated(step: Callable[[], Any], templates: Path, untouched: str) -> Any:
    """Runs a rendering step; any failure becomes a BuildError in Swedish."""
    try:
        return step()
    except BuildError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"Mallen {exc.filename or exc.name}, rad {exc.lineno}, har ett syntaxfel: {exc.message}. "
                         f"{untouched}") from exc
    except jinja2.TemplateError as exc:
        raise BuildError(f"En mall gick inte att använda: {exc}. {untouched}") from exc
    except Exception as exc:  # a template or renderer that raises: a message, never a half-published site
        if os.environ.get("SITEGEN_DEBUG"):
            raise
        raise BuildError(_where(exc, templates, untouched)) from exc
