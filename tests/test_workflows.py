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


def test_headers_file_gives_hosts_the_policy_the_calendar_type_and_caching(tmp_path):
    from conftest import FIXTURE_SITE, TEMPLATES

    from sitegen.build import build
    from sitegen.render.headers import FILES_CSP

    build(FIXTURE_SITE, tmp_path / "public", TEMPLATES)
    rules: dict[str, dict[str, str]] = {}
    for line in (tmp_path / "public" / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("/"):
            current = rules.setdefault(line, {})
        else:
            name, value = line.strip().split(": ", 1)
            assert name not in current, "a header twice in one rule"
            current[name] = value
    assert rules["/*.ics"] == {"Content-Type": "text/calendar; charset=utf-8"}
    everything = rules["/*"]
    assert everything["Content-Security-Policy"].startswith("default-src 'self'")
    assert everything["Cache-Control"] == "public, max-age=300"
    # Attachments get a second policy that forbids script; joined to the first it is two policies, both enforced.
    assert rules["/files/*"] == {"Content-Security-Policy": FILES_CSP}
    assert "sandbox" in FILES_CSP and "script-src" not in FILES_CSP and FILES_CSP.startswith("default-src 'none'")
    # Hosts join the values of every matching rule, so any other header may be set by one rule only.
    names = [name for pattern, headers in rules.items() for name in headers
             if (pattern, name) != ("/files/*", "Content-Security-Policy")]
    assert len(names) == len(set(names))
