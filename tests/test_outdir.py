"""The output folder is the site's alone: a build never replaces a folder that is not a site it built.

Each refused case is run with publishing replaced by a tripwire, so that a regression fails the test
instead of deleting the folder (for `/` above all).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES, ScratchProject

from sitegen.errors import BuildError
from sitegen.outdir import MARK

TODAY = "2026-03-01"


class Layout:
    """A project with .git, content/ and templates/, someone's documents beside it and a home folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.top = tmp_path
        self.project = tmp_path / "projekt"
        (self.project / ".git").mkdir(parents=True)
        (self.project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
        self.content = ScratchProject(self.project).content
        (self.content / "files").mkdir()
        (self.content / "files" / "program.pdf").write_bytes(b"%PDF-1.4 program")
        self.templates = self.project / "templates"
        shutil.copytree(TEMPLATES, self.templates)
        self.documents = tmp_path / "dokument"
        self.documents.mkdir()
        (self.documents / "deklaration.txt").write_text("min deklaration", encoding="utf-8")
        self.home = tmp_path / "hem"
        self.home.mkdir()
        (self.home / ".bashrc").write_text("export X=1\n", encoding="utf-8")
        (tmp_path / "till-innehallet").symlink_to(self.content)

    def snapshot(self) -> dict[str, bytes | None]:
        return {p.relative_to(self.top).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
                for p in sorted(self.top.rglob("*"))}


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    made = Layout(tmp_path)
    monkeypatch.setenv("HOME", str(made.home))
    monkeypatch.chdir(made.project)
    monkeypatch.setenv("SITEGEN_NO_HISTORY", "1")
    return made


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishing and saving the cache fail the test at once, instead of replacing a folder."""
    def publish(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the build went on to publish into a folder it should have refused")

    monkeypatch.setattr("sitegen.publish.publish", publish)
    monkeypatch.setattr("sitegen.incremental.Manifest.save", publish)


# Every --out that must be refused, as the coordinator might type it (relative to the project folder).
REFUSED = {
    "someone's documents": "../dokument",
    "content itself": "content",
    "inside content": "content/files",
    "inside content, not there yet": "content/ny-mapp",
    "templates": "templates",
    "inside templates": "templates/static",
    "the project root (with .git)": ".",
    "the project root, absolute": "{project}",
    "the home folder": "{home}",
    "the home folder as ~ expands it": "{home}/",
    "the file system's root": "/",
    "a parent of content": "..",
    "a symlink to content": "../till-innehallet",
    "a relative path with ..": "public/../content",
    "a path with .. into templates": "../dokument/../projekt/templates",
    "a file in content": "content/site.yaml",
    "a file": "../dokument/deklaration.txt",
}


def _out(layout: Layout, given: str) -> str:
    return given.format(project=layout.project, home=layout.home)


@pytest.mark.parametrize("given", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_folder_that_is_not_the_sites_is_refused_and_left_as_it_was(layout, tripwire, invoke, command, given):
    before = layout.snapshot()
    result = invoke(command, "--content", "content", "--templates", "templates", "--out", _out(layout, given),
                    "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert "Webbplatsen byggs inte till mappen" in result.output
    assert "Välj en annan mapp med --out" in result.output
    assert "Traceback" not in result.output
    assert layout.snapshot() == before  # nothing written: no site, no cache, no lock, no staging folder


@pytest.mark.parametrize("given", REFUSED.values(), ids=REFUSED.keys())
def test_the_preview_refuses_the_same_folders(layout, tripwire, given):
    from sitegen.serve import Preview

    before = layout.snapshot()
    with pytest.raises(BuildError, match="Webbplatsen byggs inte till mappen"):
        Preview(Path("content"), Path(_out(layout, given)), Path("templates"), dt.date(2026, 3, 1), port=0)
    assert layout.snapshot() == before


def test_build_py_refuses_too_with_the_reason(layout, tripwire, invoke):
    result = invoke("build", "--content", "content", "--templates", "templates", "--out", "../dokument")
    assert result.exit_code == 1
    assert "har filer som inte kommer från ett bygge med sitegen (till exempel ”deklaration.txt”)" in result.output
    result = invoke("build", "--content", "content", "--templates", "templates", "--out", "content/files")
    assert "ligger inuti innehållsmappen" in result.output


def _build(invoke, out: str) -> None:
    result = invoke("build", "--content", "content", "--templates", "templates", "--out", out, "--today", TODAY)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("prepare", ["missing", "missing, parents too", "empty", "built before", "beside content via .."])
def test_a_new_empty_or_built_folder_gets_the_site_and_the_mark(layout, invoke, prepare):
    out = {"missing, parents too": "../ut/webb/public", "beside content via ..": "content/../public"}.get(prepare, "public")
    if prepare == "empty":
        (layout.project / "public").mkdir()
    if prepare == "built before":
        _build(invoke, out)
        (layout.project / "public" / "gammal.html").write_text("kvar från förr", encoding="utf-8")
    _build(invoke, out)
    site = layout.project / out
    assert (site / "index.html").is_file()
    assert (site / MARK).read_bytes().startswith("Den här mappen är en webbplats som sitegen har byggt".encode())
    assert not (site / "gammal.html").exists()


@pytest.mark.parametrize("edited", [False, True], ids=["as built", "a page edited by hand"])
def test_a_site_built_before_the_mark_is_recognised_by_the_cache(layout, invoke, edited):
    """The coordinator's public/ from an older sitegen has no mark; the cache beside it lists its files."""
    _build(invoke, "public")
    site = layout.project / "public"
    (site / MARK).unlink()
    if edited:  # an edited file is still the site's
        (site / "index.html").write_text("ändrad för hand", encoding="utf-8")
    _build(invoke, "public")
    assert (site / MARK).is_file()  # marked now, even when no page had to change
    assert "Startsidans text" in (site / "index.html").read_text(encoding="utf-8")


def test_a_folder_with_a_foreign_file_beside_an_old_site_is_refused(layout, tripwire, invoke):
    """Without the mark, the cache must list every file: a file it does not know may be someone's."""
    from sitegen.build import build

    site = layout.project / "public"
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    cache = layout.project / ".sitegen-cache"
    cache.mkdir()
    (cache / "public.json").write_text(f'{{"out": "{site}", "files": {{"index.html": []}}}}', encoding="utf-8")
    build(layout.content, site, layout.templates, dt.date(2026, 3, 1), dry_run=True)  # only the cache's files: a site
    (site / "brev.docx").write_bytes(b"PK")
    with pytest.raises(BuildError, match="till exempel ”brev.docx”"):
        build(layout.content, site, layout.templates, dt.date(2026, 3, 1))


# --- one build at a time per output folder ---------------------------------------------------------------------

def _start(content: Path, out: Path, **env: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "SITEGEN_NO_HISTORY": "1", **env}
    return subprocess.Popen([sys.executable, "build.py", "--content", str(content), "--out", str(out), "--today", TODAY],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ok(content: Path, out: Path) -> str:
    build = _start(content, out)
    stdout, stderr = build.communicate(timeout=600)
    assert build.returncode == 0, stderr
    return stdout


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _variant(root: Path, about: str = "Om oss.", contact: str = "Kontakt.") -> Path:
    project = ScratchProject(root)
    project.write("pages/om.md", f"---\ntitle: Om\n---\n{about}\n")
    project.write("pages/kontakt.md", f"---\ntitle: Kontakt\n---\n{contact}\n")
    return project.content


def test_two_builds_into_one_folder_publish_one_whole_site(tmp_path):
    """Started together, two builds of different content take turns: the folder holds one of the two sites,
    whole, and the cache agrees with it (before the lock, the second build linked the first one's files)."""
    # Each changes what the other leaves as it was, so a build that reused the other's files would show it.
    first = _variant(tmp_path / "a", about="Om oss, ändrad i bygge A.")
    second = _variant(tmp_path / "b", contact="Kontakt, ändrad i bygge B.")
    out = tmp_path / "public"
    _ok(_variant(tmp_path / "gammal"), out)
    builds = [_start(first, out, SITEGEN_LOCK_WAIT="600"), _start(second, out, SITEGEN_LOCK_WAIT="600")]
    for build in builds:
        _, stderr = build.communicate(timeout=600)
        assert build.returncode == 0 or "Ett annat bygge till mappen" in stderr, stderr
    published = _files(out)
    references = {}
    for name, content in (("a", first), ("b", second)):
        _ok(content, tmp_path / f"referens-{name}")
        references[name] = _files(tmp_path / f"referens-{name}")
    assert published in (references["a"], references["b"]), "the folder mixes the two builds"
    winner = first if published == references["a"] else second
    assert "inget behövde ändras" in _ok(winner, out) and _files(out) == published  # the cache describes what is there


def _paused(content: Path, out: Path, marker: Path) -> subprocess.Popen[str]:
    build = _start(content, out, SITEGEN_TEST_PAUSE=f"writing:{marker}")
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "the build never reached the pause"
        time.sleep(0.05)
    return build


def test_a_second_build_waits_then_says_in_swedish_that_another_is_running(tmp_path):
    content = _variant(tmp_path / "a")
    out = tmp_path / "public"
    holder = _paused(content, out, tmp_path / "paused")  # holds the lock, half-way through publishing
    try:
        started = time.monotonic()
        second = subprocess.run([sys.executable, "build.py", "--content", str(content), "--out", str(out),
                                 "--today", TODAY], cwd=ROOT, env={**os.environ, "SITEGEN_LOCK_WAIT": "1"},
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 1, second.stderr
        assert f"Ett annat bygge till mappen {out} (process {holder.pid}) pågår fortfarande" in second.stderr
        assert "väntade i 1 sekund på att" in second.stderr and "Traceback" not in second.stderr
        assert time.monotonic() - started >= 1
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    # The killed build's lock went with it: the next build does not wait.
    third = subprocess.run([sys.executable, "build.py", "--content", str(content), "--out", str(out), "--today", TODAY],
                           cwd=ROOT, env={**os.environ, "SITEGEN_LOCK_WAIT": "0"}, capture_output=True, text=True,
                           timeout=300)
    assert third.returncode == 0, third.stderr
    assert (out / "index.html").is_file() and (out / MARK).is_file()


def test_a_folder_where_nothing_can_be_written_is_a_swedish_message(scratch_project, invoke):
    result = invoke("build", "--content", str(scratch_project.content), "--out", "/proc/sitegen-finns-inte/public",
                    "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert "går inte att skriva i" in result.output and "Traceback" not in result.output
