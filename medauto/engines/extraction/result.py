"""What an extractor returns, and the interface every extractor implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from medauto.engines.document.types import Box, ParsedDocument
from medauto.engines.extraction.schema import BlueprintSchema, FieldSpec, FieldType


@dataclass(frozen=True)
class FieldEvidence:
    """One extracted value: ``value`` typed as the schema says ("" when not found), ``raw`` as printed."""

    value: Any
    confidence: float
    type: FieldType
    raw: str = ""
    page_index: int | None = None  # 0-based
    box: Box | None = None
    success: bool = True  # False when the extractor failed on this field (not merely found nothing)
    score: float = 0.0  # uncalibrated evidence strength behind ``confidence`` (for calibration and debugging)

    @property
    def found(self) -> bool:
        return not (isinstance(self.value, str) and self.value == "")


def missing(spec: FieldSpec, confidence: float = 0.0) -> FieldEvidence:
    return FieldEvidence("", confidence, spec.type)


@dataclass(frozen=True)
class ExtractionResult:
    """``values`` mirrors the blueprint (groups nest, tables are lists of row dicts, missing -> "");
    ``evidence`` has the same shape with a :class:`FieldEvidence` at every leaf and table cell."""

    values: dict[str, Any]
    evidence: dict[str, Any]
    engine: str = ""
    notes: list[str] = field(default_factory=list)

    def leaf(self, *path: str) -> FieldEvidence:
        node: Any = self.evidence
        for part in path:
            node = node[part]
        if not isinstance(node, FieldEvidence):
            raise KeyError(f"{'.'.join(path)} is not a leaf field")
        return node

    def confidence(self) -> float:
        """Mean confidence over the leaf fields (tables count by their cells)."""
        scores = [e.confidence for e in evidence_leaves(self.evidence)]
        return sum(scores) / len(scores) if scores else 0.0


def evidence_leaves(node: Any) -> list[FieldEvidence]:
    """Every FieldEvidence under ``node`` (groups, tables and lists walked), in order."""
    if isinstance(node, FieldEvidence):
        return [node]
    if isinstance(node, dict):
        return [e for child in node.values() for e in evidence_leaves(child)]
    if isinstance(node, list):
        return [e for child in node for e in evidence_leaves(child)]
    return []


def assemble(blueprint: BlueprintSchema, found: dict[tuple[str, ...], Any]) -> ExtractionResult:
    """Nest per-path evidence (leaves: FieldEvidence; tables: list of row dicts of FieldEvidence) like the schema."""
    values: dict[str, Any] = {}
    evidence: dict[str, Any] = {}

    def fill(specs: tuple[FieldSpec, ...], values_out: dict[str, Any], evidence_out: dict[str, Any]) -> None:
        for spec in specs:
            if spec.type is FieldType.OBJECT:
                values_out[spec.name], evidence_out[spec.name] = {}, {}
                fill(spec.children, values_out[spec.name], evidence_out[spec.name])
                continue
            item = found.get(spec.path)
            if isinstance(item, list):  # tables and scalar arrays
                evidence_out[spec.name] = item
                values_out[spec.name] = [
                    {k: cell.value for k, cell in row.items()} if isinstance(row, dict) else row.value for row in item
                ]
            else:
                leaf = item if isinstance(item, FieldEvidence) else missing(spec)
                evidence_out[spec.name], values_out[spec.name] = leaf, leaf.value

    fill(blueprint.fields, values, evidence)
    return ExtractionResult(values, evidence)


class FieldExtractor(Protocol):
    """Fills a blueprint's fields from a parsed document."""

    name: str

    def extract(self, document: ParsedDocument, blueprint: BlueprintSchema) -> ExtractionResult: ...


class StaticExtractor:
    """In-memory extractor for tests of the layers above: answers fixed values by field path."""

    name = "extraction.static"

    def __init__(self, values: dict[tuple[str, ...], Any], confidence: float = 0.9) -> None:
        self._values = values
        self._confidence = confidence

    def extract(self, document: ParsedDocument, blueprint: BlueprintSchema) -> ExtractionResult:
        found: dict[tuple[str, ...], Any] = {}
        for leaf in blueprint.leaves():
            if leaf.path in self._values:
                value = self._values[leaf.path]
                found[leaf.path] = FieldEvidence(value, self._confidence, leaf.type, str(value), 0, None)
        return assemble(blueprint, found)
