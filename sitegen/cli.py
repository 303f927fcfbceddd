"""The `sitegen` command: a thin layer that turns the library's results and errors into Swedish messages."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import Invalid, Problem, SitegenError


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
@click.option("--out", type=click.Path(path_type=Path), default=Path("public"), show_default=True,
              help="Mappen som webbplatsen skrivs till.")
@templates_option
@today_option
@click.option("--clean", is_flag=True, help="Bygg allt från början och bortse från det som sparats från förra bygget.")
@click.option("--explain", is_flag=True, help="Skriv för varje sida eller fil som gjordes om vad som hade ändrats.")
def build(content: Path, out: Path, templates: Path, today: dt.date | None, clean: bool, explain: bool) -> None:
    """Kontrollera innehållet och bygg hela webbplatsen (bara det som ändrats, om inte --clean)."""
    from .build import build as run_build
    from .progress import Progress, summary

    with _reported():
        result = run_build(content, out, templates, today, clean=clean, progress=Progress(sys.stderr))
    _warn(result.warnings)
    if explain:
        _explain(result.reasons)
    changed = f"{result.written} filer skrivna eller borttagna" if result.written else "inget behövde ändras"
    click.echo(f"Klart: {result.pages} sidor, {result.files} filer ({result.bytes / 1024:.0f} kB) i {out}/ "
               f"på {result.seconds:.2f} s ({changed}).")
    if result.seconds > 2.0 and result.details:
        click.echo(f"Tiden gick till: {summary(result.details)}.")


def _explain(reasons: list[tuple[str, str]]) -> None:
    """Why each unit was made again, one line each; the same reason for many pages is said once with a count."""
    if not reasons:
        click.echo("Ingenting gjordes om: allt var som vid förra bygget.")
        return
    click.echo(f"Gjordes om ({len(reasons)}):")
    shown: dict[str, list[str]] = {}
    for unit, why in reasons:
        shown.setdefault(why, []).append(unit)
    for why, units in shown.items():
        names = ", ".join(units[:3]) + (f" och {len(units) - 3} till" if len(units) > 3 else "")
        click.echo(f"  {names}: {why}")


@main.command()
@content_option
@templates_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("public"), show_default=True,
              help="Den byggda webbplatsen: det som inte ändrats sedan den byggdes kontrolleras inte om.")
@today_option
def check(content: Path, templates: Path, out: Path, today: dt.date | None) -> None:
    """Kontrollera innehållet och länkarna utan att skriva något."""
    from .build import build as run_build

    with _reported():
        result = run_build(content, out, templates, today, dry_run=True)
    _warn(result.warnings)
    counts = result.counts
    click.echo(f"Innehållet är i ordning: {counts['pages']} sidor, {counts['news']} nyheter, "
               f"{counts['associations']} föreningar, {counts['events']} händelser.")


@main.command()
@content_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Skriv också webbplatsen till den här mappen (annars finns förhandsvisningen bara i minnet).")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=Path("templates"),
              show_default=True, help="Mappen med mallarna.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Porten på den här datorn (0 = välj en ledig).")
@today_option
def serve(content: Path, out: Path | None, templates: Path, port: int, today: dt.date | None) -> None:
    """Förhandsvisa webbplatsen; sidan laddas om när du sparar en fil.

    Bygger webbplatsen i minnet, visar den på http://127.0.0.1:PORT/ och gör om det som ändrats när en fil
    i innehållet eller mallarna sparas. Fel i innehållet visas på sidan i stället för webbplatsen.
    """
    from .serve import Outcome, Preview

    def report(outcome: Outcome) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if outcome.ok:
            click.echo(f"{stamp} Byggt på {outcome.seconds:.2f} s ({outcome.message}).")
            for warning in outcome.warnings:
                click.echo(f"  Varning: {warning}", err=True)
        else:
            click.echo(f"{stamp} {outcome.message}\n", err=True)

    try:
        preview = Preview(content, out, templates, today, port=port, report=report)
    except SitegenError as exc:
        _fail(exc)
        return
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


@main.group()
def new() -> None:
    """Skapa en ny händelse eller nyhet genom att svara på frågor."""


def _ask(label: str, given: Any, check: Callable[[str], Any], required: bool = True, default: str = "",
         flag: str = "", skip: bool = False) -> Any:
    """The checked value of an option, or of an answer asked for again until it can be used.

    With `skip` (the required fields came as options) an optional field that was not given is left out.
    """
    if given is None and skip and (not required or default):
        given = default
    if given is not None:
        try:
            return check(given)
        except Invalid as exc:
            click.echo(f"Fel i {flag}: {exc}", err=True)
            sys.exit(2)
    while True:
        answer = click.prompt(label, default=default, show_default=bool(default)) if required or default else \
            click.prompt(f"{label} (tomt = hoppa över)", default="", show_default=False)
        try:
            return check(answer)
        except Invalid as exc:
            click.echo(f"  {exc}", err=True)


def _required(check: Callable[[str], Any]) -> Callable[[str], Any]:
    def run(answer: str) -> Any:
        if not answer.strip():
            raise Invalid("Det här behövs. Skriv ett svar.")
        return check(answer)
    return run


def _new_failed(exc: Exception) -> None:
    if isinstance(exc, click.Abort):
        click.echo("\nAvbrutet. Ingenting sparades.", err=True)
        sys.exit(1)
    assert isinstance(exc, SitegenError)
    _fail(exc)


@new.command("event")
@content_option
@click.option("--title", help="Händelsens namn.")
@click.option("--start", "start_", metavar="ÅÅÅÅ-MM-DD [TT:MM]", help="Start, till exempel ”2026-03-12 18:00”.")
@click.option("--end", "end_", metavar="TT:MM", help="Slut: klockslag samma dag, eller datum (och tid).")
@click.option("--location", help="Plats och adress.")
@click.option("--municipality", help="Kommun, eller Digitalt eller Hela länet.")
@click.option("--organizer", "organizers", multiple=True, help="Arrangörens id (kan anges flera gånger).")
@click.option("--category", help="Typ av händelse, till exempel dialogmöte.")
@click.option("--description", help="Beskrivning (Markdown).")
@click.option("--url", help="Länk till mer information eller anmälan.")
@click.option("--repeat", help="nej, varje vecka eller varje månad.")
@click.option("--until", "until_", metavar="ÅÅÅÅ-MM-DD", help="Sista dagen en upprepning kan ske.")
@click.option("--except", "except_", multiple=True, metavar="ÅÅÅÅ-MM-DD",
              help="En dag då en upprepad händelse inte blir av (kan anges flera gånger).")
def new_event(content: Path, title: str | None, start_: str | None, end_: str | None, location: str | None,
              municipality: str | None, organizers: tuple[str, ...], category: str | None,
              description: str | None, url: str | None, repeat: str | None, until_: str | None,
              except_: tuple[str, ...]) -> None:
    """Lägg till en händelse i kalendern (content/events/ÅÅÅÅ.yaml).

    Frågar efter det som inte anges som alternativ, visar en sammanfattning och sparar när du svarat ja. Med
    --title, --start och --municipality ställs inga fler frågor; övriga uppgifter tas då bara med om de anges.
    """
    from . import scaffold
    from .schema import Event

    try:
        site = scaffold.Content(content)
        fields: dict[str, Any] = {}
        skip = None not in (title, start_, municipality)
        fields["title"] = _ask("Namn på händelsen", title, _required(lambda a: scaffold.check_field(Event, "title", a)),
                               flag="--title")
        fields["start"] = _ask("Start (ÅÅÅÅ-MM-DD TT:MM, eller bara datum för heldag)", start_,
                               _required(scaffold.start), flag="--start")
        fields["end"] = _ask("Slut (klockslag som 20:00, eller datum)", end_,
                             lambda a: scaffold.end(a, fields["start"]), required=False, flag="--end", skip=skip)
        _ask_details(fields, site, skip, location, municipality, organizers, category, description, url)
        _ask_repeat(fields, repeat, until_, except_, skip)
        day = fields["start"].date() if isinstance(fields["start"], dt.datetime) else fields["start"]
        fields["id"] = scaffold.event_id(fields["title"], str(fields.get("municipality") or ""), day, site.event_ids)
        if not skip and not _confirmed(fields, site):
            click.echo("Ingenting sparades. Kör kommandot igen för att börja om.", err=True)
            sys.exit(1)
        path, event_id = scaffold.append_event(content, fields)
    except (SitegenError, click.Abort) as exc:
        _new_failed(exc)
        return
    click.echo(f"Sparat i {path}: händelsen ”{fields['title']}” med id {event_id}. "
               "Kontrollera med make serve eller make check.")


def _ask_details(fields: dict[str, Any], site: Any, skip: bool, location: str | None, municipality: str | None,
                 organizers: tuple[str, ...], category: str | None, description: str | None, url: str | None) -> None:
    """The event's place, organizers, kind, description and link, asked for unless given."""
    from . import scaffold
    from .schema import Event

    fields["location"] = _ask("Plats och adress", location, scaffold.optional, required=False, flag="--location", skip=skip)
    fields["municipality"] = _ask(f"Kommun ({', '.join(site.places)})", municipality,
                                  _required(site.place), flag="--municipality")
    if not organizers and not skip:
        click.echo(site.listing())
    fields["organizers"] = _ask("Arrangörer: föreningarnas id med komma emellan", organizers or None,
                                site.organizers, required=False, flag="--organizer", skip=skip)
    fields["category"] = _ask("Typ av händelse, till exempel dialogmöte", category, scaffold.optional,
                              required=False, flag="--category", skip=skip)
    fields["description"] = _ask("Beskrivning (mer text kan skrivas i filen efteråt)", description,
                                 scaffold.optional, required=False, flag="--description", skip=skip)
    fields["url"] = _ask("Länk till mer information eller anmälan", url,
                         lambda a: scaffold.check_field(Event, "url", a) if a.strip() else None,
                         required=False, flag="--url", skip=skip)


