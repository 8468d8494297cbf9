"""The gateway pipeline in-process: botocore signs and serializes, the gateway answers, botocore parses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore import parsers, serialize
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, prepare_request_dict
from botocore.credentials import Credentials

from medauto.gateway.chain import Gateway
from medauto.gateway.dispatch import Dispatcher
from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest
from medauto.protocols.sigv4 import Credential, SigV4Verifier
from medauto.protocols.specs import SERVICE_INFO, Service, service_model
from medauto.services.context import RequestContext, operation

SUBMITTED = datetime(2026, 11, 1, 12, 30, 15, 123000, tzinfo=UTC)


class FakeCM:
    def __init__(self) -> None:
        self.contexts: list[RequestContext] = []

    @operation("ListEntitiesDetectionV2Jobs")
    def list_jobs(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self.contexts.append(ctx)
        job = {
            "JobId": "a" * 32,
            "JobStatus": "COMPLETED",
            "SubmitTime": SUBMITTED,
            "JobName": params.get("Filter", {}).get("JobName"),
        }
        return {"ComprehendMedicalAsyncJobPropertiesList": [job]}

    @operation("DescribePHIDetectionJob")
    def describe(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError("ResourceNotFoundException", f"Job {params['JobId']} not found", 404)

    @operation("DetectPHI")
    def crash(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("engine exploded")


class FakeRuntime:
    @operation("GetDataAutomationStatus")
    def status(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"status": "Success", "jobSubmissionTime": SUBMITTED, "outputConfiguration": {"s3Uri": "s3://b/k"}}


class FakeBda:
    @operation("CreateBlueprint")
    def create(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = ctx.arn("blueprint/0123456789ab")
        bp = {
            "blueprintArn": arn,
            "schema": params["schema"],
            "type": params["type"],
            "creationTime": SUBMITTED,
            "lastModifiedTime": SUBMITTED,
            "blueprintName": params["blueprintName"],
            "blueprintStage": "LIVE",
        }
        return {"blueprint": bp}


def make_gateway(auth: bool = True) -> tuple[Gateway, FakeCM]:
    cm = FakeCM()
    dispatcher = Dispatcher(
        {Service.COMPREHEND_MEDICAL: cm, Service.BDA_RUNTIME: FakeRuntime(), Service.BDA: FakeBda()}
    )
    verifier = SigV4Verifier({"test": Credential("test", "test", "111122223333")}) if auth else None
    return Gateway(dispatcher, verifier, "123456789012", "us-east-1"), cm


def call(
    gateway: Gateway,
    service: Service,
    protocol: str,
    op: str,
    params: dict[str, Any],
    secret: str = "test",
    region: str = "eu-west-1",
    signing_name: str | None = None,
) -> dict[str, Any]:
    model = service_model(service)
    op_model = model.operation_model(op)
    request_dict = serialize.create_serializer(protocol, include_validation=False).serialize_to_request(
        params, op_model
    )
    prepare_request_dict(request_dict, endpoint_url="http://127.0.0.1:4599")
    aws_request = AWSRequest(
        method=request_dict["method"],
        url=request_dict["url"],
        data=request_dict["body"],
        headers=request_dict["headers"],
    )
    signing_name = signing_name or SERVICE_INFO[service].signing_name
    SigV4Auth(Credentials("test", secret), signing_name, region).add_auth(aws_request)
    prepared = aws_request.prepare()
    parts = urlsplit(prepared.url)
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    headers["host"] = parts.netloc
    body = prepared.body or b""
    request = HttpRequest(
        prepared.method, parts.path, parts.query, headers, body if isinstance(body, bytes) else body.encode()
    )
    response = gateway.handle(request)
    assert "x-amzn-requestid" in response.headers
    parsed: dict[str, Any] = parsers.create_parser(protocol).parse(
        {"status_code": response.status, "headers": response.headers, "body": response.body}, op_model.output_shape
    )
    parsed["_status"] = response.status
    return parsed


@pytest.mark.parametrize("protocol", ["json", "smithy-rpc-v2-cbor"])
def test_cm_success_and_context(protocol: str) -> None:
    gateway, cm = make_gateway()
    out = call(
        gateway,
        Service.COMPREHEND_MEDICAL,
        protocol,
        "ListEntitiesDetectionV2Jobs",
        {"Filter": {"JobName": "nightly"}, "MaxResults": 10},
    )
    job = out["ComprehendMedicalAsyncJobPropertiesList"][0]
    assert job["JobName"] == "nightly"
    assert job["SubmitTime"] == SUBMITTED
    ctx = cm.contexts[-1]
    assert (ctx.account_id, ctx.region, ctx.access_key, ctx.operation) == (
        "111122223333",
        "eu-west-1",
        "test",
        "ListEntitiesDetectionV2Jobs",
    )


@pytest.mark.parametrize("protocol", ["json", "smithy-rpc-v2-cbor"])
def test_cm_modeled_error_and_internal_failure(protocol: str) -> None:
    gateway, _ = make_gateway()
    out = call(gateway, Service.COMPREHEND_MEDICAL, protocol, "DescribePHIDetectionJob", {"JobId": "abc"})
    assert (out["_status"], out["Error"]["Code"]) == (404, "ResourceNotFoundException")
    out = call(gateway, Service.COMPREHEND_MEDICAL, protocol, "DetectPHI", {"Text": "hello"})
    assert (out["_status"], out["Error"]["Code"]) == (500, "InternalServerException")
    assert "exploded" not in out["Error"]["Message"]  # no internals leak to the caller
    out = call(gateway, Service.COMPREHEND_MEDICAL, protocol, "InferRxNorm", {"Text": "hello"})
    assert (out["_status"], out["Error"]["Code"]) == (501, "NotImplemented")


def test_runtime_iso_timestamps_and_rest_json_201() -> None:
    gateway, _ = make_gateway()
    arn = "arn:aws:bedrock:us-east-1:111122223333:data-automation-invocation/0000-1111"
    out = call(gateway, Service.BDA_RUNTIME, "json", "GetDataAutomationStatus", {"invocationArn": arn})
    assert out["status"] == "Success"
    assert out["jobSubmissionTime"] == SUBMITTED
    out = call(
        gateway,
        Service.BDA,
        "rest-json",
        "CreateBlueprint",
        {"blueprintName": "invoice-v1", "type": "DOCUMENT", "schema": "{}", "clientToken": "c" * 40},
    )
    assert out["_status"] == 201
    assert out["blueprint"]["blueprintArn"] == "arn:aws:bedrock:eu-west-1:111122223333:blueprint/0123456789ab"
    assert out["blueprint"]["creationTime"] == SUBMITTED


def test_wrong_secret_and_wrong_signing_service() -> None:
    gateway, _ = make_gateway()
    out = call(gateway, Service.COMPREHEND_MEDICAL, "json", "ListEntitiesDetectionV2Jobs", {}, secret="nope")
    assert (out["_status"], out["Error"]["Code"]) == (403, "InvalidSignatureException")
    # A request for Comprehend Medical signed for "bedrock" is refused.
    out = call(gateway, Service.COMPREHEND_MEDICAL, "json", "ListEntitiesDetectionV2Jobs", {}, signing_name="bedrock")
    assert (out["_status"], out["Error"]["Code"]) == (403, "InvalidSignatureException")
    assert "comprehendmedical" in out["Error"]["Message"]


def test_dispatcher_rejects_handlers_for_unknown_operations() -> None:
    class Bad:
        @operation("NoSuchOperation")
        def nope(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
            return {}

    with pytest.raises(ValueError, match="NoSuchOperation"):
        Dispatcher({Service.COMPREHEND_MEDICAL: Bad()})


def test_no_auth_uses_default_account_and_scope_region() -> None:
    gateway, cm = make_gateway(auth=False)
    call(gateway, Service.COMPREHEND_MEDICAL, "json", "ListEntitiesDetectionV2Jobs", {}, secret="anything")
    assert (cm.contexts[-1].account_id, cm.contexts[-1].region) == ("123456789012", "eu-west-1")
