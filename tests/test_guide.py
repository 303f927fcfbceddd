"""The coordinator's guide (content/README.md): every example in it builds, every error it shows is real,
and its field tables match the models."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES

from sitegen import fields
from sitegen.build import build, check
from sitegen.errors import ContentError

GUIDE = ROOT / "content" / "README.md"
_FENCE = re.compile(r"^```(\w*)(.*?)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)

BASE = {
    "site.yaml": """\
title: Guidens provplats
organisation: Exempelregionen
base_url: https://guide.example.org/
municipalities: [Bollnäs, Gävle, Hofors, Hudiksvall, Ljusdal, Nordanstig, Ockelbo, Ovanåker, Sandviken, Söderhamn]
coordinator:
  name: Testa Testsson
  role: Samordnare
""",
    "pages/index.md": "---\ntitle: Välkommen\nmenu: 1\n---\nStartsidan.\n",
}


@dataclass
class Example:
    target: str  # the file inside content/
    text: str
    wrong: bool
    expected: str = ""


def examples() -> list[Example]:
    found: list[Example] = []
    blocks = list(_FENCE.finditer(GUIDE.read_text(encoding="utf-8")))
    for index, block in enumerate(blocks):
        language, info, text = block.groups()
        target = re.search(r'title="content/([^"]+)"', info)
        if language not in ("yaml", "markdown") or not target:
            continue
        example = Example(target.group(1), text, wrong=info.split()[-1] == "fel")
        if example.wrong:
            message = blocks[index + 1]
            assert message.group(1) == "text", f"the wrong example for {example.target} needs a ```text block after it"
            example.expected = message.group(3)
        found.append(example)
    return found


GOOD = [e for e in examples() if not e.wrong]
WRONG = [e for e in examples() if e.wrong]


def good_site(root: Path) -> Path:
    content = root / "content"
    for name, text in BASE.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    for example in GOOD:
        path = content / example.target
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".yaml":  # list examples for the same file are entries of one list
            with path.open("a", encoding="utf-8") as handle:
                handle.write(example.text)
        else:
            assert not path.exists(), f"two examples write {example.target}"
            path.write_text(example.text, encoding="utf-8")
    return content


def test_the_guide_has_examples_of_everything_it_promises():
    targets = {e.target.split("/")[0] for e in GOOD}
    assert {"events", "associations.yaml", "news", "pages"} <= targets
    texts = "".join(e.text for e in GOOD)
    assert "repeat:" in texts and "cancelled: true" in texts
    assert len(WRONG) >= 8


def test_every_example_in_the_guide_builds(tmp_path):
    content = good_site(tmp_path)
    model = check(content)
    ids = {e.id for e in model.events}
    for example in GOOD:
        if example.target.startswith("events/"):
            assert set(re.findall(r"^- id: (\S+)", example.text, re.MULTILINE)) <= ids
    assert "exempelforeningen" in {a.id for a in model.associations}
    assert {"index", "om-natverket"} <= set(model.pages)
    assert [n.slug for n in model.news] == ["nytt-dialogmote"]
    build(content, tmp_path / "public", TEMPLATES)
    assert (tmp_path / "public" / "om-natverket" / "index.html").is_file()
    assert "INSTÄLLT" in (tmp_path / "public" / "kalender" / "2026" / "forelasning-bollnas-2026-04" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("example", WRONG, ids=[e.expected.split(":")[0][:40] or e.target for e in WRONG])
def test_every_error_the_guide_shows_is_the_real_message(example, tmp_path):
    content = good_site(tmp_path)
    (content / example.target).write_text(example.text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check(content)
    shown = [line.strip() for line in caught.value.show().splitlines()]
    expected = [line.strip() for line in example.expected.splitlines() if line.strip()]
    assert expected, "the ```text block after a wrong example must hold the message"
    for line in expected:
        assert line in shown, ("The guide's message differs from the real one (after an intended change: "
                               "`.venv/bin/python tests/test_guide.py`):\n" + "\n".join(shown))


def test_every_example_can_be_pasted_into_the_real_content(tmp_path):
    """What the coordinator does: copy each example into the shipped content. No id, file, menu place or
    association may clash with what is already there, and every example needs only what is there."""
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")  # the YAML files' schema comments point there
    before = {str(w) for w in check(content).warnings}
    for example in GOOD:
        path = content / example.target
        if path.suffix == ".yaml" and path.exists():
            old = path.read_text(encoding="utf-8")
            path.write_text(old + ("" if old.endswith("\n") else "\n") + example.text, encoding="utf-8")
        else:
            assert not path.exists(), f"the example for {example.target} would overwrite a file of the real content"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(example.text, encoding="utf-8")
    try:
        model = check(content)
    except ContentError as exc:
        raise AssertionError("An example in the guide clashes with the real content:\n" + exc.show()) from None
    assert {str(w) for w in model.warnings} - before == set()


def test_field_tables_match_the_models():
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count("<!-- fält: ") == 9
    assert fields.fill(text) == text, "Run `python -m sitegen.fields content/README.md` to update the tables."


def test_readme_is_not_published_as_a_page(tmp_path):
    content = good_site(tmp_path)
    shutil.copy(GUIDE, content / "README.md")
    build(content, tmp_path / "public", TEMPLATES)
    published = {p.relative_to(tmp_path / "public").as_posix() for p in (tmp_path / "public").rglob("*")}
    assert not any("readme" in name.lower() for name in published)


def refresh() -> None:
    """Rewrites the message after each wrong example in the guide with what the generator says now."""
    import tempfile

    text = GUIDE.read_text(encoding="utf-8")
    for example in WRONG:
        with tempfile.TemporaryDirectory() as tmp:
            content = good_site(Path(tmp))
            (content / example.target).write_text(example.text, encoding="utf-8")
            try:
                check(content)
                raise SystemExit(f"{example.target}: this wrong example gives no error")
            except ContentError as exc:
                message = "\n".join(str(p) for p in exc.problems) + "\n"
        block = f"{example.text}```\n\n```text\n"
        text = text.replace(block + example.expected, block + message, 1)
    GUIDE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    refresh()
