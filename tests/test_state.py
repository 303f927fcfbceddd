"""No module-level state that changes at run time: a build, a check and a preview after an edit leave every
module of sitegen as they found it, and the checked model cannot be changed once it is made.

What a run remembers (the Markdown memo, the git history, attachment checks, the temporary folder, the editor)
lives in the run's session or the preview's object, passed explicitly, so two runs in one process (the
preview and the editor's check, two tests) never see each other's state and no test has to clear anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import os
import pkgutil
import re
import subprocess
import tempfile
import threading
import time
import types
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import TEMPLATES, ScratchProject

import sitegen

TODAY = dt.date(2026, 3, 1)

# Pure memoisation of pure functions (same arguments, same answer, no I/O, no clock): allowed to fill up.
PURE_CACHES = {
    "sitegen.dates.day", "sitegen.dates.short_day", "sitegen.dates.month", "sitegen.dates.clock",
    "sitegen.dates.machine", "sitegen.dates.span",  # Swedish date formatting
    "sitegen.errors.display_path",  # a path as the coordinator reads it (text only)
    "sitegen.markup._converter",  # one Markdown converter per setting: it is reset after every text
    "sitegen.incremental._content_types",  # the model classes, imported once
    "sitegen.parallel._prctl",  # libc's prctl, looked up once
}
# Objects that are process-wide by nature, not state of a run.
PROCESS_WIDE = {
    "sitegen.engine._WORKER",  # set only in a forked page worker, by its pool's initializer (issue 12 allows it)
}


def _modules() -> list[types.ModuleType]:
    found = [sitegen]
    for info in pkgutil.walk_packages(sitegen.__path__, "sitegen."):
        found.append(importlib.import_module(info.name))
    return found


def _picture(value: Any) -> Any:
    """What can change in a module-level value, compared by identity of the parts (never by calling them)."""
    if isinstance(value, dict):
        return ("dict", tuple((k if isinstance(k, (str, int, tuple)) else id(k), id(v)) for k, v in value.items()))
    if isinstance(value, (list, set, frozenset)) and not isinstance(value, frozenset):
        return (type(value).__name__, tuple(sorted(id(item) for item in value)))
    if isinstance(value, threading.local):
        return ("local", tuple(sorted((k, _picture(v)) for k, v in vars(value).items())))
    info = getattr(value, "cache_info", None)
    if callable(info):
        return ("cache", info().currsize)
    if hasattr(value, "__dict__") and not isinstance(value, (type, types.ModuleType, types.FunctionType)):
        return ("object", tuple((k, id(v)) for k, v in vars(value).items()))
    return ("value", id(value))


def _state() -> dict[str, Any]:
    """Every module-level name of sitegen (and every class attribute of its classes) with its picture."""
    state: dict[str, Any] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, types.ModuleType) or getattr(value, "__module__", module.__name__) != module.__name__:
                continue  # a module, or a name imported from elsewhere: looked at where it is defined
            qualified = f"{module.__name__}.{name}"
            if qualified in PURE_CACHES or qualified in PROCESS_WIDE:
                continue
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attribute, inner in vars(value).items():
                    if not attribute.startswith("__"):
                        state[f"{qualified}.{attribute}"] = _picture(inner)
                continue
            state[qualified] = _picture(value)
    state["tempfile.tempdir"] = tempfile.tempdir
    state["os.environ"] = dict(os.environ)
    return state


def _git_project(root: Path) -> ScratchProject:
    """A small site in a git work tree (so the calendar's history is read), with Markdown and an attachment."""
    from PIL import Image

    project = ScratchProject(root)
    project.write("pages/om.md", "---\ntitle: Om oss\n---\n## Bakgrund\n\nText med *betoning* -- och en [länk]"
                                 "(/kalender/).\n\n![Karta över länet](/files/karta.png)\n")
    project.write("files/program.txt", "Program för dialogmötet.\n")
    Image.new("RGB", (8, 6), "white").save(project.content / "files" / "karta.png")
    for args in (["init", "-q"], ["add", "."], ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm",
                                                "start"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return project


def _save_page(preview, path: str, fields: dict[str, str]) -> int:
    """A form of the editor posted as the browser does (the page's token and hash, the editor's own origin)."""
    with urllib.request.urlopen(preview.url.rstrip("/") + path, timeout=60) as answer:
        form = answer.read().decode("utf-8")
    hidden = dict(re.findall(r'name="(_token|_hash)" value="([^"]*)"', form))
    host = preview.url.removeprefix("http://").rstrip("/")
    request = urllib.request.Request(preview.url.rstrip("/") + path, urllib.parse.urlencode({**hidden, **fields}).encode(),
                                     {"Origin": f"http://{host}", "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_build_a_check_and_a_preview_leave_no_state_in_any_module(tmp_path, monkeypatch, invoke):
    from sitegen import engine, serve
    from sitegen.build import build, check

    monkeypatch.delenv("SITEGEN_NO_HISTORY", raising=False)
    project = _git_project(tmp_path / "projekt")
    during: list[str | None] = []
    made = engine._made
    monkeypatch.setattr(engine, "_made", lambda renderer, ctx: during.append(tempfile.tempdir) or made(renderer, ctx))
    before = _state()
    build(project.content, tmp_path / "public", TEMPLATES, TODAY)
    check(project.content, TODAY, TEMPLATES)
    check(project.content, TODAY)
    for args in (["check"], ["build", "--out", str(tmp_path / "cli"), "--explain"]):  # the CLI as the coordinator runs it
        assert invoke(*args, "--content", str(project.content), "--today", TODAY.isoformat()).exit_code == 0
    preview = serve.Preview(project.content, tmp_path / "forhandsvisning", TEMPLATES, TODAY, port=0)
    try:
        assert preview.start().ok
        body = "## Bakgrund\n\nNy text -- med [länk](/kalender/).\n\n![Karta över länet](/files/karta.png)"
        assert _save_page(preview, "/redigera/sidor/andra/om/", {"title": "Om oss", "_body": body}) == 200  # checked
        deadline = time.monotonic() + 60  # the watcher rebuilds after the save
        while b"Ny text" not in preview.outputs.get("om/index.html", b"") and time.monotonic() < deadline:
            time.sleep(0.05)
        preview.wait_for_background()
        assert b"Ny text" in preview.outputs["om/index.html"]
    finally:
        preview.stop()
    after = _state()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == [], "\n".join(changed)
    assert during and set(during) == {before["tempfile.tempdir"]}  # not moved while the renderers ran either


@pytest.mark.parametrize("templates", [None, TEMPLATES], ids=["load", "engine"])
def test_the_checked_model_cannot_be_changed(scratch_project, templates):
    """Stages return their problems; none of them (nor a renderer) can change the model after it is checked."""
    from sitegen.build import check

    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\nLäs [här](/kalender/).\n")  # a warning
    model = check(scratch_project.content, TODAY, templates)
    for field in dataclasses.fields(model):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(model, field.name, getattr(model, field.name))
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.events[0].occurrences = []  # type: ignore[misc]
    assert model.warnings and not hasattr(model.warnings, "append")  # nothing can be appended either
    assert model.upcoming is model.upcoming  # what the model works out is still worked out once


def test_two_runs_in_one_process_do_not_share_converted_markdown(scratch_project, monkeypatch):
    """A new session converts its texts itself: nothing of the last run's memo is reused (no test clears one)."""
    from sitegen import markup
    from sitegen.build import check

    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\n## Bakgrund\n\nText med *betoning*.\n")
    check(scratch_project.content, TODAY, TEMPLATES)
    converted: list[str] = []
    real = markup._markdown
    monkeypatch.setattr(markup, "_markdown", lambda text: converted.append(text) or real(text))
    check(scratch_project.content, TODAY, TEMPLATES)
    assert "## Bakgrund\n\nText med *betoning*.\n" in converted

