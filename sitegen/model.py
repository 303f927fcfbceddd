"""Model stage: one checked, cross-referenced picture of all content, shared by every renderer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from . import attachments, contentfs, review, schema
from .contents import BY_GROUP, Input, path_of
from .editor import check_comment
from .errors import ContentError, Problem, display_path
from .history import file_dates, removed_events
from .load import Document, LoadFailed, load_markdown, load_yaml
from .memos import Memo, Memos
from .validate import check_list, check_mapping, check_unique, did_you_mean

EXTRA_PLACES = ("Digitalt", "Hela länet")
KEEP_PAST = dt.timedelta(days=365)  # past events stay in the calendar feeds for 12 months
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NEWS_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
RESERVED_SLUGS = {"static", "files", "404", "sitemap"}
DIRECTORY_FILTERS = ("kommun", "malgrupp")  # /foreningar/kommun/<kommun>/, /foreningar/malgrupp/<målgrupp>/
M = TypeVar("M", bound=BaseModel)

if TYPE_CHECKING:
    from .sources import MarkdownText


@dataclass(frozen=True)
class Page:
    """A Markdown page; its slug is its file name."""

    slug: str
    meta: schema.PageMeta
    body: str
    source: str
    body_line: int = 1  # the file's line where `body` starts

    @property
    def url(self) -> str:
        return "/" if self.slug == "index" else f"/{self.slug}/"


@dataclass(frozen=True)
class NewsItem:
    """An "Aktuellt" item from content/news/YYYY-MM-DD-slug.md."""

    slug: str
    meta: schema.NewsMeta
    body: str
    source: str
    body_line: int = 1  # the file's line where `body` starts

    @property
    def url(self) -> str:
        return f"/aktuellt/{self.slug}/"


@dataclass(frozen=True)
class Occurrence:
    """One time an event takes place; times are local (Europe/Stockholm) and naive."""

    event: CalendarEvent
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def first_day(self) -> dt.date:
        return self.start.date() if isinstance(self.start, dt.datetime) else self.start

    @property
    def last_day(self) -> dt.date:
        end = self.end or self.start
        return end.date() if isinstance(end, dt.datetime) else end

    @property
    def sort_key(self) -> tuple[dt.date, int, str]:
        """Day, then all-day events before timed ones in order of the clock, then the event's id."""
        minute = self.start.hour * 60 + self.start.minute if isinstance(self.start, dt.datetime) else -1
        return (self.first_day, minute, self.event.id)


@dataclass(eq=False, frozen=True)
class CalendarEvent:
    """A checked event with its organizers resolved and its repeats expanded."""

    data: schema.Event
    organizers: list[schema.Association]
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.data.id

    @property
    def year(self) -> int:
        return self.data.start.year

    @property
    def url(self) -> str:
        return f"/kalender/{self.year}/{self.id}/"

    @property
    def source(self) -> tuple[str, int]:
        return self.data.source


