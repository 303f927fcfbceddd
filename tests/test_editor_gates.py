"""The editor's pages pass the gates of the public pages (see test_gates.py): axe-core at 320 and 1280 px, the Nu
Html Checker, visible focus on every control, one h1 first and landmarks. Also with the error summary shown."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TEMPLATES
from sitecheck import WIDTHS, axe_violations, focus_problems, new_tab, structure_problems, vnu_errors
from test_editor import get, post

from sitegen.serve import Preview

PAGES = ["/redigera/", "/redigera/handelser/ny/", "/redigera/handelser/andra/dialogmote-gavle-2027-vt/",
         "/redigera/handelser/ny/?kopia=dialogmote-gavle-2027-vt", "/redigera/foreningar/ny/",
         "/redigera/foreningar/andra/foreningsnatverket/", "/redigera/nyheter/ny/",
         "/redigera/nyheter/andra/2026-11-24-ny-webbplats/", "/redigera/sidor/ny/", "/redigera/sidor/andra/index/",
         "/redigera/lagar/ny/", "/redigera/lagar/andra/patientlagen/", "/redigera/definitioner/andra/1/",
         "/redigera/checklista/andra/1/", "/redigera/trappan/andra/1/", "/redigera/bilagor/", "/redigera/publicera/",
         "/redigera/finns-inte/"]
# Forms sent with mistakes: the pages with the error summary and the messages at the fields.
ERRORS = [("/redigera/handelser/ny/", {"title": "", "start": "12/3", "end": "", "municipality": "Gävel",
                                       "organizers": "finns-inte", "repeat.freq": "weekly"}),
          ("/redigera/foreningar/ny/", {"name": "", "website": "www"}),
          ("/redigera/nyheter/ny/", {"title": "", "date": "igår"}),
          ("/redigera/sidor/ny/", {"_slug": "Om oss", "title": ""}),
          ("/redigera/lagar/andra/patientlagen/", {"law": "", "url": "x", "excerpts.0.text": ""}),
          ("/redigera/publicera/", {"beskrivning": ""})]


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("editor-gates")
    shutil.copytree(ROOT / "content", root / "content")
    hidden = {"GIT_CONFIG_GLOBAL": str(root / "none"), "GIT_CONFIG_NOSYSTEM": "1"}
    saved = {k: os.environ.get(k) for k in hidden}
    os.environ.update(hidden)
    for args in (["init", "-q"], ["add", "content"], ["-c", "user.name=P", "-c", "user.email=p@example.org", "commit", "-qm", "S"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    with (root / "content" / "checklist.yaml").open("a", encoding="utf-8") as file:
        file.write("# en ändring att publicera\n")
    server = Preview(root / "content", root / "public", TEMPLATES, dt.date(2026, 11, 24), port=0)
    server.start()
    yield server
    server.stop()
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@pytest.fixture(scope="module")
def pages(editor: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every editor page's HTML, the error states included, keyed by a name."""
    found = {path: get(editor, path)[1] for path in PAGES}
    for path, fields in ERRORS:
        status, _, html = post(editor, path, fields)
        assert status == 400, (path, html[:2000])
        found[f"{path} (med fel)"] = html
    return found


def _open(tab: Any, html: str, editor: Any) -> None:
    """Shows the HTML as the editor sent it, at the editor's address (so its stylesheet loads)."""
    tab.page.route(editor.url + "__gate__", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    tab.open(editor.url + "__gate__")
    tab.page.unroute(editor.url + "__gate__")


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_violation_on_any_editor_page(editor, pages, browser, width):
    tab = new_tab(browser, width, editor.url.rstrip("/"))
    found = {}
    for name, html in pages.items():
        _open(tab, html, editor)
        found[name] = axe_violations(tab)
    assert not {k: v for k, v in found.items() if v}


def test_every_editor_page_and_its_stylesheet_are_valid_html(pages, tmp_path):
    files = []
    for index, html in enumerate(pages.values()):
        files.append(tmp_path / f"sida-{index}.html")
        files[-1].write_text(html, encoding="utf-8")
    assert vnu_errors([*files, TEMPLATES / "editor" / "editor.css"]) == []


def test_every_editor_page_has_one_h1_first_landmarks_and_a_label_on_every_control(pages):
    found = {name: structure_problems(html) for name, html in pages.items()}
    assert not {k: v for k, v in found.items() if v}


def test_focus_is_visible_on_every_link_and_control_of_the_editor(editor, pages, browser):
    tab = new_tab(browser, 1280, editor.url.rstrip("/"))
    seen: set[str] = set()
    found, compared = {}, 0
    for name in ("/redigera/", "/redigera/handelser/andra/dialogmote-gavle-2027-vt/", "/redigera/bilagor/",
                 "/redigera/publicera/", "/redigera/handelser/ny/ (med fel)"):
        _open(tab, pages[name], editor)
        found[name], stops = focus_problems(tab, seen)
        compared += stops
    assert compared > 40
    assert not {k: v for k, v in found.items() if v}


def test_the_gates_see_a_fault_in_an_editor_page(pages, browser, editor):
    """The same checks on an editor form with its labels removed must fail."""
    broken = pages["/redigera/handelser/ny/"].replace('<label class="label" for="f-title">', '<label class="label">')
    tab = new_tab(browser, 1280, editor.url.rstrip("/"))
    _open(tab, broken, editor)
    assert any(v.startswith("label") for v in axe_violations(tab))
    assert structure_problems(broken.replace("<h1>", "<h2>").replace("</h1>", "</h2>"))


def test_the_editor_pages_are_only_in_the_preview(editor):
    assert not any("redigera" in p.as_posix() for p in Path(editor.out).rglob("*"))
