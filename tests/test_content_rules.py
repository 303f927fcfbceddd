"""One set of content rules: what the accessibility gates reject in Markdown-made HTML, `sitegen check` reports
in Swedish on the Markdown file's own line; what it lets through, the gates' structure checks accept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import TEMPLATES
from sitecheck import Parsed, structure_problems

from sitegen.build import check, render
from sitegen.errors import ContentError

FRONT = "---\ntitle: Om oss\nmenu: 2\n---\n"  # the body starts on line 5


def _page(scratch_project, body: str) -> None:
    scratch_project.write("pages/om.md", FRONT + body)


def _problems(scratch_project) -> list:
    try:
        model = check(scratch_project.content, dt.date(2026, 3, 1))
    except ContentError as exc:
        return [p for p in exc.problems if p.file == "content/pages/om.md"]
    return [p for p in model.warnings if p.file == "content/pages/om.md"]


# (body, line, severity, words the message must hold)
CASES = [
    ("## Bakgrund\n\n#### Detaljer\n", 7, "fel", ["”Detaljer” har ####", "rubriken före har ##", "Skriv ### Detaljer"]),
    ("### Bakgrund\n", 5, "fel", ["Den första rubriken", "ska ha ##", "Skriv ## Bakgrund"]),
    ("Text.\n\n# Rubrik\n", 7, "fel", ["ett enda #", "huvudrubrik (h1)", "Skriv ## för en mellanrubrik"]),
    ("#1 i kön\n", 5, "fel", ["ett enda #", "inte börjar med #"]),
    ("Stor rubrik\n===\n", 5, "fel", ["===", "huvudrubrik"]),
    ("## Ett\n\n- punkt\n\n    #### Djup\n", 9, "fel", ["”Djup” har ####"]),
    ("> ## Citat\n>\n> #### Djupt\n", 7, "fel", ["”Djupt” har ####"]),
    ("## A\n\n<h4>Klistrad</h4>\n", 7, "fel", ["”Klistrad” har ####"]),
    ("##\n", 5, "fel", ["Rubriken är tom"]),
    ("Läs [här](/kalender/).\n", 5, "varning", ["Länktexten ”här”", "skärmläsare"]),
    ("Mer finns [Klicka här!](/kalender/)\n", 5, "varning", ["”Klicka här!”"]),
    ("Text\n\n[Läs mer](https://www.example.org/)\n", 7, "varning", ["”Läs mer”"]),
    # The same texts as reference links ([text][name], [text][], [text]) and as HTML.
    ("Läs [här][kal].\n\n[kal]: /kalender/\n", 5, "varning", ["Länktexten ”här”", "(/kalender/)"]),
    ("Läs [Klicka här][].\n\n[klicka  HÄR]: /kalender/\n", 5, "varning", ["”Klicka här”"]),
    ("Läs\n[här].\n\n[här]: /kalender/\n", 6, "varning", ["Länktexten ”här”"]),
    ('Läs <a href="/kalender/">här</a>.\n', 5, "varning", ["Länktexten ”här”", "(/kalender/)"]),
    ("En [][kal] länk.\n\n[kal]: /kalender/\n", 5, "fel", ["har ingen länktext"]),
    ("![][karta]\n\n[karta]: /files/bild.png\n", 5, "fel", ["saknar beskrivning"]),
    ("En [](/kalender/) länk.\n", 5, "fel", ["har ingen länktext", "[Anmälan till dialogmötet](/kalender/)"]),
    ("En [**  **](/kalender/) länk.\n", 5, "fel", ["har ingen länktext"]),
    ('En <a href="/kalender/"></a> länk.\n', 5, "fel", ["(<a>) har ingen text"]),
    ("Vi ses tisdag 7 april i Gävle.\n", 5, "fel", ["”tisdag 7 april”", "utan veckodag (”7 april”)"]),
    ("| Dag | Tid |\n|---|---|\n| Mån | 18 |\n", 5, "fel", ["Tabellen saknar rubrik", "Tabell:"]),
    ("![](/files/bild.png)\n", 5, "fel", ["saknar beskrivning", "skärmläsare", "ta då bort den"]),
    ("![Karta](https://example.org/karta.png)\n", 5, "fel", ["ligger på en annan webbplats", "content/files/"]),
    ("![Karta](//example.org/karta.png)\n", 5, "fel", ["ligger på en annan webbplats"]),
    ("![Karta](bilder/karta.png)\n", 5, "fel", ["finns inte i content/files/"]),
    ("![Karta](/files/karta.svg)\n", 5, "fel", ["Bilder i texten kan vara PNG, JPEG, GIF eller WebP, inte ”karta.svg”"]),
    ("![bild.png](/files/bild.png)\n", 5, "varning", ["beskrivning är filnamnet"]),
    ("![Karta](/files/trasig.png)\n", 5, "fel", ["går inte att läsa som en bild"]),
    ('<img src="/files/bild.png" alt="x">\n', 5, "varning", ["tog bort <img>"]),
    ("[![](/files/bild.png)](/kalender/)\n", 5, "fel", ["saknar beskrivning"]),
]

# Not links, so not vague link texts: brackets without a definition, and a definition's own line.
# Two Markdown headings with one text are fine: the converter numbers the second id (plan, plan_1).
SAME_HEADINGS = "## Plan\n\nA\n\n## Plan\n\nB\n"
NOT_LINKS = ["Svara [här] eller nej.\n", "Läs [här][saknas].\n", "[här]: /kalender/\n\nText.\n",
             "`[här][kal]`\n\n[kal]: /kalender/\n", "[Kalendern][här]\n\n[här]: /kalender/\n"]


@pytest.fixture
def project(scratch_project):
    from PIL import Image

    scratch_project.write("pages/kalender.md", "---\ntitle: Kalender\n---\nKalendern.\n")
    (scratch_project.content / "files").mkdir(exist_ok=True)
    Image.new("RGB", (320, 200), (10, 80, 120)).save(scratch_project.content / "files" / "bild.png")
    scratch_project.write("files/karta.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    return scratch_project


@pytest.mark.parametrize("body", NOT_LINKS)
def test_brackets_that_are_no_link_are_not_called_vague_links(project, body):
    _page(project, body)
    assert not [p for p in _problems(project) if "Länktexten" in p.message], _problems(project)


@pytest.mark.parametrize(("body", "line", "severity", "words"), CASES, ids=[c[0][:30] for c in CASES])
def test_each_mistake_is_reported_in_swedish_on_its_markdown_line(project, body, line, severity, words):
    if "trasig.png" in body:  # only here: the attachment check refuses the file itself as well
        project.write("files/trasig.png", b"not a png at all")
    _page(project, body)
    found = [p for p in _problems(project) if p.severity == severity and all(w in p.message for w in words)]
    assert found, _problems(project)
    assert found[0].line == line


GOOD = [
    "## Bakgrund\n\n### Detaljer\n\n## Nästa\n\n#### Fyra efter tre?\n",  # the last one skips: must be reported
    "Text med #hashtag mitt i raden och [kalendern](/kalender/).\n",
    "```\n# inte en rubrik\n```\n",
    "    # indragen kod\n",
    "Se [https://www.example.org/](https://www.example.org/).\n",
    "![Karta över länets kommuner](/files/bild.png)\n",
    "Tabell: Mötestider\n\n| Dag | Tid |\n|---|---|\n| Mån | 18 |\n",
    "Text\n\n---\n\nMer text.\n",
    "Tisdagen den 7 april ses vi.\n",
    "## Rubrik\n\nText `## kod` och `[här](x)`.\n",
]


@pytest.mark.parametrize("body", GOOD + [c[0] for c in CASES], ids=lambda b: b[:30])
def test_what_check_lets_through_passes_the_gates_structure_checks(project, body):
    """The gates' own checks (tests/sitecheck.py) on the built page: whatever check accepts, they accept."""
    if "trasig.png" in body:
        project.write("files/trasig.png", b"not a png at all")
    _page(project, body)
    try:
        model = check(project.content, dt.date(2026, 3, 1))
    except ContentError as exc:
        assert any(p.file == "content/pages/om.md" and p.severity == "fel" for p in exc.problems), exc.show()
        return
    html = render(model, TEMPLATES, check_only=True)[0]["om/index.html"].decode()
    assert structure_problems(html) == []
    page = Parsed(html)
    assert page.tags["img"] == html.count('alt="') - html.count('alt=""') or "<img" not in html
    for text in re.findall(r"<a\b[^>]*>(.*?)</a>", html, re.S):
        assert re.sub(r"<[^>]*>", "", text).strip() or 'alt="' in text, "every link has a text"
    for src in re.findall(r'<img[^>]*src="([^"]*)"', html):
        assert src.startswith("../files/"), "images only from the site's own files"
    if "<img" in html:
        assert re.search(r'<img [^>]*width="320" height="200"', html)


