"""The fast YAML path reads every document exactly as ruamel does, or leaves it to ruamel."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ROOT

from sitegen import fastyaml
from sitegen.load import LoadFailed, _parse_yaml_ruamel

SNIPPETS = [
    "a: 10:30", "a: no", "a: yes", "a: on", "a: off", "a: y", "a: 0o17", "a: 017", "a: 1_000", "a: 1.5", "a: .inf",
    "a: ~", "a:", "a: null", "a: Null", "a: True", "a: TRUE", "a: tRUE", "a: 2026-03-12", "a: 2026-03-12 18:00",
    "a: 2026-03-12T18:00:00Z", "a: '5'", 'a: "x\\ty"', "a: |\n  x\n  y\n", "a: >\n  x\n  y\n", "a: |-\n  x\n\n",
    "a: &x 1\nb: *x", "a: !!str 5", "<<: {a: 1}", "a: [1, two, 'three', {b: c}]", "- a\n- b: c\n  d: e\n-\n  f: g",
    "a: 1\na: 2", "? [a]\n: b", "a: b: c", "a:\t1", "---\na: 1\n---\nb: 2", "%YAML 1.1\n---\na: yes", "a: -1",
    "a: +1", "a: 0x1F", "a: 0b101", "1: x", "true: x", "null: x", "a: 'multi\n  line'", "a: plain\n  continued",
    'a: "\\/"', "# only a comment\n", "a: é\nb: \"\\u00e9\"", "a: 2026-3-1", "a: 12e3", "a: 1e3", "a: =",
    "- id: x\n  organizers: [a, b]\n  repeat:\n    except: [2026-04-07]\n", "a: [\n", "a: 'open", "a: @x", "a: `x",
    "- x\n-y", "a:\n  - 1\n  - 2\n b: 3", "a: *alla*", "a: Föreningen för *alla*.", "title: Möte: vår",
    "a: 00", "a: 09", "a: 1.", "a: .5", "a: -.inf", "a: .NaN", "a: 0.1_0",
]


def _ruamel(text: str) -> object:
    try:
        return _parse_yaml_ruamel(text, "x.yaml", 0)
    except LoadFailed:
        return "error"


@pytest.mark.parametrize("text", SNIPPETS)
def test_fast_path_agrees_with_ruamel_or_steps_aside(text):
    fast = fastyaml.parse(text)
    if fast is not None:
        assert repr(fast) == repr(_ruamel(text))


def _documents() -> list[Path]:
    return sorted([*FIXTURE_SITE.rglob("*.yaml"), *(ROOT / "content").rglob("*.yaml")])


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_content_files_are_read_by_the_fast_path_with_the_same_result(path):
    text = path.read_text(encoding="utf-8")
    fast = fastyaml.parse(text)
    assert fast is not None, "the fast path should handle ordinary content"
    assert repr(fast) == repr(_ruamel(text))


def test_front_matter_lines_are_offset_like_ruamel():
    text = "title: Om oss\nmenu: 2\n"
    assert fastyaml.parse(text, line_offset=1) == _parse_yaml_ruamel(text, "x.md", 1)


def test_plain_scalars_get_the_tag_ruamel_gives_them():
    import random

    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    resolver = VersionedResolver(version=(1, 2))
    rng = random.Random(7)
    alphabet = "0123456789-+._:eExXoObB tTfFnNuUlLrRaAsS~<=!&*"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    values += ["2026-03-12", "2026-3-1 18:00:00", "2026-03-12T18:00:00Z", "1_000", "0o17", "0x1F", ".inf", "-.Inf",
               ".NaN", "1e3", "1.5e-3", "true", "False", "NULL", "~", "", "<<", "=", "10:30", "0b101"]
    for value in values:
        expected = str(resolver.resolve(ScalarNode, value, (True, False))).rsplit(":", 1)[-1]
        assert fastyaml._tag(value) == expected, value
