"""Blueprint instruction optimization: rewrite field instructions from examples with known values.

For every explicit scalar field that the extractor gets wrong (or misses) on some samples, the expected value is
looked up in those samples' lines, and the label printed with it (the text before it on its line, else the line to
its left, else the line above) becomes a candidate hint: the instruction is kept and gains the sentence
``Printed next to the label "<label>".`` (``... "<a>" or "<b>".`` for several). Extractors read such quoted labels
(the rules engine as label phrases, model-based ones as plain instructions). Each candidate is tried on all samples
and kept only if the field's accuracy does not fall, the blueprint's overall exact match does not fall, and one of
them rises (greedy, field by field, in schema order). Inferred fields, tables and lists are left as they are.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from medauto.engines.extraction.layout import Layout, PlacedLine
from medauto.engines.extraction.matchers import quoted_labels, tokens
from medauto.engines.extraction.normalize import find_amounts, find_dates
from medauto.engines.extraction.result import FieldExtractor
from medauto.engines.extraction.schema import FieldSpec, FieldType, InferenceType, parse_blueprint
from medauto.engines.extraction.scoring import Evaluation, Path, Sample, evaluate, truth_value, whole_date

MAX_LABELS = 3  # labels one instruction may name
MAX_TRIALS = 6  # candidate labels tried per field
_HINT = re.compile(r'\s*Printed next to the labels? "[^"]*"(?: or "[^"]*")*\.')
_NUMBER = re.compile(r"(?<![\w.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|\.\d)")


@dataclass(frozen=True)
class FieldChange:
    path: Path
    labels: tuple[str, ...]
    instruction_before: str
    instruction_after: str
    accuracy_before: float
    accuracy_after: float


@dataclass(frozen=True)
class Optimization:
    schema: dict[str, Any]  # the optimized blueprint schema (the input itself when nothing changed)
    before: Evaluation
    after: Evaluation
    changes: tuple[FieldChange, ...]


def optimize(schema: dict[str, Any], samples: Sequence[Sample], extractor: FieldExtractor) -> Optimization:
    """Greedy per-field instruction rewriting; raises SchemaError when the schema cannot be read."""
    current = copy.deepcopy(schema)
    blueprint = parse_blueprint(current)
    before = best = evaluate(blueprint, samples, extractor)
    changes: list[FieldChange] = []
    for spec in blueprint.leaves():
        if not spec.is_leaf or spec.inference is not InferenceType.EXPLICIT or not best.failing(spec.path):
            continue
        body = field_body(current, spec.path)
        if body is None:
            continue
        key = "instruction" if "instruction" in body or "description" not in body else "description"
        original = str(body.get(key) or "")
        chosen = hint_labels(original)
        start_accuracy = best.accuracy(spec.path)
        for label in candidate_labels(spec, samples, best)[:MAX_TRIALS]:
            if len(chosen) >= MAX_LABELS or not best.failing(spec.path):
                break
            if label in chosen:
                continue
            trial_schema = copy.deepcopy(current)
            trial_body = field_body(trial_schema, spec.path)
            assert trial_body is not None  # same layout as ``current``
            trial_body[key] = with_hint(original, [*chosen, label])
            trial = evaluate(parse_blueprint(trial_schema), samples, extractor)
            if _better(best, trial, spec.path):
                current, best, chosen = trial_schema, trial, [*chosen, label]
        rewritten = field_body(current, spec.path)
        if rewritten is not None and rewritten.get(key) != body.get(key):
            changes.append(
                FieldChange(
                    spec.path, tuple(chosen), original, str(rewritten[key]), start_accuracy, best.accuracy(spec.path)
                )
            )
    return Optimization(current if changes else schema, before, best, tuple(changes))


def _better(best: Evaluation, trial: Evaluation, path: Path) -> bool:
    field_before, field_after = best.matched(path), trial.matched(path)
    total_before, total_after = best.matched(), trial.matched()
    return (
        field_after >= field_before
        and total_after >= total_before
        and (field_after > field_before or total_after > total_before)
    )


def hint_labels(instruction: str) -> list[str]:
    """Labels an earlier optimization already named in ``instruction``."""
    found = _HINT.search(instruction)
    return quoted_labels(found.group(0)) if found else []


def with_hint(instruction: str, labels: Sequence[str]) -> str:
    """``instruction`` (without any earlier hint) followed by one sentence naming ``labels``."""
    base = _HINT.sub("", instruction).rstrip()
    if base and base[-1] not in ".!?":
        base += "."
    quoted = " or ".join(f'"{label}"' for label in labels)
    sentence = f"Printed next to the label{'s' if len(labels) > 1 else ''} {quoted}."
    return f"{base} {sentence}" if base else sentence


def field_body(schema: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The schema object defining the field at ``path``, or None when it is not safe to edit on its own (behind
    a definition several properties share, or a referenced scalar)."""
    definitions = schema.get("definitions", schema.get("$defs", {}))
    node: Any = schema
    for depth, part in enumerate(path):
        properties = node.get("properties") if isinstance(node, dict) else None
        body = properties.get(part) if isinstance(properties, dict) else None
        if not isinstance(body, dict):
            return None
        if "$ref" in body:
            ref = body["$ref"]
            if depth == len(path) - 1 or not isinstance(ref, str) or _references(schema, ref) != 1:
                return None
            body = definitions.get(ref.rsplit("/", 1)[-1]) if isinstance(definitions, dict) else None
            if not isinstance(body, dict):
                return None
        node = body
    return node if isinstance(node, dict) else None


