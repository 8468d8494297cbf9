"""Wire benchmark server control: start ``medauto serve`` on a free port in its own session, wait until it is
healthy, and stop it in order (also when the bench itself gets SIGTERM)."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_URL_LINE = re.compile(r"(?:medauto listening on|Uvicorn running on) (http://\S+)")


@dataclass
class StartedServer:
    url: str
    process: subprocess.Popen[str]
    output: deque[str]


def _drain(process: subprocess.Popen[str], output: deque[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)


def start_server(data_dir: str, workers: int, auth: bool, timeout: float = 60.0) -> StartedServer:
    cmd = [sys.executable, "-m", "medauto", "serve", "--port", "0", "--data-dir", data_dir]
    cmd += ["--workers", str(workers)]
    if not auth:
        cmd.append("--no-auth")
    process = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        # Own session: Ctrl-C reaches only the bench, which then stops the server in order.
        start_new_session=True,
    )
    assert process.stdout is not None
    output: deque[str] = deque(maxlen=2000)
    deadline = time.monotonic() + timeout
    url: str | None = None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        match = _URL_LINE.search(line)
        if match:
            url = match.group(1).rstrip("/")
            break
    if url is None:
        stop_server(process)
        raise RuntimeError("medauto did not start:\n" + "".join(output))
    threading.Thread(target=_drain, args=(process, output), daemon=True).start()
    server = StartedServer(url, process, output)
    try:
        wait_ready(url, deadline)
    except BaseException:
        stop_server(process)
        raise
    return server


def stop_server(process: subprocess.Popen[str]) -> int | None:
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def wait_ready(url: str, deadline: float) -> dict[str, Any]:
    """Poll the unsigned health route until it answers (all workers of a multi-process server may lag)."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_medauto/health", timeout=2) as response:
                payload = json.loads(response.read() or b"{}")
                return payload if isinstance(payload, dict) else {}
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy: {last}")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block, so a killed bench still stops its server in order."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
