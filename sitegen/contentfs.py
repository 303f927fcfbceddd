"""Content files as sitegen reads them: only regular files inside content/, never anything through a link.

Every reader of content/ goes through here: the build's input scan, the loader, the attachments, the git
history and `sitegen new`. Two rules keep the build from publishing what is not the site's, or hanging:

- **No symbolic link under content/ is followed**, wherever it points (outside content/, to another content
  file, nowhere, or in a loop), and no folder that is a link is entered. Each is a Swedish error naming the
  file. Links that stay inside content/ are refused too: the coordinator never needs one, git on Windows
  checks them out as small text files, and one rule is easier to trust than a rule with an exception. The
  folder given as `--content` may itself be a link; that is the user's own choice of folder.
- **Only regular files are opened.** A named pipe (FIFO), a socket or a device is an error found with
  lstat(), never opened; files are opened with O_NOFOLLOW and O_NONBLOCK and checked again with fstat(), so
  a file swapped for a link or a pipe between the scan and the read is refused too, and nothing blocks.

File and folder names with a line break, a backslash or another control or invisible character are refused:
they cannot be shown in a message, a URL or on another operating system. Names starting with a dot (editors'
swap and lock files, .git) are not read at all, except in content/files/, where attachments.py refuses them.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20
ATTACHMENTS = "files"  # the folder whose hidden files are reported, not skipped


class UnsafeFile(Exception):
    """A content file that must not be read; the message says why, in Swedish."""


class TooLarge(Exception):
    """A content file larger than the reader's limit."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def shown_name(name: str) -> str:
    """A file name as a message can show it: line breaks and other invisible characters written as \\n or <U+200E>."""
    out = []
    for char in name:
        if char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8, kept by Python as a lone surrogate
            out.append(f"<0x{ord(char) - 0xDC00:02X}>")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    return "".join(out)


def name_problem(name: str) -> str | None:
    """Why a file or folder name cannot be used (Swedish), or None when it can."""
    if "\n" in name or "\r" in name:
        what = "ett radbyte"
    elif "\\" in name:
        what = "ett omvänt snedstreck (\\)"
    elif any("\udc80" <= c <= "\udcff" for c in name):
        what = "tecken som inte är UTF-8"
    elif any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in name):
        what = "ett osynligt styrtecken"
    else:
        return None
    return (f"Namnet ”{shown_name(name)}” innehåller {what}. Sådana namn går inte att visa i en adress eller ett "
            "meddelande. Byt namn så att det bara har bokstäver, siffror, bindestreck och punkt.")


@dataclass
class Listing:
    """What content/ holds, as sitegen may read it: regular files and real folders, and the problems found."""

    root: Path
    files: list[str] = field(default_factory=list)  # relative, with forward slashes, sorted
    folders: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)  # entries reported in `problems`, never read
    problems: list[Problem] = field(default_factory=list)

    def children(self, folder: str) -> list[str]:
        """Names of everything directly in `folder` (files, folders and refused entries), sorted."""
        prefix = f"{folder}/"
        names = {rel[len(prefix):] for rel in (*self.files, *self.folders, *self.refused)
                 if rel.startswith(prefix) and "/" not in rel[len(prefix):]}
        return sorted(names)

    def files_in(self, folder: str, suffix: str = "") -> list[str]:
        """Regular files directly in `folder` whose names end with `suffix`, as paths relative to content/."""
        prefix = f"{folder}/"
        return [rel for rel in self.files if rel.startswith(prefix) and "/" not in rel[len(prefix):]
                and rel.endswith(suffix)]

    def files_below(self, folder: str) -> list[str]:
        """Regular files anywhere under `folder`, relative to that folder."""
        prefix = f"{folder}/"
        return [rel[len(prefix):] for rel in self.files if rel.startswith(prefix)]

    def is_file(self, rel: str) -> bool:
        return rel in self.files


def _problem(root: Path, rel: str, message: str) -> Problem:
    return Problem(f"{root.name}/{shown_name(rel)}", None, None, message)


