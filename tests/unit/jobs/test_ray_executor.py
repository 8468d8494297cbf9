"""A real batch job through the Ray executor on a local Ray cluster (2 CPUs, no dashboard)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from medauto.jobs.executors.ray import RayExecutor
from medauto.jobs.runner import JobRunner
from medauto.jobs.store import InMemoryJobStore
from medauto.services.comprehendmedical.batch import BatchJobHandler
from medauto.services.comprehendmedical.jobs import FAMILIES, new_record, output_folder
from medauto.storage.objects import InMemoryObjectStore

NOTES = {f"in/{i}.txt": f"Note {i}: takes aspirin 81 mg daily; history of hypertension." for i in range(10)}


@pytest.fixture(scope="module")
def executor() -> Iterator[RayExecutor]:
    ray = RayExecutor(actors=2, num_cpus=2)
    yield ray
    ray.close()


def test_batch_job_through_ray_actors(executor: RayExecutor, tmp_path_factory: pytest.TempPathFactory) -> None:
    objects = InMemoryObjectStore(("ward",))
    for key, text in NOTES.items():
        objects.put("ward", key, text.encode())
    objects.put("ward", "in/bad.txt", b"\xff\xfe")
    family = FAMILIES["EntitiesDetectionV2"]
    params = {
        "InputDataConfig": {"S3Bucket": "ward", "S3Key": "in/"},
        "OutputDataConfig": {"S3Bucket": "ward", "S3Key": "out/"},
        "DataAccessRoleArn": "arn:aws:iam::123456789012:role/r",
        "LanguageCode": "en",
    }
    record = new_record(family, "123456789012", "us-east-1", params, datetime.now(UTC))
    jobs = InMemoryJobStore()
    jobs.create(record)
    data_dir = str(tmp_path_factory.mktemp("ray-data"))
    handler = BatchJobHandler(objects, executor, "fast", data_dir, chunk=4)
    assert JobRunner(jobs, {family.kind: handler}, worker_id="ray-test").run_once()
    done = jobs.get(record.account_id, record.kind, record.job_id)
    assert done is not None and done.status == "PARTIAL_SUCCESS"
    folder = output_folder(family, done)
    for key, text in NOTES.items():
        result = json.loads(objects.get("ward", f"{folder}{key[len('in/') :]}.out"))
        aspirin = [e for e in result["Entities"] if e["Text"] == "aspirin"]
        assert aspirin and text[aspirin[0]["BeginOffset"] : aspirin[0]["EndOffset"]] == "aspirin"
    summary = json.loads(objects.get("ward", f"{folder}Manifest"))["Summary"]
    assert (summary["SuccessFilesCount"], summary["UnprocessedFilesCount"]) == (10, 1)


def test_items_run_in_the_same_long_lived_actors_in_order(executor: RayExecutor) -> None:
    actors = set(executor.actor_pids())
    assert len(actors) == 2 and os.getpid() not in actors
    # Every call lands in one of the same two processes, so what a worker loaded once serves every batch.
    for _ in range(2):
        assert set(executor.map(os.getpid, [()] * 8)) <= actors
    assert executor.map(divmod, [(n, 3) for n in range(20)]) == [divmod(n, 3) for n in range(20)]
    assert executor.map(divmod, []) == []
