"""Read-only lookups for the BDA runtime: a project or blueprint by ARN, in the modeled control-plane shapes.

The runtime resolves ``dataAutomationConfiguration.dataAutomationProjectArn`` and the blueprints it names
with these; they see exactly what GetDataAutomationProject / GetBlueprint would answer the same account.
"""

from __future__ import annotations

from typing import Any

from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.samples import sample_blueprint
from medauto.services.bda.views import blueprint_view, project_view, sample_view
from medauto.storage.resources import ResourceStore


def find_project(
    store: ResourceStore, account_id: str, project_arn: str, stage: str | None = None, region: str | None = None
) -> dict[str, Any] | None:
    """The ``project`` member of GetDataAutomationProject for ``project_arn`` (its default stage when ``stage``
    is None), or None when the caller's account has no such project/stage. The region comes from the ARN
    (``region`` fills in an ARN without one)."""
    parsed = parse_arn(project_arn)
    if parsed is None or parsed.kind != Kind.PROJECT or parsed.account_id != account_id:
        return None
    resource = store.get(account_id, parsed.region or region or "", Kind.PROJECT, parsed.resource_id)
    return project_view(resource, stage) if resource is not None else None


def find_blueprint(
    store: ResourceStore,
    account_id: str,
    blueprint_arn: str,
    version: str | None = None,
    stage: str | None = None,
    region: str | None = None,
) -> dict[str, Any] | None:
    """The ``blueprint`` member of GetBlueprint (service-owned samples included), or None when absent."""
    parsed = parse_arn(blueprint_arn)
    if parsed is None or parsed.kind != Kind.BLUEPRINT:
        return None
    where = parsed.region or region or ""
    if parsed.service_owned:
        sample = sample_blueprint(parsed.resource_id)
        if sample is None or version is not None:
            return None
        return sample_view(sample, where, stage)
    if parsed.account_id != account_id:
        return None
    resource = store.get(account_id, where, Kind.BLUEPRINT, parsed.resource_id)
    return blueprint_view(resource, stage, version) if resource is not None else None