def _ask_repeat(fields: dict[str, Any], repeat: str | None, until_: str | None, except_: tuple[str, ...],
                skip: bool) -> None:
    """The repeat questions: how often, until when, and the days it does not take place."""
    from . import scaffold

    freq = _ask("Upprepas den? (nej, varje vecka, varje månad)", repeat, scaffold.repeat_freq,
                default="nej", flag="--repeat", skip=skip)
    if not freq:
        if except_ or until_:
            click.echo("Fel i --except/--until: de gäller bara en händelse som upprepas. Ange också --repeat.", err=True)
            sys.exit(2)
        return
    last = _ask("Sista dagen den kan upprepas (ÅÅÅÅ-MM-DD)", until_,
                _required(lambda a: scaffold.until(a, fields["start"])), flag="--until")
    skipped = _ask("Dagar då den inte blir av (ÅÅÅÅ-MM-DD med komma emellan)", except_ or None,
                   lambda a: scaffold.exceptions(a, fields["start"], freq, last), required=False, flag="--except",
                   skip=skip)
    fields["repeat"] = {"freq": freq, "until": last, "except": skipped or []}


_LABELS = {"title": "Namn", "start": "Start", "end": "Slut", "location": "Plats", "municipality": "Kommun",
           "category": "Typ", "description": "Beskrivning", "url": "Länk", "id": "Id"}