@dataclass(frozen=True)
class SiteModel:
    """Everything a renderer may show, checked and cross-referenced; frozen: nothing changes it once it is checked.

    What it works out from its fields (occurrences, upcoming …) is remembered on first use (cached_property
    writes the instance's __dict__, which a frozen dataclass allows).
    """

    content_dir: Path
    site: schema.Site
    pages: dict[str, Page]
    news: list[NewsItem]
    associations: list[schema.Association]
    events: list[CalendarEvent]
    steps: list[schema.Step]
    laws: list[schema.Law]
    checklist: list[schema.Question]
    definitions: list[schema.Definition]
    files: list[str]
    today: dt.date
    warnings: tuple[Problem, ...] = ()  # what the checks found that does not stop a build
    changed: Mapping[str, dt.date] = field(default_factory=dict)  # when each content file last changed (git)

    @cached_property
    def markdown_texts(self) -> tuple[MarkdownText, ...]:
        """Every Markdown text of the site with its file, line and page (sitegen/sources.py), listed once."""
        from .sources import list_texts

        return tuple(list_texts(self))

    @cached_property
    def event_files(self) -> list[str]:
        """The files the events come from (as Problem.file names), in order: the calendar pages show them all."""
        return sorted({event.source[0] for event in self.events})

    @cached_property
    def occurrences(self) -> list[Occurrence]:
        return sorted((o for e in self.events for o in e.occurrences), key=lambda o: o.sort_key)

    @cached_property
    def upcoming(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.last_day >= self.today]

    @cached_property
    def past(self) -> list[Occurrence]:
        return [o for o in reversed(self.occurrences) if o.last_day < self.today]

    @cached_property
    def next_per_event(self) -> list[Occurrence]:
        """The next occurrence of each upcoming event, so a weekly meeting shows once in a teaser."""
        seen: set[str] = set()
        firsts = []
        for occurrence in self.upcoming:
            if occurrence.event.id not in seen:
                seen.add(occurrence.event.id)
                firsts.append(occurrence)
        return firsts

    @cached_property
    def feed_events(self) -> list[CalendarEvent]:
        """What the calendar feeds hold: events not over more than 12 months ago, by their first occurrence."""
        keep_from = self.today - KEEP_PAST
        kept = [e for e in self.events if e.occurrences and e.occurrences[-1].last_day >= keep_from]
        return sorted(kept, key=lambda e: (e.occurrences[0].sort_key, e.id))

    @cached_property
    def feed_events_by_organizer(self) -> dict[str, list[CalendarEvent]]:
        """feed_events per association, in one pass (a feed per association would be quadratic)."""
        by_id: dict[str, list[CalendarEvent]] = {}
        for event in self.feed_events:
            for association_id in dict.fromkeys(a.id for a in event.organizers):
                by_id.setdefault(association_id, []).append(event)
        return by_id

    @cached_property
    def image_sizes(self) -> dict[str, tuple[int, int]]:
        """Width and height of each image in content/files/, by its address ("/files/karta.png")."""
        from .images import FORMATS, PREFIX, size_of

        sizes = {PREFIX + name: size_of(self.content_dir, PREFIX + name) for name in self.files
                 if Path(name).suffix.lower() in FORMATS}
        return {src: size for src, size in sizes.items() if size is not None}

    def image_size(self, src: str) -> tuple[int, int] | None:
        """An image's width and height for its <img>; a page template's model notes that the page shows it."""
        return self.image_sizes.get(src)

    def association(self, association_id: str) -> schema.Association:
        return next(a for a in self.associations if a.id == association_id)

    def events_of(self, association_id: str) -> list[Occurrence]:
        return self._upcoming_by_organizer.get(association_id, [])

    @cached_property
    def _upcoming_by_organizer(self) -> dict[str, list[Occurrence]]:
        """Upcoming occurrences per association, in one pass (a page per association would be quadratic)."""
        by_id: dict[str, list[Occurrence]] = {}
        for occurrence in self.upcoming:
            for association_id in dict.fromkeys(a.id for a in occurrence.event.organizers):
                by_id.setdefault(association_id, []).append(occurrence)
        return by_id


T = TypeVar("T")


class FileMemo:
    """What loading each content file gave, kept between the preview's runs: a file is read again only when its
    size or modification time changed. Its problems are kept with it and reported again on every run."""

    def __init__(self) -> None:
        self._entries: dict[tuple[object, ...], tuple[object, list[Problem]]] = {}
        self._used: set[tuple[object, ...]] = set()

    def remember(self, kind: str, path: Path, make: Callable[[Path], T], problems: list[Problem]) -> T:
        try:
            stat = path.stat()
        except OSError:
            return make(path)
        key = (kind, str(path), stat.st_mtime_ns, stat.st_size)
        self._used.add(key)
        if key in self._entries:
            value, found = self._entries[key]
            problems.extend(found)
            return value  # type: ignore[return-value]
        before = len(problems)
        made = make(path)
        self._entries[key] = (made, problems[before:])
        return made

    def attachment(self, path: Path, info: os.stat_result, check: Callable[[], list[str]]) -> list[str]:
        """check()'s answer for an attachment, kept while its size, time and inode (not followed: lstat) stay."""
        key = ("attachment", str(path), info.st_mtime_ns, info.st_size, info.st_ino)
        self._used.add(key)
        if key not in self._entries:
            self._entries[key] = (check(), [])
        return self._entries[key][0]  # type: ignore[return-value]

    def forget_unused(self) -> None:
        """Drops what this run did not ask for (old versions of files), so a long preview does not grow."""
        self._entries = {key: value for key, value in self._entries.items() if key in self._used}
        self._used = set()


