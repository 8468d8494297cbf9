"""A Comprehend Medical batch job on local folders or S3 prefixes, without a server: what ``medauto batch`` runs.

It is the service's own job code: a job record in an in-memory job store, the runner, BatchJobHandler and the
executor, writing the same layout (``<AccountId>-<JobType>-<JobId>/`` with ``.out`` files and manifests). Plain
folders are given to the handler as buckets named by their absolute path (a name no S3 bucket can have), so the
manifests name local files by their paths.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medauto.jobs.executors import Executor
from medauto.jobs.models import CmJobStatus
from medauto.jobs.runner import JobRunner
from medauto.jobs.store import InMemoryJobStore
from medauto.services.comprehendmedical.batch import BatchJobHandler, s3_uri
from medauto.services.comprehendmedical.jobs import FAMILIES, new_record, output_folder
from medauto.storage.encryption import LocalKeyring
from medauto.storage.folders import FolderObjectStore
from medauto.storage.objects import ObjectStore, StorageError
from medauto.storage.routed import RoutedObjectStore

# ``--job`` names -> job families.
JOB_TYPES = {
    "entities": "EntitiesDetectionV2",
    "phi": "PHIDetection",
    "icd10cm": "ICD10CMInference",
    "rxnorm": "RxNormInference",
    "snomedct": "SNOMEDCTInference",
}
ROLE = "arn:aws:iam::000000000000:role/medauto-local-batch"  # echoed only; local runs assume no role


@dataclass(frozen=True)
class Location:
    """A local folder, or an S3 bucket and key prefix."""

    folder: Path | None = None
    bucket: str = ""
    prefix: str = ""

    @classmethod
    def parse(cls, text: str) -> Location:
        if text.startswith("s3://"):
            bucket, _, prefix = text[len("s3://") :].partition("/")
            if not bucket:
                raise ValueError(f"{text!r} names no bucket")
            return cls(bucket=bucket, prefix=prefix)
        return cls(folder=Path(text).expanduser().resolve())

    @property
    def is_s3(self) -> bool:
        return self.folder is None


@dataclass(frozen=True)
class LocalBatchRequest:
    source: Location
    target: Location
    job: str  # a JOB_TYPES key
    profile: str
    data_dir: Path
    account_id: str = "123456789012"
    region: str = "us-east-1"
    kms_key: str | None = None
    s3_endpoint_url: str | None = None
    key_file: Path | None = None  # local key for --kms-key on folder outputs


@dataclass(frozen=True)
class Progress:
    processed: int
    total: int
    success: int
    unprocessed: int
    elapsed: float


@dataclass(frozen=True)
class LocalBatchResult:
    status: str
    message: str | None
    job_id: str
    output: str  # the job's output folder, as a path or s3:// URI
    total: int
    success: int
    unprocessed: dict[str, str] = field(default_factory=dict)  # input -> reason
    metered_characters: int = 0
    wall_seconds: float = 0.0


@dataclass(frozen=True)
class _Plan:
    objects: ObjectStore
    locate: Callable[[str, str], str]
    input_config: dict[str, str]
    output_config: dict[str, str]


def _plan(request: LocalBatchRequest) -> _Plan:
    """Buckets and prefixes for the job, and one object store serving all of them."""
    source, target = request.source, request.target
    folders: dict[str, Path] = {}
    routes: dict[str, ObjectStore] = {}
    s3: ObjectStore | None = None
    if source.is_s3 or target.is_s3:
        from medauto.storage.s3 import S3ObjectStore

        s3 = S3ObjectStore(request.s3_endpoint_url, request.region)

    def place(where: Location) -> tuple[str, str]:
        if where.folder is None:
            assert s3 is not None
            routes[where.bucket] = s3
            return where.bucket, where.prefix
        # An output folder inside the input folder shares its bucket, so the job skips its own outputs.
        if source.folder is not None and where is target and where.folder.is_relative_to(source.folder):
            label = str(source.folder)
            relative = where.folder.relative_to(source.folder).as_posix()
            return label, "" if relative == "." else relative + "/"
        label = str(where.folder)
        folders[label] = where.folder
        return label, ""

    in_bucket, in_prefix = place(source)
    out_bucket, out_prefix = place(target)
    if folders:
        keyring = LocalKeyring(request.key_file) if request.key_file else None
        local = FolderObjectStore(folders, keyring=keyring)
        routes.update({label: local for label in folders})

    def locate(bucket: str, key: str) -> str:
        return str(Path(bucket) / key) if bucket in folders else s3_uri(bucket, key)

    return _Plan(
        RoutedObjectStore(routes),
        locate,
        {"S3Bucket": in_bucket, "S3Key": in_prefix},
        {"S3Bucket": out_bucket, "S3Key": out_prefix},
    )


def run_local_batch(
    request: LocalBatchRequest,
    executor: Executor,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    chunk: int = 16,
) -> LocalBatchResult:
    """Run the job to its end; ``stop`` asks it to stop between two chunks of files (STOPPED)."""
    plan = _plan(request)
    family = FAMILIES[JOB_TYPES[request.job]]
    in_bucket = plan.input_config["S3Bucket"]
    if not plan.objects.bucket_exists(in_bucket):
        raise StorageError(f"the input {plan.locate(in_bucket, '')} does not exist or is not accessible")
    params: dict[str, Any] = {
        "InputDataConfig": plan.input_config,
        "OutputDataConfig": plan.output_config,
        "DataAccessRoleArn": ROLE,
        "LanguageCode": "en",
        "JobName": f"medauto-batch-{request.job}",
    }
    if request.kms_key:
        params["KMSKey"] = request.kms_key
    record = new_record(family, request.account_id, request.region, params, datetime.now(UTC))
    store = InMemoryJobStore()
    store.create(record)
    handler = BatchJobHandler(plan.objects, executor, request.profile, str(request.data_dir), chunk, plan.locate)
    runner = JobRunner(store, {family.kind: handler}, worker_id="medauto-batch")
    started = time.monotonic()
    thread = threading.Thread(target=runner.run_once, name="medauto-batch-job", daemon=True)
    thread.start()
    asked_to_stop = False

    def report(progress: dict[str, Any]) -> None:
        if on_progress is not None and progress:
            elapsed = time.monotonic() - started
            p = progress
            on_progress(Progress(p["processed"], p["total"], p["success"], p["unprocessed"], elapsed))

    while thread.is_alive():
        thread.join(0.25)
        current = store.get(record.account_id, record.kind, record.job_id)
        assert current is not None
        if stop is not None and stop.is_set() and not asked_to_stop:
            store.transition(record.job_id, [CmJobStatus.IN_PROGRESS], status=CmJobStatus.STOP_REQUESTED)
            asked_to_stop = True
        report(current.progress)
    final = store.get(record.account_id, record.kind, record.job_id)
    assert final is not None
    report(final.progress)
    wall = time.monotonic() - started
    folder = output_folder(family, final)
    out_bucket = plan.output_config["S3Bucket"]
    return LocalBatchResult(
        status=final.status,
        message=final.message,
        job_id=final.job_id,
        output=plan.locate(out_bucket, folder),
        total=int(final.progress.get("total", 0)),
        success=int(final.result.get("success", 0)),
        unprocessed=_reasons(plan.objects, out_bucket, folder),
        metered_characters=_metered(plan.objects, out_bucket, folder),
        wall_seconds=wall,
    )


def _read_json(objects: ObjectStore, bucket: str, key: str) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(objects.get(bucket, key))
        return value
    except (StorageError, ValueError):  # a job that failed before writing manifests
        return {}


def _reasons(objects: ObjectStore, bucket: str, folder: str) -> dict[str, str]:
    reasons: dict[str, str] = _read_json(objects, bucket, f"{folder}unprocessed").get("Reasons", {})
    return reasons


def _metered(objects: ObjectStore, bucket: str, folder: str) -> int:
    return int(_read_json(objects, bucket, f"{folder}Manifest").get("Summary", {}).get("TotalMeteredCharacters", 0))
