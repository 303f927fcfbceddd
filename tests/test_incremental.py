"""Incremental builds: after any kind of edit, the site is byte for byte what a clean build makes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ROOT, TEMPLATES

from sitegen import build as build_module
from sitegen.build import build

TODAY = dt.date(2026, 3, 1)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


class Project:
    """A copy of the fixture site and the templates that a test may edit, built incrementally into out/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.out = root / "out"
        shutil.copytree(FIXTURE_SITE, self.content)
        shutil.copytree(TEMPLATES, self.templates)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def build(self, today: dt.date = TODAY, **kwargs: object) -> build_module.BuildResult:
        return build(self.content, self.out, self.templates, today, **kwargs)  # type: ignore[arg-type]

    def clean_tree(self, today: dt.date = TODAY) -> dict[str, bytes]:
        clean_out = self.root / "clean"
        build(self.content, clean_out, self.templates, today, clean=True)
        return _tree(clean_out)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    project.build()
    return project


EDITS = [
    # (what, file, old text, new text)
    ("page body", "content/pages/om.md", "Text om bakgrunden", "Ny text om bakgrunden"),
    ("page title in the menu", "content/pages/om.md", "title: Om oss", "title: Om föreningsnätverket"),
    ("event", "content/events/2026.yaml", "title: Dialogmöte", "title: Dialogmöte om boende"),
    ("event time", "content/events/2026.yaml", "start: 2026-03-17 10:30", "start: 2026-03-17 11:30"),
    ("association", "content/associations.yaml", "name: Förening A", "name: Förening Alfa"),
    ("news", "content/news/2026-02-01-nyhet.md", "title: En nyhet", "title: En ny nyhet"),
    ("template", "templates/page.html", "<h1>{{ page.meta.title }}</h1>", "<h1 class=\"rubrik\">{{ page.meta.title }}</h1>"),
    ("base template", "templates/base.html", "Hoppa till huvudinnehållet", "Gå till huvudinnehållet"),
    ("CSS", "templates/static/style.css", "", "/* edited */\n"),
    ("site.yaml", "content/site.yaml", "title: Testplatsen", "title: Testplatsen 2"),
    ("site.yaml base_url", "content/site.yaml", "https://test.example.org/sub/", "https://test.example.org/annan/"),
    ("laws", "content/laws.yaml", "law: Testlagen", "law: Testlagen om prov"),
]


@pytest.mark.parametrize(("what", "rel", "old", "new"), EDITS, ids=[e[0] for e in EDITS])
def test_incremental_build_equals_clean_build_after_each_kind_of_edit(project, what, rel, old, new):
    project.edit(rel, old, new)
    project.build()
    assert _tree(project.out) == project.clean_tree(), what
    # and a second build of the same inputs finds nothing to do
    again = project.build()
    assert (again.rendered, again.written) == (0, 0)


def test_added_and_removed_pages_and_events(project):
    (project.content / "pages" / "ny-sida.md").write_text("---\ntitle: Ny sida\nmenu: 9\n---\nHej.\n", encoding="utf-8")
    project.build()
    assert _tree(project.out) == project.clean_tree()
    assert (project.out / "ny-sida" / "index.html").is_file()
    (project.content / "pages" / "ny-sida.md").unlink()
    project.edit("content/events/2026.yaml", "- id: installt-2026", "- id: installt-2026-b")
    project.build()
    assert _tree(project.out) == project.clean_tree()
    assert not (project.out / "ny-sida").exists()
    assert not (project.out / "kalender" / "2026" / "installt-2026").exists()


def test_new_day_moves_events_to_the_archive_as_a_clean_build_does(project):
    later = dt.date(2026, 5, 1)
    project.build(today=later)
    assert _tree(project.out) == project.clean_tree(today=later)


def test_no_change_build_renders_nothing_and_writes_nothing(project):
    before = _mtimes(project.out)
    folder_inode = project.out.stat().st_ino
    result = project.build()
    assert (result.rendered, result.written) == (0, 0)
    assert _mtimes(project.out) == before
    assert project.out.stat().st_ino == folder_inode  # not swapped for a copy


