"""The worst case under each content limit: the largest text of each costly shape that the limits let through,
converted or loaded as a build would, with its time and peak memory. `python benchmarks/limits.py [shape …]`.

The numbers are in README.md ("Gränser"); run this again after changing a limit or upgrading Markdown.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen import markup  # noqa: E402

Shape = Callable[[int], str]
FILLER = "Ordinär text om mötet i Gävle. "
MARKDOWN: dict[str, Shape] = {
    "[ without ]": lambda k: "[" * k,
    "[word without ]": lambda k: "[a " * k,
    "![ without ]": lambda k: "![" * k,
    "[ then a long paragraph": lambda k: "[" * k + FILLER * (markup.MAX_CHARS // len(FILLER)),
    "[](": lambda k: "[](" * k,
    "nested [[…]]": lambda k: "[" * k + "a" + "]" * k,
    "<a without >": lambda k: "<a " * k,
    "<a then a long text": lambda k: "<a " * k + FILLER * (markup.MAX_CHARS // len(FILLER)),
    '<a x="> chain': lambda k: '<a x=">" ' * k,
    "<!-- without -->": lambda k: "<!--" * k,
    "</ without >": lambda k: "</a " * k,
    "<![CDATA[": lambda k: "<![CDATA[" * k,
    "* and _": lambda k: "*_" * k,
    "emphasis words": lambda k: "*a _b " * k,
    "backticks": lambda k: "`a " * k,
    "table rows": lambda k: "|a|b|\n|-|-|\n" + "|x|y|\n" * k,
    "nested lists": lambda k: "".join("    " * (i % markup.MAX_NESTING) + "- x\n" for i in range(k)),
    "nested quotes": lambda k: "".join(">" * (i % markup.MAX_NESTING) + " x\n" for i in range(k)),
    "reference links": lambda k: "".join(f"[a{i}]: /x{i}\n" for i in range(k)) + "".join(f"[a{i}] " for i in range(k)),
    "long line": lambda k: "a" * k,
    "ampersands": lambda k: "&" * k,
    "html table": lambda k: "<table>" + '<tr><td title="x">a</td></tr>' * k + "</table>",
}


def _largest(shape: Shape) -> str:
    """The text of this shape with the most repetitions that the limits accept."""
    low, high = 1, markup.MAX_CHARS
    while low < high:
        middle = (low + high + 1) // 2
        text = shape(middle)
        if len(text) <= markup.MAX_CHARS and not markup.limit_problems(text):
            low = middle
        else:
            high = middle - 1
    return shape(low)


def measure(run: Callable[[], object]) -> tuple[float, float]:
    """Seconds of one run, and the peak of memory allocated during a second run (traced, so slower)."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def main(only: list[str]) -> None:
    markup._converter()
    print("| Markdown shape (largest accepted) | characters | seconds | peak MB |")
    print("| --- | ---: | ---: | ---: |")
    for name, shape in MARKDOWN.items():
        if only and name not in only:
            continue
        text = _largest(shape)
        checked = time.perf_counter()
        markup.limit_problems(text)
        check_seconds = time.perf_counter() - checked
        seconds, peak = measure(lambda text=text: markup._convert(text))
        print(f"| {name} | {len(text):,} | {seconds:.2f} (check {check_seconds:.3f}) | {peak:.0f} |", flush=True)
    for name, run in OTHERS.items():
        if only and name not in only:
            continue
        seconds, peak = measure(run)
        print(f"| {name} | | {seconds:.2f} | {peak:.0f} |", flush=True)
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _yaml(text: str) -> Callable[[], object]:
    from sitegen.load import LoadFailed, parse_yaml

    def run() -> object:
        try:
            return parse_yaml(text, "x.yaml")
        except LoadFailed as failed:
            return failed.problem
    return run


def _svg(count: int) -> Callable[[], object]:
    from sitegen.attachments import check_attachment

    body = '<g><rect x="1" y="2" width="3" height="4" fill="url(#g)" style="stroke:red"/></g>' * count
    data = f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode()
    return lambda: check_attachment("a.svg", data)


def _repeat() -> Callable[[], object]:
    import datetime as dt

    from sitegen import schema
    from sitegen.dates import TZ
    from sitegen.model import MAX_EXCEPT, CalendarEvent, _expand

    skipped = [dt.date(2026, 3, 19) + dt.timedelta(weeks=2 * i) for i in range(MAX_EXCEPT)]
    data = schema.Event.model_validate({"id": "a", "title": "A", "start": "2026-03-12 18:00", "municipality": "Gävle",
                                        "repeat": {"freq": "weekly", "until": "2031-03-12", "except": skipped}})
    return lambda: _expand(CalendarEvent(data, []), TZ, [])


from sitegen.load import MAX_FILE_BYTES, RUAMEL_MAX_CHARS  # noqa: E402

_ITEM = "- question: Vad tycker du om mötet i Gävle, och vad kan bli bättre?\n"
OTHERS: dict[str, Callable[[], object]] = {
    "YAML 2 MB, libyaml path": _yaml(_ITEM * (MAX_FILE_BYTES // len(_ITEM.encode()))),
    "YAML 256 kB, ruamel path (a float)": _yaml("- question: 1.5\n" + _ITEM * (RUAMEL_MAX_CHARS // len(_ITEM) - 1)),
    "YAML 2 MB, a float (refused)": _yaml("- question: 1.5\n" + _ITEM * (MAX_FILE_BYTES // len(_ITEM.encode()) - 1)),
    "YAML 2 MB, an error at the end": _yaml(_ITEM * (MAX_FILE_BYTES // len(_ITEM.encode()) - 1) + "- question: a: b\n"),
    "YAML 5,000 nested [ (refused)": _yaml("a: " + "[" * 5000 + "]" * 5000),
    "YAML 100,000 values, flow list": _yaml("a: [" + "1, " * 99_990 + "1]"),
    "repeat: weekly 5 years, 100 except": _repeat(),
    "SVG attachment 2 MB (23,000 elements)": _svg(2 * 1024 * 1024 // 90),
}


if __name__ == "__main__":
    main(sys.argv[1:])
