"""Same content and same date in, byte-identical site out: whatever the machine's time zone, locale,
hash seed or the order the files were written in."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_SITE, ROOT

# 2026-02-28 23:30 UTC is already 2026-03-01 00:30 in Sweden: the build's "today" is the Swedish date.
EPOCH = int(dt.datetime(2026, 2, 28, 23, 30, tzinfo=dt.UTC).timestamp())


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _copy(source: Path, target: Path, reverse: bool) -> None:
    """The same files, created in sorted or in opposite order, so directory listing order differs."""
    for path in sorted(source.rglob("*"), reverse=reverse):
        dest = target / path.relative_to(source)
        if path.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def _build(content: Path, out: Path, env: dict[str, str], *args: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "SOURCE_DATE"))}
    environment.update(env)
    proc = subprocess.run([sys.executable, "build.py", "--content", str(content), "--out", str(out), *args],
                          cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_two_builds_on_different_machines_are_byte_identical(tmp_path):
    """Copies outside git (no history): only the machine and the file order differ."""
    forward, backward = tmp_path / "content-forward", tmp_path / "content-backward"
    _copy(FIXTURE_SITE, forward, reverse=False)
    _copy(FIXTURE_SITE, backward, reverse=True)
    first, second = tmp_path / "a", tmp_path / "b"
    _build(forward, first, {"TZ": "America/Los_Angeles", "LANG": "C", "LC_ALL": "C", "PYTHONHASHSEED": "1",
                            "SOURCE_DATE_EPOCH": str(EPOCH)})
    _build(backward, second, {"TZ": "Asia/Tokyo", "LANG": "sv_SE.UTF-8", "LC_ALL": "sv_SE.UTF-8",
                              "PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": str(EPOCH)})
    hashes = tree_hashes(first)
    assert len(hashes) > 15 and {"index.html", "kalender.ics", "kalender.pdf"} <= set(hashes)
    assert tree_hashes(second) == hashes


def test_builds_from_the_repository_are_byte_identical(tmp_path):
    """In the git work tree (feeds read its history): --today and SOURCE_DATE_EPOCH, other zones and locales."""
    first, second = tmp_path / "a", tmp_path / "b"
    _build(FIXTURE_SITE, first, {"TZ": "Pacific/Auckland", "LANG": "C", "PYTHONHASHSEED": "4",
                                 "SOURCE_DATE_EPOCH": str(EPOCH)})
    _build(FIXTURE_SITE, second, {"TZ": "UTC", "LANG": "en_US.UTF-8", "PYTHONHASHSEED": "3"}, "--today", "2026-03-01")
    hashes = tree_hashes(first)
    assert {"kalender.ics", "kalender.pdf"} <= set(hashes)
    assert tree_hashes(second) == hashes


def test_the_date_changes_the_output(tmp_path):
    """The comparison above is meaningful: a different day moves events from upcoming to the archive."""
    first, second = tmp_path / "a", tmp_path / "b"
    _build(FIXTURE_SITE, first, {"SOURCE_DATE_EPOCH": str(EPOCH)})
    _build(FIXTURE_SITE, second, {"SOURCE_DATE_EPOCH": str(EPOCH + 200 * 86400)})
    assert tree_hashes(first)["kalender/arkiv/index.html"] != tree_hashes(second)["kalender/arkiv/index.html"]