def test_one_page_edit_renders_only_that_page(project):
    project.edit("content/pages/om.md", "Text om bakgrunden", "Annan text om bakgrunden")
    before = _mtimes(project.out)
    result = project.build()
    from sitegen.renderers import REGISTRY

    # Besides the page, only renderers that read every page (the search index) run again.
    every_page = [r.name for r in REGISTRY if r.name != "html" and r.inputs is None]
    assert every_page == ["search"]
    assert result.rendered == 2
    after = _mtimes(project.out)
    changed = [rel for rel in after if after[rel] != before.get(rel) and rel.endswith((".html", ".ics", ".pdf"))]
    assert changed == ["om/index.html"]  # no other page, feed or PDF


def _warnings(result: build_module.BuildResult) -> list[str]:
    return [str(w) for w in result.warnings]


def test_one_page_edit_converts_only_that_page_and_keeps_the_other_warnings(project, monkeypatch):
    from sitegen import markup

    project.edit("content/pages/tillganglighet.md", "Vi vill att alla", "<script>alert(1)</script>\n\nVi vill att alla")
    warned = project.build()
    assert any("tillganglighet.md" in w and "<script>" in w for w in _warnings(warned))
    project.edit("content/pages/om.md", "Text om bakgrunden", "Annan text om [bakgrunden](https://example.org/)")
    converted: list[str] = []
    real = markup._markdown
    monkeypatch.setattr(markup, "_markdown", lambda text: converted.append(text) or real(text))
    result = project.build()
    bodies = {p.name: p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in (project.content / "pages").glob("*.md")}
    assert bodies["om.md"] in converted
    assert not [name for name, body in bodies.items() if name != "om.md" and body in converted]  # not re-read
    assert _warnings(result) == _warnings(warned)  # the unchanged page's warning is still reported
    assert _tree(project.out) == project.clean_tree()


def test_markdown_converted_on_all_cores_gives_the_same_site(project, monkeypatch):
    from sitegen import markup

    monkeypatch.setattr(markup, "PARALLEL_TEXTS", 1)
    parallel = project.root / "parallel"
    result = build(project.content, parallel, project.templates, TODAY, clean=True)
    monkeypatch.setattr(markup, "PARALLEL_TEXTS", 10_000)
    assert _tree(parallel) == project.clean_tree()
    assert result.warnings == build(project.content, project.root / "serial", project.templates, TODAY,
                                    clean=True).warnings


def test_event_edit_renders_the_event_and_what_lists_it_not_plain_pages(project):
    project.edit("content/events/2026.yaml", "title: Dialogmöte", "title: Dialogmöte om arbete")
    before = _mtimes(project.out)
    project.build()
    after = _mtimes(project.out)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert "kalender/2026/mote-2026-03/index.html" in changed
    assert "foreningar/forening-a/index.html" in changed  # lists its upcoming events
    assert "om/index.html" not in changed and "lagar/index.html" not in changed


def test_output_changed_by_hand_is_restored(project):
    (project.out / "om" / "index.html").write_text("ändrad för hand", encoding="utf-8")
    (project.out / "lagar" / "index.html").unlink()
    (project.out / "extra.html").write_text("kvarglömd", encoding="utf-8")
    project.build()
    assert _tree(project.out) == project.clean_tree()


def test_clean_ignores_the_cache(project):
    cache = next((project.root / ".sitegen-cache").glob("*.json"))
    data = json.loads(cache.read_text(encoding="utf-8"))
    for unit in data["units"].values():  # a cache that lies: every page claims to be up to date with junk
        unit["key"] = "x"
    cache.write_text(json.dumps(data), encoding="utf-8")
    (project.out / "om" / "index.html").write_text("ändrad för hand", encoding="utf-8")
    result = project.build(clean=True)
    assert result.rendered > 10
    assert _tree(project.out) == project.clean_tree()


def test_unreadable_cache_means_a_cold_build(project):
    next((project.root / ".sitegen-cache").glob("*.json")).write_text("{inte json", encoding="utf-8")
    project.edit("content/pages/om.md", "Text om bakgrunden", "Annan text")
    project.build()
    assert _tree(project.out) == project.clean_tree()


def test_parallel_page_rendering_gives_the_same_site(project, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)
    parallel = project.root / "parallel"
    build(project.content, parallel, project.templates, TODAY, clean=True)
    assert _tree(parallel) == project.clean_tree()


