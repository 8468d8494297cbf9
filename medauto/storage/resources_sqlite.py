"""The embedded resource store: ``resources.sqlite`` under the data dir, shared safely by threads and processes.

WAL mode lets readers run beside a writer; every write is one statement or a ``BEGIN IMMEDIATE`` transaction,
and updates are compare-and-set on the revision, so concurrent writers never lose each other's changes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medauto.storage.resources import (
    PENDING_TOKEN_TIMEOUT,
    NameTaken,
    Predicate,
    Resource,
    StaleResource,
    TokenBusy,
    TokenMismatch,
    decode_cursor,
    take_page,
)

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
_SCAN = 200  # rows read per round trip while filling a filtered page


def _stamp(value: datetime) -> str:
    # Fixed-width UTC text sorts like the instant it names, so ORDER BY and cursor comparisons work on it.
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


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


class SqliteResourceStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()
        self._connect().executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def insert(self, resource: Resource) -> None:
        try:
            self._connect().execute(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    resource.account_id, resource.region, resource.kind, resource.resource_id, resource.name,
                    _stamp(resource.created), _stamp(resource.modified), _dump(resource.body), _dump(resource.tags),
                    resource.revision,
                ),
            )  # fmt: skip
        except sqlite3.IntegrityError as exc:
            if "resources.name" in str(exc):
                raise NameTaken(resource.name) from None
            raise ValueError(f"{resource.kind}/{resource.resource_id} exists") from None

    def get(self, account_id: str, region: str, kind: str, resource_id: str) -> Resource | None:
        row = (
            self._connect()
            .execute(
                "SELECT * FROM resources WHERE account_id=? AND region=? AND kind=? AND resource_id=?",
                (account_id, region, kind, resource_id),
            )
            .fetchone()
        )
        return _resource(row) if row is not None else None

    def replace(self, resource: Resource) -> Resource:
        cur = self._connect().execute(
            "UPDATE resources SET modified=?, body=?, tags=?, revision=revision+1 "
            "WHERE account_id=? AND region=? AND kind=? AND resource_id=? AND revision=?",
            (
                _stamp(resource.modified), _dump(resource.body), _dump(resource.tags), resource.account_id,
                resource.region, resource.kind, resource.resource_id, resource.revision,
            ),
        )  # fmt: skip
        if cur.rowcount != 1:
            raise StaleResource(f"{resource.kind}/{resource.resource_id}")
        return resource.with_changes(revision=resource.revision + 1)

    def delete(self, account_id: str, region: str, kind: str, resource_id: str) -> bool:
        cur = self._connect().execute(
            "DELETE FROM resources WHERE account_id=? AND region=? AND kind=? AND resource_id=?",
            (account_id, region, kind, resource_id),
        )
        return cur.rowcount == 1

    def _ordered(self, account_id: str, region: str, kind: str, cursor: str | None) -> Iterator[Resource]:
        after = decode_cursor(cursor) if cursor else None
        mark = (_stamp(after[0]), after[1]) if after else ("", "")
        conn = self._connect()
        while True:
            rows = conn.execute(
                "SELECT * FROM resources WHERE account_id=? AND region=? AND kind=? "
                "AND (created, resource_id) > (?, ?) ORDER BY created, resource_id LIMIT ?",
                (account_id, region, kind, *mark, _SCAN),
            ).fetchall()
            yield from (_resource(r) for r in rows)
            if len(rows) < _SCAN:
                return
            mark = (rows[-1]["created"], rows[-1]["resource_id"])

    def list(
        self,
        account_id: str,
        region: str,
        kind: str,
        limit: int,
        cursor: str | None = None,
        where: Predicate | None = None,
    ) -> tuple[list[Resource], str | None]:
        # The cursor was applied in SQL already; take_page only filters and cuts.
        return take_page(self._ordered(account_id, region, kind, cursor), limit, None, where)

    def claim_token(
        self, account_id: str, region: str, operation: str, token: str, fingerprint: str
    ) -> dict[str, Any] | None:
        key = (account_id, region, operation, token)
        now = datetime.now(UTC)
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT fingerprint, claimed, result FROM resource_tokens "
                "WHERE account_id=? AND region=? AND operation=? AND token=?",
                key,
            ).fetchone()
            abandoned = (
                row is not None
                and row["result"] is None
                and now - datetime.fromisoformat(row["claimed"]) > PENDING_TOKEN_TIMEOUT
            )
            if row is None or abandoned:
                conn.execute(
                    "INSERT OR REPLACE INTO resource_tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    (*key, fingerprint, _stamp(now)),
                )
                conn.execute("COMMIT")
                return None
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if row["fingerprint"] != fingerprint:
            raise TokenMismatch(token)
        if row["result"] is None:
            raise TokenBusy(token)
        result: dict[str, Any] = json.loads(row["result"])
        return result

    def settle_token(self, account_id: str, region: str, operation: str, token: str, result: dict[str, Any]) -> None:
        self._connect().execute(
            "UPDATE resource_tokens SET result=? WHERE account_id=? AND region=? AND operation=? AND token=?",
            (_dump(result), account_id, region, operation, token),
        )

    def release_token(self, account_id: str, region: str, operation: str, token: str) -> None:
        self._connect().execute(
            "DELETE FROM resource_tokens WHERE account_id=? AND region=? AND operation=? AND token=? "
            "AND result IS NULL",
            (account_id, region, operation, token),
        )

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
