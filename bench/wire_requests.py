"""Wire benchmark scenarios and their requests: one trivial operation per protocol, serialized and SigV4-signed
once with botocore (the same serializers and signer the SDKs use), kept as the exact bytes to replay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

REGION = "us-east-1"
ACCESS_KEY = "test"
SECRET_KEY = "test"
INVOCATION_ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/00000000-0000-0000-0000-000000000000"
)


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str  # botocore service name
    protocol: str  # botocore serializer name
    operation: str
    params: dict[str, Any]
    signing_name: str
    description: str


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "cm-json",
            "comprehendmedical",
            "json",
            "ListEntitiesDetectionV2Jobs",
            {},
            "comprehendmedical",
            "Comprehend Medical, awsJson1_1 (X-Amz-Target)",
        ),
        Scenario(
            "cm-cbor",
            "comprehendmedical",
            "smithy-rpc-v2-cbor",
            "ListEntitiesDetectionV2Jobs",
            {},
            "comprehendmedical",
            "Comprehend Medical, Smithy RPC v2 CBOR (/service/.../operation/...)",
        ),
        Scenario(
            "bda-runtime-json",
            "bedrock-data-automation-runtime",
            "json",
            "GetDataAutomationStatus",
            {"invocationArn": INVOCATION_ARN},
            "bedrock",
            "BDA runtime, awsJson1_1 (X-Amz-Target)",
        ),
        Scenario(
            "bda-rest-json",
            "bedrock-data-automation",
            "rest-json",
            "ListBlueprints",
            {},
            "bedrock",
            "BDA control plane, restJson1 (POST /blueprints/)",
        ),
    )
}


@dataclass(frozen=True)
class WireRequest:
    method: str
    path: str
    raw: bytes  # request line + headers + body, exactly as sent


def build_request(scenario: Scenario, base_url: str, sign: bool) -> WireRequest:
    """Serialize ``scenario`` with botocore, sign it with SigV4 (unless ``sign`` is false) and return its bytes."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import create_request_object, prepare_request_dict
    from botocore.credentials import Credentials
    from botocore.serialize import create_serializer

    model = botocore.session.get_session().get_service_model(scenario.service)
    operation = model.operation_model(scenario.operation)
    request_dict = create_serializer(scenario.protocol, include_validation=True).serialize_to_request(
        dict(scenario.params), operation
    )
    prepare_request_dict(request_dict, endpoint_url=base_url)
    request = create_request_object(request_dict)
    split = urlsplit(request.url)
    # Sign the Host header we will actually send (SigV4 canonicalizes it otherwise from the URL).
    request.headers["Host"] = split.netloc
    if sign:
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), scenario.signing_name, REGION).add_auth(request)
    prepared = request.prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        raise TypeError(f"{scenario.name}: unexpected body type {type(body).__name__}")
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    headers: dict[str, str] = {k: str(v) for k, v in prepared.headers.items()}
    lower = {k.lower() for k in headers}
    if "content-length" not in lower:
        headers["Content-Length"] = str(len(body))
    if "user-agent" not in lower:
        headers["User-Agent"] = "medauto-bench-wire/1"
    head = f"{prepared.method} {target} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return WireRequest(prepared.method, target, head.encode("latin-1") + body)
