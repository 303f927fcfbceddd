"""Link check: every link the coordinator wrote in Markdown must reach a page or file the build makes.

It runs on the rendered outputs, so it knows every page, feed and attachment exactly as published.
A missing page or attachment is an error (with the line); a missing #anchor is a warning, because the
link still reaches the right page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from urllib.parse import unquote, urlsplit

from .errors import Problem
from .memos import Memo
from .rules import CODE_SPAN, FENCE
from .sources import MarkdownText
from .validate import did_you_mean

_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)")  # [text](target "title") and ![alt](target)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")  # [name]: target
# Only <a href> in pasted HTML: images, frames and the like are removed by the sanitiser anyway.
_HTML = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")


def links_in(text: str) -> Iterator[tuple[int, str]]:
    """(0-based line, target) of each link in Markdown `text`, code blocks and code spans left out."""
    in_fence = False
    for index, row in enumerate(text.split("\n")):
        if FENCE.match(row):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        row = CODE_SPAN.sub("", row)
        for pattern in (_INLINE, _REFERENCE, _HTML):
            for match in pattern.finditer(row):
                yield index, match.group(1)


def _resolve(target: str, page_url: str) -> tuple[str, str] | None:
    """(site-absolute path, fragment) of an internal link, or None for a link that leaves the site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        return page_url, unquote(parts.fragment)
    if not path.startswith("/"):
        base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
        joined = posixpath.normpath(posixpath.join(base, path))
        path = joined + ("/" if path.endswith("/") and joined != "/" else "")
    return path, unquote(parts.fragment)


def _output_for(path: str, outputs: Mapping[str, bytes]) -> str | None:
    """The output file a site path is served from ("/om/" -> "om/index.html"), if the build makes it."""
    rel = path.lstrip("/")
    for candidate in (rel + "index.html" if not rel or rel.endswith("/") else rel, rel.rstrip("/") + "/index.html"):
        if candidate in outputs:
            return candidate
    return None


def _ids(html: bytes) -> set[str]:
    return set(_ID.findall(html.decode("utf-8", errors="replace")))


def _page_urls(outputs: Mapping[str, bytes]) -> list[str]:
    return ["/" + (name[: -len("index.html")] if name.endswith("index.html") else name) for name in outputs]


Resolved = list[tuple[int, str, tuple[str, str]]]  # (line in the text, target, (path, fragment)) of each site link


def _resolved(source: MarkdownText) -> Resolved:
    found = []
    for index, target in links_in(source.text):
        resolved = _resolve(target, source.url)
        if resolved is not None:
            found.append((index, target, resolved))
    return found


def _links(source: MarkdownText, memo: dict[tuple[str, str], Resolved] | None) -> Resolved:
    """The site links of a text; `memo` keeps them between the preview's runs, so only edited texts are read."""
    if memo is None:
        return _resolved(source)
    key = (source.text, source.url)
    if key not in memo:
        if len(memo) > 100_000:
            memo.clear()
        memo[key] = _resolved(source)
    return memo[key]


def check_links(texts: list[MarkdownText], outputs: Mapping[str, bytes],
                memo: dict[tuple[str, str], Resolved] | None = None, text_memo: Memo | None = None
                ) -> list[Problem]:
    """A Problem for each Markdown link to a page, attachment or anchor the build does not make.

    `memo` (the preview's) keeps each text's links between runs, `text_memo` its heading ids.
    """
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for source in texts:
        for index, target, (path, fragment) in _links(source, memo):
            line = source.line_at(index)
            output = _output_for(path, outputs)
            if output is None:
                problems.append(Problem(source.file, line, source.field, _missing(target, path, outputs)))
                continue
            if fragment and output.endswith(".html"):
                known = ids.setdefault(output, _ids(outputs[output]))
                if fragment not in known:
                    problems.append(Problem(source.file, line, source.field, f"Länken ”{target}” går till ankaret "
                                            f"#{fragment}, men det finns inte på sidan {path}.{did_you_mean(fragment, known)} "
                                            "Länken leder till sidans början; rätta ankaret eller ta bort det.",
                                            severity="varning"))
    from .rules import duplicate_ids  # a heading whose id the page already has (the gates' HTML check)

    return problems + duplicate_ids(texts, outputs, text_memo)


def _missing(target: str, path: str, outputs: Mapping[str, bytes]) -> str:
    if path.startswith("/files/"):
        name = path[len("/files/"):]
        return (f"Länken ”{target}” går till bilagan ”{name}”, men den finns inte i content/files/. "
                "Lägg filen där (med exakt det namnet) eller rätta länken.")
    hint = did_you_mean(path, _page_urls(outputs))
    return (f"Länken ”{target}” går till {path}, men någon sådan sida finns inte på webbplatsen.{hint} "
            "Rätta länken eller ta bort den.")
