"""Helpers shared by the BDA control-plane integration tests."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(call: Any, **params: Any) -> tuple[str, int, str, dict[str, Any]]:
    """(error code, HTTP status, message, whole response) of a call that must fail with a modeled error."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
        response,
    )
