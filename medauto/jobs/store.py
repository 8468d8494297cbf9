"""The job store interface and its in-memory implementation (used by tests and ``--store memory``).

Every implementation passes the same contract tests (tests/unit/jobs/test_store_contract.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from medauto.jobs.models import (
    IdempotencyConflict,
    JobFilter,
    JobRecord,
    cut_page,
    decode_cursor,
)


class JobStore(Protocol):
    def create(self, record: JobRecord) -> tuple[JobRecord, bool]:
        """Insert ``record``; with a client token already used for the same kind and account, return the
        existing job and False when the parameters match, or raise IdempotencyConflict when they differ."""
        ...

    def get(self, account_id: str, kind: str, job_id: str) -> JobRecord | None: ...

    def list(
        self, account_id: str, kind: str, filt: JobFilter, limit: int, cursor: str | None = None
    ) -> tuple[list[JobRecord], str | None]:
        """A page of jobs in submit-time order (newest first unless ``filt.ascending``) and the next cursor."""
        ...

    def transition(self, job_id: str, expected: Iterable[str], **changes: Any) -> JobRecord | None:
        """Apply ``changes`` only if the job's status is one of ``expected`` (compare-and-set); None if not."""
        ...

    def claim(
        self,
        kinds: Iterable[str],
        worker: str,
        waiting: str,
        running: str,
        stale_after: timedelta,
        at: datetime,
        stopping: str | None = None,
    ) -> JobRecord | None:
        """Atomically take the oldest job of ``kinds`` that is ``waiting``, or ``running`` (or ``stopping``) with a
        heartbeat older than ``stale_after`` (its worker died), give it to ``worker`` and return it. A waiting or
        running job becomes ``running``; a stopping one keeps its status, so its new worker only winds it up."""
        ...

    def heartbeat(self, job_id: str, worker: str, at: datetime, progress: dict[str, Any] | None = None) -> bool:
        """Refresh the claim; False when the job is no longer this worker's."""
        ...

    def close(self) -> None: ...


def _matches(record: JobRecord, filt: JobFilter) -> bool:
    if filt.name is not None and record.name != filt.name:
        return False
    if filt.status is not None and record.status != filt.status:
        return False
    if filt.submitted_before is not None and not record.submit_time < filt.submitted_before:
        return False
    return not (filt.submitted_after is not None and not record.submit_time > filt.submitted_after)


def page(
    records: list[JobRecord], filt: JobFilter, limit: int, cursor: str | None
) -> tuple[list[JobRecord], str | None]:
    """Order, filter and cut one page; shared by stores that filter in Python."""
    ordered = sorted(
        (r for r in records if _matches(r, filt)),
        key=lambda r: (r.submit_time, r.job_id),
        reverse=not filt.ascending,
    )
    if cursor:
        mark = decode_cursor(cursor)
        if filt.ascending:
            ordered = [r for r in ordered if (r.submit_time, r.job_id) > mark]
        else:
            ordered = [r for r in ordered if (r.submit_time, r.job_id) < mark]
    return cut_page(ordered, limit)


class InMemoryJobStore:
    def __init__(self) -> None:
        self._jobs: dict[str, JobRecord] = {}
        self._lock = threading.Lock()

    def create(self, record: JobRecord) -> tuple[JobRecord, bool]:
        with self._lock:
            if record.client_token:
                for existing in self._jobs.values():
                    same = (existing.account_id, existing.kind, existing.client_token)
                    if same == (record.account_id, record.kind, record.client_token):
                        if existing.request_hash != record.request_hash:
                            raise IdempotencyConflict(existing)
                        return existing, False
            if record.job_id in self._jobs:
                raise ValueError(f"job {record.job_id} exists")
            self._jobs[record.job_id] = record
            return record, True

    def get(self, account_id: str, kind: str, job_id: str) -> JobRecord | None:
        record = self._jobs.get(job_id)
        if record is None or record.account_id != account_id or record.kind != kind:
            return None
        return record

    def list(
        self, account_id: str, kind: str, filt: JobFilter, limit: int, cursor: str | None = None
    ) -> tuple[list[JobRecord], str | None]:
        with self._lock:
            mine = [r for r in self._jobs.values() if r.account_id == account_id and r.kind == kind]
        return page(mine, filt, limit, cursor)

    def transition(self, job_id: str, expected: Iterable[str], **changes: Any) -> JobRecord | None:
        with self._lock:
            record = self._jobs.get(job_id)
            if record is None or record.status not in set(expected):
                return None
            updated = record.with_changes(**changes)
            self._jobs[job_id] = updated
            return updated

    def claim(
        self,
        kinds: Iterable[str],
        worker: str,
        waiting: str,
        running: str,
        stale_after: timedelta,
        at: datetime,
        stopping: str | None = None,
    ) -> JobRecord | None:
        wanted = set(kinds)
        taken_over = {running, stopping or running}
        with self._lock:
            candidates = [
                r
                for r in self._jobs.values()
                if r.kind in wanted
                and (
                    r.status == waiting
                    or (r.status in taken_over and (r.heartbeat is None or at - r.heartbeat > stale_after))
                )
            ]
            if not candidates:
                return None
            chosen = min(candidates, key=lambda r: (r.submit_time, r.job_id))
            status = chosen.status if chosen.status == stopping else running
            updated = chosen.with_changes(status=status, worker=worker, heartbeat=at, attempts=chosen.attempts + 1)
            self._jobs[chosen.job_id] = updated
            return updated

    def heartbeat(self, job_id: str, worker: str, at: datetime, progress: dict[str, Any] | None = None) -> bool:
        with self._lock:
            record = self._jobs.get(job_id)
            if record is None or record.worker != worker:
                return False
            changes: dict[str, Any] = {"heartbeat": at}
            if progress is not None:
                changes["progress"] = progress
            self._jobs[job_id] = record.with_changes(**changes)
            return True

    def close(self) -> None:
        return None
