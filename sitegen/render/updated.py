""""Senast uppdaterad" for each HTML page: the newest change among the content files the page is made from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..contents import data_page_files
from ..errors import display_path
from ..history import newest
from ..model import SiteModel

# Data pages and the files their lists come from (besides their optional Markdown intro page).
_DATA_FILES = data_page_files()


def sources(url: str, variables: dict[str, Any], model: SiteModel) -> list[str]:
    """The content files (as Problem.file names) one page shows."""
    def name(relative: str) -> str:
        return display_path(model.content_dir / relative, model.content_dir)

    found = [name("site.yaml")] if url == "/404.html" else []
    for key in ("page", "item"):
        if variables.get(key) is not None:
            found.append(variables[key].source)
    if variables.get("event") is not None:
        found.append(variables["event"].source[0])
    if variables.get("association") is not None:
        found.append(variables["association"].source[0])
    if url in ("/", "/aktuellt/"):
        found += [item.source for item in model.news]
    if url in ("/", "/kalender/", "/kalender/arkiv/"):
        found += model.event_files
    found += [name(f) for f in _DATA_FILES.get(url, [])]
    return found


def updated(url: str, variables: dict[str, Any], model: SiteModel) -> dt.date:
    return newest(model.changed, sources(url, variables, model), model.today)
