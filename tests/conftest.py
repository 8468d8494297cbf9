"""Shared fixtures: a real medauto server process on 127.0.0.1 and boto3 clients pointed at it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import clients
from tests.s3server import S3Server, start_s3

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("comprehendmedical", "bedrock-data-automation-runtime", "bedrock-data-automation")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    data_dir: Path
    output: deque[str]

    def client(self, service: str, **kwargs: Any) -> Any:
        return clients.client(self.url, service, **kwargs)


def start_server(data_dir: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    cmd = [sys.executable, "-m", "medauto", "serve", "--port", "0", "--data-dir", str(data_dir), *extra]
    process = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("medauto listening on "):
            url = line.split("listening on ", 1)[1].strip()
            output: deque[str] = deque(seen, maxlen=2000)
            # Keep draining the pipe so a chatty server never blocks on a full buffer.
            threading.Thread(target=_drain, args=(process, output), daemon=True).start()
            return Server(url, process, data_dir, output)
    process.kill()
    raise RuntimeError("medauto did not start:\n" + "".join(seen))


def _drain(process: subprocess.Popen[str], output: deque[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)


def stop_server(server: Server) -> int:
    server.process.terminate()
    try:
        return server.process.wait(timeout=20)
    finally:
        if server.process.poll() is None:
            server.process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("medauto-data"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real SeaweedFS S3 server for the whole session (started on first use)."""
    root = tmp_path_factory.mktemp("seaweedfs")
    server = start_s3(root / "data", root / "weed.log")
    yield server
    server.stop()
