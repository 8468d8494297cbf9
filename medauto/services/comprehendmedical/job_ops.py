"""Start/Describe/List/Stop for the five Comprehend Medical job families, on the shared job store.

The twenty handlers are generated from the family table, so every family behaves the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from medauto.jobs.models import CmJobStatus, IdempotencyConflict, JobFilter
from medauto.jobs.store import JobStore
from medauto.protocols.errors import ServiceError, not_implemented
from medauto.services.comprehendmedical.jobs import FAMILIES, JobFamily, new_record, properties
from medauto.services.context import RequestContext, operation
from medauto.storage.objects import ObjectStore

Handler = Callable[[Any, RequestContext, dict[str, Any]], dict[str, Any]]
FINAL = frozenset({CmJobStatus.COMPLETED, CmJobStatus.PARTIAL_SUCCESS, CmJobStatus.FAILED, CmJobStatus.STOPPED})


def _not_found(job_id: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Job {job_id} was not found.", 404)


class JobOperations:
    """Mixed into the provider; needs ``_jobs``, ``_objects`` and ``_runnable`` set by its constructor."""

    _jobs: JobStore
    _objects: ObjectStore
    _runnable: frozenset[str]  # families whose jobs can run (their engines exist)

    def _start(self, family: JobFamily, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if family.name not in self._runnable:
            raise not_implemented("comprehendmedical", f"Start{family.name}Job")
        for config in ("InputDataConfig", "OutputDataConfig"):
            bucket = params[config]["S3Bucket"]
            if not self._objects.bucket_exists(bucket):
                raise ServiceError(
                    "InvalidRequestException", f"The {config} bucket {bucket} does not exist or is not accessible.", 400
                )
        record = new_record(family, context.account_id, context.region, params, datetime.now(UTC))
        try:
            stored, _ = self._jobs.create(record)
        except IdempotencyConflict as conflict:
            raise ServiceError(
                "InvalidRequestException",
                f"ClientRequestToken {record.client_token} was already used for job {conflict.existing.job_id} "
                "with different parameters.",
                400,
            ) from None
        return {"JobId": stored.job_id}

    def _describe(self, family: JobFamily, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        record = self._jobs.get(context.account_id, family.kind, params["JobId"])
        if record is None:
            raise _not_found(params["JobId"])
        return {"ComprehendMedicalAsyncJobProperties": properties(record)}

    def _list(self, family: JobFamily, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        given = params.get("Filter", {})
        # The service lists ascending when asked for jobs submitted before a time, newest first otherwise.
        filt = JobFilter(
            name=given.get("JobName"),
            status=given.get("JobStatus"),
            submitted_before=given.get("SubmitTimeBefore"),
            submitted_after=given.get("SubmitTimeAfter"),
            ascending="SubmitTimeBefore" in given and "SubmitTimeAfter" not in given,
        )
        try:
            records, cursor = self._jobs.list(
                context.account_id, family.kind, filt, params.get("MaxResults", 100), params.get("NextToken")
            )
        except ValueError:
            raise ServiceError("ValidationException", "The NextToken is not valid.", 400) from None
        now = datetime.now(UTC)
        listed = [properties(r) for r in records]
        result: dict[str, Any] = {
            "ComprehendMedicalAsyncJobPropertiesList": [p for p in listed if p["ExpirationTime"] > now]
        }
        if cursor:
            result["NextToken"] = cursor
        return result

    def _stop(self, family: JobFamily, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        job_id = params["JobId"]
        record = self._jobs.get(context.account_id, family.kind, job_id)
        if record is None:
            raise _not_found(job_id)
        # A job no worker has taken yet stops at once; a running one stops between two files.
        if (
            self._jobs.transition(
                job_id,
                [CmJobStatus.SUBMITTED],
                status=CmJobStatus.STOPPED,
                end_time=datetime.now(UTC),
                message="Stopped before it started.",
            )
            is None
        ):
            self._jobs.transition(job_id, [CmJobStatus.IN_PROGRESS], status=CmJobStatus.STOP_REQUESTED)
        return {"JobId": job_id}


def _bind(verb: str, family: JobFamily) -> Handler:
    method: Callable[..., dict[str, Any]] = getattr(JobOperations, f"_{verb}")

    def handler(self: Any, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return method(self, family, context, params)

    return handler


_NAMES = {"start": "Start{}Job", "describe": "Describe{}Job", "list": "List{}Jobs", "stop": "Stop{}Job"}
for _family in FAMILIES.values():
    for _verb, _pattern in _NAMES.items():
        _op = _pattern.format(_family.name)
        setattr(JobOperations, f"op_{_op}", operation(_op)(_bind(_verb, _family)))
