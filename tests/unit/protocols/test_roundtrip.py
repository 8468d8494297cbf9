"""Round trips through the wire codecs with botocore as the oracle.

Requests: random inputs -> botocore serializer -> HttpRequest (as an HTTP client sends it) -> ``resolve`` ->
codec ``parse_request`` -> must equal the input. Responses: random outputs -> codec ``serialize_response`` ->
botocore parser -> must equal the output. Errors: codec ``serialize_error`` -> botocore parser (the same two
steps ``botocore.endpoint.Endpoint`` runs) -> code, message, status and modeled fields survive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import cbor2
import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.routing import CODECS, Route, resolve
from medauto.protocols.specs import Protocol, Service, service_model
from tests.shapegen import normalise, random_structure, seeded

SPECS = [
    (Service.COMPREHEND_MEDICAL, Protocol.JSON),
    (Service.COMPREHEND_MEDICAL, Protocol.CBOR),
    (Service.BDA_RUNTIME, Protocol.JSON),
    (Service.BDA, Protocol.REST_JSON),
]
# Sample 0 sets every optional member, sample 1 only required ones, the rest about half of them.
OPTIONAL_RATES = (1.0, 0.0, 0.5, 0.5, 0.5, 0.5)
CONTENT_TYPES = {
    Protocol.JSON: "application/x-amz-json-1.1",
    Protocol.CBOR: "application/cbor",
    Protocol.REST_JSON: "application/json",
}
MESSAGE = "some message"
BLUEPRINT_ARN = "arn:aws:bedrock:us-east-1:123456789012:blueprint/abcdef012345"
LIBRARY_ARN = "arn:aws:bedrock:us-east-1:123456789012:data-automation-library/abcdef012345"

OPERATION_CASES = [
    pytest.param(service, protocol, name, id=f"{service}-{protocol}-{name}")
    for service, protocol in SPECS
    for name in service_model(service).operation_names
]
ERROR_CASES = [
    pytest.param(service, protocol, shape.name, id=f"{service}-{protocol}-{shape.name}")
    for service, protocol in SPECS
    for shape in service_model(service).error_shapes
]


# --- helpers -------------------------------------------------------------------------------------------------


def http_request(serialized: dict[str, Any]) -> HttpRequest:
    """What an HTTP client puts on the wire for botocore's request dict (url_path is already encoded)."""
    query = serialized["query_string"]
    if isinstance(query, dict):
        query = urlencode(query, doseq=True, quote_via=quote)
    body = serialized["body"]
    if isinstance(body, str):
        body = body.encode()
    headers = {name.lower(): str(value) for name, value in serialized["headers"].items()}
    return HttpRequest(serialized["method"], serialized["url_path"], query, headers, bytes(body))


def botocore_request(protocol: Protocol, operation: OperationModel, params: dict[str, Any]) -> HttpRequest:
    serializer = create_serializer(str(protocol), include_validation=False)
    return http_request(serializer.serialize_to_request(params, operation))


def parse_request(request: HttpRequest) -> tuple[Route, dict[str, Any]]:
    route = resolve(request)
    return route, CODECS[route.protocol].parse_request(request, route.operation, route.path_params)


def botocore_parse(protocol: Protocol, response: HttpResponse, shape: Any) -> dict[str, Any]:
    response_dict = {"status_code": response.status, "headers": response.headers, "body": response.body}
    parsed: dict[str, Any] = create_parser(str(protocol)).parse(response_dict, shape)
    return parsed


def botocore_parse_error(protocol: Protocol, model: ServiceModel, response: HttpResponse) -> dict[str, Any]:
    """``Endpoint._make_request`` + ``_add_modeled_error_fields``: generic error parse, then the modeled shape."""
    operation = model.operation_model(model.operation_names[0])
    parsed = botocore_parse(protocol, response, operation.output_shape)
    error_shape = model.shape_for_error_code(parsed["Error"]["Code"])
    if error_shape is not None:
        parsed.update(botocore_parse(protocol, response, error_shape))
    return parsed


