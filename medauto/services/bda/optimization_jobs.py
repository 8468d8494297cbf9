"""Running a blueprint optimization invocation: samples from S3, the optimizer, results back to S3.

An invocation is a resource of kind ``blueprint-optimization-invocation`` whose body is ``{"status",
"blueprintArn", "stage", "schema", "samples", "output", "kms"?, "owner", "result"?, "completed"?, "errorType"?,
"errorMessage"?}`` (``schema`` is the blueprint stage as it was when the invocation was made). One daemon thread per
server process works through the invocations in order: Created -> InProgress -> Success, or ClientError (a sample
that cannot be read or used) / ServiceError (anything else).

Results are written where AWS writes them (as observed from the service; the API reference does not document
it): ``<outputConfiguration s3Uri>/<invocation id>/0/optimization_results.json``, and the status names that
``.../0`` prefix. The file holds ``evaluationComparison.before`` / ``.after``, each with the ``blueprintSchema``
(a JSON string) and ``aggregateMetrics {exactMatch, f1, confidence}`` as AWS has them, plus this server's detail:
per-field and per-sample metrics and the instruction changes. As AWS does, the blueprint's DEVELOPMENT stage then
holds the optimized schema with ``optimizationSamples`` and ``optimizationTime`` (service-owned samples excepted).
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from medauto.engines.document.sniff import sniff
from medauto.engines.document.types import DocumentError, FileType, ParsedDocument
from medauto.engines.extraction.optimize import Optimization, optimize
from medauto.engines.extraction.result import FieldExtractor
from medauto.engines.extraction.schema import SchemaError, parse_blueprint
from medauto.engines.extraction.scoring import Evaluation, Sample, names_any_field
from medauto.services.bda.api import BlueprintOptimizationJobStatus as Status
from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.ingestion_payload import S3Uri
from medauto.services.bda.views import resource_arn
from medauto.storage.objects import ObjectStore, StorageError
from medauto.storage.resources import Resource, ResourceStore, modify

log = logging.getLogger(__name__)
OWNER = secrets.token_hex(8)  # this server process: its invocations are orphans once it is gone
RESULTS_FILE = "optimization_results.json"
ACTIVE = (Status.CREATED.value, Status.IN_PROGRESS.value)
MAX_SCHEMA_CHARS = 100_000  # BlueprintSchema's modeled maximum
MAX_TRUTH_BYTES = 1024 * 1024
MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES = 500 * 1024 * 1024, 5 * 1024 * 1024  # BDA's documented per-file limits
Key = tuple[str, str, str]  # account, region, invocation id


class SampleProblem(Exception):
    """A sample cannot be read or used: the invocation ends ClientError with this message."""


class OptimizationWorker:
    """One daemon thread running queued invocations in order; knows which ones this process still owes."""

    def __init__(self, run: Callable[[Key], None]) -> None:
        self._run = run
        self._queue: queue.Queue[Key] = queue.Queue()
        self._owed: set[Key] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def reserve(self, key: Key) -> None:
        """Mark ``key`` owed before its record exists, so no reader takes it for an orphan."""
        with self._lock:
            self._owed.add(key)

    def release(self, key: Key) -> None:
        with self._lock:
            self._owed.discard(key)

    def submit(self, key: Key) -> None:
        with self._lock:
            self._owed.add(key)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="bda-optimization", daemon=True)
                self._thread.start()
        self._queue.put(key)

    def owes(self, key: Key) -> bool:
        with self._lock:
            return key in self._owed

    def owed_in(self, account_id: str) -> int:
        with self._lock:
            return sum(1 for account, _, _ in self._owed if account == account_id)

    def _loop(self) -> None:
        while True:
            key = self._queue.get()
            try:
                self._run(key)
            except Exception:  # the runner records its own failures; this only keeps the thread alive
                log.exception("blueprint optimization %s failed", key[2])
            finally:
                self.release(key)


class OptimizationRunner:
    """Does one invocation's work (called on the worker thread)."""

    def __init__(self, resources: ResourceStore, objects: ObjectStore, extractor: Callable[[], FieldExtractor]):
        self._resources = resources
        self._objects = objects
        self._extractor = extractor

    def _finish(self, key: Key, status: Status, **members: str) -> None:
        at = datetime.now(UTC)

        def change(current: Resource) -> Resource:
            body = {**current.body, "status": status.value, "completed": at.isoformat(), **members}
            return current.with_changes(body=body, modified=at)

        modify(self._resources, key[0], key[1], Kind.OPTIMIZATION, key[2], change)

    def __call__(self, key: Key) -> None:
        def start(current: Resource) -> Resource:
            body = {**current.body, "status": Status.IN_PROGRESS.value}
            return current.with_changes(body=body, modified=datetime.now(UTC))

        record = modify(self._resources, key[0], key[1], Kind.OPTIMIZATION, key[2], start)
        if record is None:
            return
        try:
            result = self._optimize(record)
            prefix = S3Uri.parse(record.body["output"]).child(record.resource_id, "0")
            self._write(record, prefix.child(RESULTS_FILE), results_document(record, result))
            self._write_back(record, result)
        except SampleProblem as exc:
            self._finish(key, Status.CLIENT_ERROR, errorType="ValidationException", errorMessage=str(exc))
        except StorageError as exc:
            message = f"The results could not be written to {record.body['output']}: {exc}"
            self._finish(key, Status.SERVICE_ERROR, errorType="InternalServerException", errorMessage=message)
        except Exception:
            log.exception("blueprint optimization %s failed", record.resource_id)
            message = "The optimization stopped on an internal error; invoke it again."
            self._finish(key, Status.SERVICE_ERROR, errorType="InternalServerException", errorMessage=message)
        else:
            self._finish(key, Status.SUCCESS, result=prefix.uri)

    def _optimize(self, record: Resource) -> Optimization:
        try:
            schema = json.loads(record.body["schema"])
            blueprint = parse_blueprint(schema)
        except (ValueError, SchemaError) as exc:
            raise SampleProblem(f"The blueprint schema cannot be used for extraction: {exc}") from None
        samples = []
        for number, sample in enumerate(record.body["samples"], 1):
            truth = self._truth(sample["groundTruthS3Object"]["s3Uri"], number)
            if not names_any_field(truth, blueprint):
                raise SampleProblem(f"The ground truth of sample {number} names none of the blueprint's fields.")
            samples.append(Sample(self._document(sample["assetS3Object"]["s3Uri"], number), truth))
        return optimize(schema, samples, self._extractor())

    def _read(self, uri: str, number: int, what: str) -> bytes:
        where = S3Uri.parse(uri)
        try:
            return self._objects.get(where.bucket, where.key)
        except StorageError:
            raise SampleProblem(f"The {what} of sample {number} ({uri}) does not exist or is not accessible.") from None

    def _truth(self, uri: str, number: int) -> dict[str, Any]:
        data = self._read(uri, number, "ground truth")
        if len(data) > MAX_TRUTH_BYTES:
            raise SampleProblem(f"The ground truth of sample {number} is over {MAX_TRUTH_BYTES} bytes.")
        try:
            truth = json.loads(data.decode("utf-8-sig"))
        except ValueError:
            truth = None
        if not isinstance(truth, dict):
            raise SampleProblem(f"The ground truth of sample {number} ({uri}) is not a JSON object.")
        return truth

    def _document(self, uri: str, number: int) -> ParsedDocument:
        # The document engine loads its OCR models on first use, so it is imported here, not at start-up.
        from medauto.engines.document.parser import parse_document

        data = self._read(uri, number, "asset")
        try:
            limit = MAX_DOCUMENT_BYTES if sniff(data) is FileType.PDF else MAX_IMAGE_BYTES
            if len(data) > limit:
                raise SampleProblem(f"The asset of sample {number} is {len(data)} bytes; the limit is {limit}.")
            return parse_document(data)
        except DocumentError as exc:
            raise SampleProblem(f"The asset of sample {number} ({uri}) is not a usable document: {exc}") from None

    def _write(self, record: Resource, where: S3Uri, document: dict[str, Any]) -> None:
        kms = record.body.get("kms") or {}
        context = dict(kms.get("kmsEncryptionContext") or {}) or {"invocationArn": resource_arn(record)}
        data = json.dumps(document, indent=2, ensure_ascii=False).encode()
        self._objects.put(
            where.bucket,
            where.key,
            data,
            kms_key_id=kms.get("kmsKeyId"),
            content_type="application/json",
            encryption_context=context if kms.get("kmsKeyId") else None,
        )

    def _write_back(self, record: Resource, result: Optimization) -> None:
        """The DEVELOPMENT stage of the blueprint takes the optimized schema and the optimization's samples."""
        parsed = parse_arn(record.body["blueprintArn"])
        if parsed is None or parsed.service_owned:
            return
        schema = optimized_text(record, result)
        if len(schema) > MAX_SCHEMA_CHARS:
            schema = record.body["schema"]  # the hints do not fit: the stage keeps the schema optimized from
        at = datetime.now(UTC).isoformat()
        stage = {
            "schema": schema,
            "modified": at,
            "optimizationSamples": record.body["samples"],
            "optimizationTime": at,
        }

        def change(current: Resource) -> Resource:
            body = {**current.body, "stages": {**current.body["stages"], "DEVELOPMENT": stage}}
            return current.with_changes(body=body, modified=datetime.now(UTC))

        # A blueprint deleted meanwhile stays deleted; the results in S3 are all the caller gets then.
        modify(
            self._resources,
            parsed.account_id,
            parsed.region or record.region,
            Kind.BLUEPRINT,
            parsed.resource_id,
            change,
        )


