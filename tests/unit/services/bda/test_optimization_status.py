"""Optimization invocations nobody will finish (their server stopped) are reported ServiceError when read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from medauto.services.bda.arns import Kind
from medauto.services.bda.optimization_jobs import OWNER
from medauto.services.bda.provider import BdaProvider
from medauto.storage.objects import InMemoryObjectStore
from medauto.storage.resources import InMemoryResourceStore, Resource

ACCOUNT, REGION = "123456789012", "us-east-1"


class Ctx:
    account_id = ACCOUNT
    region = REGION
    request_id = "5b1f6c1e-0000-4000-8000-000000000001"


def stored(store: InMemoryResourceStore, status: str, owner: str, age: timedelta) -> str:
    at = datetime.now(UTC) - age
    invocation_id = f"0123456789ab-{len(store.list(ACCOUNT, REGION, Kind.OPTIMIZATION, 100, None)[0])}"
    body = {"status": status, "owner": owner, "output": "s3://out/x", "samples": [], "schema": "{}"}
    if status == "Success":
        body["result"] = f"s3://out/x/{invocation_id}/0"
    store.insert(Resource(ACCOUNT, REGION, Kind.OPTIMIZATION, invocation_id, invocation_id, at, at, body))
    return f"arn:aws:bedrock:{REGION}:{ACCOUNT}:blueprint-optimization-invocation/{invocation_id}"


@pytest.mark.parametrize(
    ("status", "owner", "age", "expected"),
    [
        ("InProgress", OWNER, timedelta(0), "ServiceError"),  # made here, no longer owed: its thread is gone
        ("Created", "another-process", timedelta(minutes=5), "Created"),  # another server may still run it
        ("InProgress", "another-process", timedelta(hours=2), "ServiceError"),  # no progress for too long
        ("Success", OWNER, timedelta(hours=2), "Success"),
    ],
)
def test_orphaned_invocations_settle_as_service_error(status: str, owner: str, age: timedelta, expected: str) -> None:
    store = InMemoryResourceStore()
    provider = BdaProvider(store, InMemoryObjectStore())
    arn = stored(store, status, owner, age)
    answer: dict[str, Any] = provider.get_blueprint_optimization_status(Ctx(), {"invocationArn": arn})
    assert answer["status"] == expected
    if expected == "Success":
        assert answer["outputConfiguration"]["s3Object"]["s3Uri"].endswith("/0")
    if expected == "ServiceError":
        assert answer["errorType"] == "InternalServerException" and "interrupted" in answer["errorMessage"]
        again = provider.get_blueprint_optimization_status(Ctx(), {"invocationArn": arn})
        assert again == answer  # settled once, in the store
