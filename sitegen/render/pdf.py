"""PDF renderer: /kalender.pdf, the upcoming events on A4 as a tagged PDF/UA-1 document, made with WeasyPrint.

The PDF has its own template (templates/pdf/) and ships its own font, so it looks the same wherever it
is built. WeasyPrint is imported here only, so `sitegen check` and the HTML do not pay for it.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator

from .. import calendar, history
from ..dates import TZ
from ..errors import BuildError
from . import Context, Output, rooted
from .html import by_month

# Input groups this renderer reads (see sitegen/incremental.py): it is redone only when one of them changes.
# The git history behind "Senast uppdaterad" is part of every key. It runs in its own process, beside the pages.
DEPENDS = ("site", "events", "associations", "today", "templates")
OWN_PROCESS = True
HEAVY_IMPORTS = ("weasyprint",)  # imported in that process while the content is still being loaded

TITLE = "Gemensam kalender – Föreningsnätverket för psykisk hälsa Gävleborg"


class _Errors(logging.Handler):
    """Collects what WeasyPrint logs as an error (a missing font, a bad stylesheet), which would otherwise pass silently."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def html(ctx: Context) -> str:
    """The PDF's HTML, from templates/pdf/calendar.html."""
    model = ctx.model
    updated = history.load(model.content_dir, model.today).last_changed.astimezone(TZ)
    base = model.site.base_url.rstrip("/")
    # A weekly meeting's description is printed once, at its first date, not on every line of paper.
    described = set(model.next_per_event)
    page = ctx.env.get_template("pdf/calendar.html").render(
        title=TITLE, site=model.site, months=by_month(model.upcoming), described=described, updated=updated.date(),
        updated_stamp=updated.isoformat(), calendar_url=base + "/kalender/",
        feed_url=base + calendar.main_feed(model).path)
    # A link in a description ("/checklista/") must lead to the site from paper too, not to a file beside the template.
    return rooted(page, base)


def render(ctx: Context) -> Iterator[Output]:
    # Made also when the calendar is empty: pages and printed matter may link to it.
    source = html(ctx)
    if ctx.check_only:  # the template is checked above; the file only needs to exist for the link check
        yield "kalender.pdf", b""
        return
    import weasyprint  # type: ignore[import-untyped]  # heavy: loaded only when a PDF is made

    logger = logging.getLogger("weasyprint")
    errors = _Errors()
    logger.addHandler(errors)
    fonts = weasyprint.text.fonts.FontConfiguration()
    try:
        document = weasyprint.HTML(string=source, base_url=str(ctx.templates / "pdf") + "/")
        pdf = document.write_pdf(font_config=fonts, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    finally:
        logger.removeHandler(errors)
        # WeasyPrint copies the @font-face fonts into a temporary folder that only its __del__ removes,
        # which never runs when the PDF is made in a worker process: 1.5 MB left in /tmp per build.
        if getattr(fonts, "_folder", None):
            shutil.rmtree(fonts._folder, ignore_errors=True)
    if errors.messages:
        raise BuildError("Kalendern som PDF gick inte att göra: " + "; ".join(errors.messages) +
                         " Kontrollera templates/pdf/. Ingenting publicerades.")
    yield "kalender.pdf", pdf