def test_cli_clean_flag(invoke, tmp_path):
    out = tmp_path / "ut"
    args = ["build", "--content", str(FIXTURE_SITE), "--out", str(out), "--today", "2026-03-01"]
    assert invoke(*args).exit_code == 0
    again = invoke(*args)
    assert "inget behövde ändras" in again.output
    clean = invoke(*args, "--clean")
    assert clean.exit_code == 0, clean.output
    assert "inget behövde ändras" not in clean.output


def test_check_after_a_build_rereads_only_what_changed_and_writes_nothing(project, invoke):
    args = ["check", "--content", str(project.content), "--templates", str(project.templates),
            "--out", str(project.out), "--today", TODAY.isoformat()]
    cache = next((project.root / ".sitegen-cache").glob("*.json"))
    before, cached = _mtimes(project.out), cache.read_bytes()
    unchanged = invoke(*args)
    assert unchanged.exit_code == 0 and "Innehållet är i ordning: 4 sidor" in unchanged.output
    project.edit("content/pages/om.md", "Text om bakgrunden", "<b>Annan</b> text om bakgrunden")
    edited = build(project.content, project.out, project.templates, TODAY, dry_run=True)
    assert edited.rendered == 2  # the edited page and the search index
    cold = build(project.content, project.root / "annan", project.templates, TODAY, dry_run=True)
    assert cold.rendered > 20 and edited.warnings == cold.warnings
    project.edit("content/pages/om.md", "<b>Annan</b> text om bakgrunden", "Text om [bakgrunden](/finns-inte/)")
    broken = invoke(*args)
    assert broken.exit_code == 1 and "om.md" in broken.output and "/finns-inte/" in broken.output
    assert _mtimes(project.out) == before and cache.read_bytes() == cached
    assert not (project.root / "annan").exists()


