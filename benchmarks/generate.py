"""Synthetic content for `make bench`, in sitegen's own format, and the same pages as a Hugo site.

Everything is made from a fixed seed, so two runs time the same bytes. Sample data only: example.org
addresses and the reserved 070-174 06 xx phone numbers.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

MUNICIPALITIES = ["Bollnäs", "Gävle", "Hofors", "Hudiksvall", "Ljusdal", "Nordanstig", "Ockelbo", "Ovanåker",
                  "Sandviken", "Söderhamn"]
WORDS = [
    "brukare", "närstående", "delaktighet", "inflytande", "samverkan", "förening", "region", "kommun",
    "vård", "stöd", "dialog", "möte", "erfarenhet", "kunskap", "utveckling", "återhämtning", "psykisk",
    "hälsa", "verksamhet", "personal", "samordnare", "länet", "rättigheter", "information", "insats",
    "boende", "arbete", "gemenskap", "träff", "utbildning",
]
MENU = ["index", "aktuellt", "kalender", "foreningar", "om"]

SITE_YAML = """\
# Synthetic benchmark site. Sample data.
title: Brukarinflytande psykisk hälsa
tagline: Ett syntetiskt testinnehåll för mätningar.
organisation: Exempelregionen
base_url: https://bench.example.org/
language: sv
timezone: Europe/Stockholm
municipalities: [{municipalities}]
coordinator:
  name: Testa Testsson
  role: Samordnare
  email: samordnare@example.org
  phone: 070-174 06 05
footer: Utgiven av Exempelregionen. Läs [tillgänglighetsredogörelsen](/tillganglighet/).
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 14)) for _ in range(rng.randint(3, 6)))


def page_body(rng: random.Random, index: int, pages: int) -> str:
    """About 400 words: headings, paragraphs, a list, internal and external links."""
    other = (index * 7 + 3) % (pages - 3)  # one of the plain pages (three are index, om, tillganglighet)
    parts = [_paragraph(rng), f"## Bakgrund {index}", _paragraph(rng),
             f"Läs också [sida {other}](/sida-{other:04d}/) och [om oss](/om/) eller "
             "[en extern källa](https://www.example.org/kunskap).",
             "## Vad vi gör", "\n".join(f"- {_sentence(rng, rng.randint(3, 8))}" for _ in range(5)),
             _paragraph(rng), "### Kontakt", _paragraph(rng), "## Mer att läsa", _paragraph(rng), _paragraph(rng)]
    return "\n\n".join(parts) + "\n"


def _pages(rng: random.Random, count: int) -> list[tuple[str, str, str, int | None]]:
    """(slug, title, body, menu) for the start page, a few menu pages and `count` plain pages in all."""
    pages: list[tuple[str, str, str, int | None]] = [("index", "Välkommen", page_body(rng, 0, count), 1),
                                                      ("om", "Om brukarinflytande", page_body(rng, 1, count), 5),
                                                      ("tillganglighet", "Tillgänglighetsredogörelse",
                                                       page_body(rng, 2, count), None)]
    for index in range(count - len(pages)):
        pages.append((f"sida-{index:04d}", f"Sida {index}: {_sentence(rng, 3)[:-1]}", page_body(rng, index, count), None))
    return pages


