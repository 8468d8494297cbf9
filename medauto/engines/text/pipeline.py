"""The clinical text pipeline: recognizers -> merge -> attributes -> links -> traits -> Analysis.

Stages are looked up by versioned name in the engine registry, so a profile is just a list of names and a
deployment can swap in a bigger model by configuration.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from medauto.engines import registry
from medauto.engines.text.attributes import SOURCE as ATTRIBUTE_SOURCE
from medauto.engines.text.calibration import Calibration, shipped
from medauto.engines.text.doc import Doc
from medauto.engines.text.profiles import PROFILES, Profile
from medauto.engines.text.stages import ensure_registered
from medauto.engines.text.types import Analysis, Category, Mention, Relation, Span, Trait


class Recognizer(Protocol):
    def find(self, doc: Doc) -> list[Span]: ...


class TraitDetector(Protocol):
    def traits(self, doc: Doc, spans: Sequence[Span]) -> list[list[Trait]]: ...


@dataclass(frozen=True)
class Link:
    entity: int  # index into the entity list
    attribute: int  # index into the attribute list
    relation_type: str
    score: float


class Linker(Protocol):
    def __call__(self, doc: Doc, entities: list[Span], attributes: list[Span]) -> tuple[list[Link], list[Span]]:
        """Links, and the attribute list with any relabelling applied (e.g. TIME_EXPRESSION -> TIME_TO_DX_NAME)."""
        ...


# Attribute labels that are never top-level entities in DetectEntitiesV2.
TIME_LABEL = "TIME_EXPRESSION"
# Labels DetectEntities (v1) still reports as entities of their own instead of only as attributes.
LEGACY_ENTITY_ATTRIBUTES = frozenset({"ACUITY", "DIRECTION"})
# A PHI span that overlaps a medical entity yields to it unless it is one of these unambiguous kinds.
STRONG_PHI = frozenset({"EMAIL", "URL", "PHONE_OR_FAX", "ID", "DATE", "AGE", "ADDRESS"})
# Dosing attribute labels that a statistical medication span must not cover, and the sources of such spans.
_DOSING = frozenset({"DOSAGE", "STRENGTH", "ROUTE_OR_MODE", "FREQUENCY", "DURATION", "RATE"})
_STATISTICAL = ("crf", "llm")  # span sources (prefixes) that know nothing of dosing
# Anatomy may sit inside a condition ("chest" in "chest pain"); everything else competes for the same text.
_LAYER = {Category.ANATOMY: 1}


def _overlaps(a: Span, b: Span) -> bool:
    return a.begin < b.end and b.begin < a.end


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the best non-overlapping spans per layer: longer first, then higher score; equal spans merge."""
    kept: dict[tuple[int, int, int], Span] = {}
    # Per layer, the kept intervals as sorted begins with their ends: overlap checks are a bisect away.
    begins: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for span in sorted(spans, key=lambda s: (-(s.end - s.begin), -s.score, s.begin)):
        layer = _LAYER.get(span.category, 0)
        b_list = begins.setdefault(layer, [])
        e_list = ends.setdefault(layer, [])
        at = bisect_left(b_list, span.end)  # kept intervals starting before this one ends
        clash = at > 0 and e_list[at - 1] > span.begin
        if not clash:
            # Kept intervals never overlap, so only the nearest one starting before span.end can clash.
            b_list.insert(at, span.begin)
            e_list.insert(at, span.end)
            kept[(span.begin, span.end, layer)] = span
            continue
        same = kept.get((span.begin, span.end, layer))
        if same is not None and same.source != span.source:
            # Two stages agree on the same text: more confident; keep the first label (longest/highest).
            kept[(span.begin, span.end, layer)] = Span(
                same.begin,
                same.end,
                same.text,
                same.label,
                same.category,
                min(0.99, max(same.score, span.score) + 0.05),
                same.source,
            )
    return sorted(kept.values(), key=lambda s: (s.begin, s.end))


