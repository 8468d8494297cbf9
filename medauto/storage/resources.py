"""Control-plane metadata (BDA blueprints, projects and their tags), namespaced by account and region.

A resource is one row: identity, a unique-per-kind name, timestamps, a JSON ``body`` owned by the service that
stores it (stages, versions, configuration), tags and a ``revision`` for optimistic updates. Client tokens are
kept beside the resources so a retried create returns what the first call returned.

Every implementation (in-memory here, SQLite and PostgreSQL in ``resources_sqlite``/``resources_postgres``)
passes the same contract tests (tests/unit/storage/test_resource_store_contract.py).
"""

from __future__ import annotations

import base64
import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

# A token whose first request never finished (its process died) is released after this long.
PENDING_TOKEN_TIMEOUT = timedelta(seconds=60)
MODIFY_ATTEMPTS = 50
SCAN_BATCH = 200  # rows a SQL store reads per round trip while filling a filtered page


@dataclass(frozen=True, slots=True)
class Resource:
    account_id: str
    region: str
    kind: str
    resource_id: str
    name: str
    created: datetime
    modified: datetime
    body: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    revision: int = 1

    def with_changes(self, **changes: Any) -> Resource:
        return replace(self, **changes)


Predicate = Callable[[Resource], bool]


class NameTaken(Exception):
    """Another resource of the same kind in the namespace already has this name."""


class StaleResource(Exception):
    """The resource changed (or vanished) since it was read: re-read and try again."""


class TokenMismatch(Exception):
    """The client token was used before, for this operation, with different parameters."""


class TokenBusy(Exception):
    """The first request with this client token is still running."""


class ResourceStore(Protocol):
    def insert(self, resource: Resource) -> None:
        """Add a new resource; NameTaken when its name is in use for the kind in its namespace."""
        ...

    def get(self, account_id: str, region: str, kind: str, resource_id: str) -> Resource | None: ...

    def replace(self, resource: Resource) -> Resource:
        """Store ``resource`` if the stored revision still equals ``resource.revision`` (compare-and-set);
        return it with the revision incremented. StaleResource when it moved on or was deleted."""
        ...

    def delete(self, account_id: str, region: str, kind: str, resource_id: str) -> bool: ...

    def list(
        self,
        account_id: str,
        region: str,
        kind: str,
        limit: int,
        cursor: str | None = None,
        where: Predicate | None = None,
    ) -> tuple[list[Resource], str | None]:
        """A page of resources in creation order (then id) that satisfy ``where``, and the next cursor.

        Cursors name the last resource returned, so pages stay stable when resources come and go.
        ValueError for a cursor this store did not issue."""
        ...

    def claim_token(
        self, account_id: str, region: str, operation: str, token: str, fingerprint: str
    ) -> dict[str, Any] | None:
        """None: the caller is first and must run the request, then ``settle_token`` (or ``release_token`` on
        failure). A dict: the stored result of the earlier identical request. TokenMismatch / TokenBusy."""
        ...

    def settle_token(self, account_id: str, region: str, operation: str, token: str, result: dict[str, Any]) -> None:
        """Record the (JSON-serialisable) result of the request that claimed the token."""
        ...

    def release_token(self, account_id: str, region: str, operation: str, token: str) -> None: ...

    def close(self) -> None: ...


def modify(
    store: ResourceStore,
    account_id: str,
    region: str,
    kind: str,
    resource_id: str,
    change: Callable[[Resource], Resource],
) -> Resource | None:
    """Read-modify-write with retries on concurrent changes; None when the resource does not exist.

    ``change`` gets the current resource and returns the new one (it may raise to abort)."""
    for _ in range(MODIFY_ATTEMPTS):
        current = store.get(account_id, region, kind, resource_id)
        if current is None:
            return None
        try:
            return store.replace(change(current))
        except StaleResource:
            continue
    raise StaleResource(f"{kind}/{resource_id} kept changing; gave up after {MODIFY_ATTEMPTS} attempts")


def encode_cursor(resource: Resource) -> str:
    raw = f"{resource.created.astimezone(UTC).isoformat()}|{resource.resource_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(creation time, id) of the last resource of the previous page; ValueError when malformed."""
    try:
        stamp, resource_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        created = datetime.fromisoformat(stamp)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed pagination token") from exc
    if created.tzinfo is None or not resource_id:
        raise ValueError("malformed pagination token")
    return created, resource_id


def sort_key(resource: Resource) -> tuple[datetime, str]:
    return resource.created, resource.resource_id


def take_page(ordered: Iterable[Resource], limit: int, where: Predicate | None) -> tuple[list[Resource], str | None]:
    """Cut one page from resources already in (created, id) order and past the cursor."""
    chunk: list[Resource] = []
    for resource in ordered:
        if where is not None and not where(resource):
            continue
        if len(chunk) == limit:
            return chunk, encode_cursor(chunk[-1])
        chunk.append(resource)
    return chunk, None


class OrderedListing:
    """``list`` for a store that can yield a namespace's resources in (created, id) order after a cursor."""

    def _ordered(self, account_id: str, region: str, kind: str, cursor: str | None) -> Iterable[Resource]:
        raise NotImplementedError

    def list(
        self,
        account_id: str,
        region: str,
        kind: str,
        limit: int,
        cursor: str | None = None,
        where: Predicate | None = None,
    ) -> tuple[list[Resource], str | None]:
        return take_page(self._ordered(account_id, region, kind, cursor), limit, where)


