"""Building and changing stored blueprint/project records (body layout documented in ``views``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from medauto.services.bda.arns import Kind, new_resource_id
from medauto.services.bda.views import PROJECT_CONFIG_MEMBERS
from medauto.storage.resources import Resource

DEFAULT_STAGE = "LIVE"


def _kms(encryption: dict[str, Any] | None) -> dict[str, Any]:
    return {"kms": dict(encryption)} if encryption else {}


def new_blueprint(
    account_id: str,
    region: str,
    name: str,
    blueprint_type: str,
    schema: str,
    stage: str | None,
    at: datetime,
    encryption: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> Resource:
    chosen = stage or DEFAULT_STAGE
    body: dict[str, Any] = {
        "type": blueprint_type,
        "defaultStage": chosen,
        "stages": {chosen: {"schema": schema, "modified": at.isoformat()}},
        "versions": {},
        "lastVersion": 0,
        **_kms(encryption),
    }
    return Resource(account_id, region, Kind.BLUEPRINT, new_resource_id(), name, at, at, body, dict(tags or {}))


def with_stage_schema(
    resource: Resource, stage: str, schema: str, at: datetime, encryption: dict[str, Any] | None = None
) -> Resource:
    """The blueprint with ``stage`` holding ``schema`` (the stage is created when it did not exist)."""
    body = dict(resource.body)
    body["stages"] = {**body["stages"], stage: {"schema": schema, "modified": at.isoformat()}}
    if encryption:
        body.update(_kms(encryption))
    return resource.with_changes(body=body, modified=at)


def with_new_version(resource: Resource, stage: str, at: datetime) -> tuple[Resource, str]:
    """Snapshot ``stage`` as the next version ("1", "2", ...; numbers are never reused)."""
    body = dict(resource.body)
    number = str(int(body["lastVersion"]) + 1)
    snapshot = {"schema": body["stages"][stage]["schema"], "stage": stage, "created": at.isoformat()}
    body["versions"] = {**body["versions"], number: snapshot}
    body["lastVersion"] = int(number)
    return resource.with_changes(body=body, modified=at), number


def without_version(resource: Resource, version: str, at: datetime) -> Resource:
    body = dict(resource.body)
    body["versions"] = {k: v for k, v in body["versions"].items() if k != version}
    return resource.with_changes(body=body, modified=at)


def project_config(params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The per-stage configuration stored for a Create/UpdateDataAutomationProject request."""
    config = {member: params[member] for member in PROJECT_CONFIG_MEMBERS if member in params}
    config["modified"] = at.isoformat()
    return config


def new_project(
    account_id: str, region: str, params: dict[str, Any], at: datetime, tags: dict[str, str] | None = None
) -> Resource:
    stage = params.get("projectStage") or DEFAULT_STAGE
    body: dict[str, Any] = {
        "projectType": params.get("projectType") or "ASYNC",
        "defaultStage": stage,
        "stages": {stage: project_config(params, at)},
        **_kms(params.get("encryptionConfiguration")),
    }
    name = params["projectName"]
    return Resource(account_id, region, Kind.PROJECT, new_resource_id(), name, at, at, body, dict(tags or {}))


def with_project_stage(resource: Resource, params: dict[str, Any], at: datetime) -> Resource:
    """UpdateDataAutomationProject: replace one stage's configuration (creating that stage if needed)."""
    body = dict(resource.body)
    stage = params.get("projectStage") or body["defaultStage"]
    config = project_config(params, at)
    # The configuration is replaced as a whole; only the description survives an update that omits it.
    previous = body["stages"].get(stage, {})
    if "projectDescription" not in config and "projectDescription" in previous:
        config["projectDescription"] = previous["projectDescription"]
    body["stages"] = {**body["stages"], stage: config}
    if params.get("encryptionConfiguration"):
        body.update(_kms(params["encryptionConfiguration"]))
    return resource.with_changes(body=body, modified=at)
