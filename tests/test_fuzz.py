"""Fuzzing the loader: random YAML and Markdown give a clean content error or a site, never a crash.

The number of examples is modest so `make test` stays fast; raise it for a deeper run with
SITEGEN_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py --hypothesis-show-statistics
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from pathlib import Path

from conftest import FIXTURE_SITE, TEMPLATES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sitegen.build import check
from sitegen.errors import ContentError
from sitegen.load import parse_yaml, read_text

TODAY = dt.date(2026, 3, 1)
EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KEYS = ["id", "title", "name", "description", "start", "end", "municipality", "municipalities", "organizers",
        "repeat", "freq", "until", "except", "cancelled", "url", "email", "phone", "law", "excerpts", "text",
        "characteristics", "user_gets", "methods", "question", "term", "definition", "coordinator", "role",
        "base_url", "organisation", "menu", "summary", "date", "footer"]
YAML_NOISE = list(":-[]{}#&*!|>'\"\t\n %@`,?~=\\") + ["\u00a0", "\ufeff", "å", "\x07", "---\n", "...\n", "- ", ": "]
MARKDOWN_NOISE = ["[x](/saknas/)", "[y](#ankare)", "[z](/files/a.pdf)", "<script>alert(1)</script>", "<a href=\"javascript:x\">",
                  "<iframe>", "```", "`", "## Rubrik", "\n", "---", "*", "|a|b|\n|-|-|\n", "<div style=\"x\">", "&amp;", "[a]: /b/"]

scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.sampled_from(["2026-03-12", "2026-03-12 18:00", "2026-02-30", "25:00", "Gävle", "forening-a", "weekly",
                     "https://www.example.org/", "a@example.org", "070-174 06 05", "no", "10:30", "2014:821"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8)), inner, max_size=6),
), max_leaves=25)


def _dump(data: object) -> str:
    stream = io.StringIO()
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.dump(data, stream)
    return stream.getvalue()


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """YAML of a random shape, sometimes with random characters spliced in."""
    text = _dump(draw(values))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(YAML_NOISE)) + text[at:]
    return text


@st.composite
def markdown_texts(draw: st.DrawFn) -> str:
    front = draw(st.one_of(yaml_texts(), st.just("title: Sida\n")))
    body = "".join(draw(st.lists(st.one_of(st.sampled_from(MARKDOWN_NOISE), st.text(max_size=15)), max_size=8)))
    fence_end = draw(st.sampled_from(["---\n", "---\n", "", "--\n"]))
    return draw(st.sampled_from(["---\n", "", "\ufeff---\n"])) + front + fence_end + body


def _site_with(files: dict[str, str | bytes]) -> None:
    """Checks the fixture site with `files` replaced: a clean ContentError or a rendered site are both fine."""
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(FIXTURE_SITE, content)
        (content / "pages" / "delaktighetstrappa.md").write_text("---\ntitle: Trappan\n---\n", encoding="utf-8")
        for name, text in files.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", errors="surrogatepass"))
        try:
            check(content, TODAY, TEMPLATES)
        except ContentError as error:
            assert error.problems
            assert all(p.file.startswith("content/") and p.message for p in error.problems)
            event("content error")
        else:
            event("rendered")


YAML_FILES = ["site.yaml", "associations.yaml", "events/2026.yaml", "laws.yaml", "delaktighetstrappa.yaml",
              "checklist.yaml", "definitions.yaml"]


@FUZZ
@given(name=st.sampled_from(YAML_FILES), text=yaml_texts())
def test_random_yaml_never_crashes(name, text):
    _site_with({name: text})


@FUZZ
@given(name=st.sampled_from(["pages/om.md", "pages/index.md", "news/2026-02-01-nyhet.md"]), text=markdown_texts())
def test_random_markdown_never_crashes(name, text):
    _site_with({name: text})


@FUZZ
@given(name=st.sampled_from(YAML_FILES + ["pages/om.md"]), raw=st.binary(max_size=200))
def test_random_bytes_never_crash(name, raw):
    _site_with({name: raw})


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in the data where a value sits."""
    found: list[tuple[object, ...]] = [prefix] if prefix else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found += _paths(value, (*prefix, key))
    return found


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, str]:
    """A valid fixture file with one value replaced, removed or added: mostly still valid, so the
    renderers get odd values too, not only the validator."""
    name = draw(st.sampled_from(YAML_FILES))
    data = parse_yaml(read_text(FIXTURE_SITE / name, name), name)[0]
    where = draw(st.sampled_from(_paths(data)))
    *parent_path, last = where
    parent = data
    for key in parent_path:
        parent = parent[key]
    action = draw(st.sampled_from(["replace", "replace", "text", "remove", "add"]))
    if action == "remove":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(KEYS))] = draw(values)
    elif action == "text":
        parent[last] = draw(st.text(min_size=1, max_size=40))
    else:
        parent[last] = draw(values)
    return name, _dump(data)


@FUZZ
@given(mutated=mutated_files())
def test_one_changed_value_in_valid_content_never_crashes(mutated):
    name, text = mutated
    _site_with({name: text})
