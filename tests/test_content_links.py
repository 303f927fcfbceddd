"""Symbolic links and special files under content/: never followed, never opened, always a Swedish error.

A link in content/ that points at /etc/passwd or /proc/self/environ would otherwise publish the build's
secrets; a pipe would hang the build. Each kind of entry is tried in each place content is read from.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES

from sitegen import contentfs
from sitegen.build import build, check
from sitegen.errors import ContentError

TODAY = dt.date(2026, 3, 1)
SECRET = "HEMLIGT-7f3a9c-INNEHALL"
PAGE = "---\ntitle: Hemlig\n---\n" + SECRET + "\n"
NEWS = "---\ntitle: Hemlig\ndate: 2026-02-01\nsummary: Kort.\n---\n" + SECRET + "\n"
EVENTS = ("- id: hemligt\n  title: " + SECRET + "\n  start: 2027-03-12 18:00\n  municipality: Gävle\n")
LAWS = ("- id: hemlig\n  law: " + SECRET + "\n  url: https://www.example.org/\n  excerpts:\n    - text: x\n")

# Where the entry is put (relative to content/) and what a real file there would hold.
PLACES = {
    "files": ("files/rapport.pdf", b"%PDF-1.4\n" + SECRET.encode()),
    "pages": ("pages/hemlig.md", PAGE.encode()),
    "news": ("news/2026-02-01-hemlig.md", NEWS.encode()),
    "events": ("events/2027.yaml", EVENTS.encode()),
    "top-level-yaml": ("laws.yaml", LAWS.encode()),
    "replaces-a-file": ("associations.yaml", b"- id: forening-a\n  name: " + SECRET.encode() + b"\n  description: x\n"),
}


def _outside(tmp_path: Path, data: bytes) -> Path:
    """A file outside content/ holding the secret, as a file of the place would."""
    secret = tmp_path / "utanfor" / "hemlig"
    secret.parent.mkdir(exist_ok=True)
    secret.write_bytes(data)
    return secret


def _link_absolute(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to(_outside(tmp_path, data))


def _link_etc_passwd(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to("/etc/passwd")


def _link_environ(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to("/proc/self/environ")


def _link_relative(path: Path, tmp_path: Path, data: bytes) -> None:
    _outside(tmp_path, data)
    depth = len(path.relative_to(tmp_path).parts) - 1  # from the link's folder up to tmp_path
    path.symlink_to(Path(*[".."] * depth, "utanfor", "hemlig"))


def _link_chain(path: Path, tmp_path: Path, data: bytes) -> None:
    """A link to a link inside content/, which leaves it: the whole chain counts."""
    hop = tmp_path / "content" / "hopp"
    hop.symlink_to(_outside(tmp_path, data))
    path.symlink_to(os.path.relpath(hop, path.parent))


def _link_broken(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to(tmp_path / "finns-inte")


def _link_self(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to(path.name)


def _link_pair(path: Path, tmp_path: Path, data: bytes) -> None:
    other = path.with_name("andra-" + path.name)
    path.symlink_to(other.name)
    other.symlink_to(path.name)


def _link_dev_null(path: Path, tmp_path: Path, data: bytes) -> None:
    path.symlink_to("/dev/null")


def _fifo(path: Path, tmp_path: Path, data: bytes) -> None:
    os.mkfifo(path)


def _socket(path: Path, tmp_path: Path, data: bytes) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


def _device(path: Path, tmp_path: Path, data: bytes) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can make a device file")
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a copy of /dev/null


def _link_inside(path: Path, tmp_path: Path, data: bytes) -> None:
    """A link to another content file: refused too (one rule, no exception to trust)."""
    real = tmp_path / "content" / "verklig"
    real.write_bytes(data)
    path.symlink_to(os.path.relpath(real, path.parent))


KINDS: dict[str, tuple[Callable[[Path, Path, bytes], None], str]] = {
    "absolute-link-out": (_link_absolute, "utanför content/"),
    "link-to-etc-passwd": (_link_etc_passwd, "utanför content/"),
    "link-to-proc-environ": (_link_environ, "utanför content/"),
    "relative-link-out": (_link_relative, "utanför content/"),
    "chain-of-links-out": (_link_chain, "utanför content/"),
    "broken-link": (_link_broken, "som inte finns"),
    "self-loop": (_link_self, "slinga"),
    "two-link-loop": (_link_pair, "slinga"),
    "link-to-dev-null": (_link_dev_null, "utanför content/"),
    "fifo": (_fifo, "rörledning (FIFO)"),
    "socket": (_socket, "en socket"),
    "device": (_device, "enhetsfil"),
    "link-inside-content": (_link_inside, "följer inga länkar"),
}


def _check_in_thread(content: Path) -> list:
    """check() in a thread: a pipe that blocks fails the test instead of hanging it."""
    result: list = []

    def run() -> None:
        try:
            check(content, TODAY, TEMPLATES)
            result.append([])
        except ContentError as exc:
            result.append(exc.problems)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the check hangs"
    assert isinstance(result[0], list), f"not a content error: {result[0]!r}"
    return result[0]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_links_and_special_files_are_refused_by_name(scratch_project, tmp_path, kind, place):
    rel, data = PLACES[place]
    path = scratch_project.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    make, fragment = KINDS[kind]
    make(path, tmp_path, data)
    problems = _check_in_thread(scratch_project.content)
    shown = "\n".join(map(str, problems))
    mine = [p for p in problems if p.file == f"content/{rel}"]
    assert len(mine) == 1 and mine[0].severity == "fel", shown
    assert fragment in mine[0].message, shown
    assert SECRET not in shown and "root:" not in shown


FOLDER_PLACES = ["files/handlingar", "pages", "news", "events"]


@pytest.mark.parametrize("folder", FOLDER_PLACES)
def test_a_linked_folder_is_never_entered(scratch_project, tmp_path, folder):
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / "hemlig.md").write_text(PAGE, encoding="utf-8")
    (outside / "2026-02-01-hemlig.md").write_text(NEWS, encoding="utf-8")
    (outside / "2027.yaml").write_text(EVENTS, encoding="utf-8")
    (outside / "rapport.pdf").write_bytes(b"%PDF-1.4\n" + SECRET.encode())
    target = scratch_project.content / folder
    if target.exists():
        for child in target.iterdir():
            child.unlink()
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside)
    problems = _check_in_thread(scratch_project.content)
    shown = "\n".join(map(str, problems))
    mine = [p for p in problems if p.file == f"content/{folder}"]
    assert len(mine) == 1 and "Mappen är en symbolisk länk" in mine[0].message, shown
    assert SECRET not in shown


def _secret_in(folder: Path) -> bool:
    return any(SECRET.encode() in p.read_bytes() or b"root:x:0" in p.read_bytes()
               for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.mark.parametrize("kind", ["link-to-etc-passwd", "link-to-proc-environ", "relative-link-out", "fifo",
                                  "two-link-loop", "broken-link"])
def test_the_command_exits_1_in_swedish_and_publishes_nothing(scratch_project, tmp_path, kind):
    """The whole command in its own process, with a time limit: exit 1, the file named, no traceback, no secret."""
    rel, data = PLACES["files"]
    path = scratch_project.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    KINDS[kind][0](path, tmp_path, data)
    out = tmp_path / "public"
    env = {**os.environ, "SECRET_FOR_TEST": SECRET}  # /proc/self/environ would hold it
    done = subprocess.run([sys.executable, "-m", "sitegen.cli", "build", "--content", str(scratch_project.content),
                           "--out", str(out), "--templates", str(TEMPLATES), "--today", TODAY.isoformat()],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 1, done.stderr
    assert f"content/{rel}" in done.stderr and "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert not out.exists() or not _secret_in(out)


def test_a_link_to_a_secret_is_not_published_by_a_build(scratch_project, tmp_path):
    """A build of a site whose other files are fine: refused whole, nothing of the target anywhere."""
    out = tmp_path / "public"
    build(scratch_project.content, out, TEMPLATES, TODAY)
    (scratch_project.content / "files").mkdir()
    (scratch_project.content / "files" / "miljo.txt").symlink_to("/proc/self/environ")
    with pytest.raises(ContentError):
        build(scratch_project.content, out, TEMPLATES, TODAY)
    assert not (out / "files").exists()


def test_hidden_entries_outside_files_are_not_read(scratch_project):
    """An editor's lock file (Emacs makes `.#name` as a dangling link) and .git are neither read nor errors."""
    (scratch_project.content / "pages" / ".#index.md").symlink_to("user@host.1234:1700000000")
    (scratch_project.content / ".git").mkdir()
    os.mkfifo(scratch_project.content / ".git" / "fifo")
    assert _check_in_thread(scratch_project.content) == []


