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

from babel.dates import format_date
from markupsafe import Markup, escape

from .dates import LOCALE, TZ, clock, short_day
from .model import EXTRA_PLACES, CalendarEvent, Occurrence, SiteModel
from .schema import ACCESSIBILITY, ACCESSIBILITY_SHORT

ONLINE = "Digitalt"  # the place of events held only online; its calendar page and feed also hold hybrid events

GOOGLE = "https://calendar.google.com/calendar/render"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"


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

    def google(self, base_url: str) -> str:
        """Google Calendar's "add this calendar?" page. Google documents no format for cid; the feed given as a
        url-encoded webcal:// address is the form known to work (an https:// one may be taken for a calendar id)."""
        return f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': self.webcal(base_url)})}"

    def outlook(self, base_url: str, host: str = "outlook.live.com") -> str:
        """Outlook on the web's "subscribe from web" form, filled in: outlook.live.com for personal accounts,
        outlook.office.com (Microsoft 365) for work and school accounts."""
        return f"https://{host}/calendar/0/addfromweb?{urlencode({'url': self.https(base_url), 'name': self.name})}"

    def office(self, base_url: str) -> str:
        return self.outlook(base_url, "outlook.office.com")


def places(model: SiteModel) -> list[str]:
    return [*model.site.municipalities, *EXTRA_PLACES]


def in_feeds(model: SiteModel) -> list[CalendarEvent]:
    """Events not over more than 12 months ago, in order of their first occurrence."""
    return model.feed_events


def main_feed(model: SiteModel) -> Feed:
    return Feed("/kalender.ics", model.site.title, in_feeds(model), "/kalender/")


def at_place(event: CalendarEvent, place: str) -> bool:
    """Whether the event belongs on a place's calendar: "Digitalt" also lists events one may join online."""
    return event.data.municipality == place or (place == ONLINE and event.data.online is not None)


def place_feed(model: SiteModel, place: str) -> Feed:
    events = [e for e in in_feeds(model) if at_place(e, place)]
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


def attendance(event: CalendarEvent) -> str:
    """"online" (only online: municipality Digitalt), "mixed" (a place and a meeting link) or "offline"."""
    if event.data.municipality == ONLINE:
        return "online"
    return "mixed" if event.data.online else "offline"


def features(event: CalendarEvent) -> list[tuple[str, str]]:
    """The event's accessibility as (id, the words readers see), in the order written."""
    return [(key, ACCESSIBILITY[key][0]) for key in event.data.accessibility]


def feature_words(event: CalendarEvent) -> str:
    """"Tillgänglighet: tillgängligt med rullstol, hörslinga." or ""."""
    words = [label[:1].lower() + label[1:] for _, label in features(event)]
    return f"Tillgänglighet: {', '.join(words)}." if words else ""


def paper_notes(event: CalendarEvent, today: dt.date) -> str:
    """One short line for paper: "Även digitalt: … · Tillgängligt: rullstol, hörslinga · Anmälan senast 4 mars 2027: …"."""
    data, notes = event.data, []
    if data.online and not data.cancelled:
        notes.append(f"{'Digitalt' if attendance(event) == 'online' else 'Även digitalt'}: {data.online}")
    if data.accessibility:
        notes.append("Tillgängligt: " + ", ".join(ACCESSIBILITY_SHORT[key] for key in data.accessibility))
    registration = data.registration
    if registration and not data.cancelled:
        ways = ", ".join(w for w in (registration.url, registration.email, registration.phone) if w)
        if registration_closed(event, today):
            notes.append("Anmälan är stängd")
        elif registration.deadline:
            notes.append(f"Anmälan senast {short_day(registration.deadline)}: {ways}")
        else:
            notes.append(f"Anmälan: {ways}")
    return " · ".join(notes)


def with_feature(occurrences: list[Occurrence], key: str) -> list[Occurrence]:
    return [o for o in occurrences if key in o.event.data.accessibility]


def registration_closed(event: CalendarEvent, today: dt.date) -> bool:
    """True once the last day to register has passed (relative to the build's today)."""
    registration = event.data.registration
    return bool(registration and registration.deadline and registration.deadline < today)


def registration_words(event: CalendarEvent, today: dt.date) -> str:
    """How to register, in plain text for calendar apps and paper, or that registration has closed."""
    registration = event.data.registration
    if registration is None:
        return ""
    if registration.deadline and registration_closed(event, today):
        return f"Anmälan är stängd. Sista anmälningsdag var {short_day(registration.deadline)}."
    ways = [w for w in (registration.url, registration.email and f"e-post {registration.email}",
                        registration.phone and f"telefon {registration.phone}") if w]
    text = f"Anmälan: {', '.join(ways)}."
    if registration.deadline:
        text += f" Sista anmälningsdag {short_day(registration.deadline)}."
    return text


