"""Markdown from the coordinator into safe HTML."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode

_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
         "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"scope"},
               "td": {"colspan", "rowspan"}, "abbr": {"title"}, "ol": {"start"}}


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # One converter for the whole build: setting up the extensions costs more than converting a page.
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "smarty", TocExtension(slugify=slugify_unicode, toc_depth="2-4")],
        extension_configs={"smarty": {"smart_quotes": False}},
        output_format="html",
    )


# One line of ordinary prose: letters, digits, spaces and punctuation that neither Markdown, SmartyPants
# nor the sanitiser changes. Such a text becomes one paragraph as it is, without starting the converter
# (an event's one-line description is the common case; tests prove the result is the same).
_PROSE = re.compile(r"[^\W_]+(?:[ ,.:;?!()/%'’–][^\W_]*)*", re.UNICODE)


def _is_plain_prose(text: str) -> bool:
    return (_PROSE.fullmatch(text) is not None and ".." not in text and "  " not in text
            and not re.match(r"\d+[.)]", text))


@lru_cache(maxsize=4096)
def to_html(text: str | None) -> str:
    """Markdown (tables, lists, heading anchors) rendered and sanitised: no scripts, styles or frames.

    Cached by text: the footer, an association's description and a repeated event's text are rendered once.
    """
    if not text:
        return ""
    if _is_plain_prose(text):
        return f"<p>{text}</p>"
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto", "tel"})


def to_inline_html(text: str | None) -> str:
    """Markdown for one short line: the paragraph wrapper removed."""
    html = to_html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
