"""BDA runtime over HTTP: synchronous InvokeDataAutomation latency for a one-page born-digital PDF and for a
rendered image (OCR), and async invocations per minute on the local-folder back end.

    .venv/bin/python -m bench.bda [--requests 30] [--async-jobs 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import latency_summary, machine, stamp, write_report

PROFILE = "arn:aws:bedrock:us-east-1:123456789012:data-automation-profile/us.data-automation-v1"


def bench_sync(client: Any, data: bytes, requests: int) -> dict[str, Any]:
    client.invoke_data_automation(inputConfiguration={"bytes": data}, dataAutomationProfileArn=PROFILE)  # warm-up
    latencies = []
    for _ in range(requests):
        t0 = time.perf_counter()
        client.invoke_data_automation(inputConfiguration={"bytes": data}, dataAutomationProfileArn=PROFILE)
        latencies.append((time.perf_counter() - t0) * 1000)
    return {"requests": requests, "bytes": len(data), **latency_summary(latencies, 1)}


def bench_async(client: Any, data_dir: Path, data: bytes, jobs: int) -> dict[str, Any]:
    inbox = data_dir / "buckets" / "bench-in"
    inbox.mkdir(parents=True, exist_ok=True)
    (data_dir / "buckets" / "bench-out").mkdir(parents=True, exist_ok=True)
    arns = []
    t0 = time.perf_counter()
    for n in range(jobs):
        (inbox / f"doc-{n}.pdf").write_bytes(data)
        arns.append(
            client.invoke_data_automation_async(
                inputConfiguration={"s3Uri": f"s3://bench-in/doc-{n}.pdf"},
                outputConfiguration={"s3Uri": "s3://bench-out/runs"},
                dataAutomationProfileArn=PROFILE,
            )["invocationArn"]
        )
    pending = set(arns)
    while pending:
        for arn in list(pending):
            if client.get_data_automation_status(invocationArn=arn)["status"] not in ("Created", "InProgress"):
                pending.discard(arn)
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    return {"jobs": jobs, "wall_s": round(wall, 2), "jobs_per_min": round(jobs / wall * 60, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="sync calls per input kind")
    parser.add_argument("--async-jobs", type=int, default=10, help="async invocations (0 to skip)")
    parser.add_argument("--out", help="JSON output path (default bench/results/bda-<timestamp>.json)")
    args = parser.parse_args()

    from tests.conftest import start_server, stop_server
    from tests.docgen import lab_report_pdf, receipt_png

    pdf, png = lab_report_pdf(1), receipt_png()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            client = server.client("bedrock-data-automation-runtime", read_timeout=300)
            report: dict[str, Any] = {
                "date": stamp(),
                "machine": machine(),
                "sync_one_page_pdf": bench_sync(client, pdf, args.requests),
                "sync_png_image_ocr": bench_sync(client, png, max(3, args.requests // 3)),
                "client": "boto3, one connection, sequential (client time included)",
            }
            if args.async_jobs:
                report["async_one_page_pdf"] = bench_async(client, server.data_dir, pdf, args.async_jobs)
        finally:
            stop_server(server)
    write_report(report, "bda", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
