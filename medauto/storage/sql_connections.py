"""Per-thread database connections for the SQL stores (resources here, jobs in ``medauto.jobs``).

Connections are not shared between threads: SQLite forbids it and a psycopg connection serialises its users, so
each thread opens its own on first use and ``close`` closes the calling thread's.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def utc_text(value: datetime) -> str:
    """Fixed-width UTC text sorts like the instant it names, so ORDER BY and range filters work on it in SQLite."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class SqliteConnections:
    """Connections to one SQLite file in WAL mode, so readers run beside a writer, across processes too."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit (isolation_level=None): the stores open their own BEGIN IMMEDIATE transactions.
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class PostgresConnections:
    """Autocommit psycopg connections returning rows as dicts; reopened when the server closed one."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._local = threading.local()

    def get(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            import psycopg
            from psycopg.rows import dict_row

            conn = psycopg.connect(self._dsn, autocommit=True, row_factory=dict_row)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed:
            conn.close()