def test_an_image_is_published_with_its_size_and_a_table_with_its_caption(project):
    _page(project, "![Karta över länets kommuner](/files/bild.png)\n\nTabell: Mötestider\n\n| Dag | Tid |\n|---|---|\n| Mån | 18 |\n")
    html = render(check(project.content, dt.date(2026, 3, 1)), TEMPLATES, check_only=True)[0]["om/index.html"].decode()
    assert '<img alt="Karta över länets kommuner" src="../files/bild.png" width="320" height="200">' in html
    assert "<table>\n<caption>Mötestider</caption>" in html


def test_two_pages_with_one_menu_number_are_warned_about(project):
    _page(project, "Text.\n")
    project.write("pages/mer.md", "---\ntitle: Mer\nmenu: 2\n---\nText.\n")
    warnings = [str(w) for w in check(project.content, dt.date(2026, 3, 1)).warnings]
    assert ("content/pages/om.md, rad 3, fältet ”menu”: Sidan har menu: 2, samma nummer som content/pages/mer.md. "
            "Då bestämmer filnamnen ordningen i menyn. Ge sidorna olika nummer.") in warnings


def test_a_footer_link_the_footer_already_has_is_warned_about(project):
    project.write("pages/tillganglighet.md", "---\ntitle: Tillgänglighet\n---\nText.\n")
    site = (project.content / "site.yaml").read_text(encoding="utf-8")
    project.write("site.yaml", site + "footer: |\n  Utgiven av oss.\n\n  [Tillgänglighet](/tillganglighet/)\n")
    warnings = [str(w) for w in check(project.content, dt.date(2026, 3, 1)).warnings]
    assert ("content/site.yaml, rad 12, fältet ”footer”: Sidfoten länkar redan till /tillganglighet/ av sig själv, så "
            "länken står två gånger. Ta bort länken till /tillganglighet/ ur footer.") in warnings