_FREQ = {"weekly": "varje vecka", "monthly": "varje månad"}


def _summary(fields: dict[str, Any], names: dict[str, str]) -> list[str]:
    """The answers as the coordinator gave them, one per line, before anything is written."""
    from .scaffold import when_text

    rows = []
    for key, label in _LABELS.items():
        value = fields.get(key)
        if value not in (None, "", []):
            rows.append(f"  {label}: {when_text(value) if key in ('start', 'end') else value}")
        if key == "municipality" and fields.get("organizers"):
            rows.append("  Arrangörer:")
            rows += [f"    - {names.get(org, org)} ({org})" for org in fields["organizers"]]
    if fields.get("repeat"):
        repeat = fields["repeat"]
        rows.append(f"  Upprepas: {_FREQ[repeat['freq']]} till och med {repeat['until']}")
        if repeat["except"]:
            rows.append(f"  Inte: {', '.join(d.isoformat() for d in repeat['except'])}")
    return rows


def _confirmed(fields: dict[str, Any], site: Any) -> bool:
    """Shows the summary and asks before writing, so an answer given to the wrong question is seen."""
    click.echo("\nSå här blir händelsen:")
    click.echo("\n".join(_summary(fields, site.names)))
    while True:
        answer = click.prompt("Spara den? (ja/nej)", default="ja").strip().lower()
        if answer in ("ja", "j", "yes", "y"):
            return True
        if answer in ("nej", "n", "no"):
            return False
        click.echo("  Svara ja eller nej.", err=True)


@new.command("news")
@content_option
@click.option("--title", help="Nyhetens rubrik.")
@click.option("--date", "date_", metavar="ÅÅÅÅ-MM-DD", help="Publiceringsdatum (annars i dag).")
@click.option("--summary", help="En eller två meningar som visas i listor.")
@click.option("--body", help="Texten (Markdown); annars samma som sammanfattningen.")
def new_news(content: Path, title: str | None, date_: str | None, summary: str | None, body: str | None) -> None:
    """Skriv en nyhet till Aktuellt (content/news/ÅÅÅÅ-MM-DD-namn.md).

    Frågar efter det som inte anges som alternativ. Med --title och --summary ställs inga fler frågor.
    """
    from . import scaffold
    from .build import resolve_today
    from .schema import NewsMeta

    try:
        scaffold.Content(content)
        skip = None not in (title, summary)
        headline = _ask("Rubrik", title, _required(lambda a: scaffold.check_field(NewsMeta, "title", a)), flag="--title")
        day = _ask("Datum", date_, _required(lambda a: scaffold.check_field(NewsMeta, "date", a.strip())),
                   default=resolve_today().isoformat(), flag="--date", skip=skip)
        lead = _ask("Sammanfattning, en eller två meningar", summary,
                    _required(lambda a: scaffold.check_field(NewsMeta, "summary", a)), flag="--summary")
        text = _ask("Text (mer kan skrivas i filen efteråt)", body, scaffold.optional, required=False, flag="--body",
                    skip=skip)
        path = scaffold.write_news(content, headline, day, lead, text)
    except (SitegenError, click.Abort) as exc:
        _new_failed(exc)
        return
    click.echo(f"Sparat: {path}. Öppna filen för att skriva mer; förhandsvisa med make serve.")


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


if __name__ == "__main__":
    main()
