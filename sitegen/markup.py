"""Markdown from the coordinator into safe HTML, and a Swedish account of what the sanitiser removed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .memos import MarkdownMemo, Removed

_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
         "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
         "sitegen-img"}
# Markdown images (![alt](/files/bild.png)) only: they are renamed before sanitising so that pasted <img> tags
# are still removed. sitegen check (rules.py) refuses any image not from content/files/ or without a text.
MARKDOWN_IMAGE = "sitegen-img"
_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"scope"},
               "td": {"colspan", "rowspan"}, "abbr": {"title"}, "ol": {"start"}, MARKDOWN_IMAGE: {"src", "alt", "title"}}
_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
# Tags a browser treats as text or that the toc extension adds and the sanitiser keeps anyway.
_QUIET_TAGS = {"div", "span", "html", "head", "body"}


class _MarkImages(Treeprocessor):
    """Renames the images Markdown made, which pasted HTML (kept aside until later) never reaches."""

    def run(self, root: Element) -> None:
        for element in root.iter("img"):
            element.tag = MARKDOWN_IMAGE


class _Images(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_MarkImages(md), "sitegen-images", 5)  # after the inline patterns (20)


# What SmartyPants can change with smart quotes off: dashes (-- and ---) and ellipses (... and . . .). It
# costs about a tenth of the Markdown time on every text (1,000 pages on a busy machine: 16.1 s with it,
# 14.5 s without), yet changes only the texts that have one of these, so only those go through it.
# tests/test_markup.py proves the HTML is the same either way.
_SMARTY_CHANGES = re.compile(r"--|\.\s*\.\s*\.")


@lru_cache(maxsize=4)
def _converter(smarty: bool = True) -> markdown.Markdown:
    # One converter for the whole build: setting up the extensions costs more than converting a page.
    return markdown.Markdown(
        extensions=["tables", "sane_lists", *(["smarty"] if smarty else []),
                    TocExtension(slugify=slugify_unicode, toc_depth="2-4"), _Images()],
        extension_configs={"smarty": {"smart_quotes": False}} if smarty else {},
        output_format="html",
    )


def _markdown(text: str) -> str:
    converter = _converter(_SMARTY_CHANGES.search(text) is not None)
    try:
        return converter.convert(text)
    finally:
        converter.reset()


# --- limits: every text converts in bounded time ---------------------------------------------------------------
# Python-Markdown (and the standard library's HTML parser under it) spends time that grows with the square of
# the text for some inputs: each "[" without its "]" rescans the rest of its paragraph, each "<a" without its ">"
# rescans the rest of the text. A text's size alone does not bound that, so the work those rescans would do is
# counted first, in one quick pass, and a text over a limit is refused with a message that says what to change.
# The worst case under every limit is measured (README.md, "Gränser"): a few seconds at most.
MAX_CHARS = 25_000  # one Markdown text (a page's body or a field): about 3,500 words
MAX_NESTING = 12  # lists and quotes inside each other, counted on one line
MAX_BRACKET_WORK = 400_000  # characters rescanned for [ … ] and ]( … ) within paragraphs
MAX_TAG_WORK = 1_000_000  # characters rescanned for < … > over the whole text

_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
_QUOTE = re.compile(r"[\"']")
_BLOCKS = re.compile(r"\n[ \t]*\n")
_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]))*[ \t]*")


def limit_problems(text: str) -> list[tuple[int, str]]:
    """What makes `text` too large or too costly to convert, as (0-based line, Swedish message); empty when fine."""
    if len(text) > MAX_CHARS:
        size, limit = f"{len(text):,}".replace(",", " "), f"{MAX_CHARS:,}".replace(",", " ")
        return [(0, f"Texten är {size} tecken lång; en text får vara högst {limit} tecken (ungefär 3 500 ord). Dela "
                    "upp den på flera sidor, eller lägg den långa texten som PDF i content/files/ och länka dit.")]
    problems = []
    deep = _too_deep_line(text)
    if deep is not None:
        problems.append((deep, f"Listor och citat ligger i fler än {MAX_NESTING} nivåer inuti varandra (räknat på "
                         "indrag, > och listtecken). Gör texten plattare."))
    at = _bracket_work(text)
    if at is not None:
        problems.append((text.count("\n", 0, at), "Texten har många [ eller ]( som aldrig stängs med ] eller ) i "
                         "samma stycke, vilket gör den för tung att omvandla. Stäng dem, skriv \\[ om hakparentesen "
                         "ska synas som den är, eller dela upp stycket."))
    at = _tag_work(text)
    if at is not None:
        problems.append((text.count("\n", 0, at), "Texten har många < som aldrig stängs med >, vilket gör den för "
                         "tung att omvandla. Skriv &lt; i stället för < där tecknet ska synas, eller stäng taggen."))
    return problems


def _too_deep_line(text: str) -> int | None:
    for index, row in enumerate(text.split("\n")):
        prefix = _PREFIX.match(row)
        if prefix is None:
            continue
        marks = prefix.group(0)
        columns = len(marks.expandtabs(4)) - len(marks.replace(" ", "").replace("\t", ""))
        if marks.count(">") + len(re.findall(r"[-*+]|\d+[.)]", marks)) + columns // 4 > MAX_NESTING:
            return index
    return None


def _bracket_work(text: str) -> int | None:
    """The position where rescanning [ … ] and ]( … ) passes MAX_BRACKET_WORK, or None."""
    work, start = 0, 0
    for block in [*_BLOCKS.split(text)]:
        opens: list[int] = []
        parens: list[tuple[int, bool]] = []
        for match in re.finditer(r"[\[\]()]", block):
            char, at = match.group(), match.start()
            if char == "[":
                opens.append(at)
            elif char == "]" and opens:
                work += at - opens.pop()
            elif char == "(":
                parens.append((at, at > 0 and block[at - 1] == "]"))
            elif char == ")" and parens:
                begun, link = parens.pop()
                work += at - begun if link else 0
        work += sum(len(block) - at for at in opens) + sum(len(block) - at for at, link in parens if link)
        if work > MAX_BRACKET_WORK:
            return start
        start += len(block) + 2
    return None


def _tag_work(text: str) -> int | None:
    """The position where rescanning < … > passes MAX_TAG_WORK, or None (quoted values may hide a >)."""
    work, size = 0, len(text)
    for match in _TAG_OPEN.finditer(text):
        at = match.start()
        if text.startswith("<!--", at):
            end = text.find("-->", at)
        elif text.startswith("<![", at):
            end = text.find("]]>", at)
        else:
            end = _tag_end(text, at + 1)
        work += (size if end < 0 else end) - at
        if work > MAX_TAG_WORK:
            return at
    return None


def _tag_end(text: str, pos: int) -> int:
    """Where a tag that starts before `pos` ends: the first > outside quotes, or -1."""
    close = text.find(">", pos)
    while True:
        if 0 <= close < pos:
            close = text.find(">", pos)
        quote = _QUOTE.search(text, pos, close if close >= 0 else len(text))
        if quote is None:
            return close
        pos = text.find(quote.group(), quote.start() + 1) + 1
        if pos == 0:
            return -1


# One line of ordinary prose: letters, digits, spaces and punctuation that neither Markdown, SmartyPants
# nor the sanitiser changes. Such a text becomes one paragraph as it is, without starting the converter
# (an event's one-line description is the common case; tests prove the result is the same).
_PROSE = re.compile(r"[^\W_]+(?:[ ,.:;?!()/%'’–][^\W_]*)*", re.UNICODE)


def _is_plain_prose(text: str) -> bool:
    return (_PROSE.fullmatch(text) is not None and ".." not in text and "  " not in text
            and not re.match(r"\d+[.)]", text))


def _convert(text: str) -> tuple[str, Removed]:
    """(sanitised HTML, what sanitising removed) of one non-empty text."""
    if _is_plain_prose(text):
        return f"<p>{text}</p>", []
    raw = _markdown(text)
    html = nh3.clean(raw, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None, url_schemes=_SCHEMES)
    html = _CAPTION.sub(r"<table>\n<caption>\1</caption>", html)
    html = html.replace(f"<{MARKDOWN_IMAGE} ", "<img ").replace(f"</{MARKDOWN_IMAGE}>", "")
    found: list[tuple[str, str]] = []
    if any(mark in text for mark in "<:&"):  # else there is nothing the sanitiser could remove
        parser = _Removals()
        parser.feed(raw)
        parser.close()
        found = [*(( f"{UNCLOSED}{name}", f"<{name}") for name in _unclosed(raw)), *parser.found]
    return html, found


def _converted(text: str, memo: MarkdownMemo | None) -> tuple[str, Removed]:
    """_convert(text), looked up in and kept in the session's `memo` when there is one."""
    if memo is None:
        return _convert(text)
    found = memo.get(text)
    if found is None:
        found = _convert(text)
        memo.put(text, *found)
    return found


