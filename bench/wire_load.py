"""Wire benchmark load loop: one request's exact bytes replayed over C keep-alive connections from one asyncio
loop, with a minimal HTTP/1.1 reader. No boto3 in the hot loop: the load generator has to be cheap because it
shares the CPU with the server. ``run_scenario`` returns one scenario's figures (requests/s, latency percentiles,
statuses, client and server CPU)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import resource
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.wire_requests import Scenario, build_request

# Signatures are accepted for 15 minutes; rebuild the request well before that on long runs.
RESIGN_EVERY_SECONDS = 300.0
DRAIN_TIMEOUT_SECONDS = 10.0


_ERRORTYPE = re.compile(rb"\r\nx-amzn-errortype:[ \t]*([^\r:]+)", re.IGNORECASE)


class ProtocolError(Exception):
    """The server sent something this minimal HTTP/1.1 reader does not understand."""


@dataclass
class Sample:
    status: int
    error_type: str | None
    body: bytes


@dataclass
class WorkerStats:
    latencies_ns: list[int] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    connections: int = 0
    sample: Sample | None = None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            await _skip_trailers(reader)
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _skip_trailers(reader: asyncio.StreamReader) -> None:
    while (await reader.readuntil(b"\r\n")) != b"\r\n":
        pass


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes, bool]:
    """Read one HTTP/1.1 response; return (status, head as received, body, keep_alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        raise ProtocolError(f"bad status line {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    start = lower.find(b"\r\ncontent-length:")
    if start >= 0:
        start += 17
        length = int(lower[start : lower.index(b"\r\n", start)])
        body = await reader.readexactly(length) if length else b""
    elif b"\r\ntransfer-encoding: chunked" in lower:
        body = await _read_chunked(reader)
    elif status in (204, 304) or 100 <= status < 200:
        body = b""
    else:
        raise ProtocolError("response without content-length or chunked encoding")
    keep_alive = b"\r\nconnection: close" not in lower and head.startswith(b"HTTP/1.1")
    return status, head, body, keep_alive


def _error_type(head: bytes) -> str | None:
    match = _ERRORTYPE.search(head)
    return match.group(1).decode("latin-1") if match else None


async def connection_worker(
    host: str, port: int, request_box: list[bytes], start_ns: int, end_ns: int, stats: WorkerStats
) -> None:
    """One keep-alive connection: send, read, repeat until ``end_ns``.

    A request counts when it completes inside [start_ns, end_ns); requests still in flight at the end are dropped.
    """
    clock = time.perf_counter_ns
    latencies = stats.latencies_ns
    statuses = stats.statuses
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while clock() < end_ns:
            if writer is None or reader is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError as exc:
                    stats.errors[f"connect: {type(exc).__name__}"] += 1
                    await asyncio.sleep(0.05)
                    continue
                stats.connections += 1
            t0 = clock()
            try:
                writer.write(request_box[0])
                status, head, body, keep_alive = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError, ValueError) as exc:
                if clock() < end_ns:
                    stats.errors[type(exc).__name__] += 1
                writer.close()
                reader = writer = None
                continue
            t1 = clock()
            if start_ns <= t1 < end_ns:
                latencies.append(t1 - t0)
                statuses[status] += 1
            if stats.sample is None:
                stats.sample = Sample(status, _error_type(head), body)
            if not keep_alive:
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


async def _resigner(box: list[bytes], scenario: Scenario, base_url: str, sign: bool) -> None:
    while True:
        await asyncio.sleep(RESIGN_EVERY_SECONDS)
        box[0] = build_request(scenario, base_url, sign).raw


# ---------------------------------------------------------------------------------------------------------------
# CPU accounting (client: getrusage; server: /proc for the process tree we started, Linux only)
# ---------------------------------------------------------------------------------------------------------------


def _client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _proc_tree_cpu_seconds(root_pid: int) -> float | None:
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command: state ppid ... utime(14) stime(15).
        fields = raw[raw.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = int(fields[11]) + int(fields[12])
    if root_pid not in cpu:
        return None
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(cpu[p] for p in tree) / ticks


# ---------------------------------------------------------------------------------------------------------------
# One scenario
# ---------------------------------------------------------------------------------------------------------------


def _percentile(sorted_values: Sequence[int], pct: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1] / 1e6


def _sample_json(sample: Sample | None) -> dict[str, Any] | None:
    if sample is None:
        return None
    text: str
    if sample.body[:1] in (b"{", b"[") or not sample.body:
        text = sample.body[:300].decode("utf-8", "replace")
    else:
        try:
            import cbor2

            text = json.dumps(cbor2.loads(sample.body), default=str)[:300]
        except Exception:
            text = sample.body[:100].hex()
    return {"status": sample.status, "x_amzn_errortype": sample.error_type, "body": text}


async def run_scenario(
    scenario: Scenario,
    base_url: str,
    sign: bool,
    concurrency: int,
    warmup: float,
    seconds: float,
    server_pid: int | None,
) -> dict[str, Any]:
    split = urlsplit(base_url)
    host = split.hostname or "127.0.0.1"
    port = split.port or 80
    request = build_request(scenario, base_url, sign)
    box = [request.raw]
    resigner = asyncio.ensure_future(_resigner(box, scenario, base_url, sign)) if sign else None

    now = time.perf_counter_ns()
    start_ns = now + int(warmup * 1e9)
    end_ns = start_ns + int(seconds * 1e9)
    stats = [WorkerStats() for _ in range(concurrency)]
    tasks = [asyncio.ensure_future(connection_worker(host, port, box, start_ns, end_ns, s)) for s in stats]

    await asyncio.sleep(max(0.0, (start_ns - time.perf_counter_ns()) / 1e9))
    cpu0 = _client_cpu_seconds()
    srv0 = _proc_tree_cpu_seconds(server_pid) if server_pid else None
    await asyncio.sleep(max(0.0, (end_ns - time.perf_counter_ns()) / 1e9))
    cpu1 = _client_cpu_seconds()
    srv1 = _proc_tree_cpu_seconds(server_pid) if server_pid else None

    _done, pending = await asyncio.wait(tasks, timeout=DRAIN_TIMEOUT_SECONDS)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    if resigner is not None:
        resigner.cancel()
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]

    latencies = sorted(v for s in stats for v in s.latencies_ns)
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    for s in stats:
        statuses.update(s.statuses)
        errors.update(s.errors)
    if pending:
        errors["stuck at end (no response)"] += len(pending)
    sample = next((s.sample for s in stats if s.sample is not None), None)
    count = len(latencies)
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "service": scenario.service,
        "protocol": scenario.protocol,
        "operation": scenario.operation,
        "method": request.method,
        "path": request.path,
        "request_bytes": len(request.raw),
        "signed": sign,
        "seconds": seconds,
        "requests": count,
        "req_per_s": round(count / seconds, 1) if seconds else None,
        "mean_ms": round(sum(latencies) / count / 1e6, 3) if count else None,
        "p50_ms": _round(_percentile(latencies, 50)),
        "p90_ms": _round(_percentile(latencies, 90)),
        "p99_ms": _round(_percentile(latencies, 99)),
        "max_ms": _round(latencies[-1] / 1e6 if latencies else None),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "connections_opened": sum(s.connections for s in stats),
        "client_cpu_s": round(cpu1 - cpu0, 3),
        "server_cpu_s": round(srv1 - srv0, 3) if srv0 is not None and srv1 is not None else None,
        "sample_response": _sample_json(sample),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