def write_pages(content: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    for slug, title, body, menu in _pages(rng, count):
        front = f"title: \"{title}\"\ndescription: En syntetisk sida för mätningar.\n"
        if menu:
            front += f"menu: {menu}\n"
        (content / "pages" / f"{slug}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def write_site(content: Path) -> None:
    content.mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text(SITE_YAML.format(municipalities=", ".join(MUNICIPALITIES)), encoding="utf-8")


def write_associations(content: Path, count: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    ids = [f"forening-{index:03d}" for index in range(count)]
    rows = ["# Synthetic associations. Sample data."]
    for index, assoc_id in enumerate(ids):
        rows += [f"- id: {assoc_id}",
                 f"  name: Förening {index}",
                 f"  description: {_sentence(rng, 12)} Vi träffas *varje vecka*.",
                 f"  focus: {rng.choice(WORDS).capitalize()}",
                 "  audience: [brukare, närstående]",
                 f"  municipalities: [{rng.choice(MUNICIPALITIES)}]",
                 f"  website: https://forening-{index}.example.org/",
                 f"  email: forening-{index}@example.org",
                 f"  phone: 070-174 06 {5 + index % 95:02d}",
                 "  contact: Ordföranden"]
    (content / "associations.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ids


def write_events(content: Path, count: int, organizers: list[str], seed: int = 3) -> None:
    """`count` events from 2025 on, one file a year; one in twenty repeats weekly for two months.

    Three years, or more when a year's file would pass sitegen's 2 MB limit for one file.
    """
    rng = random.Random(seed)
    by_year: dict[int, list[str]] = {}
    first = dt.date(2025, 1, 1)
    years = max(3, -(-count // 4000))
    for index in range(count):
        day = first + dt.timedelta(days=rng.randrange(0, years * 365 - 70))
        hour = rng.choice([9, 10, 13, 14, 17, 18])
        rows = [f"- id: handelse-{index:05d}",
                f"  title: {rng.choice(['Dialogmöte', 'Träff', 'Föreläsning', 'Utbildning'])} {index}",
                f"  start: {day.isoformat()} {hour:02d}:00",
                f"  end: {day.isoformat()} {hour + 2:02d}:00",
                f"  location: Lokal {index % 50}, Storgatan {index % 90 + 1}",
                f"  municipality: {rng.choice(MUNICIPALITIES)}"]
        if organizers:
            rows.append(f"  organizers: [{rng.choice(organizers)}]")
        rows += ["  category: dialogmöte", f"  description: {_sentence(rng, 15)}"]
        if index % 20 == 0:
            until = day + dt.timedelta(weeks=8)
            rows += ["  repeat:", "    freq: weekly", f"    until: {until.isoformat()}"]
        by_year.setdefault(day.year, []).extend(rows)
    (content / "events").mkdir(parents=True, exist_ok=True)
    for year, rows in sorted(by_year.items()):
        (content / "events" / f"{year}.yaml").write_text("# Synthetic events. Sample data.\n" + "\n".join(rows) + "\n",
                                                          encoding="utf-8")


def sitegen_corpus(content: Path, pages: int, associations: int, events: int) -> None:
    if content.exists():
        shutil.rmtree(content)
    write_site(content)
    write_pages(content, pages)
    ids = write_associations(content, associations) if associations else []
    if events:
        write_events(content, events, ids)


HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
languageCode = "sv"
title = "Brukarinflytande psykisk hälsa"
disableKinds = ["taxonomy", "term", "RSS"]
relativeURLs = true
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """\
<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "static/style.css" | relURL }}"></head>
<body><a class="skip-link" href="#main">Hoppa till huvudinnehållet</a>
<header class="site-header"><p class="brand"><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p>
<nav class="menu" aria-label="Huvudmeny"><ul>
{{ $current := . }}{{ range site.Menus.main }}<li><a href="{{ .URL | relURL }}"
{{- if $current.IsMenuCurrent "main" . }} aria-current="page"{{ end }}>{{ .Name }}</a></li>{{ end }}
</ul></nav></header>
<main id="main"><div class="wrap">{{ block "main" . }}{{ end }}</div></main>
<footer class="site-footer"><p>Kontakt: Testa Testsson, samordnare</p></footer>
</body></html>
"""

HUGO_SINGLE = '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n'
HUGO_LIST = '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n'


def hugo_site(root: Path, pages: int) -> None:
    """The same pages (same seed, same Markdown) as a Hugo site with an equivalent page layout."""
    if root.exists():
        shutil.rmtree(root)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (root / "layouts" / "index.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n',
                                                 encoding="utf-8")
    rng = random.Random(1)
    for slug, title, body, menu in _pages(rng, pages):
        front = f"title: \"{title}\"\ndescription: En syntetisk sida för mätningar.\n"
        if menu:
            front += f"menu:\n  main:\n    weight: {menu}\n"
        name = "_index.md" if slug == "index" else f"{slug}.md"
        (root / "content" / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")
