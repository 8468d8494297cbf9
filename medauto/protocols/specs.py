"""Service models loaded from botocore's own data files (never hand-copied shapes)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from botocore.loaders import Loader
from botocore.model import ServiceModel


class Service(StrEnum):
    COMPREHEND_MEDICAL = "comprehendmedical"
    BDA_RUNTIME = "bedrock-data-automation-runtime"
    BDA = "bedrock-data-automation"


class Protocol(StrEnum):
    JSON = "json"
    CBOR = "smithy-rpc-v2-cbor"
    REST_JSON = "rest-json"


@dataclass(frozen=True)
class ServiceInfo:
    service: Service
    signing_name: str
    target_prefix: str | None
    protocols: tuple[Protocol, ...]
    # The modeled error that carries a failed constraint check for this service.
    validation_error: str
    # The modeled error for text that is not valid UTF-8, where the service has one.
    encoding_error: str | None = None


SERVICE_INFO: dict[Service, ServiceInfo] = {
    Service.COMPREHEND_MEDICAL: ServiceInfo(
        Service.COMPREHEND_MEDICAL,
        "comprehendmedical",
        "ComprehendMedical_20181030",
        (Protocol.JSON, Protocol.CBOR),
        "InvalidRequestException",
        "InvalidEncodingException",
    ),
    Service.BDA_RUNTIME: ServiceInfo(
        Service.BDA_RUNTIME, "bedrock", "AmazonBedrockKeystoneRuntimeService", (Protocol.JSON,), "ValidationException"
    ),
    Service.BDA: ServiceInfo(Service.BDA, "bedrock", None, (Protocol.REST_JSON,), "ValidationException"),
}


@cache
def _loader() -> Loader:
    return Loader()


@cache
def service_model(service: Service | str) -> ServiceModel:
    name = str(service)
    data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)
