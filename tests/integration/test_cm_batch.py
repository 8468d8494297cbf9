"""Comprehend Medical batch jobs end to end: boto3 -> server -> job store -> runner -> engines -> buckets."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from medauto.storage.encryption import MAGIC, LocalKeyring
from medauto.storage.localfs import LocalFolderObjectStore
from tests.conftest import ROOT, Server

pytestmark = pytest.mark.integration
ROLE = "arn:aws:iam::123456789012:role/medauto-batch"
NOTES = {
    "in/note-1.txt": "Patient takes aspirin 81 mg PO daily for chest pain.",
    "in/sub/note-2.txt": "History of hypertension. Denies fever.",
    "in/note-3.txt": "Metformin 500 mg twice a day for type 2 diabetes.",
}


def put_notes(server: Server, bucket: str, files: dict[str, bytes]) -> None:
    for key, data in files.items():
        path = server.data_dir / "buckets" / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def wait_done(describe: Any, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        props: dict[str, Any] = describe(JobId=job_id)["ComprehendMedicalAsyncJobProperties"]
        if props["JobStatus"] in ("COMPLETED", "PARTIAL_SUCCESS", "FAILED", "STOPPED"):
            return props
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


def read(server: Server, bucket: str, key: str) -> Any:
    return json.loads((server.data_dir / "buckets" / bucket / key).read_text())


@pytest.fixture(scope="module")
def cm(server: Server) -> Any:
    return server.client("comprehendmedical", read_timeout=120)


def test_entities_job_writes_one_out_per_input_and_manifests(server: Server, cm: Any) -> None:
    put_notes(server, "notes-in", {k: v.encode() for k, v in NOTES.items()} | {"in/bad.bin": b"\xff\xfe\x00"})
    (server.data_dir / "buckets" / "notes-out").mkdir(parents=True, exist_ok=True)
    job_id = cm.start_entities_detection_v2_job(
        InputDataConfig={"S3Bucket": "notes-in", "S3Key": "in/"},
        OutputDataConfig={"S3Bucket": "notes-out", "S3Key": "results"},
        DataAccessRoleArn=ROLE,
        JobName="nightly-run",
        LanguageCode="en",
    )["JobId"]
    assert len(job_id) == 32
    props = wait_done(cm.describe_entities_detection_v2_job, job_id)
    assert props["JobStatus"] == "PARTIAL_SUCCESS"  # bad.bin is not UTF-8
    folder = f"results/123456789012-EntitiesDetection-{job_id}/"
    assert props["OutputDataConfig"] == {"S3Bucket": "notes-out", "S3Key": folder}
    assert props["ManifestFilePath"] == f"s3://notes-out/{folder}Manifest"
    assert props["ExpirationTime"] > props["SubmitTime"]
    assert props["JobName"] == "nightly-run" and props["ModelVersion"]
    outputs = sorted(
        p.relative_to(server.data_dir / "buckets" / "notes-out").as_posix()
        for p in (server.data_dir / "buckets" / "notes-out").rglob("*.out")
    )
    assert outputs == sorted(f"{folder}{k[len('in/') :]}.out" for k in NOTES)
    note1 = read(server, "notes-out", f"{folder}note-1.txt.out")
    aspirin = next(e for e in note1["Entities"] if e["Text"] == "aspirin")
    assert aspirin["Category"] == "MEDICATION"
    assert NOTES["in/note-1.txt"][aspirin["BeginOffset"] : aspirin["EndOffset"]] == "aspirin"
    summary = read(server, "notes-out", f"{folder}Manifest")["Summary"]
    assert (summary["Status"], summary["InputFileCount"], summary["SuccessFilesCount"]) == ("PARTIAL_SUCCESS", 4, 3)
    assert summary["UnprocessedFilesCount"] == 1
    assert summary["TotalMeteredCharacters"] == sum(len(v) for v in NOTES.values())
    unprocessed = read(server, "notes-out", f"{folder}unprocessed")
    assert unprocessed["Files"] == ["s3://notes-in/in/bad.bin"]
    assert len(read(server, "notes-out", f"{folder}success")["Files"]) == 3
    listed = cm.list_entities_detection_v2_jobs(Filter={"JobName": "nightly-run"})
    assert [p["JobId"] for p in listed["ComprehendMedicalAsyncJobPropertiesList"]] == [job_id]


def test_phi_and_icd10_jobs(server: Server, cm: Any) -> None:
    put_notes(server, "phi-in", {"a.txt": b"Call John Smith at 555-123-4567.", "b.txt": b"History of hypertension."})
    for start, describe, folder_type, check in (
        (cm.start_phi_detection_job, cm.describe_phi_detection_job, "PHIDetection", "PHONE_OR_FAX"),
        (cm.start_icd10_cm_inference_job, cm.describe_icd10_cm_inference_job, "ICD10CMInference", "I10"),
    ):
        job_id = start(
            InputDataConfig={"S3Bucket": "phi-in"},
            OutputDataConfig={"S3Bucket": "phi-in", "S3Key": "out"},
            DataAccessRoleArn=ROLE,
            LanguageCode="en",
        )["JobId"]
        assert wait_done(describe, job_id)["JobStatus"] == "COMPLETED"
        folder = server.data_dir / "buckets" / "phi-in" / "out" / f"123456789012-{folder_type}-{job_id}"
        assert check in "".join(p.read_text() for p in folder.glob("*.out"))


def test_idempotency_not_found_and_bad_buckets(server: Server, cm: Any) -> None:
    put_notes(server, "idem", {"x.txt": b"aspirin"})
    request = {
        "InputDataConfig": {"S3Bucket": "idem"},
        "OutputDataConfig": {"S3Bucket": "idem", "S3Key": "o"},
        "DataAccessRoleArn": ROLE,
        "LanguageCode": "en",
        "ClientRequestToken": "token-1",
    }
    first = cm.start_phi_detection_job(**request)["JobId"]
    assert cm.start_phi_detection_job(**request)["JobId"] == first
    with pytest.raises(ClientError) as info:
        cm.start_phi_detection_job(**{**request, "JobName": "other"})
    assert info.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as info:
        cm.describe_phi_detection_job(JobId="0" * 32)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as info:
        cm.start_phi_detection_job(
            **{**request, "ClientRequestToken": "token-2", "InputDataConfig": {"S3Bucket": "no-such-bucket"}}
        )
    assert info.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as info:  # the jobs of one family are not visible from another
        cm.describe_entities_detection_v2_job(JobId=first)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_pagination_and_stop(server: Server, cm: Any) -> None:
    put_notes(server, "many", {f"n{i}.txt": b"aspirin 81 mg" for i in range(3)})
    ids = [
        cm.start_icd10_cm_inference_job(
            InputDataConfig={"S3Bucket": "many"},
            OutputDataConfig={"S3Bucket": "many", "S3Key": "o"},
            DataAccessRoleArn=ROLE,
            LanguageCode="en",
            JobName=f"p{i}",
        )["JobId"]
        for i in range(3)
    ]
    stopped = cm.stop_icd10_cm_inference_job(JobId=ids[-1])["JobId"]
    assert stopped == ids[-1]
    final = wait_done(cm.describe_icd10_cm_inference_job, ids[-1])["JobStatus"]
    assert final in ("STOPPED", "COMPLETED")  # it may have finished before the stop arrived
    seen: list[str] = []
    token: str | None = None
    while True:
        page = cm.list_icd10_cm_inference_jobs(MaxResults=2, **({"NextToken": token} if token else {}))
        seen += [p["JobId"] for p in page["ComprehendMedicalAsyncJobPropertiesList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    with pytest.raises(ClientError) as info:
        cm.list_icd10_cm_inference_jobs(NextToken="garbage!")
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_output_folder_layout_without_s3key(server: Server, cm: Any, tmp_path: Path) -> None:
    put_notes(server, "flat", {"only.txt": b"Denies chest pain."})
    job_id = cm.start_entities_detection_v2_job(
        InputDataConfig={"S3Bucket": "flat"},
        OutputDataConfig={"S3Bucket": "flat"},
        DataAccessRoleArn=ROLE,
        LanguageCode="en",
    )["JobId"]
    props = wait_done(cm.describe_entities_detection_v2_job, job_id)
    assert props["OutputDataConfig"]["S3Key"] == f"123456789012-EntitiesDetection-{job_id}/"
    assert (server.data_dir / "buckets" / "flat" / props["OutputDataConfig"]["S3Key"] / "only.txt.out").is_file()


def test_rxnorm_and_snomed_jobs(server: Server, cm: Any) -> None:
    put_notes(server, "onto", {"a.txt": b"Aspirin 81 mg daily for hypertension."})
    for start, describe, folder_type, code in (
        (cm.start_rx_norm_inference_job, cm.describe_rx_norm_inference_job, "RxNormInference", "1191"),
        (cm.start_snomedct_inference_job, cm.describe_snomedct_inference_job, "SNOMEDCTInference", "38341003"),
    ):
        job_id = start(
            InputDataConfig={"S3Bucket": "onto"},
            OutputDataConfig={"S3Bucket": "onto", "S3Key": "o"},
            DataAccessRoleArn=ROLE,
            LanguageCode="en",
        )["JobId"]
        assert wait_done(describe, job_id)["JobStatus"] == "COMPLETED"
        out = server.data_dir / "buckets" / "onto" / "o" / f"123456789012-{folder_type}-{job_id}" / "a.txt.out"
        assert code in out.read_text()


def test_kms_key_outputs_are_encrypted_at_rest_in_local_buckets(server: Server, cm: Any, tmp_path: Path) -> None:
    note = "Call John Smith at 555-123-4567 about his aspirin."
    put_notes(server, "sealed", {"in/a.txt": note.encode()})
    key_id = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    job_id = cm.start_phi_detection_job(
        InputDataConfig={"S3Bucket": "sealed", "S3Key": "in/"},
        OutputDataConfig={"S3Bucket": "sealed", "S3Key": "out"},
        DataAccessRoleArn=ROLE,
        LanguageCode="en",
        KMSKey=key_id,
    )["JobId"]
    props = wait_done(cm.describe_phi_detection_job, job_id)
    assert props["JobStatus"] == "COMPLETED" and props["KMSKey"] == key_id
    folder = server.data_dir / "buckets" / "sealed" / "out" / f"123456789012-PHIDetection-{job_id}"
    for name in ("a.txt.out", "Manifest", "success", "unprocessed"):
        raw = (folder / name).read_bytes()
        assert raw.startswith(MAGIC) and b"John" not in raw and b"PHIDetection" not in raw.split(b"\n", 2)[2]
    key_file = server.data_dir / "kms" / "local.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The service's own reads see plain JSON; so does `medauto decrypt` with the server's data dir.
    store = LocalFolderObjectStore(server.data_dir / "buckets", keyring=LocalKeyring(key_file))
    result = json.loads(store.get("sealed", f"out/123456789012-PHIDetection-{job_id}/a.txt.out"))
    assert {note[e["BeginOffset"] : e["EndOffset"]] for e in result["Entities"]} >= {"John Smith", "555-123-4567"}
    cmd = [sys.executable, "-m", "medauto", "decrypt", str(folder / "Manifest")]
    plain = subprocess.run([*cmd, "--data-dir", str(server.data_dir)], cwd=ROOT, capture_output=True, timeout=60)
    assert plain.returncode == 0 and json.loads(plain.stdout)["Summary"]["Status"] == "COMPLETED"
    other = tmp_path / "other"
    LocalKeyring(other / "kms" / "local.key").seal(b"x", key_id)  # a different key
    wrong = subprocess.run([*cmd, "--data-dir", str(other)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 1 and "not the one that encrypted it" in wrong.stderr
