"""Typed results shared by every text engine stage.

Offsets are Python string indices, i.e. Unicode code points, which is what Comprehend Medical reports:
``text[begin:end] == span.text`` holds for any input, ASCII or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    ANATOMY = "ANATOMY"
    MEDICAL_CONDITION = "MEDICAL_CONDITION"
    MEDICATION = "MEDICATION"
    PROTECTED_HEALTH_INFORMATION = "PROTECTED_HEALTH_INFORMATION"
    TEST_TREATMENT_PROCEDURE = "TEST_TREATMENT_PROCEDURE"
    TIME_EXPRESSION = "TIME_EXPRESSION"
    BEHAVIORAL_ENVIRONMENTAL_SOCIAL = "BEHAVIORAL_ENVIRONMENTAL_SOCIAL"


class TraitName(StrEnum):
    SIGN = "SIGN"
    SYMPTOM = "SYMPTOM"
    DIAGNOSIS = "DIAGNOSIS"
    NEGATION = "NEGATION"
    PERTAINS_TO_FAMILY = "PERTAINS_TO_FAMILY"
    HYPOTHETICAL = "HYPOTHETICAL"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"
    PAST_HISTORY = "PAST_HISTORY"
    FUTURE = "FUTURE"


@dataclass(frozen=True, slots=True)
class Token:
    begin: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of text found by one stage.

    ``label`` is the fine type (``DX_NAME``, ``GENERIC_NAME``, ``DOSAGE``, ``NAME`` ...), ``category`` the coarse
    group it belongs to. ``source`` names the stage that found it (for debugging and merging).
    """

    begin: int
    end: int
    text: str
    label: str
    category: Category
    score: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Trait:
    name: TraitName
    score: float


@dataclass(slots=True)
class Relation:
    """``attribute`` modifies the owning mention, e.g. DOSAGE "81 mg" of "aspirin"."""

    attribute: Mention
    relation_type: str
    score: float


@dataclass(slots=True)
class Mention:
    """An entity in the final analysis: a span, its traits and the attributes linked to it."""

    id: int
    span: Span
    traits: list[Trait] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass(slots=True)
class Analysis:
    """What a text pipeline returns: entities, plus attributes it could not attach to any entity."""

    mentions: list[Mention]
    unmapped: list[Mention] = field(default_factory=list)
    model_version: str = ""
