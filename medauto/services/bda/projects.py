"""Data automation project operations. A project has a DEVELOPMENT and/or LIVE stage, each with its own output
configuration; Update writes one stage (creating it when needed). The blueprints a project names must exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from medauto.services.bda import records
from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.errors import conflict, not_found, quota_exceeded, validation
from medauto.services.bda.idempotency import run_once
from medauto.services.bda.locate import Target, load, missing, target
from medauto.services.bda.lookup import find_blueprint
from medauto.services.bda.paging import expanded_page, list_page
from medauto.services.bda.public_default import is_public_default, public_default_project
from medauto.services.bda.tags import tag_map
from medauto.services.bda.views import project_view, resource_arn
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import NameTaken, Resource, ResourceStore, modify

MAX_PROJECT_BLUEPRINTS = 40  # blueprints one project may name (BDA's documented per-project limit)
STAGES = ("DEVELOPMENT", "LIVE")
DEFAULT_PAGE = 100


def _blueprint_items(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(member path, BlueprintItem) for every blueprint a configuration names."""
    custom = config.get("customOutputConfiguration", {})
    items = [(f"customOutputConfiguration.blueprints[{i}]", b) for i, b in enumerate(custom.get("blueprints", []))]
    fallbacks = custom.get("document", {}).get("fallbackBlueprints", [])
    items += [(f"customOutputConfiguration.document.fallbackBlueprints[{i}]", b) for i, b in enumerate(fallbacks)]
    return items


def _summary(resource: Resource, stage: str) -> dict[str, Any] | None:
    view = project_view(resource, stage)
    if view is None:
        return None
    members = ("projectArn", "projectStage", "projectType", "projectName", "creationTime")
    return {k: view[k] for k in members}