def clip_to_dosing(spans: list[Span], attributes: list[Span]) -> list[Span]:
    """Statistical medication spans give way to the dosing attributes the rules found: a model trained on abstracts
    reads "PO BID" as a drug and swallows "40 mg PO QHS" into "atorvastatin 40 mg PO QHS". Such a span keeps the
    text before the first dosing attribute it overlaps, or is dropped when none is left."""
    dosing = [a for a in attributes if a.label in _DOSING and a.source == ATTRIBUTE_SOURCE]
    if not dosing:
        return spans
    out: list[Span] = []
    for span in spans:
        if span.category is not Category.MEDICATION or not span.source.startswith(_STATISTICAL):
            out.append(span)
            continue
        cut = min((a.begin for a in dosing if _overlaps(a, span)), default=span.end)
        if cut < span.end:
            text = span.text[: cut - span.begin].rstrip(" \t\n,;:-(")
            if not text:
                continue
            span = Span(span.begin, span.begin + len(text), text, span.label, span.category, span.score, span.source)
        out.append(span)
    return out


_PHI = Category.PROTECTED_HEALTH_INFORMATION  # read once: enum attribute lookups are slow in per-span loops


def _public_traits(span: Span, traits: list[Trait]) -> list[Trait]:
    return [] if span.category is _PHI else traits


def drop_weak_phi(spans: list[Span]) -> list[Span]:
    medical = [s for s in spans if s.category is not Category.PROTECTED_HEALTH_INFORMATION]
    return [
        s
        for s in spans
        if s.category is not Category.PROTECTED_HEALTH_INFORMATION
        or s.label in STRONG_PHI
        or not any(_overlaps(s, m) for m in medical)
    ]


class ClinicalTextPipeline:
    def __init__(self, profile: Profile, calibration: Calibration | None = None) -> None:
        self.profile = profile
        # Entity scores are mapped to P(correct) per stage and category (fitted on the development splits).
        self.calibration = shipped() if calibration is None else calibration
        self._entity_stages: list[Recognizer] = [registry.get(n) for n in profile.entity_recognizers]
        self._attribute_stages: list[Recognizer] = [registry.get(n) for n in profile.attribute_recognizers]
        self._phi_stages: list[Recognizer] = [registry.get(n) for n in profile.phi_recognizers]
        self._traits: TraitDetector = registry.get(profile.traits)
        self._linker: Linker = registry.get(profile.linker)

    @classmethod
    def load(cls, profile: str = "fast") -> ClinicalTextPipeline:
        ensure_registered()

        profiles = dict(PROFILES)
        if profile not in profiles:
            raise KeyError(f"unknown text profile {profile!r}; known: {', '.join(profiles)}")
        return cls(profiles[profile])

    def _find(self, stages: list[Recognizer], doc: Doc) -> list[Span]:
        return [span for stage in stages for span in stage.find(doc)]

    def phi(self, text: str) -> Analysis:
        doc = Doc(text)
        spans = resolve_overlaps(self._find(self._phi_stages, doc))
        mentions = [Mention(i, s) for i, s in enumerate(spans)]  # CM reports no traits on PHI
        return Analysis(mentions, [], self.profile.model_version)

    def entities(self, text: str, legacy: bool = False) -> Analysis:
        doc = Doc(text)
        attributes = resolve_overlaps(self._find(self._attribute_stages, doc))
        found = clip_to_dosing(self._find(self._entity_stages, doc), attributes) + self._find(self._phi_stages, doc)
        # Calibrated after merging, so which span and label win stays decided by the raw scores as before.
        entities = self.calibration.apply(drop_weak_phi(resolve_overlaps(found)))
        links, attributes = self._linker(doc, entities, attributes)
        return self._assemble(doc, entities, attributes, links, legacy)

    def _assemble(
        self, doc: Doc, entities: list[Span], attributes: list[Span], links: list[Link], legacy: bool
    ) -> Analysis:
        spans = entities + attributes
        traits = self._traits.traits(doc, spans) if spans else []
        # Ids: one per distinct span in text order; a span that is both an entity and an attribute (anatomy
        # nested in a condition) keeps one Id in both places, as Comprehend Medical reports it.
        span_keys = [(s.begin, s.end, s.label) for s in spans]
        ids = {key: n for n, key in enumerate(sorted(set(span_keys)))}
        shared: dict[tuple[int, int, str], Mention] = {}
        mentions = []
        for s, key, span_traits in zip(spans, span_keys, traits, strict=True):
            mention = shared.get(key)
            if mention is None:
                mention = shared[key] = Mention(ids[key], s, _public_traits(s, span_traits))
            mentions.append(mention)
        entity_mentions = mentions[: len(entities)]
        attribute_mentions = mentions[len(entities) :]
        linked: set[int] = set()
        for link in links:
            owner = entity_mentions[link.entity]
            attribute = attribute_mentions[link.attribute]
            if attribute.span.label.startswith("TIME_TO_"):
                # Comprehend Medical turns time links around: the time expression owns the event it dates.
                attribute.relations.append(Relation(owner, link.relation_type, link.score))
            else:
                owner.relations.append(Relation(attribute, link.relation_type, link.score))
            linked.add(link.attribute)
        top = list(entity_mentions)
        unmapped: list[Mention] = []
        for index, mention in enumerate(attribute_mentions):
            label = mention.span.label
            if label.startswith("TIME_TO_"):
                top.append(mention)  # linked time expressions are entities that own their event
            elif legacy and label in LEGACY_ENTITY_ATTRIBUTES:
                top.append(mention)
            elif index not in linked and label != TIME_LABEL:
                unmapped.append(mention)
        return Analysis(top, unmapped, self.profile.model_version)


