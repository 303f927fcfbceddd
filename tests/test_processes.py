"""Nothing of a build outlives it: kill -9 of the build's process ends its workers, the PDF's process and
Pagefind within moments, leaves no temporary folder behind, and does not keep the next build waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, ScratchProject

PAGES = 400  # enough for the pages to be rendered by forked workers (build.PARALLEL_PAGES) and a busy Pagefind


def _parents() -> dict[int, int]:
    """Every living process and its parent, from /proc (zombies count as ended)."""
    found: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            found[int(entry)] = int(fields[1])
    return found


def _descendants(root: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _big_site(root: Path) -> Path:
    project = ScratchProject(root)
    text = "\n\n".join(f"Stycke {n} om brukarinflytande, delaktighet och samverkan i Gävleborg." for n in range(30))
    for number in range(PAGES):
        project.write(f"pages/sida-{number}.md", f"---\ntitle: Sida {number}\n---\n## Rubrik {number}\n\n{text}\n")
    return project.content


def _start(content: Path, out: Path, temp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMPDIR": str(temp), "SITEGEN_NO_HISTORY": "1", "SITEGEN_LOCK_WAIT": "0"}
    return subprocess.Popen([sys.executable, "build.py", "--content", str(content), "--out", str(out),
                             "--today", "2026-03-01"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(build: subprocess.Popen[bytes], moment: str) -> set[int]:
    """The build's processes once `moment` has come: its forked workers busy, or Pagefind running."""
    deadline = time.monotonic() + 300  # against a hung test only; the build normally gets there in seconds
    while time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before the moment to kill it"
        children = _descendants(build.pid)
        if moment == "workers" and len(children) >= 2:
            return children
        if moment == "pagefind" and any("pagefind" in _command(pid) for pid in children):
            return children
        time.sleep(0.005)
    raise AssertionError(f"the build never reached {moment}")


@pytest.mark.parametrize("moment", ["workers", "pagefind"])
def test_kill_9_ends_every_process_of_the_build_and_leaves_no_temporary_folder(tmp_path, moment):
    content = _big_site(tmp_path / "projekt")
    out, temp = tmp_path / "public", tmp_path / "tmp"
    temp.mkdir()
    build = _start(content, out, temp)
    children = _wait_for(build, moment)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 5
    while (alive := children & set(_parents())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"still running after the build was killed: {[_command(pid) for pid in alive]}"
    assert sorted(p.name for p in temp.iterdir()) == []  # nothing of the build in the temporary folder
    # The next build is not kept waiting by anything of the killed one, and cleans up what it left.
    again = _start(content, out, temp)
    assert again.wait(timeout=600) == 0
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.lock", ".sitegen-cache", "projekt", "public", "tmp"]
    assert sorted(p.name for p in (tmp_path / ".sitegen-cache").iterdir()) == ["checks-public.json", "jinja",
                                                                                "public.json"]


def test_the_preview_keeps_the_search_index_in_the_cache_and_the_editors_temporary_folder_apart(tmp_path, monkeypatch):
    """A rebuild of the preview must not move the process's temporary folder: the editor checks a save in a
    temporary copy of content/ at the same moment, and that copy must not vanish when the rebuild ends."""
    import datetime as dt
    import tempfile

    from conftest import TEMPLATES

    from sitegen import engine, serve

    seen: list[tuple[str, Path | None]] = []
    original = engine.make_deferred

    def recording(session, renderer, ctx, *args, **kwargs):  # the slow outputs (the PDF, the search index)
        seen.append((tempfile.gettempdir(), ctx.scratch))
        return original(session, renderer, ctx, *args, **kwargs)

    monkeypatch.setattr(engine, "make_deferred", recording)
    before = tempfile.gettempdir()
    preview = serve.Preview(ScratchProject(tmp_path).content, tmp_path / "public", TEMPLATES, dt.date(2026, 3, 1), port=0)
    try:
        assert preview.rebuild().ok
        preview.wait_for_background()
    finally:
        preview.stop()
    assert seen and set(seen) == {(before, tmp_path / ".sitegen-cache" / "tmp-public")}
    assert not (tmp_path / ".sitegen-cache" / "tmp-public").exists()  # gone when the rebuild ended
