"""Lexicon, attribute rules and the relation linker on short clinical sentences (real package vocabularies)."""

from __future__ import annotations

import re

import pytest

from medauto.engines.text.attributes import WEAK_SOURCE, find_attributes
from medauto.engines.text.doc import Doc
from medauto.engines.text.lexicon import (
    Entry,
    Gazetteer,
    LexiconRecognizer,
    body_part_names,
    build_lexicon,
    medication_label,
)
from medauto.engines.text.relations import Linking, RelationLinker, link
from medauto.engines.text.types import Category, Span


@pytest.fixture(scope="module")
def lexicon() -> LexiconRecognizer:
    return build_lexicon()[0]


class Result:
    """Entities, attributes and links of one text, looked up by surface text."""

    def __init__(self, lexicon: LexiconRecognizer, text: str) -> None:
        doc = Doc(text)
        self.text = text
        self.entities = lexicon.find(doc)
        self.attributes = find_attributes(text)
        self.linking: Linking = link(doc, self.entities, self.attributes)

    def entity(self, text: str) -> Span:
        return next(s for s in self.entities if s.text == text)

    def attribute(self, text: str) -> Span:
        index = next(i for i, s in enumerate(self.attributes) if s.text == text)
        return self.linking.relabelled.get(index, self.attributes[index])

    def links(self) -> set[tuple[str, str, str, str]]:
        """(owner text, relation type, attribute text, attribute label)."""
        out = set()
        for a in self.linking.links:
            attribute = self.linking.relabelled.get(a.attribute, self.attributes[a.attribute])
            out.add((self.entities[a.entity].text, a.relation_type, attribute.text, attribute.label))
        for a in self.linking.site_links:
            out.add((self.entities[a.entity].text, a.relation_type, self.entities[a.attribute].text, "ANATOMY"))
        return out


def assert_offsets(result: Result) -> None:
    for span in result.entities + result.attributes:
        assert result.text[span.begin : span.end] == span.text


def test_medication_example(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "Patient takes aspirin 81 mg PO daily for 2 weeks; Lipitor 20 mg tablet at bedtime.")
    assert (r.entity("aspirin").label, r.entity("aspirin").category) == ("GENERIC_NAME", Category.MEDICATION)
    assert r.entity("Lipitor").label == "BRAND_NAME"
    assert (r.entity("aspirin").begin, r.entity("aspirin").end) == (14, 21)
    assert r.links() == {
        ("aspirin", "DOSAGE", "81 mg", "DOSAGE"),
        ("aspirin", "ROUTE_OR_MODE", "PO", "ROUTE_OR_MODE"),
        ("aspirin", "FREQUENCY", "daily", "FREQUENCY"),
        ("aspirin", "DURATION", "for 2 weeks", "DURATION"),
        ("Lipitor", "DOSAGE", "20 mg", "DOSAGE"),
        ("Lipitor", "FORM", "tablet", "FORM"),
        ("Lipitor", "FREQUENCY", "at bedtime", "FREQUENCY"),
    }
    assert r.linking.unmapped == [] and r.linking.dropped == []
    assert all(0.4 <= a.score <= 0.95 for a in r.linking.links)
    assert_offsets(r)


def test_blood_pressure_value_and_unit(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "BP 120/80 mmHg")
    assert r.entity("BP").label == "TEST_NAME"
    assert r.attribute("120/80").label == "TEST_VALUE" and r.attribute("mmHg").label == "TEST_UNIT"
    assert r.links() == {("BP", "TEST_VALUE", "120/80", "TEST_VALUE"), ("BP", "TEST_UNIT", "mmHg", "TEST_UNIT")}


def test_several_vitals_and_labs(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "HR 72, temp 38.2 C, hemoglobin 12.5 g/dL.")
    assert {
        ("HR", "TEST_VALUE", "72", "TEST_VALUE"),
        ("temp", "TEST_UNIT", "C", "TEST_UNIT"),
        ("hemoglobin", "TEST_VALUE", "12.5", "TEST_VALUE"),
        ("hemoglobin", "TEST_UNIT", "g/dL", "TEST_UNIT"),
    } <= r.links()


def test_acuity_direction_site(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "acute pain in the left knee")
    assert r.entity("pain").label == "DX_NAME"
    assert r.entity("knee").label == "SYSTEM_ORGAN_SITE" and r.entity("knee").category is Category.ANATOMY
    assert r.links() == {
        ("pain", "ACUITY", "acute", "ACUITY"),
        ("knee", "DIRECTION", "left", "DIRECTION"),
        ("pain", "SYSTEM_ORGAN_SITE", "knee", "ANATOMY"),
    }


