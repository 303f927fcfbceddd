"""Editor support: the committed JSON Schemas match the models, fit real content, and YAML files point to them."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_SITE, ROOT
from ruamel.yaml import YAML

from sitegen import editor
from sitegen.load import parse_yaml, read_text

SCHEMAS = ROOT / "schemas"
CONTENT_DIRS = [FIXTURE_SITE, ROOT / "content"]


def _yaml_files() -> list[Path]:
    return sorted(p for d in CONTENT_DIRS for p in d.rglob("*.yaml") if editor.expected_schema(p.relative_to(d).as_posix()))


def _load(path: Path) -> object:
    """The file's data exactly as sitegen reads it (YAML 1.2: dates and times stay text)."""
    return parse_yaml(read_text(path, path.name), path.name)[0]


def test_committed_schemas_are_up_to_date(invoke):
    """Fails after a change in sitegen/schema.py until `make schemas` is run and the result committed."""
    assert editor.stale(SCHEMAS) == [], "Run `make schemas` (sitegen schema) and commit schemas/."
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(editor.generate())
    result = invoke("schema", "--check", "--out", str(SCHEMAS))
    assert result.exit_code == 0


def test_schema_check_command_notices_a_stale_schema(invoke, tmp_path):
    assert invoke("schema", "--out", str(tmp_path)).exit_code == 0
    (tmp_path / "site.schema.json").write_text("{}\n", encoding="utf-8")
    result = invoke("schema", "--check", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "site.schema.json" in result.output and "inaktuella" in result.output


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_content_file_fits_its_schema_and_points_to_it(path):
    base = next(d for d in CONTENT_DIRS if path.is_relative_to(d))
    name = editor.expected_schema(path.relative_to(base).as_posix())
    text = path.read_text(encoding="utf-8-sig")
    found = editor.schema_comment(text)
    if base == FIXTURE_SITE or found is not None:
        assert found is not None, f"{path} lacks `# yaml-language-server: $schema=…`"
        target = (path.parent / found[1]).resolve()
        assert target == SCHEMAS / editor.file_name(name), f"{path}: {found[1]}"
    schema = json.loads((SCHEMAS / editor.file_name(name)).read_text(encoding="utf-8"))
    jsonschema.validate(_load(path), schema)


@pytest.mark.parametrize(("name", "document", "complaint"), [
    ("event-list", [{"id": "mote-1", "title": "Möte", "start": "2026-03-12 18:00", "municipality": "Gävle", "organisers": []}],
     "Additional properties"),
    ("event-list", [{"id": "Möte 1", "title": "Möte", "start": "2026-03-12", "municipality": "Gävle"}], "does not match"),
    ("event-list", [{"id": "mote-1", "title": "Möte", "start": "12/3", "municipality": "Gävle"}], "does not match"),
    ("event-list", {"id": "mote-1"}, "is not of type 'array'"),
    ("site", {"title": "X"}, "is a required property"),
    ("association-list", [{"id": "a", "name": "A", "description": "B", "website": "www.example.org"}], "does not match"),
])
def test_schema_refuses_what_the_validator_refuses(name, document, complaint):
    schema = json.loads((SCHEMAS / editor.file_name(name)).read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError, match=re.escape(complaint)):
        jsonschema.validate(document, schema)


def test_pre_commit_hook_runs_sitegen_check(tmp_path, scratch_project):
    config = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    entry = shlex.split(hooks["sitegen-check"]["entry"])
    assert entry[-2:] == ["sitegen", "check"] or entry[-1] == "check" and entry[-2].endswith("/sitegen")
    assert hooks["sitegen-check"]["pass_filenames"] is False
    # The hook's own command, run as pre-commit runs it: refuses bad content, accepts good content.
    good = subprocess.run([*entry, "--content", str(scratch_project.content)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert good.returncode == 0, good.stderr
    scratch_project.write("events/2026.yaml", "- id: x\n  title: [\n")
    bad = subprocess.run([*entry, "--content", str(scratch_project.content)], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 1 and "content/events/2026.yaml, rad 2" in bad.stderr
    validated = subprocess.run([str(ROOT / ".venv" / "bin" / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
                               cwd=ROOT, capture_output=True, text=True, check=False)
    assert validated.returncode == 0, validated.stdout + validated.stderr
