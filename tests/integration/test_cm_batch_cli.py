"""``medauto batch`` as a user runs it: a subprocess on a folder of notes (and on S3), no server, no boto3 client."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

pytestmark = pytest.mark.integration
NOTES = {
    "note-1.txt": "Patient takes aspirin 81 mg PO daily for chest pain.",
    "ward/note-2.txt": "History of hypertension. Denies fever. Call John Smith at 555-123-4567.",
    "note-3.txt": "Metformin 500 mg twice a day for type 2 diabetes.",
}
BAD = {
    "latin1.txt": "Patient reports café-au-lait spots.".encode("latin-1"),  # not UTF-8
    "huge.txt": b"aspirin 81 mg daily. " * 2000,  # 42,000 bytes: over the 40 KB batch limit
    "empty.txt": b"",
}


def medauto(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medauto", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def write_notes(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def job_folder(out: Path, job_type: str) -> Path:
    [folder] = [p for p in out.iterdir() if re.fullmatch(rf"123456789012-{job_type}-[0-9a-f]{{32}}", p.name)]
    return folder


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def test_batch_on_local_folders_writes_every_output_and_the_manifests(tmp_path: Path) -> None:
    notes, out = tmp_path / "notes", tmp_path / "results"
    write_notes(notes, {k: v.encode() for k, v in NOTES.items()} | BAD)
    run = medauto("batch", str(notes), "--out", str(out), "--job", "entities", "--processes", "1",
                  "--data-dir", str(tmp_path / "data"))  # fmt: skip
    assert run.returncode == 2, run.stderr  # PARTIAL_SUCCESS
    folder = job_folder(out, "EntitiesDetection")
    outputs = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.out"))
    assert outputs == sorted(f"{name}.out" for name in NOTES)
    for name, text in NOTES.items():
        result = load(folder / f"{name}.out")
        assert result["Entities"], name
        for entity in result["Entities"]:
            assert text[entity["BeginOffset"] : entity["EndOffset"]] == entity["Text"]
    note1 = load(folder / "note-1.txt.out")
    assert {(e["Text"], e["Category"]) for e in note1["Entities"]} >= {("aspirin", "MEDICATION")}
    summary = load(folder / "Manifest")["Summary"]
    assert summary["Status"] == "PARTIAL_SUCCESS" and summary["JobType"] == "DetectEntitiesJob"
    assert (summary["InputFileCount"], summary["SuccessFilesCount"], summary["UnprocessedFilesCount"]) == (6, 3, 3)
    assert summary["TotalMeteredCharacters"] == sum(len(t) for t in NOTES.values())
    assert summary["InputDataConfiguration"] == {"Bucket": str(notes), "Path": ""}
    assert summary["SuccessfulFilesListLocation"] == str(folder / "success")
    success = load(folder / "success")["Files"]
    assert sorted(f["Input"] for f in success) == sorted(str(notes / n) for n in NOTES)
    assert all(Path(f["Output"]).is_file() and f["InputSize"] > 0 for f in success)
    unprocessed = load(folder / "unprocessed")
    assert unprocessed["Files"] == sorted(str(notes / n) for n in BAD)
    reasons = unprocessed["Reasons"]
    assert "not valid UTF-8" in reasons[str(notes / "latin1.txt")]
    assert "40000-byte limit" in reasons[str(notes / "huge.txt")]
    assert "empty" in reasons[str(notes / "empty.txt")]
    # The summary names the counts, every skipped file with its reason, the time and the output folder.
    assert "status:      PARTIAL_SUCCESS" in run.stdout
    assert "processed:   3 of 6 files" in run.stdout
    assert f"{notes / 'latin1.txt'}: The file is not valid UTF-8 text." in run.stdout
    assert re.search(r"wall time:\s+[0-9.]+ s \([0-9.]+ notes/s\)", run.stdout)
    assert f"output:      {folder}" in run.stdout
    assert "files" in run.stderr and "\r" not in run.stderr  # not a terminal: plain progress lines, no bar
    assert not list(tmp_path.rglob(".medauto-partial-*"))


def test_batch_completed_inside_the_input_folder_and_failures(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, {"a.txt": NOTES["ward/note-2.txt"].encode()})
    data = ["--data-dir", str(tmp_path / "data"), "--processes", "1"]
    first = medauto("batch", str(notes), "--out", str(notes / "out"), "--job", "phi", *data)
    assert first.returncode == 0, first.stderr + first.stdout  # COMPLETED
    # A second run into the same place does not read the first run's outputs as notes; with --kms-key its
    # outputs are encrypted with the local key, and `medauto decrypt` reads them back.
    second = medauto("batch", str(notes), "--out", str(notes / "out"), "--job", "icd10cm", "--kms-key", "alias/ward",
                     *data)  # fmt: skip
    assert second.returncode == 0, second.stderr + second.stdout
    phi = load(job_folder(notes / "out", "PHIDetection") / "a.txt.out")
    assert {e["Type"] for e in phi["Entities"]} >= {"NAME", "PHONE_OR_FAX"}
    icd = job_folder(notes / "out", "ICD10CMInference")
    sealed = (icd / "a.txt.out").read_bytes()
    assert sealed.startswith(b"MEDAUTO-SEALED-v1\n") and b"I10" not in sealed
    assert (tmp_path / "data" / "kms" / "local.key").is_file()
    manifest = medauto("decrypt", str(icd / "Manifest"), "--data-dir", str(tmp_path / "data"))
    assert json.loads(manifest.stdout)["Summary"]["InputFileCount"] == 1
    plain = tmp_path / "icd.json"
    decrypted = medauto("decrypt", str(icd / "a.txt.out"), "--data-dir", str(tmp_path / "data"), "--out", str(plain))
    assert decrypted.returncode == 0
    assert "I10" in plain.read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = medauto("batch", str(empty), "--out", str(tmp_path / "o"), "--job", "entities", *data)
    assert failed.returncode == 1 and "status:      FAILED" in failed.stdout
    missing = medauto("batch", str(tmp_path / "absent"), "--out", str(tmp_path / "o"), "--job", "phi", *data)
    assert missing.returncode == 1 and "no input folder" in missing.stderr
    helped = medauto("batch", "--help")
    assert helped.returncode == 0 and "medauto batch ./notes --out ./results --job entities" in helped.stdout


def test_batch_on_s3_prefixes(s3_server: S3Server, tmp_path: Path) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="cli-in")
    s3.create_bucket(Bucket="cli-out")
    for name, text in NOTES.items():
        s3.put_object(Bucket="cli-in", Key=f"day1/{name}", Body=text.encode())
    s3.put_object(Bucket="cli-in", Key="day1/latin1.txt", Body=BAD["latin1.txt"])
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": "us-east-1"}
    run = medauto("batch", "s3://cli-in/day1/", "--out", "s3://cli-out/results/", "--job", "entities",
                  "--s3-endpoint-url", s3_server.endpoint, "--processes", "1", "--data-dir", str(tmp_path),
                  env=env)  # fmt: skip
    assert run.returncode == 2, run.stderr
    [folder] = {o["Key"].split("/")[1] for o in s3.list_objects_v2(Bucket="cli-out", Prefix="results/")["Contents"]}
    prefix = f"results/{folder}/"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="cli-out", Prefix=prefix)["Contents"])
    expected = [f"{name}.out" for name in NOTES] + ["Manifest", "success", "unprocessed"]
    assert keys == sorted(prefix + name for name in expected)
    body = json.loads(s3.get_object(Bucket="cli-out", Key=f"{prefix}note-1.txt.out")["Body"].read())
    assert any(e["Text"] == "aspirin" for e in body["Entities"])
    manifest = json.loads(s3.get_object(Bucket="cli-out", Key=f"{prefix}Manifest")["Body"].read())["Summary"]
    assert (manifest["SuccessFilesCount"], manifest["UnprocessedFilesCount"]) == (3, 1)
    unprocessed = json.loads(s3.get_object(Bucket="cli-out", Key=f"{prefix}unprocessed")["Body"].read())
    assert unprocessed["Files"] == ["s3://cli-in/day1/latin1.txt"]
    assert f"output:      s3://cli-out/{prefix}" in run.stdout
    # Wrong credentials: the job cannot list its input and the CLI says so with exit status 1.
    denied = medauto("batch", "s3://cli-in/day1/", "--out", "s3://cli-out/x/", "--job", "phi",
                     "--s3-endpoint-url", s3_server.endpoint, "--data-dir", str(tmp_path),
                     env={**env, "AWS_SECRET_ACCESS_KEY": "wrong"})  # fmt: skip
    assert denied.returncode == 1 and "not accessible" in denied.stderr


def test_ctrl_c_stops_between_chunks_with_complete_manifests(tmp_path: Path) -> None:
    notes, out = tmp_path / "notes", tmp_path / "out"
    write_notes(notes, {f"{i:03d}.txt": f"Note {i}. {NOTES['note-1.txt']}".encode() for i in range(400)})
    process = subprocess.Popen(
        [sys.executable, "-m", "medauto", "batch", str(notes), "--out", str(out), "--job", "entities",
         "--processes", "1", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.out"))) < 8:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert "status:      STOPPED" in stdout and "stopping after the current chunk" in stderr
    folder = job_folder(out, "EntitiesDetection")
    written = sorted(p.name for p in folder.glob("*.out"))
    assert 8 <= len(written) < 400
    summary = load(folder / "Manifest")["Summary"]
    assert (summary["Status"], summary["SuccessFilesCount"]) == ("STOPPED", len(written))
    skipped = load(folder / "unprocessed")
    assert len(skipped["Files"]) == 400 - len(written)
    assert set(skipped["Reasons"].values()) == {"The job was stopped before this file was processed."}
