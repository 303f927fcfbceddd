"""Progress of a long build: a bar on a terminal, plain lines in a CI log, nothing for a quick one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO

SHOW_AFTER = 2.0  # seconds: a build quicker than this shows only its summary

# The phases of a run as the coordinator reads them.
PHASES = {
    "scan": "läste av filerna", "load": "läste och kontrollerade innehållet", "plan": "planerade sidorna",
    "keys": "jämförde med förra bygget", "pages": "gjorde sidorna", "render": "gjorde flöden, PDF och sökindex",
    "links": "kontrollerade länkarna", "publish": "publicerade",
}


@dataclass
class Progress:
    """Reports each finished phase once the run has taken more than SHOW_AFTER seconds."""

    stream: TextIO | None = None  # None: quiet (the library's default; the CLI passes stderr)
    started: float = field(default_factory=time.perf_counter)
    seen: list[str] = field(default_factory=list)
    shown: bool = False

    def done(self, phase: str) -> None:
        self.seen.append(phase)
        elapsed = time.perf_counter() - self.started
        if self.stream is None or elapsed < SHOW_AFTER:
            return
        text = PHASES.get(phase, phase)
        if self.stream.isatty():
            filled = round(20 * len(self.seen) / len(PHASES))
            self.stream.write(f"\r[{'#' * filled}{'.' * (20 - filled)}] {elapsed:5.1f} s {text:<40}")
        else:
            self.stream.write(f"{elapsed:6.1f} s  {text}\n")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown and self.stream is not None and self.stream.isatty():
            self.stream.write("\n")


def summary(timings: dict[str, float]) -> str:
    """Where the time went, in Swedish: the phases that took a noticeable share, longest first."""
    total = sum(timings.values()) or 1.0
    parts = sorted(((t, name) for name, t in timings.items() if t >= 0.05), reverse=True)
    return ", ".join(f"{PHASES.get(name, name)} {t:.2f} s ({t / total:.0%})" for t, name in parts[:4])
