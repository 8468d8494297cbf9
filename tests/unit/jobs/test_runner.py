"""The job runner with the in-memory store: outcomes recorded, and stopping jobs of dead workers wound up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from medauto.jobs.models import JobRecord, request_fingerprint
from medauto.jobs.runner import JobControl, JobRunner, Outcome
from medauto.jobs.store import InMemoryJobStore

KIND = "comprehendmedical:PHIDetection"


def record(job_id: str) -> JobRecord:
    return JobRecord(
        job_id=job_id,
        account_id="111122223333",
        region="us-east-1",
        kind=KIND,
        status="SUBMITTED",
        submit_time=datetime.now(UTC) - timedelta(hours=1),
        request={},
        request_hash=request_fingerprint({}),
    )


class CountingHandler:
    """Processes ``files`` items one by one, stopping between items when asked, as real handlers do."""

    def __init__(self, files: int) -> None:
        self.files = files
        self.processed = 0
        self.saw_stop = False

    def __call__(self, job: JobRecord, control: JobControl) -> Outcome:
        for _ in range(self.files):
            if control.stop_requested():
                self.saw_stop = True
                return Outcome("STOPPED", None, {"processed": self.processed})
            self.processed += 1
            control.heartbeat({"processed": self.processed})
        return Outcome("COMPLETED", None, {"processed": self.processed})


def test_runner_records_the_handler_outcome() -> None:
    store = InMemoryJobStore()
    store.create(record("a" * 32))
    handler = CountingHandler(3)
    runner = JobRunner(store, {KIND: handler}, worker_id="w1")
    assert runner.run_once()
    done = store.get("111122223333", KIND, "a" * 32)
    assert done is not None and (done.status, done.result) == ("COMPLETED", {"processed": 3})
    assert done.progress == {"processed": 3}
    assert done.end_time is not None
    assert not runner.run_once()  # nothing left


def test_stop_requested_job_of_a_dead_worker_ends_stopped() -> None:
    store = InMemoryJobStore()
    job_id = "b" * 32
    store.create(record(job_id))
    # A worker claimed it long ago, was asked to stop, and died before it could finish.
    long_ago = datetime.now(UTC) - timedelta(minutes=30)
    store.claim([KIND], "dead", "SUBMITTED", "IN_PROGRESS", timedelta(seconds=120), long_ago)
    assert store.transition(job_id, ["IN_PROGRESS"], status="STOP_REQUESTED") is not None
    handler = CountingHandler(5)
    runner = JobRunner(store, {KIND: handler}, worker_id="w2", stale_after=timedelta(seconds=60))
    assert runner.run_once()
    final = store.get("111122223333", KIND, job_id)
    assert final is not None
    assert (final.status, final.worker, final.attempts) == ("STOPPED", "w2", 2)
    assert handler.saw_stop and handler.processed == 0
    assert final.end_time is not None


def test_stopping_job_with_a_live_worker_is_left_alone() -> None:
    store = InMemoryJobStore()
    job_id = "c" * 32
    store.create(record(job_id))
    store.claim([KIND], "alive", "SUBMITTED", "IN_PROGRESS", timedelta(seconds=120), datetime.now(UTC))
    store.transition(job_id, ["IN_PROGRESS"], status="STOP_REQUESTED")
    runner = JobRunner(store, {KIND: CountingHandler(1)}, worker_id="w2", stale_after=timedelta(seconds=60))
    assert not runner.run_once()
    current = store.get("111122223333", KIND, job_id)
    assert current is not None and (current.status, current.worker) == ("STOP_REQUESTED", "alive")
