"""``extraction.llm.v1``: blueprint extraction by any OpenAI-compatible chat endpoint (llama.cpp server, vLLM,
Ollama, a hosted API), with the blueprint turned into a JSON-schema ``response_format``. Standard library only.

Configured by environment (the factory takes no arguments): ``MEDAUTO_LLM_BASE_URL`` (e.g.
``http://127.0.0.1:8080/v1``), ``MEDAUTO_LLM_MODEL``, optional ``MEDAUTO_LLM_API_KEY`` and
``MEDAUTO_LLM_TIMEOUT`` (seconds). Values the model returns are located in the document's lines for page and box.
"""

from __future__ import annotations

from typing import Any

from medauto.engines import registry
from medauto.engines.document.types import ParsedDocument
from medauto.engines.extraction.layout import Layout, PlacedLine
from medauto.engines.extraction.normalize import parse_boolean, parse_integer, parse_number
from medauto.engines.extraction.result import ExtractionResult, FieldEvidence, assemble, missing
from medauto.engines.extraction.schema import BlueprintSchema, FieldSpec, FieldType, InferenceType
from medauto.engines.openai_chat import ChatEndpoint, JsonCompleter, LlmError

__all__ = ["LlmError", "LlmExtractor", "document_text", "evidence", "json_schema", "load_llm", "prompt"]

_FOUND, _NOT_FOUND = 0.8, 0.5  # confidence when the value is / is not printed verbatim in the document


def json_schema(blueprint: BlueprintSchema) -> dict[str, Any]:
    """The blueprint as a strict JSON schema (every field required, null when absent)."""

    def node(spec: FieldSpec) -> dict[str, Any]:
        if spec.type is FieldType.OBJECT:
            return _object(spec.children)
        if spec.type is FieldType.ARRAY:
            items = _object(spec.children) if spec.is_table else {"type": (spec.item_type or FieldType.STRING).value}
            return {"type": "array", "items": items}
        return {"type": [spec.type.value, "null"]}

    def _object(children: tuple[FieldSpec, ...]) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False, "required": [c.name for c in children],
                "properties": {c.name: node(c) for c in children}}

    return _object(blueprint.fields)


def _instructions(blueprint: BlueprintSchema) -> str:
    lines = []

    def walk(specs: tuple[FieldSpec, ...]) -> None:
        for spec in specs:
            how = "derive it from the document" if spec.inference is InferenceType.INFERRED else "copy it as printed"
            lines.append(f"- {'.'.join(spec.path)} ({spec.type.value}; {how}): {spec.instruction or spec.name}")
            if spec.type is FieldType.OBJECT or spec.is_table:
                walk(spec.children)

    walk(blueprint.fields)
    return "\n".join(lines)


class LlmExtractor:
    """Blueprint extraction by a chat model that answers JSON (see ``JsonCompleter``)."""

    def __init__(self, completer: JsonCompleter, max_chars: int = 24000, name: str = "extraction.llm.v1") -> None:
        self.completer = completer
        self.max_chars = max_chars
        self.name = name

    @classmethod
    def over_http(cls, base_url: str, model: str, api_key: str = "", timeout: float = 120.0) -> LlmExtractor:
        return cls(ChatEndpoint(base_url.rstrip("/"), model, api_key, timeout))

    @classmethod
    def from_env(cls) -> LlmExtractor:
        return cls(ChatEndpoint.from_env("extraction.llm.v1"))

    def extract(self, document: ParsedDocument, blueprint: BlueprintSchema) -> ExtractionResult:
        layout = Layout(document)
        text = document_text(layout, self.max_chars)
        answer = self.completer.complete_json(prompt(blueprint, text), "blueprint", json_schema(blueprint))
        found: dict[tuple[str, ...], Any] = {}
        for leaf in blueprint.leaves():
            value = _lookup(answer, leaf.path)
            if leaf.is_table:
                rows = value if isinstance(value, list) else []
                found[leaf.path] = [
                    {c.name: evidence(c, row.get(c.name) if isinstance(row, dict) else None, layout)
                     for c in leaf.children}
                    for row in rows
                ]
            elif leaf.type is FieldType.ARRAY:
                item = FieldSpec(leaf.name, leaf.path, leaf.item_type or FieldType.STRING, leaf.inference)
                items = value if isinstance(value, list) else []
                found[leaf.path] = [e for e in (evidence(item, v, layout) for v in items) if e.found]
            else:
                found[leaf.path] = evidence(leaf, value, layout)
        result = assemble(blueprint, found)
        return ExtractionResult(result.values, result.evidence, engine=self.name)


def document_text(layout: Layout, max_chars: int) -> str:
    """The document's lines in reading order, each tagged with its page, cut at ``max_chars``."""
    return "\n".join(f"[page {line.page + 1}] {line.text}" for line in layout.lines)[:max_chars]


def prompt(blueprint: BlueprintSchema, text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You extract fields from a document into JSON that follows the given "
         "schema. Use null for a field the document does not give. Fields:\n" + _instructions(blueprint)},
        {"role": "user", "content": f"Document ({blueprint.document_class or 'document'}):\n{text}"},
    ]


def _lookup(answer: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = answer
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _coerce(spec: FieldSpec, value: Any) -> Any:
    if value is None or value == "":
        return None
    text = str(value)
    if spec.type is FieldType.NUMBER:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else parse_number(text)
    if spec.type is FieldType.INTEGER:
        return int(value) if isinstance(value, int) and not isinstance(value, bool) else parse_integer(text)
    if spec.type is FieldType.BOOLEAN:
        return value if isinstance(value, bool) else parse_boolean(text)
    return text.strip() or None


def evidence(spec: FieldSpec, value: Any, layout: Layout) -> FieldEvidence:
    typed = _coerce(spec, value)
    if typed is None:
        return missing(spec, confidence=_NOT_FOUND)
    line = _locate(str(value), layout)
    confidence = _FOUND if line is not None else _NOT_FOUND
    if line is None:
        return FieldEvidence(typed, confidence, spec.type, str(value))
    return FieldEvidence(typed, confidence, spec.type, str(value), line.page, line.box)


def _locate(text: str, layout: Layout) -> PlacedLine | None:
    needle = " ".join(text.lower().split())
    if not needle:
        return None
    for line in layout.lines:
        if needle in " ".join(line.text.lower().split()):
            return line
    return None


@registry.register("extraction.llm.v1")
def load_llm() -> LlmExtractor:
    return LlmExtractor.from_env()
