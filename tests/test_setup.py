"""`make site` on a fresh clone: quiet unless something fails, and it turns on the content check before commits.

Everything runs in throwaway git repositories under tmp_path, never in this repository's shared hooks folder.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_FILES, ROOT

GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=check, timeout=300)


def _pip_lines() -> list[list[str]]:
    """The pip commands `make site` would run to install, as make prints them (-n: nothing is run)."""
    done = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), ".venv/.installed"], capture_output=True, text=True,
                          check=True)
    return [shlex.split(line) for line in done.stdout.splitlines() if re.search(r"/pip install\b", line)]


def test_the_install_lines_show_errors_only():
    lines = _pip_lines()
    assert len(lines) == 2, lines  # pip itself, then the project with its test and dev tools
    for words in lines:
        assert "-qq" in words and "--disable-pip-version-check" in words, words


def test_with_the_makefiles_flags_pip_hides_warnings_but_shows_errors(tmp_path):
    """The same flags on an install that warns (an index location that does not exist) and fails."""
    flags = [w for w in _pip_lines()[1] if w.startswith("-") and w != "-e"]
    missing = (tmp_path / "no-such-index").as_uri()
    done = subprocess.run([sys.executable, "-m", "pip", "install", *flags, "--no-index", "--find-links", missing,
                           "sitegen-no-such-package"], capture_output=True, text=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "WARNING" not in said and "is ignored" not in said
    assert "ERROR: No matching distribution found for sitegen-no-such-package" in said


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone-like repository: the Makefile, the hook, the check's config, a small site and this .venv."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    for name in ("Makefile", ".pre-commit-config.yaml", ".ci/pre-commit-hook"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "templates", repo / "templates")
    for name, text in BASE_FILES.items():
        path = repo / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        import textwrap

        path.write_text(textwrap.dedent(text), encoding="utf-8")
    run("git", "init", "-q", "-b", "main", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-q", "-m", "Start", cwd=repo)
    return repo


def _hook(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "pre-commit"


def test_make_hook_installs_once_and_is_silent_afterwards(clone):
    first = run("make", "--no-print-directory", "hook", cwd=clone)
    assert "Innehållet kontrolleras nu före varje commit" in first.stdout
    assert _hook(clone).read_bytes() == (ROOT / ".ci" / "pre-commit-hook").read_bytes()
    assert os.access(_hook(clone), os.X_OK)
    again = run("make", "--no-print-directory", "hook", cwd=clone)
    assert again.stdout == "" and again.stderr == ""


def test_make_hook_does_nothing_without_git_and_leaves_a_foreign_hook(clone, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy2(clone / "Makefile", plain / "Makefile")
    done = run("make", "--no-print-directory", "hook", cwd=plain)
    assert done.returncode == 0 and done.stdout == ""
    _hook(clone).parent.mkdir(parents=True, exist_ok=True)
    _hook(clone).write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    done = run("make", "--no-print-directory", "hook", cwd=clone)
    assert "finns redan och är inte sitegens" in done.stdout
    assert _hook(clone).read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"


def test_the_hook_refuses_a_commit_with_a_content_error(clone):
    (clone / ".venv").symlink_to(ROOT / ".venv")
    run("make", "--no-print-directory", "hook", cwd=clone)
    events = clone / "content" / "events" / "2026.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("municipality: Gävle", "municipality: Gävel"),
                      encoding="utf-8")
    run("git", "add", "-A", cwd=clone)
    refused = run("git", "commit", "-q", "-m", "Fel", cwd=clone, check=False)
    assert refused.returncode != 0
    assert "”Gävel” är ingen kommun i site.yaml. Menade du ”Gävle”?" in refused.stdout + refused.stderr
    events.write_text(events.read_text(encoding="utf-8").replace("Gävel", "Gävle"), encoding="utf-8")
    run("git", "add", "-A", cwd=clone)
    assert run("git", "commit", "-q", "-m", "Rätt", cwd=clone, check=False).returncode == 0


def test_a_worktree_without_its_own_venv_is_told_to_run_make_site(clone, tmp_path):
    run("make", "--no-print-directory", "hook", cwd=clone)
    other = tmp_path / "other"
    run("git", "worktree", "add", "-q", "-b", "other", str(other), cwd=clone)
    (other / "content" / "pages" / "ny.md").write_text("---\ntitle: Ny\n---\nText.\n", encoding="utf-8")
    run("git", "add", "-A", cwd=other)
    done = run("git", "commit", "-q", "-m", "Ny sida", cwd=other, check=False)
    assert done.returncode == 0, done.stderr
    assert f"programmen saknas i {other.resolve()}/.venv" in done.stderr
    assert "Kör make site en gång" in done.stderr
