"""Statistical medication spans give way to the dosing attributes found by the rules ("PO BID" is not a drug)."""

from __future__ import annotations

from medauto.engines.text.attributes import SOURCE as ATTRIBUTES
from medauto.engines.text.pipeline import clip_to_dosing, shared_pipeline
from medauto.engines.text.types import Category, Span

TEXT = "atorvastatin 40 mg PO QHS"


def _span(begin: int, end: int, label: str, category: Category, source: str) -> Span:
    return Span(begin, end, TEXT[begin:end], label, category, 0.9, source)


def test_clip_keeps_the_text_before_the_first_dosing_attribute() -> None:
    dosage = _span(13, 18, "DOSAGE", Category.MEDICATION, ATTRIBUTES)
    route = _span(19, 21, "ROUTE_OR_MODE", Category.MEDICATION, ATTRIBUTES)
    swallowed = _span(0, 25, "GENERIC_NAME", Category.MEDICATION, "crf")
    abbreviations = _span(19, 25, "GENERIC_NAME", Category.MEDICATION, "crf")
    lexicon = _span(19, 25, "GENERIC_NAME", Category.MEDICATION, "lexicon")  # a dictionary entry is kept as it is
    condition = _span(0, 25, "DX_NAME", Category.MEDICAL_CONDITION, "crf")
    clipped = clip_to_dosing([swallowed, abbreviations, lexicon, condition], [dosage, route])
    assert [(s.text, s.label, s.source) for s in clipped] == [
        ("atorvastatin", "GENERIC_NAME", "crf"),
        ("PO QHS", "GENERIC_NAME", "lexicon"),
        (TEXT, "DX_NAME", "crf"),
    ]


def test_weak_attributes_do_not_clip() -> None:
    weak = _span(19, 21, "ROUTE_OR_MODE", Category.MEDICATION, ATTRIBUTES + ".weak")
    swallowed = _span(0, 25, "GENERIC_NAME", Category.MEDICATION, "crf")
    assert clip_to_dosing([swallowed], [weak]) == [swallowed]


def test_detect_entities_links_route_and_frequency_to_the_drug() -> None:
    analysis = shared_pipeline("fast").entities("Metformin 500 mg PO BID. Atorvastatin 40 mg PO QHS.")
    drugs = {m.span.text: sorted(r.attribute.span.label for r in m.relations) for m in analysis.mentions}
    assert drugs["Metformin"] == ["DOSAGE", "FREQUENCY", "ROUTE_OR_MODE"]
    assert drugs["Atorvastatin"] == ["DOSAGE", "FREQUENCY", "ROUTE_OR_MODE"]
    assert not any(m.span.text.startswith("PO") for m in analysis.mentions)
