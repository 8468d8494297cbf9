"""Request -> (service, protocol, operation): one endpoint serves all three APIs.

Order (see the API reference): an ``X-Amz-Target`` names a JSON service; ``/service/<prefix>/operation/<Op>`` is
RPC v2 CBOR; anything else is matched against the BDA control plane's REST routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from botocore.model import OperationModel

from medauto.protocols.awsjson import AwsJsonCodec
from medauto.protocols.base import Codec
from medauto.protocols.errors import ServiceError, UnknownOperationError
from medauto.protocols.messages import HttpRequest
from medauto.protocols.restjson import RestJsonCodec, RestRouter
from medauto.protocols.rpcv2cbor import RpcV2CborCodec
from medauto.protocols.specs import SERVICE_INFO, Protocol, Service, service_model

_CBOR_PREFIX = "/service/"

CODECS: dict[Protocol, Codec] = {
    Protocol.JSON: AwsJsonCodec(),
    Protocol.CBOR: RpcV2CborCodec(),
    Protocol.REST_JSON: RestJsonCodec(),
}

_BY_TARGET_PREFIX = {info.target_prefix: svc for svc, info in SERVICE_INFO.items() if info.target_prefix}


@dataclass(frozen=True)
class Route:
    service: Service
    protocol: Protocol
    operation: OperationModel
    path_params: dict[str, str] = field(default_factory=dict)


@cache
def _rest_router(service: Service) -> RestRouter:
    return RestRouter(service_model(service))


def guess_protocol(request: HttpRequest) -> tuple[Service | None, Protocol]:
    """Best guess used to shape an error when full resolution fails."""
    target = request.header("x-amz-target")
    if target:
        return _BY_TARGET_PREFIX.get(target.split(".", 1)[0]), Protocol.JSON
    if request.path.startswith(_CBOR_PREFIX) or request.header("smithy-protocol"):
        return Service.COMPREHEND_MEDICAL, Protocol.CBOR
    return Service.BDA, Protocol.REST_JSON


def _operation(service: Service, name: str) -> OperationModel:
    model = service_model(service)
    if name not in model.operation_names:
        raise UnknownOperationError(f"Operation {name} is not part of {model.service_name}.")
    return model.operation_model(name)


def resolve(request: HttpRequest) -> Route:
    target = request.header("x-amz-target")
    if target:
        prefix, _, op_name = target.partition(".")
        service = _BY_TARGET_PREFIX.get(prefix)
        if service is None or Protocol.JSON not in SERVICE_INFO[service].protocols:
            raise UnknownOperationError(f"Unknown target {target!r}.")
        return Route(service, Protocol.JSON, _operation(service, op_name))

    if request.path.startswith(_CBOR_PREFIX):
        parts = request.path[len(_CBOR_PREFIX) :].split("/")
        if len(parts) != 3 or parts[1] != "operation":
            raise UnknownOperationError(f"Malformed RPC v2 path {request.path!r}.")
        service = _BY_TARGET_PREFIX.get(parts[0])
        if service is None or Protocol.CBOR not in SERVICE_INFO[service].protocols:
            raise UnknownOperationError(f"Unknown RPC v2 service {parts[0]!r}.")
        return Route(service, Protocol.CBOR, _operation(service, parts[2]))

    found = _rest_router(Service.BDA).match(request.method, request.path)
    if found is None:
        raise ServiceError("UnknownOperationException", f"No operation matches {request.method} {request.path}", 404)
    op_name, path_params = found
    return Route(Service.BDA, Protocol.REST_JSON, _operation(Service.BDA, op_name), path_params)
