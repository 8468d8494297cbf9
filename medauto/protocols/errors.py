"""Errors that travel on the wire in a service's own envelope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ServiceError(Exception):
    """A modeled (or AWS-common) error: serialized by the request's protocol codec.

    ``fields`` holds extra members of the error shape (e.g. BDA ``fieldList``), keyed by model member name.
    """

    code: str
    message: str
    status: int = 400
    sender_fault: bool = True
    fields: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, f"{self.code}: {self.message}")


class SerializationError(ServiceError):
    """The body could not be decoded, or a member had the wrong wire type."""

    def __init__(self, message: str) -> None:
        super().__init__("SerializationException", message, 400)


class InvalidEncodingError(SerializationError):
    """Text that is not valid UTF-8 (or holds lone surrogates); some services model their own code for it."""


class UnknownOperationError(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__("UnknownOperationException", message, 400)


def not_implemented(service: str, operation: str) -> ServiceError:
    # AWS's common "NotImplemented" code (HTTP 501): parsed by every SDK, never retried by botocore.
    return ServiceError(
        "NotImplemented",
        f"medauto does not implement {service}:{operation} yet.",
        501,
        sender_fault=False,
    )


def internal_error(message: str = "An internal error occurred.") -> ServiceError:
    return ServiceError("InternalServerException", message, 500, sender_fault=False)
