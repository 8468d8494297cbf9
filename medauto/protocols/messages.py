"""Framework-free HTTP messages passed between the ASGI adapter, the gateway and the codecs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request as received.

    ``path`` is the raw, still percent-encoded path (restJson ARNs arrive as one encoded segment, and SigV4
    signs the encoded form); ``query_string`` is the raw query without ``?``. Header names are lower case.
    """

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass(slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
