"""What every benchmark shares: the machine description, latency summaries and where results go."""

from __future__ import annotations

import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


def stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def latency_summary(latencies_ms: list[float], digits: int) -> dict[str, float]:
    """p50 (median), p99 (the value at index ``int(n * 0.99)``) and mean of per-request milliseconds."""
    ordered = sorted(latencies_ms)
    return {
        "p50_ms": round(statistics.median(ordered), digits),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], digits),
        "mean_ms": round(statistics.fmean(ordered), digits),
    }


def report_path(name: str, out: str | None, when: datetime | None = None) -> Path:
    """``out``, or ``bench/results/<name>-<UTC time>.json`` (``when``, default now); its folder is created."""
    path = Path(out) if out else RESULTS / f"{name}-{when or datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_report(report: dict[str, Any], name: str, out: str | None) -> None:
    """Print the report as JSON and save it (default ``bench/results/<name>-<UTC time>.json``)."""
    text = json.dumps(report, indent=2)
    report_path(name, out).write_text(text)
    print(text)
