"""``text.ner.llm.v1``: medical entities named by any OpenAI-compatible chat endpoint, placed back in the text.

The model is asked (JSON-schema ``response_format``) for the mentions it sees and their Comprehend Medical type;
it returns strings, not offsets, because language models count characters badly. Each mention is then found in
the input: every whole-word occurrence, the exact spelling first, else ignoring case, with any run of white space
matching any other. A mention that is not in the text is dropped, so a span always satisfies
``text[begin:end] == span.text`` (code points). A failing or slow endpoint is logged and yields no spans: the
other stages of the profile still answer.

Configured by environment as every LLM engine is (see ``medauto.engines.openai_chat``); ``MEDAUTO_LLM_TIMEOUT``
defaults to 30 seconds here, since a request waits for it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from medauto.engines import registry
from medauto.engines.openai_chat import ChatEndpoint, LlmError
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Category, Span

log = logging.getLogger("medauto.text")

SOURCE = "llm"
NAME = "text.ner.llm.v1"
# Entity types the model may answer with (attributes such as dosage are left to the rules), and their category.
ENTITY_TYPES: dict[str, Category] = {
    "DX_NAME": Category.MEDICAL_CONDITION,
    "GENERIC_NAME": Category.MEDICATION,
    "BRAND_NAME": Category.MEDICATION,
    "TEST_NAME": Category.TEST_TREATMENT_PROCEDURE,
    "PROCEDURE_NAME": Category.TEST_TREATMENT_PROCEDURE,
    "TREATMENT_NAME": Category.TEST_TREATMENT_PROCEDURE,
    "SYSTEM_ORGAN_SITE": Category.ANATOMY,
}
# The score of a located mention before calibration: the endpoint gives no probability of its own.
LLM_SCORE = 0.8
_PROMPT = (
    "You find medical entities in clinical text. List every mention of a condition, sign or symptom (DX_NAME), "
    "a generic or brand drug name (GENERIC_NAME, BRAND_NAME), a test, procedure or treatment (TEST_NAME, "
    "PROCEDURE_NAME, TREATMENT_NAME) and a body site (SYSTEM_ORGAN_SITE). Copy each mention exactly as written in "
    "the text; list a mention once even if it occurs several times. Do not list doses, dates or names of people."
)


def response_schema() -> dict[str, Any]:
    mention = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "type"],
        "properties": {"text": {"type": "string"}, "type": {"type": "string", "enum": list(ENTITY_TYPES)}},
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["entities"],
        "properties": {"entities": {"type": "array", "items": mention}},
    }


def mention_pattern(mention: str, ignore_case: bool = False) -> re.Pattern[str] | None:
    """Whole-word occurrences of ``mention``; any white space inside it matches any run of white space."""
    parts = mention.split()
    if not parts:
        return None
    body = r"\s+".join(re.escape(part) for part in parts)
    # A word character at an edge of the mention must not continue into the text around it.
    left = r"(?<!\w)" if re.match(r"\w", parts[0]) else ""
    right = r"(?!\w)" if re.search(r"\w$", parts[-1]) else ""
    return re.compile(left + body + right, re.IGNORECASE if ignore_case else 0)


def locate(text: str, mention: str) -> list[tuple[int, int]]:
    """Every ``(begin, end)`` of ``mention`` in ``text``: exact spelling, or ignoring case when it has none."""
    for ignore_case in (False, True):
        pattern = mention_pattern(mention, ignore_case)
        if pattern is None:
            return []
        found = [(m.start(), m.end()) for m in pattern.finditer(text)]
        if found:
            return found
    return []


def spans_for(text: str, mentions: Iterable[Any], score: float = LLM_SCORE) -> list[Span]:
    """Spans for the model's mentions (``{"text", "type"}`` objects); unknown types and absent text are dropped."""
    seen: set[tuple[int, int, str]] = set()
    spans: list[Span] = []
    for item in mentions:
        if not isinstance(item, dict):
            continue
        label, words = item.get("type"), item.get("text")
        if label not in ENTITY_TYPES or not isinstance(words, str):
            continue
        for begin, end in locate(text, words):
            if (begin, end, label) not in seen:
                seen.add((begin, end, label))
                spans.append(Span(begin, end, text[begin:end], label, ENTITY_TYPES[label], score, SOURCE))
    return sorted(spans, key=lambda s: (s.begin, s.end, s.label))


class LlmEntityRecognizer:
    """``find(doc)`` -> entity spans named by the endpoint (see the module docstring)."""

    def __init__(self, endpoint: ChatEndpoint, max_chars: int = 20000) -> None:
        self.endpoint = endpoint
        self.max_chars = max_chars

    @classmethod
    def from_env(cls) -> LlmEntityRecognizer:
        return cls(ChatEndpoint.from_env(NAME, default_timeout=30.0))

    def find(self, doc: Doc) -> list[Span]:
        text = doc.text
        if not text.strip():
            return []
        messages = [{"role": "system", "content": _PROMPT}, {"role": "user", "content": text[: self.max_chars]}]
        try:
            answer = self.endpoint.complete_json(messages, "medical_entities", response_schema())
        except LlmError as exc:
            log.warning("%s: no spans from %s: %s", NAME, self.endpoint.base_url, exc)
            return []
        mentions = answer.get("entities")
        if not isinstance(mentions, list):
            log.warning("%s: the reply has no entities list", NAME)
            return []
        return spans_for(text, mentions)


@registry.register(NAME)
def _factory() -> LlmEntityRecognizer:
    return LlmEntityRecognizer.from_env()