def test_a_file_swapped_for_a_pipe_after_the_scan_does_not_block(tmp_path):
    fifo = tmp_path / "content" / "site.yaml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    with pytest.raises(contentfs.UnsafeFile, match="rörledning"):
        contentfs.read_bytes(fifo, tmp_path / "content")
    link = tmp_path / "content" / "laws.yaml"
    link.symlink_to("/etc/passwd")
    with pytest.raises(contentfs.UnsafeFile, match="symbolisk länk"):
        contentfs.read_bytes(link, tmp_path / "content")
    (tmp_path / "content" / "pages").symlink_to(tmp_path)
    (tmp_path / "om.md").write_text(PAGE, encoding="utf-8")
    with pytest.raises(contentfs.UnsafeFile):
        contentfs.read_bytes(tmp_path / "content" / "pages" / "om.md", tmp_path / "content")


def test_new_event_never_writes_through_a_link(scratch_project, tmp_path):
    from sitegen.scaffold import ScaffoldError, append_event

    outside = _outside(tmp_path, EVENTS.encode())
    (scratch_project.content / "events" / "2026.yaml").unlink()
    (scratch_project.content / "events" / "2026.yaml").symlink_to(outside)
    fields = {"id": "nytt", "title": "Nytt", "start": dt.datetime(2026, 4, 1, 18, 0), "municipality": "Gävle"}
    with pytest.raises(ScaffoldError, match="symbolisk länk"):
        append_event(scratch_project.content, fields)
    assert outside.read_bytes() == EVENTS.encode()


