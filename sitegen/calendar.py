"""The calendar's feeds as the site sees them: which events each feed holds, its addresses, and links to add one event.

Shared by the ics renderer, the PDF and the HTML pages, so a feed's address and contents are decided once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from .dates import TZ, short_day
from .model import EXTRA_PLACES, CalendarEvent, SiteModel

GOOGLE = "https://calendar.google.com/calendar/render"


def slug(text: str) -> str:
    """"Ovanåker" -> "ovanaker", "Hela länet" -> "hela-lanet": lowercase ASCII for addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@dataclass(frozen=True)
class Feed:
    """One .ics feed: its site-absolute path, its name in calendar apps, and its events."""

    path: str
    name: str
    events: list[CalendarEvent]
    page: str | None = None  # the HTML listing that shows the same events

    def https(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def webcal(self, base_url: str) -> str:
        return "webcal://" + self.https(base_url).split("://", 1)[1]


def places(model: SiteModel) -> list[str]:
    return [*model.site.municipalities, *EXTRA_PLACES]


def in_feeds(model: SiteModel) -> list[CalendarEvent]:
    """Events not over more than 12 months ago, in order of their first occurrence."""
    return model.feed_events


def main_feed(model: SiteModel) -> Feed:
    return Feed("/kalender.ics", model.site.title, in_feeds(model), "/kalender/")


def place_feed(model: SiteModel, place: str) -> Feed:
    events = [e for e in in_feeds(model) if e.data.municipality == place]
    return Feed(f"/kalender/kommun/{slug(place)}.ics", f"{model.site.title} – {place}", events,
                f"/kalender/kommun/{slug(place)}/")


def association_feed(model: SiteModel, association_id: str) -> Feed:
    association = model.association(association_id)
    events = model.feed_events_by_organizer.get(association_id, [])
    return Feed(f"/kalender/forening/{association_id}.ics", f"{model.site.title} – {association.name}", events,
                f"/kalender/forening/{association_id}/")


def event_feed(model: SiteModel, event: CalendarEvent) -> Feed:
    return Feed(f"/kalender/{event.year}/{event.id}.ics", event.data.title, [event], event.url)


def all_feeds(model: SiteModel) -> list[Feed]:
    return [main_feed(model), *(place_feed(model, p) for p in places(model)),
            *(association_feed(model, a.id) for a in model.associations),
            *(event_feed(model, e) for e in model.events)]


_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_EMPHASIS = re.compile(r"\*+|(?<!\w)__?(?=\w)|(?<=\w)__?(?!\w)")


def plain(markdown: str | None, base_url: str) -> str:
    """A description as calendar apps show it: plain text, links written out in full."""
    if not markdown:
        return ""

    def link(m: re.Match[str]) -> str:
        url = base_url.rstrip("/") + m.group(2) if m.group(2).startswith("/") else m.group(2)
        return f"{m.group(1)} ({url})"

    return _MD_EMPHASIS.sub("", _MD_LINK.sub(link, markdown)).strip()


def where(event: CalendarEvent) -> str:
    """Place and municipality, without saying the municipality twice ("Biblioteket, Bollnäs")."""
    location, place = event.data.location, event.data.municipality
    if not location:
        return place
    return location if place.lower() in location.lower() else f"{location}, {place}"


def repeats(event: CalendarEvent) -> str:
    """"Varje vecka till och med 16 juni 2026", or "" for an event that does not repeat."""
    repeat = event.data.repeat
    if repeat is None:
        return ""
    every = "Varje vecka" if repeat.freq == "weekly" else "Varje månad"
    return f"{every} till och med {short_day(repeat.until)}"


def uid(event: CalendarEvent, base_url: str) -> str:
    """The UID every feed gives this event: its id, which is never reused, at the site's host."""
    return f"{event.id}@{urlsplit(base_url).hostname}"


def _google_dates(event: CalendarEvent) -> str:
    first = event.occurrences[0] if event.occurrences else None
    start = first.start if first else event.data.start
    end = first.end if first else event.data.end
    if isinstance(start, dt.datetime):
        stop = end if isinstance(end, dt.datetime) else start + dt.timedelta(hours=1)
        return f"{start:%Y%m%dT%H%M%S}/{stop:%Y%m%dT%H%M%S}"
    last = end if isinstance(end, dt.date) else start
    return f"{start:%Y%m%d}/{last + dt.timedelta(days=1):%Y%m%d}"


def google_link(event: CalendarEvent, base_url: str) -> str:
    """A link that opens Google Calendar with this event filled in (the first occurrence of a repeat)."""
    data = event.data
    details = "\n\n".join(p for p in (plain(data.description, base_url), base_url.rstrip("/") + event.url) if p)
    query = {"action": "TEMPLATE", "text": data.title, "dates": _google_dates(event), "ctz": TZ.key,
             "details": details, "location": where(event)}
    return f"{GOOGLE}?{urlencode(query)}"


def _iso(value: dt.date | dt.datetime) -> str:
    return value.replace(tzinfo=TZ).isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def json_ld(event: CalendarEvent, base_url: str) -> str:
    """schema.org Event data for search engines, one entry per occurrence, safe inside a <script> element."""
    data = event.data
    url = base_url.rstrip("/") + event.url
    place: dict[str, object] = ({"@type": "VirtualLocation", "url": data.url or url} if data.municipality == "Digitalt"
                                else {"@type": "Place", "name": data.location or data.municipality,
                                      "address": {"@type": "PostalAddress", "addressLocality": data.municipality,
                                                  "addressRegion": "Gävleborgs län", "addressCountry": "SE"}})
    items = []
    for occurrence in event.occurrences:
        item: dict[str, object] = {
            "@context": "https://schema.org", "@type": "Event", "name": data.title, "url": url,
            "startDate": _iso(occurrence.start),
            "eventStatus": "https://schema.org/EventCancelled" if data.cancelled else "https://schema.org/EventScheduled",
            "eventAttendanceMode": ("https://schema.org/OnlineEventAttendanceMode" if data.municipality == "Digitalt"
                                    else "https://schema.org/OfflineEventAttendanceMode"),
            "location": place,
        }
        if occurrence.end is not None:
            item["endDate"] = _iso(occurrence.end)
        if data.description:
            item["description"] = plain(data.description, base_url)
        if event.organizers:
            item["organizer"] = [{"@type": "Organization", "name": a.name, "url": base_url.rstrip("/") +
                                  f"/foreningar/{a.id}/"} for a in event.organizers]
        items.append(item)
    text = json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=1)
    # "</" would end the script element early and "<!--" confuses the HTML parser; JSON allows \u003c
    # for every "<", so no text of the coordinator's can change where the data ends.
    return text.replace("<", "\\u003c")