def keyset_scan(
    batch: Callable[[tuple[Any, str] | None, int], list[Any]], after: tuple[Any, str] | None
) -> Iterator[Any]:
    """Rows of a SQL query in (created, resource_id) order: ``batch(mark, size)`` returns up to ``size`` rows
    after ``mark`` (from the start for None), so each round trip resumes where the last row left off."""
    while True:
        rows = batch(after, SCAN_BATCH)
        yield from rows
        if len(rows) < SCAN_BATCH:
            return
        after = (rows[-1]["created"], rows[-1]["resource_id"])


def token_abandoned(result: object, claimed: datetime, now: datetime) -> bool:
    """A token whose first request never settled (its process died) may be claimed again after the timeout."""
    return result is None and now - claimed > PENDING_TOKEN_TIMEOUT


def repeated_result(
    token: str, fingerprint: str, first_fingerprint: str, first_result: dict[str, Any] | None
) -> dict[str, Any]:
    """What a later request with a claimed token gets: the first request's result, or TokenMismatch when its
    parameters differ, or TokenBusy while the first request is still running."""
    if first_fingerprint != fingerprint:
        raise TokenMismatch(token)
    if first_result is None:
        raise TokenBusy(token)
    return first_result


def resource_columns(
    resource: Resource, time: Callable[[datetime], Any], document: Callable[[Any], Any]
) -> tuple[Any, ...]:
    """A SQL row of ``resource`` in column order; ``time`` and ``document`` encode as the database wants."""
    return (
        resource.account_id, resource.region, resource.kind, resource.resource_id, resource.name,
        time(resource.created), time(resource.modified), document(resource.body), document(resource.tags),
        resource.revision,
    )  # fmt: skip


def revision_update(
    resource: Resource, time: Callable[[datetime], Any], document: Callable[[Any], Any]
) -> tuple[Any, ...]:
    """Parameters of the SQL compare-and-set: the new modified, body and tags, then the key and old revision."""
    return (
        time(resource.modified), document(resource.body), document(resource.tags), resource.account_id,
        resource.region, resource.kind, resource.resource_id, resource.revision,
    )  # fmt: skip


@dataclass
class _Token:
    fingerprint: str
    claimed: datetime
    result: dict[str, Any] | None = None


class InMemoryResourceStore(OrderedListing):
    """For tests and ``--store memory``; copies bodies in and out so callers cannot alias stored state."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str, str, str], Resource] = {}
        self._tokens: dict[tuple[str, str, str, str], _Token] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _copy(resource: Resource) -> Resource:
        return resource.with_changes(body=copy.deepcopy(resource.body), tags=dict(resource.tags))

    def insert(self, resource: Resource) -> None:
        key = (resource.account_id, resource.region, resource.kind, resource.resource_id)
        with self._lock:
            if key in self._rows:
                raise ValueError(f"{resource.kind}/{resource.resource_id} exists")
            for other in self._rows.values():
                if other.name == resource.name and key[:3] == (other.account_id, other.region, other.kind):
                    raise NameTaken(resource.name)
            self._rows[key] = self._copy(resource)

    def get(self, account_id: str, region: str, kind: str, resource_id: str) -> Resource | None:
        with self._lock:
            found = self._rows.get((account_id, region, kind, resource_id))
            return self._copy(found) if found is not None else None

    def replace(self, resource: Resource) -> Resource:
        key = (resource.account_id, resource.region, resource.kind, resource.resource_id)
        with self._lock:
            stored = self._rows.get(key)
            if stored is None or stored.revision != resource.revision:
                raise StaleResource(f"{resource.kind}/{resource.resource_id}")
            updated = self._copy(resource.with_changes(revision=resource.revision + 1))
            self._rows[key] = updated
            return self._copy(updated)

    def delete(self, account_id: str, region: str, kind: str, resource_id: str) -> bool:
        with self._lock:
            return self._rows.pop((account_id, region, kind, resource_id), None) is not None

    def _ordered(self, account_id: str, region: str, kind: str, cursor: str | None) -> Iterable[Resource]:
        mark = decode_cursor(cursor) if cursor else None
        with self._lock:
            mine = [self._copy(r) for k, r in self._rows.items() if k[:3] == (account_id, region, kind)]
        return [r for r in sorted(mine, key=sort_key) if mark is None or sort_key(r) > mark]

    def claim_token(
        self, account_id: str, region: str, operation: str, token: str, fingerprint: str
    ) -> dict[str, Any] | None:
        key = (account_id, region, operation, token)
        now = datetime.now(UTC)
        with self._lock:
            seen = self._tokens.get(key)
            if seen is None or token_abandoned(seen.result, seen.claimed, now):
                self._tokens[key] = _Token(fingerprint, now)
                return None
            return copy.deepcopy(repeated_result(token, fingerprint, seen.fingerprint, seen.result))

    def settle_token(self, account_id: str, region: str, operation: str, token: str, result: dict[str, Any]) -> None:
        with self._lock:
            seen = self._tokens.get((account_id, region, operation, token))
            if seen is not None:
                seen.result = copy.deepcopy(result)

    def release_token(self, account_id: str, region: str, operation: str, token: str) -> None:
        with self._lock:
            seen = self._tokens.get((account_id, region, operation, token))
            if seen is not None and seen.result is None:
                del self._tokens[(account_id, region, operation, token)]

    def close(self) -> None:
        return None
