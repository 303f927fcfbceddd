"""HTML renderer: every page of the site, from the Markdown pages and the data files."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .. import calendar, dates, markup
from ..model import EXTRA_PLACES, CalendarEvent, Occurrence, Page, SiteModel
from ..schema import ACCESSIBILITY
from . import Context, Output, relativize, rooted, url_to_path
from .updated import updated

# Pages made from data files. A Markdown page with the same slug gives them their title and intro.
DATA_PAGES = {
    "aktuellt": ("news_list.html", "Aktuellt"),
    "foreningar": ("associations.html", "Föreningar"),
    "kalender": ("calendar.html", "Kalender"),
    "delaktighetstrappa": ("trappa.html", "Delaktighetstrappa"),
    "lagar": ("laws.html", "Lagar"),
    "checklista": ("checklist.html", "Checklista för brukarinflytande"),
    "definitioner": ("definitions.html", "Definitioner"),
}
COUNTY = "Hela länet"
UPCOMING_ON_START_PAGE = 5
NEWS_ON_START_PAGE = 3


@dataclass(frozen=True)
class MonthGroup:
    first_day: Any
    occurrences: list[Occurrence]


def by_month(occurrences: list[Occurrence]) -> list[MonthGroup]:
    """Occurrences grouped under the month they start in, in the order given."""
    groups = itertools.groupby(occurrences, key=lambda o: o.first_day.replace(day=1))
    return [MonthGroup(month, list(items)) for month, items in groups]


def next_per_event(occurrences: list[Occurrence]) -> list[Occurrence]:
    """The first of each event's occurrences, so a weekly meeting is listed once (with its series summarised)."""
    firsts: dict[str, Occurrence] = {}
    for occurrence in occurrences:
        firsts.setdefault(occurrence.event.id, occurrence)
    return list(firsts.values())


def _menu(model: SiteModel) -> list[Page]:
    return sorted((p for p in model.pages.values() if p.meta.menu), key=lambda p: (p.meta.menu, p.slug))


def _data_page(model: SiteModel, slug: str) -> tuple[str, str, Page | None]:
    template, title = DATA_PAGES[slug]
    page = model.pages.get(slug)
    return template, page.meta.title if page else title, page


def _has_data(model: SiteModel, slug: str) -> bool:
    present = {
        "aktuellt": model.news, "foreningar": model.associations, "kalender": model.events,
        "delaktighetstrappa": model.steps, "lagar": model.laws, "checklista": model.checklist,
        "definitioner": model.definitions,
    }
    return bool(present[slug]) or slug in model.pages


def plan(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every HTML page as (URL, template, variables), each with the date its content last changed."""
    for url, template, variables in _plan(model):
        yield url, template, {**variables, "updated": updated(url, variables, model), "reviewed": _reviewed(variables)}


def _reviewed(variables: dict[str, Any]) -> Any:
    """The day a page's text was last reviewed (its front matter's `reviewed`), shown beside "Senast uppdaterad"."""
    page = variables.get("page")
    return page.meta.reviewed if isinstance(page, Page) else None


def _plan(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every HTML page as (URL, template, variables)."""
    pages = list(_content_pages(model))
    yield from pages
    from .search import executable  # the search page says so when the search index cannot be built

    yield "/sok/", "search.html", {"title": "Sök", "searchable": False, "search_available": executable() is not None}
    yield "/webbplatskarta/", "site_map.html", {"title": "Webbplatskarta", "searchable": False,
                                                "groups": _site_map(pages)}
    yield "/404.html", "404.html", {"title": "Sidan finns inte", "searchable": False}


