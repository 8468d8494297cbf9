"""What every benchmark shares: the machine description and where results go."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


def stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_report(report: dict[str, Any], name: str, out: str | None) -> None:
    """Print the report as JSON and save it (default ``bench/results/<name>-<UTC time>.json``)."""
    path = Path(out) if out else RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2)
    path.write_text(text)
    print(text)