def _references(schema: dict[str, Any], ref: str) -> int:
    return json.dumps(schema).count(json.dumps({"$ref": ref})[1:-1])


def candidate_labels(spec: FieldSpec, samples: Sequence[Sample], evaluation: Evaluation) -> list[str]:
    """Labels printed with the expected value in the samples the field fails on, most frequent first."""
    counts: Counter[str] = Counter()
    for index in evaluation.failing(spec.path):
        sample = samples[index]
        expected = truth_value(sample.truth, spec.path)
        if expected is None or expected == "" or isinstance(expected, dict | list):
            continue
        assert sample.layout is not None
        counts.update(set(find_labels(sample.layout, spec, expected, sample.day_first)))
    return [label for label, _ in counts.most_common()]


def find_labels(layout: Layout, spec: FieldSpec, expected: Any, day_first: bool) -> list[str]:
    """The label of every line where ``expected`` is printed, in reading order."""
    labels: list[str] = []
    for line in layout.lines:
        start = value_start(line.text, spec, expected, day_first)
        if start is None:
            continue
        label = clean_label(line.text[:start]) or _label_beside(layout, line)
        if label is not None and label not in labels:
            labels.append(label)
    return labels


def value_start(text: str, spec: FieldSpec, expected: Any, day_first: bool) -> int | None:
    """Where ``expected`` starts in ``text`` (compared by the field's type), or None."""
    if spec.type is FieldType.BOOLEAN or isinstance(expected, bool):
        return None
    if spec.type in (FieldType.NUMBER, FieldType.INTEGER) or isinstance(expected, int | float):
        want = _as_number(expected)
        if want is None:
            return None
        starts = [m.start for m in find_amounts(text) if abs(float(m.value) - want) < 0.005]
        starts += [m.start() for m in _NUMBER.finditer(text) if abs(float(m.group(0).replace(",", "")) - want) < 0.005]
        return min(starts) if starts else None
    wanted = str(expected)
    iso = whole_date(wanted, day_first)
    if iso is not None:
        return next((m.start for m in find_dates(text, day_first) if m.value == iso), None)
    words = wanted.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(rf"(?<!\w){pattern}(?!\w)" if wanted[0].isalnum() else pattern, text, re.IGNORECASE)
    return found.start() if found else None


def _as_number(value: Any) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    amounts = find_amounts(str(value))
    if amounts:
        return float(amounts[0].value)
    plain = _NUMBER.search(str(value))
    return float(plain.group(0).replace(",", "")) if plain else None


def clean_label(text: str) -> str | None:
    """``text`` as a label: trimmed of separators; None when it has no words, too many, or a double quote."""
    label = re.sub(r"\s+", " ", text).strip().rstrip(":;#=|-\u2013 ").strip()
    if '"' in label or not re.search(r"[^\W\d_]{2}", label) or not 0 < len(tokens(label)) <= 8:
        return None
    return label


def _label_beside(layout: Layout, line: PlacedLine) -> str | None:
    """For a value that starts its line: the nearest line to its left on its row, else the line above it."""
    left = [o for o in layout.row_of(line) if o is not line and o.box.right <= line.box.left + 0.01]
    if left:
        return clean_label(left[-1].text)
    above = _above(layout, line)
    return clean_label(above.text) if above is not None else None


def _above(layout: Layout, line: PlacedLine) -> PlacedLine | None:
    height = max(line.box.height, 1e-4)
    best: PlacedLine | None = None
    for other in layout.lines[max(0, line.order - 40) : line.order]:
        if other.page != line.page or other.box.bottom > line.box.top + 0.3 * height:
            continue
        if line.box.top - other.box.bottom > 2.5 * height:
            continue
        if min(line.box.right, other.box.right) <= max(line.box.left, other.box.left):
            continue
        if best is None or other.box.bottom > best.box.bottom:
            best = other
    return best
