"""Opening each implementation of a store interface for its contract tests (memory, SQLite, PostgreSQL).

PostgreSQL is the server named by MEDAUTO_TEST_POSTGRES (default: the local trust-auth database ``test``).
Where it is unreachable the PostgreSQL case skips, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

POSTGRES_DSN = os.environ.get("MEDAUTO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
STORE_KINDS = ["memory", "sqlite", "postgres"]


def fresh_postgres(*tables: str) -> str:
    """The DSN, once ``tables`` are dropped so the store under test starts from an empty schema."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_DSN}: {exc}")
    return POSTGRES_DSN


def open_store(
    kind: str,
    *,
    memory: Callable[[], Any],
    sqlite: Callable[[], Any],
    postgres: Callable[[str], Any],
    tables: tuple[str, ...],
) -> Any:
    """A new, empty store of ``kind`` (one of STORE_KINDS); ``tables`` are the PostgreSQL tables it uses.

    Any: the three classes only share a Protocol, which the caller names when it keeps the result."""
    if kind == "memory":
        return memory()
    if kind == "sqlite":
        return sqlite()
    return postgres(fresh_postgres(*tables))
