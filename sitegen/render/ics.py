"""iCalendar renderer: /kalender.ics and one feed per municipality, association and event (RFC 5545).

Every feed describes an event the same way (same UID, SEQUENCE, LAST-MODIFIED), so a subscriber
who has two feeds sees one event. SEQUENCE and LAST-MODIFIED come from sitegen.history.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import calendar, history
from ..dates import TZ
from ..memos import Memo
from ..model import CalendarEvent, SiteModel
from . import Context, Output

if TYPE_CHECKING:  # icalendar is imported when a feed is made: a build that reuses every feed never loads it
    from icalendar import Event

REFRESH = dt.timedelta(hours=12)
PRODID = "-//Region Gävleborg//sitegen brukarinflytande//SV"

# Europe/Stockholm as EU summer time has been since 1996 (last Sunday of March and of October, 01:00 UTC).
# Written out here rather than derived from the zone database so the output is the same on every machine.
VTIMEZONE = """\
BEGIN:VTIMEZONE
TZID:Europe/Stockholm
X-LIC-LOCATION:Europe/Stockholm
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
""".replace("\n", "\r\n")


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    return value.replace(tzinfo=TZ) if isinstance(value, dt.datetime) else value


def _description(event: CalendarEvent, base_url: str, today: dt.date) -> str:
    data = event.data
    parts = []
    if data.cancelled:
        parts.append("INSTÄLLT. Den här händelsen är inställd.")
    if data.description:
        parts.append(calendar.plain(data.description, base_url))
    if data.online and not data.cancelled:
        parts.append(f"Delta digitalt: {data.online}")
    parts.append(calendar.feature_words(event))
    if not data.cancelled:  # as on the page: nobody is invited to join or register for a cancelled event
        parts.append(calendar.registration_words(event, today))
    if event.organizers:
        parts.append("Arrangör: " + ", ".join(a.name for a in event.organizers))
    if data.url:
        parts.append(f"Mer information och anmälan: {data.url}")
    parts.append(f"Kalendern: {base_url.rstrip('/')}{event.url}")
    return "\n\n".join(p for p in parts if p)


def _repeat(vevent: Event, event: CalendarEvent) -> None:
    from icalendar import vRecur

    repeat = event.data.repeat
    if repeat is None:
        return
    start = event.data.start
    rule: dict[str, object] = {"FREQ": repeat.freq.upper()}
    if isinstance(start, dt.datetime):
        # UNTIL must be UTC when DTSTART has a TZID; the end of the until day covers its occurrence.
        last = dt.datetime.combine(repeat.until, dt.time(23, 59, 59), TZ)
        rule["UNTIL"] = last.astimezone(dt.UTC)
        excluded: list[dt.date | dt.datetime] = [dt.datetime.combine(d, start.time(), TZ) for d in repeat.except_]
    else:
        rule["UNTIL"] = repeat.until
        excluded = list(repeat.except_)
    vevent.add("rrule", vRecur(rule))
    for day in sorted(excluded, key=lambda d: d.isoformat()):
        vevent.add("exdate", day)  # one property per date: some clients read only the first of a list


def vevent(event: CalendarEvent, model: SiteModel, versions: history.History) -> Event:
    """The VEVENT of one event, the same in every feed."""
    from icalendar import Event

    data, base = event.data, model.site.base_url
    version = versions.version(event.id)
    out = Event()
    out.add("uid", calendar.uid(event, base))
    out.add("dtstamp", version.modified)
    out.add("created", version.created)
    out.add("last-modified", version.modified)
    out.add("sequence", version.sequence)
    out.add("summary", f"INSTÄLLT: {data.title}" if data.cancelled else data.title)
    out.add("dtstart", _local(data.start))
    if isinstance(data.start, dt.datetime):
        if data.end is not None:
            out.add("dtend", _local(data.end))
    else:
        last = data.end if data.end is not None else data.start
        out.add("dtend", last + dt.timedelta(days=1))  # exclusive: the day after the last day
    _repeat(out, event)
    out.add("status", "CANCELLED" if data.cancelled else "CONFIRMED")
    out.add("location", calendar.where(event))
    if data.category:
        out.add("categories", [data.category])
    out.add("description", _description(event, base, model.today))
    online = None if data.cancelled else data.online
    if online:
        # RFC 7986: calendar apps that know CONFERENCE show a "join" button; the others get the link in URL and
        # DESCRIPTION (the event's page on the site stays in DESCRIPTION).
        # FEATURE is a list parameter (FEATURE=AUDIO,VIDEO); icalendar's type hints allow only text values.
        parameters: Any = {"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"], "LABEL": "Delta digitalt"}
        out.add("conference", online, parameters=parameters)
    out.add("url", online or base.rstrip("/") + event.url)
    return out


_END = b"END:VCALENDAR\r\n"


def _header(feed: calendar.Feed, model: SiteModel) -> bytes:
    """The feed's calendar properties, serialised by icalendar, without the closing line."""
    from icalendar import Calendar, vDuration

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", feed.name)
    cal.add("x-wr-calname", feed.name)
    cal.add("x-wr-caldesc", f"Händelser från {model.site.title}. {feed.https(model.site.base_url)}")
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    text = bytes(cal.to_ical())
    assert text.endswith(_END)
    return text[: -len(_END)]


