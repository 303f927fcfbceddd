"""How long the preview loop takes: from saving a content file to the reloaded page in the browser.

Run with `make bench-serve` (or `.venv/bin/python benchmarks/preview_loop.py [--browser]`). It copies the
content to a temporary folder, starts the preview server, saves a changed page ten times and measures:
- rebuild: the build alone;
- http (without --browser): save -> the page asked for over HTTP (every 20 ms) contains the new text;
- browser (with --browser and /usr/bin/chromium): save -> headless Chromium has reloaded the page and
  its reload script is waiting again, i.e. the new page is on screen. Nothing else asks meanwhile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.build import build  # noqa: E402
from sitegen.errors import SitegenError  # noqa: E402
from sitegen.serve import Preview  # noqa: E402

RUNS = 10


def _content() -> Path:
    """The real content when it builds, else the fixture site."""
    try:
        with tempfile.TemporaryDirectory() as out:
            build(ROOT / "content", Path(out) / "p", ROOT / "templates")
        return ROOT / "content"
    except (SitegenError, ZeroDivisionError):  # content/ may be half-written on a branch
        return ROOT / "tests" / "fixtures" / "site"


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", action="store_true", help="also measure a real headless Chromium")
    args = parser.parse_args()
    source = _content()
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(shutil.copytree(source, Path(tmp) / "content"))
        index = content / "pages" / "index.md"
        original = index.read_text(encoding="utf-8")
        rebuilds: list[float] = []
        preview = Preview(content, Path(tmp) / "public", ROOT / "templates", dt.date.today(), port=0,
                          report=lambda outcome: rebuilds.append(outcome.seconds))
        reloaded: dict[str, float] = {}
        original_wait = preview.wait_for_change

        def wait_for_change(seen: int, timeout: float) -> int:
            # A wait for the newest version comes from a page loaded after the last rebuild.
            if seen == preview.version and "saved" in reloaded and "browser" not in reloaded:
                reloaded["browser"] = time.perf_counter()
            return original_wait(seen, timeout)

        preview.wait_for_change = wait_for_change  # type: ignore[method-assign]
        preview.start()
        browser = None
        if args.browser:
            browser = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking", "--disable-component-update",
                                        "--disable-sync", "--no-first-run", f"--user-data-dir={tmp}/chrome",
                                        "--remote-debugging-port=0", preview.url],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(5)  # let the browser start and load the page once
        http_times, browser_times = [], []
        try:
            for run in range(RUNS):
                marker = f"Ändring nummer {run} {time.time_ns()}"
                reloaded.clear()
                saved = time.perf_counter()
                reloaded["saved"] = saved
                index.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
                if browser:  # only the browser asks, as in real use; polling here would slow the build down
                    stop = time.perf_counter() + 10
                    while "browser" not in reloaded and time.perf_counter() < stop:
                        time.sleep(0.005)
                    if "browser" in reloaded:
                        browser_times.append(reloaded["browser"] - saved)
                    assert marker in _page(preview.url)
                else:
                    while marker not in _page(preview.url):
                        time.sleep(0.02)
                    http_times.append(time.perf_counter() - saved)
                while len(rebuilds) < run + 2:  # the whole rebuild (with the PDF) is done before the next save
                    time.sleep(0.01)
                time.sleep(0.3)
        finally:
            if browser:
                browser.terminate()
                browser.wait()
            preview.stop()
    print(f"content: {source.relative_to(ROOT)}, {RUNS} saves")
    rebuilds = rebuilds[1:]  # the first is the cold start, not a save
    print(f"until reload median {statistics.median(rebuilds) * 1000:5.0f} ms, max {max(rebuilds) * 1000:5.0f} ms "
          "(the rebuild up to the HTML; the PDF follows)")
    if http_times:
        print(f"save->http   median {statistics.median(http_times) * 1000:5.0f} ms, max {max(http_times) * 1000:5.0f} ms")
    if browser_times:
        print(f"save->browser median {statistics.median(browser_times) * 1000:5.0f} ms, "
              f"max {max(browser_times) * 1000:5.0f} ms ({len(browser_times)}/{RUNS} reloads seen)")
    elif args.browser:
        print("save->browser: no reload seen")


if __name__ == "__main__":
    main()
