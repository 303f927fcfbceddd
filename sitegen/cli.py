"""The `sitegen` command: a thin layer that turns the library's results and errors into Swedish messages."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import Problem, SitegenError


def _date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"”{value}” är inget datum. Skriv till exempel 2026-03-12.") from None


content_option = click.option("--content", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
                              show_default=True, help="Mappen med innehållet.")
templates_option = click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=Path("templates"),
                                show_default=True, help="Mappen med mallarna.")
today_option = click.option("--today", callback=_date, metavar="ÅÅÅÅ-MM-DD",
                            help="Bygg som om det vore detta datum (annars SOURCE_DATE_EPOCH eller i dag).")


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings:
        click.echo(f"Varning: {problem}", err=True)


def _fail(exc: SitegenError) -> None:
    click.echo(exc.show(), err=True)
    sys.exit(exc.exit_code)


INTERNAL_ERROR = 70  # EX_SOFTWARE: a fault in sitegen itself, not in the content


@contextmanager
def _reported() -> Iterator[None]:
    """Every failure as a Swedish message and an exit code; a traceback only with SITEGEN_DEBUG=1."""
    try:
        yield
    except SitegenError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("Avbrutet. Ingenting publicerades; den förra versionen av webbplatsen finns kvar.", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("SITEGEN_DEBUG"):
            raise
        click.echo(f"Ett internt fel i sitegen ({type(exc).__name__}: {exc}). Det beror inte på innehållet. "
                   "Ingenting publicerades; den förra versionen av webbplatsen finns kvar. Kör kommandot igen med "
                   "SITEGEN_DEBUG=1 och skicka utskriften till den som underhåller sitegen.", err=True)
        sys.exit(INTERNAL_ERROR)


@click.group()
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """Bygger webbplatsen Brukarinflytande psykisk hälsa från mappen content/."""


@main.command()
@content_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("public"), show_default=True,
              help="Mappen som webbplatsen skrivs till.")
@templates_option
@today_option
def build(content: Path, out: Path, templates: Path, today: dt.date | None) -> None:
    """Kontrollera innehållet och bygg hela webbplatsen."""
    from .build import build as run_build

    with _reported():
        result = run_build(content, out, templates, today)
    _warn(result.warnings)
    click.echo(f"Klart: {result.pages} sidor, {result.files} filer ({result.bytes / 1024:.0f} kB) i {out}/ "
               f"på {result.seconds:.2f} s.")


@main.command()
@content_option
@templates_option
@today_option
def check(content: Path, templates: Path, today: dt.date | None) -> None:
    """Kontrollera innehållet och länkarna utan att skriva något."""
    from .build import check as run_check

    with _reported():
        model = run_check(content, today, templates)
    _warn(model.warnings)
    click.echo(f"Innehållet är i ordning: {len(model.pages)} sidor, {len(model.news)} nyheter, "
               f"{len(model.associations)} föreningar, {len(model.events)} händelser.")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True,
              help="Mappen som JSON-scheman skrivs till.")
@click.option("--check", "check_only", is_flag=True, help="Skriv inget; avsluta med kod 1 om schemana är inaktuella.")
def schema(out: Path, check_only: bool) -> None:
    """Skapa JSON-scheman för YAML-filerna, så att editorn visar fält och fel medan du skriver."""
    from . import editor

    if check_only:
        stale = editor.stale(out)
        if stale:
            click.echo(f"Schemana i {out}/ är inaktuella: {', '.join(stale)}. Kör `sitegen schema` (eller "
                       "`make schemas`) och checka in resultatet.", err=True)
            sys.exit(1)
        click.echo(f"Schemana i {out}/ är aktuella.")
        return
    changed = editor.write(out)
    click.echo(f"Skrev {len(changed)} av {len(editor.SCHEMAS)} scheman i {out}/." if changed
               else f"Schemana i {out}/ var redan aktuella.")
