"""BDA invocations whose input and output live on a real S3 server (SeaweedFS), credentials enforced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import start_server, stop_server
from tests.docgen import lab_report_pdf, receipt_png
from tests.integration.test_bda_runtime import PROFILE, wait_status
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

pytestmark = pytest.mark.integration
LAB_BLUEPRINT = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-lab-report"


def test_async_and_sync_invocations_on_s3(s3_server: S3Server, tmp_path: Path) -> None:
    s3 = s3_server.client()
    s3.create_bucket(Bucket="scans-in")
    s3.create_bucket(Bucket="scans-out")
    s3.put_object(Bucket="scans-in", Key="2024/lab.pdf", Body=lab_report_pdf())
    s3.put_object(Bucket="scans-in", Key="2024/receipt.png", Body=receipt_png())
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    server = start_server(tmp_path, "--s3-endpoint-url", s3_server.endpoint, env=env)
    try:
        runtime = server.client("bedrock-data-automation-runtime", read_timeout=300)
        arn = runtime.invoke_data_automation_async(
            inputConfiguration={"s3Uri": "s3://scans-in/2024/lab.pdf"},
            outputConfiguration={"s3Uri": "s3://scans-out/bda/"},
            dataAutomationProfileArn=PROFILE,
            blueprints=[{"blueprintArn": LAB_BLUEPRINT}],
        )["invocationArn"]
        job_id = arn.rsplit("/", 1)[1]
        status = wait_status(runtime, arn)
        assert status["status"] == "Success", status
        assert status["outputConfiguration"]["s3Uri"] == f"s3://scans-out/bda/{job_id}/job_metadata.json"
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="scans-out", Prefix=f"bda/{job_id}/")["Contents"])
        assert keys == [
            f"bda/{job_id}/0/.s3_access_check",
            f"bda/{job_id}/0/custom_output/0/result.json",
            f"bda/{job_id}/0/standard_output/0/result.json",
            f"bda/{job_id}/job_metadata.json",
        ]
        custom = json.loads(s3.get_object(Bucket="scans-out", Key=keys[1])["Body"].read())
        assert custom["inference_result"]["patient"]["name"] == "Maria Lopez"
        # Sync from an S3 object, results also stored under the output prefix.
        response = runtime.invoke_data_automation(
            inputConfiguration={"s3Uri": "s3://scans-in/2024/receipt.png"},
            outputConfiguration={"s3Uri": "s3://scans-out/sync"},
            dataAutomationProfileArn=PROFILE,
        )
        assert response["semanticModality"] == "IMAGE"
        index_key = response["outputConfiguration"]["s3Uri"][len("s3://scans-out/") :]
        index = json.loads(s3.get_object(Bucket="scans-out", Key=index_key)["Body"].read())
        source = index["output_metadata"][0]["asset_input_path"]
        assert source == {"s3_bucket": "scans-in", "s3_key": "2024/receipt.png"}
        # A missing input object ends the invocation as the caller's error.
        arn = runtime.invoke_data_automation_async(
            inputConfiguration={"s3Uri": "s3://scans-in/2024/absent.pdf"},
            outputConfiguration={"s3Uri": "s3://scans-out/bda/"},
            dataAutomationProfileArn=PROFILE,
        )["invocationArn"]
        failed = wait_status(runtime, arn)
        assert failed["status"] == "ClientError" and "absent.pdf" in failed["errorMessage"]
    finally:
        stop_server(server)
