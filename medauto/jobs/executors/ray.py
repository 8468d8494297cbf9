"""The Ray executor (``--executor ray``): work items analysed by actors on a Ray cluster, a local one by default.

Each actor is a long-lived worker process holding one instance of a callable class, so whatever the analysis
function loads on first use (the text pipeline, vocabularies) is loaded once per actor and serves every later
batch, as Ray Data's ``map_batches`` does with callable classes. Calls are spread over the actors round-robin;
each actor runs its queue in order, and results come back in input order. Needs the ``[ray]`` extra.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("medauto.jobs")


class BatchWorker:
    """The actor: applies a function to a batch of argument tuples in the actor's process."""

    def run(self, fn: Callable[..., Any], batch: Sequence[tuple[Any, ...]]) -> list[Any]:
        return [fn(*item) for item in batch]

    def pid(self) -> int:
        return os.getpid()


class RayExecutor:
    def __init__(self, address: str | None = None, actors: int | None = None, num_cpus: int | None = None) -> None:
        self._address = address
        self._size = max(1, actors or os.cpu_count() or 1)
        self._num_cpus = num_cpus if num_cpus is not None else (None if address else self._size)
        self._actors: list[Any] = []
        self._owns_ray = False
        self._lock = threading.Lock()
        self._next = 0

    def _started(self) -> list[Any]:
        """Connect (or start a local cluster) and create the actors on first use, not at construction."""
        with self._lock:
            if self._actors:
                return self._actors
            import ray

            if not ray.is_initialized():
                ray.init(
                    address=self._address,
                    num_cpus=self._num_cpus,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                    log_to_driver=False,
                )
                self._owns_ray = True
            worker_class = ray.remote(num_cpus=1)(BatchWorker)
            self._actors = [worker_class.remote() for _ in range(self._size)]
            log.info("ray executor: %d actors on %s", self._size, self._address or "a local cluster")
            return self._actors

    def actor_pids(self) -> list[int]:
        import ray

        return list(ray.get([actor.pid.remote() for actor in self._started()]))

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
        if not items:
            return []
        import ray

        actors = self._started()
        size = math.ceil(len(items) / len(actors))
        batches = [[tuple(item) for item in items[i : i + size]] for i in range(0, len(items), size)]
        with self._lock:  # round-robin start point shared by the job threads
            start = self._next
            self._next = (start + len(batches)) % len(actors)
        refs = [actors[(start + n) % len(actors)].run.remote(fn, batch) for n, batch in enumerate(batches)]
        return [result for batch in ray.get(refs) for result in batch]

    def close(self) -> None:
        with self._lock:
            if not self._actors and not self._owns_ray:
                return
            import ray

            for actor in self._actors:
                ray.kill(actor)
            self._actors = []
            if self._owns_ray:
                ray.shutdown()
                self._owns_ray = False
