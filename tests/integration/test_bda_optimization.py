"""Blueprint optimization through boto3 against a real server: generated documents with ground truth in local
buckets, the optimized instructions and metrics in S3, the blueprint's DEVELOPMENT stage, the runtime reading it,
tags on invocations, and the modeled errors (sync) and ClientError statuses (async)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, start_server, stop_server
from tests.docgen import lab_report_pdf, receipt_png
from tests.integration.bda_helpers import error_of

pytestmark = pytest.mark.integration

ACCOUNT, OTHER = "123456789012", "210987654321"
CREDENTIALS = f"test:test:{ACCOUNT},other:other:{OTHER}"
PROFILE = "arn:aws:bedrock:us-east-1:aws:data-automation-profile/us.data-automation-v1"
INVOCATION = re.compile(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint-optimization-invocation/([0-9a-f-]{{36}})")
ORDER = ["Created", "InProgress", "Success"]
LAB_TRUTH = {
    "physician": "Dr. Alan Chen",
    "specimen_id": "LAB-20240305-117",
    "report_date": "03/05/2024",
    "patient_name": "Maria Lopez",
}


def field(instruction: str, kind: str = "string") -> dict[str, str]:
    return {"type": kind, "inferenceType": "explicit", "instruction": instruction}


LAB_SCHEMA = json.dumps(
    {
        "class": "Lab Report",
        "description": "A laboratory report with patient details and test results",
        "type": "object",
        "properties": {
            "physician": field("The physician who ordered the tests"),
            "specimen_id": field("The specimen identifier"),
            "report_date": field("The date of the report"),
            "patient_name": field("The patient's name"),
        },
    }
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("bda-optimization"), "--credentials", CREDENTIALS)
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def bda(server: Server) -> Any:
    return server.client("bedrock-data-automation")


def put(server: Server, uri: str, data: bytes) -> dict[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    path: Path = server.data_dir / "buckets" / bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {"s3Uri": uri}


def read(server: Server, uri: str) -> Any:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return json.loads((server.data_dir / "buckets" / bucket / key).read_text())


def sample(server: Server, base: str, document: bytes, truth: Any) -> dict[str, Any]:
    raw = truth if isinstance(truth, bytes) else json.dumps(truth).encode()
    asset, truth_object = put(server, f"{base}.bin", document), put(server, f"{base}.json", raw)
    return {"assetS3Object": asset, "groundTruthS3Object": truth_object}


def bucket(server: Server, name: str) -> str:
    (server.data_dir / "buckets" / name).mkdir(parents=True, exist_ok=True)
    return name


def blueprint(bda: Any, name: str, schema: str = LAB_SCHEMA, kind: str = "DOCUMENT") -> str:
    arn: str = bda.create_blueprint(blueprintName=name, type=kind, schema=schema)["blueprint"]["blueprintArn"]
    return arn


def invoke(bda: Any, arn: str, samples: list[dict[str, Any]], output: str, **extra: Any) -> str:
    response = bda.invoke_blueprint_optimization_async(
        blueprint={"blueprintArn": arn},
        samples=samples,
        outputConfiguration={"s3Object": {"s3Uri": output}},
        dataAutomationProfileArn=PROFILE,
        **extra,
    )
    invocation: str = response["invocationArn"]
    return invocation


def wait(bda: Any, arn: str, timeout: float = 240) -> tuple[dict[str, Any], list[str]]:
    """The final status and every status seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = bda.get_blueprint_optimization_status(invocationArn=arn)
        if not seen or seen[-1] != status["status"]:
            seen.append(status["status"])
        if status["status"] in ("Success", "ClientError", "ServiceError"):
            return status, seen
        time.sleep(0.2)
    raise AssertionError(f"optimization {arn} did not finish: {seen}")