Unit = tuple[str, dict[str, str], Callable[[], list[Output]]]


def units(ctx: Context, fingerprint: Callable[[Any], str]) -> Iterator[Unit]:
    """One unit per feed: (its file, its key's parts, how to make it).

    A feed's key holds its address and name and, for each event it holds, the event's fingerprint (its text,
    organizers and dates) and its version from the history, so an edited event makes again only the feeds that
    hold it: its own, the calendar's, its municipality's and its organizers'. The rest of what a feed reads (the
    site's title and address, today) is in the key of every unit (sitegen/renderers.py).
    """
    from ..incremental import digest

    model = ctx.model
    feeds = _Feeds(model, history.load(model.content_dir, model.today, ctx.memos.history), ctx.memos.fragments)
    keys: dict[int, str] = {}

    def key(event: CalendarEvent) -> str:
        if id(event) not in keys:
            version = feeds.versions.version(event.id)
            keys[id(event)] = f"{fingerprint(event)}|{version.sequence}|{version.created}|{version.modified}"
        return keys[id(event)]

    for feed in calendar.all_feeds(model):
        parts = {"events": digest(feed.path, feed.name, *(key(event) for event in feed.events))}
        yield feed.path.lstrip("/"), parts, functools.partial(feeds.make, feed)


class _Feeds:
    """Makes feeds; each event's VEVENT is serialised once and shared by every feed that holds it (with 10,000
    events the feeds hold each event four times), and kept in the session's memo by the event and its version."""

    def __init__(self, model: SiteModel, versions: history.History, memo: Memo) -> None:
        self.model, self.versions, self.memo = model, versions, memo
        self._zone: bytes | None = None

    def vevent(self, event: CalendarEvent) -> bytes:
        version = self.versions.version(event.id)
        witness = (event, version, self.model.site.base_url, self.model.today)
        return self.memo.same(("vevent", event.id), witness,
                              lambda: bytes(vevent(event, self.model, self.versions).to_ical()))

    def make(self, feed: calendar.Feed) -> list[Output]:
        if self._zone is None:
            from icalendar import Timezone

            self._zone = bytes(Timezone.from_ical(VTIMEZONE).to_ical())
        parts = [_header(feed, self.model), self._zone, *(self.vevent(event) for event in feed.events), _END]
        return [(feed.path.lstrip("/"), b"".join(parts))]


def render(ctx: Context) -> Iterator[Output]:
    """Every feed (sitegen check, and a renderer run on its own)."""
    for _, _, make in units(ctx, lambda _event: ""):
        yield from make()
