"""The codec interface every wire protocol implements, and helpers they share."""

from __future__ import annotations

from typing import Any, Protocol

from botocore.model import OperationModel, ServiceModel

from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.specs import Protocol as WireProtocol


class Codec(Protocol):
    protocol: WireProtocol

    def parse_request(
        self, request: HttpRequest, operation: OperationModel, path_params: dict[str, str]
    ) -> dict[str, Any]:
        """Decode the request into boto3-style parameters (raises SerializationError)."""
        ...

    def serialize_response(self, operation: OperationModel, result: dict[str, Any]) -> HttpResponse: ...

    def serialize_error(self, service: ServiceModel | None, error: ServiceError) -> HttpResponse: ...


def error_members(service: ServiceModel | None, error: ServiceError) -> dict[str, Any]:
    """The error's message and extra fields, keyed as the modeled error shape spells them."""
    message_key = "message"
    members: dict[str, Any] = {}
    if service is not None and error.code in service.shape_names:
        shape = service.shape_for(error.code)
        names = getattr(shape, "members", {})
        if "Message" in names and "message" not in names:
            message_key = "Message"
        members.update({k: v for k, v in error.fields.items() if k in names})
    else:
        members.update(error.fields)
    members[message_key] = error.message
    return members
