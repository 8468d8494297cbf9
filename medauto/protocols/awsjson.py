"""awsJson1_1: ``POST /`` with ``X-Amz-Target``; Comprehend Medical and the BDA runtime."""

from __future__ import annotations

import json
from typing import Any

from botocore.model import OperationModel, ServiceModel

from medauto.protocols import shapes
from medauto.protocols.base import error_members
from medauto.protocols.errors import InvalidEncodingError, SerializationError, ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.specs import Protocol

CONTENT_TYPE = "application/x-amz-json-1.1"


def load_json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except UnicodeDecodeError:
        raise InvalidEncodingError("The request body is not valid UTF-8.") from None
    except ValueError:
        raise SerializationError("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise SerializationError("The request body must be a JSON object.")
    return value


def dump_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


class AwsJsonCodec:
    protocol = Protocol.JSON

    def parse_request(
        self, request: HttpRequest, operation: OperationModel, path_params: dict[str, str]
    ) -> dict[str, Any]:
        body = load_json_object(request.body)
        shape = operation.input_shape
        return shapes.decode(shape, body, shapes.JSON_EPOCH) if shape is not None else {}

    def serialize_response(self, operation: OperationModel, result: dict[str, Any]) -> HttpResponse:
        shape = operation.output_shape
        payload = shapes.encode(shape, result, shapes.JSON_EPOCH) if shape is not None else {}
        return HttpResponse(200, {"content-type": CONTENT_TYPE}, dump_json(payload))

    def serialize_error(self, service: ServiceModel | None, error: ServiceError) -> HttpResponse:
        body = {"__type": error.code, **_encode_error(service, error)}
        # botocore reads only __type; other SDKs read x-amzn-ErrorType first, so send both.
        headers = {"content-type": CONTENT_TYPE, "x-amzn-errortype": error.code}
        return HttpResponse(error.status, headers, dump_json(body))


def _encode_error(service: ServiceModel | None, error: ServiceError) -> dict[str, Any]:
    members = error_members(service, error)
    if service is not None and error.code in service.shape_names:
        return shapes.encode(service.shape_for(error.code), members, shapes.JSON_EPOCH)  # type: ignore[no-any-return]
    return members