def test_lab_reports_are_optimized_and_the_runtime_reads_the_result(server: Server, bda: Any) -> None:
    name = bucket(server, "opt-lab")
    samples = [
        sample(server, f"s3://{name}/samples/one", lab_report_pdf(), LAB_TRUTH),
        sample(server, f"s3://{name}/samples/two", lab_report_pdf(pages=2), {**LAB_TRUTH, "report_date": "2024-03-05"}),
    ]
    arn = blueprint(bda, "lab-optimized")
    invocation = invoke(bda, arn, samples, f"s3://{name}/out", tags=[{"key": "team", "value": "lab"}])
    match = INVOCATION.fullmatch(invocation)
    assert match, invocation
    status, seen = wait(bda, invocation)
    assert status["status"] == "Success", status
    assert seen == [s for s in ORDER if s in seen]  # never backwards
    prefix = status["outputConfiguration"]["s3Object"]["s3Uri"]
    assert prefix == f"s3://{name}/out/{match.group(1)}/0"
    results = read(server, f"{prefix}/optimization_results.json")
    before, after = results["evaluationComparison"]["before"], results["evaluationComparison"]["after"]
    # The date of birth is taken for the report date (its "Date" label names it as well as "Collection Date"
    # does); no label word names the physician or the specimen. The printed labels fix every field.
    by_field = {row["fieldName"]: row for row in before["fieldMetrics"]}
    assert by_field["report_date"]["exactMatch"] == 0.0 and by_field["patient_name"]["exactMatch"] == 1.0
    assert by_field["report_date"]["samplesScored"] == 2
    assert before["aggregateMetrics"]["exactMatch"] <= 0.75 and after["aggregateMetrics"]["exactMatch"] == 1.0
    assert before["aggregateMetrics"]["f1"] < after["aggregateMetrics"]["f1"] == 1.0
    assert after["aggregateMetrics"]["confidence"] > before["aggregateMetrics"]["confidence"]
    assert before["blueprintSchema"] == LAB_SCHEMA
    optimized = json.loads(after["blueprintSchema"])["properties"]
    assert optimized["report_date"]["instruction"] == (
        'The date of the report. Printed next to the label "Collection Date".'
    )
    assert optimized["patient_name"]["instruction"] == "The patient's name"
    wrong_before = {name for name, row in by_field.items() if row["exactMatch"] < 1.0}
    assert {c["fieldName"] for c in results["instructionChanges"]} == wrong_before
    labels = {"physician": "Ordering Provider", "specimen_id": "Accession Number", "report_date": "Collection Date"}
    for change in results["instructionChanges"]:
        assert change["labels"] == [labels[change["fieldName"]]]
        assert change["exactMatchBefore"] == 0.0 and change["exactMatchAfter"] == 1.0
    assert [row["assetS3Uri"] for row in after["sampleMetrics"]] == [s["assetS3Object"]["s3Uri"] for s in samples]
    assert results["blueprintArn"] == arn and results["blueprintStage"] == "LIVE"

    # The DEVELOPMENT stage now holds the optimized schema and names the samples; LIVE is untouched.
    development = bda.get_blueprint(blueprintArn=arn, blueprintStage="DEVELOPMENT")["blueprint"]
    assert development["schema"] == after["blueprintSchema"]
    assert development["optimizationSamples"] == samples and "optimizationTime" in development
    live = bda.get_blueprint(blueprintArn=arn, blueprintStage="LIVE")["blueprint"]
    assert live["schema"] == LAB_SCHEMA and "optimizationTime" not in live

    runtime = server.client("bedrock-data-automation-runtime", read_timeout=300)
    profile = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-profile/us.data-automation-v1"
    extracted = {}
    for stage in ("LIVE", "DEVELOPMENT"):
        response = runtime.invoke_data_automation(
            inputConfiguration={"bytes": lab_report_pdf()},
            dataAutomationProfileArn=profile,
            blueprints=[{"blueprintArn": arn, "stage": stage}],
        )
        extracted[stage] = json.loads(response["outputSegments"][0]["customOutput"])["inference_result"]
    assert extracted["LIVE"]["report_date"] == "1961-07-14"
    assert extracted["DEVELOPMENT"] == {key: value for key, value in LAB_TRUTH.items() if key != "report_date"} | {
        "report_date": "2024-03-05"
    }

    assert bda.list_tags_for_resource(resourceARN=invocation)["tags"] == [{"key": "team", "value": "lab"}]
    bda.tag_resource(resourceARN=invocation, tags=[{"key": "stage", "value": "done"}])
    bda.untag_resource(resourceARN=invocation, tagKeys=["team"])
    assert bda.list_tags_for_resource(resourceARN=invocation)["tags"] == [{"key": "stage", "value": "done"}]
    other = server.client("bedrock-data-automation", key="other", secret="other")
    assert error_of(other.get_blueprint_optimization_status, invocationArn=invocation)[:2] == (
        "ResourceNotFoundException",
        404,
    )


def test_receipt_images_gain_the_printed_total_label(server: Server, bda: Any) -> None:
    name = bucket(server, "opt-receipts")
    schema = json.dumps({"class": "Receipt", "description": "A shop receipt", "type": "object", "properties": {
        "amount_paid": field("The amount the customer paid", "number"),
    }})  # fmt: skip
    samples = [
        sample(server, f"s3://{name}/r1", receipt_png(("KEDAI MAJU", "TOTAL QTY 3", "NETT PAYABLE 10.60")),
               {"amount_paid": 10.6}),
        sample(server, f"s3://{name}/r2", receipt_png(("KEDAI BARU", "NETT PAYABLE 7.25", "CASH 10.00")),
               {"amount_paid": "7.25"}),
    ]  # fmt: skip
    status, _ = wait(bda, invoke(bda, blueprint(bda, "receipt-optimized", schema), samples, f"s3://{name}/out/"))
    assert status["status"] == "Success", status
    results = read(server, status["outputConfiguration"]["s3Object"]["s3Uri"] + "/optimization_results.json")
    comparison = results["evaluationComparison"]
    assert comparison["before"]["aggregateMetrics"]["exactMatch"] == 0.0
    assert comparison["after"]["aggregateMetrics"]["exactMatch"] == 1.0
    [change] = results["instructionChanges"]
    assert change["labels"] == ["NETT PAYABLE"] and change["exactMatchAfter"] == 1.0