def test_anatomy_inside_condition(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "Severe chest pressure and left knee pain.")
    assert r.entity("chest pressure").label == "DX_NAME" and r.entity("knee pain").label == "DX_NAME"
    assert {
        ("chest pressure", "SYSTEM_ORGAN_SITE", "chest", "ANATOMY"),
        ("knee pain", "SYSTEM_ORGAN_SITE", "knee", "ANATOMY"),
        ("chest pressure", "QUALITY", "Severe", "QUALITY"),
    } <= r.links()


def test_social_history(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "He smokes 1 pack per day and drinks alcohol socially")
    labels = {s.text: s.label for s in r.entities}
    assert labels["smokes"] == "TOBACCO_USE"
    assert labels["drinks alcohol"] == "ALCOHOL_CONSUMPTION"
    assert "He" not in labels  # CM tags gender words, not pronouns
    assert r.linking.unmapped == []


def test_behavioral_labels(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "45 year old Caucasian woman, NKDA, history of cocaine use.")
    labels = {s.text: s.label for s in r.entities}
    assert labels["Caucasian"] == "RACE_ETHNICITY" and labels["woman"] == "GENDER"
    assert labels["NKDA"] == "ALLERGIES" and labels["cocaine"] == "REC_DRUG_USE"


def test_time_expression_links_to_condition(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "chest pain started 2 days ago")
    time = r.attribute("2 days ago")
    assert (time.label, time.category) == ("TIME_TO_DX_NAME", Category.TIME_EXPRESSION)
    assert ("chest pain", "OVERLAP", "2 days ago", "TIME_TO_DX_NAME") in r.links()


def test_status_post_dates_the_procedure(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "CAD status post cardiac catheterization in 2010")
    assert r.attribute("status post").label == "TIME_TO_PROCEDURE_NAME"
    assert ("cardiac catheterization", "OVERLAP", "status post", "TIME_TO_PROCEDURE_NAME") in r.links()
    assert ("cardiac catheterization", "OVERLAP", "in 2010", "TIME_TO_PROCEDURE_NAME") in r.links()


def test_duration_without_medication_is_a_time_expression(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "Cough for 3 weeks.")
    assert ("Cough", "OVERLAP", "for 3 weeks", "TIME_TO_DX_NAME") in r.links()


def test_medication_lists_split_between_drugs(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "metformin 500 mg and lisinopril 10 mg daily")
    assert r.links() == {
        ("metformin", "DOSAGE", "500 mg", "DOSAGE"),
        ("lisinopril", "DOSAGE", "10 mg", "DOSAGE"),
        ("lisinopril", "FREQUENCY", "daily", "FREQUENCY"),
    }


def test_strength_next_to_a_counted_dose(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "Clonidine 0.2 mgs -- 1 and 1/2 tabs po qhs, Tylenol PRN")
    assert r.links() == {
        ("Clonidine", "STRENGTH", "0.2 mgs", "STRENGTH"),
        ("Clonidine", "DOSAGE", "1 and 1/2 tabs", "DOSAGE"),
        ("Clonidine", "ROUTE_OR_MODE", "po", "ROUTE_OR_MODE"),
        ("Clonidine", "FREQUENCY", "qhs", "FREQUENCY"),
        ("Tylenol", "FREQUENCY", "PRN", "FREQUENCY"),
    }


def test_rates_and_concentrations() -> None:
    found = {(s.text, s.label) for s in find_attributes("heparin 1000 units/hr IV, O2 2 L/min, 250 mg/5 mL susp q8h")}
    assert {("1000 units/hr", "RATE"), ("2 L/min", "RATE"), ("250 mg/5 mL", "STRENGTH"), ("q8h", "FREQUENCY")} <= found
    assert ("susp", "FORM") in found and ("IV", "ROUTE_OR_MODE") in found


def test_unlinked_attributes(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "Take 2 tablets twice a day. Age 45.")
    unmapped = {r.attributes[i].text for i in r.linking.unmapped}
    assert unmapped == {"2 tablets", "twice a day"}
    assert {r.attributes[i].text for i in r.linking.dropped} == {"45"}  # a bare number with no test to own it
    r = Result(lexicon, "He walks daily.")
    assert r.linking.unmapped == [] and [r.attributes[i].text for i in r.linking.dropped] == ["daily"]


