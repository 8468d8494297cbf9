"""The default offline extractor (``extraction.rules.v1``): labels, layout and typed detectors, no model.

Explicit fields come from labelled key-value pairs and header guesses; inferred fields from simple derivations
(a choice listed in the instruction that the document mentions, a currency from the symbols printed, a yes/no
next to the field's words), else they stay empty.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from medauto.engines import registry
from medauto.engines.document.types import ParsedDocument
from medauto.engines.extraction.assign import Contest, assign
from medauto.engines.extraction.confidence import calibrated, raw_score
from medauto.engines.extraction.fields import Candidate, choose, labelled, typed_value, unlabelled
from medauto.engines.extraction.layout import Layout
from medauto.engines.extraction.matchers import FieldProfile, profile, tokens
from medauto.engines.extraction.normalize import find_amounts, prefers_day_first
from medauto.engines.extraction.result import ExtractionResult, FieldEvidence, assemble, missing
from medauto.engines.extraction.schema import BlueprintSchema, FieldSpec, FieldType, InferenceType
from medauto.engines.extraction.tables import extract_table

_CURRENCIES = (("MYR", r"\bRM\s?\d|\bMYR\b"), ("EUR", r"€|\bEUR\b"), ("GBP", r"£|\bGBP\b"), ("SGD", r"\bS\$|\bSGD\b"),
               ("USD", r"\$|\bUSD\b"))


class RulesExtractor:
    name = "extraction.rules.v1"

    def extract(self, document: ParsedDocument, blueprint: BlueprintSchema) -> ExtractionResult:
        layout = Layout(document)
        day_first = prefers_day_first([line.text for line in layout.lines])
        found: dict[tuple[str, ...], Any] = {}
        contests: dict[tuple[str, ...], Contest] = {}
        for spec in blueprint.leaves():
            parent = spec.path[-2] if len(spec.path) > 1 else ""
            if spec.is_table:
                found[spec.path] = extract_table(document, layout, spec, day_first)
            elif spec.type is FieldType.ARRAY:
                found[spec.path] = self._scalar_list(layout, spec, parent, day_first)
            else:
                contests[spec.path] = self.contest(layout, spec, parent, day_first)
        specs = {spec.path: spec for spec in blueprint.leaves()}
        for path, (best, margin) in assign(contests).items():
            found[path] = _evidence(specs[path], best, margin)
        result = assemble(blueprint, found)
        return ExtractionResult(result.values, result.evidence, engine=self.name)

    def contest(self, layout: Layout, spec: FieldSpec, parent: str, day_first: bool) -> Contest:
        """One scalar field's candidates and chooser, for the global assignment."""
        prof = profile(spec, parent)
        candidates = labelled(layout, prof, day_first) + unlabelled(layout, prof, parent, day_first)
        if spec.inference is InferenceType.INFERRED:
            candidates += _inferred(layout, prof)
        return Contest(candidates, functools.partial(choose, prof))

    def _scalar_list(self, layout: Layout, spec: FieldSpec, parent: str, day_first: bool) -> list[FieldEvidence]:
        """Arrays of scalars: every labelled value of the item type, in reading order, without repeats."""
        item = FieldSpec(spec.name, spec.path, spec.item_type or FieldType.STRING, spec.inference, spec.instruction)
        prof = profile(item, parent)
        seen: set[str] = set()
        values = []
        for c in sorted(labelled(layout, prof, day_first), key=lambda c: (c.page, c.box.top, c.box.left)):
            if c.raw not in seen:
                seen.add(c.raw)
                values.append(FieldEvidence(c.value, calibrated(c.score * 0.8), item.type, c.raw, c.page, c.box))
        return values


def _evidence(spec: FieldSpec, best: Candidate | None, margin: float) -> FieldEvidence:
    if best is None:
        return missing(spec)
    raw = raw_score(best.score, margin)
    return FieldEvidence(best.value, calibrated(raw), spec.type, best.raw, best.page, best.box, score=raw)


def _inferred(layout: Layout, prof: FieldProfile) -> list[Candidate]:
    """Derivations for inferred fields: a listed option the document mentions, a currency, a marked yes/no."""
    spec = prof.spec
    found: list[Candidate] = []
    names = set(tokens(spec.name))
    for line in layout.lines:
        lowered = line.text.lower()
        for option in prof.options:
            if len(option) > 1 and re.search(rf"\b{re.escape(option.lower())}\b", lowered):
                found.append(Candidate(option.upper(), line.text, 0.55, line.page, line.box, "inferred"))
        if "currency" in names:
            for code, pattern in _CURRENCIES:
                if re.search(pattern, line.text) and find_amounts(line.text):
                    found.append(Candidate(code, line.text, 0.5, line.page, line.box, "inferred"))
                    break
        if spec.type is FieldType.BOOLEAN:
            words = set(tokens(line.text))
            keywords = names - {"is", "has", "allowed", "permitted"}
            if keywords and keywords <= words:
                match = typed_value(line.text.split(":")[-1], prof, False)
                value = match.value if match is not None else True  # the phrase printed alone marks it
                found.append(Candidate(value, line.text, 0.5, line.page, line.box, "inferred"))
    return found


@registry.register("extraction.rules.v1")
def load_rules() -> RulesExtractor:
    return RulesExtractor()
