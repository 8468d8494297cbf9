"""BatchJobHandler on in-memory stores: resume from earlier outputs, stop between chunks, skip earlier jobs' folders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from medauto.jobs.executors import InlineExecutor
from medauto.jobs.models import JobRecord
from medauto.jobs.runner import JobControl, Statuses
from medauto.jobs.store import InMemoryJobStore
from medauto.services.comprehendmedical.batch import STOPPED_REASON, BatchJobHandler
from medauto.services.comprehendmedical.jobs import FAMILIES, new_record, output_folder
from medauto.storage.objects import InMemoryObjectStore

FAMILY = FAMILIES["PHIDetection"]
EARLIER = "out/123456789012-EntitiesDetection-0123456789abcdef0123456789abcdef/n0.txt.out"


class StopAfter(JobControl):
    """Answers "stop" from the ``after``-th question on, as if Stop*Job arrived mid-job."""

    def __init__(self, record: JobRecord, after: int) -> None:
        super().__init__(InMemoryJobStore(), record, "w", Statuses())
        self.after = after
        self.asked = 0
        self.progress: list[dict[str, Any]] = []

    def heartbeat(self, progress: dict[str, Any] | None = None) -> bool:
        self.progress.append(progress or {})
        return True

    def stop_requested(self) -> bool:
        self.asked += 1
        return self.asked > self.after


def setup(files: int) -> tuple[InMemoryObjectStore, JobRecord]:
    objects = InMemoryObjectStore(("ward",))
    for i in range(files):
        objects.put("ward", f"n{i}.txt", f"Call John Smith at 555-123-45{i:02d}.".encode())
    objects.put("ward", EARLIER, b"{}")  # another job's output under the output prefix: not an input
    params = {
        "InputDataConfig": {"S3Bucket": "ward", "S3Key": ""},
        "OutputDataConfig": {"S3Bucket": "ward", "S3Key": "out"},
        "DataAccessRoleArn": "arn:aws:iam::123456789012:role/r",
        "LanguageCode": "en",
    }
    return objects, new_record(FAMILY, "123456789012", "us-east-1", params, datetime.now(UTC))


def test_stop_between_chunks_keeps_earlier_outputs_and_lists_the_rest(tmp_path: Any) -> None:
    objects, record = setup(6)
    folder = output_folder(FAMILY, record)
    objects.put("ward", f"{folder}n5.txt.out", b'{"from": "an earlier attempt"}')
    handler = BatchJobHandler(objects, InlineExecutor(), "fast", str(tmp_path), chunk=2)
    control = StopAfter(record, after=1)  # the first chunk runs, then the stop is seen
    outcome = handler(record, control)
    assert outcome.status == "STOPPED" and outcome.result == {"success": 3, "unprocessed": 3}
    outputs = sorted(o.key for o in objects.list("ward", folder) if o.key.endswith(".out"))
    assert outputs == [f"{folder}n{i}.txt.out" for i in (0, 1, 5)]
    assert objects.get("ward", f"{folder}n5.txt.out") == b'{"from": "an earlier attempt"}'  # not redone
    phi = json.loads(objects.get("ward", f"{folder}n0.txt.out"))
    assert {e["Type"] for e in phi["Entities"]} >= {"NAME", "PHONE_OR_FAX"}
    summary = json.loads(objects.get("ward", f"{folder}Manifest"))["Summary"]
    assert (summary["Status"], summary["InputFileCount"], summary["SuccessFilesCount"]) == ("STOPPED", 6, 3)
    skipped = json.loads(objects.get("ward", f"{folder}unprocessed"))
    assert skipped["Files"] == [f"s3://ward/n{i}.txt" for i in (2, 3, 4)]
    assert set(skipped["Reasons"].values()) == {STOPPED_REASON}
    assert control.progress[-1] == {"processed": 6, "total": 6, "success": 3, "unprocessed": 3}


def test_resumed_job_analyses_only_what_is_missing(tmp_path: Any) -> None:
    objects, record = setup(3)
    folder = output_folder(FAMILY, record)
    objects.put("ward", f"{folder}n1.txt.out", b'{"from": "an earlier attempt"}')
    handler = BatchJobHandler(objects, InlineExecutor(), "fast", str(tmp_path), chunk=2)
    outcome = handler(record, StopAfter(record, after=100))
    assert outcome.status == "COMPLETED" and outcome.result == {"success": 3, "unprocessed": 0}
    assert objects.get("ward", f"{folder}n1.txt.out") == b'{"from": "an earlier attempt"}'
    success = json.loads(objects.get("ward", f"{folder}success"))["Files"]
    assert [f["Input"] for f in success] == [f"s3://ward/n{i}.txt" for i in range(3)]  # EARLIER is no input
    assert all(f["Output"].startswith(f"s3://ward/{folder}") for f in success)


def test_an_engine_failure_on_one_file_leaves_it_unprocessed_and_the_job_goes_on(
    tmp_path: Any, monkeypatch: Any
) -> None:
    from medauto.services.comprehendmedical import analyzers

    real = analyzers.analyze

    def flaky(family: str, profile: str, data_dir: str, text: str) -> dict[str, Any]:
        if text.endswith("4502."):
            raise KeyError("engine bug")
        return real(family, profile, data_dir, text)

    monkeypatch.setattr(analyzers, "analyze", flaky)
    objects, record = setup(4)
    folder = output_folder(FAMILY, record)
    handler = BatchJobHandler(objects, InlineExecutor(), "fast", str(tmp_path), chunk=2)
    outcome = handler(record, StopAfter(record, after=99))
    assert outcome.status == "PARTIAL_SUCCESS" and outcome.result == {"success": 3, "unprocessed": 1}
    assert not objects.exists("ward", f"{folder}n2.txt.out")
    assert all(objects.exists("ward", f"{folder}n{i}.txt.out") for i in (0, 1, 3))
    unprocessed = json.loads(objects.get("ward", f"{folder}unprocessed"))
    assert "Internal error while analysing the file (KeyError)." in json.dumps(unprocessed)
