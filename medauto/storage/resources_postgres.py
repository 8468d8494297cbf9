"""The PostgreSQL resource store (``--store postgresql://...``), shared by servers on several hosts.

Updates are compare-and-set on the revision; client tokens are claimed with ``INSERT ... ON CONFLICT`` inside a
transaction, so two servers never both run the first request of a token.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from medauto.storage.resources import (
    NameTaken,
    OrderedListing,
    Resource,
    StaleResource,
    decode_cursor,
    keyset_scan,
    repeated_result,
    resource_columns,
    revision_update,
    token_abandoned,
)
from medauto.storage.sql_connections import PostgresConnections

_SCHEMA = """
CREATE TABLE IF NOT EXISTS medauto_resources (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    modified TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL,
    tags JSONB NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, kind, resource_id),
    CONSTRAINT medauto_resources_name UNIQUE (account_id, region, kind, name)
);
CREATE INDEX IF NOT EXISTS medauto_resources_listing
    ON medauto_resources(account_id, region, kind, created, resource_id);
CREATE TABLE IF NOT EXISTS medauto_resource_tokens (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    operation TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claimed TIMESTAMPTZ NOT NULL,
    result JSONB,
    PRIMARY KEY (account_id, region, operation, token)
);
"""
_KEY = "account_id=%s AND region=%s AND kind=%s AND resource_id=%s"
_TOKEN = "account_id=%s AND region=%s AND operation=%s AND token=%s"


def _resource(row: dict[str, Any]) -> Resource:
    return Resource(**row)


def _as_is(value: datetime) -> datetime:
    return value  # psycopg adapts datetimes to TIMESTAMPTZ itself


class PostgresResourceStore(OrderedListing):
    def __init__(self, dsn: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._db = PostgresConnections(dsn)
        conn = self._db.get()
        with conn.transaction():
            # Serialise schema creation: CREATE ... IF NOT EXISTS races between servers starting together.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('medauto_resources_schema'))")
            conn.execute(_SCHEMA)

    @staticmethod
    def _json(value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value)

    def insert(self, resource: Resource) -> None:
        try:
            self._db.get().execute(
                "INSERT INTO medauto_resources VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                resource_columns(resource, _as_is, self._json),
            )
        except self._psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "medauto_resources_name":
                raise NameTaken(resource.name) from None
            raise ValueError(f"{resource.kind}/{resource.resource_id} exists") from None

    def get(self, account_id: str, region: str, kind: str, resource_id: str) -> Resource | None:
        row = (
            self._db.get()
            .execute(f"SELECT * FROM medauto_resources WHERE {_KEY}", (account_id, region, kind, resource_id))
            .fetchone()
        )
        return _resource(row) if row is not None else None

    def replace(self, resource: Resource) -> Resource:
        cur = self._db.get().execute(
            f"UPDATE medauto_resources SET modified=%s, body=%s, tags=%s, revision=revision+1 WHERE {_KEY} "
            "AND revision=%s",
            revision_update(resource, _as_is, self._json),
        )
        if cur.rowcount != 1:
            raise StaleResource(f"{resource.kind}/{resource.resource_id}")
        return resource.with_changes(revision=resource.revision + 1)

    def delete(self, account_id: str, region: str, kind: str, resource_id: str) -> bool:
        cur = self._db.get().execute(
            f"DELETE FROM medauto_resources WHERE {_KEY}", (account_id, region, kind, resource_id)
        )
        return bool(cur.rowcount == 1)

    def _ordered(self, account_id: str, region: str, kind: str, cursor: str | None) -> Iterator[Resource]:
        conn = self._db.get()

        def batch(mark: tuple[Any, str] | None, size: int) -> list[Any]:
            past_mark = "" if mark is None else "AND (created, resource_id) > (%s, %s) "
            rows: list[Any] = conn.execute(
                "SELECT * FROM medauto_resources WHERE account_id=%s AND region=%s AND kind=%s "
                f"{past_mark}ORDER BY created, resource_id LIMIT %s",
                (account_id, region, kind, *(mark or ()), size),
            ).fetchall()
            return rows

        return map(_resource, keyset_scan(batch, decode_cursor(cursor) if cursor else None))

    def claim_token(
        self, account_id: str, region: str, operation: str, token: str, fingerprint: str
    ) -> dict[str, Any] | None:
        key = (account_id, region, operation, token)
        now = datetime.now(UTC)
        conn = self._db.get()
        with conn.transaction():
            inserted = conn.execute(
                "INSERT INTO medauto_resource_tokens VALUES (%s, %s, %s, %s, %s, %s, NULL) "
                "ON CONFLICT DO NOTHING RETURNING token",
                (*key, fingerprint, now),
            ).fetchone()
            if inserted is not None:
                return None
            row = conn.execute(
                f"SELECT fingerprint, claimed, result FROM medauto_resource_tokens WHERE {_TOKEN} FOR UPDATE", key
            ).fetchone()
            if token_abandoned(row["result"], row["claimed"], now):
                conn.execute(
                    f"UPDATE medauto_resource_tokens SET fingerprint=%s, claimed=%s WHERE {_TOKEN}",
                    (fingerprint, now, *key),
                )
                return None
        return repeated_result(token, fingerprint, row["fingerprint"], row["result"])

    def settle_token(self, account_id: str, region: str, operation: str, token: str, result: dict[str, Any]) -> None:
        self._db.get().execute(
            f"UPDATE medauto_resource_tokens SET result=%s WHERE {_TOKEN}",
            (self._json(result), account_id, region, operation, token),
        )

    def release_token(self, account_id: str, region: str, operation: str, token: str) -> None:
        self._db.get().execute(
            f"DELETE FROM medauto_resource_tokens WHERE {_TOKEN} AND result IS NULL",
            (account_id, region, operation, token),
        )

    def close(self) -> None:
        self._db.close()
