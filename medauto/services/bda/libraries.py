"""Data automation libraries (the containers projects link for custom vocabulary): create, read, update,
delete and list. Their entities and ingestion jobs live in ``library_entities`` / ``library_ingestion``; deleting a
library deletes those too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from medauto.protocols.errors import ServiceError
from medauto.services.bda.arns import Kind, new_resource_id
from medauto.services.bda.errors import conflict, validation
from medauto.services.bda.idempotency import run_once
from medauto.services.bda.ingestion_jobs import purge_jobs
from medauto.services.bda.library_entities import entity_types, purge_entities
from medauto.services.bda.locate import Target, load, missing, target
from medauto.services.bda.paging import expanded_page, list_page
from medauto.services.bda.tags import tag_map
from medauto.services.bda.views import resource_arn
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import NameTaken, Resource, ResourceStore, modify

DEFAULT_PAGE = 100


def library_view(resource: Resource) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "libraryArn": resource_arn(resource),
        "libraryName": resource.name,
        "creationTime": resource.created,
        "status": "ACTIVE",
    }
    if "libraryDescription" in resource.body:
        shape["libraryDescription"] = resource.body["libraryDescription"]
    kms = resource.body.get("kms") or {}
    shape.update({k: kms[k] for k in ("kmsKeyId", "kmsEncryptionContext") if kms.get(k)})
    return shape


def _summary(resource: Resource) -> dict[str, Any]:
    return {"libraryArn": resource_arn(resource), "libraryName": resource.name, "creationTime": resource.created}


def linked_libraries(project: Resource, stage: str | None = None) -> list[str]:
    """Library ARNs one stage of a project links (every stage when ``stage`` is None)."""
    stages = project.body["stages"]
    configs = list(stages.values()) if stage is None else [stages[stage]] if stage in stages else []
    arns = []
    for config in configs:
        for item in config.get("dataAutomationLibraryConfiguration", {}).get("libraries", []):
            arns.append(item["libraryArn"])
    return arns


class LibraryOperations:
    """Mixed into the provider; needs ``_resources``."""

    _resources: ResourceStore

    def _library(self, context: RequestContext, params: dict[str, Any]) -> Target:
        return target(context, params["libraryArn"], Kind.LIBRARY, "libraryArn")

    @operation("CreateDataAutomationLibrary")
    def create_data_automation_library(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags = tag_map(params.get("tags", []))

        def create() -> dict[str, Any]:
            now = datetime.now(UTC)
            body: dict[str, Any] = {}
            if "libraryDescription" in params:
                body["libraryDescription"] = params["libraryDescription"]
            if params.get("encryptionConfiguration"):
                body["kms"] = dict(params["encryptionConfiguration"])
            name = params["libraryName"]
            record = Resource(
                context.account_id, context.region, Kind.LIBRARY, new_resource_id(), name, now, now, body, tags
            )
            try:
                self._resources.insert(record)
            except NameTaken:
                raise conflict(f"A data automation library named {name} already exists.") from None
            return {"libraryArn": resource_arn(record), "status": "ACTIVE"}

        return run_once(self._resources, context, params, create, conflict)

    @operation("GetDataAutomationLibrary")
    def get_data_automation_library(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        library = load(self._resources, self._library(context, params))
        shown = library_view(library)
        held = entity_types(self._resources, library)
        if held:
            shown["entityTypes"] = held
        return {"library": shown}

    @operation("UpdateDataAutomationLibrary")
    def update_data_automation_library(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._library(context, params)

        def update(current: Resource) -> Resource:
            body = dict(current.body)
            if "libraryDescription" in params:
                body["libraryDescription"] = params["libraryDescription"]
            return current.with_changes(body=body, modified=datetime.now(UTC))

        def run() -> dict[str, Any]:
            if modify(self._resources, where.account_id, where.region, where.kind, where.resource_id, update) is None:
                raise missing(where)
            return {"libraryArn": where.arn, "status": "ACTIVE"}

        return run_once(self._resources, context, params, run, conflict)

    @operation("DeleteDataAutomationLibrary")
    def delete_data_automation_library(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._library(context, params)
        load(self._resources, where)
        users, _ = self._resources.list(
            context.account_id, where.region, Kind.PROJECT, 1, None, lambda p: where.arn in linked_libraries(p)
        )
        if users:
            raise conflict(f"Data automation library {where.arn} is linked by project {resource_arn(users[0])}.")
        if not self._resources.delete(where.account_id, where.region, where.kind, where.resource_id):
            raise missing(where)
        # The library is gone first, so no new ingestion job can start while its contents are purged.
        purge_entities(self._resources, where.account_id, where.region, where.resource_id)
        purge_jobs(self._resources, where.account_id, where.region, where.resource_id)
        return {"libraryArn": where.arn, "status": "DELETING"}

    @operation("ListDataAutomationLibraries")
    def list_data_automation_libraries(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("maxResults", DEFAULT_PAGE)
        token = params.get("nextToken")
        if "projectFilter" in params:
            chosen = params["projectFilter"]
            member = "projectFilter.projectArn"
            # This operation models no ResourceNotFoundException: an unknown project is a bad filter.
            try:
                where = target(context, chosen["projectArn"], Kind.PROJECT, member)
                project = load(self._resources, where)
            except ServiceError as exc:
                raise validation(exc.message, member) from None
            stage = chosen.get("projectStage") or project.body["defaultStage"]
            if stage not in project.body["stages"]:
                raise validation(f"Data automation project {where.arn} has no {stage} stage.", member)
            rows = []
            for arn in linked_libraries(project, stage):
                library = self._resources.get(context.account_id, where.region, Kind.LIBRARY, arn.rsplit("/", 1)[-1])
                if library is not None:
                    rows.append(_summary(library))
            page, following = list_page(rows, limit, token, "project")
        else:

            def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
                return self._resources.list(context.account_id, context.region, Kind.LIBRARY, n, cursor)

            page, following = expanded_page(fetch, lambda r: [_summary(r)], limit, token, "account")
        result: dict[str, Any] = {"libraries": page}
        if following:
            result["nextToken"] = following
        return result
