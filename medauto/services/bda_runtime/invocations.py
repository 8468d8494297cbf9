"""InvokeDataAutomationAsync jobs: records in the shared job store, and the handler the runner calls.

Statuses follow BDA: Created -> InProgress -> Success | ServiceError | ClientError. The handler reads the input
object, processes it completely in memory and only then writes the results, index last, so a failed or killed
invocation never leaves a partial result that looks finished; a retried one overwrites the same keys.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from medauto.jobs.models import JobRecord, request_fingerprint
from medauto.jobs.runner import JobControl, Outcome, Statuses
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.layout import S3Location, write_results
from medauto.services.bda_runtime.processing import AssetError, AssetResult
from medauto.storage.objects import InvalidName, NoSuchBucket, NoSuchKey, ObjectStore, StorageError

log = logging.getLogger("medauto.bda")

KIND = "bda-runtime:invocation"
STATUSES = Statuses(waiting="Created", running="InProgress", stop_requested="StopRequested", failed="ServiceError")

# Processes one asset's bytes with the snapshot stored in the record: (data, snapshot, asset) -> result.
Processor = Callable[[bytes, dict[str, Any], AssetInfo], AssetResult]


def invocation_arn(region: str, account_id: str, job_id: str) -> str:
    return f"arn:aws:bedrock:{region}:{account_id}:data-automation-invocation/{job_id}"


def job_id_from_arn(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def new_invocation(
    account_id: str, region: str, params: dict[str, Any], snapshot: dict[str, Any], at: datetime
) -> JobRecord:
    """``snapshot`` holds the project and blueprints resolved at submission, so later edits do not change a
    running invocation."""
    echoed = {k: v for k, v in params.items() if k != "clientToken"}
    return JobRecord(
        job_id=str(uuid.uuid4()),
        account_id=account_id,
        region=region,
        kind=KIND,
        status=STATUSES.waiting,
        submit_time=at,
        request={"params": echoed, "snapshot": snapshot},
        request_hash=request_fingerprint(echoed),
        client_token=params.get("clientToken"),
    )


def run_invocation(objects: ObjectStore, process: Processor) -> Callable[[JobRecord, JobControl], Outcome]:
    def handle(record: JobRecord, control: JobControl) -> Outcome:
        params = record.request["params"]
        source = S3Location.parse(params["inputConfiguration"]["s3Uri"])
        output = S3Location.parse(params["outputConfiguration"]["s3Uri"])
        kms = (params.get("encryptionConfiguration") or {}).get("kmsKeyId")
        try:
            data = objects.get(source.bucket, source.key)
        except (NoSuchKey, NoSuchBucket, InvalidName):
            return _client_error(f"The input object {source.uri} does not exist or is not accessible.")
        control.heartbeat({"stage": "processing"})
        try:
            result = process(data, record.request["snapshot"], AssetInfo("0", source.bucket, source.key))
        except AssetError as exc:
            return _client_error(exc.reason)
        control.heartbeat({"stage": "writing"})
        try:
            index = write_results(objects, output, record.job_id, source, result, kms)
        except (NoSuchBucket, InvalidName):
            return _client_error(f"The output location {output.uri} does not exist or is not accessible.")
        except StorageError as exc:
            log.exception("writing results of %s failed", record.job_id)
            return Outcome("ServiceError", f"Could not write the results: {exc}", {"errorType": "ServiceError"})
        return Outcome("Success", None, {"output": index.uri, "segments": len(result.segments)})

    return handle


def _client_error(message: str) -> Outcome:
    return Outcome("ClientError", message, {"errorType": "ValidationException"})


def status_response(record: JobRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"status": record.status, "jobSubmissionTime": record.submit_time}
    if record.status == "Success" and record.result.get("output"):
        out["outputConfiguration"] = {"s3Uri": record.result["output"]}
    if record.status in ("ClientError", "ServiceError"):
        out["errorType"] = record.result.get("errorType", record.status)
        out["errorMessage"] = record.message or "The invocation failed."
    if record.end_time is not None:
        out["jobCompletionTime"] = record.end_time
        out["jobDurationInSeconds"] = max(0, int((record.end_time - record.submit_time).total_seconds()))
    return out
