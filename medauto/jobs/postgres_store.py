"""The PostgreSQL job store (``--store postgresql://...``), for several hosts sharing one queue.

Claims use ``FOR UPDATE SKIP LOCKED``, so workers never wait on, or share, each other's jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from medauto.jobs.job_table import COLUMNS, JSON_COLUMNS, listing_query
from medauto.jobs.models import IdempotencyConflict, JobFilter, JobRecord, cut_page
from medauto.storage.sql_connections import PostgresConnections

_SCHEMA = """
CREATE TABLE IF NOT EXISTS medauto_jobs (
    job_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    submit_time TIMESTAMPTZ NOT NULL,
    request JSONB NOT NULL,
    request_hash TEXT NOT NULL,
    name TEXT,
    client_token TEXT,
    end_time TIMESTAMPTZ,
    message TEXT,
    progress JSONB NOT NULL,
    result JSONB NOT NULL,
    worker TEXT,
    heartbeat TIMESTAMPTZ,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS medauto_jobs_token
    ON medauto_jobs(account_id, kind, client_token) WHERE client_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS medauto_jobs_listing ON medauto_jobs(account_id, kind, submit_time, job_id);
CREATE INDEX IF NOT EXISTS medauto_jobs_queue ON medauto_jobs(kind, status, submit_time);
"""


class PostgresJobStore:
    def __init__(self, dsn: str) -> None:
        self._db = PostgresConnections(dsn)
        with self._db.get().transaction():
            self._db.get().execute(_SCHEMA)

    def _value(self, name: str, value: Any) -> Any:
        if value is not None and name in JSON_COLUMNS:
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return value

    def create(self, record: JobRecord) -> tuple[JobRecord, bool]:
        conn = self._db.get()
        with conn.transaction():
            if record.client_token:
                # Serialise creators of the same token; the unique index is the last line of defence.
                conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))",
                    (f"{record.account_id}|{record.kind}|{record.client_token}",),
                )
                row = conn.execute(
                    "SELECT * FROM medauto_jobs WHERE account_id=%s AND kind=%s AND client_token=%s",
                    (record.account_id, record.kind, record.client_token),
                ).fetchone()
                if row is not None:
                    existing = JobRecord(**row)
                    if existing.request_hash != record.request_hash:
                        raise IdempotencyConflict(existing)
                    return existing, False
            values = [self._value(name, getattr(record, name)) for name in COLUMNS]
            conn.execute(
                f"INSERT INTO medauto_jobs ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
                values,
            )
        return record, True

    def get(self, account_id: str, kind: str, job_id: str) -> JobRecord | None:
        row = (
            self._db.get()
            .execute(
                "SELECT * FROM medauto_jobs WHERE job_id=%s AND account_id=%s AND kind=%s", (job_id, account_id, kind)
            )
            .fetchone()
        )
        return JobRecord(**row) if row is not None else None

    def list(
        self, account_id: str, kind: str, filt: JobFilter, limit: int, cursor: str | None = None
    ) -> tuple[list[JobRecord], str | None]:
        query, args = listing_query(account_id, kind, filt, cursor, "%s")
        rows = self._db.get().execute(f"SELECT * FROM medauto_jobs WHERE {query} LIMIT %s", [*args, limit + 1])
        return cut_page([JobRecord(**r) for r in rows.fetchall()], limit)

    def transition(self, job_id: str, expected: Iterable[str], **changes: Any) -> JobRecord | None:
        statuses = list(expected)
        if not statuses or not changes:
            return None
        sets = ", ".join(f"{name}=%s" for name in changes)
        row = (
            self._db.get()
            .execute(
                f"UPDATE medauto_jobs SET {sets} WHERE job_id=%s AND status = ANY(%s) RETURNING *",
                [*(self._value(k, v) for k, v in changes.items()), job_id, statuses],
            )
            .fetchone()
        )
        return JobRecord(**row) if row is not None else None

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
        stopping = stopping or running
        row = (
            self._db.get()
            .execute(
                """
            UPDATE medauto_jobs SET status = CASE WHEN status=%s THEN status ELSE %s END,
                worker=%s, heartbeat=%s, attempts=attempts+1
            WHERE job_id = (
                SELECT job_id FROM medauto_jobs
                WHERE kind = ANY(%s)
                  AND (status=%s OR (status IN (%s, %s) AND (heartbeat IS NULL OR heartbeat<%s)))
                ORDER BY submit_time, job_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """,
                (stopping, running, worker, at, list(kinds), waiting, running, stopping, at - stale_after),
            )
            .fetchone()
        )
        return JobRecord(**row) if row is not None else None

    def heartbeat(self, job_id: str, worker: str, at: datetime, progress: dict[str, Any] | None = None) -> bool:
        if progress is None:
            cur = self._db.get().execute(
                "UPDATE medauto_jobs SET heartbeat=%s WHERE job_id=%s AND worker=%s", (at, job_id, worker)
            )
        else:
            cur = self._db.get().execute(
                "UPDATE medauto_jobs SET heartbeat=%s, progress=%s WHERE job_id=%s AND worker=%s",
                (at, self._value("progress", progress), job_id, worker),
            )
        return bool(cur.rowcount)

    def close(self) -> None:
        self._db.close()
