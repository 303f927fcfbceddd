"""Results kept between the preview's runs, so a save redoes only the checks of what it changed.

The checks of one Markdown text (its limits, the content rules, its heading ids) read the text and little
else, and the cross-checks of one event read the event, the site settings and its organizers. The preview
keeps their results by what they read, so the 2,000 texts and events a save did not touch are not read again.
Text results are stored relative to the text (line 0 is its first line, no file named) and placed at the
text's file and line when used, so moving a text within its file does not make it new.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_MISSING = object()


class Memo:
    """Results by key; cleared whole when it grows past `limit` entries, so a long preview does not grow."""

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
