"""Markdown from the coordinator into safe HTML."""

from __future__ import annotations

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode

_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
         "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"scope"},
               "td": {"colspan", "rowspan"}, "abbr": {"title"}, "ol": {"start"}}


def to_html(text: str | None) -> str:
    """Markdown (tables, lists, heading anchors) rendered and sanitised: no scripts, styles or frames."""
    if not text:
        return ""
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "smarty", TocExtension(slugify=slugify_unicode, toc_depth="2-4")],
        extension_configs={"smarty": {"smart_quotes": False}},
        output_format="html",
    )
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto", "tel"})


def to_inline_html(text: str | None) -> str:
    """Markdown for one short line: the paragraph wrapper removed."""
    html = to_html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
