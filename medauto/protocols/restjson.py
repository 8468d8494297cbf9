"""restJson1: HTTP method + URI template per operation; the BDA control plane.

Path labels are matched on the raw path and unquoted afterwards: ARNs arrive percent-encoded as ONE segment
(``%2F`` inside), so decoding before matching would split them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from medauto.protocols import shapes
from medauto.protocols.awsjson import dump_json, load_json_object
from medauto.protocols.base import error_members
from medauto.protocols.errors import SerializationError, ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.specs import Protocol

CONTENT_TYPE = "application/json"
_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    literal_chars: int
    operation: str


class RestRouter:
    """Matches ``(method, raw path)`` to an operation of one restJson service."""

    def __init__(self, service: ServiceModel) -> None:
        routes = [self._compile(service.operation_model(name)) for name in service.operation_names]
        # Most literal characters first, so `/blueprints/{arn}/versions/` wins over `/blueprints/{arn}/`.
        self._routes = sorted(routes, key=lambda r: -r.literal_chars)
        self._service = service

    @staticmethod
    def _compile(op: OperationModel) -> _Route:
        uri = op.http["requestUri"].split("?", 1)[0]
        labels: list[str] = []
        regex = ""
        pos = 0
        for match in _LABEL.finditer(uri):
            regex += re.escape(uri[pos : match.start()])
            label = match.group(1)
            greedy = label.endswith("+")
            labels.append(label.rstrip("+"))
            regex += "(.+)" if greedy else "([^/]+)"
            pos = match.end()
        regex += re.escape(uri[pos:])
        # Tolerate a missing or extra trailing slash: hand-written clients drop it.
        regex = regex.rstrip("/") + "/?"
        literal = len(_LABEL.sub("", uri))
        return _Route(op.http["method"].upper(), re.compile(regex + r"\Z"), tuple(labels), literal, op.name)

    def match(self, method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
        path_matched = False
        for route in self._routes:
            found = route.pattern.match(raw_path)
            if found is None:
                continue
            path_matched = True
            if route.method != method.upper():
                continue
            return route.operation, {
                name: unquote(value) for name, value in zip(route.labels, found.groups(), strict=True)
            }
        if path_matched:
            raise ServiceError("UnknownOperationException", f"Method {method} is not allowed on {raw_path}", 405)
        return None


def _decode_text(shape: Shape, text: str, where: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        raise SerializationError(f"Invalid number {text!r} in {where}") from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise SerializationError(f"Invalid boolean {text!r} in {where}")
        return text == "true"
    if kind == "timestamp":
        return shapes.parse_timestamp(text)
    return text


class RestJsonCodec:
    protocol = Protocol.REST_JSON

    def parse_request(
        self, request: HttpRequest, operation: OperationModel, path_params: dict[str, str]
    ) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        assert isinstance(shape, StructureShape)
        payload_name = shape.serialization.get("payload")
        params: dict[str, Any] = {}
        if payload_name:
            member = shape.members[payload_name]
            if member.type_name in ("blob", "string"):
                params[payload_name] = request.body if member.type_name == "blob" else request.body.decode()
            elif request.body:
                params[payload_name] = shapes.decode(member, load_json_object(request.body), shapes.JSON_ISO)
        else:
            params.update(shapes.decode(shape, load_json_object(request.body), shapes.JSON_ISO))
        query = parse_qs(request.query_string, keep_blank_values=True) if request.query_string else {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            key = member.serialization.get("name", name)
            if location == "uri" and key in path_params:
                params[name] = _decode_text(member, path_params[key], "the path")
            elif location == "querystring" and key in query:
                values = query[key]
                if member.type_name == "list":
                    params[name] = [_decode_text(member.member, v, "the query") for v in values]
                else:
                    params[name] = _decode_text(member, values[-1], "the query")
            elif location == "header" and key.lower() in request.headers:
                params[name] = _decode_text(member, request.headers[key.lower()], "a header")
        return params

    def serialize_response(self, operation: OperationModel, result: dict[str, Any]) -> HttpResponse:
        status = int(operation.http.get("responseCode", 200))
        headers = {"content-type": CONTENT_TYPE}
        shape = operation.output_shape
        payload: Any = {}
        if shape is not None:
            assert isinstance(shape, StructureShape)
            for name, member in shape.members.items():
                location = member.serialization.get("location")
                if location == "header" and result.get(name) is not None:
                    headers[member.serialization.get("name", name).lower()] = str(result[name])
                elif location == "statusCode" and result.get(name) is not None:
                    status = int(result[name])
            payload_name = shape.serialization.get("payload")
            if payload_name:
                value = result.get(payload_name)
                payload = shapes.encode(shape.members[payload_name], value, shapes.JSON_ISO) if value else {}
            else:
                payload = shapes.encode(shape, result, shapes.JSON_ISO)
        return HttpResponse(status, headers, dump_json(payload))

    def serialize_error(self, service: ServiceModel | None, error: ServiceError) -> HttpResponse:
        members = error_members(service, error)
        if service is not None and error.code in service.shape_names:
            members = shapes.encode(service.shape_for(error.code), members, shapes.JSON_ISO)
        headers = {"content-type": CONTENT_TYPE, "x-amzn-errortype": error.code}
        return HttpResponse(error.status, headers, dump_json(members))
