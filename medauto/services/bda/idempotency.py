"""clientToken handling: the first request with a token runs; identical retries get its stored result."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from medauto.protocols.errors import ServiceError
from medauto.services.bda.errors import busy
from medauto.services.context import RequestContext
from medauto.storage.resources import ResourceStore, TokenBusy, TokenMismatch


def fingerprint(params: dict[str, Any]) -> str:
    """A digest of the request without its token: equal digests mean the same request."""
    rest = {k: v for k, v in params.items() if k != "clientToken"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()


def json_safe(value: Any) -> Any:
    """Results are stored as JSON: datetimes become ISO-8601 text, which the codec renders the same way."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def run_once(
    store: ResourceStore,
    context: RequestContext,
    params: dict[str, Any],
    run: Callable[[], dict[str, Any]],
    mismatch: Callable[[str], ServiceError],
) -> dict[str, Any]:
    """Run ``run`` unless ``params["clientToken"]`` was used before for this operation in this namespace.

    Same token and same request -> the first result; same token, other request -> ``mismatch(message)``."""
    token = params.get("clientToken")
    if not token:
        return run()
    where = (context.account_id, context.region, context.operation, token)
    try:
        earlier = store.claim_token(*where, fingerprint(params))
    except TokenMismatch:
        raise mismatch(
            f"The clientToken {token} was already used for a {context.operation} request with different parameters."
        ) from None
    except TokenBusy:
        raise busy(f"A {context.operation} request with clientToken {token} is still in progress.") from None
    if earlier is not None:
        return earlier
    try:
        result = run()
    except BaseException:
        store.release_token(*where)
        raise
    store.settle_token(*where, json_safe(result))
    return result
