"""Every operation of the three models, called through boto3 against the real server.

Each call must come back as a parsed response or a ClientError with a modeled (or AWS-common) code, a request
id, and never a 500. Comprehend Medical is exercised over both of its protocols.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from medauto.protocols.specs import Service, service_model
from tests.conftest import Server
from tests.shapegen import valid_sample

pytestmark = pytest.mark.integration

# Codes every AWS service may answer although no model lists them.
COMMON_CODES = {"NotImplemented"}
# Operations that once answered NotImplemented and are served now: they must never answer it again.
SERVED_SINCE = {
    (Service.BDA, name)
    for name in (
        "InvokeDataAutomationLibraryIngestionJob",
        "GetDataAutomationLibraryIngestionJob",
        "ListDataAutomationLibraryIngestionJobs",
        "GetDataAutomationLibraryEntity",
        "ListDataAutomationLibraryEntities",
        "InvokeBlueprintOptimizationAsync",
        "GetBlueprintOptimizationStatus",
    )
}
CASES = [(svc, name) for svc in Service for name in service_model(svc).operation_names]


def call(client: Any, service: Service, operation: str, full: bool) -> dict[str, Any]:
    op_model = service_model(service).operation_model(operation)
    params = valid_sample(op_model.input_shape, full) if op_model.input_shape is not None else {}
    try:
        response: dict[str, Any] = getattr(client, xform_name(operation))(**params)
    except ClientError as error:
        response = error.response
    return response


def check(response: dict[str, Any], service: Service, operation: str) -> None:
    meta = response["ResponseMetadata"]
    assert len(meta["RequestId"]) == 36
    assert meta["HTTPStatusCode"] != 500, response
    if "Error" in response:
        modeled = {shape.name for shape in service_model(service).operation_model(operation).error_shapes}
        allowed = modeled if (service, operation) in SERVED_SINCE else modeled | COMMON_CODES
        assert response["Error"]["Code"] in allowed, response["Error"]
        assert response["Error"]["Message"]


@pytest.fixture(scope="module")
def clients(server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cbor_dir: Path = tmp_path_factory.mktemp("cbor-model")
    return {
        "json": {svc: server.client(str(svc)) for svc in Service},
        "cbor": server.client("comprehendmedical", cbor_models=cbor_dir),
    }


@pytest.mark.parametrize("full", [False, True], ids=["required", "all-members"])
@pytest.mark.parametrize(("service", "operation"), CASES, ids=[f"{s}.{o}" for s, o in CASES])
def test_operation_answers_in_its_protocol(
    clients: dict[str, Any], service: Service, operation: str, full: bool
) -> None:
    client = clients["json"][service]
    check(call(client, service, operation, full), service, operation)
    if service is Service.COMPREHEND_MEDICAL:
        response = call(clients["cbor"], service, operation, full)
        check(response, service, operation)
        assert response["ResponseMetadata"]["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"


def test_all_59_operations_are_covered() -> None:
    assert len(CASES) == 59


def test_served_operations_are_dispatched(server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/_medauto/services", timeout=10) as answer:
        implemented = set(json.load(answer)[str(Service.BDA)]["implemented"])
    assert {name for _, name in SERVED_SINCE} <= implemented
