"""The bundled tiny model beside the rules extractor, in two scopes:

- ``extraction.hybrid.v1``: the model fills only the ``inferred`` fields the rules leave empty (what the document
  implies but does not label: how it was paid, whether it is signed, ...). Explicit fields stay with the rules,
  which locate every value in the layout and are measured on SROIE.
- ``extraction.llm.local.v1``: the model answers every scalar field; tables and lists stay with the rules (a
  135M model repeats table rows, and llama.cpp's grammar for bounded arrays of objects is very slow).

When llama-cpp-python or the model is not installed, or the model fails, the rules' result is returned as it is,
with a note saying why.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from medauto.engines import registry
from medauto.engines.document.types import ParsedDocument
from medauto.engines.extraction.layout import Layout
from medauto.engines.extraction.llm import document_text, evidence
from medauto.engines.extraction.result import ExtractionResult, FieldEvidence, assemble, missing
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import BlueprintSchema, FieldSpec, FieldType, InferenceType
from medauto.engines.openai_chat import JsonCompleter, LlmError

log = logging.getLogger(__name__)

# A tiny model's answer is a guess: it never outranks a value the rules located, and says so in its confidence.
_MODEL_CONFIDENCE_CAP = 0.6
_DOCUMENT_CHARS = 6000  # about 2,000 tokens: the prompt stays well inside the model's context
_ANSWER_TOKENS = 48  # per field asked; a tiny model that starts repeating itself is cut off at the total


class ModelScope(StrEnum):
    INFERRED_LEFT_EMPTY = "inferred-left-empty"
    ALL_SCALARS = "all-scalars"


def model_fields(blueprint: BlueprintSchema, scope: ModelScope = ModelScope.INFERRED_LEFT_EMPTY) -> list[FieldSpec]:
    """The fields the model may be asked for (tables and lists always stay with the rules)."""
    scalars = [leaf for leaf in blueprint.leaves() if leaf.is_leaf]
    if scope is ModelScope.ALL_SCALARS:
        return scalars
    return [leaf for leaf in scalars if leaf.inference is InferenceType.INFERRED]


def _key(spec: FieldSpec) -> str:
    return "_".join(spec.path)


def _schema(fields: list[FieldSpec]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": [_key(f) for f in fields],
            "properties": {_key(f): {"type": [f.type.value, "null"]} for f in fields}}


def _prompt(document: str, fields: list[FieldSpec]) -> list[dict[str, str]]:
    asks = "\n".join(f"- {_key(f)} ({f.type.value}): {f.instruction or f.name.replace('_', ' ')}" for f in fields)
    return [
        {"role": "system", "content": "Answer in JSON. Read the document and give each field below; "
         "use null when the document does not tell.\n" + asks},
        {"role": "user", "content": document},
    ]


def _node(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = tree
    for part in path:
        node = node[part]
    return node


class HybridExtractor:
    def __init__(self, model: Callable[[], JsonCompleter], rules: RulesExtractor | None = None,
                 scope: ModelScope = ModelScope.INFERRED_LEFT_EMPTY, name: str = "extraction.hybrid.v1") -> None:
        self._model = model  # loaded on the first blueprint that has a field for it
        self.rules = rules or RulesExtractor()
        self.scope = scope
        self.name = name

    def extract(self, document: ParsedDocument, blueprint: BlueprintSchema) -> ExtractionResult:
        result = self.rules.extract(document, blueprint)
        asked = model_fields(blueprint, self.scope)
        if self.scope is ModelScope.INFERRED_LEFT_EMPTY:
            asked = [f for f in asked if not result.leaf(*f.path).found]
        if not asked:
            return dataclasses.replace(result, engine=self.name)
        layout = Layout(document)
        text = f"{blueprint.document_class or 'Document'}:\n{document_text(layout, _DOCUMENT_CHARS)}"
        found: dict[tuple[str, ...], Any] = {
            leaf.path: _node(result.evidence, leaf.path) for leaf in blueprint.leaves()
        }
        try:
            answer = self._model().complete_json(_prompt(text, asked), "fields", _schema(asked),
                                                 _ANSWER_TOKENS * len(asked))
        except LlmError as exc:
            log.warning("local model gave no answer, fields left to the rules: %s", exc)
            return dataclasses.replace(result, engine=self.name, notes=[*result.notes, f"local model: {exc}"])
        for spec in asked:
            guess = evidence(spec, answer.get(_key(spec)), layout)
            if guess.found and _plausible(spec, guess):
                found[spec.path] = dataclasses.replace(guess, confidence=min(guess.confidence * 0.75,
                                                                             _MODEL_CONFIDENCE_CAP))
            elif self.scope is ModelScope.ALL_SCALARS:
                found[spec.path] = missing(spec)  # the model's answer, even "nothing", replaces the rules' one
        merged = assemble(blueprint, found)
        return ExtractionResult(merged.values, merged.evidence, engine=self.name, notes=result.notes)


def _plausible(spec: FieldSpec, guess: FieldEvidence) -> bool:
    """Tiny models echo the field's own name or instruction when unsure: such answers are dropped."""
    if spec.type is not FieldType.STRING:
        return True
    said = str(guess.value).strip().lower()
    return bool(said) and said not in {spec.name.lower(), spec.name.replace("_", " ").lower(),
                                       spec.instruction.strip().lower(), "null", "none", "unknown", "n/a"}


@registry.register("extraction.hybrid.v1")
def load_hybrid() -> HybridExtractor:
    from medauto.engines.local_llm import local_model

    return HybridExtractor(local_model)


@registry.register("extraction.llm.local.v1")
def load_local() -> HybridExtractor:
    """Every scalar field by the bundled model: a baseline for what a 135M model reads on its own."""
    from medauto.engines.local_llm import local_model

    return HybridExtractor(local_model, scope=ModelScope.ALL_SCALARS, name="extraction.llm.local.v1")
