"""Tags on data-automation invocations, kept in the control plane's resource store next to other BDA tags."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from medauto.protocols.errors import ServiceError
from medauto.storage.resources import NameTaken, Resource, ResourceStore, modify

KIND = "data-automation-invocation"
MAX_TAGS = 200


def _parts(arn: str) -> tuple[str, str, str]:
    """(region, account, invocation id) of an invocation ARN (already pattern-checked by validation)."""
    fields = arn.split(":", 5)
    return fields[3], fields[4], fields[5].rsplit("/", 1)[-1]


def record_tags(store: ResourceStore, account_id: str, region: str, job_id: str, tags: list[dict[str, str]]) -> None:
    now = datetime.now(UTC)
    resource = Resource(account_id, region, KIND, job_id, job_id, now, now, {}, {t["key"]: t["value"] for t in tags})
    # Two requests with one client token may race here: the first one's tags win, as its invocation does.
    with contextlib.suppress(NameTaken, ValueError):
        store.insert(resource)


def _check_limit(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise ServiceError("ServiceQuotaExceededException", f"A resource can have at most {MAX_TAGS} tags.", 400)


class InvocationTags:
    def __init__(self, store: ResourceStore, exists: Callable[[str, str], bool]) -> None:
        self._store = store
        self._exists = exists  # (account_id, job_id) -> bool: the invocation is in the job store

    def _target(self, account_id: str, arn: str) -> tuple[str, str]:
        region, owner, job_id = _parts(arn)
        if owner != account_id or not self._exists(account_id, job_id):
            raise ServiceError("ResourceNotFoundException", f"The resource {arn} was not found.", 404)
        if self._store.get(account_id, region, KIND, job_id) is None:
            record_tags(self._store, account_id, region, job_id, [])
        return region, job_id

    def listed(self, account_id: str, arn: str) -> list[dict[str, str]]:
        region, job_id = self._target(account_id, arn)
        found = self._store.get(account_id, region, KIND, job_id)
        tags = found.tags if found else {}
        return [{"key": k, "value": v} for k, v in sorted(tags.items())]

    def tag(self, account_id: str, arn: str, tags: list[dict[str, str]]) -> None:
        region, job_id = self._target(account_id, arn)

        def change(current: Resource) -> Resource:
            merged = {**current.tags, **{t["key"]: t["value"] for t in tags}}
            _check_limit(merged)
            return current.with_changes(tags=merged, modified=datetime.now(UTC))

        modify(self._store, account_id, region, KIND, job_id, change)

    def untag(self, account_id: str, arn: str, keys: list[str]) -> None:
        region, job_id = self._target(account_id, arn)

        def change(current: Resource) -> Resource:
            kept = {k: v for k, v in current.tags.items() if k not in set(keys)}
            return current.with_changes(tags=kept, modified=datetime.now(UTC))

        modify(self._store, account_id, region, KIND, job_id, change)
