"""The editor at /redigera/ in the preview server, used as the coordinator uses it: through its forms, in
Debian's Chromium (driven by Playwright), on a copy of the real content in tmp. One server for the module."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TEMPLATES
from sitecheck import new_tab

from sitegen.cms import store
from sitegen.cms.forms import from_form, specs, to_form
from sitegen.serve import Preview

TODAY = dt.date(2026, 11, 24)
DEADLINE = 15.0


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The preview of a copy of the content, in a git repository whose remote is a bare repository in tmp.

    Git's global and system settings are hidden, so git knows no name: the editor must ask for it.
    """
    root = tmp_path_factory.mktemp("editor")
    shutil.copytree(ROOT / "content", root / "content")
    hidden = {"GIT_CONFIG_GLOBAL": str(root / "no-global-gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    saved = {k: os.environ.get(k) for k in hidden}
    os.environ.update(hidden)
    git("init", "-q", "-b", "main", cwd=root)
    git("-c", "user.name=Projektet", "-c", "user.email=projekt@example.org", "add", "content", cwd=root)
    git("-c", "user.name=Projektet", "-c", "user.email=projekt@example.org", "commit", "-q", "-m", "Start", cwd=root)
    git("init", "-q", "--bare", str(root / "remote.git"), cwd=root)
    git("remote", "add", "origin", str(root / "remote.git"), cwd=root)
    server = Preview(root / "content", root / "public", TEMPLATES, TODAY, port=0)
    server.start()
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def tab(browser: Any, preview: Any) -> Any:
    return new_tab(browser, 1280, preview.url.rstrip("/"))


def url(preview: Any, path: str) -> str:
    return preview.url.rstrip("/") + path


def get(preview: Any, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url(preview, path), timeout=DEADLINE) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def poll(preview: Any, path: str, expected: str) -> str:
    """The page once it contains `expected` (the preview rebuilds after the save), asking until DEADLINE."""
    stop = time.monotonic() + DEADLINE
    while True:
        body = get(preview, path)[1]
        if expected in body or time.monotonic() > stop:
            return body
        time.sleep(0.1)


def post(preview: Any, path: str, fields: dict[str, Any], headers: dict[str, str] | None = None,
         token: bool = True) -> tuple[int, str, str]:
    """A form posted as the browser does (same origin, the page's token), unless told otherwise."""
    port = preview.server.server_address[1]
    page = get(preview, path if not path.endswith("installd/") else path.removesuffix("installd/"))[1]
    found = re.search(r'name="_token" value="([^"]+)"', page)
    fields = {**({"_token": found.group(1)} if token and found else {}), **fields}
    if "_hash" not in fields and (match := re.search(r'name="_hash" value="([^"]*)"', page)):
        fields["_hash"] = match.group(1)
    sent = {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    sent = {k: v for k, v in sent.items() if v}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    connection.request("POST", path, urllib.parse.urlencode(fields, doseq=True), sent)
    response = connection.getresponse()
    return response.status, response.getheader("Location") or "", response.read().decode("utf-8")


def snapshot(content: Path) -> dict[str, bytes]:
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


# --- through the forms in the browser ---------------------------------------------------------------------------

def test_a_weekly_event_with_two_exceptions_lands_in_its_year_file_the_calendar_and_the_feed(preview, tab):
    content = preview.content
    before = (content / "events" / "2027.yaml").read_text(encoding="utf-8")
    tab.open(url(preview, "/redigera/"))
    tab.page.get_by_role("link", name="Ny händelse").click()
    page = tab.page
    page.get_by_label("Titel").fill("Samtalsgrupp för närstående")
    page.get_by_label("Start", exact=True).fill("2027-01-12 10:30")
    page.get_by_label("Slut").fill("2027-01-12 12:00")
    page.get_by_label("Plats").fill("Träffpunkten, Sandviken")
    page.get_by_label("Kommun").select_option("Sandviken")
    page.get_by_label("Föreningsnätverket för psykisk hälsa Gävleborg").check()
    page.get_by_label("Hur ofta").select_option("weekly")
    page.get_by_label("Sista dag").fill("2027-03-02")
    page.get_by_label("Undantag").fill("2027-02-02\n2027-02-16")
    page.get_by_role("button", name="Spara").click()
    assert "Sparat" in page.content()
    after = (content / "events" / "2027.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every entry before it byte for byte
    assert after[len(before):] == (
        "\n- id: samtalsgrupp-for-narstaende-sandviken-2027-vt\n  title: Samtalsgrupp för närstående\n"
        "  start: 2027-01-12 10:30\n  end: 2027-01-12 12:00\n  location: Träffpunkten, Sandviken\n"
        "  municipality: Sandviken\n  organizers: [foreningsnatverket]\n  repeat:\n    freq: weekly\n"
        "    until: 2027-03-02\n    except: [2027-02-02, 2027-02-16]\n")
    calendar = poll(preview, "/kalender/", "Samtalsgrupp för närstående")
    assert calendar.count("Samtalsgrupp för närstående") == 6  # eight Tuesdays from 12 January, two left out
    uid = "UID:samtalsgrupp-for-narstaende-sandviken-2027-vt@"
    feed = poll(preview, "/kalender.ics", uid)  # the feeds follow the reload in the background
    assert uid in feed
    vevent = feed[feed.index(uid) - 400:feed.index(uid) + 1500]
    assert "RRULE:FREQ=WEEKLY" in vevent and "EXDATE;TZID=Europe/Stockholm:20270202T103000" in vevent
    assert "EXDATE;TZID=Europe/Stockholm:20270216T103000" in vevent


def test_cancelling_an_event_shows_installt_and_status_cancelled(preview, tab):
    tab.open(url(preview, "/redigera/handelser/andra/dialogmote-gavle-2027-vt/"))
    tab.page.get_by_role("button", name="Ställ in händelsen").click()
    assert "Händelsen är inställd" in tab.page.content()
    text = (preview.content / "events" / "2027.yaml").read_text(encoding="utf-8")
    entry = text[text.index("- id: dialogmote-gavle-2027-vt"):]
    assert "\n  cancelled: true\n" in entry[:entry.index("\n- id:")]
    page = poll(preview, "/kalender/2027/dialogmote-gavle-2027-vt/", "INSTÄLLT")
    assert "INSTÄLLT" in page
    ics = poll(preview, "/kalender/2027/dialogmote-gavle-2027-vt.ics", "STATUS:CANCELLED")
    assert "STATUS:CANCELLED" in ics
    tab.page.get_by_role("button", name="Ångra: den blir av").click()
    assert (preview.content / "events" / "2027.yaml").read_text(encoding="utf-8").replace("  cancelled: true\n", "", 0) \
        == text.replace("  cancelled: true\n", "", 1)


def test_a_new_association_can_organise_a_new_event(preview, tab):
    tab.open(url(preview, "/redigera/foreningar/ny/"))
    page = tab.page
    page.get_by_label("Namn").fill("Exempelföreningen Ljusdal")
    page.get_by_label("Beskrivning").fill("En förening i Ljusdal (exempeldata).")
    page.get_by_label("Ljusdal").check()
    page.get_by_role("button", name="Spara").click()
    assert "Sparat" in page.content()
    assert "- id: exempelforeningen-ljusdal\n  name: Exempelföreningen Ljusdal\n" in \
        (preview.content / "associations.yaml").read_text(encoding="utf-8")
    tab.open(url(preview, "/redigera/handelser/ny/"))
    page.get_by_label("Titel").fill("Öppet hus")
    page.get_by_label("Start", exact=True).fill("2027-05-04")
    page.get_by_label("Kommun").select_option("Ljusdal")
    page.get_by_label("Exempelföreningen Ljusdal").check()
    page.get_by_role("button", name="Spara").click()
    assert "Sparat" in page.content()
    assert "- id: oppet-hus-ljusdal-2027-vt\n  title: Öppet hus\n  start: 2027-05-04\n  municipality: Ljusdal\n" \
           "  organizers: [exempelforeningen-ljusdal]\n" in (preview.content / "events" / "2027.yaml").read_text(encoding="utf-8")
    assert "Öppet hus" in poll(preview, "/foreningar/exempelforeningen-ljusdal/", "Öppet hus")


# --- bad input, refused at the field, nothing written -----------------------------------------------------------

EVENT = {"title": "Vårträff", "start": "2027-03-12 18:00", "end": "2027-03-12 20:00", "municipality": "Gävle"}


@pytest.mark.parametrize(("path", "fields", "field", "message"), [
    ("/redigera/handelser/ny/", {**EVENT, "end": "2027-03-12 16:00"}, "end", "Slutet (2027-03-12 16:00) är före starten"),
    ("/redigera/handelser/ny/", {**EVENT, "municipality": "Gävel"}, "municipality", "”Gävel” är ingen kommun i site.yaml"),
    ("/redigera/handelser/ny/", {**EVENT, "title": "  "}, "title", "Fyll i ”Titel”."),
    ("/redigera/handelser/ny/", {**EVENT, "start": "12/3 kl 18"}, "start", "är inget giltigt datum eller klockslag"),
    ("/redigera/handelser/ny/", {**EVENT, "organizers": "finns-inte"}, "organizers", "Det finns ingen förening med id"),
    ("/redigera/handelser/ny/", {**EVENT, "repeat.freq": "weekly"}, "repeat.until", "Fyll i ”Sista dag”."),
    ("/redigera/handelser/andra/dialogmote-hudiksvall-2027-vt/", {**EVENT, "end": "2027-03-12 17:00"}, "end", "före starten"),
    ("/redigera/foreningar/ny/", {"name": "", "description": "Text."}, "name", "Fyll i ”Namn”."),
    ("/redigera/foreningar/andra/foreningsnatverket/", {"name": "Nätverket", "description": "Text.", "website": "www"},
     "website", "ingen giltig webbadress"),
    ("/redigera/nyheter/ny/", {"title": "", "date": "2027-01-10", "summary": "Kort."}, "title", "Fyll i ”Rubrik”."),
    ("/redigera/sidor/ny/", {"title": "Om oss", "_body": "[Länk](/finns-inte/)"}, "_body", "finns-inte"),
    ("/redigera/sidor/andra/index/", {"title": ""}, "title", "Fyll i ”Rubrik”."),
    ("/redigera/lagar/ny/", {"law": "Lagen", "url": "https://example.org/lag"}, "excerpts.0.chapter", "excerpts"),
    ("/redigera/definitioner/ny/", {"term": "Ord", "definition": ""}, "definition", "Fyll i ”Förklaring”."),
    ("/redigera/checklista/andra/1/", {"question": ""}, "question", "Fyll i ”Fråga”."),
    ("/redigera/trappan/andra/1/", {"name": "Information", "user_gets": "", "characteristics": "A", "methods": "B"},
     "user_gets", "Fyll i"),
])
def test_bad_input_is_refused_at_the_field_and_nothing_is_written(preview, path, fields, field, message):
    before = snapshot(preview.content)
    status, _, page = post(preview, path, fields)
    assert status == 400
    assert snapshot(preview.content) == before
    html_id = "f-" + field.replace(".", "-").replace("_", "-")
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    if message:
        assert re.search(rf'<a href="#{html_id}">[^<]*{re.escape(message)}', summary), summary
        assert re.search(rf'<p class="error-message" id="{html_id}-fel">.*{re.escape(message)}', page)
        control = re.search(rf'<fieldset[^>]*aria-describedby="[^"]*{html_id}-fel[^"]*"[^>]*>', page) or \
            re.search(rf'<(?:input|textarea|select)[^>]*\bid="{html_id}"[^>]*>', page)
        assert control and 'aria-invalid="true"' in control.group(0) and f"{html_id}-fel" in control.group(0)
    for name, value in fields.items():  # what she typed is still there
        if isinstance(value, str) and value.strip() and "\n" not in value:
            assert re.search(rf'value="{re.escape(value)}"|>{re.escape(value)}<', page), name


# --- forged requests ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "token"), [
    ({}, False),  # no token
    ({"Origin": "http://evil.example"}, True),  # another site's page posting to the editor
    ({"Origin": "", "Referer": "http://evil.example/page"}, True),
    ({"Origin": "", "Referer": ""}, True),  # neither: cannot be told apart from a forgery
    ({"Host": "evil.example:80", "Origin": "http://evil.example:80"}, True),  # DNS rebinding
])
def test_a_forged_post_writes_nothing(preview, headers, token):
    before = snapshot(preview.content)
    status, _, _ = post(preview, "/redigera/handelser/ny/", {**EVENT, "title": "Förfalskad"}, headers, token=token)
    assert status == 403
    assert snapshot(preview.content) == before


@pytest.mark.parametrize("path", [
    "/redigera/sidor/andra/..%2F..%2Fsite/", "/redigera/sidor/andra/../", "/redigera/nyheter/andra/%2Fetc%2Fpasswd/",
    "/redigera/handelser/andra/..%2Fsite/", "/redigera/foreningar/andra/Foreningsnatverket/",
    "/redigera/checklista/andra/-1/", "/redigera/okant/ny/",
])
def test_no_path_outside_content_can_be_named(preview, path):
    assert get(preview, path)[0] == 404


# --- the files stay hers ------------------------------------------------------------------------------------------

def test_every_entry_saved_unchanged_is_byte_for_byte_the_same():
    content = ROOT / "content"
    for collection in store.COLLECTIONS.values():
        fields = specs(collection.model)
        for entry in store.entries(content, collection):
            text = entry.file.read_text(encoding="utf-8")
            data = from_form(fields, to_form(fields, entry.data))
            assert store.replaced(text, entry.index, lambda m, d=data, f=fields: store.merge(m, f, d)) == text, entry.key


def test_an_edit_changes_only_its_own_line_and_keeps_every_comment(preview):
    path = preview.content / "events" / "2026.yaml"
    before = path.read_text(encoding="utf-8")
    fields = {k: v[0] if len(v) == 1 else v for k, v in to_form(specs(store.COLLECTIONS["handelser"].model),
              store.find(preview.content, store.COLLECTIONS["handelser"], "dialogmote-hudiksvall-2026-vt").data).items() if v}
    status, location, _ = post(preview, "/redigera/handelser/andra/dialogmote-hudiksvall-2026-vt/",
                               {**fields, "location": "Kulturhuset, Hudiksvall"})
    assert status == 303 and location.endswith("?sparat=1")
    after = path.read_text(encoding="utf-8")
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(old) == len(new) and len(changed) == 1
    assert changed[0][1] == "  location: Kulturhuset, Hudiksvall\n"
    assert [line for line in old if "#" in line] == [line for line in new if "#" in line]


def test_a_file_changed_in_another_editor_meanwhile_is_not_overwritten(preview):
    path = preview.content / "associations.yaml"
    page = get(preview, "/redigera/foreningar/andra/foreningsnatverket/")[1]
    stale = re.search(r'name="_hash" value="([^"]+)"', page).group(1)
    path.write_text(path.read_text(encoding="utf-8") + "# En kommentar från textredigeraren.\n", encoding="utf-8")
    before = path.read_bytes()
    status, _, page = post(preview, "/redigera/foreningar/andra/foreningsnatverket/",
                           {"_hash": stale, "name": "Nytt namn", "description": "Text."})
    assert status == 409 and "har ändrats sedan du öppnade formuläret" in page
    assert path.read_bytes() == before


# --- attachments ----------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_uploaded_pdf_can_be_linked_from_a_page(preview, tab):
    tab.open(url(preview, "/redigera/bilagor/"))
    page = tab.page
    page.get_by_label("Fil").set_input_files(files=[{"name": "Protokoll Mars 2026.PDF", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
    page.get_by_role("button", name="Ladda upp").click()
    assert (preview.content / "files" / "protokoll-mars-2026.pdf").read_bytes() == PDF
    link = page.locator(".banner code").inner_text()
    assert link == "[protokoll-mars-2026.pdf](/files/protokoll-mars-2026.pdf)"
    tab.open(url(preview, "/redigera/sidor/andra/brukarrevision/"))
    body = page.get_by_label("Text")
    body.fill(body.input_value() + "\n\nProtokollet: " + link + "\n")
    page.get_by_role("button", name="Spara").click()
    assert "Ändringen är sparad" in page.content()
    assert "protokoll-mars-2026.pdf" in poll(preview, "/brukarrevision/", "protokoll-mars-2026.pdf")
    with urllib.request.urlopen(url(preview, "/files/protokoll-mars-2026.pdf"), timeout=DEADLINE) as response:
        assert response.read() == PDF


@pytest.mark.parametrize(("name", "data", "message"), [
    ("program.exe", b"MZ\x90\x00", "publiceras inte som bilaga"),
    ("inte-en.pdf", b"<html>hej</html>", "är inte en sådan fil"),
    ("bild.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "skript"),
    ("tom.pdf", b"", "Filen är tom"),
])
def test_an_upload_of_the_wrong_kind_is_refused(preview, name, data, message):
    port = preview.server.server_address[1]
    page = get(preview, "/redigera/bilagor/")[1]
    token = re.search(r'name="_token" value="([^"]+)"', page).group(1)
    boundary = "grans"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    before = snapshot(preview.content)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    connection.request("POST", "/redigera/bilagor/", body, {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
                       "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse()
    text = response.read().decode()
    assert response.status == 400 and message in text and 'aria-invalid="true"' in text
    assert snapshot(preview.content) == before


# --- publishing -----------------------------------------------------------------------------------------------

def test_publishing_is_refused_while_the_check_fails(preview):
    path = preview.content / "events" / "2027.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n- id: trasig-2027\n  title: Trasig\n  start: 2027-03-01\n  municipality: Gävel\n",
                    encoding="utf-8")
    try:
        head = git("rev-parse", "HEAD", cwd=preview.content.parent)
        status, _, page = post(preview, "/redigera/publicera/", {"beskrivning": "Försök", "namn": "Samordnaren",
                                                                 "epost": "samordnare@example.org"})
        assert status == 400 and "Ingenting publicerades: innehållet har fel" in page and "”Gävel” är ingen kommun" in page
        assert git("rev-parse", "HEAD", cwd=preview.content.parent) == head
    finally:
        path.write_text(good, encoding="utf-8")


def test_publishing_commits_with_her_name_and_pushes_to_the_remote(preview, tab):
    root = preview.content.parent
    tab.open(url(preview, "/redigera/publicera/"))
    page = tab.page
    changes = page.locator(".changes").inner_text()
    for line in ("Ny händelse: Samtalsgrupp för närstående (2027-01-12)", "Ny förening: Exempelföreningen Ljusdal",
                 "Ny bilaga: protokoll-mars-2026.pdf", "Ändrad sida: ", "Ändrad händelse: Dialogmöte Hudiksvall (2026-04-16)"):
        assert line in changes
    assert "@@" not in changes and "+" not in changes  # plain Swedish, not a diff
    page.get_by_label("Kort beskrivning").fill("Nya träffar och protokollet från mars")
    page.get_by_label("Ditt namn").fill("Samordnaren Exempel")
    page.get_by_label("Din e-postadress").fill("samordnare@example.org")
    page.get_by_role("button", name="Publicera").click()
    assert "Publicerat" in page.content(), page.content()
    log = git("--git-dir", str(root / "remote.git"), "log", "-1", "--format=%an <%ae>|%s", "main", cwd=root)
    assert log == "Samordnaren Exempel <samordnare@example.org>|Nya träffar och protokollet från mars"
    assert "content/files/protokoll-mars-2026.pdf" in git("--git-dir", str(root / "remote.git"), "show", "--name-only",
                                                        "--format=", "main", cwd=root)
    assert git("config", "user.name", cwd=root) == "Samordnaren Exempel"  # stored, so asked only once
    assert git("status", "--porcelain", "--", "content", cwd=root) == ""
    tab.open(url(preview, "/redigera/publicera/"))
    assert page.get_by_label("Ditt namn").count() == 0 and "Inget är ändrat" in page.content()


def test_a_rejected_push_is_explained_in_swedish_and_the_commit_is_kept(preview):
    root = preview.content.parent
    other = root / "other"
    git("clone", "-q", "-b", "main", str(root / "remote.git"), str(other), cwd=root)
    (other / "content" / "checklist.yaml").write_text((other / "content" / "checklist.yaml").read_text(encoding="utf-8")
                                                      + "# ändrat någon annanstans\n", encoding="utf-8")
    git("-c", "user.name=Annan", "-c", "user.email=annan@example.org", "commit", "-qam", "Annan", cwd=other)
    git("push", "-q", cwd=other)
    news = preview.content / "news" / "2026-11-24-ny-webbplats.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nEn rad till.\n", encoding="utf-8")
    status, location, _ = post(preview, "/redigera/publicera/", {"beskrivning": "En rad till"})
    assert status == 303
    page = get(preview, location.removeprefix(preview.url.rstrip("/")))[1]
    assert "Det gick inte att publicera" in page and "någon annan har publicerat ändringar" in page
    assert git("log", "-1", "--format=%s", cwd=root) == "En rad till"  # kept here, pushed next time


def test_nothing_of_the_editor_is_in_the_built_site(preview, tmp_path):
    from sitegen.build import build

    build(preview.content, tmp_path / "public", TEMPLATES, TODAY)
    for path in (tmp_path / "public").rglob("*"):
        assert "redigera" not in path.as_posix() and "editor" not in path.name
        if path.suffix in (".html", ".css", ".xml", ".txt", ".ics", ".json", ""):
            text = path.read_bytes() if path.is_file() else b""
            assert b"/redigera/" not in text and b"_token" not in text, path
    assert not any(p.name == "editor.css" for p in preview.out.rglob("*"))


def test_an_event_moved_to_another_year_moves_to_that_years_file_with_its_id(preview):
    old, new = preview.content / "events" / "2026.yaml", preview.content / "events" / "2027.yaml"
    entry = store.find(preview.content, store.COLLECTIONS["handelser"], "dialogmote-bollnas-2026-ht")
    fields = {k: v[0] if len(v) == 1 else v for k, v in to_form(specs(store.COLLECTIONS["handelser"].model),
                                                                  entry.data).items() if v}
    status, location, _ = post(preview, "/redigera/handelser/andra/dialogmote-bollnas-2026-ht/",
                               {**fields, "start": "2027-01-14 18:00", "end": "2027-01-14 20:00"})
    assert status == 303 and location.endswith("?sparat=flyttad")
    assert "dialogmote-bollnas-2026-ht" not in old.read_text(encoding="utf-8")
    moved = new.read_text(encoding="utf-8")
    assert moved.count("- id: dialogmote-bollnas-2026-ht") == 1 and "  start: 2027-01-14 18:00\n" in moved
    assert "\n\n\n" not in old.read_text(encoding="utf-8")
    assert "Dialogmöte Bollnäs" in poll(preview, "/kalender/2027/dialogmote-bollnas-2026-ht/", "14 januari")


def test_a_line_break_written_with_two_spaces_survives_an_unchanged_save(tmp_path):
    text = "- id: a\n  name: A\n  description: |\n    Rad ett  \n    rad två\n"
    collection = store.COLLECTIONS["foreningar"]
    (tmp_path / "associations.yaml").write_text(text, encoding="utf-8")
    entry = store.find(tmp_path, collection, "a")
    fields = specs(collection.model)
    data = from_form(fields, to_form(fields, entry.data))
    assert store.replaced(text, 0, lambda m: store.merge(m, fields, data)) == text


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_file_with_windows_line_endings_or_a_byte_order_mark_keeps_them(tmp_path, ending):
    text = ("\ufeff# Föreningar" + ending + ending + "- id: a" + ending + "  name: A" + ending + "  description: Text." + ending
            + ending + "- id: b" + ending + "  name: B" + ending + "  description: Text." + ending)
    path = tmp_path / "associations.yaml"
    path.write_bytes(text.encode("utf-8"))
    collection = store.COLLECTIONS["foreningar"]
    fields = specs(collection.model)
    entry = store.find(tmp_path, collection, "a")
    data = {**from_form(fields, to_form(fields, entry.data)), "focus": "Ångest"}
    new = store.replaced(store.read(path), 0, lambda m: store.merge(m, fields, data))
    store.write_atomically(path, new)
    expected = text.replace("  description: Text." + ending + ending, "  description: Text." + ending + "  focus: Ångest"
                            + ending + ending, 1)
    assert path.read_bytes() == expected.encode("utf-8")


@pytest.mark.parametrize("title", ["2026-03-12", "Tema: vår", "yes", "true", "123", "# inte en kommentar", "- lista",
                                   "'citat'", '"citat"', "null", "[klammer]", "&ankare", "*alias", "!tagg", "%procent"])
def test_any_title_is_written_as_text_and_read_back_the_same(tmp_path, title):
    collection = store.COLLECTIONS["foreningar"]
    fields = specs(collection.model)
    entry = store.new_map(fields, from_form(fields, {"name": [title], "description": ["Text."]}), [("id", "a")])
    text = store.appended("# Föreningar\n", entry)
    from ruamel.yaml import YAML

    assert YAML(typ="safe", pure=True).load(text) == [{"id": "a", "name": title, "description": "Text."}]


def test_a_page_with_windows_line_endings_is_edited_in_place(tmp_path):
    from sitegen import schema

    original = "---\r\ntitle: Om oss  # rubriken\r\nmenu: 3\r\n---\r\nText.\r\n"
    fields = specs(schema.PageMeta)
    values = to_form(fields, store.read_front(original))
    assert values["title"] == ["Om oss"] and values["menu"] == ["3"]
    new = store.markdown_text(original, fields, {**from_form(fields, values), "description": "En mening."},
                              store.split_markdown(original)[1])
    assert new == "---\r\ntitle: Om oss  # rubriken\r\ndescription: En mening.\r\nmenu: 3\r\n---\r\nText.\r\n"


def test_copying_an_event_to_a_new_date_makes_a_new_event_and_leaves_the_original(preview, tab):
    path = preview.content / "events" / "2027.yaml"
    tab.open(url(preview, "/redigera/handelser/andra/workshop-brukarinflytande-2027-vt/"))
    page = tab.page
    page.get_by_role("link", name="Kopiera till ett nytt datum").click()
    assert page.get_by_label("Titel").input_value() == "Workshop om nyttan av brukarinflytande"
    before = path.read_text(encoding="utf-8")
    page.get_by_label("Start", exact=True).fill("2027-10-21 09:00")
    page.get_by_label("Slut").fill("2027-10-21 12:00")
    page.get_by_role("button", name="Spara").click()
    assert "Sparat" in page.content()
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    copy = after[len(before):]
    assert copy.startswith("\n- id: workshop-om-nyttan-av-brukarinflytande-hela-lanet-2027-ht\n")
    assert "  start: 2027-10-21 09:00\n" in copy and "cancelled" not in copy


def test_a_news_item_and_a_page_are_made_from_their_forms(preview):
    status, location, page = post(preview, "/redigera/nyheter/ny/", {"title": "Nytt dialogmöte i Hudiksvall",
                                  "date": "2026-11-20", "summary": "Välkommen.", "_body": "Mer i [kalendern](/kalender/)."})
    assert status == 303, re.findall(r'<div class="error-summary.*?</div>', page, re.S)
    assert location.endswith("/redigera/nyheter/andra/2026-11-20-nytt-dialogmote-i-hudiksvall/?sparat=ny")
    assert (preview.content / "news" / "2026-11-20-nytt-dialogmote-i-hudiksvall.md").read_text(encoding="utf-8") == (
        "---\ntitle: Nytt dialogmöte i Hudiksvall\ndate: 2026-11-20\nsummary: Välkommen.\n---\nMer i [kalendern](/kalender/).\n")
    status, location, _ = post(preview, "/redigera/sidor/ny/", {"title": "Om nätverket", "menu": "7", "_body": "Text."})
    assert status == 303 and location.endswith("/redigera/sidor/andra/om-natverket/?sparat=ny")
    assert (preview.content / "pages" / "om-natverket.md").read_text(encoding="utf-8") == \
        "---\ntitle: Om nätverket\nmenu: 7\n---\nText.\n"
    assert "Om nätverket" in poll(preview, "/om-natverket/", "Om nätverket")
    status, _, page = post(preview, "/redigera/sidor/ny/", {"_slug": "om-natverket", "title": "Igen"})
    assert status == 400 and "Det finns redan en sida med adressen /om-natverket/" in page


def test_every_mistake_of_a_form_is_reported_at_once(preview):
    before = snapshot(preview.content)
    status, _, page = post(preview, "/redigera/handelser/ny/", {"title": "", "start": "2027-03-12 18:00",
                                                                "end": "2027-03-12 16:00", "municipality": "",
                                                                "organizers": "finns-inte"})
    assert status == 400 and snapshot(preview.content) == before
    summary = page[page.index('class="error-summary"'):page.index("</ul>", page.index('class="error-summary"'))]
    for html_id, message in (("f-title", "Fyll i ”Titel”."), ("f-municipality", "Välj ”Kommun”."),
                             ("f-end", "före starten"), ("f-organizers", "Det finns ingen förening med id")):
        assert re.search(rf'<a href="#{html_id}">[^<]*{re.escape(message)}', summary), (html_id, summary)


def test_the_check_before_a_save_is_not_disturbed_by_a_build_running_at_the_same_time(preview, tmp_path):
    """A build points tempfile's folder at its own scratch folder and removes it when done (sitegen/outdir.py)."""
    import tempfile

    from sitegen.cms.check import problems_after

    previous = tempfile.tempdir
    tempfile.tempdir = str(tmp_path / "already-removed-by-the-build")
    try:
        assert problems_after(preview.content, TEMPLATES, TODAY, {}) == []
    finally:
        tempfile.tempdir = previous


def test_fields_added_to_the_event_model_are_in_the_form_and_saved(preview):
    """Accessibility, online and registration came to the model after the editor: no template names them."""
    page = get(preview, "/redigera/handelser/ny/")[1]
    for label in ("Tillgänglighet", "Delta digitalt", "Anmälan"):
        assert f"{label} <span" in page or f">{label}<" in page, label
    status, location, page = post(preview, "/redigera/handelser/ny/", {
        **EVENT, "title": "Träff med anmälan", "start": "2027-04-08 18:00", "end": "2027-04-08 20:00",
        "accessibility": ["rullstol", "horslinga"], "online": "https://example.org/mote",
        "registration.url": "https://example.org/anmalan", "registration.deadline": "2027-04-01"})
    assert status == 303, re.findall(r'<div class="error-summary.*?</div>', page, re.S)
    text = (preview.content / "events" / "2027.yaml").read_text(encoding="utf-8")
    entry = text[text.index("- id: traff-med-anmalan-gavle-2027-vt"):]
    assert "  accessibility: [rullstol, horslinga]\n  online: https://example.org/mote\n  registration:\n" \
           "    url: https://example.org/anmalan\n    deadline: 2027-04-01\n" in entry
