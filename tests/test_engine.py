"""The one build engine: the renderer registry, the table of content files, the preview's output, --explain."""

from __future__ import annotations

import ast
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen import progress, renderers
from sitegen.build import build
from sitegen.contents import CONTENT, Input, group_of, schema_of
from sitegen.renderers import REGISTRY, Need, Renderer, Where, check_registry

TODAY = dt.date(2026, 3, 1)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_order_of_the_renderers_is_pinned() -> None:
    # html first (the others read its pages), the PDF last of the content outputs (slowest, so other template
    # errors show first), the search index last (it reads every finished page).
    assert [r.name for r in REGISTRY] == ["html", "static", "ics", "feeds", "pdf", "sitemap", "headers", "search"]
    assert {r.name for r in REGISTRY if r.slow} == {"pdf", "search"}
    assert [r.name for r in REGISTRY if Need.HTML in r.needs] == ["search"]


@pytest.mark.parametrize(("declare", "complaint"), [
    (lambda: Renderer("x", "m", inputs=frozenset({"events"})), "Input members"),  # a string, not the enum
    (lambda: Renderer("x", "m", inputs=None, needs=frozenset({Need.HTML}), where=Where.PROCESS), "own process"),
    (lambda: Renderer("x", "m", inputs=frozenset({Input.URLS})), "Need.PAGES"),
    (lambda: Renderer("x", "m", inputs=None, where="thread"), "Where member"),  # type: ignore[arg-type]
    (lambda: check_registry([REGISTRY[1], REGISTRY[0]]), "must come first"),
    (lambda: check_registry([*REGISTRY, REGISTRY[2]]), "share a name"),
])
def test_a_bad_declaration_fails_when_it_is_made(declare, complaint) -> None:
    with pytest.raises(TypeError, match=complaint):
        declare()


def test_a_misspelt_input_group_fails_at_import() -> None:
    with pytest.raises(AttributeError):
        Input.EVENT  # noqa: B018 - the group is EVENTS


def test_one_table_says_which_content_file_is_which() -> None:
    assert group_of("events/2026.yaml") is Input.EVENTS
    assert group_of("files/protokoll/2026.pdf") is Input.FILES
    assert group_of("pages/om.md") is Input.PAGES
    assert group_of("laws.yaml") is Input.LAWS
    assert group_of("README.md") is Input.OTHER
    assert schema_of("events/2027.yaml") == "event-list" and schema_of("pages/om.md") is None
    from sitegen import editor, history

    assert {k.pattern: k.schema for k in CONTENT if k.schema} == editor.FILES
    assert set(history.DATA_FILES) == {"events", "associations.yaml"}


