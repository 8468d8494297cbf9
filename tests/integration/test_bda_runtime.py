"""BDA runtime end to end through boto3: real documents parsed by the real engine, sync and async."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Server
from tests.docgen import RECEIPT_LINES, bundle_pdf, lab_report_pdf, receipt_png

pytestmark = pytest.mark.integration
ACCOUNT = "123456789012"
PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-profile/us.data-automation-v1"


@pytest.fixture(scope="module")
def runtime(server: Server) -> Any:
    return server.client("bedrock-data-automation-runtime", read_timeout=300)


def put(server: Server, bucket: str, key: str, data: bytes) -> None:
    path = server.data_dir / "buckets" / bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def read_json(server: Server, uri: str) -> Any:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return json.loads((server.data_dir / "buckets" / bucket / key).read_text())


def wait_status(runtime: Any, arn: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = runtime.get_data_automation_status(invocationArn=arn)
        if status["status"] in ("Success", "ClientError", "ServiceError"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"invocation {arn} did not finish")


def test_sync_pdf_gives_elements_pages_and_a_table(runtime: Any) -> None:
    response = runtime.invoke_data_automation(
        inputConfiguration={"bytes": lab_report_pdf()}, dataAutomationProfileArn=PROFILE
    )
    assert response["semanticModality"] == "DOCUMENT"
    [segment] = response["outputSegments"]
    standard = json.loads(segment["standardOutput"])
    assert standard["metadata"]["file_type"] == "PDF" and standard["metadata"]["number_of_pages"] == 1
    elements = standard["elements"]
    titles = [e for e in elements if e.get("sub_type") == "TITLE"]
    assert titles and titles[0]["representation"]["markdown"] == "# Laboratory Report"
    [table] = [e for e in elements if e["type"] == "TABLE"]
    assert "| Hemoglobin | 13.5 | g/dL |" in table["representation"]["markdown"]
    assert standard["document"]["statistics"]["table_count"] == 1
    assert "Maria Lopez" in standard["pages"][0]["representation"]["markdown"]


def test_sync_png_is_an_image_with_detected_text(runtime: Any) -> None:
    response = runtime.invoke_data_automation(
        inputConfiguration={"bytes": receipt_png()}, dataAutomationProfileArn=PROFILE
    )
    assert response["semanticModality"] == "IMAGE"
    standard = json.loads(response["outputSegments"][0]["standardOutput"])
    lines = [line["text"] for line in standard["image"]["text_lines"]]
    assert any("TOTAL" in line and "12.50" in line for line in lines), lines
    box = standard["image"]["text_lines"][0]["locations"][0]["bounding_box"]
    assert 0 <= box["left"] <= 1 and 0 < box["width"] <= 1
    assert standard["statistics"]["line_count"] == len(lines)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"bytes": b"plain text is not a document"}, "Unsupported file format"),
        ({"bytes": b"%PDF-1.7\nbroken"}, "PDF"),
        ({"s3Uri": "s3://no-such-bucket-here/x.pdf"}, "does not exist"),
    ],
)
def test_sync_bad_input_is_a_validation_error(runtime: Any, config: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as caught:
        runtime.invoke_data_automation(inputConfiguration=config, dataAutomationProfileArn=PROFILE)
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert message in error["Error"]["Message"]


def test_sync_unknown_project_is_a_validation_error(runtime: Any) -> None:
    with pytest.raises(ClientError) as caught:
        runtime.invoke_data_automation(
            inputConfiguration={"bytes": lab_report_pdf()},
            dataAutomationProfileArn=PROFILE,
            dataAutomationConfiguration={
                "dataAutomationProjectArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-project/0a1b2c3d4e5f"
            },
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_async_invocation_writes_the_bda_layout(server: Server, runtime: Any) -> None:
    put(server, "bda-in", "reports/lab.pdf", lab_report_pdf(2))
    (server.data_dir / "buckets" / "bda-out").mkdir(parents=True, exist_ok=True)
    arn = runtime.invoke_data_automation_async(
        inputConfiguration={"s3Uri": "s3://bda-in/reports/lab.pdf"},
        outputConfiguration={"s3Uri": "s3://bda-out/runs"},
        dataAutomationProfileArn=PROFILE,
        tags=[{"key": "team", "value": "lab"}],
    )["invocationArn"]
    job_id = arn.rsplit("/", 1)[1]
    status = wait_status(runtime, arn)
    assert status["status"] == "Success", status
    assert status["outputConfiguration"]["s3Uri"] == f"s3://bda-out/runs/{job_id}/job_metadata.json"
    index = read_json(server, status["outputConfiguration"]["s3Uri"])
    assert index["job_id"] == job_id and index["semantic_modality"] == "DOCUMENT"
    [segment] = index["output_metadata"][0]["segment_metadata"]
    result = read_json(server, segment["standard_output_path"])
    assert result["metadata"]["number_of_pages"] == 2 and result["metadata"]["s3_key"] == "reports/lab.pdf"
    assert runtime.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "lab"}]


def test_async_corrupt_input_ends_in_client_error_with_nothing_written(server: Server, runtime: Any) -> None:
    put(server, "bda-in", "bad/broken.pdf", b"%PDF-1.7\nnot really")
    (server.data_dir / "buckets" / "bda-out").mkdir(parents=True, exist_ok=True)
    arn = runtime.invoke_data_automation_async(
        inputConfiguration={"s3Uri": "s3://bda-in/bad/broken.pdf"},
        outputConfiguration={"s3Uri": "s3://bda-out/bad-runs"},
        dataAutomationProfileArn=PROFILE,
    )["invocationArn"]
    status = wait_status(runtime, arn)
    assert status["status"] == "ClientError" and status["errorMessage"]
    assert not (server.data_dir / "buckets" / "bda-out" / "bad-runs").exists()


def test_project_blueprint_gives_custom_output(server: Server, runtime: Any) -> None:
    control = server.client("bedrock-data-automation")
    receipt = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt"
    lab = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-lab-report"
    project = control.create_data_automation_project(
        projectName="clinic-intake",
        standardOutputConfiguration={
            "document": {"extraction": {"granularity": {"types": ["PAGE"]}, "boundingBox": {"state": "ENABLED"}}}
        },
        customOutputConfiguration={"blueprints": [{"blueprintArn": receipt}, {"blueprintArn": lab}]},
    )["projectArn"]
    response = runtime.invoke_data_automation(
        inputConfiguration={"bytes": lab_report_pdf()},
        dataAutomationProfileArn=PROFILE,
        dataAutomationConfiguration={"dataAutomationProjectArn": project},
    )
    [segment] = response["outputSegments"]
    assert "elements" not in json.loads(segment["standardOutput"])  # the project's granularity
    assert segment["customOutputStatus"] == "MATCH"
    custom = json.loads(segment["customOutput"])
    assert custom["matched_blueprint"]["arn"] == lab and 0 < custom["matched_blueprint"]["confidence"] <= 1
    assert custom["document_class"]["type"] == "Lab Report"
    assert custom["split_document"]["page_indices"] == [0]
    patient = custom["inference_result"]["patient"]
    assert patient["name"] == "Maria Lopez" and patient["date_of_birth"] == "1961-07-14"
    assert custom["inference_result"]["accession_number"] == "LAB-20240305-117"
    explained = custom["explainability_info"][0]
    assert set(explained) == set(custom["inference_result"])
    name = explained["patient"]["name"]
    assert name["value"] == "Maria Lopez" and name["type"] == "string" and 0 < name["confidence"] <= 1
    [geometry] = name["geometry"]
    assert geometry["page"] == 1 and 0 < geometry["boundingBox"]["width"] < 1


def test_async_splitter_gives_one_segment_per_logical_document(server: Server, runtime: Any) -> None:
    control = server.client("bedrock-data-automation")
    public = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-"
    project = control.create_data_automation_project(
        projectName="mail-room",
        standardOutputConfiguration={
            "document": {"extraction": {"granularity": {"types": ["PAGE"]}, "boundingBox": {"state": "DISABLED"}}}
        },
        customOutputConfiguration={
            "blueprints": [{"blueprintArn": public + name} for name in ("receipt", "lab-report", "invoice")]
        },
        overrideConfiguration={"document": {"splitter": {"state": "ENABLED"}}},
    )["projectArn"]
    put(server, "bda-in", "mail/bundle.pdf", bundle_pdf())
    (server.data_dir / "buckets" / "bda-out").mkdir(parents=True, exist_ok=True)
    arn = runtime.invoke_data_automation_async(
        inputConfiguration={"s3Uri": "s3://bda-in/mail/bundle.pdf"},
        outputConfiguration={"s3Uri": "s3://bda-out/mail"},
        dataAutomationProfileArn=PROFILE,
        dataAutomationConfiguration={"dataAutomationProjectArn": project, "stage": "LIVE"},
    )["invocationArn"]
    status = wait_status(runtime, arn)
    assert status["status"] == "Success", status
    index = read_json(server, status["outputConfiguration"]["s3Uri"])
    segments = index["output_metadata"][0]["segment_metadata"]
    assert [s["custom_output_status"] for s in segments] == ["MATCH", "MATCH"]
    lab, receipt = (read_json(server, s["custom_output_path"]) for s in segments)
    assert lab["split_document"]["page_indices"] == [0, 1] and lab["matched_blueprint"]["name"].endswith("lab-report")
    assert receipt["split_document"]["page_indices"] == [2]
    assert receipt["matched_blueprint"]["name"].endswith("receipt")
    assert receipt["inference_result"]["total"] == 12.5
    standard = read_json(server, segments[1]["standard_output_path"])
    assert (standard["metadata"]["start_page_index"], standard["metadata"]["end_page_index"]) == (2, 2)
    assert standard["metadata"]["logical_subdocument_id"] == "1"


def test_image_blueprint_reads_a_receipt(runtime: Any) -> None:
    receipt = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-receipt"
    response = runtime.invoke_data_automation(
        inputConfiguration={"bytes": receipt_png(RECEIPT_LINES)},
        dataAutomationProfileArn=PROFILE,
        blueprints=[{"blueprintArn": receipt}],
    )
    assert response["semanticModality"] == "IMAGE"
    [segment] = response["outputSegments"]
    assert segment["customOutputStatus"] == "MATCH"
    custom = json.loads(segment["customOutput"])
    assert custom["document_class"]["type"] == "Receipt"
    values = custom["inference_result"]
    assert values["total"] == 12.5 and values["transaction_date"] == "2018-12-25", values
    assert values["merchant_name"] == "ROUKEA CAFE"
    total = custom["explainability_info"][0]["total"]
    assert total["geometry"][0]["page"] == 1 and total["confidence"] > 0


def test_public_default_project_is_readable_and_does_what_it_shows(server: Server, runtime: Any) -> None:
    arn = "arn:aws:bedrock:us-east-1:aws:data-automation-project/public-default"
    control = server.client("bedrock-data-automation")
    project = control.get_data_automation_project(projectArn=arn)["project"]
    assert project["projectName"] == "public-default" and project["projectStage"] == "LIVE"
    document = project["standardOutputConfiguration"]["document"]
    assert document["extraction"]["granularity"]["types"] == ["PAGE", "ELEMENT"]
    assert document["outputFormat"]["textFormat"]["types"] == ["MARKDOWN"]
    assert "customOutputConfiguration" not in project
    assert control.get_data_automation_project(projectArn=arn, projectStage="DEVELOPMENT")["project"][
        "projectStage"] == "DEVELOPMENT"
    response = runtime.invoke_data_automation(
        inputConfiguration={"bytes": lab_report_pdf()}, dataAutomationProfileArn=PROFILE,
        dataAutomationConfiguration={"dataAutomationProjectArn": arn, "stage": "LIVE"},
    )
    standard = json.loads(response["outputSegments"][0]["standardOutput"])
    element = standard["elements"][0]
    assert set(element["representation"]) == {"markdown"}  # MARKDOWN only, as shown
    assert "locations" not in element or not any("bounding_box" in loc for loc in element["locations"])
    assert "words" not in standard["pages"][0] and "lines" not in standard["pages"][0]  # PAGE+ELEMENT only
