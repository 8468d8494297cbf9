"""ListBlueprints: the account's blueprints (one row per stage asked for), the service samples, one blueprint
with its versions, or the blueprints a project uses.

Without ``blueprintStageFilter`` each blueprint is listed once, in its default stage; ``ALL`` lists every stage.
``resourceOwner`` defaults to ACCOUNT (SERVICE lists the samples).
"""

from __future__ import annotations

from typing import Any

from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.errors import not_found
from medauto.services.bda.locate import load, target
from medauto.services.bda.lookup import find_blueprint
from medauto.services.bda.paging import expanded_page, list_page
from medauto.services.bda.samples import sample_blueprints
from medauto.services.bda.views import blueprint_view, sample_view
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import Resource, ResourceStore

SUMMARY_MEMBERS = ("blueprintArn", "blueprintVersion", "blueprintStage", "blueprintName", "creationTime")
STAGES = ("DEVELOPMENT", "LIVE")
DEFAULT_PAGE = 100


def summary(blueprint: dict[str, Any]) -> dict[str, Any]:
    row = {k: blueprint[k] for k in SUMMARY_MEMBERS if k in blueprint}
    row["lastModifiedTime"] = blueprint["lastModifiedTime"]
    return row


def stages_for(resource: Resource, stage_filter: str | None) -> list[str]:
    """The stages of ``resource`` a listing shows."""
    existing = resource.body["stages"]
    if stage_filter is None:
        return [resource.body["defaultStage"]]
    wanted = STAGES if stage_filter == "ALL" else (stage_filter,)
    return [s for s in wanted if s in existing]


def stage_rows(resource: Resource, stage_filter: str | None) -> list[dict[str, Any]]:
    rows = (blueprint_view(resource, stage) for stage in stages_for(resource, stage_filter))
    return [summary(view) for view in rows if view is not None]


class BlueprintListing:
    """Mixed into the provider; needs ``_resources``."""

    _resources: ResourceStore

    @operation("ListBlueprints")
    def list_blueprints(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("maxResults", DEFAULT_PAGE)
        token = params.get("nextToken")
        stage_filter = params.get("blueprintStageFilter")
        owner = params.get("resourceOwner")
        if "projectFilter" in params:
            rows = self._project_blueprints(context, params["projectFilter"], owner, stage_filter)
            page, following = list_page(rows, limit, token, "project")
        elif "blueprintArn" in params:
            rows = self._one_blueprint(context, params["blueprintArn"], owner, stage_filter)
            page, following = list_page(rows, limit, token, "blueprint")
        elif owner == "SERVICE":
            stages = STAGES if stage_filter == "ALL" else (stage_filter or "LIVE",)
            rows = [summary(sample_view(s, context.region, st)) for s in sample_blueprints().values() for st in stages]
            page, following = list_page(rows, limit, token, "service")
        else:

            def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
                return self._resources.list(
                    context.account_id,
                    context.region,
                    Kind.BLUEPRINT,
                    n,
                    cursor,
                    lambda r: bool(stages_for(r, stage_filter)),
                )

            page, following = expanded_page(fetch, lambda r: stage_rows(r, stage_filter), limit, token, "account")
        result: dict[str, Any] = {"blueprints": page}
        if following:
            result["nextToken"] = following
        return result

    def _one_blueprint(
        self, context: RequestContext, arn: str, owner: str | None, stage_filter: str | None
    ) -> list[dict[str, Any]]:
        """The blueprint's stages, then its versions (newest last)."""
        where = target(context, arn, Kind.BLUEPRINT, "blueprintArn")
        if where.sample is not None:
            stages = STAGES if stage_filter == "ALL" else (stage_filter or "LIVE",)
            return [] if owner == "ACCOUNT" else [summary(sample_view(where.sample, where.region, s)) for s in stages]
        if owner == "SERVICE":
            return []
        resource = load(self._resources, where)
        rows = stage_rows(resource, stage_filter)
        for number in sorted(resource.body["versions"], key=int):
            view = blueprint_view(resource, None, number)
            if view is not None and stage_filter in (None, "ALL", view["blueprintStage"]):
                rows.append(summary(view))
        return rows

    def _project_blueprints(
        self, context: RequestContext, project_filter: dict[str, Any], owner: str | None, stage_filter: str | None
    ) -> list[dict[str, Any]]:
        """The blueprints one stage of a project refers to (including its document fallback blueprint)."""
        where = target(context, project_filter["projectArn"], Kind.PROJECT, "projectFilter.projectArn")
        project = load(self._resources, where)
        stage = project_filter.get("projectStage") or project.body["defaultStage"]
        config = project.body["stages"].get(stage)
        if config is None:
            raise not_found(f"Data automation project {where.arn} has no {stage} stage.")
        custom = config.get("customOutputConfiguration", {})
        items = [*custom.get("blueprints", []), *custom.get("document", {}).get("fallbackBlueprints", [])]
        rows = []
        for item in items:
            view = find_blueprint(
                self._resources,
                context.account_id,
                item["blueprintArn"],
                item.get("blueprintVersion"),
                item.get("blueprintStage"),
                context.region,
            )
            sample = parse_arn(item["blueprintArn"])
            service_owned = sample is not None and sample.service_owned
            if view is None or (owner == "SERVICE" and not service_owned) or (owner == "ACCOUNT" and service_owned):
                continue
            if stage_filter in (None, "ALL", view["blueprintStage"]):
                rows.append(summary(view))
        return rows
