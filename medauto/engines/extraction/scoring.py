"""Extraction results scored against ground truth: typed exact match, token F1 and confidence per field.

Ground truth is a JSON object shaped like the extraction output (groups nest, tables are lists of row objects).
Only fields the ground truth names are scored; a ``null`` or ``""`` there means "not in the document", matched by
an empty extraction. Values compare by the field's type: numbers within half a cent, booleans by their spelling
(yes/no/true/false), dates as calendar dates whatever their format ("03/05/2024" = "2024-03-05", the sample's
own day-first convention deciding), amounts as amounts ("$1,250.00" = "1250.00"), other text ignoring case,
spacing and the punctuation around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from medauto.engines.document.types import ParsedDocument
from medauto.engines.extraction.layout import Layout
from medauto.engines.extraction.normalize import (
    find_amounts,
    find_dates,
    parse_boolean,
    parse_number,
    prefers_day_first,
)
from medauto.engines.extraction.result import ExtractionResult, FieldExtractor, evidence_leaves
from medauto.engines.extraction.schema import BlueprintSchema, FieldSpec, FieldType

Path = tuple[str, ...]
_MISSING = object()  # a field the ground truth does not name (not scored)


@dataclass
class Sample:
    """One example: a parsed document and its expected values. The layout is read once and reused."""

    document: ParsedDocument
    truth: dict[str, Any]
    layout: Layout | None = None
    day_first: bool = False

    def __post_init__(self) -> None:
        if self.layout is None:
            self.layout = Layout(self.document)
            self.day_first = prefers_day_first([line.text for line in self.layout.lines])


@dataclass(frozen=True)
class Outcome:
    """One field on one sample."""

    matched: bool
    f1: float
    confidence: float


@dataclass(frozen=True)
class Evaluation:
    """Outcomes of one blueprint over the samples, by (sample index, field path)."""

    outcomes: dict[tuple[int, Path], Outcome]
    sample_count: int

    def _mean(self, rows: Sequence[Outcome], attr: str) -> float:
        return sum(float(getattr(row, attr)) for row in rows) / len(rows) if rows else 0.0

    def field(self, path: Path) -> list[Outcome]:
        return [o for (_, p), o in self.outcomes.items() if p == path]

    def sample(self, index: int) -> list[Outcome]:
        return [o for (i, _), o in self.outcomes.items() if i == index]

    def accuracy(self, path: Path | None = None) -> float:
        """Exact-match rate of one field, or of every scored (sample, field) pair."""
        return self._mean(self.field(path) if path else list(self.outcomes.values()), "matched")

    def matched(self, path: Path | None = None) -> int:
        return sum(o.matched for o in (self.field(path) if path else self.outcomes.values()))

    def metrics(self, rows: Sequence[Outcome] | None = None) -> dict[str, float]:
        """exactMatch, f1 and confidence means over ``rows`` (all outcomes by default)."""
        chosen = list(self.outcomes.values()) if rows is None else rows
        return {
            name: round(self._mean(chosen, attr), 4)
            for name, attr in (("exactMatch", "matched"), ("f1", "f1"), ("confidence", "confidence"))
        }

    def failing(self, path: Path) -> list[int]:
        return [i for (i, p), o in self.outcomes.items() if p == path and not o.matched]


def evaluate(blueprint: BlueprintSchema, samples: Sequence[Sample], extractor: FieldExtractor) -> Evaluation:
    outcomes: dict[tuple[int, Path], Outcome] = {}
    for index, sample in enumerate(samples):
        result = extractor.extract(sample.document, blueprint)
        for spec in blueprint.leaves():
            expected = truth_value(sample.truth, spec.path)
            if expected is _MISSING:
                continue
            got, confidence = _extracted(result, spec.path)
            matched = same_value(expected, got, spec, sample.day_first)
            outcomes[(index, spec.path)] = Outcome(matched, 1.0 if matched else token_f1(expected, got), confidence)
    return Evaluation(outcomes, len(samples))


def truth_value(truth: dict[str, Any], path: Path) -> Any:
    """The expected value at ``path`` (nested objects, or a flat "group.field" key); ``_MISSING`` when absent."""
    node: Any = truth
    for part in path:
        if not isinstance(node, dict) or part not in node:
            break
        node = node[part]
    else:
        return node
    dotted = ".".join(path)
    return truth[dotted] if len(path) > 1 and dotted in truth else _MISSING


def names_any_field(truth: dict[str, Any], blueprint: BlueprintSchema) -> bool:
    return any(truth_value(truth, spec.path) is not _MISSING for spec in blueprint.leaves())


def _extracted(result: ExtractionResult, path: Path) -> tuple[Any, float]:
    node: Any = result.evidence
    values: Any = result.values
    for part in path:
        node, values = node[part], values[part]
    cells = evidence_leaves(node)
    return values, sum(c.confidence for c in cells) / len(cells) if cells else 0.0


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def same_value(expected: Any, got: Any, spec: FieldSpec, day_first: bool) -> bool:
    if _empty(expected) or _empty(got):
        return _empty(expected) and _empty(got)
    if spec.is_table:
        if not isinstance(expected, list) or not isinstance(got, list) or len(expected) != len(got):
            return False
        columns = {c.name: c for c in spec.children}
        return all(
            isinstance(want, dict)
            and isinstance(row, dict)
            and all(
                name in columns and same_value(v, row.get(name, ""), columns[name], day_first)
                for name, v in want.items()
            )
            for want, row in zip(expected, got, strict=True)
        )
    if spec.type is FieldType.ARRAY:
        item = FieldSpec(spec.name, spec.path, spec.item_type or FieldType.STRING)
        wanted = expected if isinstance(expected, list) else [expected]
        return (
            isinstance(got, list)
            and len(wanted) == len(got)
            and all(same_value(w, g, item, day_first) for w, g in zip(wanted, got, strict=True))
        )
    if spec.type is FieldType.BOOLEAN:
        return _boolean(expected) is not None and _boolean(expected) == _boolean(got)
    if spec.type in (FieldType.NUMBER, FieldType.INTEGER):
        want, have = _number(expected), _number(got)
        return want is not None and have is not None and abs(want - have) < 0.005
    return same_text(str(expected), str(got), day_first)


def same_text(expected: str, got: str, day_first: bool) -> bool:
    want_date, have_date = whole_date(expected, day_first), whole_date(got, day_first)
    if want_date is not None or have_date is not None:
        return want_date == have_date
    want_amount, have_amount = _whole_amount(expected), _whole_amount(got)
    if want_amount is not None and have_amount is not None:
        return abs(want_amount - have_amount) < 0.005
    return normal_text(expected) == normal_text(got)


def normal_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".,;:'\"()[]").strip().casefold()


def whole_date(text: str, day_first: bool) -> str | None:
    """The ISO date when ``text`` is nothing but one date."""
    stripped = text.strip().rstrip(".,")
    found = find_dates(stripped, day_first)
    return str(found[0].value) if len(found) == 1 and found[0].raw == stripped else None


def _whole_amount(text: str) -> float | None:
    stripped = text.strip()
    found = find_amounts(stripped)
    if len(found) != 1 or not re.fullmatch(r"[A-Za-z$€£¥]*\s?", stripped[: found[0].start]):
        return None
    return float(found[0].value) if found[0].end == len(stripped) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return parse_number(str(value))


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else parse_boolean(str(value))


def token_f1(expected: Any, got: Any) -> float:
    """Word-overlap F1 of the two values written out (numbers in one spelling), for partial credit."""
    want, have = _bag(expected), _bag(got)
    common = sum(min(want.count(w), have.count(w)) for w in set(want))
    if not want or not have or not common:
        return 0.0
    precision, recall = common / len(have), common / len(want)
    return 2 * precision * recall / (precision + recall)


def _bag(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [w for v in value.values() for w in _bag(v)]
    if isinstance(value, list):
        return [w for v in value for w in _bag(v)]
    if _empty(value):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [f"{float(value):g}"]
    words = re.findall(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+", str(value).casefold())
    return [f"{float(w.replace(',', '')):g}" if w[0].isdigit() else w for w in words]
