"""Registration of the extraction engines under their versioned names (imported lazily, no model loads)."""

from __future__ import annotations

from functools import cache

DEFAULT_ENGINE = "extraction.rules.v1"  # "extraction.llm.v1" uses an OpenAI-compatible endpoint (see llm.py)


@cache
def ensure_registered() -> None:
    from medauto.engines.extraction import llm, rules  # noqa: F401  (self-registering)
