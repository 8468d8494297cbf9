"""Batch throughput: N clinical notes of ~2 KB through one EntitiesDetectionV2 job, wall time and notes/s.

    .venv/bin/python bench/batch.py --notes 10000                     # local-folder buckets, through a server
    .venv/bin/python bench/batch.py --notes 10000 --backend s3        # a real SeaweedFS S3 server (weed mini)
    .venv/bin/python bench/batch.py --notes 2000 --via cli            # `medauto batch`, no server
    .venv/bin/python bench/batch.py --notes 2000 --executor ray       # files analysed by Ray actors

The job's wall time runs from Start*Job (or the CLI's start) to its final status; writing the notes and
starting the servers are timed apart. Every run checks that each note got its ``.out``. Prints a summary line
and JSON, and writes the JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, stamp, write_report  # noqa: E402
from bench.text import make_note  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server, start_s3  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/medauto-bench"
S3_ENV = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": "us-east-1"}


def make_notes(count: int, size: int) -> list[str]:
    rng = random.Random(7)
    # Every note is drawn on its own: a repeated note would be a cache hit, not a measurement.
    return [f"Note {i}. {make_note(rng, size)}"[:size] for i in range(count)]


def write_notes(notes: list[str], backend: str, root: Path, s3: S3Server | None) -> None:
    if s3 is not None:
        client = s3.client()
        client.create_bucket(Bucket="bench")

        def upload(i: int) -> None:
            client.put_object(Bucket="bench", Key=f"in/{i:05d}.txt", Body=notes[i].encode())

        with ThreadPoolExecutor(16) as pool:  # boto3 clients are thread-safe
            list(pool.map(upload, range(len(notes))))
        return
    folder = root / "data" / "buckets" / "bench" / "in"
    folder.mkdir(parents=True)
    for i, text in enumerate(notes):
        (folder / f"{i:05d}.txt").write_text(text)


def count_outputs(root: Path, s3: S3Server | None) -> int:
    if s3 is not None:
        pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="out/")
        return sum(1 for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".out"))
    return sum(1 for _ in (root / "data" / "buckets" / "bench" / "out").rglob("*.out"))


def via_server(root: Path, s3: S3Server | None, extra: list[str]) -> tuple[str, float]:
    if s3 is not None:
        extra = [*extra, "--s3-endpoint-url", s3.endpoint]
    server = start_server(root / "data", "--preload", *extra, env=S3_ENV if s3 else None)
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
                return str(props["JobStatus"]), time.perf_counter() - started
            time.sleep(0.5)
    finally:
        stop_server(server)


def via_cli(root: Path, s3: S3Server | None, extra: list[str]) -> tuple[str, float]:
    if s3 is not None:
        where = ["s3://bench/in/", "--out", "s3://bench/out/", "--s3-endpoint-url", s3.endpoint]
    else:
        bucket = root / "data" / "buckets" / "bench"
        where = [str(bucket / "in"), "--out", str(bucket / "out")]
    extra = [a.replace("--job-processes", "--processes") for a in extra]
    cmd = [sys.executable, "-m", "medauto", "batch", *where, "--job", "entities", "--data-dir", str(root / "data")]
    started = time.perf_counter()
    run = subprocess.run([*cmd, *extra], cwd=ROOT, env={**os.environ, **S3_ENV}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    status = next((line.split()[1] for line in run.stdout.splitlines() if line.startswith("status:")), "ERROR")
    if status == "ERROR":
        sys.stderr.write(run.stderr[-3000:])
    return status, wall


def run(notes: int, size: int, backend: str, via: str, processes: int | None, executor: str) -> dict[str, Any]:
    texts = make_notes(notes, size)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        s3 = start_s3(root / "weed", root / "weed.log") if backend == "s3" else None
        try:
            started = time.perf_counter()
            write_notes(texts, backend, root, s3)
            setup = time.perf_counter() - started
            extra = ["--job-processes", str(processes)] if processes else []
            if executor != "local":
                extra += ["--executor", executor]
            runner: Callable[[Path, S3Server | None, list[str]], tuple[str, float]]
            runner = via_cli if via == "cli" else via_server
            status, wall = runner(root, s3, extra)
            outputs = count_outputs(root, s3)
        finally:
            if s3 is not None:
                s3.stop()
    chars = sum(len(t) for t in texts)
    return {
        "backend": backend,
        "via": via,
        "executor": executor,
        "notes": notes,
        "note_chars": round(chars / notes),
        "status": status,
        "outputs": outputs,
        "write_notes_seconds": round(setup, 1),
        "wall_seconds": round(wall, 1),
        "notes_per_s": round(notes / wall, 1),
        "chars_per_s": int(chars / wall),
        "job_processes": processes or os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10_000, help="notes in the job (default 10000)")
    parser.add_argument("--note-chars", type=int, default=2000, help="characters per note (default 2000)")
    parser.add_argument("--backend", choices=["local", "s3"], default="local", help="bucket back end")
    parser.add_argument("--via", choices=["server", "cli"], default="server", help="Start*Job on a server or CLI")
    parser.add_argument("--processes", type=int, help="processes analysing files (default: one per core)")
    parser.add_argument("--executor", choices=["local", "ray"], default="local", help="executor (default local)")
    parser.add_argument("--out", help="JSON output path")
    args = parser.parse_args()
    result = run(args.notes, args.note_chars, args.backend, args.via, args.processes, args.executor)
    print(
        f"{result['notes']} notes of ~{result['note_chars']} chars ({args.backend}, via {args.via}, "
        f"{args.executor} executor): {result['status']}, {result['outputs']} outputs, "
        f"{result['wall_seconds']} s, {result['notes_per_s']} notes/s",
        file=sys.stderr,
    )
    write_report({"date": stamp(), "machine": machine(), **result}, "batch", args.out)
    return 0 if result["outputs"] == args.notes else 1


if __name__ == "__main__":
    raise SystemExit(main())
