"""Attachments in content/files/: only documents, images, sound and film are published, checked by content too.

A published `.html`, `.js` or scripted SVG would run code on the site's own origin; a dotfile like `.env`
would publish secrets. Each is a Swedish error naming the file and listing what is allowed.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import urllib.request
import wave
import zipfile
import zlib

import pytest
from conftest import TEMPLATES

from sitegen.attachments import ALLOWED, check_attachment
from sitegen.build import build, check
from sitegen.errors import ContentError
from sitegen.render.headers import FILES_CSP

TODAY = dt.date(2026, 3, 1)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'
HTML = b"<!doctype html><html><body><script src=/files/x.js></script></body></html>"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 800)
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data)  # stored, in this order: "mimetype" first for ODF
    return out.getvalue()


def _ooxml(folder: str) -> bytes:
    return _zip([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"),
                 (f"{folder}/document.xml", b"<x/>")])


GOOD = {
    "rapport.pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "protokoll.docx": _ooxml("word"),
    "budget.xlsx": _ooxml("xl"),
    "bilder.pptx": _ooxml("ppt"),
    "text.odt": _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]),
    "tabell.ods": _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")]),
    "gammal.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    "brev.rtf": b"{\\rtf1\\ansi Hej}",
    "lista.txt": "Mötet börjar 18.00 <obs>: ta med kaffe.\n".encode(),
    "deltagare.csv": "namn;kommun\nAnna;Gävle\n".encode("utf-8-sig"),
    "inbjudan.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "logga.png": _png(),
    "foto.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\0" * 64,
    "rorlig.gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "bild.webp": b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\0" * 20,
    "ljud.wav": _wav(),
    "tal.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\0" * 64,
    "film.mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\0" * 32,
    "film.webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
                 + b"\0" * 32,
    "ljud.ogg": b"OggS\x00\x02" + b"\0" * 64,
    "ikon.svg": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        + SVG.format('<defs><linearGradient id="g"><stop offset="0"/></linearGradient><style>circle{fill:#036}</style>'
                     '</defs><circle r="4" fill="url(#g)" style="stroke: url( \'#g\' )"/><use xlink:href="#g"/>'
                     '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>'
                     '<title>Logga</title>')).encode(),
}


@pytest.mark.parametrize("name", GOOD)
def test_allowed_attachments_are_published_as_they_are(name):
    assert check_attachment(name, GOOD[name]) == []


def test_a_site_with_every_allowed_kind_builds_and_publishes_them(scratch_project, tmp_path):
    for name, data in GOOD.items():
        scratch_project.write(f"files/{name}", data)
    scratch_project.write("files/protokoll/2026/mars.pdf", GOOD["rapport.pdf"])
    build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY)
    for name, data in GOOD.items():
        assert (tmp_path / "public" / "files" / name).read_bytes() == data
    assert (tmp_path / "public" / "files" / "protokoll" / "2026" / "mars.pdf").is_file()


def _svg(inner: str, attributes: str = "") -> bytes:
    return SVG.replace("viewBox", f"{attributes} viewBox").format(inner).encode()


BAD: dict[str, tuple[str, bytes, str]] = {
    # Kinds that run code or are never needed.
    "html": ("b.html", HTML, "”.html” publiceras inte"),
    "htm": ("b.htm", HTML, "”.htm” publiceras inte"),
    "xhtml": ("b.xhtml", HTML, "”.xhtml” publiceras inte"),
    "javascript": ("x.js", b"alert(document.cookie)", "”.js” publiceras inte"),
    "module-script": ("x.mjs", b"export {}", "”.mjs” publiceras inte"),
    "xml": ("x.xml", b"<?xml version='1.0'?><x/>", "”.xml” publiceras inte"),
    "svgz": ("x.svgz", b"\x1f\x8b", "”.svgz” publiceras inte"),
    "php": ("x.php", b"<?php echo 1;", "”.php” publiceras inte"),
    "program": ("setup.exe", b"MZ\x90\x00", "”.exe” publiceras inte"),
    "no-extension": ("README", b"text", "utan filändelse"),
    "webassembly": ("x.wasm", b"\0asm", "”.wasm” publiceras inte"),
    "json": ("data.json", b"{}", "”.json” publiceras inte"),
    # Dotfiles anywhere below files/.
    "dotenv": (".env", b"SECRET=1", "börjar med en punkt"),
    "htaccess": (".htaccess", b"AddType text/html .pdf", "börjar med en punkt"),
    "dotfile-in-folder": ("protokoll/.DS_Store", b"\0\0\0\1Bud1", "börjar med en punkt"),
    # A name that says one kind and content that is another.
    "png-that-is-html": ("bild.png", HTML, "innehållet är inte en sådan fil"),
    "jpg-that-is-html": ("foto.jpg", HTML, "innehållet är inte en sådan fil"),
    "pdf-that-is-html": ("rapport.pdf", HTML, "innehållet är inte en sådan fil"),
    "gif-that-is-png": ("bild.gif", _png(), "innehållet är inte en sådan fil"),
    "mp4-that-is-html": ("film.mp4", HTML, "innehållet är inte en sådan fil"),
    "docx-that-is-a-plain-zip": ("brev.docx", _zip([("index.html", HTML)]), "innehållet är inte en sådan fil"),
    "odt-with-wrong-mimetype": ("text.odt", _zip([("mimetype", b"text/html")]), "innehållet är inte en sådan fil"),
    "doc-that-is-html": ("brev.doc", HTML, "innehållet är inte en sådan fil"),
    "empty-pdf": ("tom.pdf", b"", "Filen är tom"),
    # Text that is not plain text.
    "txt-that-is-html": ("lasmig.txt", HTML, "HTML-kod"),
    "txt-with-script-later": ("lasmig.txt", b"Hej\n\n<script>alert(1)</script>", "HTML-kod"),
    "csv-that-is-html": ("lista.csv", b"  <html><body>x", "HTML-kod"),
    "txt-not-utf8": ("lista.txt", "Gävle".encode("latin-1"), "inte text sparad som UTF-8"),
    "txt-binary": ("lista.txt", b"abc\x00\x01def", "binära data"),
    # SVG that scripts, handles events or reaches outside itself.
    "svg-script": ("a.svg", _svg("<script>alert(1)</script>"), "elementet <script>"),
    "svg-script-other-case": ("a.svg", _svg('<SCRIPT xmlns="http://www.w3.org/2000/svg">x</SCRIPT>'), "<script>"),
    "svg-xhtml-script": ("a.svg", _svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">x</h:script>'),
                         "<script>"),
    "svg-onload": ("a.svg", _svg("", 'onload="alert(1)"'), "händelseattributet onload"),
    "svg-onclick-nested": ("a.svg", _svg('<g><rect onclick="x()"/></g>'), "händelseattributet onclick"),
    "svg-onbegin-animation": ("a.svg", _svg('<animate onbegin="x()" attributeName="x"/>'), "onbegin"),
    "svg-foreign-object": ("a.svg", _svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
                                         "</foreignObject>"), "foreignobject"),
    "svg-xhtml-element": ("a.svg", _svg('<iframe xmlns="http://www.w3.org/1999/xhtml" src="/"/>'), "<iframe>"),
    "svg-external-image": ("a.svg", _svg('<image href="https://tracker.example.org/p.png"/>'), "annan fil eller adress"),
    "svg-external-use": ("a.svg", _svg('<use xlink:href="other.svg#icon"/>'), "annan fil eller adress"),
    "svg-javascript-link": ("a.svg", _svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
                            "javascript:-adress"),
    "svg-javascript-link-spaced": ("a.svg", _svg('<a href=" jav&#x09;ascript:alert(1)"><text>x</text></a>'),
                                   "javascript:-adress"),
    "svg-data-link": ("a.svg", _svg('<a href="data:text/html,&lt;script&gt;x&lt;/script&gt;"><text>x</text></a>'),
                      "data:-adress"),
    "svg-animate-href": ("a.svg", _svg('<a><animate attributeName="href" to="javascript:alert(1)"/></a>'),
                         "animering som ändrar href"),
    "svg-set-href": ("a.svg", _svg('<a><set attributeName="xlink:href" to="https://example.org"/></a>'),
                     "animering"),
    "svg-style-url": ("a.svg", _svg('<style>rect{fill:url(https://example.org/x.svg#p)}</style>'),
                      "url(https://example.org"),
    "svg-style-import": ("a.svg", _svg("<style>@import 'https://example.org/x.css';</style>"), "@import"),
    "svg-attribute-url": ("a.svg", _svg('<rect style="background:url(//example.org/t.png)"/>'), "url(//example.org"),
    "svg-filter-url": ("a.svg", _svg('<rect filter="url(https://example.org/f.svg#f)"/>'), "url(https://"),
    "svg-stylesheet-pi": ("a.svg", b'<?xml-stylesheet href="https://example.org/x.xsl" type="text/xsl"?>'
                          + _svg(""), "behandlingsinstruktion"),
    "svg-entities": ("a.svg", b'<!DOCTYPE svg [<!ENTITY x "y">]>' + _svg("<text>&x;</text>"), "entiteter"),
    "svg-external-entity": ("a.svg", b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            + _svg("<text>&x;</text>"), "entiteter"),
    "svg-xml-base": ("a.svg", _svg("", 'xml:base="https://example.org/"'), "annan fil eller adress"),
    "svg-not-svg": ("a.svg", HTML, "går inte att läsa som XML"),
    "svg-html-root": ("a.svg", b'<html xmlns="http://www.w3.org/1999/xhtml"><script>x</script></html>',
                      "ingen SVG-bild"),
    "svg-no-namespace": ("a.svg", b"<svg><script>x</script></svg>", "ingen SVG-bild"),
    "svg-broken": ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><g>', "går inte att läsa som XML"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_other_attachments_are_refused_by_name_with_what_is_allowed(scratch_project, case):
    name, data, fragment = BAD[case]
    scratch_project.write(f"files/{name}", data)
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY, TEMPLATES)
    shown = "\n".join(map(str, caught.value.problems))
    mine = [p for p in caught.value.problems if p.file == f"content/files/{name}"]
    assert len(mine) == 1 and mine[0].severity == "fel", shown
    assert fragment in mine[0].message, shown
    if fragment.endswith("publiceras inte") or "punkt" in fragment:
        assert ".pdf" in mine[0].message and ".png" in mine[0].message and ".mp4" in mine[0].message


def test_a_hidden_folder_is_one_error_and_never_read(scratch_project):
    for index in range(3):
        scratch_project.write(f"files/.git/objects/{index}", b"x")
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY, TEMPLATES)
    assert [p.file for p in caught.value.problems] == ["content/files/.git"]
    assert "dold" in caught.value.problems[0].message


def test_refused_attachments_are_not_published(scratch_project, tmp_path):
    scratch_project.write("files/ok.pdf", GOOD["rapport.pdf"])
    build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY)
    scratch_project.write("files/b.html", HTML)
    with pytest.raises(ContentError):
        build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY)
    assert not (tmp_path / "public" / "files" / "b.html").exists()


def test_every_allowed_kind_is_named_in_the_guide():
    from conftest import ROOT

    guide = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    assert all(f".{ext}" in guide for ext in ALLOWED)


def test_attachments_are_served_with_a_policy_that_forbids_script(scratch_project, tmp_path):
    """The preview sends /files/ with a sandboxing policy and nosniff; `_headers` tells hosts the same."""
    from sitegen.serve import Preview

    scratch_project.write("files/ikon.svg", GOOD["ikon.svg"])
    preview = Preview(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY, port=0)
    preview.start()
    try:
        with urllib.request.urlopen(preview.url + "files/ikon.svg", timeout=10) as response:
            assert response.headers["Content-Security-Policy"] == FILES_CSP
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(preview.url, timeout=10) as response:
            assert "sandbox" not in (response.headers["Content-Security-Policy"] or "")
    finally:
        preview.stop()
    headers = (tmp_path / "public" / "_headers").read_text(encoding="utf-8")
    assert f"/files/*\n  Content-Security-Policy: {FILES_CSP}\n" in headers
