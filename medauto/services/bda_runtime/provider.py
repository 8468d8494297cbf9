"""BDA runtime operations: InvokeDataAutomation (sync), InvokeDataAutomationAsync, GetDataAutomationStatus, tags."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from medauto.engines.document.types import ParsedDocument
from medauto.jobs.models import IdempotencyConflict
from medauto.jobs.runner import Handler
from medauto.jobs.store import JobStore
from medauto.protocols.errors import ServiceError
from medauto.services.bda_runtime.catalog import Catalog, snapshot
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.invocations import (
    KIND,
    invocation_arn,
    job_id_from_arn,
    new_invocation,
    run_invocation,
    status_response,
)
from medauto.services.bda_runtime.layout import S3Location, write_results
from medauto.services.bda_runtime.options import InvocationOptions
from medauto.services.bda_runtime.processing import AssetError, AssetResult, Limits, Parser, process_asset
from medauto.services.bda_runtime.tags import InvocationTags, record_tags
from medauto.services.context import RequestContext, operation
from medauto.storage.objects import InvalidName, NoSuchBucket, NoSuchKey, ObjectStore
from medauto.storage.resources import ResourceStore


def default_parser() -> Parser:
    """The document engine, imported on first use so the server starts without loading OCR models."""

    def parse(data: bytes, max_pages: int | None) -> ParsedDocument:
        module = importlib.import_module("medauto.engines.document.parser")
        document: ParsedDocument = module.parse_document(data, max_pages=max_pages)
        return document

    return parse


def _invalid(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


class BdaRuntimeProvider:
    def __init__(
        self,
        jobs: JobStore,
        objects: ObjectStore,
        catalog: Catalog,
        resources: ResourceStore,
        *,
        parser: Parser | None = None,
        limits: Limits | None = None,
        custom_stage: Callable[[list[dict[str, Any]]], Any] | None = None,
    ) -> None:
        self._jobs = jobs
        self._objects = objects
        self._catalog = catalog
        self._resources = resources
        self._tags = InvocationTags(resources, lambda account, job_id: jobs.get(account, KIND, job_id) is not None)
        self._parser = parser or default_parser()
        self._limits = limits or Limits()
        self._custom_stage = custom_stage

    # -- shared processing ------------------------------------------------------------------------------
    def process(self, data: bytes, snap: dict[str, Any], asset: AssetInfo) -> AssetResult:
        options = InvocationOptions.from_project(snap.get("project"), snap.get("vocabulary") or ())
        blueprints = snap.get("blueprints") or []
        custom = self._custom_stage(blueprints) if (blueprints and self._custom_stage) else None
        return process_asset(data, options, asset, parser=self._parser, custom=custom, limits=self._limits)

    def batch_handlers(self) -> dict[str, Handler]:
        return {KIND: run_invocation(self._objects, self.process)}

    def _read(self, uri: str) -> tuple[bytes, S3Location]:
        location = S3Location.parse(uri)
        try:
            return self._objects.get(location.bucket, location.key), location
        except (NoSuchKey, NoSuchBucket, InvalidName):
            raise _invalid(f"The input object {uri} does not exist or is not accessible.") from None

    def _check_bucket(self, uri: str, what: str) -> None:
        try:
            exists = self._objects.bucket_exists(S3Location.parse(uri).bucket)
        except InvalidName:
            exists = False
        if not exists:
            raise _invalid(f"The {what} bucket of {uri} does not exist or is not accessible.")

    # -- operations -------------------------------------------------------------------------------------
    @operation("InvokeDataAutomation")
    def invoke_data_automation(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        given = params["inputConfiguration"]
        if ("bytes" in given) == ("s3Uri" in given):
            raise _invalid("inputConfiguration must contain exactly one of bytes or s3Uri.")
        snap = snapshot(self._catalog, context.account_id, params)
        if "bytes" in given:
            data, source = given["bytes"], None
        else:
            data, source = self._read(given["s3Uri"])
        output = params.get("outputConfiguration")
        if output:
            self._check_bucket(output["s3Uri"], "output")
        asset = AssetInfo("0", source.bucket if source else None, source.key if source else None)
        try:
            result = self.process(data, snap, asset)
        except AssetError as exc:
            raise _invalid(exc.reason) from None
        segments = []
        for segment in result.segments:
            item: dict[str, Any] = {"standardOutput": _json(segment.standard)}
            if segment.custom_status is not None:
                item["customOutputStatus"] = segment.custom_status
            if segment.custom is not None:
                item["customOutput"] = _json(segment.custom)
            segments.append(item)
        response: dict[str, Any] = {"semanticModality": result.modality.value, "outputSegments": segments}
        if output:
            kms = (params.get("encryptionConfiguration") or {}).get("kmsKeyId")
            job_id = context.request_id
            index = write_results(self._objects, S3Location.parse(output["s3Uri"]), job_id, source, result, kms)
            response["outputConfiguration"] = {"s3Uri": index.uri}
        return response

    @operation("InvokeDataAutomationAsync")
    def invoke_data_automation_async(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._check_bucket(params["inputConfiguration"]["s3Uri"], "input")
        self._check_bucket(params["outputConfiguration"]["s3Uri"], "output")
        snap = snapshot(self._catalog, context.account_id, params)
        record = new_invocation(context.account_id, context.region, params, snap, datetime.now(UTC))
        try:
            stored, created = self._jobs.create(record)
        except IdempotencyConflict:
            raise ServiceError(
                "ValidationException", "The clientToken was already used with different parameters.", 400
            ) from None
        if created:
            record_tags(self._resources, stored.account_id, stored.region, stored.job_id, params.get("tags") or [])
        return {"invocationArn": invocation_arn(stored.region, stored.account_id, stored.job_id)}

    @operation("GetDataAutomationStatus")
    def get_data_automation_status(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = params["invocationArn"]
        record = self._jobs.get(context.account_id, KIND, job_id_from_arn(arn))
        if record is None or arn.split(":")[4] != context.account_id:
            raise ServiceError("ResourceNotFoundException", f"The invocation {arn} was not found.", 404)
        return status_response(record)

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": self._tags.listed(context.account_id, params["resourceARN"])}

    @operation("TagResource")
    def tag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._tags.tag(context.account_id, params["resourceARN"], params["tags"])
        return {}

    @operation("UntagResource")
    def untag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._tags.untag(context.account_id, params["resourceARN"], params["tagKeys"])
        return {}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)
