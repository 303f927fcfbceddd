"""The publishing workflows: tests first, publish only from main and only when the tests passed."""

from __future__ import annotations

from conftest import ROOT
from ruamel.yaml import YAML


def load(path: str) -> dict:
    return YAML(typ="safe", pure=True).load((ROOT / path).read_text(encoding="utf-8"))


def test_github_pages_publishes_only_after_make_test_on_main():
    flow = load(".github/workflows/pages.yml")
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = [step.get("run") for step in build["steps"]]
    assert runs.index("make test") < runs.index("make site")
    upload = next(i for i, step in enumerate(build["steps"]) if "upload-pages-artifact" in step.get("uses", ""))
    assert upload > runs.index("make site")
    assert build["steps"][upload]["with"]["path"] == "public"
    assert build["steps"][upload]["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "build" and deploy["if"] == "github.ref == 'refs/heads/main'"
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])
    checkout = build["steps"][0]
    assert checkout["uses"].startswith("actions/checkout") and checkout["with"]["fetch-depth"] == 0
    assert runs.index('git config --global --add safe.directory "$GITHUB_WORKSPACE"') < runs.index("make test")
    assert flow["on"]["schedule"], "a nightly build moves past events to the archive"


def test_gitlab_pages_publishes_only_after_the_test_job_on_the_default_branch():
    ci = load(".gitlab-ci.yml")
    assert ci["test"]["script"] == ["make test"]
    pages = ci["pages"]
    assert pages["needs"] == ["test"] and ci["stages"].index("test") < ci["stages"].index(pages["stage"])
    assert pages["script"][-1] == "make site"
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert ci["variables"]["GIT_DEPTH"] == "0"
