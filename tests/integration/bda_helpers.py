"""Helpers shared by the BDA control-plane integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Server, start_server, stop_server


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


def control_plane_server(data_dir: Path, credentials: str) -> Iterator[Server]:
    """A server for control-plane tests (no job workers), stopped when the generator is closed."""
    server = start_server(data_dir, "--credentials", credentials, "--job-threads", "0")
    yield server
    stop_server(server)
