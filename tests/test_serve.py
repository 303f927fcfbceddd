"""The preview server: serves the built site, rebuilds on save, shows the Swedish error list, recovers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT, TEMPLATES

from sitegen.serve import RELOAD_PATH, WAIT_PATH, Preview

# Polling bound for "the change is visible": the rebuild itself takes a fraction of a second (see
# `make bench`); the bound only keeps a broken watcher from hanging the test run.
DEADLINE = 10.0


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=DEADLINE) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode("utf-8")


def poll(url: str, expected: str) -> str:
    """The page at `url` once it contains `expected`, asking again until DEADLINE."""
    stop = time.monotonic() + DEADLINE
    while True:
        body = get(url)[2]
        if expected in body or time.monotonic() > stop:
            return body
        time.sleep(0.02)


@pytest.fixture
def preview(scratch_project, tmp_path):
    scratch_project.write("files/kalender.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    server = Preview(scratch_project.content, tmp_path / "public", TEMPLATES, dt.date(2026, 3, 1), port=0)
    server.start()
    yield server
    server.stop()


def test_serves_the_site_with_the_reload_script_only_over_http(preview):
    status, content_type, body = get(preview.url)
    assert status == 200 and content_type == "text/html; charset=utf-8"
    assert "Startsidans text." in body
    assert f'<script src="{RELOAD_PATH}"' in body
    assert "<script" not in (preview.out / "index.html").read_text(encoding="utf-8")
    assert get(preview.url + RELOAD_PATH.lstrip("/"))[0] == 200


def test_ics_is_served_as_text_calendar(preview):
    for path in ("kalender.ics", "files/kalender.ics"):
        status, content_type, body = get(preview.url + path)
        assert (status, content_type) == (200, "text/calendar; charset=utf-8")
        assert body.startswith("BEGIN:VCALENDAR")


def test_missing_page_gets_the_404_page(preview):
    status, _type, body = get(preview.url + "finns-inte/")
    assert status == 404
    assert "Sidan finns inte" in body


def test_change_error_and_recovery(preview, scratch_project):
    index = scratch_project.content / "pages" / "index.md"
    index.write_text("---\ntitle: Välkommen\nmenu: 1\n---\nNy text på startsidan.\n", encoding="utf-8")
    assert "Ny text på startsidan." in poll(preview.url, "Ny text på startsidan.")

    scratch_project.write("events/2026.yaml", "- id: mote-1\n  title: Dialogmöte\n  start: 2026-02-30 18:00\n"
                                              "  municipality: Gävle\n")
    page = poll(preview.url + "kalender/", "Webbplatsen kan inte visas just nu")
    assert "Webbplatsen kan inte visas just nu" in page
    assert re.search(r"<strong>site/events/2026\.yaml</strong>, rad 3, fältet ”start”|"
                     r"<strong>content/events/2026\.yaml</strong>, rad 3, fältet ”start”", page)
    assert "är inget giltigt datum" in page
    assert get(preview.url)[0] == 500
    assert "Ny text på startsidan." in (preview.out / "index.html").read_text(encoding="utf-8"), "last good site kept"

    scratch_project.write("events/2026.yaml", "- id: mote-1\n  title: Dialogmöte i mars\n  start: 2026-03-12 18:00\n"
                                              "  municipality: Gävle\n")
    assert "Dialogmöte i mars" in poll(preview.url + "kalender/", "Dialogmöte i mars")
    assert get(preview.url)[0] == 200


def test_template_error_is_shown_too(scratch_project, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    server = Preview(scratch_project.content, tmp_path / "public", templates, dt.date(2026, 3, 1), port=0)
    server.start()
    try:
        (templates / "base.html").write_text("<p>\n{% if %}\n", encoding="utf-8")
        body = poll(server.url, "Webbplatsen kan inte visas just nu")
        assert "base.html, rad 2, har ett syntaxfel" in body
    finally:
        server.stop()


def test_wait_endpoint_answers_when_a_rebuild_finishes(preview, scratch_project):
    version = preview.version
    # Without a change the wait would block; a save ends it with the new version.
    scratch_project.write("pages/om.md", "---\ntitle: Om\n---\nText.\n")
    status, _type, body = get(f"{preview.url}{WAIT_PATH.lstrip('/')}?v={version}")
    assert status == 200 and int(body) > version


def test_serve_command_runs_and_stops(scratch_project, tmp_path):
    with subprocess.Popen([sys.executable, "-m", "sitegen.cli", "serve", "--content", str(scratch_project.content),
                           "--out", str(tmp_path / "public"), "--templates", str(TEMPLATES), "--port", "0"],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        _read_page_then_stop(proc)


def _read_page_then_stop(proc: subprocess.Popen[str]) -> None:
    try:
        line = proc.stdout.readline()
        while line and "Förhandsvisningen finns på" not in line:
            line = proc.stdout.readline()
        url = re.search(r"http://\S+", line).group(0)
        assert "Startsidans text." in get(url)[2]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=DEADLINE)
    assert proc.returncode == 0
    assert "Förhandsvisningen är stoppad." in proc.stdout.read()


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium for a real browser")
def test_the_open_page_reloads_itself_in_a_real_browser(preview, scratch_project, tmp_path):
    seen: list[int] = []
    original = preview.wait_for_change

    def recording(version: int, timeout: float) -> int:
        seen.append(version)  # the page's script asks "anything newer than the version I was served with?"
        return original(version, timeout)

    preview.wait_for_change = recording
    browser = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync", "--no-first-run",
                                f"--user-data-dir={tmp_path / 'chrome'}", "--remote-debugging-port=0", preview.url],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _until(lambda: preview.version in seen), "the page's reload script never asked the server"
        before = preview.version
        scratch_project.write("pages/index.md", "---\ntitle: Välkommen\nmenu: 1\n---\nÄndrad.\n")
        assert _until(lambda: any(v > before for v in seen)), "the page was not reloaded after the save"
    finally:
        browser.terminate()
        browser.wait(timeout=DEADLINE)


def _until(condition) -> bool:
    stop = time.monotonic() + DEADLINE * 3  # a cold browser start is slow on a busy machine
    while not condition():
        if time.monotonic() > stop:
            return False
        time.sleep(0.02)
    return True


def test_the_preview_folder_is_the_same_site_build_makes(preview, scratch_project, tmp_path):
    from sitegen.build import build

    scratch_project.write("events/2026.yaml", "- id: mote-1\n  title: Dialogmöte i april\n  start: 2026-04-12 18:00\n"
                                              "  municipality: Gävle\n")
    poll(preview.url + "kalender/", "Dialogmöte i april")
    pdf = preview.out / "kalender.pdf"
    stop = time.monotonic() + DEADLINE
    while b"april" not in _pdf_text(pdf) and time.monotonic() < stop:  # the PDF follows the HTML
        time.sleep(0.05)
    build(scratch_project.content, tmp_path / "built", TEMPLATES, dt.date(2026, 3, 1))
    served = {p.relative_to(preview.out).as_posix(): p.read_bytes() for p in preview.out.rglob("*") if p.is_file()}
    built = {p.relative_to(tmp_path / "built").as_posix(): p.read_bytes() for p in (tmp_path / "built").rglob("*") if p.is_file()}
    assert sorted(served) == sorted(built)
    assert {n: d for n, d in served.items() if not n.endswith(".pdf")} == {n: d for n, d in built.items() if not n.endswith(".pdf")}
    assert b"april" in _pdf_text(pdf)


def _pdf_text(path) -> bytes:
    if not path.exists():
        return b""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=False).stdout


def test_a_broken_link_stops_the_preview_as_it_stops_the_build(preview, scratch_project):
    scratch_project.write("pages/om.md", "---\ntitle: Om\n---\nSe [kalendern](/kalendern-finns-inte/).\n")
    page = poll(preview.url + "om/", "Webbplatsen kan inte visas just nu")
    assert "pages/om.md" in page and "kalendern-finns-inte" in page
    scratch_project.write("pages/om.md", "---\ntitle: Om\n---\nSe [kalendern](/kalender/).\n")
    assert "Se <a" in poll(preview.url + "om/", "Se <a")
