"""Attach attribute spans to the entities they modify, the way Comprehend Medical nests ``Attributes``.

Each attribute type has a rule: which entity labels may own it, the relationship type, how far away (in tokens) the
owner may be and which side is preferred. The owner is the cheapest compatible entity in the same sentence; medication
attributes lean left ("aspirin 81 mg PO daily") so lists ("metformin 500 mg and lisinopril 10 mg") split correctly.
The relationship score decays with the token distance.

Time expressions are turned around the way CM reports them: the time span becomes a ``TIME_TO_<kind>`` entity
whose ``OVERLAP`` attribute is the event it dates. A DURATION with no medication nearby is such a time expression.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from medauto.engines import registry
from medauto.engines.text.attributes import TIME_LABEL, WEAK_SOURCE
from medauto.engines.text.doc import Doc
from medauto.engines.text.pipeline import Link
from medauto.engines.text.types import Category, Span

MEDICATIONS = frozenset({"GENERIC_NAME", "BRAND_NAME"})
TIME_TO = {
    "DX_NAME": "TIME_TO_DX_NAME",
    "GENERIC_NAME": "TIME_TO_MEDICATION_NAME",
    "BRAND_NAME": "TIME_TO_MEDICATION_NAME",
    "TEST_NAME": "TIME_TO_TEST_NAME",
    "PROCEDURE_NAME": "TIME_TO_PROCEDURE_NAME",
    "TREATMENT_NAME": "TIME_TO_TREATMENT_NAME",
}
SITE = "SYSTEM_ORGAN_SITE"


@dataclass(frozen=True, slots=True)
class Rule:
    owners: frozenset[str]
    relation: str
    max_gap: int  # words strictly between attribute and owner, not counting other attributes
    owner_left: float = 1.0  # cost per word when the owner precedes the attribute
    owner_right: float = 1.0  # cost per word when the owner follows it
    left_penalty: float = 0.0  # fixed extra cost of an owner to the left
    right_penalty: float = 0.0  # fixed extra cost of an owner to the right
    barriers: str = ";"  # characters between attribute and owner that forbid the link
    right_barriers: str = ""  # ... additionally, when the owner follows the attribute
    prefer: frozenset[str] = frozenset()  # owner labels that win ties (DIRECTION: the body site over the condition)


def _medication(relation: str) -> Rule:
    return Rule(MEDICATIONS, relation, 6, 1.0, 2.0, right_penalty=2.0, barriers="", right_barriers=",;:")


_CONDITION = frozenset({"DX_NAME"})
_TIMED = frozenset(TIME_TO)
RULES: dict[str, Rule] = {
    **{t: _medication(t) for t in ("DOSAGE", "ROUTE_OR_MODE", "FREQUENCY", "DURATION", "FORM", "STRENGTH", "RATE")},
    "TEST_VALUE": Rule(frozenset({"TEST_NAME"}), "TEST_VALUE", 2, 1.0, 3.0, right_penalty=3.0, barriers=",;"),
    "TEST_UNIT": Rule(frozenset({"TEST_NAME"}), "TEST_UNIT", 2, 1.0, 3.0, right_penalty=3.0, barriers=",;"),
    "ACUITY": Rule(_CONDITION, "ACUITY", 3, 1.5, 1.0, barriers=",;"),
    "QUALITY": Rule(_CONDITION, "QUALITY", 3, 1.5, 1.0, barriers=",;"),
    "DIRECTION": Rule(frozenset({SITE, "DX_NAME"}), "DIRECTION", 3, 1.5, 1.0, barriers=",;", prefer=frozenset({SITE})),
    TIME_LABEL: Rule(_TIMED, "OVERLAP", 6, 1.0, 1.2),
}
# "status post <procedure>", "s/p": the dated event follows.
_PREFIX_TIME = frozenset({"status post", "s/p"})
_PREFIX_RULE = Rule(_TIMED, "OVERLAP", 6, 2.0, 1.0, left_penalty=2.0)
# An anatomy entity inside or near a condition/procedure is its SYSTEM_ORGAN_SITE ("chest" in "chest pain").
SITE_RULE = Rule(frozenset({"DX_NAME", "PROCEDURE_NAME"}), SITE, 3, barriers=",;")


@dataclass(frozen=True, slots=True)
class AttributeLink:
    entity: int  # index into the entity list
    attribute: int  # index into the attribute list (for ``site_links``: into the entity list)
    relation_type: str
    score: float


@dataclass(slots=True)
class Linking:
    links: list[AttributeLink] = field(default_factory=list)
    site_links: list[AttributeLink] = field(default_factory=list)  # anatomy entity -> condition/procedure entity
    relabelled: dict[int, Span] = field(default_factory=dict)  # attribute index -> span with its new label/category
    unmapped: list[int] = field(default_factory=list)  # attributes to report in UnmappedAttributes
    dropped: list[int] = field(default_factory=list)  # weak or unlinked-time attributes: not reported at all


class _Positions:
    """Token and sentence index of every span, and a running count of the words that separate spans.

    Words inside attribute spans do not count: in "Clonidine 0.2 mgs 1 and 1/2 tabs po qhs" nothing separates "qhs"
    from "Clonidine" but other attributes of the same drug.
    """

    def __init__(self, doc: Doc, attributes: list[Span]) -> None:
        self.starts = doc.begins
        self.ends = doc.ends
        self.sentence_starts = doc.sentence_begins
        self.text = doc.text
        counts = list(doc.is_word)
        for span in attributes:
            first, last = self.tokens(span)
            counts[first : last + 1] = [False] * (last + 1 - first)
        self.words = list(accumulate(counts, initial=0))

    def tokens(self, span: Span) -> tuple[int, int]:
        first = max(0, bisect_right(self.starts, span.begin) - 1)
        last = max(first, min(len(self.ends) - 1, bisect_left(self.ends, span.end)))
        return first, last

    def gap(self, first: int, stop: int) -> int:
        """Words among tokens ``first`` to ``stop - 1``."""
        return self.words[stop] - self.words[first] if stop > first else 0

    def sentence(self, span: Span) -> int:
        return bisect_right(self.sentence_starts, span.begin)


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to create
class _Placed:
    index: int
    span: Span
    first: int
    last: int
    sentence: int


def _place(spans: list[Span], pos: _Positions) -> list[_Placed]:
    """``_Placed(i, span, *pos.tokens(span), pos.sentence(span))`` for each span, with the lookups inline."""
    starts, ends, sentence_starts = pos.starts, pos.ends, pos.sentence_starts
    top = len(ends) - 1
    out = []
    for i, span in enumerate(spans):
        first = max(0, bisect_right(starts, span.begin) - 1)
        last = max(first, min(top, bisect_left(ends, span.end)))
        out.append(_Placed(i, span, first, last, bisect_right(sentence_starts, span.begin)))
    return out


@cache
def _score(tokens: int, right: bool) -> float:
    """Decays with the number of tokens in between, a little faster for an owner on the unexpected side."""
    return round(max(0.4, 0.95 * 0.96**tokens * (0.9 if right else 1.0)), 4)


def _best_owner(
    attr: _Placed, owners: list[_Placed], rule: Rule, pos: _Positions, inside_ok: bool = True
) -> tuple[_Placed, float] | None:
    best: tuple[float, int, float, _Placed] | None = None
    a_span, a_sentence = attr.span, attr.sentence
    a_begin, a_end = a_span.begin, a_span.end
    labels, text, words = rule.owners, pos.text, pos.words
    for owner in owners:
        o_span = owner.span
        if o_span.label not in labels or owner.sentence != a_sentence or o_span is a_span:
            continue
        o_begin, o_end = o_span.begin, o_span.end
        right = False
        if a_begin < o_end and o_begin < a_end:  # overlapping / inside
            if not inside_ok:
                continue
            gap, raw, cost, between = 0, 0, 0.0, ""
        elif o_end <= a_begin:
            first, stop = owner.last + 1, attr.first
            gap, raw = words[stop] - words[first] if stop > first else 0, stop - first  # pos.gap(first, stop)
            cost = gap * rule.owner_left + rule.left_penalty
            between = text[o_end:a_begin]
        else:
            right = True
            first, stop = attr.last + 1, owner.first
            gap, raw = words[stop] - words[first] if stop > first else 0, stop - first
            cost = gap * rule.owner_right + rule.right_penalty
            between = text[a_end:o_begin]
        if gap > rule.max_gap or raw > 4 * rule.max_gap + 8:
            continue
        barriers = rule.barriers + rule.right_barriers if right else rule.barriers
        if any(ch in between for ch in barriers):
            continue
        cost += 0.5 * between.count(",") + 2.0 * between.count(":") - (0.25 if o_span.label in rule.prefer else 0.0)
        if best is None or (cost, raw) < best[:2]:
            best = (cost, raw, _score(raw, right), owner)
    return None if best is None else (best[3], best[2])


class _Cover:
    """Whether a span lies inside some entity: entities by start, with the furthest end reached so far."""

    def __init__(self, entities: list[Span]) -> None:
        ordered = sorted(entities, key=lambda e: e.begin)
        self.begins = [e.begin for e in ordered]
        self.reach: list[int] = []
        for e in ordered:
            self.reach.append(max(e.end, self.reach[-1] if self.reach else 0))

    def __call__(self, span: Span) -> bool:
        n = bisect_right(self.begins, span.begin)
        return n > 0 and self.reach[n - 1] >= span.end


def link(doc: Doc, entities: list[Span], attributes: list[Span]) -> Linking:
    """Owners for ``attributes`` among ``entities``; see the module docstring for the rules."""
    pos = _Positions(doc, attributes)
    placed_entities = _place(entities, pos)
    placed_attrs = _place(attributes, pos)
    by_sentence: dict[int, list[_Placed]] = {}
    for entity in placed_entities:
        by_sentence.setdefault(entity.sentence, []).append(entity)
    inside_entity = _Cover(entities)
    result = Linking()
    owner_of: dict[int, int] = {}
    for attr in placed_attrs:
        span = attr.span
        rule = RULES.get(span.label)
        if span.label == TIME_LABEL and span.text.lower() in _PREFIX_TIME:
            rule = _PREFIX_RULE
        inside = inside_entity(span)
        candidates = by_sentence.get(attr.sentence, [])
        found = None
        if rule is not None and not inside:  # "XL" in "Toprol XL", "chronic" in "chronic kidney disease"
            found = _best_owner(attr, candidates, rule, pos, inside_ok=False)
            if span.label == "TEST_UNIT" and attr.index - 1 in owner_of:
                previous = placed_attrs[attr.index - 1]
                if previous.span.label == "TEST_VALUE" and span.begin - previous.span.end <= 2:
                    found = (placed_entities[owner_of[attr.index - 1]], found[1] if found else _score(0, False))
        if found is None and span.label == "DURATION" and not inside:
            found = _best_owner(attr, candidates, RULES[TIME_LABEL], pos, inside_ok=False)  # "cough for 3 weeks"
            rule = RULES[TIME_LABEL]
        if found is not None and rule is not None:
            owner, score = found
            owner_of[attr.index] = owner.index
            relation = rule.relation
            if relation == "OVERLAP":
                label = TIME_TO[owner.span.label]
                result.relabelled[attr.index] = Span(
                    span.begin, span.end, span.text, label, Category.TIME_EXPRESSION, span.score, span.source
                )
            result.links.append(AttributeLink(owner.index, attr.index, relation, score))
        elif span.source == WEAK_SOURCE or span.label == TIME_LABEL or inside:
            result.dropped.append(attr.index)
        else:
            result.unmapped.append(attr.index)
    _drop_lone_medication_attributes(result, placed_attrs)
    for site in placed_entities:
        if site.span.label == SITE:
            found = _best_owner(site, by_sentence[site.sentence], SITE_RULE, pos)
            if found is not None:
                result.site_links.append(AttributeLink(found[0].index, site.index, SITE, found[1]))
    return result


def _drop_lone_medication_attributes(result: Linking, attrs: list[_Placed]) -> None:
    """A single unattached "daily" or "for 3 years" is seldom a medication attribute ("walks daily"); two or more
    in one sentence ("Take 2 tablets twice a day") are reported as unmapped."""
    per_sentence: dict[int, int] = {}
    for i in result.unmapped:
        if attrs[i].span.category is Category.MEDICATION:
            per_sentence[attrs[i].sentence] = per_sentence.get(attrs[i].sentence, 0) + 1
    lone = [
        i
        for i in result.unmapped
        if attrs[i].span.category is Category.MEDICATION and per_sentence[attrs[i].sentence] < 2
    ]
    result.unmapped = [i for i in result.unmapped if i not in lone]
    result.dropped = sorted([*result.dropped, *lone])


class RelationLinker:
    """The pipeline's ``Linker`` (``text.relations.v1``): links plus the attribute list it refers to.

    Dropped attributes are removed, relabelled ones replaced, and every anatomy entity nested in a condition or
    procedure is appended as an attribute, so the pipeline can report it both top-level and nested, as CM does.
    """

    def __call__(self, doc: Doc, entities: list[Span], attributes: list[Span]) -> tuple[list[Link], list[Span]]:
        result = link(doc, entities, attributes)
        dropped = set(result.dropped)
        keep = [i for i in range(len(attributes)) if i not in dropped]
        new_index = {old: new for new, old in enumerate(keep)}
        out = [result.relabelled.get(i, attributes[i]) for i in keep]
        links = [Link(a.entity, new_index[a.attribute], a.relation_type, a.score) for a in result.links]
        for site in result.site_links:
            out.append(entities[site.attribute])
            links.append(Link(site.entity, len(out) - 1, site.relation_type, site.score))
        return links, out


@registry.register("text.relations.v1")
def relation_linker() -> RelationLinker:
    return RelationLinker()
