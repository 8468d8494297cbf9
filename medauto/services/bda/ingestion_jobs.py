"""Library ingestion job records: applying a job's entities to its library, the results file, the views.

A job is a resource of kind ``data-automation-library-ingestion-job`` (so its ARN resolves for tagging) whose
body is ``{"library", "entityType", "operationType", "status", "output", "input", "result"?, "completed"?,
"errorType"?, "errorMessage"?, "counts"?}``. It is stored IN_PROGRESS before any entity changes and moves to
COMPLETED, COMPLETED_WITH_ERRORS (some entities rejected) or FAILED (the input could not be used, or the results
could not be written) once the work is done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from medauto.services.bda.api import LibraryIngestionJobOperationType as Op
from medauto.services.bda.api import LibraryIngestionJobStatus as Status
from medauto.services.bda.arns import Kind, new_resource_id
from medauto.services.bda.ingestion_payload import Item, S3Uri
from medauto.services.bda.library_entities import delete_entity, new_entity_id, upsert_entity
from medauto.services.bda.locate import Target
from medauto.services.bda.views import resource_arn
from medauto.storage.objects import ObjectStore
from medauto.storage.resources import Resource, ResourceStore

RESULTS_FILE = "ingestion_results.json"
SUCCEEDED, REJECTED = "SUCCEEDED", "FAILED"
_SCAN = 200
# A job runs inside its Invoke call (seconds even for the largest accepted manifest). One still IN_PROGRESS this
# long after it started was cut off by a server that stopped: it is shown FAILED, never IN_PROGRESS forever.
ABANDONED_AFTER = timedelta(minutes=15)
_ABANDONED = (
    "InternalServerException",
    "The server stopped while this job ran; some of its entities may have been applied. UPSERT and DELETE are "
    "idempotent: invoke the job again.",
)


@dataclass
class Outcome:
    """What a job did: per-entity results, or why it could not run at all."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    failure: tuple[str, str] | None = None  # (errorType, errorMessage) of a FAILED job

    @property
    def rejected(self) -> int:
        return sum(1 for row in self.entities if row["status"] == REJECTED)

    @property
    def status(self) -> Status:
        if self.failure is not None:
            return Status.FAILED
        return Status.COMPLETED_WITH_ERRORS if self.rejected else Status.COMPLETED


def new_job(library: Target, params: dict[str, Any], tags: dict[str, str], at: datetime) -> Resource:
    given = params["inputConfiguration"]
    source = dict(given["s3Object"]) if "s3Object" in given else {"inline": True}
    body: dict[str, Any] = {
        "library": library.resource_id,
        "entityType": params["entityType"],
        "operationType": params["operationType"],
        "status": Status.IN_PROGRESS.value,
        "output": params["outputConfiguration"]["s3Uri"],
        "input": source,
    }
    job_id = new_resource_id()
    return Resource(library.account_id, library.region, Kind.INGESTION_JOB, job_id, job_id, at, at, body, tags)


def apply_items(store: ResourceStore, library: Target, operation: Op, items: list[Item], at: datetime) -> Outcome:
    """Upsert or delete each entity; a rejected entity never stops the others."""
    outcome = Outcome()
    seen: set[str] = set()
    for item in items:
        row: dict[str, Any] = {"position": item.position}
        entity_id = item.entity_id
        if entity_id is None and operation is Op.UPSERT and not item.problems:
            entity_id = new_entity_id()  # an UPSERT without an entityId creates a new entity
        if entity_id is not None:
            row["entityId"] = entity_id
        error = "; ".join(item.problems) if item.problems else None
        if error is None and entity_id in seen:
            error = f"The entityId {entity_id} appears more than once in the input."
        if error is None and entity_id is not None:
            seen.add(entity_id)
            if operation is Op.UPSERT:
                upsert_entity(store, library, entity_id, item.entity or {}, at)
            elif not delete_entity(store, library, entity_id):
                error = f"The entity {entity_id} does not exist in library {library.arn}."
        row["status"] = REJECTED if error else SUCCEEDED
        if error:
            row["errorMessage"] = error
        outcome.entities.append(row)
    return outcome


