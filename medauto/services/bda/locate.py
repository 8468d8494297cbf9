"""From an ARN in a request to the stored resource it names (or the modeled error)."""

from __future__ import annotations

from dataclasses import dataclass

from medauto.protocols.errors import ServiceError
from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.errors import not_found, validation
from medauto.services.bda.samples import SampleBlueprint, sample_blueprint
from medauto.services.context import RequestContext
from medauto.storage.resources import Resource, ResourceStore

LABELS = {
    Kind.BLUEPRINT: "Blueprint",
    Kind.PROJECT: "Data automation project",
    Kind.LIBRARY: "Data automation library",
    Kind.INGESTION_JOB: "Data automation library ingestion job",
    Kind.OPTIMIZATION: "Blueprint optimization invocation",
}


@dataclass(frozen=True, slots=True)
class Target:
    """Where an ARN points in the caller's namespace (the ARN's region, or the request's when it has none)."""

    arn: str
    account_id: str
    region: str
    kind: str
    resource_id: str
    sample: SampleBlueprint | None = None  # set for service-owned blueprints


def target(context: RequestContext, arn: str, kind: Kind, member: str) -> Target:
    """Resolve ``arn`` (request member ``member``) to a resource of ``kind`` the caller can see."""
    parsed = parse_arn(arn)
    label = LABELS.get(kind, kind)
    if parsed is None or parsed.kind != kind:
        raise validation(f"{arn} is not a {label.lower()} ARN.", member)
    region = parsed.region or context.region
    if parsed.service_owned and kind is Kind.BLUEPRINT:
        sample = sample_blueprint(parsed.resource_id)
        if sample is None:
            raise not_found(f"{label} {arn} was not found.")
        return Target(arn, parsed.account_id, region, kind, parsed.resource_id, sample)
    if parsed.account_id != context.account_id:
        # Other accounts' resources are invisible, exactly as if they did not exist.
        raise not_found(f"{label} {arn} was not found.")
    return Target(arn, parsed.account_id, region, kind, parsed.resource_id)


def load(store: ResourceStore, where: Target) -> Resource:
    found = store.get(where.account_id, where.region, where.kind, where.resource_id)
    if found is None:
        raise missing(where)
    return found


def missing(where: Target) -> ServiceError:
    return not_found(f"{LABELS[Kind(where.kind)]} {where.arn} was not found.")
