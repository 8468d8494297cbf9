"""Job records: one durable row per batch job or async invocation, whatever the service.

Services keep their own status vocabularies (Comprehend Medical's ``COMPLETED``, BDA's ``Success``); the store
only needs to know which statuses are waiting to run, running, or final, which the service passes in.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class CmJobStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    PARTIAL_SUCCESS = "PARTIAL_SUCCESS"
    FAILED = "FAILED"
    STOP_REQUESTED = "STOP_REQUESTED"
    STOPPED = "STOPPED"


# Allowed moves of a Comprehend Medical job; anything else is a programming error or a lost race.
CM_TRANSITIONS: dict[CmJobStatus, frozenset[CmJobStatus]] = {
    CmJobStatus.SUBMITTED: frozenset({CmJobStatus.IN_PROGRESS, CmJobStatus.STOP_REQUESTED, CmJobStatus.FAILED}),
    CmJobStatus.IN_PROGRESS: frozenset(
        {
            CmJobStatus.COMPLETED,
            CmJobStatus.PARTIAL_SUCCESS,
            CmJobStatus.FAILED,
            CmJobStatus.STOP_REQUESTED,
        }
    ),
    CmJobStatus.STOP_REQUESTED: frozenset({CmJobStatus.STOPPED, CmJobStatus.FAILED}),
    CmJobStatus.COMPLETED: frozenset(),
    CmJobStatus.PARTIAL_SUCCESS: frozenset(),
    CmJobStatus.FAILED: frozenset(),
    CmJobStatus.STOPPED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    try:
        return CmJobStatus(target) in CM_TRANSITIONS[CmJobStatus(current)]
    except ValueError:
        return False


def now() -> datetime:
    return datetime.now(UTC)


def request_fingerprint(request: dict[str, Any]) -> str:
    """Stable hash of a request's parameters: the same token with other parameters is a conflict."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    account_id: str
    region: str
    kind: str  # e.g. "comprehendmedical:EntitiesDetectionV2", "bda-runtime:invocation"
    status: str
    submit_time: datetime
    request: dict[str, Any] = field(default_factory=dict)  # JSON-able parameters the job runs with
    request_hash: str = ""
    name: str | None = None
    client_token: str | None = None
    end_time: datetime | None = None
    message: str | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    worker: str | None = None
    heartbeat: datetime | None = None
    attempts: int = 0

    def with_changes(self, **changes: Any) -> JobRecord:
        return replace(self, **changes)


@dataclass(frozen=True)
class JobFilter:
    name: str | None = None
    status: str | None = None
    submitted_before: datetime | None = None
    submitted_after: datetime | None = None
    ascending: bool = False


class IdempotencyConflict(Exception):
    """The client token was used before with different parameters."""

    def __init__(self, existing: JobRecord) -> None:
        super().__init__(f"client token already used for job {existing.job_id} with other parameters")
        self.existing = existing


def encode_cursor(record: JobRecord) -> str:
    raw = f"{record.submit_time.isoformat()}|{record.job_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def cut_page(ordered: list[JobRecord], limit: int) -> tuple[list[JobRecord], str | None]:
    """The first ``limit`` records and, when ``ordered`` holds more (stores fetch one extra), the next cursor."""
    chunk = ordered[:limit]
    return chunk, encode_cursor(chunk[-1]) if len(ordered) > limit and chunk else None


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(submit time, job id) of the last record of the previous page; ValueError when malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        stamp, job_id = raw.split("|", 1)
        return datetime.fromisoformat(stamp), job_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed pagination token") from exc
