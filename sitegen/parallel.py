"""Work split across the machine's cores by forking, where the platform can.

Forked workers inherit the parent's memory (the loaded model, compiled templates, converted Markdown),
so nothing but the results crosses between processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return sys.platform != "win32" and (os.cpu_count() or 1) > 1


def fork_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)


def split(items: Sequence[T], work: Callable[[list[T]], list[R]], at_least: int,
          initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
          here: Callable[[list[T]], list[R]] | None = None) -> list[R]:
    """work(items), done in one process per core when there are more than `at_least` items.

    The results come back in the order of `items`. `work` takes a list and returns one result per item;
    each forked worker first runs `initializer(*initargs)`, which hands it what `work` needs (with fork,
    nothing of it is pickled). `here` does the same work in this process, when it is not split.
    """
    if len(items) <= at_least or not can_fork():
        return (here or work)(list(items))
    workers = os.cpu_count() or 2
    chunks = [list(items[w::workers]) for w in range(workers)]
    with fork_pool(workers, initializer, initargs) as pool:
        parts = list(pool.map(work, chunks))
    results: list[Any] = [None] * len(items)
    for w, part in enumerate(parts):
        results[w::workers] = part
    return results
