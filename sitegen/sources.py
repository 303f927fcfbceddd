"""Every piece of Markdown the coordinator wrote, with the file, line and page it belongs to.

The sanitiser report and the link check read the same list, so a message about a Markdown text always
names the file and the line where the coordinator can fix it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from . import markup
from .errors import ContentError, Problem
from .memos import MarkdownMemo, Memo
from .model import SiteModel
from .schema import Model


@dataclass(frozen=True)
class MarkdownText:
    """One Markdown text: a page body or a Markdown field of a YAML entry."""

    file: str
    line: int  # the file's line of the text's first line
    field: str | None
    text: str
    url: str  # the page the text is shown on; relative links and bare #anchors are read from there

    def line_at(self, index: int) -> int:
        """The file's line of the text's line `index` (0-based)."""
        return self.line + index


def _field(entry: Model, name: str, text: str | None, url: str, label: str | None = None) -> Iterator[MarkdownText]:
    if not text:
        return
    file, _ = entry.source
    line = entry.line_of(name)
    # A multi-line value is a block (`description: |`): its text starts on the line after the key.
    start = line + 1 if "\n" in text.strip() else line
    yield MarkdownText(file, start, label or name, text, url)


def markdown_texts(model: SiteModel) -> Iterator[MarkdownText]:
    """All Markdown of the site, pages and news first, then the Markdown fields of the data files.

    Listed once per model (the rules, the limits, the sanitiser and the link check all read the list).
    """
    return iter(model.markdown_texts)


def list_texts(model: SiteModel) -> Iterator[MarkdownText]:
    """markdown_texts, worked out (SiteModel.markdown_texts keeps the list)."""
    for page in model.pages.values():
        yield MarkdownText(page.source, page.body_line, None, page.body, page.url)
    for item in model.news:
        yield MarkdownText(item.source, item.body_line, None, item.body, item.url)
    yield from _field(model.site, "footer", model.site.footer, "/")
    for association in model.associations:
        yield from _field(association, "description", association.description, f"/foreningar/{association.id}/")
    for event in model.events:
        yield from _field(event.data, "description", event.data.description, event.url)
    for law in model.laws:
        yield from _field(law, "intro", law.intro, "/lagar/")
        for number, excerpt in enumerate(law.excerpts, start=1):
            yield from _field(excerpt, "text", excerpt.text, "/lagar/", f"excerpts[{number}].text")
        yield from _field(law, "note", law.note, "/lagar/")
    for definition in model.definitions:
        yield from _field(definition, "definition", definition.definition, "/definitioner/")


def limit_problems(model: SiteModel, memo: Memo | None = None) -> list[Problem]:
    """An error for each Markdown text too long or too costly to convert (markup.limit_problems), at its line.

    With `memo` (kept by the preview), a text checked in an earlier run is not checked again.
    """
    problems = []
    for source in markdown_texts(model):
        text = source.text
        found = memo.get(("limits", text), functools.partial(markup.limit_problems, text)) if memo is not None \
            else markup.limit_problems(text)
        for index, message in found:
            problems.append(Problem(source.file, source.line_at(index), source.field, message))
    return problems


def _line_of(text: str, needle: str) -> int:
    """0-based line of the first `needle` in `text` (case-insensitive), or 0."""
    at = text.lower().find(needle.lower())
    return text.count("\n", 0, at) if at >= 0 else 0


Removals = dict[str, list[list[str]]]  # a text's digest -> what sanitising removed, as [description, needle]


def sanitiser_warnings(model: SiteModel, known: Removals | None = None, memo: MarkdownMemo | None = None,
                       checks: Memo | None = None) -> tuple[list[Problem], Removals]:
    """A Swedish warning for each Markdown text whose HTML the sanitiser shortens, saying what went.

    `known` is what an earlier build found for texts by their digest; only the other texts are converted, into
    the session's `memo` (the pages then use the same conversion). Also returns what was found for every text
    of this model, for the next build. With `checks` (kept by the preview), a text's digest is worked out once.
    """
    from .incremental import digest

    known = known or {}
    memo = memo if memo is not None else MarkdownMemo()
    sources = list(markdown_texts(model))
    keys = {source.text: checks.get(("digest", source.text), functools.partial(digest, source.text))
            if checks is not None else digest(source.text) for source in sources}
    markup.prepare((text for text, key in keys.items() if key not in known), memo)
    found_by_key: Removals = {}
    warnings: list[Problem] = []
    errors: list[Problem] = []
    for source in sources:
        key = keys[source.text]
        if key not in found_by_key:
            found_by_key[key] = known[key] if key in known else [list(f) for f in markup.removed(source.text, memo)]
        found = [f for f in found_by_key[key] if not f[0].startswith(markup.UNCLOSED)]
        errors += [_unclosed_problem(source, name[len(markup.UNCLOSED):])
                   for name, _ in found_by_key[key] if name.startswith(markup.UNCLOSED)]
        if not found:
            continue
        line = source.line_at(min(_line_of(source.text, needle) for _, needle in found))
        what = ", ".join(description for description, _ in found)
        warnings.append(Problem(source.file, line, source.field, f"tog bort {what}. Sådant kan vara skadligt "
                                "och visas aldrig på webbplatsen; skriv texten med vanlig Markdown i stället.",
                                severity="varning"))
    if errors:
        raise ContentError([*errors, *warnings, *model.warnings])
    return warnings, found_by_key


def _unclosed_problem(source: MarkdownText, name: str) -> Problem:
    return Problem(source.file, source.line_at(_line_of(source.text, f"<{name}")), source.field,
                   f"<{name}> stängs aldrig med </{name}>, så all text efter den skulle försvinna från sidan. Ta bort "
                   f"<{name}> (det visas aldrig på webbplatsen), eller skriv `<{name}>` inom bakåtfnuttar om det ska "
                   "synas som text.")
