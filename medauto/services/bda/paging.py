"""nextToken pagination for List* operations whose entries are resources expanded into rows (one per stage
or version), and for short in-memory lists (samples, a project's blueprints).

Tokens are opaque base64 JSON; a resource-backed token names the store cursor before the resource being
expanded and how many of its rows were already returned, so pages never repeat or skip a row.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, TypeVar

from medauto.protocols.errors import ServiceError
from medauto.services.bda.errors import validation
from medauto.storage.resources import Resource, encode_cursor

T = TypeVar("T")
Fetch = Callable[[int, str | None], tuple[list[Resource], str | None]]


def _bad_token() -> ServiceError:
    return validation("The nextToken is not valid.", "nextToken")


def encode_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def decode_token(token: str | None, source: str) -> dict[str, Any]:
    """The state in a token this server issued for ``source``; ValidationException otherwise."""
    if not token:
        return {"src": source}
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_token() from None
    if not isinstance(state, dict) or state.get("src") != source:
        raise _bad_token()
    return state


def list_page(rows: list[T], limit: int, token: str | None, source: str) -> tuple[list[T], str | None]:
    """Offset pagination over a short list that is rebuilt identically on each call."""
    state = decode_token(token, source)
    start = state.get("at", 0)
    if not isinstance(start, int) or start < 0:
        raise _bad_token()
    chunk = rows[start : start + limit]
    more = start + limit < len(rows)
    return chunk, encode_token({"src": source, "at": start + limit}) if more else None


def expanded_page(
    fetch: Fetch, expand: Callable[[Resource], list[T]], limit: int, token: str | None, source: str
) -> tuple[list[T], str | None]:
    """Up to ``limit`` rows from resources in store order; ``fetch(n, cursor)`` must only return resources that
    expand to at least one row."""
    state = decode_token(token, source)
    cursor, skip = state.get("c"), state.get("s", 0)
    if not (cursor is None or isinstance(cursor, str)) or not isinstance(skip, int) or skip < 0:
        raise _bad_token()
    rows: list[T] = []
    while True:
        try:
            batch, following = fetch(limit, cursor)
        except ValueError:
            raise _bad_token() from None
        for resource in batch:
            pending = expand(resource)[skip:]
            room = limit - len(rows)
            if len(pending) > room:
                rows.extend(pending[:room])
                return rows, encode_token({"src": source, "c": cursor, "s": skip + room})
            rows.extend(pending)
            cursor, skip = encode_cursor(resource), 0
            if len(rows) == limit:
                more, _ = fetch(1, cursor)
                return rows, encode_token({"src": source, "c": cursor, "s": 0}) if more else None
        if following is None:
            return rows, None
        cursor = following
