"""Blueprint operations: create, read, update, delete, versions and stage copies.

A blueprint has a DEVELOPMENT and/or a LIVE stage (each with its own schema; a stage exists once it is created,
updated or copied into) and numbered versions that snapshot its default stage. Service-owned samples can be
read and listed but not changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from medauto.services.bda import records
from medauto.services.bda.arns import Kind
from medauto.services.bda.blueprint_listing import BlueprintListing
from medauto.services.bda.errors import access_denied, conflict, not_found, validation
from medauto.services.bda.idempotency import run_once
from medauto.services.bda.locate import Target, load, missing, target
from medauto.services.bda.samples import SAMPLE_PREFIX
from medauto.services.bda.schema_check import InvalidSchema, check_schema
from medauto.services.bda.tags import tag_map
from medauto.services.bda.views import blueprint_view, sample_view
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import NameTaken, Resource, modify


def checked_schema(text: str) -> str:
    try:
        check_schema(text)
    except InvalidSchema as exc:
        raise validation(str(exc), "schema") from None
    return text


def _not_sample(where: Target, action: str) -> None:
    if where.sample is not None:
        raise access_denied(f"{where.arn} is a service-owned sample blueprint; it cannot be {action}.")


class BlueprintOperations(BlueprintListing):
    """Mixed into the provider; needs ``_resources``."""

    def _blueprint(self, context: RequestContext, params: dict[str, Any]) -> Target:
        return target(context, params["blueprintArn"], Kind.BLUEPRINT, "blueprintArn")

    def _change(self, where: Target, change: Callable[[Resource], Resource]) -> Resource:
        changed = modify(self._resources, where.account_id, where.region, where.kind, where.resource_id, change)
        if changed is None:
            raise missing(where)
        return changed

    @operation("CreateBlueprint")
    def create_blueprint(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["blueprintName"]
        if name.startswith(SAMPLE_PREFIX):
            raise validation(f"Blueprint names starting with {SAMPLE_PREFIX} are reserved.", "blueprintName")
        schema = checked_schema(params["schema"])
        tags = tag_map(params.get("tags", []))

        def create() -> dict[str, Any]:
            record = records.new_blueprint(
                context.account_id,
                context.region,
                name,
                params["type"],
                schema,
                params.get("blueprintStage"),
                datetime.now(UTC),
                params.get("encryptionConfiguration"),
                tags,
            )
            try:
                self._resources.insert(record)
            except NameTaken:
                raise conflict(f"A blueprint named {name} already exists.") from None
            return {"blueprint": blueprint_view(record)}

        return run_once(self._resources, context, params, create, conflict)

    @operation("GetBlueprint")
    def get_blueprint(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._blueprint(context, params)
        version, stage = params.get("blueprintVersion"), params.get("blueprintStage")
        if where.sample is not None:
            if version is not None:
                raise not_found(f"Sample blueprint {where.arn} has no version {version}.")
            return {"blueprint": sample_view(where.sample, where.region, stage)}
        shown = blueprint_view(load(self._resources, where), stage, version)
        if shown is None:
            wanted = " and ".join(
                part for part in (f"version {version}" if version else "", f"stage {stage}" if stage else "") if part
            )
            raise not_found(f"Blueprint {where.arn} has no {wanted}.")
        return {"blueprint": shown}

    @operation("UpdateBlueprint")
    def update_blueprint(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._blueprint(context, params)
        _not_sample(where, "updated")
        schema = checked_schema(params["schema"])
        stage = params.get("blueprintStage")
        encryption = params.get("encryptionConfiguration")

        def update(current: Resource) -> Resource:
            chosen = stage or current.body["defaultStage"]
            return records.with_stage_schema(current, chosen, schema, datetime.now(UTC), encryption)

        updated = self._change(where, update)
        return {"blueprint": blueprint_view(updated, stage or updated.body["defaultStage"])}

    @operation("DeleteBlueprint")
    def delete_blueprint(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._blueprint(context, params)
        _not_sample(where, "deleted")
        version = params.get("blueprintVersion")
        if version is None:
            if not self._resources.delete(where.account_id, where.region, where.kind, where.resource_id):
                raise missing(where)
            return {}

        def drop(current: Resource) -> Resource:
            if version not in current.body["versions"]:
                raise not_found(f"Blueprint {where.arn} has no version {version}.")
            return records.without_version(current, version, datetime.now(UTC))

        self._change(where, drop)
        return {}

    @operation("CreateBlueprintVersion")
    def create_blueprint_version(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._blueprint(context, params)
        _not_sample(where, "versioned")

        def snapshot(current: Resource) -> Resource:
            return records.with_new_version(current, current.body["defaultStage"], datetime.now(UTC))[0]

        def create() -> dict[str, Any]:
            updated = self._change(where, snapshot)
            return {"blueprint": blueprint_view(updated, None, str(updated.body["lastVersion"]))}

        return run_once(self._resources, context, params, create, validation)

    @operation("CopyBlueprintStage")
    def copy_blueprint_stage(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._blueprint(context, params)
        _not_sample(where, "changed")
        source, dest = params["sourceStage"], params["targetStage"]
        if source == dest:
            raise validation(f"sourceStage and targetStage are both {source}; they must differ.", "targetStage")

        def copy(current: Resource) -> Resource:
            stages = current.body["stages"]
            if source not in stages:
                raise not_found(f"Blueprint {where.arn} has no {source} stage to copy.")
            return records.with_stage_schema(current, dest, stages[source]["schema"], datetime.now(UTC))

        def run() -> dict[str, Any]:
            self._change(where, copy)
            return {}

        return run_once(self._resources, context, params, run, validation)