def test_exact_offsets_with_non_ascii_text(lexicon: LexiconRecognizer) -> None:
    text = (
        "Größe 😀 Müller — naïve 患者: aspirin 81 µg PO daily \u00d7 5 days; "
        "BP 120/80 mmHg; café au lait, left knee pain."
    )
    r = Result(lexicon, text)
    assert_offsets(r)
    aspirin = r.entity("aspirin")
    assert (aspirin.begin, aspirin.end) == (text.index("aspirin"), text.index("aspirin") + 7)
    dose = r.attribute("81 µg")
    assert (dose.begin, dose.label) == (text.index("81 µg"), "DOSAGE")
    assert r.attribute("\u00d7 5 days").label == "DURATION"
    assert ("aspirin", "DURATION", "\u00d7 5 days", "DURATION") in r.links()
    assert ("BP", "TEST_UNIT", "mmHg", "TEST_UNIT") in r.links()
    knee = r.entity("knee")
    assert knee.begin == text.index("knee")


def test_no_matches_in_plain_english(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "the quick brown fox")
    assert r.entities == [] and r.attributes == []
    assert r.linking == Linking()


def test_ambiguous_words_need_context(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "She came back from vacation and hearing aids. He left the room right now.")
    assert r.entities == []
    assert all(a.source == WEAK_SOURCE for a in r.attributes)
    assert sorted(r.linking.dropped) == list(range(len(r.attributes)))


def test_stage_iv_is_not_a_route() -> None:
    assert [s.text for s in find_attributes("stage IV cancer") if s.label == "ROUTE_OR_MODE"] == []


def test_gazetteer_longest_match_and_acronyms() -> None:
    g = Gazetteer()
    g.add("heart", Entry("SYSTEM_ORGAN_SITE", Category.ANATOMY, 0.9))
    g.add("heart failure", Entry("DX_NAME", Category.MEDICAL_CONDITION, 0.9))
    g.add("congestive heart failure", Entry("DX_NAME", Category.MEDICAL_CONDITION, 0.9))
    g.add("aids", Entry("DX_NAME", Category.MEDICAL_CONDITION, 0.9, upper_only=True))
    assert not g.add("heart", Entry("TEST_NAME", Category.TEST_TREATMENT_PROCEDURE, 0.5))  # first source wins
    text = "Congestive  heart failure, heart, AIDS, hearing aids, Crohn\u2019s"
    doc = Doc(text)
    found = LexiconRecognizer(g, Gazetteer()).find(doc)
    assert [(s.text, s.label) for s in found] == [
        ("Congestive  heart failure", "DX_NAME"),
        ("heart", "SYSTEM_ORGAN_SITE"),
        ("AIDS", "DX_NAME"),
    ]


def test_typographic_apostrophe() -> None:
    g = Gazetteer()
    g.add("crohn's disease", Entry("DX_NAME", Category.MEDICAL_CONDITION, 0.9))
    found = LexiconRecognizer(g, Gazetteer()).find(Doc("Hx Crohn\u2019s disease"))
    assert [s.text for s in found] == ["Crohn\u2019s disease"]


@pytest.mark.parametrize(
    ("variant", "canonical", "is_brand", "expected"),
    [
        ("lipitor", "atorvastatin", True, "BRAND_NAME"),
        ("paracetamol", "acetaminophen", False, "GENERIC_NAME"),
        ("glucophage", "metformin", None, "BRAND_NAME"),
        ("hctz", "hydrochlorothiazide", None, "GENERIC_NAME"),
        ("metoprolol tartrate", "metoprolol", None, "GENERIC_NAME"),
        ("acarbosum", "acarbose", None, "GENERIC_NAME"),
        ("aciclovir", "acyclovir", None, "GENERIC_NAME"),
        ("norvir", "ritonavir", None, "BRAND_NAME"),
    ],
)
def test_medication_label(variant: str, canonical: str, is_brand: bool | None, expected: str) -> None:
    assert medication_label(variant, canonical, is_brand, drug_class=False) == expected


def test_body_part_names() -> None:
    assert body_part_names("Lower Lung Lobe, Left") == {"lung lobe"}
    assert body_part_names("Subcutaneous Tissue and Fascia, Right Upper Arm") >= {
        "subcutaneous tissue",
        "fascia",
        "arm",
    }
    assert body_part_names("Coronary Artery, Two Arteries") == {"coronary artery"}


