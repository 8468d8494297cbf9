"""The embedded default job store: one SQLite file under the data dir, safe for several processes.

WAL mode lets ``medauto worker`` processes and the server share the file; claims run in ``BEGIN IMMEDIATE``
transactions so two workers can never take the same job.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from medauto.jobs.job_table import COLUMNS, JSON_COLUMNS, listing_query
from medauto.jobs.models import IdempotencyConflict, JobFilter, JobRecord, cut_page
from medauto.storage.sql_connections import SqliteConnections, utc_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    submit_time TEXT NOT NULL,
    request TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    name TEXT,
    client_token TEXT,
    end_time TEXT,
    message TEXT,
    progress TEXT NOT NULL,
    result TEXT NOT NULL,
    worker TEXT,
    heartbeat TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_token ON jobs(account_id, kind, client_token) WHERE client_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_listing ON jobs(account_id, kind, submit_time, job_id);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs(kind, status, submit_time);
"""
_TIMES = frozenset({"submit_time", "end_time", "heartbeat"})


def _to_row(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in JSON_COLUMNS:
        return json.dumps(value, separators=(",", ":"), default=str)
    if name in _TIMES:
        return utc_text(value)
    return value


def _from_row(row: sqlite3.Row) -> JobRecord:
    values: dict[str, Any] = {}
    for name in COLUMNS:
        value = row[name]
        if value is not None and name in JSON_COLUMNS:
            value = json.loads(value)
        elif value is not None and name in _TIMES:
            value = datetime.fromisoformat(value)
        values[name] = value
    return JobRecord(**values)


class SqliteJobStore:
    def __init__(self, path: Path) -> None:
        self._db = SqliteConnections(path)
        with self._db.get() as conn:
            conn.executescript(_SCHEMA)

    def create(self, record: JobRecord) -> tuple[JobRecord, bool]:
        conn = self._db.get()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if record.client_token:
                row = conn.execute(
                    "SELECT * FROM jobs WHERE account_id=? AND kind=? AND client_token=?",
                    (record.account_id, record.kind, record.client_token),
                ).fetchone()
                if row is not None:
                    existing = _from_row(row)
                    conn.execute("COMMIT")
                    if existing.request_hash != record.request_hash:
                        raise IdempotencyConflict(existing)
                    return existing, False
            values = [_to_row(name, getattr(record, name)) for name in COLUMNS]
            conn.execute(f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", values)
            conn.execute("COMMIT")
            return record, True
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def get(self, account_id: str, kind: str, job_id: str) -> JobRecord | None:
        row = (
            self._db.get()
            .execute("SELECT * FROM jobs WHERE job_id=? AND account_id=? AND kind=?", (job_id, account_id, kind))
            .fetchone()
        )
        return _from_row(row) if row is not None else None

    def list(
        self, account_id: str, kind: str, filt: JobFilter, limit: int, cursor: str | None = None
    ) -> tuple[list[JobRecord], str | None]:
        query, args = listing_query(account_id, kind, filt, cursor, "?", utc_text)
        rows = self._db.get().execute(f"SELECT * FROM jobs WHERE {query} LIMIT ?", [*args, limit + 1]).fetchall()
        return cut_page([_from_row(r) for r in rows], limit)

    def transition(self, job_id: str, expected: Iterable[str], **changes: Any) -> JobRecord | None:
        statuses = list(expected)
        if not statuses:
            return None
        conn = self._db.get()
        sets = ", ".join(f"{name}=?" for name in changes)
        args = [_to_row(name, value) for name, value in changes.items()]
        marks = ", ".join("?" * len(statuses))
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                f"UPDATE jobs SET {sets} WHERE job_id=? AND status IN ({marks})", [*args, job_id, *statuses]
            )
            row = conn.execute("SELECT * FROM jobs WHERE job_id=?", (job_id,)).fetchone() if cur.rowcount else None
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return _from_row(row) if row is not None else None

    def claim(
        self,
        kinds: Iterable[str],
        worker: str,
        waiting: str,
        running: str,
        stale_after: timedelta,
        at: datetime,
        stopping: str | None = None,
    ) -> JobRecord | None:
        wanted = list(kinds)
        marks = ", ".join("?" * len(wanted))
        stopping = stopping or running
        conn = self._db.get()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                f"SELECT * FROM jobs WHERE kind IN ({marks}) AND (status=? OR (status IN (?, ?) AND "
                "(heartbeat IS NULL OR heartbeat<?))) ORDER BY submit_time, job_id LIMIT 1",
                [*wanted, waiting, running, stopping, utc_text(at - stale_after)],
            ).fetchone()
            if row is None:
                conn.execute("COMMIT")
                return None
            conn.execute(
                "UPDATE jobs SET status=CASE WHEN status=? THEN status ELSE ? END, worker=?, heartbeat=?, "
                "attempts=attempts+1 WHERE job_id=?",
                (stopping, running, worker, utc_text(at), row["job_id"]),
            )
            claimed = conn.execute("SELECT * FROM jobs WHERE job_id=?", (row["job_id"],)).fetchone()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return _from_row(claimed)

    def heartbeat(self, job_id: str, worker: str, at: datetime, progress: dict[str, Any] | None = None) -> bool:
        conn = self._db.get()
        if progress is None:
            cur = conn.execute(
                "UPDATE jobs SET heartbeat=? WHERE job_id=? AND worker=?", (utc_text(at), job_id, worker)
            )
        else:
            cur = conn.execute(
                "UPDATE jobs SET heartbeat=?, progress=? WHERE job_id=? AND worker=?",
                (utc_text(at), _to_row("progress", progress), job_id, worker),
            )
        return bool(cur.rowcount)

    def close(self) -> None:
        self._db.close()
