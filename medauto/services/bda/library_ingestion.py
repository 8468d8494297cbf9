"""Library ingestion jobs: InvokeDataAutomationLibraryIngestionJob, GetDataAutomationLibraryIngestionJob and
ListDataAutomationLibraryIngestionJobs.

A job is small (at most 10 inline entities, or an S3 input of bounded size), so it runs inside the Invoke call:
the job is stored IN_PROGRESS first, then the entities are applied, the per-entity results written under the
output location, and the job stored in its final status. Requests that cannot start a job at all (unknown
library, missing buckets, a payload that does not match the operation) are refused with the modeled errors.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from medauto.services.bda import ingestion_jobs as jobs
from medauto.services.bda.api import LibraryIngestionJobOperationType as Op
from medauto.services.bda.arns import Kind
from medauto.services.bda.errors import conflict, not_found, validation
from medauto.services.bda.idempotency import run_once
from medauto.services.bda.ingestion_payload import Item, PayloadError, S3Uri, inline_items, s3_items
from medauto.services.bda.library_entities import purge_entities
from medauto.services.bda.locate import Target, load, target
from medauto.services.bda.paging import expanded_page
from medauto.services.bda.tags import tag_map
from medauto.services.bda.views import resource_arn
from medauto.services.context import RequestContext, operation
from medauto.storage.objects import InvalidName, ObjectStore, StorageError
from medauto.storage.resources import Resource, ResourceStore, modify

log = logging.getLogger(__name__)
DEFAULT_PAGE = 100
_PAYLOAD_MEMBER = {Op.UPSERT: "upsertEntitiesInfo", Op.DELETE: "deleteEntitiesInfo"}


class LibraryIngestionOperations:
    """Mixed into the provider; needs ``_resources`` and ``_objects``."""

    _resources: ResourceStore
    _objects: ObjectStore

    def _bucket_exists(self, uri: str) -> bool:
        try:
            return self._objects.bucket_exists(S3Uri.parse(uri).bucket)
        except InvalidName:
            return False

    def _check_request(self, params: dict[str, Any], kind: Op) -> None:
        """Refuse what cannot start a job: the modeled InputConfiguration is not a union, so it is checked here."""
        given = params["inputConfiguration"]
        sources = [member for member in ("s3Object", "inlinePayload") if member in given]
        if len(sources) != 1:
            raise validation(
                "inputConfiguration must contain exactly one of s3Object or inlinePayload.", "inputConfiguration"
            )
        wanted = _PAYLOAD_MEMBER[kind]
        if "inlinePayload" in given and wanted not in given["inlinePayload"]:
            member = "inputConfiguration.inlinePayload"
            raise validation(f"An operationType {kind} job needs {member}.{wanted}.", member)
        if "s3Object" in given:
            source = given["s3Object"]
            if "version" in source:
                # The object stores behind this server keep one version of each key; reading the current one
                # instead of the version asked for would ingest the wrong entities without a word.
                member = "inputConfiguration.s3Object.version"
                raise validation("Reading a specific S3 object version is not supported by this endpoint.", member)
            if not self._bucket_exists(source["s3Uri"]):
                member = "inputConfiguration.s3Object.s3Uri"
                raise validation(f"The input bucket of {source['s3Uri']} does not exist or is not accessible.", member)
        output = params["outputConfiguration"]["s3Uri"]
        if not self._bucket_exists(output):
            raise validation(
                f"The output bucket of {output} does not exist or is not accessible.", "outputConfiguration.s3Uri"
            )

    def _items(self, params: dict[str, Any], kind: Op) -> list[Item]:
        given = params["inputConfiguration"]
        if "inlinePayload" in given:
            return inline_items(kind, given["inlinePayload"])
        uri = given["s3Object"]["s3Uri"]
        source = S3Uri.parse(uri)
        try:
            data = self._objects.get(source.bucket, source.key)
        except StorageError:
            raise PayloadError(f"The input object {uri} does not exist or is not accessible.") from None
        return s3_items(kind, data)

    def _ingest(self, library: Target, kms_key_id: str | None, job: Resource, params: dict[str, Any]) -> None:
        kind = Op(params["operationType"])
        try:
            outcome = jobs.apply_items(self._resources, library, kind, self._items(params, kind), datetime.now(UTC))
        except PayloadError as exc:
            outcome = jobs.Outcome(failure=("ValidationException", str(exc)))
        except Exception:
            # The job must not stay IN_PROGRESS forever; the caller learns of the failure from the job itself.
            log.exception("library ingestion job %s failed", job.resource_id)
            message = "The job stopped on an internal error; some of its entities may have been applied."
            outcome = jobs.Outcome(failure=("InternalServerException", message))
        if self._resources.get(library.account_id, library.region, Kind.LIBRARY, library.resource_id) is None:
            # The library was deleted while this job ran: drop what the job wrote after the purge.
            purge_entities(self._resources, library.account_id, library.region, library.resource_id)
        result_uri: str | None = None
        try:
            document = jobs.results_document(job, library.arn, outcome)
            result_uri = jobs.write_results(self._objects, job, document, kms_key_id)
        except StorageError as exc:
            # The entity changes stand; only the report of them is missing, and the job says so.
            detail = f"The entity changes were applied but the results could not be written: {exc}"
            outcome.failure = ("InternalServerException", detail)
        at = datetime.now(UTC)
        modify(
            self._resources,
            job.account_id,
            job.region,
            job.kind,
            job.resource_id,
            lambda current: jobs.finished(current, outcome, result_uri, at),
        )

    @operation("InvokeDataAutomationLibraryIngestionJob")
    def invoke_data_automation_library_ingestion_job(
        self, context: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        where = target(context, params["libraryArn"], Kind.LIBRARY, "libraryArn")
        library = load(self._resources, where)
        self._check_request(params, Op(params["operationType"]))
        tags = tag_map(params.get("tags", []))
        kms_key_id = (library.body.get("kms") or {}).get("kmsKeyId")

        def start() -> dict[str, Any]:
            job = jobs.new_job(where, params, tags, datetime.now(UTC))
            self._resources.insert(job)
            self._ingest(where, kms_key_id, job, params)
            return {"jobArn": resource_arn(job)}

        return run_once(self._resources, context, params, start, conflict)

    def _job(self, context: RequestContext, params: dict[str, Any]) -> tuple[Target, Resource]:
        library = target(context, params["libraryArn"], Kind.LIBRARY, "libraryArn")
        load(self._resources, library)
        where = target(context, params["jobArn"], Kind.INGESTION_JOB, "jobArn")
        job = self._resources.get(where.account_id, where.region, where.kind, where.resource_id)
        if job is None or job.body["library"] != library.resource_id or where.region != library.region:
            raise not_found(
                f"Data automation library ingestion job {where.arn} was not found in library {library.arn}."
            )
        return library, job

    @operation("GetDataAutomationLibraryIngestionJob")
    def get_data_automation_library_ingestion_job(
        self, context: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        _, job = self._job(context, params)
        return {"job": jobs.job_view(job)}

    @operation("ListDataAutomationLibraryIngestionJobs")
    def list_data_automation_library_ingestion_jobs(
        self, context: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        where = target(context, params["libraryArn"], Kind.LIBRARY, "libraryArn")
        load(self._resources, where)

        def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
            return self._resources.list(
                where.account_id,
                where.region,
                Kind.INGESTION_JOB,
                n,
                cursor,
                lambda job: job.body["library"] == where.resource_id,
            )

        limit, token = params.get("maxResults", DEFAULT_PAGE), params.get("nextToken")
        page, following = expanded_page(
            fetch, lambda job: [jobs.job_summary(job)], limit, token, f"jobs:{where.resource_id}"
        )
        result: dict[str, Any] = {"jobs": page}
        if following:
            result["nextToken"] = following
        return result
