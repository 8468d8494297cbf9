"""Stored blueprint/project records -> the modeled ``Blueprint`` / ``DataAutomationProject`` shapes.

Blueprint body: ``{"type", "defaultStage", "stages": {STAGE: {"schema", "modified", "optimizationSamples"?,
"optimizationTime"?}},
"versions": {"1": {"schema", "stage", "created"}}, "lastVersion", "kms"?}``.
Project body: ``{"projectType", "defaultStage", "stages": {STAGE: {<configuration members>, "modified"}}, "kms"?}``.
Times inside bodies are ISO-8601 strings; the codec renders datetimes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from medauto.services.bda.arns import SERVICE_ACCOUNT, Kind, build_arn
from medauto.services.bda.samples import PUBLISHED, SampleBlueprint
from medauto.storage.resources import Resource

PROJECT_CONFIG_MEMBERS = (
    "projectDescription",
    "standardOutputConfiguration",
    "customOutputConfiguration",
    "overrideConfiguration",
    "dataAutomationLibraryConfiguration",
)


def resource_arn(resource: Resource) -> str:
    return build_arn(resource.region, resource.account_id, resource.kind, resource.resource_id)


def _kms(body: dict[str, Any]) -> dict[str, Any]:
    kms = body.get("kms") or {}
    shown: dict[str, Any] = {}
    if "kmsKeyId" in kms:
        shown["kmsKeyId"] = kms["kmsKeyId"]
    if kms.get("kmsEncryptionContext"):
        shown["kmsEncryptionContext"] = dict(kms["kmsEncryptionContext"])
    return shown


def pick_stage(body: dict[str, Any], stage: str | None) -> str | None:
    """The stage asked for, or the blueprint's/project's default one; None when that stage does not exist."""
    chosen = stage or body["defaultStage"]
    if chosen not in body["stages"]:
        return None if stage else next(iter(sorted(body["stages"])), None)
    return str(chosen)


def blueprint_view(resource: Resource, stage: str | None = None, version: str | None = None) -> dict[str, Any] | None:
    """The ``Blueprint`` shape of one stage or one version; None when that stage/version does not exist."""
    body = resource.body
    shape: dict[str, Any] = {
        "blueprintArn": resource_arn(resource),
        "blueprintName": resource.name,
        "type": body["type"],
        "creationTime": resource.created,
    }
    if version is not None:
        snapshot = body["versions"].get(version)
        if snapshot is None or (stage is not None and snapshot["stage"] != stage):
            return None
        shape.update(
            schema=snapshot["schema"],
            lastModifiedTime=datetime.fromisoformat(snapshot["created"]),
            blueprintVersion=version,
            blueprintStage=snapshot["stage"],
        )
    else:
        chosen = pick_stage(body, stage)
        if chosen is None:
            return None
        head = body["stages"][chosen]
        shape.update(
            schema=head["schema"], lastModifiedTime=datetime.fromisoformat(head["modified"]), blueprintStage=chosen
        )
        if "optimizationTime" in head:  # the stage holds a blueprint optimization's result
            shape["optimizationSamples"] = head["optimizationSamples"]
            shape["optimizationTime"] = datetime.fromisoformat(head["optimizationTime"])
    shape.update(_kms(body))
    return shape


def sample_view(sample: SampleBlueprint, region: str, stage: str | None = None) -> dict[str, Any]:
    """Samples are published identically in both stages and have no versions."""
    return {
        "blueprintArn": build_arn(region, SERVICE_ACCOUNT, Kind.BLUEPRINT, sample.resource_id),
        "blueprintName": sample.resource_id,
        "type": sample.type,
        "schema": sample.schema,
        "creationTime": PUBLISHED,
        "lastModifiedTime": PUBLISHED,
        "blueprintStage": stage or "LIVE",
    }


def project_view(resource: Resource, stage: str | None = None) -> dict[str, Any] | None:
    """The ``DataAutomationProject`` shape of one stage; None when that stage does not exist."""
    body = resource.body
    chosen = pick_stage(body, stage)
    if chosen is None:
        return None
    config = body["stages"][chosen]
    shape: dict[str, Any] = {
        "projectArn": resource_arn(resource),
        "projectName": resource.name,
        "projectStage": chosen,
        "projectType": body["projectType"],
        "creationTime": resource.created,
        "lastModifiedTime": datetime.fromisoformat(config["modified"]),
        "status": "COMPLETED",
    }
    for member in PROJECT_CONFIG_MEMBERS:
        if member in config:
            shape[member] = config[member]
    shape.update(_kms(body))
    return shape
