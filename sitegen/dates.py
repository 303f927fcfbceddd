"""Swedish dates and times for readers ("torsdag 12 mars 2026, kl. 18.00–20.00"), from Babel's CLDR data."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

LOCALE = "sv_SE"
TZ = ZoneInfo("Europe/Stockholm")
# The functions are cached: Babel parses its pattern and locale on every call, and a calendar repeats the
# same days and times thousands of times.


@lru_cache(maxsize=8192)
def day(value: dt.date) -> str:
    """"torsdag 12 mars 2026"."""
    return format_date(value, "EEEE d MMMM y", locale=LOCALE)


@lru_cache(maxsize=8192)
def short_day(value: dt.date) -> str:
    """"12 mars 2026"."""
    return format_date(value, "d MMMM y", locale=LOCALE)


@lru_cache(maxsize=8192)
def month(value: dt.date) -> str:
    """"Mars 2026", for month headings."""
    text = format_date(value, "LLLL y", locale=LOCALE)
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8192)
def clock(value: dt.datetime) -> str:
    """"18.00" (the Swedish style of writing times)."""
    return format_time(value.time(), "HH.mm", locale=LOCALE)


@lru_cache(maxsize=8192)
def span(start: dt.date | dt.datetime, end: dt.date | dt.datetime | None) -> str:
    """A whole occurrence in words: date, and time span when it has times."""
    if isinstance(start, dt.datetime):
        if end is None:
            return f"{day(start.date())}, kl. {clock(start)}"
        assert isinstance(end, dt.datetime)
        if end.date() == start.date():
            return f"{day(start.date())}, kl. {clock(start)}–{clock(end)}"
        return f"{day(start.date())}, kl. {clock(start)} – {day(end.date())}, kl. {clock(end)}"
    if end is None or end == start:
        return day(start)
    return f"{day(start)} – {day(end)}"


def machine(value: dt.date | dt.datetime) -> str:
    """The value for <time datetime>: a date, or a time with the Swedish UTC offset of that day."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=TZ).isoformat(timespec="minutes")
    return value.isoformat()
