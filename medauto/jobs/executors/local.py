"""A local process pool: CPU-bound engines run on every core, each worker process loads its models once."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def _ignore_interrupts() -> None:
    # Ctrl-C belongs to the parent, which stops the job between chunks; workers must not die mid-chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return fn(*args)


class ProcessPoolExecutorAdapter:
    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or os.cpu_count() or 1
        # "spawn": the server process runs threads (HTTP, job runner); forking it could copy a held lock.
        self._pool = ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
        )

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
        futures = [self._pool.submit(_call, fn, tuple(item)) for item in items]
        return [f.result() for f in futures]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
