"""Which content file is which: the one table every stage reads (loading, caching, schemas, history, dates).

Each row names a file or a folder of content/, the input group a change to it belongs to (what the build
cache redoes), the editor schema that describes it, whether the git history behind the calendar's
SEQUENCE and LAST-MODIFIED applies to it, and the data page that lists it. Nothing here imports anything
heavy: a no-change build reads this table too.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from enum import StrEnum


class Input(StrEnum):
    """An input group: a set of files (or a value) whose change makes the units that read it stale.

    Renderers declare the groups they read with these members, so a misspelt group fails at import.
    """

    SITE = "site"
    PAGES = "pages"
    NEWS = "news"
    ASSOCIATIONS = "associations"
    EVENTS = "events"
    STEPS = "steps"
    LAWS = "laws"
    CHECKLIST = "checklist"
    DEFINITIONS = "definitions"
    FILES = "files"
    OTHER = "other"  # any other file under content/
    TEMPLATES = "templates"
    STATIC = "static"  # templates/static/: the stylesheet, fonts and images
    TODAY = "today"  # the build's date
    URLS = "urls"  # the list of HTML pages, known once the pages are planned


@dataclass(frozen=True)
class ContentFile:
    """One kind of content file."""

    pattern: str  # relative to content/: a file ("site.yaml") or a glob in a folder ("events/*.yaml")
    group: Input
    schema: str | None = None  # the editor schema (schemas/<name>.schema.json), for YAML files
    history: bool = False  # part of the calendar data whose git history gives SEQUENCE and LAST-MODIFIED
    page: str | None = None  # the data page that lists it ("/lagar/"), for "Senast uppdaterad"

    @property
    def folder(self) -> str | None:
        """The folder of a folder kind ("events"); every file under it belongs to the kind's group."""
        return self.pattern.split("/", 1)[0] if "/" in self.pattern else None


# The order is the order the model loads them in.
CONTENT = (
    ContentFile("site.yaml", Input.SITE, schema="site"),
    ContentFile("pages/*.md", Input.PAGES),
    ContentFile("news/*.md", Input.NEWS),
    ContentFile("associations.yaml", Input.ASSOCIATIONS, schema="association-list", history=True, page="/foreningar/"),
    ContentFile("events/*.yaml", Input.EVENTS, schema="event-list", history=True),
    ContentFile("delaktighetstrappa.yaml", Input.STEPS, schema="step-list", page="/delaktighetstrappa/"),
    ContentFile("laws.yaml", Input.LAWS, schema="law-list", page="/lagar/"),
    ContentFile("checklist.yaml", Input.CHECKLIST, schema="question-list", page="/checklista/"),
    ContentFile("definitions.yaml", Input.DEFINITIONS, schema="definition-list", page="/definitioner/"),
    ContentFile("files/**", Input.FILES),
)
BY_GROUP = {kind.group: kind for kind in CONTENT}
_FILES = {kind.pattern: kind.group for kind in CONTENT if kind.folder is None}
_FOLDERS = {kind.folder: kind.group for kind in CONTENT if kind.folder is not None}


def group_of(relative: str) -> Input:
    """The input group of a file given relative to content/ ("events/2026.yaml" -> EVENTS)."""
    top, slash, _ = relative.partition("/")
    return (_FOLDERS.get(top) if slash else _FILES.get(relative)) or Input.OTHER


def schema_of(relative: str) -> str | None:
    """The editor schema's name for a content file given relative to content/, or None."""
    return next((k.schema for k in CONTENT if k.schema and fnmatch.fnmatch(relative, k.pattern)), None)


def path_of(group: Input) -> str:
    """The file (or glob) of a group: "laws.yaml", "events/*.yaml"."""
    return BY_GROUP[group].pattern


def history_paths() -> tuple[str, ...]:
    """What the calendar's git history covers, as paths relative to content/ (folders without their glob)."""
    return tuple(k.folder or k.pattern for k in CONTENT if k.history)


def data_page_files() -> dict[str, list[str]]:
    """Data page URL -> the content files its list comes from (besides its optional Markdown intro)."""
    return {k.page: [k.pattern] for k in CONTENT if k.page}
