"""Wire-layer benchmark: requests/s and latency of one trivial operation per protocol.

Each request is built and SigV4-signed once with botocore (the same serializers and signer the SDKs use), and
its exact bytes are then replayed over C concurrent keep-alive connections from one asyncio loop. No boto3 in
the hot loop: the load generator has to be cheap because it shares the CPU with the server.

Run ``python bench/wire.py --help`` for the options. JSON goes to stdout and to ``--out``; a table goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
REGION = "us-east-1"
ACCESS_KEY = "test"
SECRET_KEY = "test"
WARMUP_SECONDS = 1.0
# Signatures are accepted for 15 minutes; rebuild the request well before that on long runs.
RESIGN_EVERY_SECONDS = 300.0
DRAIN_TIMEOUT_SECONDS = 10.0
INVOCATION_ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/00000000-0000-0000-0000-000000000000"
)


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str  # botocore service name
    protocol: str  # botocore serializer name
    operation: str
    params: dict[str, Any]
    signing_name: str
    description: str


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "cm-json",
            "comprehendmedical",
            "json",
            "ListEntitiesDetectionV2Jobs",
            {},
            "comprehendmedical",
            "Comprehend Medical, awsJson1_1 (X-Amz-Target)",
        ),
        Scenario(
            "cm-cbor",
            "comprehendmedical",
            "smithy-rpc-v2-cbor",
            "ListEntitiesDetectionV2Jobs",
            {},
            "comprehendmedical",
            "Comprehend Medical, Smithy RPC v2 CBOR (/service/.../operation/...)",
        ),
        Scenario(
            "bda-runtime-json",
            "bedrock-data-automation-runtime",
            "json",
            "GetDataAutomationStatus",
            {"invocationArn": INVOCATION_ARN},
            "bedrock",
            "BDA runtime, awsJson1_1 (X-Amz-Target)",
        ),
        Scenario(
            "bda-rest-json",
            "bedrock-data-automation",
            "rest-json",
            "ListBlueprints",
            {},
            "bedrock",
            "BDA control plane, restJson1 (POST /blueprints/)",
        ),
    )
}


# ---------------------------------------------------------------------------------------------------------------
# Request construction (botocore, once per scenario)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WireRequest:
    method: str
    path: str
    raw: bytes  # request line + headers + body, exactly as sent


def build_request(scenario: Scenario, base_url: str, sign: bool) -> WireRequest:
    """Serialize ``scenario`` with botocore, sign it with SigV4 (unless ``sign`` is false) and return its bytes."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import create_request_object, prepare_request_dict
    from botocore.credentials import Credentials
    from botocore.serialize import create_serializer

    model = botocore.session.get_session().get_service_model(scenario.service)
    operation = model.operation_model(scenario.operation)
    request_dict = create_serializer(scenario.protocol, include_validation=True).serialize_to_request(
        dict(scenario.params), operation
    )
    prepare_request_dict(request_dict, endpoint_url=base_url)
    request = create_request_object(request_dict)
    split = urlsplit(request.url)
    # Sign the Host header we will actually send (SigV4 canonicalizes it otherwise from the URL).
    request.headers["Host"] = split.netloc
    if sign:
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), scenario.signing_name, REGION).add_auth(request)
    prepared = request.prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        raise TypeError(f"{scenario.name}: unexpected body type {type(body).__name__}")
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    headers: dict[str, str] = {k: str(v) for k, v in prepared.headers.items()}
    lower = {k.lower() for k in headers}
    if "content-length" not in lower:
        headers["Content-Length"] = str(len(body))
    if "user-agent" not in lower:
        headers["User-Agent"] = "medauto-bench-wire/1"
    head = f"{prepared.method} {target} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return WireRequest(prepared.method, target, head.encode("latin-1") + body)


# ---------------------------------------------------------------------------------------------------------------
# Load loop
# ---------------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------------
# Server process
# ---------------------------------------------------------------------------------------------------------------

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
def _sigterm_as_interrupt() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

_DESCRIPTION = f"""\
Measure medauto's wire layer: requests/s and p50/p90/p99 latency of one trivial operation per protocol.

Each scenario's request is serialized with botocore and SigV4-signed once (key test/test, {REGION}), then its
exact bytes are replayed over --concurrency keep-alive HTTP/1.1 connections from one asyncio loop (uvloop if
installed). Each scenario runs a {WARMUP_SECONDS:g} s warm-up, then a measured window of --seconds; a
request counts when it completes inside the window. Statuses are reported as seen: operations without an
engine answer a modeled error (e.g. 501 NotImplemented), which still exercises routing, SigV4, parsing,
validation and serialization.

Scenarios:
""" + "".join(f"  {s.name:<17} {s.operation}: {s.description}\n" for s in SCENARIOS.values())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bench/wire.py",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--url",
        help="benchmark an already running server at this http:// URL instead of starting one "
        "(then --workers is only recorded as given, and the server is left running)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="HTTP server processes for the server this script starts (medauto serve --workers; default 1)",
    )
    p.add_argument(
        "--no-auth",
        action="store_true",
        help="send unsigned requests (and start the server with --no-auth); default: SigV4-signed, auth on",
    )
    p.add_argument(
        "--concurrency",
        "-c",
        type=int,
        default=8,
        help="concurrent keep-alive connections, each with one request in flight (default 8)",
    )
    p.add_argument(
        "--seconds",
        "-s",
        type=float,
        default=5.0,
        help=f"measured window per scenario, after a {WARMUP_SECONDS:g} s warm-up (default 5)",
    )
    p.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated scenarios to run, in order (default all: {','.join(SCENARIOS)})",
    )
    p.add_argument(
        "--out",
        help="where to write the JSON result (default bench/results/wire-<UTC timestamp>.json; "
        "folders are created); the same JSON is printed on stdout",
    )
    return p


