"""What one run of the engine remembers while it works, carried by its session (and by the preview from one run
to the next): never module-level state, so two runs in one process (the preview and the editor's check, two
tests) never see each other's memos and nobody has to clear anything.

Light on purpose: a build with nothing to do makes a session without importing Markdown or git.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_MISSING = object()
Removed = list[tuple[str, str]]  # what sanitising a text removed: (Swedish description, text to look for)

MARKDOWN_LIMIT = 50_000  # texts remembered; a long preview session must not grow without end


class MarkdownMemo:
    """Each text's sanitised HTML and what the sanitiser removed from it (sitegen/markup.py), by the text.

    One Markdown conversion serves the sanitiser report and the pages: a footer, an association's description
    or a repeated event's text is converted once however often it is shown.
    """

    def __init__(self) -> None:
        self._converted: dict[str, tuple[str, Removed]] = {}

    def get(self, text: str) -> tuple[str, Removed] | None:
        return self._converted.get(text)

    def put(self, text: str, html: str, removed: Removed) -> None:
        if len(self._converted) >= MARKDOWN_LIMIT:
            self._converted.clear()
        self._converted[text] = (html, removed)

    def __contains__(self, text: object) -> bool:
        return text in self._converted


class LastOne(Generic[T]):
    """The last answer and what it was worked out from: asked again with the same key, the same answer.

    Thread-safe (the feeds and the pages may ask at once) and picklable (it goes to a renderer's own process
    with what it holds, so the PDF does not read the git history again).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[object, T] | None = None

    def get(self, key: object, make: Callable[[], T]) -> T:
        with self._lock:
            last = self._last
            if last is not None and last[0] == key:
                return last[1]
            value = make()
            self._last = (key, value)
            return value

    def __getstate__(self) -> dict[str, Any]:
        return {"last": self._last}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._lock = threading.Lock()
        self._last = state["last"]


class Memo:
    """What the checks of one Markdown text or one event found, by what they read (sitegen/rules.py, model.py).

    The preview keeps these between saves, so a save checks only the texts and events it changed. Text results
    are stored relative to the text (line 0 is its first line, no file named) and placed at the text's file and
    line when used, so moving a text within its file does not make it new. Cleared whole when it grows past
    `limit` entries, so a long preview does not grow without end.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self._found: dict[Hashable, object] = {}
        self.limit = limit

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """make(), or what it gave for `key` before (the key holds everything make reads)."""
        found = self._found.get(key, _MISSING)
        if found is _MISSING:
            if len(self._found) >= self.limit:
                self._found.clear()
            found = self._found[key] = make()
        return found  # type: ignore[return-value]

    def items(self) -> list[tuple[Hashable, object]]:
        """What is remembered, as (key, what make gave); entries made with same() hold (witness, result)."""
        return list(self._found.items())

    def put(self, key: Hashable, found: object) -> None:
        """Remembers what get() would make for `key` (an answer kept from an earlier build)."""
        self._found[key] = found

    def same(self, key: Hashable, witness: object, make: Callable[[], T]) -> T:
        """make(), or its last result for `key` while `witness` (what make reads) equals the last one's.

        The last witness is kept with the result, so an equal one made anew (a file read again) still finds it.
        """
        found = self._found.get(key, _MISSING)
        if isinstance(found, tuple) and (found[0] is witness or found[0] == witness):
            return found[1]  # type: ignore[no-any-return]
        if found is _MISSING and len(self._found) >= self.limit:
            self._found.clear()
        result = make()
        self._found[key] = (witness, result)
        return result


@dataclass
class Memos:
    """The memos of one session. The preview keeps one Memos for all its runs; each memo is keyed by what its
    answer depends on (a text, the content's state), so a kept answer is always the right one."""

    markdown: MarkdownMemo = field(default_factory=MarkdownMemo)
    history: LastOne[Any] = field(default_factory=LastOne)  # the calendar's git history (sitegen/history.py)
    checks: Memo = field(default_factory=Memo)  # the checks of each text and event, by what they read
    fragments: Memo = field(default_factory=Memo)  # HTML of list items by their template and event (render/__init__)

    def for_process(self) -> Memos:
        """What a renderer in its own process gets: the history, not the (large) Markdown memo."""
        return Memos(history=self.history)
