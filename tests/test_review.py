"""Laws that stopped applying (`repealed`, `replaced_by`) and pages and laws that need review (`reviewed`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES

from sitegen.build import check
from sitegen.errors import ContentError
from sitegen.model import SiteModel
from sitegen.render import Context
from sitegen.render.html import common_variables, plan, render_page

TODAY = dt.date(2026, 3, 1)

LAW = """\
- id: gamla-lagen
  law: Gamla lagen
  sfs: "2001:453"
  url: https://lagar.example.org/gamla
{extra}  excerpts:
    - section: 1 §
      text: Den gamla texten.
"""
REPLACED = """\
  repealed: 2025-07-01
  replaced_by:
    name: Nya lagen
    sfs: "2025:400"
    url: https://lagar.example.org/nya
"""


def pages(model: SiteModel) -> dict[str, str]:
    """Every HTML page of the model, rendered in memory, by URL."""
    ctx = Context(model, TEMPLATES)
    common = common_variables(model)
    return {url: render_page(ctx, common, url, t, v).decode() for url, t, v in plan(model)}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_repealed_law_says_above_the_excerpt_until_when_it_applied_and_links_the_new_law(scratch_project):
    scratch_project.write("laws.yaml", LAW.format(extra=REPLACED))
    page = pages(check(scratch_project.content, TODAY))["/lagar/"]
    notice = page.index("Lagen gäller inte längre")
    assert notice < page.index("Den gamla texten")
    text = _text(page)
    assert "Utdragen nedan är ur gamla lagen (SFS 2001:453), som gällde fram till 1 juli 2025." in text
    assert "Sedan dess gäller Nya lagen (SFS 2025:400)." in text
    assert re.search(r'<a href="https://lagar.example.org/nya"[^>]*>Nya lagen \(SFS 2025:400\)', page)
    assert "Läs hela den upphävda lagtexten" in text


def test_law_repealed_later_than_today_says_when_it_will_stop(scratch_project):
    scratch_project.write("laws.yaml", LAW.format(extra=REPLACED.replace("2025-07-01", "2026-07-01")))
    text = _text(pages(check(scratch_project.content, TODAY))["/lagar/"])
    assert "Lagen upphör att gälla 1 juli 2026. Från den dagen gäller i stället Nya lagen (SFS 2025:400)." in text
    assert "gäller inte längre" not in text


def test_law_in_force_has_no_notice(scratch_project):
    scratch_project.write("laws.yaml", LAW.format(extra=""))
    text = _text(pages(check(scratch_project.content, TODAY))["/lagar/"])
    assert "gäller inte längre" not in text and "upphör" not in text


def test_replaced_by_without_repealed_is_an_error_at_its_line(scratch_project):
    scratch_project.write("laws.yaml", LAW.format(extra=REPLACED.replace("  repealed: 2025-07-01\n", "")))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    [problem] = [p for p in caught.value.problems if p.severity == "fel"]
    assert (problem.file, problem.line, problem.field) == ("content/laws.yaml", 5, "replaced_by")
    assert "repealed: 2025-07-01" in problem.message


@pytest.mark.parametrize(("extra", "fragment"), [
    ("  replaced_by: {name: Nya lagen, url: lagar.example.org}\n  repealed: 2025-07-01\n", "ingen giltig webbadress"),
    ("  replaced_by: {name: Nya lagen, url: https://lagar.example.org/nya, sfs: 2025-400}\n  repealed: 2025-07-01\n",
     "SFS-nummer"),
    ("  repealed: 1 juli 2025\n", "inget giltigt datum"),
    ("  replaced_by: {name: Nya lagen, url: https://lagar.example.org/nya, sfs_nr: x}\n  repealed: 2025-07-01\n",
     "Menade du ”sfs”"),
])
def test_bad_repeal_fields_are_swedish_errors(scratch_project, extra, fragment):
    scratch_project.write("laws.yaml", LAW.format(extra=extra))
    with pytest.raises(ContentError) as caught:
        check(scratch_project.content, TODAY)
    assert any(fragment in p.message and p.file == "content/laws.yaml" for p in caught.value.problems), \
        caught.value.show()


def _warnings(model: SiteModel, field: str = "reviewed") -> list[str]:
    return [str(w) for w in model.warnings if w.field == field]


@pytest.mark.parametrize(("reviewed", "warned"), [
    ("2025-03-01", False),  # exactly 12 months: still fine
    ("2025-02-28", True),
    ("2024-01-10", True),
    ("2026-03-01", False),
    ("2026-04-01", True),  # in the future: a typo
])
def test_check_warns_when_a_page_was_reviewed_more_than_12_months_ago(scratch_project, reviewed, warned):
    scratch_project.write("pages/om.md", f"---\ntitle: Om oss\n# granskad\nreviewed: {reviewed}\n---\nText.\n")
    warnings = _warnings(check(scratch_project.content, TODAY))
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].startswith("content/pages/om.md, rad 4, fältet ”reviewed”: ")
        assert "reviewed: 2026-03-01" in warnings[0] or "framtiden" in warnings[0]


def test_old_review_warning_is_swedish_and_names_the_day(scratch_project):
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\nreviewed: 2024-11-24\n---\nText.\n")
    [warning] = _warnings(check(scratch_project.content, TODAY))
    assert "Sidan granskades senast 24 november 2024, för mer än 12 månader sedan." in warning


def test_check_warns_for_a_law_not_reviewed_for_12_months(scratch_project):
    scratch_project.write("laws.yaml", LAW.format(extra="  reviewed: 2024-12-01\n"))
    [warning] = _warnings(check(scratch_project.content, TODAY))
    assert warning.startswith("content/laws.yaml, rad 5, fältet ”reviewed”: Lagtexten granskades senast 1 december 2024")


def test_check_command_prints_the_review_warning(scratch_project, invoke):
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\nreviewed: 2024-11-24\n---\nText.\n")
    result = invoke("check", "--content", str(scratch_project.content), "--today", "2026-03-01")
    assert "content/pages/om.md, rad 3, fältet ”reviewed”" in result.output


def test_page_shows_granskad_beside_senast_uppdaterad(scratch_project):
    scratch_project.write("pages/om.md", "---\ntitle: Om oss\nreviewed: 2026-02-10\n---\nText.\n")
    html = pages(check(scratch_project.content, TODAY))
    footer = _text(html["/om/"].split('class="updated"')[1].split("</p>")[0])
    assert "Senast uppdaterad" in footer and "Granskad 10 februari 2026" in footer
    assert '<time datetime="2026-02-10">' in html["/om/"]
    assert "Granskad" not in html["/"]


def test_accessibility_statement_shows_its_review_day_and_warns_without_one(scratch_project):
    scratch_project.write("pages/tillganglighet.md", "---\ntitle: Tillgänglighetsredogörelse\nreviewed: 2026-02-10\n"
                                                     "---\nText.\n")
    model = check(scratch_project.content, TODAY)
    assert "Redogörelsen granskades och uppdaterades senast 10 februari 2026." in _text(pages(model)["/tillganglighet/"])
    assert not _warnings(model)
    scratch_project.write("pages/tillganglighet.md", "---\ntitle: Tillgänglighetsredogörelse\n---\nText.\n")
    [warning] = _warnings(check(scratch_project.content, TODAY))
    assert "Digg" in warning and "content/pages/tillganglighet.md, rad 2" in warning


def test_shipped_socialtjanstlagen_is_marked_as_replaced_by_sfs_2025_400():
    model = check(ROOT / "content", dt.date(2026, 11, 30))
    law = next(law for law in model.laws if law.id == "socialtjanstlagen")
    assert law.repealed == dt.date(2025, 7, 1)
    assert law.replaced_by is not None and law.replaced_by.sfs == "2025:400"
    assert law.replaced_by.url.startswith("https://www.riksdagen.se/") and "2025-400" in law.replaced_by.url
    statement = model.pages["tillganglighet"]
    assert statement.meta.reviewed is not None
    assert not [w for w in model.warnings if w.field == "reviewed"]


def test_laws_page_of_the_shipped_content_says_the_old_socialtjanstlag_applied_until_1_july_2025():
    model = check(Path(ROOT / "content"), dt.date(2026, 11, 30))
    text = _text(pages(model)["/lagar/"])
    assert "Utdragen nedan är ur socialtjänstlagen (SFS 2001:453), som gällde fram till 1 juli 2025." in text
    assert "Sedan dess gäller Socialtjänstlag (SFS 2025:400)." in text