class ProjectOperations:
    """Mixed into the provider; needs ``_resources``."""

    _resources: ResourceStore

    def _project(self, context: RequestContext, params: dict[str, Any]) -> Target:
        return target(context, params["projectArn"], Kind.PROJECT, "projectArn")

    def _check_references(self, context: RequestContext, params: dict[str, Any]) -> None:
        custom = params.get("customOutputConfiguration", {})
        if len(custom.get("blueprints", [])) > MAX_PROJECT_BLUEPRINTS:
            raise quota_exceeded(f"A project can use at most {MAX_PROJECT_BLUEPRINTS} blueprints.")
        seen: set[str] = set()
        for path, item in _blueprint_items(params):
            arn = item["blueprintArn"]
            if path.startswith("customOutputConfiguration.blueprints") and arn in seen:
                raise validation(f"Blueprint {arn} is listed more than once.", f"{path}.blueprintArn")
            seen.add(arn)
            version, stage = item.get("blueprintVersion"), item.get("blueprintStage")
            if find_blueprint(self._resources, context.account_id, arn, version, stage, context.region) is None:
                detail = "".join((f" version {version}" if version else "", f" in stage {stage}" if stage else ""))
                raise validation(f"Blueprint {arn}{detail} does not exist.", f"{path}.blueprintArn")
        libraries = params.get("dataAutomationLibraryConfiguration", {}).get("libraries", [])
        for i, library in enumerate(libraries):
            arn = library["libraryArn"]
            parsed = parse_arn(arn)
            found = (
                parsed is not None
                and parsed.account_id == context.account_id
                and self._resources.get(
                    context.account_id, parsed.region or context.region, Kind.LIBRARY, parsed.resource_id
                )
            )
            if not found:
                path = f"dataAutomationLibraryConfiguration.libraries[{i}].libraryArn"
                raise validation(f"Data automation library {arn} does not exist.", path)

    @operation("CreateDataAutomationProject")
    def create_data_automation_project(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._check_references(context, params)
        tags = tag_map(params.get("tags", []))

        def create() -> dict[str, Any]:
            record = records.new_project(context.account_id, context.region, params, datetime.now(UTC), tags)
            try:
                self._resources.insert(record)
            except NameTaken:
                raise conflict(f"A data automation project named {params['projectName']} already exists.") from None
            # Creation completes at once; the reply carries the in-progress status the service answers with.
            stage = record.body["defaultStage"]
            return {"projectArn": resource_arn(record), "projectStage": stage, "status": "IN_PROGRESS"}

        return run_once(self._resources, context, params, create, conflict)

    @operation("GetDataAutomationProject")
    def get_data_automation_project(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if is_public_default(params["projectArn"]):  # service-owned: every account sees it (the model's pattern
            # already holds the ARN to a project ARN in the caller's account or the service's)
            return {"project": public_default_project(params["projectArn"], params.get("projectStage"))}
        where = self._project(context, params)
        stage = params.get("projectStage")
        shown = project_view(load(self._resources, where), stage)
        if shown is None:
            raise not_found(f"Data automation project {where.arn} has no {stage} stage.")
        return {"project": shown}

    @operation("UpdateDataAutomationProject")
    def update_data_automation_project(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._project(context, params)
        self._check_references(context, params)

        def update(current: Resource) -> Resource:
            return records.with_project_stage(current, params, datetime.now(UTC))

        updated = modify(self._resources, where.account_id, where.region, where.kind, where.resource_id, update)
        if updated is None:
            raise missing(where)
        stage = params.get("projectStage") or updated.body["defaultStage"]
        return {"projectArn": where.arn, "projectStage": stage, "status": "IN_PROGRESS"}

    @operation("DeleteDataAutomationProject")
    def delete_data_automation_project(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._project(context, params)
        if not self._resources.delete(where.account_id, where.region, where.kind, where.resource_id):
            raise missing(where)
        return {"projectArn": where.arn, "status": "COMPLETED"}

    @operation("ListDataAutomationProjects")
    def list_data_automation_projects(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("maxResults", DEFAULT_PAGE)
        token = params.get("nextToken")
        stage_filter = params.get("projectStageFilter")
        blueprint_filter = params.get("blueprintFilter")
        library_arn = params.get("libraryFilter", {}).get("libraryArn")

        def stages(resource: Resource) -> list[str]:
            existing = resource.body["stages"]
            if stage_filter is None:
                wanted: tuple[str, ...] = (resource.body["defaultStage"],)
            else:
                wanted = STAGES if stage_filter == "ALL" else (stage_filter,)
            return [s for s in wanted if s in existing and _uses(existing[s], blueprint_filter, library_arn)]

        def rows(resource: Resource) -> list[dict[str, Any]]:
            found = (_summary(resource, s) for s in stages(resource))
            return [row for row in found if row is not None]

        if params.get("resourceOwner") == "SERVICE":
            none: list[dict[str, Any]] = []
            page, following = list_page(none, limit, token, "service")  # no service-owned projects are published
        else:

            def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
                kind = Kind.PROJECT
                return self._resources.list(
                    context.account_id, context.region, kind, n, cursor, lambda r: bool(stages(r))
                )

            page, following = expanded_page(fetch, rows, limit, token, "account")
        result: dict[str, Any] = {"projects": page}
        if following:
            result["nextToken"] = following
        return result


def _uses(config: dict[str, Any], blueprint_filter: dict[str, Any] | None, library_arn: str | None) -> bool:
    """Whether one project stage names the filtered blueprint (and version/stage) and library."""
    if blueprint_filter is not None:
        wanted = {
            k: blueprint_filter[k]
            for k in ("blueprintArn", "blueprintVersion", "blueprintStage")
            if k in blueprint_filter
        }
        items = (item for _, item in _blueprint_items(config))
        if not any(all(item.get(k) == v for k, v in wanted.items()) for item in items):
            return False
    if library_arn is not None:
        libraries = config.get("dataAutomationLibraryConfiguration", {}).get("libraries", [])
        return any(lib.get("libraryArn") == library_arn for lib in libraries)
    return True