def _day_month(value: dt.date, with_year: bool) -> str:
    return short_day(value) if with_year else short_day(value).rsplit(" ", 1)[0]


def _time(value: dt.date, text: str) -> str:
    return f'<time datetime="{value.isoformat()}">{escape(text)}</time>'


def series(event: CalendarEvent) -> Markup:
    """A repeating event in one line: "Varje måndag kl. 18.00–19.30, 1 februari–31 maj 2027, inte 29 mars"."""
    data, occurrences = event.data, event.occurrences
    first, last = occurrences[0], occurrences[-1]
    if data.repeat is not None and data.repeat.freq == "weekly":
        every = f"Varje {format_date(first.first_day, 'EEEE', locale=LOCALE)}"
    else:
        every = f"Den {first.first_day.day} varje månad"
    if isinstance(first.start, dt.datetime):
        end = first.end if isinstance(first.end, dt.datetime) else None
        every += f" kl. {clock(first.start)}" + (f"–{clock(end)}" if end else "")
    one_year = first.first_day.year == last.first_day.year
    parts = [escape(every), _time(first.first_day, _day_month(first.first_day, not one_year)) + "–" +
             _time(last.first_day, short_day(last.first_day))]
    skipped = sorted(data.repeat.except_) if data.repeat else []
    if skipped:
        days = [_time(d, _day_month(d, not one_year)) for d in skipped]
        parts.append("inte " + (", ".join(days[:-1]) + " och " + days[-1] if len(days) > 1 else days[0]))
    return Markup(", ".join(parts))


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


_MODES = {"online": "OnlineEventAttendanceMode", "mixed": "MixedEventAttendanceMode",
          "offline": "OfflineEventAttendanceMode"}


def _locations(event: CalendarEvent, page_url: str) -> list[dict[str, object]]:
    """The schema.org place (with its accessibility as amenityFeature) and/or the online meeting."""
    data, mode = event.data, attendance(event)
    found: list[dict[str, object]] = []
    if mode != "online":
        place: dict[str, object] = {"@type": "Place", "name": data.location or data.municipality,
                                    "address": {"@type": "PostalAddress", "addressLocality": data.municipality,
                                                "addressRegion": "Gävleborgs län", "addressCountry": "SE"}}
        if data.accessibility:
            place["amenityFeature"] = [{"@type": "LocationFeatureSpecification", "name": label, "value": True}
                                       for _, label in features(event)]
        found.append(place)
    if mode != "offline":
        found.append({"@type": "VirtualLocation", "url": data.online or data.url or page_url})
    return found


def _offer(event: CalendarEvent, page_url: str) -> dict[str, object] | None:
    """Registration as a schema.org Offer: where to register and until when."""
    registration = event.data.registration
    if registration is None:
        return None
    offer: dict[str, object] = {"@type": "Offer", "url": registration.url or page_url}
    if registration.deadline:
        offer["availabilityEnds"] = _iso(dt.datetime.combine(registration.deadline, dt.time(23, 59)))
    return offer


def json_ld(event: CalendarEvent, base_url: str, today: dt.date | None = None) -> str:
    """schema.org Event data for search engines, one entry per occurrence, safe inside a <script> element."""
    data = event.data
    url = base_url.rstrip("/") + event.url
    locations = _locations(event, url)
    offer = _offer(event, url)
    description = " ".join(p for p in (plain(data.description, base_url), feature_words(event),
                                       registration_words(event, today) if today else "") if p)
    items = []
    for occurrence in event.occurrences:
        item: dict[str, object] = {
            "@context": "https://schema.org", "@type": "Event", "name": data.title, "url": url,
            "startDate": _iso(occurrence.start),
            "eventStatus": "https://schema.org/EventCancelled" if data.cancelled else "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/" + _MODES[attendance(event)],
            "location": locations[0] if len(locations) == 1 else locations,
        }
        if occurrence.end is not None:
            item["endDate"] = _iso(occurrence.end)
        if description:
            item["description"] = description
        if offer:
            item["offers"] = offer
        if event.organizers:
            item["organizer"] = [{"@type": "Organization", "name": a.name, "url": base_url.rstrip("/") +
                                  f"/foreningar/{a.id}/"} for a in event.organizers]
        items.append(item)
    text = json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=1)
    # "</" would end the script element early and "<!--" confuses the HTML parser; JSON allows \u003c
    # for every "<", so no text of the coordinator's can change where the data ends.
    return text.replace("<", "\\u003c")
