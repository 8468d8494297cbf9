"""Per-request state handed to providers, and the marker that binds a method to a modeled operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from medauto.protocols.messages import HttpRequest
from medauto.protocols.specs import Protocol, Service


@dataclass(frozen=True, slots=True)
class RequestContext:
    request: HttpRequest
    request_id: str
    service: Service
    protocol: Protocol
    operation: str
    account_id: str
    region: str
    access_key: str | None = None

    def arn(self, resource: str, service_namespace: str = "bedrock") -> str:
        """An ARN in the caller's account and region, e.g. ``arn("blueprint/abc")``."""
        return f"arn:aws:{service_namespace}:{self.region}:{self.account_id}:{resource}"


F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__medauto_operation__"


def operation(name: str) -> Callable[[F], F]:
    """Mark a provider method as the handler of the modeled operation ``name``."""

    def mark(func: F) -> F:
        setattr(func, _MARK, name)
        return func

    return mark


def operation_name(member: object) -> str | None:
    return getattr(member, _MARK, None)