# Elements whose content a browser does not read as ordinary HTML (raw text, templates, foreign content) or that the
# sanitiser drops with everything inside. Left open, one of them takes all the text after it: a lone <style>
# emptied the rest of a page. Such a text is an error (sources.py), never a page with its text gone.
_SWALLOWING = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
               "plaintext", "template", "math", "svg", "select", "object", "frameset")
_SWALLOWING_START = re.compile(rf"<({'|'.join(_SWALLOWING)})(?=[\s/>])", re.IGNORECASE)
UNCLOSED = "unclosed:"  # marks an entry of `removed()` that is an element never closed, not a removal


def _unclosed(raw: str) -> list[str]:
    """The swallowing elements opened in `raw` (Markdown's output, where code is already escaped) and never closed."""
    lower = raw.lower()
    names: list[str] = []
    for match in _SWALLOWING_START.finditer(raw):
        name = match.group(1).lower()
        if (name == "plaintext" or lower.rfind(f"</{name}", match.end()) < 0) and name not in names:
            names.append(name)
    return names


# A paragraph "Tabell: Mötestider" right above a table becomes the table's caption (screen readers read it first).
_CAPTION = re.compile(r"<p>Tabell:\s*(.*?)</p>\s*<table>")
_IMG = re.compile(r"<img\b([^>]*?)\s*/?>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def add_sizes(html: str, size_of: Callable[[str], tuple[int, int] | None]) -> str:
    """Each <img> with the width and height of its file, so the page does not jump while the image loads."""
    if "<img" not in html:
        return html

    def sized(match: re.Match[str]) -> str:
        attributes = match.group(1)
        src = _SRC.search(attributes)
        size = size_of(unquote(unescape(src.group(1)))) if src and " width=" not in attributes else None
        return f'<img{attributes} width="{size[0]}" height="{size[1]}">' if size else f"<img{attributes}>"

    return _IMG.sub(sized, html)


def to_html(text: str | None, memo: MarkdownMemo | None = None) -> str:
    """Markdown (tables, lists, heading anchors) rendered and sanitised: no scripts, styles or frames.

    With `memo` (the session's), a text converted before in the run is not converted again.
    """
    return _converted(text, memo)[0] if text else ""


def removed(text: str | None, memo: MarkdownMemo | None = None) -> Removed:
    """What sanitising `text` removes: (Swedish description, text to look for in the source), in order."""
    return _converted(text, memo)[1] if text else []


# Below this many texts to convert, converting in this process is faster than starting workers.
PARALLEL_TEXTS = 150


def _convert_all(texts: list[str]) -> list[tuple[str, Removed]]:
    return [_convert(text) for text in texts]


def prepare(texts: Iterable[str], memo: MarkdownMemo) -> None:
    """Converts into `memo` every text it does not hold yet, on all cores when there are many (a cold build)."""
    from .parallel import split

    todo = sorted({text for text in texts if text and text not in memo and not _is_plain_prose(text)})
    for text, (html, found) in zip(todo, split(todo, _convert_all, at_least=PARALLEL_TEXTS), strict=True):
        memo.put(text, html, found)


def to_inline_html(text: str | None, memo: MarkdownMemo | None = None) -> str:
    """Markdown for one short line: the paragraph wrapper removed."""
    html = to_html(text, memo).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


class _Removals(HTMLParser):
    """Walks the unsanitised HTML and notes, in Swedish, each thing the sanitiser will drop."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def _note(self, what: str, needle: str) -> None:
        if all(what != seen for seen, _ in self.found):
            self.found.append((what, needle))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            if tag not in _QUIET_TAGS:
                self._note(f"<{tag}>", f"<{tag}")
            return
        allowed = _ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name.startswith("on"):
                self._note(f"attributet {name} (skript)", name)
            elif name == "style":
                self._note("attributet style (inbäddad stil)", name)
            elif name in _URL_ATTRIBUTES and value is not None and _bad_scheme(value):
                self._note(f"en {_bad_scheme(value)}:-länk", f"{_bad_scheme(value)}:")
            elif name not in allowed:
                self._note(f"attributet {name} på <{tag}>", name)

    handle_startendtag = handle_starttag


def _bad_scheme(url: str) -> str:
    """The URL's scheme when the sanitiser will refuse it ("javascript", "data"), else ""."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    scheme = urlsplit(cleaned).scheme.lower() if ":" in cleaned.split("/")[0] else ""
    return scheme if scheme and scheme not in _SCHEMES else ""


_EXTERNAL = re.compile(r'<a\b([^>]*?)\shref="(https?://[^"]*)"([^>]*)>', re.IGNORECASE)


def mark_external(html: str, base_url: str) -> str:
    """Adds rel="noopener" to every link that leaves the site, so the other site cannot reach back into this tab."""
    own = urlsplit(base_url).netloc.lower()

    def add(match: re.Match[str]) -> str:
        before, href, after = match.groups()
        if urlsplit(href).netloc.lower() == own or "rel=" in before + after:
            return match.group(0)
        return f'<a{before} href="{href}" rel="noopener"{after}>'

    return _EXTERNAL.sub(add, html)
