"""The fixture site builds to exactly the files in tests/golden/; `make update-golden` rewrites them."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path

from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen.build import build

GOLDEN = ROOT / "tests" / "golden"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_fixture_site_matches_golden_files(tmp_path):
    out = tmp_path / "public"
    # A copy outside git, so "Senast uppdaterad" is the build's date, not the day a fixture was last committed.
    content = shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    build(content, out, TEMPLATES, dt.date(2026, 3, 1))
    built = _tree(out)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    expected = _tree(GOLDEN)
    assert sorted(built) == sorted(expected), "Run `make update-golden` after an intended change."
    for name, data in expected.items():
        if built[name] != data:
            diff = difflib.unified_diff(data.decode(errors="replace").splitlines(),
                                        built[name].decode(errors="replace").splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError("\n".join(list(diff)[:60]) + "\nRun `make update-golden` after an intended change.")