def results_document(job: Resource, library_arn: str, outcome: Outcome) -> dict[str, Any]:
    document: dict[str, Any] = {
        "jobArn": resource_arn(job),
        "libraryArn": library_arn,
        "entityType": job.body["entityType"],
        "operationType": job.body["operationType"],
        "jobStatus": outcome.status.value,
        "input": job.body["input"],
        "counts": _counts(outcome),
        "entities": outcome.entities,
    }
    if outcome.failure is not None:
        document["errorType"], document["errorMessage"] = outcome.failure
    return document


def _counts(outcome: Outcome) -> dict[str, int]:
    total = len(outcome.entities)
    return {"total": total, "succeeded": total - outcome.rejected, "failed": outcome.rejected}


def write_results(objects: ObjectStore, job: Resource, document: dict[str, Any], kms_key_id: str | None) -> str:
    """``<output s3Uri>/<job id>/ingestion_results.json``; returns its URI."""
    where = S3Uri.parse(job.body["output"]).child(job.resource_id, RESULTS_FILE)
    data = json.dumps(document, indent=2, ensure_ascii=False).encode()
    context = {"jobArn": resource_arn(job)} if kms_key_id else None
    objects.put(
        where.bucket,
        where.key,
        data,
        kms_key_id=kms_key_id,
        content_type="application/json",
        encryption_context=context,
    )
    return where.uri


def finished(job: Resource, outcome: Outcome, result_uri: str | None, at: datetime) -> Resource:
    """The job record in its final status."""
    body = dict(job.body)
    body.update(status=outcome.status.value, completed=at.isoformat(), counts=_counts(outcome))
    if result_uri is not None:
        body["result"] = result_uri
    if outcome.failure is not None:
        body["errorType"], body["errorMessage"] = outcome.failure
    elif outcome.rejected:
        body["errorType"] = "ValidationException"
        body["errorMessage"] = (
            f"{outcome.rejected} of {len(outcome.entities)} entities were rejected; see {result_uri or 'the results'}."
        )
    return job.with_changes(body=body, modified=at)


def settled(job: Resource, now: datetime | None = None) -> Resource:
    """``job`` as it must be reported: an abandoned IN_PROGRESS job reads as FAILED (see ABANDONED_AFTER)."""
    now = now or datetime.now(UTC)
    if job.body["status"] != Status.IN_PROGRESS.value or now - job.modified < ABANDONED_AFTER:
        return job
    body = {**job.body, "status": Status.FAILED.value, "errorType": _ABANDONED[0], "errorMessage": _ABANDONED[1]}
    return job.with_changes(body=body)


def job_summary(job: Resource) -> dict[str, Any]:
    body = settled(job).body
    shape: dict[str, Any] = {
        "jobArn": resource_arn(job),
        "jobStatus": body["status"],
        "entityType": body["entityType"],
        "operationType": body["operationType"],
        "creationTime": job.created,
    }
    if "completed" in body:
        shape["completionTime"] = datetime.fromisoformat(body["completed"])
    return shape


def job_view(job: Resource) -> dict[str, Any]:
    """``DataAutomationLibraryIngestionJob``; once written, the output names the results file itself."""
    job = settled(job)
    shape = job_summary(job)
    shape["outputConfiguration"] = {"s3Uri": job.body.get("result") or job.body["output"]}
    for member in ("errorType", "errorMessage"):
        if member in job.body:
            shape[member] = job.body[member]
    return shape


def purge_jobs(store: ResourceStore, account_id: str, region: str, library_id: str) -> int:
    """Delete every ingestion job of a library (its own deletion); returns how many went."""
    doomed: list[str] = []
    cursor: str | None = None
    while True:
        page, cursor = store.list(
            account_id, region, Kind.INGESTION_JOB, _SCAN, cursor, lambda job: job.body["library"] == library_id
        )
        doomed.extend(job.resource_id for job in page)
        if cursor is None:
            break
    return sum(store.delete(account_id, region, Kind.INGESTION_JOB, job_id) for job_id in doomed)
