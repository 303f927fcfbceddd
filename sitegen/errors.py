"""The errors sitegen shows the coordinator: each knows its exit code and how to show itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in one place of one content file."""

    file: str
    line: int | None
    field: str | None
    message: str
    severity: Literal["fel", "varning"] = "fel"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", rad {self.line}"
        if self.field:
            where += f", fältet ”{self.field}”"
        return f"{where}: {self.message}"


class SitegenError(Exception):
    """Base of every error the CLI turns into a message and an exit code, never a traceback."""

    exit_code = 1

    def show(self) -> str:
        return str(self)


class ContentError(SitegenError):
    """Every content problem of one run, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.show())

    def show(self) -> str:
        errors = [p for p in self.problems if p.severity == "fel"]
        count = "1 fel" if len(errors) == 1 else f"{len(errors)} fel"
        lines = [f"Innehållet har {count}. Ingenting publicerades; den förra versionen av webbplatsen finns kvar.", ""]
        lines += [f"  {p}" for p in errors]
        lines += [f"  Varning: {p}" for p in self.problems if p.severity != "fel"]  # after the errors that stop the build
        lines += ["", "Rätta felen och kör kommandot igen."]
        return "\n".join(lines)


class BuildError(SitegenError):
    """The build itself failed (a template, a renderer or the file system), not the content."""


def display_path(path: Path, root: Path) -> str:
    """The path as the coordinator knows it: relative to the project, with forward slashes.

    A path inside `root` is named from the folder's own name without asking the file system (links inside
    content/ are refused anyway, sitegen/contentfs.py); only another path, or a `root` that is itself a link
    or "..", is resolved.
    """
    text, top = str(path), str(root)
    if text.startswith(top + "/") and "/../" not in text[len(top):] and not text.endswith("/..") \
            and root.name not in ("", ".", "..") and not os.path.islink(top):  # the common case, by string
        return f"{root.name}{text[len(top):]}"
    try:
        inside = path.relative_to(root)
    except ValueError:
        inside = None
    if inside is not None and ".." not in inside.parts and root.name not in ("", ".", "..") and not root.is_symlink():
        return (Path(root.name) / inside).as_posix()
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()


class Invalid(ValueError):
    """One answer to `sitegen new` that cannot be used; the message says why in Swedish."""
