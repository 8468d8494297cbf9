import json
from typing import Any

import pytest

from medauto.jobs.runner import JobRunner
from medauto.jobs.store import InMemoryJobStore
from medauto.protocols.errors import ServiceError
from medauto.services.bda_runtime.catalog import InMemoryCatalog
from medauto.services.bda_runtime.invocations import KIND, STATUSES
from medauto.services.bda_runtime.provider import BdaRuntimeProvider
from medauto.storage.objects import InMemoryObjectStore
from medauto.storage.resources import InMemoryResourceStore
from tests.unit.services.bda_runtime.fakes import PDF, PNG, fake_parser

ACCOUNT = "123456789012"
PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-profile/us.data-automation-v1"
PROJECT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-project/0123456789ab"


class Ctx:
    account_id = ACCOUNT
    region = "us-east-1"
    request_id = "5b1f6c1e-0000-4000-8000-000000000001"


def _setup() -> tuple[BdaRuntimeProvider, InMemoryJobStore, InMemoryObjectStore, InMemoryCatalog]:
    jobs, objects, catalog = InMemoryJobStore(), InMemoryObjectStore(("inbox", "outbox")), InMemoryCatalog()
    catalog.projects[PROJECT] = {
        "projectArn": PROJECT,
        "standardOutputConfiguration": {"document": {"extraction": {"granularity": {"types": ["PAGE", "LINE"]}}}},
    }
    provider = BdaRuntimeProvider(jobs, objects, catalog, InMemoryResourceStore(), parser=fake_parser)
    return provider, jobs, objects, catalog


