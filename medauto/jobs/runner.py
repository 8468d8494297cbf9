"""The job runner: claim a waiting job, run its kind's handler, record the outcome.

Handlers belong to services and are passed in by kind, so this module knows nothing of any service. A worker
that dies stops heart-beating; after ``stale_after`` another worker claims the job again, and handlers are
written to resume (they skip outputs that already exist), so nothing is lost or written twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from medauto.jobs.models import JobRecord
from medauto.jobs.store import JobStore

log = logging.getLogger("medauto.jobs")


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Statuses:
    """The service's words for the four states the runner cares about."""

    waiting: str = "SUBMITTED"
    running: str = "IN_PROGRESS"
    stop_requested: str = "STOP_REQUESTED"
    stopped: str = "STOPPED"
    failed: str = "FAILED"


class JobControl:
    """What a handler may do while it runs: report progress (a heartbeat) and ask whether to stop."""

    def __init__(self, store: JobStore, record: JobRecord, worker: str, statuses: Statuses) -> None:
        self._store = store
        self._record = record
        self._worker = worker
        self._statuses = statuses
        self.lost = False

    def heartbeat(self, progress: dict[str, Any] | None = None) -> bool:
        alive = self._store.heartbeat(self._record.job_id, self._worker, datetime.now(UTC), progress)
        self.lost = self.lost or not alive
        return alive

    def stop_requested(self) -> bool:
        current = self._store.get(self._record.account_id, self._record.kind, self._record.job_id)
        return current is None or current.status == self._statuses.stop_requested or current.worker != self._worker


Handler = Callable[[JobRecord, JobControl], Outcome]


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        handlers: Mapping[str, Handler],
        *,
        statuses: Statuses | None = None,
        poll_seconds: float = 0.5,
        stale_after: timedelta = timedelta(seconds=120),
        threads: int = 1,
        worker_id: str | None = None,
    ) -> None:
        self._store = store
        self._handlers = dict(handlers)
        self._statuses = statuses or Statuses()
        self._poll = poll_seconds
        self._stale_after = stale_after
        self._threads = threads
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def run_once(self) -> bool:
        """Claim and run one job; False when none was waiting."""
        statuses = self._statuses
        record = self._store.claim(
            self._handlers,
            self.worker_id,
            statuses.waiting,
            statuses.running,
            self._stale_after,
            datetime.now(UTC),
            stopping=statuses.stop_requested,
        )
        if record is None:
            return False
        control = JobControl(self._store, record, self.worker_id, statuses)
        # A job asked to stop whose worker died is taken over too: its handler sees the stop request at once and
        # only writes the final manifests, and the job ends stopped rather than hanging in STOP_REQUESTED.
        winding_up = record.status == statuses.stop_requested
        log.info(
            "job %s (%s) %s by %s, attempt %d",
            record.job_id,
            record.kind,
            "wound up" if winding_up else "started",
            self.worker_id,
            record.attempts,
        )
        try:
            outcome = self._handlers[record.kind](record, control)
        except Exception as exc:  # a handler bug must not kill the worker, nor leave the job running forever
            log.exception("job %s failed", record.job_id)
            outcome = Outcome(statuses.failed, f"Internal error while processing the job: {type(exc).__name__}")
        if winding_up and outcome.status != statuses.failed:
            outcome = Outcome(statuses.stopped, outcome.message, outcome.result)
        if control.lost:
            log.warning("job %s was taken over by another worker; dropping this worker's outcome", record.job_id)
            return True
        done = self._store.transition(
            record.job_id,
            [statuses.running, statuses.stop_requested],
            status=outcome.status,
            message=outcome.message,
            result=outcome.result,
            end_time=datetime.now(UTC),
        )
        log.info("job %s finished: %s%s", record.job_id, outcome.status, "" if done else " (state changed meanwhile)")
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # the store may be briefly unavailable (e.g. PostgreSQL restart)
                log.exception("job runner iteration failed")
                worked = False
            if not worked:
                self._stop.wait(self._poll)

    def start(self) -> None:
        for n in range(self._threads):
            thread = threading.Thread(target=self._loop, name=f"medauto-jobs-{n}", daemon=True)
            thread.start()
            self._workers.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout)
        self._workers.clear()

    def wait(self) -> None:
        """Block until stop() (used by ``medauto worker``)."""
        while not self._stop.wait(1.0):
            pass
