"""Checks of `reviewed`, `repealed` and `replaced_by`: pages and laws that may no longer be true.

A page or law that carries `reviewed` gets a warning (not an error: the site still builds) when that day is
more than 12 months before the build's today. The accessibility statement must carry it, since Digg's model
statement says when it was last reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from . import dates, schema
from .errors import Problem

STATEMENT = "tillganglighet"  # the accessibility statement's page slug (Digg requires a review date)


def year_before(today: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _age(reviewed: dt.date | None, today: dt.date, what: str, fix: str) -> str | None:
    """The warning's text for a review day that is too old or in the future, else None."""
    if reviewed is None:
        return None
    if reviewed > today:
        return (f"Granskningsdagen {reviewed.isoformat()} ligger i framtiden. Skriv dagen då {what} faktiskt "
                "granskades, till exempel dagens datum.")
    if reviewed < year_before(today):
        return (f"{what[:1].upper()}{what[1:]} granskades senast {dates.short_day(reviewed)}, för mer än 12 månader "
                f"sedan. {fix} Skriv sedan dagens datum i reviewed, till exempel ”reviewed: {today.isoformat()}”.")
    return None


def check_pages(pages: Iterable[tuple[str, str, schema.PageMeta]], today: dt.date) -> list[Problem]:
    """Warnings for pages (slug, file, front matter) whose review is old, and a statement without one."""
    problems = []
    for slug, file, meta in pages:
        message = _age(meta.reviewed, today, "sidan", "Läs igenom sidan och rätta det som inte stämmer längre.")
        if message:
            problems.append(Problem(file, meta.line_of("reviewed"), "reviewed", message, "varning"))
        elif slug == STATEMENT and meta.reviewed is None:
            problems.append(Problem(file, meta.line_of("title"), "reviewed", "Tillgänglighetsredogörelsen saknar "
                                    "granskningsdatum. Digg kräver att den säger när den senast granskades: lägg till "
                                    f"en rad ”reviewed: {today.isoformat()}” mellan raderna --- när du har läst igenom "
                                    "den.", "varning"))
    return problems


def check_laws(laws: Iterable[schema.Law], today: dt.date) -> list[Problem]:
    """Errors for a replacement without a repeal date, warnings for old reviews."""
    problems = []
    for law in laws:
        file = law.source[0]
        if law.replaced_by is not None and law.repealed is None:
            problems.append(Problem(file, law.line_of("replaced_by"), "replaced_by", f"{law.law} har replaced_by men "
                                    "inte repealed. Skriv dagen då lagen slutade gälla, till exempel "
                                    "”repealed: 2025-07-01”."))
        message = _age(law.reviewed, today, "lagtexten", "Kontrollera utdragen mot källan och att lagen fortfarande "
                       "gäller.")
        if message:
            problems.append(Problem(file, law.line_of("reviewed"), "reviewed", message, "varning"))
    return problems
