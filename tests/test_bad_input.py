"""Every kind of bad input the coordinator can make: a Swedish message with file and line, exit code 1, no traceback.

Each case starts from the small valid site of `scratch_project` and applies one mutation (files written,
or removed with None). Errors stop the build; warnings let it through but are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from conftest import TEMPLATES

from sitegen.build import build, check
from sitegen.errors import ContentError
from sitegen.load import MAX_FILE_BYTES

TODAY = dt.date(2026, 3, 1)

SITE = """\
title: Testplatsen
organisation: Exempelregionen
base_url: https://test.example.org/
municipalities: [Gävle, Sandviken]
coordinator:
  name: Testa Testsson
  role: Samordnare
"""
PAGE = "---\ntitle: Om oss\n---\n"
NEWS = "---\ntitle: Nyhet\ndate: {date}\nsummary: Kort.\n---\nText.\n"


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes | None]
    file: str  # where the message must point, relative to content/
    line: int | None
    fragments: list[str]
    severity: str = "fel"
    extra: list[str] = field(default_factory=list)  # more files the run may name (none by default)


CASES = [
    # Files that cannot be read at all.
    Case("empty-yaml", {"associations.yaml": ""}, "associations.yaml", None, ["Filen är tom"]),
    Case("only-comments-yaml", {"associations.yaml": "# Föreningar\n\n# kommer senare\n"}, "associations.yaml", None,
         ["Filen är tom"]),
    Case("empty-markdown", {"pages/om.md": ""}, "pages/om.md", None, ["Filen är tom"]),
    Case("not-utf8-yaml", {"associations.yaml": "- id: forening-a\n  name: Förening A\n  description: B\n".encode("latin-1")},
         "associations.yaml", 2, ["inte sparad som UTF-8", "byte 27", "0xF6", "Spara om den som UTF-8"]),
    Case("not-utf8-markdown", {"pages/om.md": "---\ntitle: Om oss\n---\nVälkommen\n".encode("cp1252")}, "pages/om.md", 4,
         ["inte sparad som UTF-8", "0xE4"]),
    Case("binary-file", {"pages/om.md": b"---\ntitle: x\n---\n\x00\x01\x02"}, "pages/om.md", None, ["binära data"]),
    Case("too-large", {"pages/om.md": PAGE + "a" * (MAX_FILE_BYTES + 1)}, "pages/om.md", None,
         ["större än gränsen", "2048 kB"]),
    Case("control-character", {"associations.yaml": "- id: forening-a\n  name: Förening\x07 A\n  description: B\n"},
         "associations.yaml", 2, ["osynligt styrtecken (U+0007)"]),
    # YAML syntax.
    Case("tab-indent", {"site.yaml": SITE.replace("  name:", "\tname:")}, "site.yaml", 6, ["tabbtecken", "mellanslag"]),
    Case("colon-in-text", {"associations.yaml": "- id: forening-a\n  name: Möte: vår\n  description: B\n"},
         "associations.yaml", 2, ["kolon", "citattecken"]),
    Case("unclosed-quote", {"associations.yaml": "- id: forening-a\n  name: \"Förening A\n  description: B\n"},
         "associations.yaml", 2, ["citattecken öppnas men stängs aldrig"]),
    Case("unclosed-bracket", {"associations.yaml": "- id: forening-a\n  name: A\n  audience: [brukare, närstående\n"
                                                   "  description: B\n"}, "associations.yaml", 3, ["[ stängs aldrig"]),
    Case("unclosed-brace", {"site.yaml": SITE.replace("coordinator:\n  name: Testa Testsson\n  role: Samordnare\n",
                                                      "coordinator: {name: Testa Testsson,\n  role: Samordnare\n")},
         "site.yaml", 5, ["{ stängs aldrig"]),
    Case("file-ends-in-bracket", {"associations.yaml": "- id: forening-a\n  name: [\n\n"}, "associations.yaml", 2,
         ["tar slut mitt i ett värde"]),
    Case("bad-indent", {"site.yaml": SITE.replace("  role:", "   role:")}, "site.yaml", 7, ["kolon", "indraget"]),
    Case("duplicate-key", {"site.yaml": SITE + "title: Igen\n"}, "site.yaml", 8, ["”title” står två gånger", "Ta bort det ena"]),
    Case("duplicate-key-nested", {"site.yaml": SITE + "  name: Igen\n"}, "site.yaml", 8, ["”name” står två gånger"]),
    Case("exclamation-tag", {"associations.yaml": "- id: forening-a\n  name: !Viktigt möte\n  description: B\n"},
         "associations.yaml", 2, ["Tecknet !", "citattecken"]),
    Case("two-documents", {"associations.yaml": "- id: forening-a\n  name: A\n  description: B\n---\n- id: b\n"},
         "associations.yaml", 4, ["två dokument"]),
    Case("alias-bomb", {"checklist.yaml": "- question: &a [x, x, x, x, x, x, x, x, x, x]\n"
                        + "".join(f"- question: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True))},
         "checklist.yaml", None, ["för många värden"]),
    # The wrong shape: a list where fields belong and the reverse.
    Case("list-for-mapping-file", {"site.yaml": "- title: Testplatsen\n"}, "site.yaml", 1,
         ["fält med namn och värde", "inte en lista"]),
    Case("mapping-for-list-file", {"associations.yaml": "id: forening-a\nname: A\ndescription: B\n"}, "associations.yaml", 1,
         ["ska vara en lista", "”- ”"]),
    Case("list-for-mapping-field", {"site.yaml": SITE.replace("coordinator:\n  name: Testa Testsson\n  role: Samordnare\n",
                                                              "coordinator:\n  - Testa Testsson\n  - Samordnare\n")},
         "site.yaml", 5, ["fält med namn och värde"]),
    Case("mapping-for-list-field", {"site.yaml": SITE.replace("municipalities: [Gävle, Sandviken]",
                                                              "municipalities:\n  Gävle: ja")},
         "site.yaml", 4, ["ska det stå en lista"]),
    Case("text-for-list-field", {"site.yaml": SITE.replace("[Gävle, Sandviken]", "Gävle")}, "site.yaml", 4,
         ["ska det stå en lista"]),
    Case("list-for-text", {"associations.yaml": "- id: forening-a\n  name: [A, B]\n  description: B\n"}, "associations.yaml", 2,
         ["ska det stå en text"]),
    Case("front-matter-list", {"pages/om.md": "---\n- title: Om\n---\nText\n"}, "pages/om.md", 1,
         ["fält med namn och värde"]),
    # Front matter.
    Case("front-matter-unclosed", {"pages/om.md": "---\ntitle: Om oss\nText utan slutrad\n"}, "pages/om.md", 1,
         ["stängs aldrig", "---"]),
    Case("front-matter-missing", {"pages/om.md": "# Om oss\n\nText\n"}, "pages/om.md", 1, ["saknar inledande uppgifter"]),
    Case("front-matter-empty", {"pages/om.md": "---\n---\nText\n"}, "pages/om.md", 1, ["är tomma", "title:"]),
    Case("page-without-title", {"pages/om.md": "---\ndescription: Om oss.\n---\nText\n"}, "pages/om.md", 2,
         ["Fältet ”title” saknas", "Sidans rubrik"]),
    Case("page-unknown-key", {"pages/om.md": "---\ntitle: Om oss\nmenu_titel: Om\n---\n"}, "pages/om.md", 3,
         ["Menade du ”menu_title”"]),
    Case("news-without-summary", {"news/2026-02-01-nyhet.md": "---\ntitle: Nyhet\ndate: 2026-02-01\n---\nText\n"},
         "news/2026-02-01-nyhet.md", 2, ["Fältet ”summary” saknas"]),
    # Names and slugs.
    Case("news-same-slug", {"news/2026-02-01-nyhet.md": NEWS.format(date="2026-02-01"),
                            "news/2026-03-01-nyhet.md": NEWS.format(date="2026-03-01")},
         "news/2026-03-01-nyhet.md", None, ["samma adress (/aktuellt/nyhet/)", "content/news/2026-02-01-nyhet.md"]),
    Case("page-same-slug-other-case", {"pages/om.md": PAGE, "pages/om.MD": PAGE}, "pages/om.MD", None,
         ["används inte", "”om.md”"]),
    Case("page-not-markdown", {"pages/kontakt.txt": "Ring oss"}, "pages/kontakt.txt", None, ["bara filer som slutar på .md"]),
    Case("page-bad-name", {"pages/Om oss.md": PAGE}, "pages/Om oss.md", None, ["små bokstäver"]),
    Case("page-reserved-name", {"pages/static.md": PAGE}, "pages/static.md", None, ["går inte att använda"]),
    Case("news-bad-name", {"news/nyhet.md": NEWS.format(date="2026-02-01")}, "news/nyhet.md", None,
         ["datum och ett kort namn"]),
    Case("events-bad-name", {"events/2026-vt.yaml": "- id: x\n"}, "events/2026-vt.yaml", None, ["heta som året"]),
    Case("site-missing", {"site.yaml": None}, "site.yaml", None, ["site.yaml saknas"]),
    # Links in Markdown.
    Case("link-missing-page", {"pages/om.md": PAGE + "Läs [mer](/foreningar/).\n\nOch [kontakt](/kontakt/).\n"},
         "pages/om.md", 6, ["”/kontakt/”", "någon sådan sida finns inte"]),
    Case("link-missing-page-suggests", {"pages/om.md": PAGE + "Se [kalendern](/kalendern/).\n"}, "pages/om.md", 4,
         ["Menade du ”/kalender/”"]),
    Case("link-relative-missing", {"pages/om.md": PAGE + "Se [start](../start/).\n"}, "pages/om.md", 4,
         ["går till /start/"]),
    Case("link-reference-missing", {"pages/om.md": PAGE + "Se [här][a].\n\n[a]: /saknas/\n"}, "pages/om.md", 6,
         ["”/saknas/”"]),
    Case("link-html-missing", {"pages/om.md": PAGE + 'Se <a href="/saknas/">här</a>.\n'}, "pages/om.md", 4, ["”/saknas/”"]),
    Case("link-in-yaml-missing", {"associations.yaml": "- id: forening-a\n  name: A\n  description: |\n    Rad ett.\n"
                                  "    Se [sidan](/finns-inte/).\n  municipalities: [Gävle]\n"},
         "associations.yaml", 5, ["”/finns-inte/”"]),
    Case("link-in-news-missing", {"news/2026-02-01-nyhet.md": NEWS.format(date="2026-02-01") + "Se [x](/x/).\n"},
         "news/2026-02-01-nyhet.md", 7, ["”/x/”"]),
    Case("link-missing-feed-typo", {"pages/om.md": PAGE + "Prenumerera på [kalendern](/kalendern.ics).\n"}, "pages/om.md", 4,
         ["”/kalendern.ics”", "någon sådan sida finns inte"]),
    Case("attachment-missing", {"pages/om.md": PAGE + "Ladda ner [planen](/files/plan.pdf).\n"}, "pages/om.md", 4,
         ["bilagan ”plan.pdf”", "content/files/"]),
    Case("anchor-missing", {"pages/om.md": PAGE + "## Bakgrund\n\nSe [ovan](#bakgrunden).\n"},
         "pages/om.md", 6, ["#bakgrunden", "Menade du ”bakgrund”", "sidans början"], severity="varning"),
    Case("anchor-missing-other-page", {"pages/om.md": PAGE + "Se [mars](/kalender/#m-2026-13).\n"},
         "pages/om.md", 4, ["#m-2026-13", "sidan /kalender/", "Menade du ”m-2026-03”"], severity="varning"),
    # Pasted HTML that the sanitiser removes.
    Case("script-removed", {"pages/om.md": PAGE + "Text\n\n<script>alert(1)</script>\n"}, "pages/om.md", 6,
         ["tog bort <script>"], severity="varning"),
    Case("handler-and-js-url-removed", {"pages/om.md": PAGE + 'Text\n<a href="javascript:alert(1)" onclick="x()">klick</a>\n'},
         "pages/om.md", 5, ["en javascript:-länk", "attributet onclick"], severity="varning"),
    Case("iframe-and-style-removed", {"pages/om.md": PAGE + '<iframe src="https://video.example.org/"></iframe>\n\n'
                                      '<p style="color:red">Röd</p>\n'}, "pages/om.md", 4,
         ["<iframe>", "attributet style"], severity="varning"),
    Case("data-url-removed", {"associations.yaml": "- id: forening-a\n  name: A\n  description: Se [bild](data:text/html,x).\n"},
         "associations.yaml", 3, ["en data:-länk"], severity="varning"),
    # Editor schema comments.
    Case("schema-comment-missing-file", {"site.yaml": "# yaml-language-server: $schema=../schemas/sajt.schema.json\n" + SITE},
         "site.yaml", 1, ["”../schemas/sajt.schema.json”", "finns inte"], severity="varning"),
]


def _run(scratch_project, case: Case):
    return scratch_project.problems(case.files, TODAY)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_explained_with_file_and_line(scratch_project, case):
    problems = _run(scratch_project, case)
    shown = "\n".join(map(str, problems))
    errors = [p for p in problems if p.severity == "fel"]
    matching = [p for p in problems if p.severity == case.severity]
    if case.severity == "varning":
        assert not errors, shown
    assert len(matching) == 1, shown
    problem = matching[0]
    assert problem.file == f"content/{case.file}", shown
    assert problem.line == case.line, shown
    for fragment in case.fragments:
        assert fragment in problem.message, shown


ERROR_CASES = [c for c in CASES if c.severity == "fel"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.id for c in ERROR_CASES])
def test_cli_exits_1_in_swedish_without_traceback(scratch_project, invoke, case):
    _run_files = {name: text for name, text in case.files.items()}
    for name, text in _run_files.items():
        if text is None:
            (scratch_project.content / name).unlink()
        else:
            scratch_project.write(name, text)
    result = invoke("check", "--content", str(scratch_project.content), "--templates", str(TEMPLATES),
                    "--today", TODAY.isoformat())
    assert result.exit_code == 1
    where = f"content/{case.file}" + (f", rad {case.line}" if case.line else "")
    assert where in result.output
    assert "Innehållet har" in result.output and "Ingenting publicerades" in result.output
    assert "Traceback" not in result.output


def test_all_bad_inputs_at_once_are_reported_together(scratch_project):
    """One run names every broken file: the coordinator fixes them all before running again."""
    picked = [c for c in ERROR_CASES if c.id in {"not-utf8-yaml", "tab-indent", "front-matter-unclosed",
                                                 "news-bad-name", "events-bad-name"}]
    for case in picked:
        for name, text in case.files.items():
            assert text is not None
            scratch_project.write(name, text)
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY, TEMPLATES)
    assert {p.file for p in caught.value.problems} == {f"content/{c.file}" for c in picked}


def test_byte_order_mark_and_windows_line_endings_are_accepted(scratch_project, tmp_path):
    scratch_project.write("associations.yaml", "\ufeff- id: forening-a\r\n  name: Förening A\r\n  description: B\r\n"
                          .encode())
    scratch_project.write("pages/om.md", "\ufeff---\r\ntitle: Om oss\r\n---\r\nVälkommen.\r\n".encode())
    build(scratch_project.content, tmp_path / "public", TEMPLATES, TODAY)
    assert (tmp_path / "public" / "foreningar" / "forening-a" / "index.html").is_file()
    assert "<h1>Om oss</h1>" in (tmp_path / "public" / "om" / "index.html").read_text(encoding="utf-8")


def test_links_that_reach_something_are_accepted(scratch_project, tmp_path):
    scratch_project.write("files/plan.pdf", b"%PDF-1.4\n")
    scratch_project.write("pages/om.md", PAGE + "## Bakgrund\n\n[a](/foreningar/forening-a/) [b](#bakgrund) [c](/files/plan.pdf) "
                          "[d](../kalender/#m-2026-03) [e](https://www.example.org/saknas/) [f](mailto:a@example.org) "
                          "`[g](/i-kod/)`\n\n```\n[h](/i-kodblock/)\n```\n")
    model = check(scratch_project.content, TODAY, TEMPLATES)
    assert model.warnings == ()
