"""Smithy RPC v2 CBOR: ``POST /service/<prefix>/operation/<Op>``; Comprehend Medical's first-listed protocol."""

from __future__ import annotations

import io
from typing import Any

import cbor2
from botocore.model import OperationModel, ServiceModel

from medauto.protocols import shapes
from medauto.protocols.base import error_members
from medauto.protocols.errors import SerializationError, ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.specs import Protocol

CONTENT_TYPE = "application/cbor"
_HEADERS = {"content-type": CONTENT_TYPE, "smithy-protocol": "rpc-v2-cbor"}


def _load(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    stream = io.BytesIO(body)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception:  # cbor2 raises several decoder error types
        raise SerializationError("The request body is not valid CBOR.") from None
    if stream.tell() != len(body):
        raise SerializationError("The request body has bytes after its CBOR item.")
    if not isinstance(value, dict):
        raise SerializationError("The request body must be a CBOR map.")
    return value


class RpcV2CborCodec:
    protocol = Protocol.CBOR

    def parse_request(
        self, request: HttpRequest, operation: OperationModel, path_params: dict[str, str]
    ) -> dict[str, Any]:
        body = _load(request.body)
        shape = operation.input_shape
        return shapes.decode(shape, body, shapes.CBOR) if shape is not None else {}

    def serialize_response(self, operation: OperationModel, result: dict[str, Any]) -> HttpResponse:
        shape = operation.output_shape
        payload = shapes.encode(shape, result, shapes.CBOR) if shape is not None else {}
        return HttpResponse(200, dict(_HEADERS), cbor2.dumps(payload))

    def serialize_error(self, service: ServiceModel | None, error: ServiceError) -> HttpResponse:
        members = error_members(service, error)
        if service is not None and error.code in service.shape_names:
            members = shapes.encode(service.shape_for(error.code), members, shapes.CBOR)
        namespace = f"com.amazonaws.{service.signing_name}" if service is not None else "com.amazonaws"
        body = {"__type": f"{namespace}#{error.code}", **members}
        headers = {**_HEADERS, "x-amzn-errortype": error.code}
        return HttpResponse(error.status, headers, cbor2.dumps(body))
