"""The fixture site builds to exactly the files in tests/golden/; `make update-golden` rewrites them.

The build runs as if without git history (SITEGEN_NO_HISTORY), so the golden feeds do not change with every
commit that touches the fixture. PDFs are compared by their text layout: the bytes change with WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen.build import build
from sitegen.history import NO_HISTORY_ENV

GOLDEN = ROOT / "tests" / "golden"


def _tree(root: Path) -> dict[str, bytes]:
    # Pagefind's search index is left out: its bytes change with every Pagefind release, and test_search.py
    # checks what matters to a reader, in the browser.
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "pagefind"}


def _comparable(name: str, data: bytes, folder: Path) -> bytes:
    if not name.endswith(".pdf"):
        return data
    path = folder / "compare.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout


def test_fixture_site_matches_golden_files(tmp_path, monkeypatch):
    monkeypatch.setenv(NO_HISTORY_ENV, "1")
    out = tmp_path / "public"
    build(FIXTURE_SITE, out, TEMPLATES, dt.date(2026, 3, 1))
    built = _tree(out)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=lambda folder, _names: ["pagefind"] if Path(folder) == out else [])
    expected = _tree(GOLDEN)
    assert sorted(built) == sorted(expected), "Run `make update-golden` after an intended change."
    for name, data in expected.items():
        data, got = _comparable(name, data, tmp_path), _comparable(name, built[name], tmp_path)
        if got != data:
            diff = difflib.unified_diff(data.decode(errors="replace").splitlines(),
                                        got.decode(errors="replace").splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError("\n".join(list(diff)[:60]) + "\nRun `make update-golden` after an intended change.")