class _Loader:
    """Collects every problem of every file while building the model."""

    def __init__(self, content_dir: Path, memo: FileMemo | None = None) -> None:
        self.dir = content_dir
        self.memo = memo
        self.listing = contentfs.scan(content_dir)  # links and special files are refused here, never read
        self.problems: list[Problem] = list(self.listing.problems)
        self.raw_ids: dict[str, set[str]] = {}  # ids of entries, valid or not, so one error is not reported twice
        self.unreadable: set[str] = set()  # files that could not be read: nothing is known of their ids

    def kind_files(self, group: Input) -> list[Path]:
        """The files of a folder kind ("events/*.yaml") that the content listing allows, in order."""
        kind = BY_GROUP[group]
        return [self.dir / rel for rel in self.listing.files_in(kind.folder or "", kind.pattern.rsplit("*", 1)[-1])]

    def once(self, kind: str, path: Path, make: Callable[[Path], T]) -> T:
        """make(path), or what it gave the last time for this version of the file (with the same problems)."""
        return self.memo.remember(kind, path, make, self.problems) if self.memo is not None else make(path)

    def doc(self, path: Path, markdown: bool = False) -> Document | None:
        try:
            doc = load_markdown(path, self.dir) if markdown else load_yaml(path, self.dir)
        except LoadFailed as failed:
            self.problems.append(failed.problem)
            return None
        if not markdown:
            warning = check_comment(path, doc.text, doc.name, self.dir)
            self.problems += [warning] if warning else []
        return doc

    def present(self, name: str) -> bool:
        """Whether the top-level file `name` is there to be read; a folder or a refused entry is reported."""
        if name in self.listing.folders:
            self.problems.append(Problem(display_path(self.dir / name, self.dir), None, None, f"”{name}” är en mapp, "
                                         "men ska vara en fil. Byt namn på mappen."))
        if name in self.listing.refused or name in self.listing.folders:
            self.unreadable.add(name)
        return self.listing.is_file(name)

    def unused(self, folder: str, hint: str) -> None:
        """An error for each file in `folder` that is not Markdown, so no page silently goes missing."""
        for entry in self.listing.children(folder):
            rel = f"{folder}/{entry}"
            if rel in self.listing.refused or entry.endswith("~") or (entry.endswith(".md") and self.listing.is_file(rel)):
                continue  # reported already, and editors' backups
            stem = entry.rsplit(".", 1)[0] if "." in entry[1:] else entry
            self.problems.append(Problem(display_path(self.dir / rel, self.dir), None, None, f"Filen ”{entry}” används "
                                         f"inte: bara filer som slutar på .md blir {hint}. Byt namn till "
                                         f"”{stem.lower()}.md”, eller flytta den till content/files/ om den "
                                         "är en bilaga."))

    def site(self) -> schema.Site | None:
        """content/site.yaml, checked; None (with an error) when it is missing or wrong."""
        name = path_of(Input.SITE)
        there = self.present(name)
        if not there and name not in self.unreadable:
            self.problems.append(Problem(display_path(self.dir / name, self.dir), None, None,
                                         "Filen site.yaml saknas. Den behövs för webbplatsens namn och adress."))
        return self.once("site", self.dir / name, self._site) if there else None

    def _site(self, path: Path) -> schema.Site | None:
        doc = self.doc(path)
        return check_mapping(doc, schema.Site, self.problems) if doc else None

    def data_list(self, name: str, model: type[M]) -> list[M]:
        if not self.present(name):
            return []
        entries, raw_ids = self.once(f"list:{model.__name__}", self.dir / name,
                                     functools.partial(self._data_list, model))
        if raw_ids is None:
            self.unreadable.add(name)
        else:
            self.raw_ids[name] = raw_ids
        return entries

    def _data_list(self, model: type[M], path: Path) -> tuple[list[M], set[str] | None]:
        """The entries of a list file, and the ids written in it (None when the file is no list)."""
        doc = self.doc(path)
        if doc is None or not isinstance(doc.data, list):
            return (check_list(doc, model, self.problems) if doc else []), None
        raw_ids = {str(e["id"]) for e in doc.data if isinstance(e, dict) and "id" in e}
        return check_list(doc, model, self.problems), raw_ids

    def attachments(self) -> list[str]:
        """The files of content/files/ that may be published (attachments.py); an error for each of the others."""
        names = []
        for name in self.listing.files_below(contentfs.ATTACHMENTS):
            path = self.dir / contentfs.ATTACHMENTS / name
            found = _attachment_problems(path, self.dir, name, self.memo)
            self.problems += [Problem(display_path(path, self.dir), None, None, message) for message in found]
            if not found:
                names.append(name)
        return names

    def pages(self) -> dict[str, Page]:
        pages: dict[str, Page] = {}
        self.unused("pages", "sidor")
        for path in self.kind_files(Input.PAGES):
            page = self.once("page", path, self._page)
            if page is not None:
                pages[page.slug] = page
        return pages

    def _page(self, path: Path) -> Page | None:
        slug = path.stem
        if not _SLUG.match(slug) or slug in RESERVED_SLUGS:
            self.problems.append(Problem(display_path(path, self.dir), None, None, f"Filnamnet ”{path.name}” går "
                                         "inte att använda: det blir sidans adress. Använd små bokstäver a–z, "
                                         "siffror och bindestreck, till exempel ”om-oss.md”."))
            return None
        doc = self.doc(path, markdown=True)
        meta = doc and check_mapping(doc, schema.PageMeta, self.problems)
        return Page(slug, meta, doc.body, doc.name, doc.body_line) if doc and meta else None

    def news(self) -> list[NewsItem]:
        items: list[NewsItem] = []
        self.unused("news", "nyheter")
        for path in self.kind_files(Input.NEWS):
            item = self.once("news", path, self._news_item)
            if item is not None:
                items.append(item)
        seen: dict[str, str] = {}
        for item in items:
            if item.slug in seen:
                self.problems.append(Problem(item.source, None, None, f"Nyheten får samma adress "
                                             f"(/aktuellt/{item.slug}/) som {seen[item.slug]}. Byt namn på en av filerna."))
            seen.setdefault(item.slug, item.source)
        return sorted(items, key=lambda n: (n.meta.date, n.slug), reverse=True)

    def _news_item(self, path: Path) -> NewsItem | None:
        name = display_path(path, self.dir)
        match = _NEWS_NAME.match(path.stem)
        if not match:
            self.problems.append(Problem(name, None, None, "Filnamnet ska vara datum och ett kort namn, "
                                         "till exempel ”2026-03-12-nytt-dialogmote.md”."))
            return None
        doc = self.doc(path, markdown=True)
        meta = doc and check_mapping(doc, schema.NewsMeta, self.problems)
        if not (doc and meta):
            return None
        if meta.date.isoformat() != match.group(1):
            self.problems.append(Problem(name, doc.line(("date",)), "date", f"Datumet {meta.date.isoformat()} "
                                         f"stämmer inte med filnamnets {match.group(1)}. Ändra det ena så "
                                         "att de blir lika."))
        return NewsItem(match.group(2), meta, doc.body, doc.name, doc.body_line)

    def events(self) -> list[schema.Event]:
        events: list[schema.Event] = []
        for path in self.kind_files(Input.EVENTS):
            events += self.once("events", path, self._year)
        return events

    def _year(self, path: Path) -> list[schema.Event]:
        """The events of one year's file."""
        name = display_path(path, self.dir)
        if not re.fullmatch(r"\d{4}", path.stem):
            self.problems.append(Problem(name, None, None, "Kalenderfiler ska heta som året, till exempel "
                                         "”2026.yaml”."))
            return []
        doc = self.doc(path)
        events = check_list(doc, schema.Event, self.problems) if doc else []
        for event in events:
            if event.start.year != int(path.stem):
                self.problems.append(Problem(name, event.line_of("start"), "start", f"Händelsen börjar "
                                             f"{event.start.year} men står i {path.name}. Flytta den till "
                                             f"events/{event.start.year}.yaml."))
        return events


