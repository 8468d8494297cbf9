"""Registration of the extraction engines under their versioned names (imported lazily, no model loads)."""

from __future__ import annotations

from functools import cache

# No model: measured on SROIE, and the bundled 135M model did not beat it on any field (README). Others:
# extraction.llm.v1 (an OpenAI-compatible endpoint), extraction.hybrid.v1 and extraction.llm.local.v1 (bundled model).
DEFAULT_ENGINE = "extraction.rules.v1"


@cache
def ensure_registered() -> None:
    from medauto.engines.extraction import hybrid, llm, rules  # noqa: F401  (self-registering)
