"""Save → served, over HTTP, for `hugo server` and `sitegen serve` on the same machine (used by run.py).

Each server is started as its own process; then a file is saved with a new marker and the page is asked for
every 10 ms until it contains the marker. The time from the save to that answer is one figure.
"""

from __future__ import annotations

import re
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

POLL = 0.01
LIMIT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(url: str, marker: str, limit: float = LIMIT) -> float | None:
    """Seconds until the page at `url` contains `marker`, or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if marker in fetch(url):
            return time.perf_counter() - started
        time.sleep(POLL)
    return None


def save_to_served(url: str, save: Callable[[str], None], rounds: int) -> list[float]:
    """`rounds` saves, each with a new marker, and the time until the page shows it."""
    times = []
    for index in range(rounds):
        marker = f"Mätmarkör {index} {time.time_ns()}"
        started = time.perf_counter()
        save(marker)
        seen = wait_for(url, marker)
        if seen is None:
            raise RuntimeError(f"{url} never showed the saved text")
        times.append(time.perf_counter() - started)
        time.sleep(1.0)  # let the server settle (background work) before the next save
    return times


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def hugo_server(hugo: Path, site: Path, rounds: int) -> list[float]:
    """`hugo server` on the generated Hugo site: one page saved → the new text served."""
    page = sorted((site / "content").glob("*.md"))[5]
    original = page.read_text(encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([str(hugo), "server", "-s", str(site), "--port", str(port), "--bind", "127.0.0.1",
                                "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{page.stem}/"
    try:
        if wait_for(url, "<h1>") is None:
            raise RuntimeError("hugo server did not start")
        return save_to_served(url, lambda marker: page.write_text(f"{original}\n{marker}\n", encoding="utf-8"), rounds)
    finally:
        _stop(process)
        page.write_text(original, encoding="utf-8")


def sitegen_server(sitegen: Path, content: Path, templates: Path, today: str, rounds: int, kind: str) -> list[float]:
    """`sitegen serve` (in memory): one page, or one event of the calendar, saved → its page served."""
    port = free_port()
    process = subprocess.Popen([str(sitegen), "serve", "--content", str(content), "--templates", str(templates),
                                "--today", today, "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    path, url_path, save = _event_edit(content) if kind == "event" else _page_edit(content)
    original = path.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}{url_path}"
    try:
        if wait_for(url, "<h1", limit=600) is None:
            raise RuntimeError("sitegen serve did not start")
        time.sleep(2.0)  # the PDF and the search index of the first run
        return save_to_served(url, save, rounds)
    finally:
        _stop(process)
        path.write_text(original, encoding="utf-8")


def _page_edit(content: Path) -> tuple[Path, str, Callable[[str], None]]:
    page = sorted((content / "pages").glob("*.md"))[5]
    original = page.read_text(encoding="utf-8")
    return page, f"/{page.stem}/", lambda marker: page.write_text(f"{original}\n{marker}\n", encoding="utf-8")


def _event_edit(content: Path) -> tuple[Path, str, Callable[[str], None]]:
    files = sorted((content / "events").glob("*.yaml"))
    path = files[len(files) // 2]
    original = path.read_text(encoding="utf-8")
    found = re.search(r"^- id: (\S+)\n  title: ", original, re.MULTILINE)
    assert found is not None
    at = found.end()

    def save(marker: str) -> None:
        path.write_text(original[:at] + marker + " " + original[at:], encoding="utf-8")
    return path, f"/kalender/{path.stem}/{found.group(1)}/", save


def median(times: list[float]) -> float:
    return statistics.median(times)