def _places(site: schema.Site) -> list[str]:
    return [*site.municipalities, *EXTRA_PLACES]


def place_message(value: str, places: list[str]) -> str | None:
    """Why `value` is no place of the site, in Swedish; None when it is one. `sitegen new` says the same."""
    if value in places:
        return None
    return f"”{value}” är ingen kommun i site.yaml.{did_you_mean(value, places)} Använd en av: {', '.join(places)}."


def _check_place(value: str, site: schema.Site, file: str, line: int, field_name: str,
                 problems: list[Problem]) -> None:
    message = place_message(value, _places(site))
    if message:
        problems.append(Problem(file, line, field_name, message))


def _nonexistent(when: dt.date | dt.datetime | None, tz: ZoneInfo) -> bool:
    """True for a local time skipped by the spring-forward change (say 02:30 on the last Sunday of March)."""
    if not isinstance(when, dt.datetime):
        return False
    aware = when.replace(tzinfo=tz)
    return aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != when


def _add_months(day: dt.date, months: int) -> dt.date | None:
    month_index = day.month - 1 + months
    try:
        return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1)
    except ValueError:
        return None  # as RFC 5545: a monthly repeat on the 31st skips months without one


MAX_REPEAT_YEARS = 5  # a repeat runs at most five years from its start: at most 262 weekly occurrences
MAX_EXCEPT = 100  # dates one repeat may leave out