BAD_NAMES = {
    "newline": "om\nmig.md",
    "carriage-return": "om\r.md",
    "backslash": "om\\mig.md",
    "tab": "om\tmig.md",
    "bell": "om\x07.md",
    "right-to-left-override": "rapport\u202egnp.md",
    "line-separator": "om\u2028mig.md",
}


@pytest.mark.parametrize("folder", ["pages", "news", "files", "events"])
@pytest.mark.parametrize("kind", BAD_NAMES)
def test_names_with_line_breaks_backslashes_or_control_characters_are_refused(scratch_project, folder, kind):
    name = BAD_NAMES[kind]
    (scratch_project.content / folder).mkdir(exist_ok=True)
    (scratch_project.content / folder / name).write_bytes(b"%PDF-1.4\n")
    problems = _check_in_thread(scratch_project.content)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file.startswith(f"content/{folder}/") and "\n" not in str(problem) and "\r" not in str(problem)
    assert "Byt namn" in problem.message


def test_a_name_that_is_not_utf8_is_refused_and_can_be_printed(scratch_project, invoke):
    folder = os.fsencode(scratch_project.content / "files")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, b"rapport-\xff.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    result = invoke("check", "--content", str(scratch_project.content), "--templates", str(TEMPLATES),
                    "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert "content/files/rapport-<0xFF>.pdf" in result.output and "inte är UTF-8" in result.output
