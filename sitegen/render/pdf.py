"""PDF renderer: /kalender.pdf, the upcoming events on A4 as a tagged PDF/UA-1 document, made with WeasyPrint.

The PDF has its own template (templates/pdf/) and ships its own font, so it looks the same wherever it
is built. WeasyPrint is imported here only, so `sitegen check` and the HTML do not pay for it.

Paper covers a bounded horizon: the coming `pdf_months` months of site.yaml (12 unless set), and at most
MAX_OCCURRENCES occurrences, cut after a whole day. Whatever is left out, the PDF says so near the top and
points to the web calendar, so nobody takes the paper for the whole calendar.
"""

from __future__ import annotations

import base64
import calendar as monthdays
import datetime as dt
import logging
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote

from .. import attachments, calendar, contentfs, history, images
from ..dates import TZ
from ..errors import BuildError
from ..model import Occurrence, SiteModel
from . import Context, Output, rooted
from .html import by_month

TITLE = "Gemensam kalender – Föreningsnätverket för psykisk hälsa Gävleborg"

# About 60 A4 pages: enough for a notice board, and WeasyPrint makes it in seconds (10,000 took minutes).
MAX_OCCURRENCES = 300


@dataclass(frozen=True)
class Selection:
    """The occurrences printed, and the last day they cover completely when anything upcoming is left out."""

    occurrences: list[Occurrence]
    shown_through: dt.date | None  # None: the paper holds every upcoming occurrence


def horizon_end(today: dt.date, months: int) -> dt.date:
    """The last day of the coming `months` months: 1 June 2026 and 12 months give 31 May 2027.

    When the same day does not exist that many months on (31 January + 1 month), the month's last day.
    """
    index = today.month - 1 + months
    year, month = today.year + index // 12, index % 12 + 1
    last = monthdays.monthrange(year, month)[1]
    if today.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, today.day) - dt.timedelta(days=1)


def select(model: SiteModel, limit: int = MAX_OCCURRENCES) -> Selection:
    """The upcoming occurrences that start within the horizon, at most `limit`, never half a day."""
    upcoming = model.upcoming
    through = horizon_end(model.today, model.site.pdf_months)
    shown = [o for o in upcoming if o.first_day <= through]
    if len(shown) > limit:
        cut = shown[limit].first_day  # the first day that does not fit whole
        whole_days = [o for o in shown[:limit] if o.first_day < cut]
        if not whole_days:  # more than `limit` on the very first day: that one day, whole
            whole_days = [o for o in shown if o.first_day == cut]
            cut += dt.timedelta(days=1)
        shown, through = whole_days, cut - dt.timedelta(days=1)
    return Selection(shown, through if len(shown) < len(upcoming) else None)


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
    updated = history.load(model.content_dir, model.today, ctx.memos.history).last_changed.astimezone(TZ)
    base = model.site.base_url.rstrip("/")
    # A weekly meeting's description is printed once, at its first date, not on every line of paper.
    described = set(model.next_per_event)
    selection = select(model)
    page = ctx.env.get_template("pdf/calendar.html").render(
        title=TITLE, site=model.site, months=by_month(selection.occurrences), shown_through=selection.shown_through,
        described=described, updated=updated.date(), today=model.today,
        updated_stamp=updated.isoformat(), calendar_url=base + "/kalender/",
        feed_url=base + calendar.main_feed(model).path)
    # A link in a description ("/checklista/") must lead to the site from paper too, not to a file beside the template.
    return rooted(inline_images(page, model.content_dir), base)


_IMAGE = re.compile(r'(<img\b[^>]*?\ssrc=")(/files/[^"]+)"')


def inline_images(page: str, content_dir: Path) -> str:
    """Images from content/files/ put into the HTML as data, read safely: the PDF never fetches anything."""
    def data(match: re.Match[str]) -> str:
        name = unquote(unescape(match.group(2)))[len(images.PREFIX):]
        kind = images.FORMATS.get(Path(name).suffix.lower(), "")
        try:
            raw = contentfs.read_bytes(content_dir / "files" / name, content_dir, attachments.MAX_BYTES)
        except (OSError, contentfs.UnsafeFile, contentfs.TooLarge):
            return match.group(0)  # the content check has said what is wrong with it; the PDF fails on it below
        return f'{match.group(1)}data:image/{kind.lower()};base64,{base64.b64encode(raw).decode("ascii")}"'

    return _IMAGE.sub(data, page) if "<img" in page else page


def render(ctx: Context) -> Iterator[Output]:
    # Made also when the calendar is empty: pages and printed matter may link to it.
    source = html(ctx)
    if ctx.dry:  # the template is checked above; the file only needs to exist for the link check
        yield "kalender.pdf", b""
        return
    import weasyprint  # type: ignore[import-untyped]  # heavy: loaded only when a PDF is made

    logger = logging.getLogger("weasyprint")
    errors = _Errors()
    logger.addHandler(errors)
    fonts = weasyprint.text.fonts.FontConfiguration()
    if ctx.scratch is not None:  # the fonts' copies in the build's own temporary folder, gone when the build ends
        fonts._folder = Path(tempfile.mkdtemp(prefix="weasyprint-", dir=ctx.scratch))
    try:
        # Only the template's own files and the images put in as data: nothing from the network, ever.
        fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file", "data"})
        document = weasyprint.HTML(string=source, base_url=str(ctx.templates / "pdf") + "/", url_fetcher=fetcher)
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