def _parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[Scenario]]:
    parser = build_parser()
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or not names:
        parser.error(f"unknown scenario(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(SCENARIOS)}")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.url is not None:
        split = urlsplit(args.url)
        if split.scheme != "http" or not split.hostname:
            parser.error("--url must look like http://HOST:PORT")
        args.url = args.url.rstrip("/")
    return args, [SCENARIOS[n] for n in names]


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_available"] = len(os.sched_getaffinity(0))
    with contextlib.suppress(OSError):
        info["loadavg_1m_at_start"] = round(os.getloadavg()[0], 2)
    return info


def _event_loop_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _run_all(
    scenarios: list[Scenario], url: str, sign: bool, args: argparse.Namespace, server_pid: int | None
) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        results = []
        for scenario in scenarios:
            print(f"  running {scenario.name} ...", file=sys.stderr, flush=True)
            results.append(
                await run_scenario(scenario, url, sign, args.concurrency, WARMUP_SECONDS, args.seconds, server_pid)
            )
        return results

    if _event_loop_name() == "uvloop":
        import uvloop

        return uvloop.run(main())
    return asyncio.run(main())


def _table(results: list[dict[str, Any]]) -> str:
    cols = ("scenario", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "cpu s c/s", "statuses", "errors")
    rows = [cols]
    for r in results:
        server_cpu = f"{r['server_cpu_s']:.1f}" if r["server_cpu_s"] is not None else "?"
        cpu = f"{r['client_cpu_s']:.1f}/{server_cpu}"
        rows.append(
            (
                r["scenario"],
                f"{r['req_per_s']:.0f}",
                *(f"{r[k]:.2f}" if r[k] is not None else "-" for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")),
                cpu,
                " ".join(f"{k}x{v}" for k, v in r["statuses"].items()) or "-",
                str(r["errors"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    lines = [
        "  ".join(
            cell.rjust(w) if 0 < i < 7 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    args, scenarios = _parse_args(argv)
    sign = not args.no_auth
    started = dt.datetime.now(dt.UTC)
    server: StartedServer | None = None
    data_dir: tempfile.TemporaryDirectory[str] | None = None
    try:
        with _sigterm_as_interrupt():
            if args.url is None:
                workers = args.workers or 1
                data_dir = tempfile.TemporaryDirectory(prefix="medauto-bench-")
                print(f"starting medauto serve --workers {workers}{'' if sign else ' --no-auth'} ...", file=sys.stderr)
                server = start_server(data_dir.name, workers, auth=sign)
                url = server.url
                health = wait_ready(url, time.monotonic() + 10)
                server_info: dict[str, Any] = {
                    "url": url,
                    "started_by_bench": True,
                    "workers": workers,
                    "auth": "sigv4" if sign else "off",
                    "version": health.get("version"),
                }
            else:
                url = args.url
                health = {}
                with contextlib.suppress(RuntimeError):
                    health = wait_ready(url, time.monotonic() + 5)
                server_info = {
                    "url": url,
                    "started_by_bench": False,
                    "workers": args.workers,  # as declared by the caller; unknown if not given
                    "auth": "unknown (requests signed)" if sign else "unknown (requests unsigned)",
                    "version": health.get("version"),
                }
            print(
                f"target {url}: {len(scenarios)} scenario(s), {args.concurrency} connections, "
                f"{WARMUP_SECONDS:g} s warm-up + {args.seconds:g} s each",
                file=sys.stderr,
            )
            results = _run_all(scenarios, url, sign, args, server.process.pid if server else None)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            code = stop_server(server.process)
            if code not in (0, -signal.SIGTERM):
                print(
                    f"medauto exited with {code}; last output:\n{''.join(list(server.output)[-20:])}", file=sys.stderr
                )
        if data_dir is not None:
            data_dir.cleanup()

    report = {
        "benchmark": "medauto-wire",
        "timestamp": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": _machine(),
        "server": server_info,
        "client": {
            "concurrency": args.concurrency,
            "warmup_s": WARMUP_SECONDS,
            "seconds": args.seconds,
            "event_loop": _event_loop_name(),
            "keep_alive": True,
            "signed": sign,
            "note": "client and server share the machine's CPUs; client_cpu_s/server_cpu_s cover the measured window",
        },
        "results": results,
    }
    text = json.dumps(report, indent=2)
    out = Path(args.out) if args.out else RESULTS_DIR / f"wire-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(_table(results), file=sys.stderr)
    print(f"written {out}", file=sys.stderr)
    print(text)
    return 0 if all(r["requests"] > 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
