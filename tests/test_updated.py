""""Senast uppdaterad" on every page comes from the content's git history; the Atom feed of Aktuellt."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from conftest import FIXTURE_SITE, TEMPLATES

from sitegen.build import build

TODAY = dt.date(2026, 3, 1)
ATOM = "{http://www.w3.org/2005/Atom}"


def _git(cwd, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when}T12:00:00+01:00"
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _updated(out, page):
    html = (out / page / "index.html").read_text(encoding="utf-8") if page else (out / "index.html").read_text(encoding="utf-8")
    match = re.search(r'Senast uppdaterad <time datetime="([\d-]+)">([^<]+)</time>', html)
    assert match, f"no Senast uppdaterad on {page or 'start page'}"
    return match.groups()


@pytest.fixture
def repo(scratch_project):
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\nText.\n")
    _git(scratch_project.root, "init", "-q", "-b", "main")
    _git(scratch_project.root, "add", ".")
    _git(scratch_project.root, "commit", "-q", "-m", "Allt", when="2025-05-05")
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\n---\nNy text.\n")
    _git(scratch_project.root, "commit", "-q", "-am", "Om oss", when="2025-06-06")
    return scratch_project


def test_each_page_shows_when_its_own_source_file_last_changed(repo, tmp_path):
    out = tmp_path / "public"
    build(repo.content, out, TEMPLATES, TODAY)
    assert _updated(out, "om") == ("2025-06-06", "6 juni 2025")
    assert _updated(out, "") == ("2025-05-05", "5 maj 2025")
    assert _updated(out, "kalender/2026/mote-1") == ("2025-05-05", "5 maj 2025")


def test_an_event_change_updates_the_calendar_and_the_start_page(repo, tmp_path):
    repo.write("events/2026.yaml", (repo.content / "events/2026.yaml").read_text(encoding="utf-8") + "  location: Biblioteket\n")
    _git(repo.root, "commit", "-q", "-am", "Plats", when="2025-07-07")
    out = tmp_path / "public"
    build(repo.content, out, TEMPLATES, TODAY)
    assert _updated(out, "kalender")[0] == "2025-07-07"
    assert _updated(out, "")[0] == "2025-07-07"
    assert _updated(out, "om")[0] == "2025-06-06"


def test_uncommitted_changes_show_the_build_date(repo, tmp_path):
    repo.write("pages/om.md", "---\ntitle: Om oss\n---\nÄnnu nyare text.\n")
    repo.write("pages/ny-sida.md", "---\ntitle: Ny sida\n---\nText.\n")
    out = tmp_path / "public"
    build(repo.content, out, TEMPLATES, TODAY)
    assert _updated(out, "om")[0] == TODAY.isoformat()
    assert _updated(out, "ny-sida")[0] == TODAY.isoformat()
    assert _updated(out, "")[0] == "2025-05-05"


def test_content_outside_git_shows_the_build_date(tmp_path):
    content = shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    out = tmp_path / "public"
    build(content, out, TEMPLATES, TODAY)
    assert _updated(out, "om") == ("2026-03-01", "1 mars 2026")


def test_atom_feed_lists_news_with_their_own_dates(scratch_project, tmp_path):
    scratch_project.write("news/2026-01-10-forsta.md", "---\ntitle: Första\ndate: 2026-01-10\nsummary: Kort.\n---\n"
                                                       "Läs [kalendern](/kalender/).\n")
    scratch_project.write("news/2026-02-20-andra.md", "---\ntitle: Andra & sista\ndate: 2026-02-20\nsummary: Kort två.\n---\nText.\n")
    out = tmp_path / "public"
    build(scratch_project.content, out, TEMPLATES, TODAY)
    first = (out / "aktuellt" / "atom.xml").read_bytes()
    feed = ET.fromstring(first)
    assert feed.findtext(f"{ATOM}updated") == "2026-02-20T00:00:00+01:00"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Andra & sista", "Första"]
    assert entries[1].findtext(f"{ATOM}id") == "https://test.example.org/aktuellt/forsta/"
    assert 'href="https://test.example.org/kalender/"' in entries[1].findtext(f"{ATOM}content")
    build(scratch_project.content, tmp_path / "again", TEMPLATES, dt.date(2026, 9, 9))
    assert (tmp_path / "again" / "aktuellt" / "atom.xml").read_bytes() == first
    head = (out / "aktuellt" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml" title="Aktuellt – Testplatsen" href="atom.xml">' in head


def test_no_feed_without_news(scratch_project, tmp_path):
    out = tmp_path / "public"
    build(scratch_project.content, out, TEMPLATES, TODAY)
    assert not (out / "aktuellt" / "atom.xml").exists()
    assert "application/atom+xml" not in (out / "index.html").read_text(encoding="utf-8")
