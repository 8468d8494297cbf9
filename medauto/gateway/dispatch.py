"""(service, operation) -> provider method, built from ``@operation`` markers at startup."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from medauto.protocols.errors import not_implemented
from medauto.protocols.specs import Service, service_model
from medauto.services.context import RequestContext, operation_name

Handler = Callable[[RequestContext, dict[str, Any]], dict[str, Any]]


class Dispatcher:
    def __init__(self, providers: Mapping[Service, object]) -> None:
        self._table: dict[tuple[Service, str], Handler] = {}
        for service, provider in providers.items():
            known = set(service_model(service).operation_names)
            for attr in dir(type(provider)):
                name = operation_name(getattr(type(provider), attr))
                if name is None:
                    continue
                if name not in known:
                    raise ValueError(f"{type(provider).__name__}.{attr} handles unknown operation {service}:{name}")
                self._table[(service, name)] = getattr(provider, attr)

    def implemented(self, service: Service) -> list[str]:
        return sorted(op for svc, op in self._table if svc == service)

    def dispatch(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        handler = self._table.get((context.service, context.operation))
        if handler is None:
            raise not_implemented(str(context.service), context.operation)
        return handler(context, params)