def _repeat_days(start: dt.date, repeat: schema.Repeat) -> list[dt.date]:
    days: list[dt.date] = []
    for step in range(0, 53 * MAX_REPEAT_YEARS + 1):
        if repeat.freq == "weekly":
            day: dt.date | None = start + dt.timedelta(weeks=step)
        else:
            day = _add_months(start, step)
            if day is None:
                continue
        if day is None or day > repeat.until:
            break
        days.append(day)
    return days


def _repeat_problem(data: schema.Event, first: dt.date) -> Problem | None:
    """The limits of a repeat: it must not end before it starts, run too far ahead or leave out too many days."""
    repeat, file = data.repeat, data.source[0]
    assert repeat is not None
    if repeat.until < first:
        return Problem(file, data.line_of("repeat.until"), "repeat.until", f"Upprepningen slutar ({repeat.until}) "
                       f"innan händelsen börjar ({first}). Ändra until till ett senare datum.")
    last = first.replace(year=first.year + MAX_REPEAT_YEARS, day=min(first.day, 28) if first.month == 2 else first.day)
    if repeat.until > last:
        return Problem(file, data.line_of("repeat.until"), "repeat.until", f"Upprepningen går till {repeat.until}, "
                       f"längre än {MAX_REPEAT_YEARS} år framåt. Sätt until till {last} eller tidigare, och förläng "
                       "den när det närmar sig.")
    if len(repeat.except_) > MAX_EXCEPT:
        return Problem(file, data.line_of("repeat.except"), "repeat.except", f"Upprepningen har {len(repeat.except_)} "
                       f"undantag; högst {MAX_EXCEPT} går att ange. Dela upp den i flera händelser, eller låt until "
                       "sluta tidigare.")
    return None


def not_a_repeat_day(day: dt.date) -> str:
    return f"{day} är inte en av dagarna då händelsen upprepas, så den kan inte undantas. Kontrollera datumet."


def _shift(when: dt.date | dt.datetime, days: int) -> dt.date | dt.datetime:
    return when + dt.timedelta(days=days)