def _site_map(pages: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The pages of the site map, grouped as a reader looks for them."""
    groups: dict[str, list[tuple[str, str]]] = {"Sidor": [], "Aktuellt": [], "Föreningar": [], "Kalender": []}
    for url, template, variables in pages:
        group = {"news_item.html": "Aktuellt", "association.html": "Föreningar", "event.html": "Kalender",
                 "associations_filter.html": "Föreningar",
                 "archive.html": "Kalender", "calendar_filter.html": "Kalender"}.get(template, "Sidor")
        groups[group].append((url, "Startsida" if url == "/" else variables["title"]))
    return [(name, entries) for name, entries in groups.items() if entries]


def _content_pages(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if "index" in model.pages:
        yield "/", "index.html", {"page": model.pages["index"], "title": model.pages["index"].meta.title,
                                  "news": model.news[:NEWS_ON_START_PAGE],
                                  "upcoming": model.next_per_event[:UPCOMING_ON_START_PAGE]}
    for page in model.pages.values():
        if page.slug != "index" and page.slug not in DATA_PAGES:
            yield page.url, "page.html", {"page": page, "title": page.meta.title}
    for slug in DATA_PAGES:
        if _has_data(model, slug):
            template, title, intro = _data_page(model, slug)
            extra: dict[str, Any] = ({"months": by_month(model.upcoming)} if slug == "kalender" else
                                     {"choices": association_choices(model)} if slug == "foreningar" else {})
            yield f"/{slug}/", template, {"page": intro, "title": title, **extra}
    for item in model.news:
        yield item.url, "news_item.html", {"item": item, "title": item.meta.title}
    for association in model.associations:
        yield (f"/foreningar/{association.id}/", "association.html",
               {"association": association, "title": association.name,
                "upcoming": next_per_event(model.events_of(association.id))})
    # The filter pages exist whenever their listing does (also one made only of a Markdown page), so its links work.
    if _has_data(model, "foreningar"):
        yield from association_filters(model)
    if _has_data(model, "kalender"):
        yield "/kalender/arkiv/", "archive.html", {"title": "Kalenderarkiv", "months": by_month(model.past)}
    for event in model.events:
        yield event.url, "event.html", {"event": event, "title": _event_title(event)}
    if _has_data(model, "kalender"):
        yield from calendar_filters(model)


def _event_title(event: CalendarEvent) -> str:
    """The page title of an event: its name and date, so that this spring's and this autumn's meeting differ."""
    if not event.occurrences:
        return event.data.title
    first = dates.short_day(event.occurrences[0].first_day)
    return f"{event.data.title}, {'från ' if len(event.occurrences) > 1 else ''}{first}"


@dataclass(frozen=True)
class Choices:
    """The association directory's filter pages: (address, name) per municipality and per audience."""

    places: list[tuple[str, str]]
    audiences: list[tuple[str, str]]


def _audiences(model: SiteModel) -> dict[str, str]:
    """Audience slug -> the first spelling used ("Närstående" and "närstående" are one audience)."""
    found: dict[str, str] = {}
    for association in model.associations:
        for audience in association.audience:
            if calendar.slug(audience):
                found.setdefault(calendar.slug(audience), audience)
    return found


def _directory_places(model: SiteModel) -> list[str]:
    """Every municipality, and "Digitalt" or "Hela länet" when an association says it works there."""
    used = {place for a in model.associations for place in a.municipalities}
    return [*model.site.municipalities, *(p for p in EXTRA_PLACES if p in used)]


def association_choices(model: SiteModel) -> Choices:
    return Choices([(f"/foreningar/kommun/{calendar.slug(p)}/", p) for p in _directory_places(model)],
                   [(f"/foreningar/malgrupp/{key}/", name) for key, name in _audiences(model).items()])


def association_filters(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A directory page per municipality and per audience: filters that work without JavaScript."""
    choices = association_choices(model)
    county = [a for a in model.associations if COUNTY in a.municipalities]
    for href, place in choices.places:
        local = [a for a in model.associations if place in a.municipalities]
        extra = county if place in model.site.municipalities else []
        yield href, "associations_filter.html", {
            "title": f"Föreningar: {place}", "choices": choices, "associations": local, "county": extra,
            "place": place, "lead": {"Digitalt": "Föreningar som träffas på nätet.",
                                     COUNTY: "Föreningar som verkar i hela länet."}.get(place, f"Föreningar i {place}."),
            "empty": f"Ingen förening har skrivit att den verkar just i {place} än."
                     + (" Föreningarna nedan verkar i hela länet." if extra else "")}
    audiences = _audiences(model)
    for href, name in choices.audiences:
        key = href.rstrip("/").rsplit("/", 1)[1]
        chosen = [a for a in model.associations if any(calendar.slug(x) == key for x in a.audience)]
        yield href, "associations_filter.html", {
            "title": f"Föreningar för {audiences[key]}", "choices": choices, "associations": chosen, "county": [],
            "place": None, "lead": f"Föreningar som vänder sig till {name}.", "empty": ""}


def calendar_filters(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A calendar page per municipality and per association: filters that work without JavaScript."""
    for place in calendar.places(model):
        feed = calendar.place_feed(model, place)
        months = by_month([o for o in model.upcoming if calendar.at_place(o.event, place)])
        lead = {"Digitalt": "Händelser på nätet, också de som går att följa både på plats och digitalt.",
                "Hela länet": "Händelser för hela länet."}.get(place, f"Kommande händelser i {place}.")
        yield feed.page or "", "calendar_filter.html", {"title": f"Kalender: {place}", "lead": lead, "feed": feed,
                                                        "months": months}
    for association in model.associations:
        feed = calendar.association_feed(model, association.id)
        yield feed.page or "", "calendar_filter.html", {
            "title": f"Kalender: {association.name}", "feed": feed, "months": by_month(model.events_of(association.id)),
            "lead": f"Kommande händelser som {association.name} arrangerar eller är med och arrangerar."}
    yield from feature_pages(model)


def feature_pages(model: SiteModel) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A calendar page per accessibility feature, for every word of the vocabulary, so its address never breaks.

    A feature no upcoming event has gets a page that says so kindly instead of a missing page.
    """
    for key, (label, meaning) in ACCESSIBILITY.items():
        words = label[:1].lower() + label[1:]
        yield f"/kalender/tillganglighet/{key}/", "calendar_filter.html", {
            "title": f"Kalender: {label}", "feed": None, "months": by_month(calendar.with_feature(model.upcoming, key)),
            "lead": f"Kommande händelser med {words}. {meaning}",
            "empty": f"Just nu finns det ingen kommande händelse i kalendern som har {words}. Fråga gärna den som "
                     "arrangerar en händelse: ofta går det att ordna."}


def common_variables(model: SiteModel) -> dict[str, Any]:
    """What every page template gets besides its own variables."""
    return {"site": model.site, "model": model, "menu": _menu(model)}


def render_page(ctx: Context, common: dict[str, Any], url: str, template_name: str, variables: dict[str, Any]) -> bytes:
    """One page of the plan as the bytes of its file."""
    html = ctx.env.get_template(template_name).render(**common, **variables, url=url)
    html = markup.mark_external(html, ctx.model.site.base_url)
    # The 404 page is served at any missing address, so its links are rooted at the base path.
    html = _rooted(html, ctx.model.site.base_url) if url == "/404.html" else relativize(html, url)
    return html.encode("utf-8")


def render(ctx: Context) -> Iterator[Output]:
    common = common_variables(ctx.model)
    for url, template_name, variables in plan(ctx.model):
        ctx.pages.append(url)
        path, data = url_to_path(url), render_page(ctx, common, url, template_name, variables)
        ctx.html[path] = data
        yield path, data


def _rooted(html: str, base_url: str) -> str:
    return rooted(html, urlsplit(base_url).path.rstrip("/"))
