"""Wire-layer benchmark: requests/s and latency of one trivial operation per protocol.

Each request is built and SigV4-signed once with botocore (the same serializers and signer the SDKs use), and
its exact bytes are then replayed over C concurrent keep-alive connections from one asyncio loop. No boto3 in
the hot loop: the load generator has to be cheap because it shares the CPU with the server.

Run ``python bench/wire.py --help`` for the options. JSON goes to stdout and to ``--out``; a table goes to stderr.
This file is the command line and the report; the scenarios and their requests are in ``wire_requests.py``, the
load loop in ``wire_load.py`` and the server control in ``wire_server.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import report_path  # noqa: E402
from bench.wire_load import run_scenario  # noqa: E402
from bench.wire_requests import REGION, SCENARIOS, Scenario  # noqa: E402
from bench.wire_server import StartedServer, sigterm_as_interrupt, start_server, stop_server, wait_ready  # noqa: E402

WARMUP_SECONDS = 1.0

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
        with sigterm_as_interrupt():
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
    out = report_path("wire", args.out, started)
    out.write_text(text + "\n")
    print(_table(results), file=sys.stderr)
    print(f"written {out}", file=sys.stderr)
    print(text)
    return 0 if all(r["requests"] > 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
