"""Batch throughput: N clinical notes of ~2 KB through one StartEntitiesDetectionV2Job, wall time and notes/s.

    .venv/bin/python bench/batch.py --notes 10000                 # local-folder buckets
    .venv/bin/python bench/batch.py --notes 10000 --backend s3    # a real SeaweedFS S3 server (weed mini)

Prints JSON and writes it under bench/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, stamp, write_report  # noqa: E402
from bench.text import make_note  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402
from tests.s3server import ACCESS_KEY, SECRET_KEY, start_s3  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/medauto-bench"


def run(notes: int, backend: str, processes: int | None) -> dict[str, Any]:
    rng = random.Random(7)
    texts = [make_note(rng, 2000) for _ in range(min(notes, 500))]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        extra: list[str] = []
        env: dict[str, str] = {}
        s3 = None
        if backend == "s3":
            s3 = start_s3(root / "weed", root / "weed.log")
            extra = ["--s3-endpoint-url", s3.endpoint]
            env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
            client = s3.client()
            client.create_bucket(Bucket="bench")
            for i in range(notes):
                client.put_object(Bucket="bench", Key=f"in/{i:05d}.txt", Body=texts[i % len(texts)].encode())
        else:
            folder = root / "data" / "buckets" / "bench" / "in"
            folder.mkdir(parents=True)
            for i in range(notes):
                (folder / f"{i:05d}.txt").write_text(texts[i % len(texts)])
        if processes:
            extra += ["--job-processes", str(processes)]
        server = start_server(root / "data", "--preload", *extra, env=env)
        try:
            cm = server.client("comprehendmedical", read_timeout=120)
            started = time.perf_counter()
            job_id = cm.start_entities_detection_v2_job(
                InputDataConfig={"S3Bucket": "bench", "S3Key": "in/"},
                OutputDataConfig={"S3Bucket": "bench", "S3Key": "out"},
                DataAccessRoleArn=ROLE,
                LanguageCode="en",
            )["JobId"]
            while True:
                props = cm.describe_entities_detection_v2_job(JobId=job_id)["ComprehendMedicalAsyncJobProperties"]
                if props["JobStatus"] not in ("SUBMITTED", "IN_PROGRESS"):
                    break
                time.sleep(0.5)
            wall = time.perf_counter() - started
        finally:
            stop_server(server)
            if s3 is not None:
                s3.stop()
    return {
        "backend": backend,
        "notes": notes,
        "note_chars": int(sum(len(t) for t in texts) / len(texts)),
        "status": props["JobStatus"],
        "wall_seconds": round(wall, 1),
        "notes_per_s": round(notes / wall, 1),
        "chars_per_s": int(notes * sum(len(t) for t in texts) / len(texts) / wall),
        "job_processes": processes or os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10_000, help="notes in the job (default 10000)")
    parser.add_argument("--backend", choices=["local", "s3"], default="local", help="bucket back end")
    parser.add_argument("--processes", type=int, help="--job-processes for the server (default: one per core)")
    parser.add_argument("--out", help="JSON output path")
    args = parser.parse_args()
    report = {
        "date": stamp(),
        "machine": machine(),
        **run(args.notes, args.backend, args.processes),
    }
    write_report(report, "batch", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
