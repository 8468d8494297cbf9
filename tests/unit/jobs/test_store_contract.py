"""One contract, every JobStore implementation: idempotency, listing, compare-and-set, claims, heartbeats."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from medauto.jobs.models import CmJobStatus, IdempotencyConflict, JobFilter, JobRecord, can_move, request_fingerprint
from medauto.jobs.postgres_store import PostgresJobStore
from medauto.jobs.sqlite_store import SqliteJobStore
from medauto.jobs.store import InMemoryJobStore, JobStore
from tests.stores import store_fixture

KIND = "comprehendmedical:EntitiesDetectionV2"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


store = store_fixture(
    memory=InMemoryJobStore,
    sqlite=lambda tmp: SqliteJobStore(tmp / "jobs.sqlite"),
    postgres=PostgresJobStore,
    tables=("medauto_jobs",),
)


def job(
    n: int,
    *,
    token: str | None = None,
    name: str | None = None,
    account: str = "111122223333",
    params: dict[str, str] | None = None,
    kind: str = KIND,
) -> JobRecord:
    request = params or {"S3Bucket": "in"}
    return JobRecord(
        job_id=f"{n:032x}",
        account_id=account,
        region="us-east-1",
        kind=kind,
        status="SUBMITTED",
        submit_time=T0 + timedelta(minutes=n),
        request=request,
        request_hash=request_fingerprint(request),
        name=name,
        client_token=token,
    )


def test_create_get_and_idempotency(store: JobStore) -> None:
    first, created = store.create(job(1, token="tok"))
    assert created
    again, created = store.create(job(2, token="tok"))
    assert (again.job_id, created) == (first.job_id, False)
    with pytest.raises(IdempotencyConflict):
        store.create(job(3, token="tok", params={"S3Bucket": "other"}))
    # The same token in another account or job kind is independent.
    assert store.create(job(4, token="tok", account="999999999999"))[1]
    assert store.create(job(5, token="tok", kind="comprehendmedical:PHIDetection"))[1]
    got = store.get("111122223333", KIND, first.job_id)
    assert got == first
    assert store.get("999999999999", KIND, first.job_id) is None
    assert store.get("111122223333", "comprehendmedical:PHIDetection", first.job_id) is None


def test_list_orders_filters_and_pages(store: JobStore) -> None:
    for n in range(1, 8):
        store.create(job(n, name="nightly" if n % 2 else "adhoc"))
    store.create(job(50, account="999999999999"))
    records, cursor = store.list("111122223333", KIND, JobFilter(), 3)
    assert [r.job_id[-1] for r in records] == ["7", "6", "5"]
    assert cursor
    records, cursor = store.list("111122223333", KIND, JobFilter(), 3, cursor)
    assert [r.job_id[-1] for r in records] == ["4", "3", "2"]
    records, cursor = store.list("111122223333", KIND, JobFilter(), 3, cursor)
    assert [r.job_id[-1] for r in records] == ["1"] and cursor is None
    named, _ = store.list("111122223333", KIND, JobFilter(name="nightly", ascending=True), 10)
    assert [r.job_id[-1] for r in named] == ["1", "3", "5", "7"]
    before, _ = store.list(
        "111122223333", KIND, JobFilter(submitted_before=T0 + timedelta(minutes=3), ascending=True), 10
    )
    assert [r.job_id[-1] for r in before] == ["1", "2"]
    after, _ = store.list("111122223333", KIND, JobFilter(submitted_after=T0 + timedelta(minutes=5)), 10)
    assert [r.job_id[-1] for r in after] == ["7", "6"]
    with pytest.raises(ValueError):
        store.list("111122223333", KIND, JobFilter(), 3, "not-a-cursor!")


def test_transition_is_compare_and_set(store: JobStore) -> None:
    record, _ = store.create(job(1))
    moved = store.transition(record.job_id, ["SUBMITTED"], status="STOP_REQUESTED", message="stop")
    assert moved is not None and (moved.status, moved.message) == ("STOP_REQUESTED", "stop")
    assert store.transition(record.job_id, ["SUBMITTED"], status="IN_PROGRESS") is None
    end = T0 + timedelta(hours=1)
    done = store.transition(record.job_id, ["STOP_REQUESTED"], status="STOPPED", end_time=end, result={"n": 1})
    assert done is not None and done.end_time == end and done.result == {"n": 1}
    assert store.get(record.account_id, KIND, record.job_id) == done


def test_claim_oldest_once_and_reclaim_stale(store: JobStore) -> None:
    store.create(job(2))
    store.create(job(1))
    stale = timedelta(seconds=30)
    first = store.claim([KIND], "w1", "SUBMITTED", "IN_PROGRESS", stale, T0)
    second = store.claim([KIND], "w2", "SUBMITTED", "IN_PROGRESS", stale, T0)
    assert first is not None and second is not None
    assert (first.job_id[-1], second.job_id[-1]) == ("1", "2")
    assert (first.status, first.worker, first.attempts) == ("IN_PROGRESS", "w1", 1)
    assert store.claim([KIND], "w3", "SUBMITTED", "IN_PROGRESS", stale, T0) is None
    assert store.heartbeat(first.job_id, "w1", T0 + timedelta(seconds=20), {"done": 3})
    assert not store.heartbeat(first.job_id, "w9", T0)
    # w2 went silent: after the stale window its job is taken over, w1's (fresh heartbeat) is not.
    taken = store.claim([KIND], "w3", "SUBMITTED", "IN_PROGRESS", stale, T0 + timedelta(seconds=45))
    assert taken is not None and (taken.job_id, taken.worker, taken.attempts) == (second.job_id, "w3", 2)
    assert not store.heartbeat(second.job_id, "w2", T0 + timedelta(seconds=46))
    refreshed = store.get(first.account_id, KIND, first.job_id)
    assert refreshed is not None and refreshed.progress == {"done": 3}


def test_stale_stop_requested_job_is_taken_over_and_keeps_its_status(store: JobStore) -> None:
    record, _ = store.create(job(1))
    stale = timedelta(seconds=30)
    assert store.claim([KIND], "w1", "SUBMITTED", "IN_PROGRESS", stale, T0, stopping="STOP_REQUESTED") is not None
    assert store.transition(record.job_id, ["IN_PROGRESS"], status="STOP_REQUESTED") is not None
    later = T0 + timedelta(seconds=45)
    # Without ``stopping`` (and while the worker still beats) a stopping job is nobody else's.
    assert store.claim([KIND], "w2", "SUBMITTED", "IN_PROGRESS", stale, later) is None
    assert store.heartbeat(record.job_id, "w1", T0 + timedelta(seconds=20))
    assert store.claim([KIND], "w2", "SUBMITTED", "IN_PROGRESS", stale, later, stopping="STOP_REQUESTED") is None
    # w1 died: after the stale window w2 takes the job to wind it up; it is still STOP_REQUESTED, not running.
    dead = T0 + timedelta(seconds=60)
    taken = store.claim([KIND], "w2", "SUBMITTED", "IN_PROGRESS", stale, dead, stopping="STOP_REQUESTED")
    assert taken is not None
    assert (taken.job_id, taken.status, taken.worker, taken.attempts) == (record.job_id, "STOP_REQUESTED", "w2", 2)
    assert not store.heartbeat(record.job_id, "w1", dead)
    assert store.claim([KIND], "w3", "SUBMITTED", "IN_PROGRESS", stale, dead, stopping="STOP_REQUESTED") is None
    assert store.get(record.account_id, KIND, record.job_id) == taken


def test_concurrent_claims_never_share_a_job(store: JobStore) -> None:
    for n in range(40):
        store.create(job(n))
    taken: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            got = store.claim([KIND], name, "SUBMITTED", "IN_PROGRESS", timedelta(hours=1), T0)
            if got is None:
                return
            with lock:
                taken.append(got.job_id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(f"{n:032x}" for n in range(40))


def test_status_transitions_follow_comprehend_medical() -> None:
    assert can_move("SUBMITTED", "IN_PROGRESS")
    assert can_move("IN_PROGRESS", "PARTIAL_SUCCESS")
    assert can_move("STOP_REQUESTED", "STOPPED")
    assert not can_move("COMPLETED", "IN_PROGRESS")
    assert not can_move("STOPPED", "STOP_REQUESTED")
    assert not can_move("SUBMITTED", "bogus")
    assert {s.value for s in CmJobStatus} == {
        "SUBMITTED",
        "IN_PROGRESS",
        "COMPLETED",
        "PARTIAL_SUCCESS",
        "FAILED",
        "STOP_REQUESTED",
        "STOPPED",
    }
