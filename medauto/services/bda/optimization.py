"""Blueprint optimization: InvokeBlueprintOptimizationAsync and GetBlueprintOptimizationStatus.

Invoke checks what can be checked at once (the blueprint and stage exist, it is a DOCUMENT blueprint, 1 to 10
samples, the output bucket exists), stores the invocation as Created with a snapshot of the blueprint's schema and
queues it; the work itself (``optimization_jobs``) reads the samples, so an unreadable sample ends the invocation
ClientError rather than failing the call. An unknown blueprint or stage is ResourceNotFoundException, as modeled.

Invocations left Created/InProgress by a server that stopped are reported ServiceError when read: at once when
this process made them, after ``STALE_AFTER`` without progress when another process sharing the store did.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from medauto.services.bda.api import BlueprintOptimizationJobStatus as Status
from medauto.services.bda.arns import Kind
from medauto.services.bda.errors import not_found, quota_exceeded, validation
from medauto.services.bda.ingestion_payload import S3Uri
from medauto.services.bda.locate import load, target
from medauto.services.bda.lookup import find_blueprint
from medauto.services.bda.optimization_jobs import ACTIVE, OWNER, Key, OptimizationWorker
from medauto.services.bda.tags import tag_map
from medauto.services.bda.views import resource_arn
from medauto.services.context import RequestContext, operation
from medauto.storage.objects import InvalidName, ObjectStore
from medauto.storage.resources import Resource, ResourceStore, modify

MAX_SAMPLES = 10  # "at most 10 sample documents" (observed service limit; AWS recommends 3 to 10)
MAX_OWED = 10  # invocations one account may have waiting or running on this server at once
STALE_AFTER = timedelta(hours=1)
_INTERRUPTED = "The optimization was interrupted before it finished (the server stopped); invoke it again."


def _s3_objects(params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every S3Object of the request with its member path."""
    found = [("outputConfiguration.s3Object", params["outputConfiguration"]["s3Object"])]
    for number, sample in enumerate(params["samples"], 1):
        for member in ("assetS3Object", "groundTruthS3Object"):
            found.append((f"samples.{number}.{member}", sample[member]))
    return found


class OptimizationOperations:
    """Mixed into the provider; needs ``_resources``, ``_objects`` and ``_optimizations``."""

    _resources: ResourceStore
    _objects: ObjectStore
    _optimizations: OptimizationWorker

    def _check_optimization(self, params: dict[str, Any]) -> None:
        count = len(params["samples"])
        if not 1 <= count <= MAX_SAMPLES:
            raise validation(f"samples must hold 1 to {MAX_SAMPLES} samples; it holds {count}.", "samples")
        for member, s3_object in _s3_objects(params):
            if "version" in s3_object:
                # The object stores behind this server keep one version of each key; reading the current one
                # instead of the version asked for would optimize against the wrong sample without a word.
                message = "Reading a specific S3 object version is not supported by this endpoint."
                raise validation(message, f"{member}.version")
        output = params["outputConfiguration"]["s3Object"]["s3Uri"]
        try:
            exists = self._objects.bucket_exists(S3Uri.parse(output).bucket)
        except InvalidName:
            exists = False
        if not exists:
            member = "outputConfiguration.s3Object.s3Uri"
            raise validation(f"The output bucket of {output} does not exist or is not accessible.", member)

    def _optimized_stage(self, context: RequestContext, chosen: dict[str, Any]) -> tuple[str, str, str]:
        """(blueprint ARN, stage, schema text) of the blueprint stage to optimize."""
        where = target(context, chosen["blueprintArn"], Kind.BLUEPRINT, "blueprint.blueprintArn")
        if where.sample is None:
            load(self._resources, where)  # an unknown blueprint is "not found" whatever the stage
        stage = chosen.get("stage")
        shown = find_blueprint(self._resources, context.account_id, where.arn, stage=stage, region=context.region)
        if shown is None:
            raise not_found(f"Blueprint {where.arn} has no {stage} stage.")
        if shown["type"] != "DOCUMENT":
            raise validation(
                f"Blueprint optimization works on DOCUMENT blueprints; {where.arn} is a {shown['type']} blueprint.",
                "blueprint.blueprintArn",
            )
        return where.arn, shown["blueprintStage"], shown["schema"]

    @operation("InvokeBlueprintOptimizationAsync")
    def invoke_blueprint_optimization_async(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        blueprint_arn, stage, schema = self._optimized_stage(context, params["blueprint"])
        self._check_optimization(params)
        tags = tag_map(params.get("tags", []))
        if self._optimizations.owed_in(context.account_id) >= MAX_OWED:
            raise quota_exceeded(
                f"An account can have at most {MAX_OWED} blueprint optimizations waiting or running at once."
            )
        now = datetime.now(UTC)
        body: dict[str, Any] = {
            "status": Status.CREATED.value,
            "blueprintArn": blueprint_arn,
            "stage": stage,
            "schema": schema,
            "samples": params["samples"],
            "output": params["outputConfiguration"]["s3Object"]["s3Uri"],
            "owner": OWNER,
        }
        if params.get("encryptionConfiguration"):
            body["kms"] = dict(params["encryptionConfiguration"])
        # A UUID, like the ids of runtime invocations; it fits the taggable ARN pattern ([a-zA-Z0-9-]{12,36}).
        invocation_id = str(uuid.uuid4())
        record = Resource(
            context.account_id, context.region, Kind.OPTIMIZATION, invocation_id, invocation_id, now, now, body, tags
        )
        key: Key = (record.account_id, record.region, record.resource_id)
        self._optimizations.reserve(key)
        try:
            self._resources.insert(record)
        except BaseException:
            self._optimizations.release(key)
            raise
        self._optimizations.submit(key)
        return {"invocationArn": resource_arn(record)}

    @operation("GetBlueprintOptimizationStatus")
    def get_blueprint_optimization_status(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = target(context, params["invocationArn"], Kind.OPTIMIZATION, "invocationArn")
        record = self._settled_optimization(load(self._resources, where))
        body = record.body
        shape: dict[str, Any] = {"status": body["status"]}
        for member in ("errorType", "errorMessage"):
            if member in body:
                shape[member] = body[member]
        if body["status"] == Status.SUCCESS.value:
            shape["outputConfiguration"] = {"s3Object": {"s3Uri": body["result"]}}
        return shape

    def _settled_optimization(self, record: Resource) -> Resource:
        """The record, or, when nobody will ever finish it, the record marked ServiceError."""
        body = record.body
        key: Key = (record.account_id, record.region, record.resource_id)
        if body["status"] not in ACTIVE or self._optimizations.owes(key):
            return record
        if body.get("owner") != OWNER and datetime.now(UTC) - record.modified < STALE_AFTER:
            return record  # another server process sharing the store may still be working on it
        at = datetime.now(UTC)

        def interrupted(current: Resource) -> Resource:
            if current.body["status"] not in ACTIVE:
                return current  # it finished after all, between the read and now
            failure = {
                "status": Status.SERVICE_ERROR.value,
                "completed": at.isoformat(),
                "errorType": "InternalServerException",
                "errorMessage": _INTERRUPTED,
            }
            return current.with_changes(body={**current.body, **failure}, modified=at)

        settled = modify(
            self._resources, record.account_id, record.region, record.kind, record.resource_id, interrupted
        )
        if settled is None:  # deleted meanwhile (nothing deletes invocations today)
            raise not_found(f"Blueprint optimization invocation {resource_arn(record)} was not found.")
        return settled
