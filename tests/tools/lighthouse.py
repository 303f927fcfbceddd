"""`make lighthouse`: Lighthouse's four category scores for the start page, the calendar and one event page.

Builds the real content, serves it on 127.0.0.1 and runs Lighthouse (from node_modules) in Debian's Chromium.
A report for people, not a gate: the scores depend on the machine, so `make test` does not run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitecheck import CHROMIUM, CHROMIUM_ARGS, CONTENT, ROOT, build_site, serve  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def scores(url: str) -> dict[str, int]:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    run = subprocess.run([str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
                          f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
                         capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, check=False)
    if run.returncode != 0:
        sys.exit(f"Lighthouse misslyckades för {url}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(CONTENT, Path(tmp) / "public")
        event = next(p for p in site.pages if p.startswith("kalender/20") and p.endswith("/"))
        for served in serve(site):
            print(f"{'Sida':<45} " + " ".join(f"{c:>14}" for c in CATEGORIES))
            for page in ["", "kalender/", event]:
                result = scores(served.url(page))
                print(f"{'/' + page:<45} " + " ".join(f"{result[c]:>14}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