def _modules_after(code: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_check_and_no_change_build_do_not_import_heavy_libraries(tmp_path):
    out = tmp_path / "ut"
    build_code = ("from pathlib import Path; import datetime as dt; from sitegen.build import build; "
                  f"build(Path({str(FIXTURE_SITE)!r}), Path({str(out)!r}), Path({str(TEMPLATES)!r}), dt.date(2026, 3, 1))")
    cold = _modules_after(build_code)
    assert "jinja2" in cold  # the check below can see imports
    no_change = _modules_after(build_code)
    assert not {"weasyprint", "jinja2", "pydantic", "ruamel.yaml", "markdown"} & no_change
    checked = _modules_after("from pathlib import Path; from sitegen.build import check; "
                             f"check(Path({str(FIXTURE_SITE)!r}), templates=Path({str(TEMPLATES)!r}))")
    assert "pydantic" in checked
    assert "weasyprint" not in checked


# A renderer like the PDF: declares its inputs and asks for its own process.
_fake_pdf = type(sys)("fake_pdf")
_fake_pdf_calls = []


def _fake_pdf_render(ctx):
    import os

    _fake_pdf_calls.append(1)
    titles = ", ".join(e.data.title for e in ctx.model.events)
    yield "fake.pdf", f"{titles}\npid {os.getpid()}".encode()


_fake_pdf_render.__module__ = "fake_pdf"
_fake_pdf.render = _fake_pdf_render


def _with_fake_pdf(monkeypatch, where):
    from sitegen import renderers
    from sitegen.contents import Input

    fake = renderers.Renderer("fakepdf", "fake_pdf", inputs=frozenset({Input.SITE, Input.EVENTS, Input.ASSOCIATIONS,
                                                                        Input.TODAY}), where=where)
    monkeypatch.setitem(sys.modules, "fake_pdf", _fake_pdf)
    monkeypatch.setattr(renderers, "REGISTRY", (*renderers.REGISTRY, fake))
    _fake_pdf_calls.clear()


@pytest.fixture
def with_fake_pdf(monkeypatch):
    from sitegen.renderers import Where

    _with_fake_pdf(monkeypatch, Where.PROCESS)


def test_a_renderer_asking_for_its_own_process_runs_beside_the_pages(with_fake_pdf, tmp_path):
    import os

    project = Project(tmp_path)
    project.build()
    pdf = (project.out / "fake.pdf").read_text(encoding="utf-8")
    assert pdf.startswith("Dialogmöte")
    assert f"pid {os.getpid()}" not in pdf  # made in another process
    assert _fake_pdf_calls == []  # ... not in this one


def test_a_renderer_is_redone_only_when_its_declared_inputs_change(tmp_path, monkeypatch):
    from sitegen.renderers import Where

    _with_fake_pdf(monkeypatch, Where.INLINE)  # in this process, so the calls can be counted
    project = Project(tmp_path)
    project.build()
    assert len(_fake_pdf_calls) == 1
    project.edit("content/pages/om.md", "Text om bakgrunden", "Ny text")
    project.build()
    assert len(_fake_pdf_calls) == 1  # a page is not among its inputs
    project.edit("content/events/2026.yaml", "title: Dialogmöte", "title: Dialogmöte i Gävle")
    project.build()
    assert len(_fake_pdf_calls) == 2
    assert (project.out / "fake.pdf").read_text(encoding="utf-8").startswith("Dialogmöte i Gävle")


def test_a_new_commit_is_an_input_like_the_files(tmp_path):
    """The feeds' SEQUENCE and LAST-MODIFIED and the PDF's date come from git: a commit must not leave them stale."""
    project = Project(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "content")
    git("commit", "-q", "-m", "first")
    project.build()
    project.edit("content/events/2026.yaml", "title: Dialogmöte", "title: Dialogmöte om arbete")
    project.build()
    git("commit", "-q", "-am", "second")
    project.build()
    assert _tree(project.out) == project.clean_tree()


def test_an_image_replaced_by_one_of_another_size_renders_every_page_that_shows_it_again(project):
    """Width and height are on each <img>: a page kept from the last build would stretch the new image."""
    from PIL import Image

    image = project.content / "files" / "karta.png"
    Image.new("RGB", (320, 200), (10, 80, 120)).save(image)
    shown = "\n\n![Karta över Gävle](/files/karta.png)\n"
    (project.content / "pages" / "om.md").write_text((project.content / "pages" / "om.md").read_text() + shown)
    (project.content / "pages" / "kalender.md").write_text((project.content / "pages" / "kalender.md").read_text()
                                                           + shown)  # the calendar's intro (a macro)
    (project.content / "news" / "2026-02-01-nyhet.md").write_text(
        (project.content / "news" / "2026-02-01-nyhet.md").read_text() + shown)
    project.edit("content/events/2026.yaml", "description: Öppet möte.", "description: |\n    Öppet möte." +
                 shown.replace("\n", "\n    ").rstrip())
    project.edit("content/associations.yaml", "description: Föreningen för *alla*.",
                 "description: |\n    Föreningen för *alla*." + shown.replace("\n", "\n    ").rstrip())
    project.edit("content/site.yaml", "footer: Utgiven av Exempelregionen.",
                 "footer: \"Utgiven av Exempelregionen. ![Regionens märke](/files/karta.png)\"")
    project.build()
    before = _tree(project.out)
    showing = sorted(rel for rel, data in before.items() if rel.endswith(".html") and b'width="320" height="200"' in data)

    Image.new("RGB", (100, 500), (10, 80, 120)).save(image)
    project.build()
    after = _tree(project.out)
    assert after == project.clean_tree()
    assert not [rel for rel in showing if b'width="100" height="500"' not in after[rel]]
    for page in ("om/index.html", "kalender/index.html", "aktuellt/nyhet/index.html", "kalender/2026/mote-2026-03/index.html",
                 "foreningar/forening-a/index.html", "index.html"):
        assert page in showing
    assert after["kalender.pdf"] != before["kalender.pdf"]  # the event's description prints the image


def test_after_a_page_edit_the_search_index_is_sent_only_that_page_and_equals_a_clean_one(project, monkeypatch):
    """The last build's pages go to Pagefind while the content loads; only the edited page is sent once made."""
    from sitegen.render import pagefind_service

    sent: list[int] = []
    update = pagefind_service.Index.update

    def counting(self: pagefind_service.Index, pages: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        files = update(self, pages)
        sent.append(self.sent)
        return files

    monkeypatch.setattr(pagefind_service.Index, "update", counting)
    project.edit("content/pages/om.md", "Text om bakgrunden", "Ny text om bakgrunden")
    project.build()
    assert sent == [1]
    assert any(rel.startswith("pagefind/fragment/") for rel in _tree(project.out))
    assert _tree(project.out) == project.clean_tree()


def test_a_build_after_a_page_edit_does_not_load_the_calendar_or_the_pdf_code(project):
    """Reused outputs are recognised without importing their renderers (icalendar and WeasyPrint take long)."""
    project.edit("content/pages/om.md", "Text om bakgrunden", "Ny text om bakgrunden")
    script = ("import sys, datetime; from pathlib import Path; from sitegen.build import build; "
              f"r = build(Path({str(project.content)!r}), Path({str(project.out)!r}), Path({str(project.templates)!r}), "
              f"datetime.date.fromisoformat({TODAY.isoformat()!r})); "
              "print(r.rendered, sorted(m for m in ('icalendar', 'weasyprint') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    rendered, imported = done.stdout.split(" ", 1)
    assert int(rendered) > 0
    assert imported.strip() == "[]"


def _texts_given(monkeypatch, module, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The Markdown texts `module.name(source, …)` is called with from now on."""
    texts: list[str] = []
    real = getattr(module, name)

    def recording(source, *args):  # type: ignore[no-untyped-def]
        texts.append(source.text)
        return real(source, *args)

    monkeypatch.setattr(module, name, recording)
    return texts


def test_a_build_after_an_edit_checks_only_the_edited_text_and_still_reports_every_warning(project, monkeypatch):
    """The checks of unchanged Markdown are kept from the last build (sitegen/kept.py); their warnings still show,
    at the text's own file and line, on every build."""
    from sitegen import rules

    project.edit("content/pages/om.md", "med en [extern länk](https://www.example.org/)",
                 "med en [extern länk](https://www.example.org/). Läs [här](/lagar/)")
    first = project.build()
    expected = [w for w in first.warnings if "här" in w.message]
    assert [(w.file, w.line) for w in expected] == [("content/pages/om.md", 7)]
    checked = _texts_given(monkeypatch, rules, "check_text")
    ids_checked = _texts_given(monkeypatch, rules, "_duplicate_ids")
    project.edit("content/pages/tillganglighet.md", "Vi vill att alla", "En ny första rad.\n\n## Mål\n\nVi vill att alla")
    again = project.build()
    assert len(checked) == 1 and checked[0].startswith("En ny första rad.")  # only the edited text
    assert ids_checked and all(text.startswith("En ny första rad.") for text in ids_checked)  # its page only
    assert [w for w in again.warnings if "här" in w.message] == expected
    assert _tree(project.out) == project.clean_tree()


def test_kept_checks_that_cannot_be_read_only_cost_time(project):
    from sitegen import kept

    kept.path_for(project.out).write_text("{inte json", encoding="utf-8")
    project.edit("content/pages/om.md", "Text om bakgrunden", "Annan text")
    project.build()
    assert _tree(project.out) == project.clean_tree()



def test_templates_compiled_by_another_version_of_sitegen_are_not_used(project, monkeypatch):
    """Jinja checks its compiled templates against their sources only; a filter of sitegen's that changed how it is
    called (the `markdown` filter now takes the template's context) made every build after an update fail."""
    import jinja2

    from sitegen import incremental
    from sitegen import render as render_module

    real_filter, real_code = render_module._markdown_filter, incremental._code_digest
    old_filter = lambda content_dir, memos: lambda text: jinja2.utils.markupsafe.Markup(text or "")  # noqa: E731
    monkeypatch.setattr(render_module, "_markdown_filter", old_filter)
    monkeypatch.setattr(incremental, "_code_digest", lambda: "0" * 64)  # the version before the update
    project.build(clean=True)
    monkeypatch.setattr(render_module, "_markdown_filter", real_filter)
    monkeypatch.setattr(incremental, "_code_digest", real_code)
    project.build()  # was: TypeError, markdown() missing 1 required positional argument: 'text'
    assert _tree(project.out) == project.clean_tree()
    cached = list((project.out.parent / ".sitegen-cache" / "jinja").glob("*.cache"))
    assert cached and not [p for p in cached if p.name.startswith("0" * 16)]