def _expand(event: CalendarEvent, tz: ZoneInfo, problems: list[Problem]) -> None:
    data = event.data
    file = data.source[0]
    start, end = data.start, data.end
    if end is not None:
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            problems.append(Problem(file, data.line_of("end"), "end", "Start och slut måste vara av samma slag: båda med "
                                    "klockslag (”2026-03-12 18:00”) eller båda bara datum (heldag)."))
            return
        if end < start or (isinstance(end, dt.datetime) and end == start):
            problems.append(Problem(file, data.line_of("end"), "end", f"Slutet ({end:%Y-%m-%d %H:%M}) är före starten "
                                    f"({start:%Y-%m-%d %H:%M}). Rätta tiden eller ta bort end.".replace(" 00:00", "")))
            return
    first = start.date() if isinstance(start, dt.datetime) else start
    days = [first]
    if data.repeat:
        too_much = _repeat_problem(data, first)
        if too_much is not None:
            problems.append(too_much)
            return
        days = _repeat_days(first, data.repeat)
        for index, skipped in enumerate(data.repeat.except_):
            if skipped not in days:
                problems.append(Problem(file, data.line_of(f"repeat.except.{index}"), "repeat.except",
                                        not_a_repeat_day(skipped)))
        days = [d for d in days if d not in data.repeat.except_]
    for day in days:
        offset = (day - first).days
        occ_start = _shift(start, offset)
        occ_end = _shift(end, offset) if end is not None else None
        for label, when in (("start", occ_start), ("end", occ_end)):
            if _nonexistent(when, tz):
                problems.append(Problem(file, data.line_of(label), label,
                                        f"Klockslaget {when:%Y-%m-%d %H:%M} finns inte i svensk tid: den natten ställs "
                                        "klockan fram från 02.00 till 03.00. Välj en annan tid."))
                return
        event.occurrences.append(Occurrence(event, occ_start, occ_end))


def _check_deadline(data: schema.Event, problems: list[Problem]) -> None:
    """The last day to register cannot be after the (first) start."""
    deadline = data.registration.deadline if data.registration else None
    first = data.start.date() if isinstance(data.start, dt.datetime) else data.start
    if deadline is not None and deadline > first:
        problems.append(Problem(data.source[0], data.line_of("registration.deadline"), "registration.deadline",
                                f"Sista anmälningsdag ({deadline.isoformat()}) är efter att händelsen börjar "
                                f"({first.isoformat()}). Skriv en dag före starten, eller samma dag."))


def _cross_check(site: schema.Site, associations: list[schema.Association], raw_events: list[schema.Event],
                 tz: ZoneInfo, problems: list[Problem], invalid_ids: set[str] | None, memo: Memo | None = None
                 ) -> list[CalendarEvent]:
    """Checks references between files; `invalid_ids` None means associations.yaml could not be read at all.

    With `memo` (the preview's), an event unchanged since the last run is not checked or expanded again.
    """
    by_id = {a.id: a for a in associations}
    for association in associations:
        if association.id in DIRECTORY_FILTERS:
            problems.append(Problem(association.source[0], association.line_of("id"), "id", f"Id:t ”{association.id}” "
                                    f"går inte att använda för en förening: adressen /foreningar/{association.id}/ visar "
                                    "föreningslistan uppdelad. Välj ett annat id, till exempel med föreningens namn."))
        for index, place in enumerate(association.municipalities):
            _check_place(place, site, association.source[0], association.line_of(f"municipalities.{index}"),
                         "municipalities", problems)
    events = []
    for data in raw_events:
        organizers = _organizers(data, by_id, invalid_ids, problems)
        if memo is None:
            events.append(_calendar_event(data, organizers, site, tz, problems))
            continue
        # An event equal to one of the last run (its file not read again, or read again with this entry as it
        # was) is the very same object as then, so what depends on it is known to be unchanged too.
        event, found = memo.same(("event", data.source[0], data.id), (data, site, *organizers),
                                 functools.partial(_event_alone, data, organizers, site, tz))
        events.append(event)
        problems += found
    return events


def _organizers(data: schema.Event, by_id: dict[str, schema.Association], invalid_ids: set[str] | None,
                problems: list[Problem]) -> list[schema.Association]:
    """The event's organizers; an error for each id no association has (unless associations.yaml is broken)."""
    organizers = []
    for index, org in enumerate(data.organizers):
        if org in by_id:
            organizers.append(by_id[org])
        elif invalid_ids is not None and org not in invalid_ids:
            problems.append(Problem(data.source[0], data.line_of(f"organizers.{index}"), "organizers",
                                    f"Det finns ingen förening med id ”{org}” i associations.yaml."
                                    f"{did_you_mean(org, by_id)} Skriv föreningens id exakt som i associations.yaml."))
    return organizers