def test_no_function_in_sitegen_is_longer_than_forty_lines() -> None:
    long = []
    for path in sorted((ROOT / "sitegen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            size = (node.end_lineno or 0) - node.lineno + 1 if isinstance(node, ast.FunctionDef) else 0
            if size > 40:
                long.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert long == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    return content


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_explain_says_which_input_changed_in_swedish(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(project, out, TEMPLATES, TODAY)
    _edit(project / "pages" / "om.md", "Text om bakgrunden", "Annan text om bakgrunden")
    reasons = dict(build(project, out, TEMPLATES, TODAY).reasons)
    assert set(reasons) == {"om/index.html", "search"}
    assert reasons["om/index.html"] == "ändrat: sidans eget innehåll (content/pages/om.md)"
    assert "content/pages/*.md" in reasons["search"]
    _edit(project / "events" / "2026.yaml", "title: Dialogmöte", "title: Dialogmöte om arbete")
    reasons = dict(build(project, out, TEMPLATES, TODAY).reasons)
    # Each feed is a unit: the feeds holding the edited event say why, the others were not made again.
    assert "content/events/*.yaml" in reasons["ics:kalender.ics"] and "content/events/*.yaml" in reasons["pdf"]
    assert "ics:kalender/2026/mote-2026-03.ics" in reasons and "ics:kalender/kommun/sandviken.ics" not in reasons
    assert "händelserna" in reasons["foreningar/forening-a/index.html"]  # it lists the association's events
    assert build(project, out, TEMPLATES, TODAY, clean=True).reasons[0][1] == "den fanns inte i förra bygget"


def test_explain_on_the_command_line(project: Path, tmp_path: Path, invoke) -> None:
    args = ["build", "--content", str(project), "--out", str(tmp_path / "ut"), "--templates", str(TEMPLATES),
            "--today", TODAY.isoformat()]
    assert invoke(*args).exit_code == 0
    _edit(project / "laws.yaml", "\n", "\n# ändrad\n")
    result = invoke(*args, "--explain")
    assert result.exit_code == 0, result.output
    assert "lagar/index.html: ändrat: sidans eget innehåll" not in result.output  # a comment changes no page
    assert "search: ändrat: content/laws.yaml" in result.output
    unchanged = invoke(*args, "--explain")
    assert "Ingenting gjordes om" in unchanged.output


def test_progress_shows_plain_lines_in_a_log_after_two_seconds(monkeypatch) -> None:
    log = io.StringIO()
    shown = progress.Progress(log)
    shown.done("load")
    assert log.getvalue() == ""  # a quick build shows only its summary
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)
    shown.done("pages")
    assert log.getvalue().rstrip().endswith("gjorde sidorna") and "\r" not in log.getvalue()
    assert progress.summary({"load": 1.0, "pages": 3.0}).startswith("gjorde sidorna 3.00 s (75%)")


def test_every_renderer_module_exists_and_renders() -> None:
    for renderer in renderers.REGISTRY:
        assert callable(renderer.render), renderer.name


def _preview(content: Path, out: Path | None):
    from sitegen.serve import Preview

    outcomes = []
    server = Preview(content, out, TEMPLATES, TODAY, port=0, report=outcomes.append)
    server.start()
    return server, outcomes


def _wait_for_run(server, outcomes: list, count: int) -> None:
    import time

    stop = time.monotonic() + 30
    while len(outcomes) < count and time.monotonic() < stop:
        time.sleep(0.02)
    assert len(outcomes) >= count and outcomes[-1].ok, [o.message for o in outcomes]
    server.wait_for_background()


def test_the_preview_renders_only_what_an_edit_touches_and_equals_a_clean_build(project: Path, tmp_path: Path) -> None:
    server, outcomes = _preview(project, None)
    try:
        assert not (tmp_path / "public").exists()  # in memory only, unless asked
        _edit(project / "pages" / "om.md", "Text om bakgrunden", "Annan text om bakgrunden")
        _wait_for_run(server, outcomes, 2)
        assert outcomes[-1].message.endswith("1 gjorda")  # the page; the search index follows in the background
        _edit(project / "events" / "2026.yaml", "title: Dialogmöte", "title: Dialogmöte om arbete")
        _wait_for_run(server, outcomes, 3)
        served = dict(server.outputs)
    finally:
        server.stop()
    from sitegen.outdir import MARK

    build(project, tmp_path / "clean", TEMPLATES, TODAY, clean=True)
    built = {rel: data for rel, data in _tree(tmp_path / "clean").items() if rel != MARK}  # the folder's mark
    assert served == built  # byte for byte, the PDF and the search index included
    assert not (tmp_path / "public").exists()


def test_a_build_after_the_preview_is_still_incremental(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(project, out, TEMPLATES, TODAY)
    server, outcomes = _preview(project, out)
    try:
        assert outcomes[0].message.endswith(" 0 gjorda")  # the preview starts from the last build
        _edit(project / "pages" / "om.md", "Text om bakgrunden", "Annan text om bakgrunden")
        _wait_for_run(server, outcomes, 2)
    finally:
        server.stop()
    after = build(project, out, TEMPLATES, TODAY)
    assert (after.rendered, after.written) == (0, 0)  # the preview left the folder and its build state current
    build(project, tmp_path / "clean", TEMPLATES, TODAY, clean=True)
    assert _tree(out) == _tree(tmp_path / "clean")


@pytest.mark.skipif(__import__("sitegen.render.search", fromlist=["executable"]).executable() is None,
                    reason="needs the Pagefind program")
def test_a_warm_search_index_sends_only_changed_pages_and_equals_a_fresh_one() -> None:
    from sitegen.render.pagefind_service import Index
    from sitegen.render.search import executable

    def page(text: str) -> bytes:
        return f'<html lang="sv"><body><main data-pagefind-body><h1>{text}</h1><p>{text} i Gävle</p></main></body></html>'.encode()

    program = executable()
    warm, fresh = Index(program), Index(program)
    try:
        site = [("a/index.html", page("Dialogmöte")), ("b/index.html", page("Brukarråd")), ("index.html", page("Start"))]
        warm.update(site)
        assert warm.sent == 3
        site[1] = ("b/index.html", page("Brukarrevision"))
        again = warm.update(site)
        assert warm.sent == 1  # only the changed page went to Pagefind
        assert again == fresh.update(site)  # the same bundle, byte for byte, as an index made from scratch
        assert warm.update(site[:2]) == fresh.update(site[:2]) and warm.sent == 2  # a page removed: made anew
    finally:
        warm.close()
        fresh.close()
