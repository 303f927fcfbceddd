"""Publish stage: the new site is written beside the target and swapped in only when all of it is on disk.

Readers see either the whole previous site or the whole new one, never a mix:
- every file goes into a staging folder `.public.new-…` next to `public/`, and is flushed to disk;
- on Linux the two folders trade places in one step (renameat2 with RENAME_EXCHANGE); elsewhere, or on
  a file system without it, `public/` is renamed aside to `.public.old-…` and the new folder renamed in,
  which leaves a moment without `public/`;
- a build killed at any point leaves only folders with those names behind; the next publish removes
  them, and puts `.public.old-…` back as `public/` if the kill came in that moment.
Files of `public/` that the new build does not make are gone after the swap, as nothing is copied over.
Every published site carries the mark `.sitegen` (outdir.MARK), by which the next build knows the folder
is the site's own and may be replaced.

The site a swap replaces is not deleted but kept in `.sitegen-cache/spare-public/`: the next build takes it
as its staging folder and changes only what differs, instead of making a thousand folders and links and
deleting as many. Its files are never written into: one that differs is removed and made anew, because an
unchanged file is a second name (a hard link) for the published one.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Collection, Mapping
from pathlib import Path

from .outdir import CACHE_DIR, MARK, MARK_TEXT, locked

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# Errors that mean "this kernel or file system cannot exchange", not "something is wrong": fall back.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EPERM, errno.ENOTSUP, errno.EXDEV}


def _staging_dirs(out: Path) -> list[Path]:
    return sorted(p for p in out.parent.glob(f".{out.name}.new-*") if p.is_dir())


def _retired_dirs(out: Path) -> list[Path]:
    return sorted((p for p in out.parent.glob(f".{out.name}.old-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)


def recover(out: Path) -> None:
    """Cleans up after a build that was killed: restores a published site left aside, removes half-written ones."""
    retired = _retired_dirs(out)
    if retired and not out.exists():
        os.rename(retired.pop(), out)  # killed between the two renames of the fallback: the old site comes back
    for leftover in [*retired, *_staging_dirs(out)]:
        shutil.rmtree(leftover, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swaps two existing paths in one atomic step (Linux renameat2); False where the system cannot."""
    if sys.platform != "linux" or os.environ.get("SITEGEN_NO_EXCHANGE"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _pause_for_test(stage: str) -> None:
    """Test hook: with SITEGEN_TEST_PAUSE=stage:marker, stop here (after touching marker) until killed."""
    wanted = os.environ.get("SITEGEN_TEST_PAUSE", "")
    name, _, marker = wanted.partition(":")
    if name == stage and marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        while True:
            time.sleep(60)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe(rel: str) -> bool:
    """An output path that stays inside the site folder."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and all(p not in ("", ".", "..") for p in parts)


class Tree:
    """Paths of files to write under one folder, each parent folder made once, not once per file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = set()

    def path(self, rel: str) -> Path:
        target = self.root / rel
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target


def spare_folder(out: Path) -> Path:
    """Where the site before the published one is kept (see the module's docstring)."""
    return out.parent / CACHE_DIR / f"spare-{out.name}"


def _claim_spare(out: Path) -> Path | None:
    """The kept site, renamed to a staging folder beside `out` (a build killed now leaves only that); else None."""
    spare = spare_folder(out)
    if not spare.is_dir() or spare.is_symlink():
        return None
    staging = out.parent / f".{out.name}.new-spare-{os.getpid()}"
    try:
        os.rename(spare, staging)
    except OSError:  # on another file system, say: do without it
        shutil.rmtree(spare, ignore_errors=True)
        return None
    return staging


def _clear(staging: Path, out: Path, keep: Collection[str]) -> set[str]:
    """Removes from `staging` every file but those in `keep` that are the published file itself (hard links),
    and the folders left empty; returns the files kept."""
    kept: set[str] = set()
    _clear_folder(os.fspath(staging), "", os.fspath(out), keep, kept, os.lstat(staging).st_dev)
    return kept


def _clear_folder(folder: str, prefix: str, out: str, keep: Collection[str], kept: set[str], device: int) -> bool:
    """_clear for one folder (`prefix` is its path in the site); True when it is empty afterwards."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if _clear_folder(entry.path, f"{rel}/", out, keep, kept, device):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif rel in keep and entry.is_file(follow_symlinks=False) and _is_published(entry, out, rel, device):
                kept.add(rel)
                empty = False
            else:  # a link to a folder is removed as a file, never entered
                os.unlink(entry.path)
    return empty


def _is_published(entry: os.DirEntry[str], out: str, rel: str, device: int) -> bool:
    """Whether `entry` is a second name for the published file `rel` (the same file, not a copy)."""
    try:
        published = os.lstat(os.path.join(out, rel))
    except OSError:
        return False
    return published.st_ino == entry.inode() and published.st_dev == device


def _write_all(outputs: Mapping[str, bytes], staging: Path, out: Path, unchanged: Collection[str]) -> None:
    place = Tree(staging).path
    for number, rel in enumerate(sorted(outputs)):
        if number == len(outputs) // 2:
            _pause_for_test("writing")
        place(rel).write_bytes(outputs[rel])
    for rel in sorted(unchanged):
        target = place(rel)
        try:  # a second name for the published file: no bytes copied, and the old tree can still be removed
            os.link(out / rel, target)
        except OSError:
            shutil.copy2(out / rel, target)
    # Everything on disk before the swap, so a power cut cannot publish empty files. One sync for the
    # whole tree costs far less than an fsync per file.
    os.sync()


def _retire(previous: Path, out: Path) -> None:
    """Keeps the site just replaced as the next build's staging folder (or removes it, if it cannot be kept)."""
    spare = spare_folder(out)
    if spare.is_dir() and not spare.is_symlink():  # kept from before a build that did not use it (--clean)
        shutil.rmtree(spare, ignore_errors=True)
    try:
        spare.parent.mkdir(exist_ok=True)
        os.rename(previous, spare)
    except OSError:
        shutil.rmtree(previous, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    """Puts `staging` in place of `out`; the previous site is kept aside once nobody can see it."""
    if out.exists() and exchange(staging, out):
        _fsync(out.parent)
        _retire(staging, out)  # now holds the previous site
        return
    if out.exists():
        retired = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, retired)
        _pause_for_test("swap")
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(retired, out)
            raise
        _fsync(out.parent)
        _retire(retired, out)
        return
    os.rename(staging, out)
    _fsync(out.parent)


def publish(outputs: Mapping[str, bytes], out: Path, unchanged: Collection[str] = ()) -> None:
    """Replaces `out` with exactly `outputs` plus the `unchanged` files it already has, and the mark of a
    built site; on any failure the previous `out` is left as it was.

    `unchanged` lets an incremental build skip writing files whose bytes it knows are the same: they are
    hard-linked from the published site into the staging folder, so the swap stays atomic.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "finns redan och är ingen mapp", str(out))
    with locked(out):  # free when the build calling this holds it already
        recover(out)
        linked = [rel for rel in unchanged if rel not in outputs]
        unsafe = sorted(rel for rel in [*outputs, *linked] if not _safe(rel))
        if unsafe:
            raise ValueError(f"output paths outside the site folder: {unsafe}")
        staging = _claim_spare(out) if linked and out.is_dir() else None
        staging = staging or Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            kept = _clear(staging, out, set(linked))
            _write_all({**outputs, MARK: MARK_TEXT}, staging, out, [rel for rel in linked if rel not in kept])
            os.chmod(staging, 0o755)
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
