"""One JSON answer from any OpenAI-compatible ``/chat/completions`` endpoint (llama.cpp server, vLLM, Ollama, a
hosted API), asked for with a JSON-schema ``response_format``. Standard library only; shared by the LLM engines.

Configured by environment: ``MEDAUTO_LLM_BASE_URL`` (e.g. ``http://127.0.0.1:8080/v1``), ``MEDAUTO_LLM_MODEL``,
optional ``MEDAUTO_LLM_API_KEY`` and ``MEDAUTO_LLM_TIMEOUT`` (seconds).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol


class LlmError(RuntimeError):
    """The endpoint failed or answered something that is not the requested JSON."""


class JsonCompleter(Protocol):
    """A chat model that answers one JSON object following a schema: a remote endpoint or a local model."""

    def complete_json(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any],
                      max_tokens: int | None = None) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ChatEndpoint:
    base_url: str
    model: str = "default"
    api_key: str = ""
    timeout: float = 120.0

    @classmethod
    def from_env(cls, engine: str, default_timeout: float = 120.0) -> ChatEndpoint:
        """The endpoint named by ``MEDAUTO_LLM_*``; ``engine`` names who needs it in the error."""
        base_url = os.environ.get("MEDAUTO_LLM_BASE_URL", "")
        if not base_url:
            raise LlmError(f"{engine} needs MEDAUTO_LLM_BASE_URL (an OpenAI-compatible /v1 endpoint)")
        return cls(
            base_url.rstrip("/"),
            os.environ.get("MEDAUTO_LLM_MODEL", "default"),
            os.environ.get("MEDAUTO_LLM_API_KEY", ""),
            float(os.environ.get("MEDAUTO_LLM_TIMEOUT", str(default_timeout))),
        )

    def complete_json(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any],
                      max_tokens: int | None = None) -> dict[str, Any]:
        """The model's reply parsed as a JSON object that should follow ``schema`` (temperature 0)."""
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": 0,
            "messages": messages,
            "response_format": {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}},
        }
        if max_tokens:
            body["max_tokens"] = max_tokens
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = f"{self.base_url.rstrip('/')}/chat/completions"
        request = urllib.request.Request(url, json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise LlmError(f"LLM endpoint answered HTTP {exc.code}: {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, json.JSONDecodeError) as exc:
            raise LlmError(f"LLM endpoint failed: {exc}") from exc
        try:
            content = reply["choices"][0]["message"]["content"]
            answer = json.loads(content)
        except (KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
            raise LlmError(f"LLM reply is not the requested JSON: {str(reply)[:300]}") from exc
        if not isinstance(answer, dict):
            raise LlmError("LLM reply is not a JSON object")
        return answer
