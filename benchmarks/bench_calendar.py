"""Benchmark of the calendar outputs: 10,000 generated events, their git history, the .ics feeds and kalender.pdf.

Run `make bench-calendar` (or `.venv/bin/python benchmarks/calendar.py [--events N] [--commits N]`). Prints seconds
per step; nothing is asserted, since timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
TODAY = dt.date(2026, 1, 1)
T = TypeVar("T")


def events_yaml(year: int, count: int, rng: random.Random, edit: int = 0) -> str:
    """`count` events in `year`: timed, all-day, multi-day, weekly and monthly repeats, some cancelled."""
    places = ["Gävle", "Sandviken", "Digitalt", "Hela länet"]
    lines = []
    for n in range(count):
        day = dt.date(year, 1, 1) + dt.timedelta(days=n % 360)
        title = f"Träff {year}-{n:05d}" + (" (ändrad)" if n < edit else "")
        lines.append(f"- id: traff-{year}-{n:05d}\n  title: {title}\n  municipality: {rng.choice(places)}\n"
                     f"  organizers: [forening-a]\n  description: Öppet möte om vård, stöd och inflytande. Välkommen!\n")
        kind = n % 10
        if kind == 0:
            lines.append(f"  start: {day}\n  end: {day + dt.timedelta(days=1)}\n")
        elif kind == 1:
            lines.append(f"  start: {day}\n")
        else:
            lines.append(f"  start: {day} 18:00\n  end: {day} 20:00\n  location: Lokal {n}, Storgatan 1\n")
        if kind == 2 and day.month < 11:
            lines.append(f"  repeat: {{freq: weekly, until: {day + dt.timedelta(weeks=6)}, "
                         f"except: [{day + dt.timedelta(weeks=2)}]}}\n")
        if kind == 3 and day.month < 6 and day.day <= 28:
            lines.append(f"  repeat: {{freq: monthly, until: {day + dt.timedelta(days=150)}}}\n")
        if kind == 4 and n % 20 == 4:
            lines.append("  cancelled: true\n")
    return "".join(lines)


def timed(label: str, step: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = step()
    print(f"{label:<48} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=20, help="commits in the generated history, each editing some events")
    args = parser.parse_args()

    from sitegen import history
    from sitegen.memos import Memos
    from sitegen.model import load_site
    from sitegen.render import Context, ics, pdf

    work = Path(tempfile.mkdtemp(prefix="bench-calendar-"))
    try:
        content = work / "content"
        shutil.copytree(FIXTURE, content)
        rng = random.Random(1)
        half = args.events // 2
        git(work, "init", "-q")
        for commit in range(args.commits):
            edit = commit * max(1, half // max(1, args.commits))
            for year in (2026, 2027):
                (content / "events" / f"{year}.yaml").write_text(events_yaml(year, half, random.Random(year), edit), "utf-8")
            git(work, "add", "-A")
            git(work, "commit", "-qm", f"Kalendern, version {commit + 1}")
        del rng

        print(f"{args.events} events, {args.commits} commits of history")
        memos = Memos()  # the run's memos: the git history read while checking serves the feeds and the PDF too
        model = timed("load and check content", lambda: load_site(content, TODAY, None, memos))
        print(f"  {len(model.occurrences)} occurrences, {len(model.upcoming)} upcoming")
        versions = timed("git history (SEQUENCE, LAST-MODIFIED)", lambda: history.load(content, TODAY))  # read anew
        print(f"  highest SEQUENCE {max(v.sequence for v in versions.events.values())}")
        ctx = Context(model, ROOT / "templates", memos=memos)
        feeds = timed("all .ics feeds", lambda: list(ics.render(ctx)))
        print(f"  {len(feeds)} feeds, kalender.ics {len(dict(feeds)['kalender.ics']) / 1e6:.1f} MB")
        html = timed("kalender.pdf: HTML from the template", lambda: pdf.html(ctx))
        del html
        document = timed("kalender.pdf: whole PDF", lambda: list(pdf.render(ctx)))
        size = len(document[0][1]) if document else 0
        pages = subprocess.run(["pdfinfo", "-"], input=document[0][1], capture_output=True).stdout.decode() if document else ""
        count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
        print(f"  {size / 1e6:.1f} MB, {count} pages")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
