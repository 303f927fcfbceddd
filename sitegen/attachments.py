"""The attachment rules: which files in content/files/ may be published, checked by name and by content.

An attachment is served from the site's own origin, so a published `.html`, `.js` or an SVG with a script
would run code there (the site's Content-Security-Policy allows its own origin). Only the kinds a
coordinator needs are published: documents, images (SVG only without script, event handlers, external
references or foreignObject) and sound and video. Every other kind, and every name starting with a dot, is
refused with a Swedish message that says what is allowed.

One function for every caller, the build and the editor's upload alike:

    check_attachment(name, data) -> list[str]

`name` is the path below content/files/ ("protokoll/mars.pdf"), `data` the file's bytes; the answer is
the Swedish problems (empty when the file may be published). The type is checked by content as well as
by name: images, sound, video and PDF by their first bytes (the `filetype` library), Office and
OpenDocument files by their zip or OLE structure, text as UTF-8 that is not HTML, and SVG by parsing it
with defusedxml (no entity expansion, no external DTD) and looking at every element and attribute.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

MAX_BYTES = 50 * 1024 * 1024  # one attachment; larger films belong on a video service, linked from the text
MAX_TEXT_BYTES = 5 * 1024 * 1024  # plain text, CSV and ics are read whole
MAX_SVG_BYTES = 2 * 1024 * 1024  # every element and attribute of an SVG is checked: about 3 s for 2 MB

DOCUMENTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv", "ics")
IMAGES = ("png", "jpg", "jpeg", "gif", "webp", "svg")
MEDIA = ("mp3", "m4a", "ogg", "oga", "opus", "wav", "flac", "mp4", "m4v", "webm", "ogv")
ALLOWED = (*DOCUMENTS, *IMAGES, *MEDIA)

# What `filetype` may find in a file of each name (by its first bytes).
_ISO_MEDIA = {"mp4", "m4a", "m4v", "mov", "3gp"}
_SNIFFED: dict[str, set[str]] = {
    "pdf": {"pdf"}, "png": {"png", "apng"}, "jpg": {"jpg"}, "jpeg": {"jpg"}, "gif": {"gif"}, "webp": {"webp"},
    "mp3": {"mp3"}, "m4a": _ISO_MEDIA, "mp4": _ISO_MEDIA, "m4v": _ISO_MEDIA, "ogg": {"ogg"}, "oga": {"ogg"},
    "opus": {"ogg"}, "ogv": {"ogg"}, "wav": {"wav"}, "flac": {"flac"}, "webm": {"webm", "mkv"},
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # doc, xls, ppt (Office 97–2003)
_OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF = {"odt": b"application/vnd.oasis.opendocument.text", "ods": b"application/vnd.oasis.opendocument.spreadsheet",
        "odp": b"application/vnd.oasis.opendocument.presentation"}


def allowed_text() -> str:
    """The allowed kinds, in Swedish, for messages."""
    def dotted(names: tuple[str, ...]) -> str:
        return ", ".join(f".{n}" for n in names)

    return (f"Tillåtna bilagor är dokument ({dotted(DOCUMENTS)}), bilder ({dotted(IMAGES)}; SVG utan skript) och "
            f"ljud och film ({dotted(MEDIA)}).")


def check_attachment(name: str, data: bytes) -> list[str]:
    """Why `name` (a path below content/files/) with these bytes must not be published; empty when it may."""
    found = name_problems(name)
    if found:
        return found
    too_large = size_problem(len(data))
    if too_large:
        return [too_large]
    if not data:
        return ["Filen är tom. Lägg dit filen igen, eller ta bort den."]
    return _content_problems(_extension(name), data)


def _extension(name: str) -> str:
    last = name.rpartition("/")[2]
    return last.rpartition(".")[2].lower() if "." in last else ""


def name_problems(name: str) -> list[str]:
    """The rules a name alone breaks: a hidden file or folder, or a kind of file that is not published."""
    if any(part.startswith(".") for part in name.split("/")):
        return [f"Namnet börjar med en punkt, så filen är dold (till exempel .env eller .htaccess). Dolda filer "
                f"publiceras aldrig: ta bort filen eller flytta den ur content/files/. {allowed_text()}"]
    ext = _extension(name)
    if ext not in ALLOWED:
        kind = f"”.{ext}”" if ext else "utan filändelse"
        return [f"Filer av slaget {kind} publiceras inte som bilaga, eftersom de kan köra kod på webbplatsen eller "
                f"inte går att öppna för alla. {allowed_text()} Spara filen som något av dessa, eller ta bort den."]
    return []


def size_problem(size: int) -> str | None:
    """The message for an attachment of `size` bytes that is too large, or None."""
    if size <= MAX_BYTES:
        return None
    return (f"Filen är {size // (1024 * 1024)} MB; en bilaga får vara högst {MAX_BYTES // (1024 * 1024)} MB. "
            "Gör den mindre, eller lägg en film hos en videotjänst och länka dit.")


def _content_problems(ext: str, data: bytes) -> list[str]:
    if ext in ("txt", "csv", "ics"):
        return _text_problems(ext, data)
    if ext == "svg":
        return _svg_problems(data)
    if _is_kind(ext, data):
        return []
    return [f"Filen heter .{ext} men innehållet är inte en sådan fil (den kan till exempel vara en webbsida eller ett "
            f"program med nytt namn). Öppna den i programmet den gjordes i och spara den på nytt som .{ext}."]


def _is_kind(ext: str, data: bytes) -> bool:
    """Whether the bytes are a file of the kind the name says."""
    if ext in ("doc", "xls", "ppt"):
        return data.startswith(_OLE)
    if ext in _OOXML:
        return _zip_has(data, lambda names: "[Content_Types].xml" in names and any(
            n.startswith(_OOXML[ext]) for n in names))
    if ext in _ODF:
        return data[30:38] == b"mimetype" and data[38:38 + len(_ODF[ext])] == _ODF[ext] and _zip_has(data, bool)
    if ext == "rtf":
        return data.startswith(b"{\\rtf")
    import filetype

    found = filetype.guess(data[:8192])
    return found is not None and found.extension in _SNIFFED.get(ext, set())


def _zip_has(data: bytes, test: object) -> bool:
    """Whether `data` is a zip archive (a sane one: at most 10,000 entries) whose names pass `test`."""
    import io
    import zipfile

    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if not data.startswith(b"PK\x03\x04") or end < 0 or len(data) < end + 22:
        return False
    entries = struct.unpack("<H", data[end + 10:end + 12])[0]
    if entries > 10_000:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False
    return bool(test(names)) if callable(test) else True


# What browsers read as HTML when they sniff (the WHATWG MIME sniffing patterns), and tags that run code or
# pull in other documents anywhere in a text.
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
                         r"|!--|\?xml|svg)[\s>/]", re.IGNORECASE)
_HTML_ANYWHERE = re.compile(r"<(?:script|iframe|object|embed|html|body|svg|meta|link|form|img)\b", re.IGNORECASE)
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _text_problems(ext: str, data: bytes) -> list[str]:
    if len(data) > MAX_TEXT_BYTES:
        return [f"Textfilen är större än {MAX_TEXT_BYTES // (1024 * 1024)} MB. Dela upp den, eller spara den som .pdf."]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [f"Filen heter .{ext} men är inte text sparad som UTF-8 (byte {exc.start + 1}). Spara den som UTF-8 "
                "(”CSV UTF-8” i Excel) och lägg dit den igen."]
    if _BINARY.search(text):
        return [f"Filen heter .{ext} men innehåller binära data, inte bara text. Spara den som ren text."]
    if _HTML_START.match(text) or _HTML_ANYWHERE.search(text):
        return [f"Filen heter .{ext} men innehåller HTML-kod (till exempel <script> eller <html>), som en webbläsare "
                "kunde köra. Ta bort koden, eller spara texten som .pdf."]
    return []


# --- SVG ------------------------------------------------------------------------------------------------------

_SVG_NS = "http://www.w3.org/2000/svg"
# Namespaces that drawing programs write and browsers ignore: Inkscape, Sodipodi, RDF metadata, Dublin Core,
# Creative Commons, Illustrator and Sketch. Elements of any other namespace (XHTML above all) are refused.
_QUIET_NS = {"http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
             "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
             "http://creativecommons.org/ns#", "http://web.resource.org/cc/", "http://ns.adobe.com/AdobeIllustrator/10.0/",
             "http://www.bohemiancoding.com/sketch/ns", "http://purl.org/dc/terms/"}
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "audio", "video",
              "discard"}
_ANIMATION = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_URL = re.compile(r"url\s*\(\s*(['\"]?)\s*([^'\")\s]*)", re.IGNORECASE)
_CSS_FETCH = re.compile(r"@import|image-set\s*\(|expression\s*\(|-moz-binding|behavior\s*:", re.IGNORECASE)
_PI = re.compile(rb"<\?(?!xml[\s?])")  # a processing instruction such as <?xml-stylesheet?>; the declaration is fine
_HIDDEN = re.compile(r"[\x00-\x20]")


def _svg_problems(data: bytes) -> list[str]:
    if len(data) > MAX_SVG_BYTES:
        return [f"SVG-bilden är större än {MAX_SVG_BYTES // (1024 * 1024)} MB. Spara den förenklad, eller som .png."]
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    if _PI.search(data):
        return ["SVG-bilden har en behandlingsinstruktion (<?…?>, till exempel en stilmall) som kunde hämta eller "
                "köra något annat. Spara bilden på nytt som ”vanlig SVG” utan den."]
    parser = DefusedXMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        return ["SVG-bilden definierar egna entiteter eller hämtar en DTD (<!ENTITY …>), vilket inte tillåts. Spara "
                "bilden på nytt som ”vanlig SVG” eller ”optimerad SVG”."]
    except (ParseError, ValueError, UnicodeError) as exc:
        return [f"SVG-bilden går inte att läsa som XML ({exc}). Spara den på nytt i ritprogrammet."]
    if root.tag != f"{{{_SVG_NS}}}svg":
        return [f"Filen heter .svg men är ingen SVG-bild (den ska börja med <svg xmlns=\"{_SVG_NS}\">). Spara den på "
                "nytt som SVG i ritprogrammet."]
    found = list(dict.fromkeys(_svg_findings(root)))
    if not found:
        return []
    return [f"SVG-bilden innehåller {', '.join(found)}. En SVG-bild på webbplatsen får inte ha skript, "
            "händelseattribut (som onload), foreignObject eller hänvisningar till andra filer eller adresser, "
            "eftersom en webbläsare kunde köra eller hämta dem. Ta bort det i ritprogrammet, spara den som "
            "”optimerad SVG”, eller spara bilden som .png."]


def _svg_findings(root: object) -> Iterator[str]:
    """Short Swedish descriptions of everything unsafe in the parsed SVG, in document order."""
    for element in root.iter():  # type: ignore[attr-defined]
        namespace, _, local = str(element.tag).rpartition("}")
        namespace, local = namespace.lstrip("{"), local.lower()
        if local in _FORBIDDEN:
            yield f"elementet <{local}>"
        elif namespace != _SVG_NS and namespace not in _QUIET_NS:
            yield f"elementet <{local}> från ett annat XML-namnrum"
        if local in _ANIMATION:
            target = str(element.get("attributeName", "")).lower()
            if target.startswith("on") or target.endswith("href"):
                yield f"en animering som ändrar {target}"
        for key, value in element.attrib.items():
            yield from _attribute_findings(key, str(value))
        if local == "style" and element.text:
            yield from _css_findings(element.text)


def _attribute_findings(key: str, value: str) -> Iterator[str]:
    name = key.rpartition("}")[2].lower()
    plain = _HIDDEN.sub("", value).lower()
    if name.startswith("on"):
        yield f"händelseattributet {name} (skript)"
    elif name in ("href", "src", "base") or key == "{http://www.w3.org/XML/1998/namespace}base":
        if not value.strip().startswith("#"):
            shown = "en javascript:-adress" if plain.startswith("javascript:") else (
                "en data:-adress" if plain.startswith("data:") else "en hänvisning till en annan fil eller adress")
            yield f"{shown} ({name}=\"{value[:60]}\")"
    elif "javascript:" in plain:
        yield f"en javascript:-adress i {name}"
    yield from _css_findings(value)


def _css_findings(css: str) -> Iterator[str]:
    for match in _URL.finditer(css):
        if not match.group(2).startswith("#"):
            yield f"url({match.group(2)[:60]}) som hämtar något utanför bilden"
    if _CSS_FETCH.search(css):
        yield "stilregler som hämtar eller kör något (@import, image-set, expression)"
