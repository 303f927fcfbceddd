"""Nothing pasted or typed by the coordinator can run in a reader's browser, and the site says so to the browser."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, TEMPLATES

from sitegen.build import build
from sitegen.render.headers import CSP, HEADER_CSP

TODAY = dt.date(2026, 3, 1)

PASTED = """\
---
title: Inklistrat
---
Text från en annan webbplats.

<script>alert("skript")</script>
<p onclick="alert('klick')" style="color:red">Klicka</p>
<a href="javascript:alert('länk')">Länk</a> och [data](data:text/html;base64,PHNjcmlwdD4=)
<iframe src="https://video.example.org/"></iframe>
<img src="x" onerror="alert('bild')">
<style>body { display: none }</style>

Läs [mer hos föreningen](https://forening.example.org/) eller [hos oss](https://test.example.org/om/).
"""

DANGEROUS = [r"<script(?![^>]*application/ld\+json)", r"\son\w+\s*=", r"\sstyle\s*=", r"<style", r"<iframe", r"<img",
             r"javascript:", r"""(?:href|src)\s*=\s*["']?data:"""]


@pytest.fixture(scope="module")
def pasted_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("safe")
    content = root / "content"
    import shutil

    shutil.copytree(FIXTURE_SITE, content)
    (content / "pages" / "inklistrat.md").write_text(PASTED, encoding="utf-8")
    associations = (content / "associations.yaml").read_text(encoding="utf-8")
    (content / "associations.yaml").write_text(associations.replace(
        "name: Förening A", "name: \"<script>alert('namn')</script> & <b>A</b>\""), encoding="utf-8")
    result = build(content, root / "public", TEMPLATES, TODAY)
    return root / "public", [str(w) for w in result.warnings]


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix in {".html", ".xml"})


def test_no_script_handler_style_frame_or_dangerous_url_reaches_a_page(pasted_site):
    out, _ = pasted_site
    pasted = (out / "inklistrat" / "index.html").read_text(encoding="utf-8")
    assert "Text från en annan webbplats" in pasted and "alert(" not in pasted
    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        # JSON-LD is data the browser never runs; the coordinator's text in it must not be able to end it.
        for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            assert "<" not in data, f"{page.relative_to(out)}: {data}"
            json.loads(data)
        text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
        if page == out / "sok" / "index.html":  # the search page's own two scripts, from the site's own files
            for src in ("../pagefind/pagefind-ui.js", "../static/sok.js"):
                text = text.replace(f'<script src="{src}" defer></script>', "", 1)
        for pattern in DANGEROUS:
            assert not re.search(pattern, text, re.IGNORECASE), f"{page.relative_to(out)}: {pattern}"


def test_yaml_text_is_escaped_not_interpreted(pasted_site):
    out, _ = pasted_site
    page = (out / "foreningar" / "forening-a" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;namn&#39;)&lt;/script&gt; &amp; &lt;b&gt;A&lt;/b&gt;" in page
    assert "<b>A</b>" not in page


def test_the_coordinator_is_told_what_was_removed(pasted_site):
    _, warnings = pasted_site
    [warning] = [w for w in warnings if "inklistrat.md" in w]
    assert warning.startswith("content/pages/inklistrat.md, rad 6: tog bort <script>")
    for removed in ["attributet onclick (skript)", "attributet style (inbäddad stil)", "en javascript:-länk",
                    "en data:-länk", "<iframe>", "<img>", "<style>"]:
        assert removed in warning


def test_external_links_get_noopener_and_own_links_do_not(pasted_site):
    out, _ = pasted_site
    page = (out / "inklistrat" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://forening.example.org/" rel="noopener">' in page
    assert '<a href="https://test.example.org/om/">' in page
    for path in _pages(out):
        for tag in re.findall(r"<a\b[^>]*>", path.read_text(encoding="utf-8")):
            href = re.search(r'href="([^"]*)"', tag)
            if href and re.match(r"https?://(?!test\.example\.org/)", href.group(1)):
                assert 'rel="noopener"' in tag, f"{path.relative_to(out)}: {tag}"


def test_every_page_carries_a_same_origin_content_security_policy(pasted_site):
    out, _ = pasted_site
    # No inline scripts or styles and no eval(); 'wasm-unsafe-eval' only lets the search page compile Pagefind.
    assert CSP.startswith("default-src 'self';") and "http" not in CSP
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP and "'unsafe-hashes'" not in CSP
    for page in out.rglob("*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in head, page
        # The policy must come before anything it governs.
        assert head.index("Content-Security-Policy") < head.index("stylesheet"), page


def test_headers_file_for_hosts_that_read_one(pasted_site):
    out, _ = pasted_site
    lines = (out / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    assert f"  Content-Security-Policy: {HEADER_CSP}" in lines
    assert HEADER_CSP.startswith(CSP)
    assert "  X-Content-Type-Options: nosniff" in lines
