"""Embedding fallback for labels the lexicon does not know, held to the hand-made pairs it was set on."""

import json
from pathlib import Path

from medauto.engines.extraction.matchers import label_score, profile
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import FieldSpec, FieldType, parse_blueprint
from medauto.engines.extraction.semantic import THRESHOLD, semantic_label_score, similarity

from .docs import document

PAIRS = json.loads((Path(__file__).parents[1] / "data" / "label_pairs.json").read_text())


def test_threshold_keeps_every_wrong_pairing_out_and_finds_some_right_ones():
    right = [similarity(label, name.replace("_", " "), how) >= THRESHOLD for label, name, how in PAIRS["positive"]]
    wrong = [similarity(label, name.replace("_", " "), how) >= THRESHOLD for label, name, how in PAIRS["negative"]]
    assert not any(wrong)
    assert sum(right) >= 5  # 5 of 20 when the threshold was set: recall is modest, precision is the point


def test_semantic_score_is_a_weaker_label_than_a_lexical_one():
    prof = profile(FieldSpec("insurance_company", ("insurance_company",), FieldType.STRING,
                             instruction="The health insurance carrier"))
    assert label_score("Insurer", prof) == 0.0
    assert 0.5 <= semantic_label_score("Insurer", prof) <= 0.7
    assert semantic_label_score("Remarks", prof) == 0.0
    assert semantic_label_score("12.50", prof) == 0.0


def test_a_colon_label_found_by_meaning_fills_the_field():
    blueprint = parse_blueprint({"class": "Bill", "type": "object", "properties": {
        "balance_due": {"type": "number", "inferenceType": "explicit",
                        "instruction": "The amount the customer still has to pay"},
        "table_number": {"type": "string", "inferenceType": "explicit", "instruction": "The restaurant table number"},
    }})
    doc = document([("Table: 12", 0.05, 0.1, 0.3), ("Paid: 10.00", 0.05, 0.2, 0.3),
                    ("Amount owing: 45.00", 0.05, 0.3, 0.4), ("Remarks: none", 0.05, 0.4, 0.4)])
    prof = profile(blueprint.leaves()[0])
    assert label_score("Amount owing", prof) < 0.5  # the lexicon alone would not pair them
    result = RulesExtractor().extract(doc, blueprint)
    assert result.values == {"balance_due": 45.0, "table_number": "12"}
    owing = result.leaf("balance_due")
    assert owing.box is not None and owing.box.top == 0.3 and owing.confidence < 0.9
