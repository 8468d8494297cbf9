"""Opening each implementation of a store interface for its contract tests (memory, SQLite, PostgreSQL).

PostgreSQL is the server named by MEDAUTO_TEST_POSTGRES (default: the local trust-auth database ``test``).
Where it is unreachable the PostgreSQL case skips, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

POSTGRES_DSN = os.environ.get("MEDAUTO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
STORE_KINDS = ["memory", "sqlite", "postgres"]


def fresh_postgres(*tables: str) -> str:
    """The DSN, once ``tables`` are dropped so the store under test starts from an empty schema (none: keep
    them). Skips when PostgreSQL is not reachable, except under CI, where that is a failure."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_DSN, autocommit=True, connect_timeout=3) as conn:
            if tables:
                conn.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_DSN}: {exc}")
    return POSTGRES_DSN


def store_fixture(
    *,
    memory: Callable[[], Any],
    sqlite: Callable[[Path], Any],
    postgres: Callable[[str], Any],
    tables: tuple[str, ...],
) -> Any:
    """A ``store`` fixture that runs each test on every kind: a new, empty store, closed afterwards.

    ``sqlite`` gets the test's tmp_path; ``postgres`` the DSN, once ``tables`` are dropped."""

    @pytest.fixture(params=STORE_KINDS)
    def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
        if request.param == "memory":
            impl = memory()
        elif request.param == "sqlite":
            impl = sqlite(tmp_path)
        else:
            impl = postgres(fresh_postgres(*tables))
        yield impl
        impl.close()

    return store