def test_nothing_to_improve_keeps_the_schema_byte_for_byte(server: Server, bda: Any) -> None:
    name = bucket(server, "opt-same")
    samples = [sample(server, f"s3://{name}/one", lab_report_pdf(), {"patient_name": "Maria Lopez"})]
    arn = blueprint(bda, "lab-already-right")
    status, _ = wait(bda, invoke(bda, arn, samples, f"s3://{name}/out"))
    results = read(server, status["outputConfiguration"]["s3Object"]["s3Uri"] + "/optimization_results.json")
    comparison = results["evaluationComparison"]
    assert comparison["before"]["aggregateMetrics"]["exactMatch"] == 1.0
    assert comparison["after"]["blueprintSchema"] == LAB_SCHEMA and results["instructionChanges"] == []
    assert bda.get_blueprint(blueprintArn=arn, blueprintStage="DEVELOPMENT")["blueprint"]["schema"] == LAB_SCHEMA


@pytest.mark.parametrize(
    ("case", "asset", "truth", "message"),
    [
        ("missing", None, LAB_TRUTH, "The asset of sample 1 (s3://opt-bad/nowhere.bin) does not exist"),
        ("text", b"plain text, not a document", LAB_TRUTH, "The asset of sample 1 (s3://opt-bad/text.bin) is not a"),
        ("json", lab_report_pdf(), b"{not json", "The ground truth of sample 1 (s3://opt-bad/json.json) is not a"),
        ("fields", lab_report_pdf(), {"unknown_field": "x"}, "names none of the blueprint's fields"),
    ],
)
def test_unusable_samples_end_in_client_error(
    server: Server, bda: Any, case: str, asset: bytes | None, truth: Any, message: str
) -> None:
    name = bucket(server, "opt-bad")
    item = sample(server, f"s3://{name}/{case}", asset or b"", truth)
    if asset is None:
        item["assetS3Object"] = {"s3Uri": f"s3://{name}/nowhere.bin"}
    status, _ = wait(bda, invoke(bda, blueprint(bda, f"bad-{case}"), [item], f"s3://{name}/out"))
    assert status["status"] == "ClientError" and status["errorType"] == "ValidationException"
    assert message in status["errorMessage"], status
    assert "outputConfiguration" not in status


def test_requests_that_cannot_start_are_refused(server: Server, bda: Any) -> None:
    name = bucket(server, "opt-refused")
    good = sample(server, f"s3://{name}/one", lab_report_pdf(), LAB_TRUTH)
    arn = blueprint(bda, "lab-refused")
    output = {"s3Object": {"s3Uri": f"s3://{name}/out"}}

    def attempt(**changes: Any) -> tuple[str, int, str]:
        params = {"blueprint": {"blueprintArn": arn}, "samples": [good], "outputConfiguration": output,
                  "dataAutomationProfileArn": PROFILE, **changes}  # fmt: skip
        code, status, message, _ = error_of(bda.invoke_blueprint_optimization_async, **params)
        return code, status, message

    unknown = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint/0123456789ab"
    assert attempt(blueprint={"blueprintArn": unknown})[:2] == ("ResourceNotFoundException", 404)
    code, status, message = attempt(blueprint={"blueprintArn": arn, "stage": "DEVELOPMENT"})
    assert (code, status) == ("ResourceNotFoundException", 404) and "DEVELOPMENT" in message
    photo = json.dumps({"class": "Photo", "type": "object", "properties": {"x": field("x")}})
    image = blueprint(bda, "image-refused", photo, "IMAGE")
    code, _, message = attempt(blueprint={"blueprintArn": image})
    assert code == "ValidationException" and "DOCUMENT" in message
    assert attempt(samples=[])[0] == "ValidationException"
    code, _, message = attempt(samples=[good] * 11)
    assert code == "ValidationException" and "1 to 10" in message
    versioned = {**good, "assetS3Object": {**good["assetS3Object"], "version": "3"}}
    code, _, message = attempt(samples=[versioned])
    assert code == "ValidationException" and "version" in message
    code, _, message = attempt(outputConfiguration={"s3Object": {"s3Uri": "s3://no-such-bucket-here/out"}})
    assert code == "ValidationException" and "no-such-bucket-here" in message
    assert attempt(dataAutomationProfileArn="arn:aws:bedrock:us-east-1:aws:nothing/x")[0] == "ValidationException"
    assert attempt(tags=[{"key": "aws:reserved", "value": "x"}])[0] == "ValidationException"
    missing = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint-optimization-invocation/0123456789ab"
    assert error_of(bda.get_blueprint_optimization_status, invocationArn=missing)[:2] == (
        "ResourceNotFoundException",
        404,
    )
    assert error_of(bda.list_tags_for_resource, resourceARN=missing)[:2] == ("ResourceNotFoundException", 404)
    code, _, message, _ = error_of(bda.get_blueprint_optimization_status, invocationArn="not-an-invocation-arn")
    assert code == "ValidationException" and "invocationArn" in message
    project = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-project/0123456789ab"
    assert attempt(blueprint={"blueprintArn": project})[0] == "ValidationException"
