"""A batch job whose buckets live on a real S3 server (SeaweedFS), credentials enforced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import start_server, stop_server
from tests.integration.test_cm_batch import ROLE, wait_done
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

pytestmark = pytest.mark.integration


def test_entities_job_on_s3(s3_server: S3Server, tmp_path: Path) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="ward-in")
    s3.create_bucket(Bucket="ward-out")
    notes = {f"day1/{i}.txt": f"Patient {i} takes aspirin 81 mg daily and denies chest pain." for i in range(5)}
    for key, text in notes.items():
        s3.put_object(Bucket="ward-in", Key=key, Body=text.encode())
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    server = start_server(tmp_path, "--s3-endpoint-url", s3_server.endpoint, "--job-processes", "1", env=env)
    try:
        cm = server.client("comprehendmedical", read_timeout=120)
        job_id = cm.start_entities_detection_v2_job(
            InputDataConfig={"S3Bucket": "ward-in", "S3Key": "day1/"},
            OutputDataConfig={"S3Bucket": "ward-out", "S3Key": "results/"},
            DataAccessRoleArn=ROLE,
            LanguageCode="en",
            JobName="s3-run",
        )["JobId"]
        props = wait_done(cm.describe_entities_detection_v2_job, job_id)
        assert props["JobStatus"] == "COMPLETED"
        folder = f"results/123456789012-EntitiesDetection-{job_id}/"
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="ward-out", Prefix=folder)["Contents"])
        assert keys == sorted(
            [f"{folder}{k[len('day1/') :]}.out" for k in notes]
            + [f"{folder}Manifest", f"{folder}success", f"{folder}unprocessed"]
        )
        body = json.loads(s3.get_object(Bucket="ward-out", Key=f"{folder}0.txt.out")["Body"].read())
        assert any(e["Text"] == "aspirin" for e in body["Entities"])
        # A bucket the S3 server does not have is refused at Start.
        with pytest.raises(Exception) as info:
            cm.start_entities_detection_v2_job(
                InputDataConfig={"S3Bucket": "absent-bucket"},
                OutputDataConfig={"S3Bucket": "ward-out"},
                DataAccessRoleArn=ROLE,
                LanguageCode="en",
            )
        assert "InvalidRequestException" in str(info.value)
    finally:
        stop_server(server)
