"""What one run of the engine remembers while it works, carried by its session (and by the preview from one run
to the next): never module-level state, so two runs in one process (the preview and the editor's check, two
tests) never see each other's memos and nobody has to clear anything.

Light on purpose: a build with nothing to do makes a session without importing Markdown or git.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
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


@dataclass
class Memos:
    """The memos of one session. The preview keeps one Memos for all its runs; each memo is keyed by what its
    answer depends on (a text, the content's state), so a kept answer is always the right one."""

    markdown: MarkdownMemo = field(default_factory=MarkdownMemo)
    history: LastOne[Any] = field(default_factory=LastOne)  # the calendar's git history (sitegen/history.py)
    images: dict[tuple[str, int, int], tuple[int, int] | None] = field(default_factory=dict)  # by path, time, size

    def for_process(self) -> Memos:
        """What a renderer in its own process gets: the history, not the (large) Markdown memo."""
        return Memos(history=self.history)
