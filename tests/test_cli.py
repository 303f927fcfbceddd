"""The command line, run in-process: messages in Swedish, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURE_SITE, ROOT


def test_check_accepts_valid_content(invoke):
    result = invoke("check", "--content", str(FIXTURE_SITE), "--today", "2026-03-01")
    assert result.exit_code == 0
    assert "Innehållet är i ordning" in result.output
    assert "4 händelser" in result.output


def test_check_reports_errors_in_swedish_and_exits_1(invoke, scratch_project):
    scratch_project.write("events/2026.yaml", "- id: x\n  title: X\n  start: 2026-02-30\n  municipality: Gävle\n")
    result = invoke("check", "--content", str(scratch_project.content))
    assert result.exit_code == 1
    assert "content/events/2026.yaml, rad 3, fältet ”start”" in result.output
    assert "Traceback" not in result.output


def test_build_writes_site_into_chosen_folder(invoke, tmp_path):
    out = tmp_path / "ut"
    result = invoke("build", "--content", str(FIXTURE_SITE), "--out", str(out), "--today", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Klart: ")
    assert "Varning: site/pages/index.md, rad 9: tog bort <script>" in result.stderr
    assert (out / "index.html").is_file()
    assert (out / "kalender" / "2026" / "mote-2026-03" / "index.html").is_file()


def test_failed_build_leaves_previous_site(invoke, scratch_project, tmp_path):
    out = tmp_path / "public"
    assert invoke("build", "--content", str(scratch_project.content), "--out", str(out)).exit_code == 0
    before = (out / "index.html").read_bytes()
    scratch_project.write("site.yaml", "title: [\n")
    result = invoke("build", "--content", str(scratch_project.content), "--out", str(out))
    assert result.exit_code == 1
    assert "Ingenting publicerades" in result.output
    assert (out / "index.html").read_bytes() == before


def test_bad_today_option_is_explained(invoke):
    result = invoke("build", "--today", "12/3")
    assert result.exit_code == 2
    assert "är inget datum" in result.output


def test_build_py_takes_the_same_options(tmp_path):
    out = tmp_path / "site"
    proc = subprocess.run([sys.executable, "build.py", "--content", str(FIXTURE_SITE), "--out", str(out),
                           "--today", "2026-03-01"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (out / "foreningar" / "forening-a" / "index.html").is_file()


def test_missing_templates_folder_is_explained(invoke, tmp_path):
    result = invoke("check", "--content", str(FIXTURE_SITE), "--templates", str(tmp_path / "mallar"))
    assert result.exit_code == 1
    assert "Mappen med mallarna" in result.output and "finns inte" in result.output
    assert "Traceback" not in result.output


def test_check_renders_everything_but_never_loads_weasyprint():
    code = ("import sys, pathlib; from sitegen.build import check; "
            "check(pathlib.Path('content'), templates=pathlib.Path('templates')); "
            "print('weasyprint' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