@cache
def shared_pipeline(profile: str = "fast") -> ClinicalTextPipeline:
    """One pipeline per profile and process; its stages are shared through the registry."""
    return ClinicalTextPipeline.load(profile)


# Attributes whose words sharpen an ICD-10-CM lookup ("pain" + "left" + "knee" -> M25.562).
_QUERY_ATTRIBUTES = frozenset({"SYSTEM_ORGAN_SITE", "DIRECTION", "ACUITY"})


def condition_query(mention: Mention) -> str:
    """The condition's words plus its site, side and acuity (a site's own side included: "left" of "knee")."""
    words = [mention.span.text]
    outer = mention.span
    for relation in mention.relations:
        attribute = relation.attribute
        nested = [r.attribute for r in attribute.relations if r.attribute.span.label == "DIRECTION"]
        for part in (attribute, *nested):
            span = part.span
            if span.label in _QUERY_ATTRIBUTES and not (outer.begin <= span.begin and span.end <= outer.end):
                words.insert(0, span.text)
    return " ".join(words)


def link_conditions(pipeline: ClinicalTextPipeline, text: str, limit: int = 5) -> list[tuple[Mention, list[Any]]]:
    """Medical conditions with their ranked ICD-10-CM concepts (``Concept`` objects), in text order."""
    index = registry.get("text.icd10cm.v1")
    analysis = pipeline.entities(text)
    conditions = [m for m in analysis.mentions if m.span.label == "DX_NAME"]
    # Time expressions own their events in the analysis; InferICD10CM reports them on the condition instead.
    for mention in analysis.mentions:
        if mention.span.label == "TIME_TO_DX_NAME":
            for relation in mention.relations:
                if relation.attribute.span.label == "DX_NAME":
                    target = next((c for c in conditions if c.id == relation.attribute.id), None)
                    if target is not None:
                        target.relations.append(Relation(mention, relation.relation_type, relation.score))
    return [(m, index.search(condition_query(m), limit)) for m in sorted(conditions, key=lambda m: m.span.begin)]