def _calendar_event(data: schema.Event, organizers: list[schema.Association], site: schema.Site, tz: ZoneInfo,
                    problems: list[Problem]) -> CalendarEvent:
    """One checked event with its occurrences: its place, its times and its registration deadline checked."""
    _check_place(data.municipality, site, data.source[0], data.line_of("municipality"), "municipality", problems)
    event = CalendarEvent(data, organizers)
    _expand(event, tz, problems)
    _check_deadline(data, problems)
    return event


def _event_alone(data: schema.Event, organizers: list[schema.Association], site: schema.Site, tz: ZoneInfo
                 ) -> tuple[CalendarEvent, list[Problem]]:
    problems: list[Problem] = []
    return _calendar_event(data, organizers, site, tz, problems), problems


def _attachment_problems(path: Path, content_dir: Path, name: str, memo: FileMemo | None) -> list[str]:
    """The attachment rules for one file, read without following links; with the preview's `memo`, remembered
    while the file is unchanged."""
    try:
        info = os.lstat(path)

        def check() -> list[str]:
            return attachments.check_attachment(name, contentfs.read_bytes(path, content_dir, attachments.MAX_BYTES))

        return memo.attachment(path, info, check) if memo is not None else check()
    except contentfs.TooLarge as exc:
        return attachments.name_problems(name) or [attachments.size_problem(exc.size) or ""]
    except (contentfs.UnsafeFile, OSError) as exc:
        return [str(exc)]


def load_site(content_dir: Path, today: dt.date, memo: FileMemo | None = None, memos: Memos | None = None
              ) -> SiteModel:
    """Loads and checks all content; raises ContentError with every problem found.

    With `memo` (the preview's), a file unchanged since the last run is not read or checked again; `memos` are
    the session's (the git history is read once for the whole run).
    """
    loader = _Loader(content_dir, memo)
    problems = loader.problems
    site = loader.site()
    pages = loader.pages()
    news = loader.news()
    associations = loader.data_list(path_of(Input.ASSOCIATIONS), schema.Association)
    raw_events = loader.events()
    steps = loader.data_list(path_of(Input.STEPS), schema.Step)
    laws = loader.data_list(path_of(Input.LAWS), schema.Law)
    checklist = loader.data_list(path_of(Input.CHECKLIST), schema.Question)
    definitions = loader.data_list(path_of(Input.DEFINITIONS), schema.Definition)
    attachment_names = loader.attachments()
    check_unique(associations, "id", "Id:t", problems)
    check_unique(raw_events, "id", "Id:t", problems)
    check_unique(laws, "id", "Id:t", problems)
    associations_file = path_of(Input.ASSOCIATIONS)
    invalid_ids = None if associations_file in loader.unreadable else loader.raw_ids.get(associations_file, set())
    memos = memos or Memos()
    events = _cross_check(site, associations, raw_events, ZoneInfo(site.timezone), problems, invalid_ids,
                          memos.checks) if site else []
    problems += review.check_pages(((p.slug, p.source, p.meta) for p in pages.values()), today)
    problems += review.check_laws(laws, today)
    if memo is not None:
        memo.forget_unused()
    if site is None:
        raise ContentError(problems)
    model = SiteModel(content_dir, site, pages, news, associations, events, steps, laws, checklist,
                      definitions, attachment_names, today)
    return _checked(model, problems, content_dir, today, memos)


def _checked(model: SiteModel, problems: list[Problem], content_dir: Path, today: dt.date, memos: Memos) -> SiteModel:
    """The model after the rules that read all of it; raises ContentError when there is an error."""
    from .sources import limit_problems  # every Markdown text within the limits that bound its conversion

    limited = limit_problems(model, memos.checks)
    if limited:  # nothing below may convert a text that would take minutes
        raise ContentError([*problems, *limited])
    from .rules import check_site  # headings, links, images: what the accessibility gates would reject

    problems += check_site(model, memos.checks)
    problems += removed_events(content_dir, today, memos.history)  # an event deleted instead of cancelled
    if any(p.severity == "fel" for p in problems):
        raise ContentError(problems)
    # The checked model, made once and never changed after: its warnings and the files' dates go in as it is made.
    return dataclasses.replace(model, warnings=tuple(p for p in problems if p.severity != "fel"),
                               changed=file_dates(content_dir, today))