def test_pipeline_linker_relabels_drops_and_nests_sites(lexicon: LexiconRecognizer) -> None:
    text = "Chest pain started 2 days ago, age 45."
    doc = Doc(text)
    entities = lexicon.find(doc)
    attributes = find_attributes(text)
    links, out = RelationLinker()(doc, entities, attributes)
    assert [s.text for s in out] == ["2 days ago", "Chest"]  # "45" dropped, the site appended
    assert out[0].label == "TIME_TO_DX_NAME"
    by_attribute = {out[x.attribute].text: (entities[x.entity].text, x.relation_type) for x in links}
    assert by_attribute == {"2 days ago": ("Chest pain", "OVERLAP"), "Chest": ("Chest pain", "SYSTEM_ORGAN_SITE")}


SAMPLES = [
    "Patient takes aspirin 81 mg PO daily for 2 weeks; Lipitor 20 mg tablet at bedtime.",
    "Vyvanse 50 mgs po at breakfast daily, Clonidine 0.2 mgs -- 1 and 1/2 tabs po qhs, Tylenol PRN.",
    "heparin 1000 units/hr IV, NS at 100 mL/hr, O2 2 L/min, amoxicillin 250 mg/5 mL susp q8h x 10 days",
    "BP 142/88 mmHg, HR 96, temp 38.2 C, SpO2 95% on room air; WBC 12.1, Na 138, HbA1c 7.9%, -2.5 SD",
    "status post CABG in April 2019; s/p appendectomy 3 years ago; cough for the past 3 days, POD 2, since 2010",
    "acute on chronic, bilateral lower extremity edema, mild to moderate sharp pain, \u00d7 5 days, 1 tab twice a day",
    "inhaled, by mouth, p.o., i.v., SL, IM, topical cream, XR, every 4-6 hours as needed, q.d., qAM, in 2 weeks",
    "Hx: x2 days, Three weeks ago, Earlier today, via G-tube, half tab, .5 mg, 10 mg/kg/day, 2 lpm, 38.5\u00b0C",
    "onetab fivemg halftabs, a half tab, one-half tablet, 5,000 units, 1,5 mg, l'aspirine 2.5mg/kg/day, Q4H, q 6 hrs",
    "\u0130V push, \u0130buprofen 5 MG PO B\u0130D, \u212a 10 mg, severe pain, per\u017fistent, x\u00d7 3 days",
    "Sub-acute NON-productive cough x3 wks; pressure-like pain s/p CABG, POD#3, twice-daily, every other day",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_token_driven_scan_equals_full_regex_scan(text: str) -> None:
    from medauto.engines.text import attributes as a

    doc = Doc(text)
    keys = [t.text.lower() for t in doc.tokens]
    masks = [a._family_mask(w) for w in doc.words]
    for bit, (pattern, firsts) in enumerate(a._FAMILIES):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in a._scan(pattern, firsts, text, doc, keys)] == expected, pattern.pattern[:60]
        # ... and trying only the tokens whose family mask allows the pattern finds the same.
        assert [m.span() for m in a._matches(pattern, 1 << bit, text, doc.begins, masks)] == expected


def test_letter_starts_bound_every_letter_initial_match() -> None:
    from medauto.engines.text import attributes as a

    assert a.letter_starts(re.compile(r"(?<!\w)(?:acute|sub-?acute|x|\u00d7)\s*\d", re.I)) == a.Starts(
        frozenset({"acute", "sub", "subacute", "x"}), ()
    )
    assert a.letter_starts(re.compile(r"(?:acute|sub-?acute)(?!\w)", re.I)) == a.Starts(
        frozenset({"sub"}), ("acute", "subacute")
    )
    assert a.letter_starts(re.compile(r"\d+|[a-z]+", re.I)) is None  # a class of letters: no bound
    assert a.letter_starts(re.compile(r"q\.?\s?(?:am|pm)", re.I)) == a.Starts(frozenset({"q"}), ("qam", "qpm"))
    for pattern, _ in a._FAMILIES:
        starts = a.letter_starts(pattern)
        # Every alphabetic word of the pattern source that matches on its own is allowed by the bound.
        for word in set(re.findall(r"[a-z]+", pattern.pattern)):
            if pattern.fullmatch(word) and starts is not None:
                assert word in starts.words or word.startswith(starts.prefixes), word


def test_named_conditions_keep_their_acuity_word(lexicon: LexiconRecognizer) -> None:
    r = Result(lexicon, "History of chronic kidney disease and chronic pain.")
    labels = {s.text: s.label for s in r.entities if s.category is Category.MEDICAL_CONDITION}
    assert labels == {"chronic kidney disease": "DX_NAME", "pain": "DX_NAME"}
    assert ("pain", "ACUITY", "chronic", "ACUITY") in r.links()
    assert r.linking.unmapped == []