def test_an_event_description_is_checked_on_the_file_line(project):
    events = (project.content / "events" / "2026.yaml").read_text(encoding="utf-8")
    project.write("events/2026.yaml", events + "  description: |\n    Välkommen.\n\n    #### Program\n")
    with pytest.raises(ContentError) as raised:
        check(project.content, dt.date(2026, 3, 1))
    problem = next(p for p in raised.value.problems if "Program" in p.message)
    assert (problem.file, problem.line, problem.field) == ("content/events/2026.yaml", 10, "description")


def test_a_heading_with_an_id_the_page_already_has_is_an_error(project):
    project.write("news/2026-02-01-nytt.md", "---\ntitle: Nytt\ndate: 2026-02-01\nsummary: Kort.\n---\nText.\n")
    project.write("pages/index.md", "---\ntitle: Välkommen\nmenu: 1\n---\nStartsidans text.\n\n## Aktuellt\n\nMer.\n")
    model = check(project.content, dt.date(2026, 3, 1))
    with pytest.raises(ContentError) as raised:
        render(model, TEMPLATES, check_only=True)
    problem = next(p for p in raised.value.problems if "Aktuellt" in p.message)
    assert str(problem) == ("content/pages/index.md, rad 7: Rubriken ”Aktuellt” får id:t ”aktuellt”, som något annat på "
                            "sidan / redan har. Då hamnar länkar till #aktuellt fel, och sidan blir inte giltig HTML. "
                            "Ändra rubrikens text lite, till exempel med ett ord till.")


@pytest.mark.parametrize(("body", "line", "anchor"), [
    ('<h2 id="plan">Ett</h2>\n\n<h2 id="plan">Två</h2>\n', 7, "plan"),
    ("## Plan\n\n<h3 id='plan'>Plan igen</h3>\n", 7, "plan"),
    ("Text.\n\n<h2 id=main>Huvud</h2>\n", 7, "main"),  # the template's own id
])
def test_an_id_written_in_a_raw_html_heading_that_the_page_already_has_is_an_error(project, body, line, anchor):
    _page(project, body)
    model = check(project.content, dt.date(2026, 3, 1))
    with pytest.raises(ContentError) as raised:
        render(model, TEMPLATES, check_only=True)
    found = [p for p in raised.value.problems if f"id=\"{anchor}\"" in p.message and p.file == "content/pages/om.md"]
    assert [p.line for p in found] == [line], raised.value.problems
    assert "Ge den ett annat id" in found[0].message


def test_two_markdown_headings_with_one_text_are_not_an_error(project):
    _page(project, SAME_HEADINGS)
    model = check(project.content, dt.date(2026, 3, 1))
    render(model, TEMPLATES, check_only=True)


def test_a_weekday_date_in_an_event_title_is_reported_on_its_line(project):
    events = (project.content / "events" / "2026.yaml").read_text(encoding="utf-8")
    project.write("events/2026.yaml", events.replace("title: Dialogmöte", "title: Dialogmöte torsdag 12 mars"))
    with pytest.raises(ContentError) as raised:
        check(project.content, dt.date(2026, 3, 1))
    problem = next(p for p in raised.value.problems if "torsdag 12 mars" in p.message)
    assert (problem.file, problem.line, problem.field) == ("content/events/2026.yaml", 2, "title")
    assert "Skriv datumet utan veckodag (”12 mars”)" in problem.message
