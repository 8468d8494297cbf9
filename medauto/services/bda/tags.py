"""TagResource / UntagResource / ListTagsForResource on blueprints, projects, libraries, library ingestion jobs and
blueprint optimization invocations (stored with them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from medauto.services.bda.arns import Kind, parse_arn
from medauto.services.bda.errors import not_found, quota_exceeded, validation
from medauto.services.bda.locate import Target, load, missing, target
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import Resource, ResourceStore, modify

MAX_TAGS = 200  # TagList's modeled maximum, applied to a resource's tags after a merge
TAGGABLE = (Kind.BLUEPRINT, Kind.PROJECT, Kind.LIBRARY, Kind.INGESTION_JOB, Kind.OPTIMIZATION)


def tag_map(tags: list[dict[str, str]], member: str = "tags") -> dict[str, str]:
    """Request tags as a dict; reserved ``aws:`` keys and repeated keys are refused."""
    found: dict[str, str] = {}
    for tag in tags:
        key = tag["key"]
        if key.lower().startswith("aws:"):
            raise validation(f"Tag keys starting with 'aws:' are reserved for AWS use: {key}.", member)
        if key in found:
            raise validation(f"The tag key {key} appears more than once in the request.", member)
        found[key] = tag["value"]
    return found


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]


class TagOperations:
    """Mixed into the provider; needs ``_resources``."""

    _resources: ResourceStore

    def _tagged(self, context: RequestContext, arn: str) -> Target:
        parsed = parse_arn(arn)
        kind = next((k for k in TAGGABLE if parsed is not None and parsed.kind == k), None)
        if kind is None:
            raise not_found(f"Resource {arn} was not found.")
        return target(context, arn, kind, "resourceARN")

    @operation("TagResource")
    def tag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._tagged(context, params["resourceARN"])
        adding = tag_map(params["tags"])

        def merge(current: Resource) -> Resource:
            merged = {**current.tags, **adding}
            if len(merged) > MAX_TAGS:
                raise quota_exceeded(
                    f"A resource can have at most {MAX_TAGS} tags; this request would leave {len(merged)}."
                )
            return current.with_changes(tags=merged, modified=datetime.now(UTC))

        if modify(self._resources, where.account_id, where.region, where.kind, where.resource_id, merge) is None:
            raise missing(where)
        return {}

    @operation("UntagResource")
    def untag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._tagged(context, params["resourceARN"])
        dropping = set(params["tagKeys"])

        def drop(current: Resource) -> Resource:
            kept = {k: v for k, v in current.tags.items() if k not in dropping}
            return current.with_changes(tags=kept, modified=datetime.now(UTC))

        if modify(self._resources, where.account_id, where.region, where.kind, where.resource_id, drop) is None:
            raise missing(where)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._tagged(context, params["resourceARN"])
        return {"tags": tag_list(load(self._resources, where).tags)}
