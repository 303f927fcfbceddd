"""Work split across the machine's cores by forking, where the platform can.

Forked workers inherit the parent's memory (the loaded model, compiled templates, converted Markdown),
so nothing but the results crosses between processes.

Every worker, and every program the build starts, ends when the build's process ends, however it ends
(kill -9 included): on Linux the kernel sends it SIGKILL then (prctl PR_SET_PDEATHSIG). Otherwise
workers waiting for work would live on, holding the output folder's lock.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

PARALLEL_PAGES = 200  # above this many pages to render, they are split across processes (one per core)

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1


@functools.cache  # no run's state: libc's function, the same for the life of the process (tests/test_state.py)
def _prctl() -> Any:
    """libc's prctl, looked up in the parent: a child forked from a threaded process should not load libraries."""
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """In a new child process: be killed when the process `parent` ends, and end now if it already has."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the signal was set up: nobody would send it
        os._exit(1)


def child_setup() -> Callable[[], None]:
    """For subprocess's preexec_fn: the started program ends with this process (see die_with_parent)."""
    _prctl()
    return functools.partial(die_with_parent, os.getpid())


def can_fork() -> bool:
    return sys.platform != "win32" and (os.cpu_count() or 1) > 1


def fork_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _prctl()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """A new worker: it ends with the build's process, then gets what its work needs."""
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


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