def operation(service: Service, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


# --- 1. requests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "protocol", "name"), OPERATION_CASES)
def test_request_roundtrip(service: Service, protocol: Protocol, name: str) -> None:
    op = operation(service, name)
    for sample, rate in enumerate(OPTIONAL_RATES):
        rng = seeded("request", service, protocol, name, sample)
        params = random_structure(op.input_shape, rng, optional_rate=rate) if op.input_shape else {}
        request = botocore_request(protocol, op, params)

        route, parsed = parse_request(request)

        assert (route.service, route.protocol, route.operation.name) == (service, protocol, name)
        assert normalise(parsed) == normalise(params), f"sample {sample}: {request}"


# --- 2. responses --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "protocol", "name"), OPERATION_CASES)
def test_response_roundtrip(service: Service, protocol: Protocol, name: str) -> None:
    op = operation(service, name)
    for sample, rate in enumerate(OPTIONAL_RATES):
        rng = seeded("response", service, protocol, name, sample)
        output = random_structure(op.output_shape, rng, optional_rate=rate) if op.output_shape else {}

        response = CODECS[protocol].serialize_response(op, output)

        expected_status = op.http.get("responseCode", 200) if protocol is Protocol.REST_JSON else 200
        assert response.status == expected_status
        assert response.headers["content-type"] == CONTENT_TYPES[protocol]
        if protocol is Protocol.CBOR:
            assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
        parsed = botocore_parse(protocol, response, op.output_shape)
        parsed.pop("ResponseMetadata")
        assert normalise(parsed) == normalise(output), f"sample {sample}: {response.body!r}"


def test_create_operations_answer_201() -> None:
    model = service_model(Service.BDA)
    creates = [name for name in model.operation_names if name.startswith("Create")]
    assert creates
    for name in creates:
        assert CODECS[Protocol.REST_JSON].serialize_response(model.operation_model(name), {}).status == 201


# --- 3. errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "protocol", "code"), ERROR_CASES)
def test_error_roundtrip(service: Service, protocol: Protocol, code: str) -> None:
    model = service_model(service)
    shape = model.shape_for(code)
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    fields = {"fieldList": [{"name": "a", "message": "b"}]} if "fieldList" in shape.members else {}

    response = CODECS[protocol].serialize_error(model, ServiceError(code, MESSAGE, status, fields=fields))

    assert response.status == status
    assert response.headers["content-type"] == CONTENT_TYPES[protocol]
    parsed = botocore_parse_error(protocol, model, response)
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == MESSAGE
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status
    for key, value in fields.items():
        assert parsed[key] == value


def test_bda_validation_exception_surfaces_field_list() -> None:
    model = service_model(Service.BDA)
    error = ServiceError("ValidationException", MESSAGE, 400, fields={"fieldList": [{"name": "a", "message": "b"}]})
    parsed = botocore_parse_error(Protocol.REST_JSON, model, CODECS[Protocol.REST_JSON].serialize_error(model, error))
    assert parsed["fieldList"] == [{"name": "a", "message": "b"}]
    assert parsed["Error"] == {"Code": "ValidationException", "Message": MESSAGE}


@pytest.mark.parametrize(("service", "protocol"), [pytest.param(s, p, id=f"{s}-{p}") for s, p in SPECS])
@pytest.mark.parametrize(("code", "status"), [("SerializationException", 400), ("UnknownOperationException", 404)])
def test_unmodeled_error_roundtrip(service: Service, protocol: Protocol, code: str, status: int) -> None:
    model = service_model(service)
    response = CODECS[protocol].serialize_error(model, ServiceError(code, MESSAGE, status))
    parsed = botocore_parse_error(protocol, model, response)
    assert parsed["Error"] == {"Code": code, "Message": MESSAGE}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status


# --- 4. edge cases -------------------------------------------------------------------------------------------


def test_rest_arn_label_is_one_encoded_segment() -> None:
    op = operation(Service.BDA, "GetBlueprint")
    request = botocore_request(Protocol.REST_JSON, op, {"blueprintArn": BLUEPRINT_ARN, "blueprintStage": "LIVE"})
    assert request.path == "/blueprints/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ablueprint%2Fabcdef012345/"

    route, parsed = parse_request(request)

    assert route.operation.name == "GetBlueprint"
    assert route.path_params == {"blueprintArn": BLUEPRINT_ARN}
    assert parsed == {"blueprintArn": BLUEPRINT_ARN, "blueprintStage": "LIVE"}


def test_rest_delete_blueprint_with_query_version() -> None:
    op = operation(Service.BDA, "DeleteBlueprint")
    request = botocore_request(Protocol.REST_JSON, op, {"blueprintArn": BLUEPRINT_ARN, "blueprintVersion": "3"})
    assert (request.method, request.query_string) == ("DELETE", "blueprintVersion=3")

    route, parsed = parse_request(request)

    assert route.operation.name == "DeleteBlueprint"
    assert parsed == {"blueprintArn": BLUEPRINT_ARN, "blueprintVersion": "3"}


@pytest.mark.parametrize("entity_id", ["vocab-1", "a/b:c d+e%f"])
def test_rest_entity_labels(entity_id: str) -> None:
    get_params = {"libraryArn": LIBRARY_ARN, "entityType": "VOCABULARY", "entityId": entity_id}
    get_op = operation(Service.BDA, "GetDataAutomationLibraryEntity")
    request = botocore_request(Protocol.REST_JSON, get_op, get_params)
    assert request.path.endswith("/entityType/VOCABULARY/entities/" + quote(entity_id, safe="-_.~"))
    route, parsed = parse_request(request)
    assert route.operation.name == "GetDataAutomationLibraryEntity"
    assert parsed == get_params

    list_params: dict[str, Any] = {"libraryArn": LIBRARY_ARN, "entityType": "VOCABULARY", "maxResults": 5}
    list_op = operation(Service.BDA, "ListDataAutomationLibraryEntities")
    route, parsed = parse_request(botocore_request(Protocol.REST_JSON, list_op, list_params))
    assert route.operation.name == "ListDataAutomationLibraryEntities"
    assert parsed == list_params


@pytest.mark.parametrize(
    ("service", "protocol", "name", "body"),
    [
        (Service.COMPREHEND_MEDICAL, Protocol.JSON, "ListEntitiesDetectionV2Jobs", b"{}"),
        (Service.COMPREHEND_MEDICAL, Protocol.CBOR, "ListEntitiesDetectionV2Jobs", b"\xa0"),
        (Service.BDA_RUNTIME, Protocol.JSON, "ListTagsForResource", b"{}"),
        (Service.BDA, Protocol.REST_JSON, "ListBlueprints", b"{}"),
    ],
)
def test_empty_input_sends_empty_object(service: Service, protocol: Protocol, name: str, body: bytes) -> None:
    request = botocore_request(protocol, operation(service, name), {})
    assert request.body == body
    route, parsed = parse_request(request)
    assert route.operation.name == name
    assert parsed == {}


def _json_request(target: str, body: bytes) -> HttpRequest:
    headers = {"x-amz-target": target, "content-type": "application/x-amz-json-1.1"}
    return HttpRequest("POST", "/", "", headers, body)


@pytest.mark.parametrize(
    "target", ["ComprehendMedical_20181030.NoSuchOperation", "NoSuchService_20200101.DetectPHI", "DetectPHI"]
)
def test_unknown_target(target: str) -> None:
    with pytest.raises(ServiceError) as caught:
        resolve(_json_request(target, b"{}"))
    assert caught.value.code == "UnknownOperationException"


def _assert_serialization_error(request: HttpRequest) -> None:
    route = resolve(request)
    with pytest.raises(ServiceError) as caught:
        CODECS[route.protocol].parse_request(request, route.operation, route.path_params)
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


@pytest.mark.parametrize("body", [b'{"Text": ', b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_malformed_json_body(body: bytes) -> None:
    _assert_serialization_error(_json_request("ComprehendMedical_20181030.DetectEntitiesV2", body))


@pytest.mark.parametrize("body", [b"{", b'{"maxResults": 5'])
def test_malformed_rest_json_body(body: bytes) -> None:
    _assert_serialization_error(HttpRequest("POST", "/blueprints/", "", {"content-type": "application/json"}, body))


@pytest.mark.parametrize(
    "body",
    [
        b"\xa1\x64Text",  # map whose value is missing
        b"\xff",  # lone break
        b"\x1c",  # reserved additional info
        cbor2.dumps(["Text", "aspirin"]),  # not a map
        cbor2.dumps({"Text": "aspirin"}) + b"\x00",  # trailing data
    ],
)
def test_malformed_cbor_body(body: bytes) -> None:
    headers = {"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"}
    path = "/service/ComprehendMedical_20181030/operation/DetectEntitiesV2"
    _assert_serialization_error(HttpRequest("POST", path, "", headers, body))


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("DetectEntitiesV2", b'{"Text": 5}'),
        ("ListEntitiesDetectionV2Jobs", b'{"MaxResults": "5"}'),
        ("ListEntitiesDetectionV2Jobs", b'{"MaxResults": true}'),
        ("ListEntitiesDetectionV2Jobs", b'{"Filter": "COMPLETED"}'),
        ("ListEntitiesDetectionV2Jobs", b'{"Filter": {"SubmitTimeAfter": "yesterday"}}'),
    ],
)
def test_json_member_of_wrong_type(name: str, body: bytes) -> None:
    _assert_serialization_error(_json_request(f"ComprehendMedical_20181030.{name}", body))


@pytest.mark.parametrize(
    "value", ["2024-01-02T03:04:05.678Z", "2024-01-02T03:04:05.678+00:00", "2024-01-02T04:04:05.678+01:00"]
)
def test_json_accepts_iso_timestamps(value: str) -> None:
    body = b'{"Filter": {"SubmitTimeAfter": "%s"}}' % value.encode()
    _, parsed = parse_request(_json_request("ComprehendMedical_20181030.ListEntitiesDetectionV2Jobs", body))
    expected = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert normalise(parsed) == normalise({"Filter": {"SubmitTimeAfter": expected}})


# --- 5. hostile input must be a SerializationException (400), never an unhandled error (500) -------------------


@pytest.mark.parametrize("raw", [b"1e20", b"-1e15", b"1e400", b"NaN", b"Infinity", b'"1e20"', b'"inf"'])
def test_json_out_of_range_timestamp(raw: bytes) -> None:
    body = b'{"Filter": {"SubmitTimeAfter": %s}}' % raw
    _assert_serialization_error(_json_request("ComprehendMedical_20181030.ListEntitiesDetectionV2Jobs", body))


@pytest.mark.parametrize("value", [10**20, float("nan"), float("inf")], ids=["huge", "nan", "inf"])
def test_cbor_out_of_range_timestamp(value: float) -> None:
    headers = {"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"}
    path = "/service/ComprehendMedical_20181030/operation/ListEntitiesDetectionV2Jobs"
    body = cbor2.dumps({"Filter": {"SubmitTimeAfter": value}})
    _assert_serialization_error(HttpRequest("POST", path, "", headers, body))


def test_json_rejects_lone_surrogates() -> None:
    # json.loads turns the escape into an unpaired surrogate: not Unicode, so any later response that echoes it
    # (JobName in Describe*/List*) fails to encode as UTF-8.
    _assert_serialization_error(_json_request("ComprehendMedical_20181030.DetectEntitiesV2", b'{"Text": "\\ud800"}'))
    body = b'{"blueprintName": "\\udc00", "type": "DOCUMENT", "schema": "{}"}'
    _assert_serialization_error(HttpRequest("PUT", "/blueprints/", "", {"content-type": "application/json"}, body))


def test_json_accepts_escaped_surrogate_pairs() -> None:
    request = _json_request("ComprehendMedical_20181030.DetectEntitiesV2", b'{"Text": "\\ud83d\\ude42 ok"}')
    _, parsed = parse_request(request)
    assert parsed == {"Text": "\U0001f642 ok"}