def _link_problem(root: Path, path: str) -> str:
    """Why the symbolic link at `path` is refused, in Swedish, saying where it points."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    shown = shown_name(target)
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (f"Filen är en symbolisk länk (till ”{shown}”) som pekar på sig själv i en slinga. Ta bort länken "
                    "och lägg filen här i stället.")
        return (f"Filen är en symbolisk länk till ”{shown}”, som inte finns. Ta bort länken och lägg filen här i "
                "stället.")
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root):
        return (f"Filen är en symbolisk länk till ”{shown}”, utanför content/. Sitegen läser aldrig något utanför "
                "content/ genom en länk, eftersom det kunde lägga ut hemliga uppgifter på webbplatsen. Ta bort "
                "länken och lägg en kopia av filen här i stället.")
    return (f"Filen är en symbolisk länk (till ”{shown}”). Sitegen följer inga länkar i content/, inte heller till "
            "andra filer där. Ta bort länken och lägg en kopia av filen här i stället.")


_SPECIAL = [(stat.S_ISFIFO, "en namngiven rörledning (FIFO)"), (stat.S_ISSOCK, "en socket"),
            (stat.S_ISCHR, "en enhetsfil"), (stat.S_ISBLK, "en enhetsfil")]


def _special_problem(mode: int) -> str:
    what = next((name for test, name in _SPECIAL if test(mode)), "ingen vanlig fil")
    return (f"Det här är {what}, ingen vanlig fil. Sitegen läser bara vanliga filer i content/. Ta bort den.")


def scan(content: Path) -> Listing:
    """Every regular file and folder under `content`, without following any link; the rest as problems."""
    root = Path(os.path.realpath(content))
    listing = Listing(root)
    if not root.is_dir():
        return listing
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(root / folder if folder else root) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as exc:
            listing.problems.append(_problem(root, folder, f"Mappen går inte att läsa ({exc.strerror}). "
                                             "Kontrollera att du har rätt att läsa den."))
            continue
        for entry in entries:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            kind = _entry(listing, entry, rel, folder)
            if kind == "folder":
                stack.append(rel)
    listing.files.sort()
    return listing


def _entry(listing: Listing, entry: os.DirEntry[str], rel: str, folder: str) -> str:
    """Files one entry under its kind ("file", "folder" or "skip"); refused entries get a problem."""
    root = listing.root
    in_attachments = rel.split("/", 1)[0] == ATTACHMENTS and "/" in rel
    if entry.name.startswith(".") and not in_attachments:
        return "skip"  # swap and lock files of editors, .git: never read
    why = name_problem(entry.name)
    if why is None and entry.is_symlink():
        why = _link_problem(root, entry.path)
        if os.path.isdir(entry.path):  # follows the link only to say so; never entered
            why = why.replace("Filen är", "Mappen är", 1).replace("lägg filen", "lägg filerna", 1)
    if why is None and entry.is_dir(follow_symlinks=False) and entry.name.startswith("."):
        why = ("Mappen är dold (namnet börjar med en punkt). Dolda mappar och filer publiceras aldrig: ta bort "
               "mappen eller flytta den ur content/files/.")
    elif why is None and entry.is_dir(follow_symlinks=False):
        listing.folders.add(rel)
        return "folder"
    if why is None and not entry.is_file(follow_symlinks=False):
        try:
            why = _special_problem(entry.stat(follow_symlinks=False).st_mode)
        except OSError as exc:
            why = f"Filen går inte att läsa ({exc.strerror})."
    if why is not None:
        listing.refused.add(rel)
        listing.problems.append(_problem(root, rel, why))
        return "skip"
    listing.files.append(rel)
    return "file"


def _parts_below(path: Path, root: Path) -> list[str]:
    """The parts of `path` below `root` (as Path.relative_to gives them), [] when it is not below it.

    First by string (the paths are normalised already): pathlib's own took longer than reading the file.
    """
    text, top = os.fspath(path), os.fspath(root)
    prefix = top if top.endswith(os.sep) else top + os.sep
    if text.startswith(prefix) and text != prefix:
        return text[len(prefix):].split(os.sep)
    return list(path.relative_to(root).parts) if path.is_relative_to(root) else []  # ".", or not below it


def _open(path: Path, root: Path | None) -> int:
    """A descriptor for the regular file `path`, opened without following a link anywhere below `root`."""
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC
    parts = _parts_below(path, root) if root is not None else []
    if root is None or not parts or not _NOFOLLOW or os.open not in os.supports_dir_fd:
        return os.open(path, flags)
    folder = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], flags, dir_fd=folder)
    finally:
        os.close(folder)


def read_bytes(path: Path, root: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path` (under `root` when given); raises UnsafeFile or TooLarge.

    No link is followed at or below `root`, and nothing but a regular file is read, so a pipe never blocks.
    """
    try:
        fd = _open(path, root)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOTDIR and os.path.islink(path)):
            raise UnsafeFile("Filen är en symbolisk länk. Sitegen följer inga länkar i content/. Ta bort länken och "
                             "lägg filen här i stället.") from None
        raise UnsafeFile(f"Filen går inte att läsa ({exc.strerror}).") from None
    with os.fdopen(fd, "rb", closefd=True) as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(_special_problem(info.st_mode))
        if limit is not None and info.st_size > limit:
            raise TooLarge(info.st_size)
        data = file.read() if limit is None else file.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise TooLarge(len(data))
    return data


def plain_files(folder: Path, suffix: str) -> list[Path]:
    """Regular files (not links, not hidden) directly in `folder` whose names end with `suffix`, sorted."""
    try:
        with os.scandir(folder) as found:
            return sorted(Path(e.path) for e in found if e.name.endswith(suffix) and not e.name.startswith(".")
                          and e.is_file(follow_symlinks=False))
    except OSError:
        return []


def writable_problem(root: Path, path: Path) -> str | None:
    """Why sitegen must not write `path` under `root` (a link or a special file on the way), or None."""
    parts = path.relative_to(root).parts
    current = Path(os.path.realpath(root))
    for index, part in enumerate(parts):
        current = current / part
        shown = f"{root.name}/{'/'.join(parts[:index + 1])}"
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None  # the rest is made new, as real folders and a file
        except OSError as exc:
            return f"{shown} går inte att läsa ({exc.strerror})."
        if stat.S_ISLNK(mode):
            return f"{shown} är en symbolisk länk. Sitegen skriver aldrig genom en länk; ta bort länken och försök igen."
        if index < len(parts) - 1 and not stat.S_ISDIR(mode):
            return f"{shown} är ingen mapp."
        if index == len(parts) - 1 and not stat.S_ISREG(mode):
            return f"{shown} är ingen vanlig fil. Ta bort den och försök igen."
    return None