def optimized_text(record: Resource, result: Optimization) -> str:
    """The optimized schema as text: the original text, byte for byte, when no instruction changed."""
    return json.dumps(result.schema, indent=2, ensure_ascii=False) if result.changes else str(record.body["schema"])


def _evaluation(schema: str, evaluation: Evaluation, samples: list[dict[str, Any]]) -> dict[str, Any]:
    paths = list(dict.fromkeys(path for _, path in evaluation.outcomes))  # schema order
    return {
        "blueprintSchema": schema,
        "aggregateMetrics": evaluation.metrics(),
        "fieldMetrics": [
            {
                "fieldName": ".".join(path),
                "samplesScored": len(evaluation.field(path)),
                **evaluation.metrics(evaluation.field(path)),
            }
            for path in paths
        ],
        "sampleMetrics": [
            {"assetS3Uri": sample["assetS3Object"]["s3Uri"], **evaluation.metrics(evaluation.sample(index))}
            for index, sample in enumerate(samples)
        ],
    }


def results_document(record: Resource, result: Optimization) -> dict[str, Any]:
    samples = record.body["samples"]
    return {
        "invocationArn": resource_arn(record),
        "blueprintArn": record.body["blueprintArn"],
        "blueprintStage": record.body["stage"],
        "evaluationComparison": {
            "before": _evaluation(record.body["schema"], result.before, samples),
            "after": _evaluation(optimized_text(record, result), result.after, samples),
        },
        "instructionChanges": [
            {
                "fieldName": ".".join(change.path),
                "labels": list(change.labels),
                "instructionBefore": change.instruction_before,
                "instructionAfter": change.instruction_after,
                "exactMatchBefore": round(change.accuracy_before, 4),
                "exactMatchAfter": round(change.accuracy_after, 4),
            }
            for change in result.changes
        ],
        "samples": samples,
    }
