"""Feeds renderer: an Atom feed of Aktuellt at /aktuellt/atom.xml, dated from the news items themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import markup
from ..dates import TZ
from . import Context, Output, rooted

FEED_URL = "/aktuellt/atom.xml"
FEED_ENTRIES = 20


def _stamp(day: dt.date) -> str:
    """Midnight of the news item's date in Swedish time, as RFC 3339."""
    return dt.datetime.combine(day, dt.time(), TZ).isoformat()


def absolute(html: str, base_url: str) -> str:
    """Site-absolute links made absolute, since a feed reader shows the text away from the site."""
    return rooted(html, base_url.rstrip("/"))


def render(ctx: Context) -> Iterator[Output]:
    model = ctx.model
    if not model.news:
        return
    base = model.site.base_url.rstrip("/")
    entries = [{"title": item.meta.title, "url": base + item.url, "updated": _stamp(item.meta.date),
                "summary": item.meta.summary, "content": absolute(markup.to_html(item.body, ctx.memos.markdown), base)}
               for item in model.news[:FEED_ENTRIES]]
    xml = ctx.env.get_template("atom.xml").render(
        site=model.site, base=base, feed_url=base + FEED_URL, entries=entries,
        updated=_stamp(max(item.meta.date for item in model.news)))
    yield FEED_URL.lstrip("/"), xml.encode("utf-8")
