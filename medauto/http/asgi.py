"""A bare ASGI adapter: ASGI scope/events <-> HttpRequest/HttpResponse.

No web framework: the gateway does the routing, and a thin adapter keeps the hot path short. Handlers run in a
bounded thread pool because engines do blocking, CPU-heavy work.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from medauto.http.admin import AdminRoutes
from medauto.protocols.messages import HttpRequest, HttpResponse

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Handler = Callable[[HttpRequest], HttpResponse]
TooLarge = Callable[[HttpRequest, int], HttpResponse]

log = logging.getLogger("medauto.http")


class AsgiApp:
    def __init__(
        self,
        handler: Handler,
        admin: AdminRoutes,
        too_large: TooLarge,
        max_body_bytes: int,
        worker_threads: int,
        on_startup: Callable[[], None] | None = None,
        on_shutdown: Callable[[], None] | None = None,
    ) -> None:
        self._handler = handler
        self._admin = admin
        self._too_large = too_large
        self._max_body = max_body_bytes
        self._pool = ThreadPoolExecutor(worker_threads, thread_name_prefix="medauto-req")
        self._on_startup = on_startup
        self._on_shutdown = on_shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._on_startup:
                    self._on_startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._on_shutdown:
                    self._on_shutdown()
                self._pool.shutdown(wait=True, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", ()):
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope.get("path", "/"))
        request = HttpRequest(
            method=scope["method"],
            path=path.split("?", 1)[0],
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            await _respond(send, self._too_large(request, self._max_body))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                await _respond(send, self._too_large(request, self._max_body))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        request = HttpRequest(request.method, request.path, request.query_string, headers, b"".join(chunks))
        if self._admin.handles(request.path):
            response = self._admin.handle(request)
        else:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self._pool, self._handler, request)
        await _respond(send, response)


async def _respond(send: Send, response: HttpResponse) -> None:
    # Every answer carries a request id, also the admin routes and the early 413.
    response.headers.setdefault("x-amzn-requestid", str(uuid.uuid4()))
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
