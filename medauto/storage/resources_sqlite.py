"""The embedded resource store: ``resources.sqlite`` under the data dir, shared safely by threads and processes.

WAL mode lets readers run beside a writer; every write is one statement or a ``BEGIN IMMEDIATE`` transaction,
and updates are compare-and-set on the revision, so concurrent writers never lose each other's changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
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
from medauto.storage.sql_connections import SqliteConnections, utc_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, kind, resource_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS resources_name ON resources(account_id, region, kind, name);
CREATE INDEX IF NOT EXISTS resources_listing ON resources(account_id, region, kind, created, resource_id);
CREATE TABLE IF NOT EXISTS resource_tokens (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    operation TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claimed TEXT NOT NULL,
    result TEXT,
    PRIMARY KEY (account_id, region, operation, token)
);
"""


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _resource(row: sqlite3.Row) -> Resource:
    return Resource(
        account_id=row["account_id"],
        region=row["region"],
        kind=row["kind"],
        resource_id=row["resource_id"],
        name=row["name"],
        created=datetime.fromisoformat(row["created"]),
        modified=datetime.fromisoformat(row["modified"]),
        body=json.loads(row["body"]),
        tags=json.loads(row["tags"]),
        revision=row["revision"],
    )


class SqliteResourceStore(OrderedListing):
    def __init__(self, path: Path) -> None:
        self._db = SqliteConnections(path)
        self._db.get().executescript(_SCHEMA)

    def insert(self, resource: Resource) -> None:
        try:
            self._db.get().execute(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                resource_columns(resource, utc_text, _dump),
            )
        except sqlite3.IntegrityError as exc:
            if "resources.name" in str(exc):
                raise NameTaken(resource.name) from None
            raise ValueError(f"{resource.kind}/{resource.resource_id} exists") from None

    def get(self, account_id: str, region: str, kind: str, resource_id: str) -> Resource | None:
        row = (
            self._db.get()
            .execute(
                "SELECT * FROM resources WHERE account_id=? AND region=? AND kind=? AND resource_id=?",
                (account_id, region, kind, resource_id),
            )
            .fetchone()
        )
        return _resource(row) if row is not None else None

    def replace(self, resource: Resource) -> Resource:
        cur = self._db.get().execute(
            "UPDATE resources SET modified=?, body=?, tags=?, revision=revision+1 "
            "WHERE account_id=? AND region=? AND kind=? AND resource_id=? AND revision=?",
            revision_update(resource, utc_text, _dump),
        )
        if cur.rowcount != 1:
            raise StaleResource(f"{resource.kind}/{resource.resource_id}")
        return resource.with_changes(revision=resource.revision + 1)

    def delete(self, account_id: str, region: str, kind: str, resource_id: str) -> bool:
        cur = self._db.get().execute(
            "DELETE FROM resources WHERE account_id=? AND region=? AND kind=? AND resource_id=?",
            (account_id, region, kind, resource_id),
        )
        return cur.rowcount == 1

    def _ordered(self, account_id: str, region: str, kind: str, cursor: str | None) -> Iterator[Resource]:
        after = decode_cursor(cursor) if cursor else None
        conn = self._db.get()

        def batch(mark: tuple[Any, str] | None, size: int) -> list[Any]:
            return conn.execute(
                "SELECT * FROM resources WHERE account_id=? AND region=? AND kind=? "
                "AND (created, resource_id) > (?, ?) ORDER BY created, resource_id LIMIT ?",
                (account_id, region, kind, *(mark or ("", "")), size),
            ).fetchall()

        return map(_resource, keyset_scan(batch, (utc_text(after[0]), after[1]) if after else None))

    def claim_token(
        self, account_id: str, region: str, operation: str, token: str, fingerprint: str
    ) -> dict[str, Any] | None:
        key = (account_id, region, operation, token)
        now = datetime.now(UTC)
        conn = self._db.get()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT fingerprint, claimed, result FROM resource_tokens "
                "WHERE account_id=? AND region=? AND operation=? AND token=?",
                key,
            ).fetchone()
            if row is None or token_abandoned(row["result"], datetime.fromisoformat(row["claimed"]), now):
                conn.execute(
                    "INSERT OR REPLACE INTO resource_tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    (*key, fingerprint, utc_text(now)),
                )
                conn.execute("COMMIT")
                return None
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        first = None if row["result"] is None else json.loads(row["result"])
        return repeated_result(token, fingerprint, row["fingerprint"], first)

    def settle_token(self, account_id: str, region: str, operation: str, token: str, result: dict[str, Any]) -> None:
        self._db.get().execute(
            "UPDATE resource_tokens SET result=? WHERE account_id=? AND region=? AND operation=? AND token=?",
            (_dump(result), account_id, region, operation, token),
        )

    def release_token(self, account_id: str, region: str, operation: str, token: str) -> None:
        self._db.get().execute(
            "DELETE FROM resource_tokens WHERE account_id=? AND region=? AND operation=? AND token=? "
            "AND result IS NULL",
            (account_id, region, operation, token),
        )

    def close(self) -> None:
        self._db.close()
