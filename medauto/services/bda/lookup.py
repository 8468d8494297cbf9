"""Read-only lookups for the BDA runtime: a project or blueprint by ARN, in the modeled control-plane shapes.

The runtime resolves ``dataAutomationConfiguration.dataAutomationProjectArn`` and the blueprints it names
with these; they see exactly what GetDataAutomationProject / GetBlueprint would answer the same account. The
vocabulary of a library the project links is read the same way (its VOCABULARY entities' phrases).
"""

from __future__ import annotations

from typing import Any

from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.library_entities import entity_kind
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


_PAGE = 1000  # entities read per store call


def find_vocabulary(
    store: ResourceStore, account_id: str, library_arn: str, limit: int, region: str | None = None
) -> list[dict[str, Any]] | None:
    """The phrases of a library's VOCABULARY entities in creation order, each as ``{"text", "displayAsText"?,
    "language"}`` (its entity's language), at most ``limit`` of them; None when the account has no such
    library."""
    parsed = parse_arn(library_arn)
    if parsed is None or parsed.kind != Kind.LIBRARY or parsed.account_id != account_id:
        return None
    where = parsed.region or region or ""
    if store.get(account_id, where, Kind.LIBRARY, parsed.resource_id) is None:
        return None
    phrases: list[dict[str, Any]] = []
    kind, cursor = entity_kind(parsed.resource_id), None
    while len(phrases) < limit:
        page, cursor = store.list(account_id, where, kind, _PAGE, cursor)
        for entity in page:
            language = entity.body.get("language")
            for phrase in entity.body.get("phrases", []):
                entry = {"text": phrase["text"], "language": language}
                if phrase.get("displayAsText"):
                    entry["displayAsText"] = phrase["displayAsText"]
                phrases.append(entry)
        if cursor is None:
            break
    return phrases[:limit]
