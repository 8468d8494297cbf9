"""BDA custom output: a blueprint matched to a (sub-)document, its fields extracted and explained.

Shape (``custom_output/<n>/result.json``): matched_blueprint {arn, name, confidence}, document_class {type},
split_document {page_indices}, inference_result (values mirroring the schema) and explainability_info (one
object mirroring the schema, with confidence, type, value and geometry at every leaf).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from medauto.engines.document.types import ParsedDocument
from medauto.engines.extraction.result import ExtractionResult, FieldEvidence, FieldExtractor
from medauto.engines.extraction.schema import BlueprintSchema, SchemaError, parse_blueprint
from medauto.services.bda_runtime.geometry import custom_geometry

MATCH, NO_MATCH = "MATCH", "NO_MATCH"

# (document, candidate schemas) -> index of the best candidate (or None: no match) and its confidence.
Classifier = Callable[[ParsedDocument, list[BlueprintSchema]], tuple[int | None, float]]
# document -> inclusive page ranges of the logical documents inside it.
Splitter = Callable[[ParsedDocument, list[BlueprintSchema]], list[tuple[int, int]]]


@dataclass(frozen=True)
class LoadedBlueprint:
    arn: str
    name: str
    schema: BlueprintSchema


def load_blueprints(blueprints: list[dict[str, Any]]) -> list[LoadedBlueprint]:
    loaded = []
    for blueprint in blueprints:
        try:
            schema = parse_blueprint(blueprint["schema"])
        except SchemaError:  # stored blueprints were checked on write; skip one that no longer parses
            continue
        loaded.append(LoadedBlueprint(blueprint["blueprintArn"], blueprint.get("blueprintName", ""), schema))
    return loaded


def _explain(node: Any) -> Any:
    if isinstance(node, FieldEvidence):
        out: dict[str, Any] = {
            "success": node.success,
            "confidence": round(node.confidence, 4),
            "type": node.type.value,
            "value": node.value,
        }
        if node.box is not None and node.page_index is not None:
            out["geometry"] = [custom_geometry(node.box, node.page_index)]
        return out
    if isinstance(node, dict):
        return {key: _explain(child) for key, child in node.items()}
    if isinstance(node, list):
        return [_explain(child) for child in node]
    return node


def custom_result(
    blueprint: LoadedBlueprint, confidence: float, result: ExtractionResult, page_indices: list[int]
) -> dict[str, Any]:
    return {
        "matched_blueprint": {"arn": blueprint.arn, "name": blueprint.name, "confidence": round(confidence, 4)},
        "document_class": {"type": blueprint.schema.document_class or blueprint.name},
        "split_document": {"page_indices": page_indices},
        "inference_result": result.values,
        "explainability_info": [_explain(result.evidence)],
    }


def sub_document(parsed: ParsedDocument, pages: tuple[int, int]) -> ParsedDocument:
    start, end = pages
    return ParsedDocument(parsed.file_type, tuple(p for p in parsed.pages if start <= p.index <= end), parsed.metadata)


class BlueprintStage:
    """The runtime's CustomStage: classify each segment among the blueprints, then extract with the winner."""

    def __init__(
        self,
        blueprints: list[LoadedBlueprint],
        extractor: FieldExtractor,
        classify: Classifier,
        split: Splitter | None = None,
    ) -> None:
        self._blueprints = blueprints
        self._extractor = extractor
        self._classify = classify
        self._split = split

    def split(self, parsed: ParsedDocument) -> list[tuple[int, int]]:
        if self._split is None or not self._blueprints:
            return [(0, len(parsed.pages) - 1)]
        return self._split(parsed, [b.schema for b in self._blueprints])

    def extract(self, parsed: ParsedDocument, pages: tuple[int, int]) -> tuple[str, dict[str, Any] | None]:
        if not self._blueprints:
            return NO_MATCH, None
        part = sub_document(parsed, pages)
        best, confidence = self._classify(part, [b.schema for b in self._blueprints])
        if best is None and len(self._blueprints) == 1:
            best = 0  # a single named blueprint is applied; its low confidence says how well it fits
        if best is None:
            return NO_MATCH, None
        blueprint = self._blueprints[best]
        result = self._extractor.extract(part, blueprint.schema)
        return MATCH, custom_result(blueprint, confidence, result, list(range(pages[0], pages[1] + 1)))


def engine_stage(engine_name: str) -> Callable[[list[dict[str, Any]]], BlueprintStage]:
    """A factory of BlueprintStage over the registered extraction engine ``engine_name`` (loaded on first use)."""

    def classify(document: ParsedDocument, schemas: list[BlueprintSchema]) -> tuple[int | None, float]:
        from medauto.engines.extraction.classify import classify_document

        found = classify_document(document, schemas)
        return found.index, found.score

    def split(document: ParsedDocument, schemas: list[BlueprintSchema]) -> list[tuple[int, int]]:
        from medauto.engines.extraction.classify import split_document

        return [(min(s.page_indices), max(s.page_indices)) for s in split_document(document, schemas)]

    def build(blueprints: list[dict[str, Any]]) -> BlueprintStage:
        from medauto.engines import registry
        from medauto.engines.extraction.engines import ensure_registered

        ensure_registered()
        return BlueprintStage(load_blueprints(blueprints), registry.get(engine_name), classify, split)

    return build
