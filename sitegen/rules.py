"""Content rules: what the accessibility gates would reject in HTML made from Markdown, found in the Markdown.

`sitegen check` (and so the preview, the commit check and the build) runs these rules, so a text that passes
the check also passes the gates in `make test` (tests/sitecheck.py): heading levels, link texts, images,
tables and dates. Each message is Swedish, on the Markdown file's own line, and says how to fix it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from . import images
from .errors import Problem

if TYPE_CHECKING:
    from .memos import Memo
    from .model import SiteModel
    from .schema import Model
    from .sources import MarkdownText

# Fenced code and code spans hold no headings or links; links.links_in skips them with the same patterns.
FENCE = re.compile(r"^ {0,3}(```|~~~)")
_QUOTE = re.compile(r"^(?: {0,3}> ?)+")
CODE_SPAN = re.compile(r"`+[^`]*`+")
# Python-Markdown makes a heading of any line that starts with # (no space needed: "#1 i kön" is one).
_ATX = re.compile(r"^(#{1,6})(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)(?:</h[1-6]>|$)", re.IGNORECASE)
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_HTML_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# [text][name] and [text][]; a lone [text] is a link only when a definition [text]: target exists.
_REFERENCE_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\[([^\[\]]*)\]")
_SHORTCUT_LINK = re.compile(r"(!?)\[([^\[\]]+)\](?![\[(:])")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]*)")
_TAG = re.compile(r"<[^>]*>")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
CAPTION = re.compile(r"^Tabell:\s*(\S.*)$")
# The gates want every weekday date in <time datetime> (tests/sitecheck.py), which Markdown cannot give.
_WEEKDAY_DATE = re.compile(r"\b(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) (\d{1,2} (?:januari|februari|mars|"
                           r"april|maj|juni|juli|augusti|september|oktober|november|december))", re.IGNORECASE)
# Link texts that say nothing about where the link goes when a screen reader lists the page's links.
VAGUE_LINK_TEXTS = {"här", "klicka här", "klicka", "tryck här", "läs mer", "läs mer här", "mer", "mer här",
                    "länk", "länken", "denna länk", "den här länken", "klicka på länken", "se här"}
# Pages the footer links by itself (templates/base.html), and always the search and the site map.
FOOTER_PAGES = {"/tillganglighet/": "tillganglighet", "/lattlast/": "lattlast", "/definitioner/": "definitioner",
                "/sok/": "", "/webbplatskarta/": ""}


@dataclass(frozen=True)
class Heading:
    index: int  # 0-based line in the text
    level: int
    text: str
    kind: str  # "atx", "setext" or "html"


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")


Lines = list[tuple[int, str]]  # a text's lines as the rules read them (_scan), worked out once per text


def _scan(text: str) -> Iterator[tuple[int, str]]:
    """(0-based line, line without blockquote marks and code spans) of every line outside code blocks.

    A line indented four spaces is code, except inside a list, where it continues the list item.
    """
    in_fence = in_list = False
    for index, row in enumerate(text.split("\n")):
        if FENCE.match(row):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        item = _LIST_ITEM.match(row)
        if item:
            in_list, row = True, row[item.end():]  # "- ## Rubrik" is a heading inside the list item
        elif row.strip() and not row.startswith((" ", "\t")):
            in_list = False
        if row.startswith(("    ", "\t")):
            if not in_list:
                continue
            row = row.strip()
        if ">" in row:
            row = _QUOTE.sub("", row)
        yield index, CODE_SPAN.sub("", row) if "`" in row else row


def headings(text: str, lines: Lines | None = None) -> list[Heading]:
    """Every heading the Markdown makes, in order, with its line (`lines`: the text's _scan, when known)."""
    found: list[Heading] = []
    previous: tuple[int, str] | None = None
    for index, row in lines if lines is not None else _scan(text):
        start = row.lstrip()[:1]
        atx = _ATX.match(row) if start == "#" else None
        setext = _SETEXT.match(row) if start in ("=", "-") else None
        if atx:
            found.append(Heading(index, len(atx.group(1)), atx.group(2).strip(), "atx"))
        elif setext and previous and previous[0] == index - 1 and previous[1].strip() and not _ATX.match(previous[1]):
            found.append(Heading(index - 1, 1 if row.strip()[0] == "=" else 2, previous[1].strip(), "setext"))
        for match in _HTML_HEADING.finditer(row) if "<" in row else ():
            found.append(Heading(index, int(match.group(1)), _TAG.sub("", match.group(2)).strip(), "html"))
        previous = (index, row)
    return found


def _heading_problems(source: MarkdownText, lines: Lines) -> Iterator[Problem]:
    context = 2 if source.url == "/lagar/" else 1  # laws' texts stand under the law's h2, all others under the h1
    before = context
    for heading in headings(source.text, lines):
        line = source.line_at(heading.index)
        marks = "#" * heading.level
        if heading.level == 1:
            yield _error(source, line, _h1_message(heading))
            continue
        if not heading.text:
            yield _error(source, line, "Rubriken är tom: raden har bara #. Skriv rubrikens text efter # och ett "
                                       "mellanslag, eller ta bort raden.")
        if heading.level > before + 1:
            wanted = "#" * (before + 1)
            if before == context:
                yield _error(source, line, f"Den första rubriken i texten, ”{heading.text}”, har {marks}. Texten står "
                             f"under sidans rubrik, så den första mellanrubriken ska ha {wanted}. Skriv "
                             f"{wanted} {heading.text}.")
            else:
                yield _error(source, line, f"Rubriken ”{heading.text}” har {marks}, men rubriken före har "
                             f"{'#' * before}: en rubriknivå hoppas över. Skärmläsare använder rubrikerna som "
                             "innehållsförteckning, och en överhoppad nivå ser ut som att något saknas. Skriv "
                             f"{wanted} {heading.text}, eller lägg en rubrik med {wanted} före den.")
        before = heading.level


def _h1_message(heading: Heading) -> str:
    if heading.kind == "setext":
        how = f"Raden med === under ”{heading.text}” gör texten till en huvudrubrik (h1)."
    elif heading.kind == "html":
        how = f"<h1> gör ”{heading.text}” till en huvudrubrik."
    else:
        how = f"Raden börjar med ett enda #, så ”{heading.text}” blir en huvudrubrik (h1)."
    return (f"{how} Sidans titel (title) är sidans enda huvudrubrik, och en h1 i texten tas bort. Skriv ## för en "
            "mellanrubrik. Ska raden inte vara en rubrik, skriv om den så att den inte börjar med #.")


def _error(source: MarkdownText, line: int, message: str, severity: str = "fel") -> Problem:
    return Problem(source.file, line, source.field, message, severity)  # type: ignore[arg-type]


def _visible(text: str) -> str:
    """The words of a link text as a reader hears them: images by their description, formatting left out."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", _TAG.sub("", text).replace("*", "").replace("_", "").replace("`", "")).strip()


def _link_problems(source: MarkdownText, lines: Lines, content_dir: Path) -> Iterator[Problem]:
    definitions = _definitions(source.text)
    for index, row in lines:
        if "[" not in row and "<" not in row:
            continue
        line = source.line_at(index)
        for bang, label, target in _links_in(row, definitions):
            if bang:
                yield from _image_problems(source, line, label.strip(), target, content_dir)
            else:
                yield from _link_text_problems(source, line, _visible(label), target)
            for image in _LINK.finditer(label):  # an image inside a link's text: [![alt](src)](href)
                if image.group(1):
                    yield from _image_problems(source, line, image.group(2).strip(), image.group(3).strip("<>"),
                                               content_dir)
        for match in _HTML_LINK.finditer(row) if "<" in row else ():
            href = _HREF.search(match.group(1))
            text = _visible(match.group(2))
            if not text:
                yield _error(source, line, "Länken (<a>) har ingen text. Skärmläsare läser då upp adressen eller "
                                           "ingenting. Skriv vad länken leder till mellan <a …> och </a>.")
            elif href and urlsplit(href.group(1).strip()).scheme.lower() in {"", "http", "https", "mailto", "tel"}:
                # (a link the sanitiser removes, javascript: or data:, is reported as removed instead)
                yield from _link_text_problems(source, line, text, href.group(1))


def _definitions(text: str) -> dict[str, str]:
    """The reference definitions of a text ([name]: target), by name as Markdown matches them (any case)."""
    found: dict[str, str] = {}
    for row in text.split("\n") if "]:" in text else ():
        match = _DEFINITION.match(row)
        if match:
            found.setdefault(" ".join(match.group(1).lower().split()), match.group(2))
    return found


def _links_in(row: str, definitions: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(bang, text, target) of every inline link and image of a line, and of the reference ones that resolve."""
    for match in _LINK.finditer(row):
        yield match.group(1), match.group(2), match.group(3).strip("<>")
    if not definitions or _DEFINITION.match(row):
        return
    for match in _REFERENCE_LINK.finditer(row):
        name = " ".join((match.group(3) or match.group(2)).lower().split())
        if name in definitions:
            yield match.group(1), match.group(2), definitions[name]
    for match in _SHORTCUT_LINK.finditer(_REFERENCE_LINK.sub("", _LINK.sub("", row))):
        name = " ".join(match.group(2).lower().split())
        if name in definitions:
            yield match.group(1), match.group(2), definitions[name]


def _link_text_problems(source: MarkdownText, line: int, label: str, target: str) -> Iterator[Problem]:
    if not label:
        yield _error(source, line, f"Länken till ”{target}” har ingen länktext. Skärmläsare läser då upp adressen "
                     "eller ingenting, och länken syns knappt på sidan. Skriv vad länken leder till mellan "
                     f"hakparenteserna, till exempel [Anmälan till dialogmötet]({target}).")
        return
    if re.sub(r"[.,:;!?…]+", "", label).strip().lower() in VAGUE_LINK_TEXTS:
        yield _error(source, line, f"Länktexten ”{label}” säger inte vart länken går. Den som använder skärmläsare "
                     "hoppar ofta mellan länkarna och hör bara länktexten. Skriv vad länken leder till, till "
                     f"exempel [anmälan till dialogmötet]({target}).", "varning")


def _image_problems(source: MarkdownText, line: int, alt: str, src: str, content_dir: Path) -> Iterator[Problem]:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("//"):
        yield _error(source, line, f"Bilden ”{src}” ligger på en annan webbplats. Webbplatsen hämtar aldrig något "
                     "från andra servrar, eftersom de då får veta vem som läser sidan. Spara bilden i content/files/ "
                     "och skriv ![Vad bilden visar](/files/namn.png).")
        return
    path = unquote(parts.path)
    name = path[len(images.PREFIX):] if path.startswith(images.PREFIX) else ""
    if not name:
        yield _error(source, line, f"Bilden ”{src}” finns inte i content/files/. Lägg bilden där och skriv adressen "
                     "med /files/ först, till exempel ![Vad bilden visar](/files/namn.png).")
        return
    if Path(name).suffix.lower() not in images.FORMATS:
        yield _error(source, line, f"Bilder i texten kan vara PNG, JPEG, GIF eller WebP, inte ”{name}”. Spara bilden "
                     "som PNG eller JPEG (.png, .jpg), eller länka till filen i stället: [Beskrivning av filen](/files/"
                     + name + ").")
        return
    if not alt:
        yield _error(source, line, f"Bilden ”{src}” saknar beskrivning (texten mellan [ och ]). Den som inte ser "
                     "bilden, till exempel den som använder skärmläsare, får annars inte veta vad den visar. Skriv "
                     f"kort vad bilden visar eller säger: ![Karta över länets tio kommuner]({src}). En bild som "
                     "bara pryder sidan hör inte hemma i texten; ta då bort den.")
    elif alt.lower() in {name.lower(), Path(name).stem.lower()}:
        yield _error(source, line, f"Bildens beskrivning är filnamnet ”{alt}”, som inte säger vad bilden visar. "
                     "Skriv kort vad bilden visar eller säger.", "varning")
    file = content_dir / "files" / name
    if file.is_file():
        try:
            images.read_size(file)
        except (images.Unreadable, OSError):
            yield _error(source, line, f"content/files/{name} går inte att läsa som en bild av det slag filnamnet "
                         "säger. Spara om bilden som PNG eller JPEG, med rätt filändelse.")


def _block_problems(source: MarkdownText, lines: Lines) -> Iterator[Problem]:
    """Tables without a caption line, and weekday dates outside the calendar."""
    rows = source.text.split("\n")
    for index, row in lines:
        if index and "|" in row and _TABLE_RULE.match(row) and "|" in rows[index - 1]:
            above = next((r for r in reversed(rows[:index - 1]) if r.strip()), "")
            if not CAPTION.match(above.strip()):
                yield _error(source, source.line_at(index - 1), "Tabellen saknar rubrik. Skärmläsare läser upp "
                             "rubriken så att man vet vad tabellen visar innan den läses. Skriv en rad som "
                             "börjar med Tabell: ovanför tabellen, till exempel ”Tabell: Mötestider våren 2026”, "
                             "och en tom rad mellan den och tabellen.")
        for match in _WEEKDAY_DATE.finditer(_TAG.sub("", row)) if "dag " in row.lower() else ():
            yield _error(source, source.line_at(index), f"”{match.group(0)}” är ett datum som webbplatsen inte kan "
                         "märka upp åt skärmläsare och kalenderprogram i en text. Skriv datumet utan veckodag "
                         f"(”{match.group(1)}”), eller lägg händelsen i kalendern, där datumet visas med veckodag.")


def check_text(source: MarkdownText, content_dir: Path) -> list[Problem]:
    """Every rule for one Markdown text."""
    if not source.text or not any(mark in source.text for mark in "#=-[<|!") and "dag " not in source.text:
        return []  # plain prose: nothing a rule looks for
    lines = list(_scan(source.text))
    return [*_heading_problems(source, lines), *_link_problems(source, lines, content_dir),
            *_block_problems(source, lines)]


def _menu_clashes(model: SiteModel) -> Iterator[Problem]:
    taken: dict[int, str] = {}
    for page in sorted(model.pages.values(), key=lambda p: p.source):
        number = page.meta.menu
        if number is None:
            continue
        if number in taken:
            yield Problem(page.source, page.meta.line_of("menu"), "menu", f"Sidan har menu: {number}, samma nummer som "
                          f"{taken[number]}. Då bestämmer filnamnen ordningen i menyn. Ge sidorna olika nummer.",
                          "varning")
        taken.setdefault(number, page.source)


def _footer_duplicates(model: SiteModel) -> Iterator[Problem]:
    from .links import links_in

    footer = model.site.footer
    if not footer:
        return
    for index, target in links_in(footer):
        path = urlsplit(target).path
        slug = FOOTER_PAGES.get(path if path.endswith("/") else path + "/")
        if slug is not None and (not slug or slug in model.pages):
            first = model.site.line_of("footer") + (1 if "\n" in footer.strip() else 0)  # a block starts below
            yield Problem(model.site.source[0], first + index, "footer",
                          f"Sidfoten länkar redan till {path} av sig själv, så länken står två gånger. Ta bort "
                          f"länken till {path} ur footer.", "varning")


# Plain text fields shown on the pages as they are (not Markdown): the weekday-date rule holds for them too.
_PLAIN_FIELDS = {"events": ("title", "location", "category"), "associations": ("name", "focus", "contact", "address"),
                 "pages": ("title", "description", "menu_title"), "news": ("title", "summary")}


def _plain_dates(model: SiteModel) -> Iterator[Problem]:
    entries: dict[str, Sequence[Model]] = {"events": [e.data for e in model.events], "associations": model.associations,
               "pages": [p.meta for p in model.pages.values()], "news": [n.meta for n in model.news]}
    files = {"pages": [p.source for p in model.pages.values()], "news": [n.source for n in model.news]}
    for kind, names in _PLAIN_FIELDS.items():
        for index, entry in enumerate(entries[kind]):
            file = files[kind][index] if kind in files else entry.source[0]
            for name in names:
                value = getattr(entry, name, None)
                match = _WEEKDAY_DATE.search(value) if isinstance(value, str) and "dag " in value.lower() else None
                if match:
                    yield Problem(file, entry.line_of(name), name, f"”{match.group(0)}” är ett datum som webbplatsen "
                                  "inte kan märka upp åt skärmläsare och kalenderprogram i en text. Skriv datumet utan "
                                  f"veckodag (”{match.group(1)}”); i kalendern visas dagen ändå med veckodag.")


def check_site(model: SiteModel, memo: Memo | None = None) -> list[Problem]:
    """Every content rule over every Markdown text of the site, and the menu, footer and plain-text checks.

    With `memo` (kept by the preview), a text checked in an earlier run is not checked again.
    """
    from .sources import markdown_texts

    problems = [p for source in markdown_texts(model) for p in _text_problems(source, model.content_dir, memo)]
    return [*problems, *_menu_clashes(model), *_footer_duplicates(model), *_plain_dates(model)]


def _text_problems(source: MarkdownText, content_dir: Path, memo: Memo | None) -> list[Problem]:
    """check_text, remembered by the text and its page; a text with images also reads their files, so never."""
    if memo is None or "![" in source.text:
        return check_text(source, content_dir)
    return placed(source, memo.get(("rules", source.text, source.url),
                                   lambda: check_text(relative_to_text(source), content_dir)))


def relative_to_text(source: MarkdownText) -> MarkdownText:
    """The text alone: its problems come out on the text's own lines (0 = its first), in no file."""
    return dataclasses.replace(source, file="", line=0, field=None)


def placed(source: MarkdownText, found: list[Problem]) -> list[Problem]:
    """Problems found in relative_to_text(source), at the source's file, line and field."""
    return [Problem(source.file, source.line_at(p.line or 0), source.field, p.message, p.severity) for p in found]


_HTML_ID = re.compile(r"""<h[1-6]\b[^>]*?\bid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _heading_id(heading: Heading, rows: list[str], slugify: Callable[[str, str], str]) -> tuple[str, str]:
    """A heading's visible text and its id: as the converter makes it, or as written in raw HTML (if any)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", _visible(heading.text))
    if heading.kind != "html":
        return text, slugify(text, "-")
    match = _HTML_ID.search(rows[heading.index]) if heading.index < len(rows) else None
    return text, match.group(1) if match else ""


def duplicate_ids(texts: list[MarkdownText], outputs: Mapping[str, bytes], memo: Memo | None = None
                  ) -> list[Problem]:
    """An error for each heading whose id (made from its text) is already used on the page it is shown on.

    A page with two equal ids is not valid HTML (the gates' Nu Html Checker refuses it), and a link to the
    #anchor reaches the wrong place. The template's own ids ("main", "aktuellt" …) count too. The ids are
    worked out from the Markdown as the converter's table of contents makes them, without converting again.
    With `memo` (kept by the preview), a text is checked again only when it or its page changed.
    """
    from .incremental import digest
    from .links import _output_for

    problems = []
    for source in texts:
        if "#" not in source.text and "--" not in source.text and "<h" not in source.text.lower():
            continue
        output = _output_for(source.url, outputs)
        if output is None or not output.endswith(".html"):
            continue
        page = outputs[output]
        if memo is None:
            problems += _duplicate_ids(source, page)
        else:
            # The page's digest stands for it: a build keeps these between runs (sitegen/kept.py), not the pages.
            problems += placed(source, memo.same(("ids", source.text, source.url), digest(page),
                                                 functools.partial(_duplicate_ids, relative_to_text(source), page)))
    return problems


def _duplicate_ids(source: MarkdownText, data: bytes) -> list[Problem]:
    """duplicate_ids for one text and the bytes of the page it is shown on."""
    from markdown.extensions.toc import slugify_unicode

    found = [h for h in headings(source.text) if h.level > 1]
    if not found:
        return []
    problems = []
    page = data.decode("utf-8", errors="replace")
    rows = source.text.split("\n")
    ids = [_heading_id(heading, rows, slugify_unicode) for heading in found]
    mine = Counter(anchor for _, anchor in ids)
    seen: set[str] = set()
    for heading, (text, anchor) in zip(found, ids, strict=True):
        # Taken elsewhere on the page, or (an id written in HTML; the converter numbers its own) above in the text.
        taken = page.count(f'id="{anchor}"') > mine[anchor] or (heading.kind == "html" and anchor in seen)
        seen.add(anchor)
        if anchor and taken:
            what = f"Rubriken ”{text}” får id:t ”{anchor}”" if heading.kind != "html" else \
                f"Rubriken ”{text}” har id=\"{anchor}\""
            problems.append(_error(source, source.line_at(heading.index), f"{what}, som något annat på sidan "
                                   f"{source.url} redan har. Då hamnar länkar till #{anchor} fel, och sidan blir "
                                   "inte giltig HTML. " + ("Ändra rubrikens text lite, till exempel med ett ord till."
                                                           if heading.kind != "html" else
                                                           "Ge den ett annat id, eller ta bort id=… .")))
    return problems
