"""Relative links: the fast path gives what posixpath.relpath gives for every pair of site paths."""

from __future__ import annotations

import posixpath
import random

from sitegen.render import _relpath, relative


def test_fast_relpath_equals_posixpath():
    rng = random.Random(1)
    segments = ["a", "b", "kalender", "2026", "x.ics", ".", "..", ""]
    for _ in range(20000):
        path = "/" + "/".join(rng.choice(segments) for _ in range(rng.randint(0, 4)))
        here = "/" + "/".join(rng.choice(segments[:5]) for _ in range(rng.randint(0, 3)))
        here = here if here.endswith("/") else here + "/"
        assert _relpath(path, here) == posixpath.relpath(path, here), (path, here)


def test_links_from_deep_pages():
    assert relative("/kalender/", "/kalender/2026/mote/") == "../../"
    assert relative("/static/style.css", "/") == "static/style.css"
    assert relative("/", "/om/") == "../"
    assert relative("/kalender/#mars", "/kalender/") == "./#mars"