def _call(provider: BdaRuntimeProvider, op: str, params: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = getattr(provider, op)(Ctx(), params)
    return result


def test_sync_invoke_returns_standard_output_as_a_json_string() -> None:
    provider, *_ = _setup()
    out = _call(provider, "invoke_data_automation", {
        "inputConfiguration": {"bytes": PDF}, "dataAutomationProfileArn": PROFILE,
        "dataAutomationConfiguration": {"dataAutomationProjectArn": PROJECT, "stage": "LIVE"},
    })
    assert out["semanticModality"] == "DOCUMENT"
    [segment] = out["outputSegments"]
    standard = json.loads(segment["standardOutput"])
    assert "elements" not in standard and len(standard["text_lines"]) == 6  # the project's granularity
    assert "customOutputStatus" not in segment


def test_sync_invoke_errors_are_validation_exceptions() -> None:
    provider, *_ = _setup()
    with pytest.raises(ServiceError) as both:
        _call(provider, "invoke_data_automation",
              {"inputConfiguration": {"bytes": PNG, "s3Uri": "s3://inbox/x.png"}, "dataAutomationProfileArn": PROFILE})
    assert both.value.code == "ValidationException" and "exactly one" in both.value.message
    with pytest.raises(ServiceError) as missing:
        _call(provider, "invoke_data_automation",
              {"inputConfiguration": {"s3Uri": "s3://inbox/none.pdf"}, "dataAutomationProfileArn": PROFILE})
    assert missing.value.code == "ValidationException" and "s3://inbox/none.pdf" in missing.value.message
    with pytest.raises(ServiceError) as project:
        _call(provider, "invoke_data_automation", {
            "inputConfiguration": {"bytes": PDF}, "dataAutomationProfileArn": PROFILE,
            "dataAutomationConfiguration": {"dataAutomationProjectArn": PROJECT.replace("0123", "9999")}})
    assert project.value.code == "ValidationException" and "not found" in project.value.message
    with pytest.raises(ServiceError) as garbage:
        _call(provider, "invoke_data_automation",
              {"inputConfiguration": {"bytes": b"just text"}, "dataAutomationProfileArn": PROFILE})
    assert garbage.value.status == 400 and "Unsupported file format" in garbage.value.message


def test_async_invocation_runs_and_writes_the_bda_layout() -> None:
    provider, jobs, objects, _ = _setup()
    objects.put("inbox", "docs/a.pdf", PDF)
    params = {
        "inputConfiguration": {"s3Uri": "s3://inbox/docs/a.pdf"},
        "outputConfiguration": {"s3Uri": "s3://outbox/results"},
        "dataAutomationProfileArn": PROFILE,
        "clientToken": "token-1",
        "tags": [{"key": "team", "value": "cardio"}],
    }
    arn = _call(provider, "invoke_data_automation_async", params)["invocationArn"]
    assert arn.startswith(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-invocation/")
    # The same token and request give the same invocation; other parameters with it are refused.
    assert _call(provider, "invoke_data_automation_async", params)["invocationArn"] == arn
    with pytest.raises(ServiceError):
        _call(provider, "invoke_data_automation_async", {**params, "outputConfiguration": {"s3Uri": "s3://outbox/x"}})
    assert _call(provider, "get_data_automation_status", {"invocationArn": arn})["status"] == "Created"
    runner = JobRunner(jobs, provider.batch_handlers(), statuses=STATUSES)
    assert runner.run_once()
    status = _call(provider, "get_data_automation_status", {"invocationArn": arn})
    job_id = arn.rsplit("/", 1)[1]
    assert status["status"] == "Success", status
    assert status["outputConfiguration"]["s3Uri"] == f"s3://outbox/results/{job_id}/job_metadata.json"
    assert status["jobDurationInSeconds"] >= 0 and status["jobCompletionTime"] >= status["jobSubmissionTime"]
    index = json.loads(objects.get("outbox", f"results/{job_id}/job_metadata.json"))
    assert index["job_status"] == "PROCESSED" and index["semantic_modality"] == "DOCUMENT"
    [asset] = index["output_metadata"]
    assert asset["asset_input_path"] == {"s3_bucket": "inbox", "s3_key": "docs/a.pdf"}
    [segment] = asset["segment_metadata"]
    assert segment["standard_output_path"] == f"s3://outbox/results/{job_id}/0/standard_output/0/result.json"
    result = json.loads(objects.get("outbox", f"results/{job_id}/0/standard_output/0/result.json"))
    assert result["metadata"]["s3_key"] == "docs/a.pdf" and len(result["elements"]) == 6
    assert _call(provider, "list_tags_for_resource", {"resourceARN": arn})["tags"] == [
        {"key": "team", "value": "cardio"}
    ]
    _call(provider, "tag_resource", {"resourceARN": arn, "tags": [{"key": "env", "value": "dev"}]})
    _call(provider, "untag_resource", {"resourceARN": arn, "tagKeys": ["team"]})
    assert _call(provider, "list_tags_for_resource", {"resourceARN": arn})["tags"] == [{"key": "env", "value": "dev"}]


def test_async_client_error_leaves_no_results() -> None:
    provider, jobs, objects, _ = _setup()
    objects.put("inbox", "bad.bin", b"not a document")
    arn = _call(provider, "invoke_data_automation_async", {
        "inputConfiguration": {"s3Uri": "s3://inbox/bad.bin"}, "outputConfiguration": {"s3Uri": "s3://outbox/r/"},
        "dataAutomationProfileArn": PROFILE,
    })["invocationArn"]
    JobRunner(jobs, provider.batch_handlers(), statuses=STATUSES).run_once()
    status = _call(provider, "get_data_automation_status", {"invocationArn": arn})
    assert status["status"] == "ClientError" and "Unsupported file format" in status["errorMessage"]
    assert list(objects.list("outbox")) == []
    assert jobs.get(ACCOUNT, KIND, arn.rsplit("/", 1)[1]) is not None


def test_unknown_invocation_is_not_found() -> None:
    provider, *_ = _setup()
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-invocation/nope"
    for op, params in (("get_data_automation_status", {"invocationArn": arn}),
                       ("list_tags_for_resource", {"resourceARN": arn})):
        with pytest.raises(ServiceError) as err:
            _call(provider, op, params)
        assert (err.value.code, err.value.status) == ("ResourceNotFoundException", 404)


def test_additional_files_are_written_beside_the_result() -> None:
    provider, jobs, objects, catalog = _setup()
    catalog.projects[PROJECT] = {
        "projectArn": PROJECT,
        "standardOutputConfiguration": {"document": {"outputFormat": {
            "textFormat": {"types": ["MARKDOWN"]}, "additionalFileFormat": {"state": "ENABLED"}}}},
    }
    objects.put("inbox", "a.pdf", PDF)
    arn = _call(provider, "invoke_data_automation_async", {
        "inputConfiguration": {"s3Uri": "s3://inbox/a.pdf"}, "outputConfiguration": {"s3Uri": "s3://outbox/r"},
        "dataAutomationProfileArn": PROFILE, "dataAutomationConfiguration": {"dataAutomationProjectArn": PROJECT},
    })["invocationArn"]
    JobRunner(jobs, provider.batch_handlers(), statuses=STATUSES).run_once()
    job_id = arn.rsplit("/", 1)[1]
    folder = f"r/{job_id}/0/standard_output/0"
    assert objects.get("outbox", f"{folder}/assets/result.md").decode().startswith("# Discharge Summary")
    assert objects.get("outbox", f"{folder}/assets/table_0.csv").decode().splitlines()[1] == "Troponin,0.02,ng/mL"
    result = json.loads(objects.get("outbox", f"{folder}/result.json"))
    [table] = [e for e in result["elements"] if e["type"] == "TABLE"]
    assert table["csv_s3_uri"] == f"s3://outbox/{folder}/assets/table_0.csv"
