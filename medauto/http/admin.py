"""Reserved ``/_medauto/`` routes: health and service overview. Never signed, never AWS-shaped."""

from __future__ import annotations

import json
from collections.abc import Callable

from medauto import __version__
from medauto.protocols.messages import HttpRequest, HttpResponse

PREFIX = "/_medauto/"


class AdminRoutes:
    def __init__(self, describe_services: Callable[[], dict[str, object]]) -> None:
        self._describe_services = describe_services

    def handles(self, path: str) -> bool:
        return path.startswith(PREFIX)

    def handle(self, request: HttpRequest) -> HttpResponse:
        name = request.path[len(PREFIX) :].rstrip("/")
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"error": "method not allowed"})
        if name == "health":
            return _json(200, {"status": "ok", "version": __version__})
        if name == "services":
            return _json(200, self._describe_services())
        return _json(404, {"error": f"no admin route {request.path}"})


def _json(status: int, payload: object) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(payload).encode())
