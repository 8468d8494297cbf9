"""The jobs table as both SQL stores lay it out: its columns, which of them hold JSON, and the listing query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from medauto.jobs.models import JobFilter, decode_cursor

COLUMNS = (
    "job_id", "account_id", "region", "kind", "status", "submit_time", "request", "request_hash", "name",
    "client_token", "end_time", "message", "progress", "result", "worker", "heartbeat", "attempts",
)  # fmt: skip
JSON_COLUMNS = frozenset({"request", "progress", "result"})


def _as_is(value: datetime) -> Any:
    return value


def listing_query(
    account_id: str,
    kind: str,
    filt: JobFilter,
    cursor: str | None,
    mark: str,
    time: Callable[[datetime], Any] = _as_is,
) -> tuple[str, list[Any]]:
    """The ``WHERE ... ORDER BY ...`` text of one listing page and its parameters.

    ``mark`` is the driver's placeholder (``?`` or ``%s``); ``time`` encodes datetimes as the table stores them.
    Pages run in submit-time order (then id), newest first unless ``filt.ascending``, and start past the cursor.
    """
    where = [f"account_id={mark}", f"kind={mark}"]
    args: list[Any] = [account_id, kind]
    for test, value in (
        ("name=", filt.name),
        ("status=", filt.status),
        ("submit_time<", filt.submitted_before),
        ("submit_time>", filt.submitted_after),
    ):
        if value is not None:
            where.append(test + mark)
            args.append(time(value) if isinstance(value, datetime) else value)
    if cursor:
        stamp, job_id = decode_cursor(cursor)
        where.append(f"(submit_time, job_id) {'>' if filt.ascending else '<'} ({mark}, {mark})")
        args.extend([time(stamp), job_id])
    order = "ASC" if filt.ascending else "DESC"
    return f"{' AND '.join(where)} ORDER BY submit_time {order}, job_id {order}", args
