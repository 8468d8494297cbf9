"""The real server process on 127.0.0.1, driven by boto3, the AWS CLI and raw HTTP."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import botocore
import cbor2
import pytest
from botocore.exceptions import ClientError

from tests.conftest import ROOT, Server, start_server, stop_server

pytestmark = pytest.mark.integration


def raw(server: Server, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


JSON_DETECT_PHI = {"X-Amz-Target": "ComprehendMedical_20181030.DetectPHI", "Content-Type": "application/x-amz-json-1.1"}


def post_json(server: Server, body: bytes) -> tuple[int, dict[str, str], Any]:
    """POST an awsJson DetectPHI body as-is; returns status, headers and the decoded JSON answer."""
    status, headers, raw_body = raw(server, "POST", "/", body, JSON_DETECT_PHI)
    return status, headers, json.loads(raw_body)


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response: dict[str, Any] = info.value.response
    return response


def test_health_and_services(server: Server) -> None:
    status, headers, body = raw(server, "GET", "/_medauto/health")
    assert status == 200
    assert len(headers["x-amzn-requestid"]) == 36
    assert json.loads(body)["status"] == "ok"
    status, _, body = raw(server, "GET", "/_medauto/services")
    services = json.loads(body)
    assert status == 200
    assert {k: v["operations"] for k, v in services.items()} == {
        "comprehendmedical": 26,
        "bedrock-data-automation-runtime": 6,
        "bedrock-data-automation": 27,
    }


def test_unknown_operation_is_an_error_in_the_protocol_with_request_id(server: Server) -> None:
    # Every modeled operation has a handler now, so nothing answers NotImplemented; names outside the models get
    # UnknownOperationException in the caller's own protocol.
    target = {**JSON_DETECT_PHI, "X-Amz-Target": "ComprehendMedical_20181030.DetectEverything"}
    status, headers, body = raw(server, "POST", "/", b"{}", target)
    assert status == 400 and len(headers["x-amzn-requestid"]) == 36
    assert json.loads(body)["__type"] == "UnknownOperationException"
    assert "DetectEverything" in json.loads(body)["message"]
    rest = {"Content-Type": "application/json"}
    status, headers, body = raw(server, "POST", "/getBlueprintOptimizationStatusNow/x", b"{}", rest)
    assert status == 404 and headers["x-amzn-errortype"] == "UnknownOperationException"
    assert len(headers["x-amzn-requestid"]) == 36 and "No operation matches" in json.loads(body)["message"]


def test_cm_text_validation_errors(server: Server) -> None:
    cm = server.client("comprehendmedical", parameter_validation=False)
    response = error_of(cm.detect_entities_v2)
    assert response["Error"]["Code"] == "InvalidRequestException"
    assert "Member must not be null" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    response = error_of(cm.detect_entities_v2, Text="a" * 20001)
    assert response["Error"]["Code"] == "TextSizeLimitExceededException"
    response = error_of(cm.list_phi_detection_jobs, MaxResults=501)
    assert response["Error"]["Code"] in ("InvalidRequestException", "ValidationException")
    assert "less than or equal to 500" in response["Error"]["Message"]


def test_bda_control_plane_validation_has_field_list(server: Server) -> None:
    bda = server.client("bedrock-data-automation", parameter_validation=False)
    response = error_of(bda.create_blueprint, blueprintName="!!! ???", type="DOCUMENT", schema="{}")
    assert response["Error"]["Code"] == "ValidationException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["fieldList"][0]["name"] == "blueprintName"


def test_bda_runtime_validation(server: Server) -> None:
    rt = server.client("bedrock-data-automation-runtime", parameter_validation=False)
    response = error_of(
        rt.invoke_data_automation_async,
        inputConfiguration={"s3Uri": "not-an-s3-uri"},
        outputConfiguration={"s3Uri": "s3://bucket/out"},
        dataAutomationProfileArn="arn:aws:bedrock:us-east-1:123456789012:data-automation-profile/us.data-automation-v1",
    )
    assert response["Error"]["Code"] == "ValidationException"
    assert "inputConfiguration.s3Uri" in response["Error"]["Message"]


def test_cbor_protocol_through_botocore(server: Server, tmp_path: Path) -> None:
    cm = server.client("comprehendmedical", cbor_models=tmp_path, parameter_validation=False)
    assert cm.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    response = error_of(cm.detect_entities_v2, Text="x" * 20001)
    assert response["Error"]["Code"] == "TextSizeLimitExceededException"
    assert response["ResponseMetadata"]["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"
    listed = cm.list_entities_detection_v2_jobs(MaxResults=5)
    assert isinstance(listed["ComprehendMedicalAsyncJobPropertiesList"], list)
    assert listed["ResponseMetadata"]["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"


@pytest.mark.parametrize(
    ("key", "secret", "code"),
    [("test", "wrong", "InvalidSignatureException"), ("AKIDUNKNOWN", "test", "UnrecognizedClientException")],
)
def test_bad_credentials(server: Server, key: str, secret: str, code: str) -> None:
    for service, call in [
        ("comprehendmedical", "list_entities_detection_v2_jobs"),
        ("bedrock-data-automation", "list_blueprints"),
        ("bedrock-data-automation-runtime", "list_tags_for_resource"),
    ]:
        client = server.client(service, key=key, secret=secret, parameter_validation=False)
        response = error_of(getattr(client, call))
        assert response["Error"]["Code"] == code, service
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_rejected(server: Server) -> None:
    cm = server.client("comprehendmedical", signature_version=botocore.UNSIGNED)
    response = error_of(cm.list_entities_detection_v2_jobs)
    assert response["Error"]["Code"] == "MissingAuthenticationTokenException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_refused_before_its_body_is_parsed(server: Server) -> None:
    status, _, answer = post_json(server, b"{not json")
    # Unsigned: authentication happens before the body is read, as AWS does.
    assert (status, answer["__type"]) == (403, "MissingAuthenticationTokenException")


def test_unknown_route_and_target(server: Server) -> None:
    status, headers, body = raw(server, "GET", "/no/such/thing")
    assert status == 404
    assert headers["x-amzn-errortype"] == "UnknownOperationException"
    assert "message" in json.loads(body)
    status, headers, body = raw(server, "POST", "/", b"{}", {"X-Amz-Target": "ComprehendMedical_20181030.NoSuchOp"})
    assert status == 400
    assert json.loads(body)["__type"] == "UnknownOperationException"
    status, headers, body = raw(server, "POST", "/service/ComprehendMedical_20181030/operation/Nope", b"")
    assert status == 400
    assert cbor2.loads(body)["__type"].endswith("#UnknownOperationException")


def test_aws_cli_gets_modeled_answer(server: Server) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    if aws is None:
        pytest.fail("the AWS CLI is a test dependency and must be installed")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    result = subprocess.run(
        [aws, "comprehendmedical", "list-entities-detection-v2-jobs", "--endpoint-url", server.url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    output = result.stdout + result.stderr
    # Either a modeled response (JSON) or a modeled error the CLI parsed into "(Code)".
    if result.returncode == 0:
        assert "ComprehendMedicalAsyncJobPropertiesList" in json.loads(result.stdout)
    else:
        assert "(NotImplemented)" in output, output


def test_no_auth_mode_and_body_limit_and_graceful_stop(tmp_path: Path) -> None:
    srv = start_server(tmp_path, "--no-auth", env={"MEDAUTO_MAX_BODY_BYTES": "2048"})
    try:
        status, _, answer = post_json(srv, b"{not json")
        assert (status, answer["__type"]) == (400, "SerializationException")
        status, headers, answer = post_json(srv, json.dumps({"Text": "x" * 4000}).encode())
        assert (status, answer["__type"]) == (413, "RequestEntityTooLargeException")
        assert "x-amzn-requestid" in headers
        status, _, answer = post_json(srv, b'{"Text": "\xff\xfe"}')
        assert (status, answer["__type"]) == (400, "InvalidEncodingException")
        status, headers, body = raw(
            srv,
            "POST",
            "/service/ComprehendMedical_20181030/operation/DetectPHI",
            b"\xff\x00garbage",
            {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
        )
        assert status == 400
        assert cbor2.loads(body)["__type"].endswith("#SerializationException")
        status, headers, body = raw(srv, "PUT", "/blueprints/", b"[1,2", {"Content-Type": "application/json"})
        assert status == 400
        assert headers["x-amzn-errortype"] == "SerializationException"
        cm = srv.client("comprehendmedical", signature_version=botocore.UNSIGNED)
        assert cm.list_entities_detection_v2_jobs()["ComprehendMedicalAsyncJobPropertiesList"] == []
    finally:
        assert stop_server(srv) == 0
    assert any("Shutting down" in line or "Finished server process" in line for line in srv.output)
    assert ROOT.exists()
