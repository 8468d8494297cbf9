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


def _call_many(fn: Callable[..., Any], batch: list[tuple[Any, ...]]) -> list[Any]:
    return [fn(*args) for args in batch]


class ProcessPoolExecutorAdapter:
    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or os.cpu_count() or 1
        # "spawn": the server process runs threads (HTTP, job runner); forking it could copy a held lock.
        self._pool = ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
        )

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
        # A few items per task: one round trip per batch instead of per item, still enough tasks to balance.
        size = max(1, len(items) // (self.processes * 4))
        batches = [[tuple(item) for item in items[i : i + size]] for i in range(0, len(items), size)]
        futures = [self._pool.submit(_call_many, fn, batch) for batch in batches]
        return [result for f in futures for result in f.result()]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
