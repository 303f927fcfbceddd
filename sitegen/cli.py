"""The `sitegen` command: a thin layer that turns the library's results and errors into Swedish messages."""

from __future__ import annotations

import datetime as dt
import sys
import time
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
today_option = click.option("--today", callback=_date, metavar="ÅÅÅÅ-MM-DD",
                            help="Bygg som om det vore detta datum (annars SOURCE_DATE_EPOCH eller i dag).")


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings:
        click.echo(f"Varning: {problem}", err=True)


def _fail(exc: SitegenError) -> None:
    click.echo(exc.show(), err=True)
    sys.exit(exc.exit_code)


@click.group()
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """Bygger webbplatsen Brukarinflytande psykisk hälsa från mappen content/."""


@main.command()
@content_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("public"), show_default=True,
              help="Mappen som webbplatsen skrivs till.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=Path("templates"),
              show_default=True, help="Mappen med mallarna.")
@today_option
def build(content: Path, out: Path, templates: Path, today: dt.date | None) -> None:
    """Kontrollera innehållet och bygg hela webbplatsen."""
    from .build import build as run_build

    try:
        result = run_build(content, out, templates, today)
    except SitegenError as exc:
        _fail(exc)
        return
    _warn(result.warnings)
    click.echo(f"Klart: {result.pages} sidor, {result.files} filer ({result.bytes / 1024:.0f} kB) i {out}/ "
               f"på {result.seconds:.2f} s.")


@main.command()
@content_option
@today_option
def check(content: Path, today: dt.date | None) -> None:
    """Kontrollera innehållet utan att bygga något."""
    from .build import check as run_check

    try:
        model = run_check(content, today)
    except SitegenError as exc:
        _fail(exc)
        return
    _warn(model.warnings)
    click.echo(f"Innehållet är i ordning: {len(model.pages)} sidor, {len(model.news)} nyheter, "
               f"{len(model.associations)} föreningar, {len(model.events)} händelser.")


@main.command()
@content_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("public"), show_default=True,
              help="Mappen som webbplatsen byggs till.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=Path("templates"),
              show_default=True, help="Mappen med mallarna.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Porten på den här datorn (0 = välj en ledig).")
@today_option
def serve(content: Path, out: Path, templates: Path, port: int, today: dt.date | None) -> None:
    """Förhandsvisa webbplatsen: bygger om och laddar om sidan när du sparar en fil."""
    from .serve import Outcome, Preview

    def report(outcome: Outcome) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if outcome.ok:
            click.echo(f"{stamp} Byggt på {outcome.seconds:.2f} s ({outcome.message}).")
        else:
            click.echo(f"{stamp} {outcome.message}\n", err=True)

    try:
        preview = Preview(content, out, templates, today, port=port, report=report)
    except OSError as exc:
        click.echo(f"Porten {port} går inte att använda ({exc.strerror}). Kanske körs förhandsvisningen redan? "
                   f"Välj en annan port, till exempel --port {port + 1 if port else 8001}.", err=True)
        sys.exit(1)
    preview.start()
    click.echo(f"Förhandsvisningen finns på {preview.url}  (tryck Ctrl+C för att sluta)", err=False)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("\nFörhandsvisningen är stoppad.")
    finally:
        preview.stop()


if __name__ == "__main__":
    main()
