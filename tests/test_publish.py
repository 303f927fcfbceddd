"""Publishing never leaves a half-written or defaced site: failed builds, template errors and kill -9 included."""

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
from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen import publish as publish_module
from sitegen.build import build
from sitegen.errors import BuildError, ContentError
from sitegen.outdir import MARK, MARK_TEXT

TODAY = dt.date(2026, 3, 1)


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file's bytes and mode, and every folder, of a published tree."""
    tree: dict[str, tuple[bytes, int] | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        tree[rel] = (path.read_bytes(), path.stat().st_mode) if path.is_file() else None
    return tree


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fixture content and its published site in tmp_path/public."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    out = tmp_path / "public"
    build(content, out, TEMPLATES, TODAY)
    return content, out


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir())


def _start_paused_build(content: Path, out: Path, stage: str, marker: Path, **env: str) -> subprocess.Popen[bytes]:
    """A real build in a child process that stops at `stage` of publishing (a test-only hook) until killed."""
    environment = {**os.environ, "SITEGEN_TEST_PAUSE": f"{stage}:{marker}", **env}
    proc = subprocess.Popen([sys.executable, "build.py", "--content", str(content), "--out", str(out),
                             "--today", TODAY.isoformat()], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # a generous bound against a hung test, not a timing assertion
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended before pausing: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the build never reached the pause")
        time.sleep(0.05)
    return proc


def _kill_9(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def test_kill_9_while_writing_leaves_previous_site_byte_for_byte(site, tmp_path):
    content, out = site
    before = snapshot(out)
    (content / "pages" / "om.md").write_text("---\ntitle: Helt ny sida\n---\nNy text.\n", encoding="utf-8")
    proc = _start_paused_build(content, out, "writing", tmp_path / "paused")
    staging = [p for p in _leftovers(out) if ".new-" in p]
    assert len(staging) == 1 and any((tmp_path / staging[0]).rglob("*.html")), "the build was not mid-write"

    _kill_9(proc)

    assert snapshot(out) == before
    # The next build cleans up what the killed one left and publishes the new site.
    build(content, out, TEMPLATES, TODAY)
    assert _leftovers(out) == []
    assert "Helt ny sida" in (out / "om" / "index.html").read_text(encoding="utf-8")


def test_kill_9_between_the_renames_of_the_fallback_is_recovered(site, tmp_path):
    """Without renameat2 there is a moment with no public/; the next run puts the previous site back first."""
    content, out = site
    before = snapshot(out)
    (content / "pages" / "om.md").write_text("---\ntitle: Helt ny sida\n---\n", encoding="utf-8")
    proc = _start_paused_build(content, out, "swap", tmp_path / "paused", SITEGEN_NO_EXCHANGE="1")
    _kill_9(proc)
    assert not out.exists() and any(".old-" in name for name in _leftovers(out))

    publish_module.recover(out)

    assert snapshot(out) == before
    assert _leftovers(out) == []


def test_swap_is_one_atomic_exchange_on_linux(tmp_path):
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux only; elsewhere publish renames twice and recovers")
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "sub").mkdir(parents=True)
    (first / "sub" / "x.html").write_text("gammal", encoding="utf-8")
    second.mkdir()
    (second / "y.html").write_text("ny", encoding="utf-8")
    assert publish_module.exchange(first, second)
    assert sorted(p.name for p in first.iterdir()) == ["y.html"]
    assert (second / "sub" / "x.html").read_text(encoding="utf-8") == "gammal"


def test_content_error_leaves_previous_site_byte_for_byte(site):
    content, out = site
    before = snapshot(out)
    (content / "events" / "2026.yaml").write_text("- id: x\n  title: [\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(content, out, TEMPLATES, TODAY)
    assert snapshot(out) == before
    assert _leftovers(out) == []


def test_template_exception_leaves_previous_site_and_names_the_template(site, tmp_path, invoke):
    content, out = site
    before = snapshot(out)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}\n{{ 1 / 0 }}"),
                    encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(content, out, templates, TODAY)
    assert "Mallen page.html, rad 3" in caught.value.show()
    assert "ZeroDivisionError" in caught.value.show()
    result = invoke("build", "--content", str(content), "--out", str(out), "--templates", str(templates),
                    "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert "Ingenting publicerades" in result.output and "Traceback" not in result.output
    assert snapshot(out) == before
    assert _leftovers(out) == []


def test_renderer_exception_leaves_previous_site(site, monkeypatch):
    content, out = site
    before = snapshot(out)

    def broken(_ctx):
        yield "sitemap.xml", b""
        raise RuntimeError("trasig renderare")

    monkeypatch.setattr("sitegen.render.sitemap.render", broken)
    with pytest.raises(BuildError, match="Bygget misslyckades .*trasig renderare"):
        build(content, out, TEMPLATES, TODAY, clean=True)  # clean: unchanged content is otherwise not rendered again
    assert snapshot(out) == before


def test_write_failure_is_a_swedish_message(site, tmp_path):
    content, _ = site
    blocker = tmp_path / "en-fil"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match="kunde inte skrivas till"):
        build(content, blocker / "public", TEMPLATES, TODAY)


def test_successful_build_removes_files_without_a_source(site):
    content, out = site
    (out / "gammal-sida.html").write_text("kvar från förr", encoding="utf-8")
    (content / "pages" / "om.md").unlink()
    (content / "files" / "bilaga.txt").unlink()
    build(content, out, TEMPLATES, TODAY)
    assert not (out / "gammal-sida.html").exists()
    assert not (out / "om").exists()
    assert not (out / "files").exists()
    assert (out / "index.html").is_file()


def test_two_outputs_for_one_address_stop_the_build(site, monkeypatch):
    content, out = site
    before = snapshot(out)

    def clashing(_ctx):
        yield "index.html", b"<p>ersatt</p>"

    monkeypatch.setattr("sitegen.render.sitemap.render", clashing)
    with pytest.raises(BuildError, match="samma fil, index.html"):
        build(content, out, TEMPLATES, TODAY, clean=True)  # clean: unchanged content is otherwise not rendered again
    assert snapshot(out) == before


def test_output_path_outside_the_site_is_refused(tmp_path):
    out = tmp_path / "public"
    for rel in ["../utanfor.html", "/etc/x", "a/../../b", ""]:
        with pytest.raises(ValueError, match="outside the site folder"):
            publish_module.publish({"index.html": b"x", rel: b"y"}, out)
    assert not out.exists() and not (tmp_path / "utanfor.html").exists()
    assert _leftovers(out) == []


def test_internal_error_is_a_swedish_message_without_traceback(site, invoke, monkeypatch):
    content, out = site
    before = snapshot(out)

    def broken(*_args):
        raise RuntimeError("ett fel i generatorn")

    monkeypatch.setattr("sitegen.build.load_site", broken)
    # --clean: unchanged content is otherwise not loaded again at all
    result = invoke("build", "--content", str(content), "--out", str(out), "--today", TODAY.isoformat(), "--clean")
    assert result.exit_code == 70
    assert "Ett internt fel i sitegen (RuntimeError: ett fel i generatorn)" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before


def test_concurrent_builds_take_turns(site, tmp_path):
    """Two builds started together: the lock makes them publish one after the other, both whole."""
    content, out = site
    procs = [subprocess.Popen([sys.executable, "build.py", "--content", str(content), "--out", str(out),
                               "--today", TODAY.isoformat()], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    for proc in procs:
        _, stderr = proc.communicate()
        assert proc.returncode == 0, stderr
    reference = tmp_path / "reference"
    build(content, reference, TEMPLATES, TODAY)
    assert snapshot(out) == snapshot(reference)
    assert _leftovers(out) == []


def test_unchanged_files_are_linked_not_rewritten_and_the_swap_stays_whole(tmp_path):
    """For incremental builds: files known to be unchanged come from the published site, still in one swap."""
    out = tmp_path / "public"
    publish_module.publish({"index.html": b"start", "om/index.html": b"om", "gammal.html": b"bort"}, out)
    inode = (out / "om" / "index.html").stat().st_ino
    publish_module.publish({"index.html": b"ny start"}, out, unchanged=["om/index.html"])
    assert snapshot(out) == {"index.html": (b"ny start", snapshot(out)["index.html"][1]), "om": None,
                             "om/index.html": (b"om", snapshot(out)["om/index.html"][1]),
                             MARK: (MARK_TEXT, snapshot(out)[MARK][1])}  # every published site carries the mark
    assert (out / "om" / "index.html").stat().st_ino == inode
    assert _leftovers(out) == []


def test_the_replaced_site_is_kept_and_the_next_publish_changes_only_what_differs(tmp_path):
    """A build after an edit does not make the whole site again beside it: the site before the published one is
    kept in .sitegen-cache and brought up to date, so its unchanged folders and files stay as they are."""
    out = tmp_path / "public"
    publish_module.publish({"index.html": b"1", "om/index.html": b"om", "gammal/index.html": b"bort"}, out)
    first_folder = (out / "om").stat().st_ino
    publish_module.publish({"index.html": b"2"}, out, unchanged=["om/index.html", "gammal/index.html"])
    assert (publish_module.spare_folder(out) / "index.html").read_bytes() == b"1"  # kept, not deleted
    publish_module.publish({"index.html": b"3", "ny/index.html": b"ny"}, out, unchanged=["om/index.html"])
    tree = snapshot(out)
    assert {rel: data[0] if data else None for rel, data in tree.items()} == {
        "index.html": b"3", "om": None, "om/index.html": b"om", "ny": None, "ny/index.html": b"ny", MARK: MARK_TEXT}
    assert (out / "om").stat().st_ino == first_folder  # the first site's folder, brought up to date
    assert (publish_module.spare_folder(out) / "index.html").read_bytes() == b"2"  # the site before, untouched
    assert (publish_module.spare_folder(out) / "gammal" / "index.html").read_bytes() == b"bort"
    assert _leftovers(out) == []


def test_a_kept_site_changed_by_hand_is_put_right_and_the_published_files_are_never_written_into(tmp_path):
    out = tmp_path / "public"
    publish_module.publish({"index.html": b"1", "om/index.html": b"om", "a/b.html": b"b", "c.html": b"c"}, out)
    publish_module.publish({"index.html": b"2"}, out, unchanged=["om/index.html", "a/b.html", "c.html"])
    spare = publish_module.spare_folder(out)
    (spare / "om" / "index.html").unlink()
    (spare / "om" / "index.html").write_bytes(b"for hand")  # another file by the same name
    (spare / "a" / "b.html").unlink()
    (spare / "a" / "b.html").mkdir()  # a folder where a file belongs
    (spare / "extra.html").write_bytes(b"kvar")
    (spare / "tom" / "djup").mkdir(parents=True)
    (spare / "länk").symlink_to("/etc")
    publish_module.publish({"index.html": b"3", "c.html": b"nytt c"}, out, unchanged=["om/index.html", "a/b.html"])
    tree = snapshot(out)
    assert {rel: data[0] if data else None for rel, data in tree.items()} == {
        "index.html": b"3", "om": None, "om/index.html": b"om", "a": None, "a/b.html": b"b", "c.html": b"nytt c",
        MARK: MARK_TEXT}
    # "c.html" of the site kept aside shared its file with the published one: it was replaced, not written into
    assert (spare / "c.html").read_bytes() == b"c"
    assert _leftovers(out) == []
