"""A worker killed in the middle of a job: after a restart the job ends with exactly one output per input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, start_server, stop_server
from tests.integration.test_cm_batch import ROLE, wait_done

pytestmark = pytest.mark.integration
NOTE = (
    "Patient is a 58 year old woman with hypertension and type 2 diabetes. She denies chest pain. "
    "Takes metformin 500 mg twice a day and lisinopril 10 mg daily. BP 132/84 mmHg. "
) * 5


def worker(data_dir: Path, stale_seconds: int) -> subprocess.Popen[str]:
    env = {**os.environ, "MEDAUTO_JOB_STALE_SECONDS": str(stale_seconds)}
    return subprocess.Popen(
        [sys.executable, "-m", "medauto", "worker", "--data-dir", str(data_dir), "--job-threads", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_killed_worker_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--job-threads", "0")
    first = second = None
    try:
        inputs = tmp_path / "buckets" / "ward" / "notes"
        inputs.mkdir(parents=True)
        count = 120
        for i in range(count):
            (inputs / f"{i:03d}.txt").write_text(f"Note {i}. {NOTE}")
        cm = server.client("comprehendmedical", read_timeout=120)
        job_id = cm.start_entities_detection_v2_job(
            InputDataConfig={"S3Bucket": "ward", "S3Key": "notes/"},
            OutputDataConfig={"S3Bucket": "ward", "S3Key": "out"},
            DataAccessRoleArn=ROLE,
            LanguageCode="en",
        )["JobId"]
        folder = tmp_path / "buckets" / "ward" / "out" / f"123456789012-EntitiesDetection-{job_id}"
        first = worker(tmp_path, stale_seconds=120)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(folder.glob("*.out"))) < 5:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # no clean-up, no final status: the hard case
        first.wait(timeout=10)
        done_before = len(list(folder.glob("*.out")))
        assert 5 <= done_before < count, "the worker should have been killed mid-job"
        state = cm.describe_entities_detection_v2_job(JobId=job_id)["ComprehendMedicalAsyncJobProperties"]
        assert state["JobStatus"] == "IN_PROGRESS"
        second = worker(tmp_path, stale_seconds=2)  # takes the job over once the dead worker's claim is stale
        props = wait_done(cm.describe_entities_detection_v2_job, job_id, timeout=240)
        assert props["JobStatus"] == "COMPLETED"
        outputs = sorted(p.name for p in folder.iterdir() if p.suffix == ".out")
        assert outputs == [f"{i:03d}.txt.out" for i in range(count)]
        assert not [p for p in folder.iterdir() if p.name.startswith(".medauto-partial-")]
        assert '"SuccessFilesCount": 120' in (folder / "Manifest").read_text()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        stop_server(server)
