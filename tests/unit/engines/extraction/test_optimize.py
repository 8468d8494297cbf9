"""Blueprint instruction optimization on hand-built documents with the real rules extractor, and its scoring."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from medauto.engines.extraction.matchers import quoted_labels
from medauto.engines.extraction.optimize import field_body, find_labels, hint_labels, optimize, with_hint
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import FieldSpec, FieldType, parse_blueprint
from medauto.engines.extraction.scoring import Sample, evaluate, same_value, token_f1, truth_value

from .docs import LAB as LAB_HEADER
from .docs import RECEIPT, document

LAB = [*LAB_HEADER, ("Accession Number: LAB-20240305-117", 0.05, 0.20, 0.5)]
LAB_TRUTH = {
    "physician": "Dr. Alan Chen",
    "specimen_id": "LAB-20240305-117",
    "report_date": "2024-03-05",
    "patient_name": "Maria Lopez",
}


def field(instruction: str, kind: str = "string", inference: str = "explicit") -> dict[str, Any]:
    return {"type": kind, "inferenceType": inference, "instruction": instruction}


def lab_schema() -> dict[str, Any]:
    return {
        "class": "Lab Report",
        "description": "A laboratory report",
        "properties": {
            "physician": field("The physician who ordered the tests"),
            "specimen_id": field("The specimen identifier"),
            "report_date": field("The date of the report"),
            "patient_name": field("The patient's name"),
        },
    }


def test_missing_and_wrong_fields_gain_the_printed_label_and_then_extract() -> None:
    schema = lab_schema()
    untouched = copy.deepcopy(schema)
    samples = [Sample(document(LAB), LAB_TRUTH)]
    result = optimize(schema, samples, RulesExtractor())
    assert schema == untouched  # the input is not modified
    assert result.before.accuracy(("physician",)) == 0.0  # missed: no label names "physician"
    assert result.before.accuracy(("report_date",)) == 0.0  # wrong: the date of birth was taken
    assert result.before.metrics()["exactMatch"] == 0.25
    assert result.after.metrics()["exactMatch"] == 1.0
    props = result.schema["properties"]
    assert props["physician"]["instruction"] == (
        'The physician who ordered the tests. Printed next to the label "Ordering Provider".'
    )
    assert props["report_date"]["instruction"].endswith('Printed next to the label "Collection Date".')
    assert props["specimen_id"]["instruction"].endswith('label "Accession Number".')
    assert props["patient_name"] == untouched["properties"]["patient_name"]  # already right: left as is
    assert {c.path for c in result.changes} == {("physician",), ("specimen_id",), ("report_date",)}
    assert all(c.accuracy_before == 0.0 and c.accuracy_after == 1.0 for c in result.changes)
    again = RulesExtractor().extract(document(LAB), parse_blueprint(result.schema)).values
    assert again["physician"] == "Dr. Alan Chen" and again["report_date"] == "2024-03-05"


def test_label_to_the_left_and_label_above_the_value() -> None:
    schema = {"class": "Receipt", "properties": {"amount_paid": field("The amount paid", "number")}}
    result = optimize(schema, [Sample(document(RECEIPT), {"amount_paid": 12.59})], RulesExtractor())
    assert result.changes and result.changes[0].labels == ("NET TOTAL (RM)",)
    assert result.after.accuracy(("amount_paid",)) == 1.0
    stacked = [("Remit To", 0.05, 0.10, 0.3), ("Harbor Supply Ltd", 0.05, 0.13, 0.3), ("Page 1", 0.8, 0.9, 0.1)]
    spec = parse_blueprint({"properties": {"payee": field("Who is paid")}}).fields[0]
    layout = Sample(document(stacked), {}).layout
    assert layout is not None
    assert find_labels(layout, spec, "Harbor Supply Ltd", False) == ["Remit To"]


def test_two_vendors_two_labels_in_one_instruction() -> None:
    due = [("Blue Hill Bakery", 0.05, 0.02, 0.4), ("Amount Due", 0.05, 0.30, 0.2), ("45.10", 0.6, 0.30, 0.1)]
    balance = [("Harbor Supply", 0.05, 0.02, 0.4), ("Balance", 0.05, 0.30, 0.2), ("88.00", 0.6, 0.30, 0.1)]
    schema = {"properties": {"charge": field("The money the customer must pay", "number")}}
    samples = [Sample(document(due), {"charge": 45.1}), Sample(document(balance), {"charge": "88.00"})]
    result = optimize(schema, samples, RulesExtractor())
    assert result.before.accuracy(("charge",)) == 0.0
    assert result.after.accuracy(("charge",)) == 1.0
    instruction = result.schema["properties"]["charge"]["instruction"]
    assert instruction.startswith("The money the customer must pay. Printed next to the labels ")
    assert set(hint_labels(instruction)) == {"Amount Due", "Balance"}


def test_nothing_changes_when_no_label_helps() -> None:
    schema = {"properties": {"physician": field("The physician"), "notes": field("Notes", inference="inferred")}}
    truth = {"physician": "Dr. Who", "notes": "fasting"}  # neither value is printed
    result = optimize(schema, [Sample(document(LAB), truth)], RulesExtractor())
    assert result.changes == ()
    assert result.schema is schema
    assert result.after.metrics() == result.before.metrics() == {"exactMatch": 0.0, "f1": 0.0, "confidence": 0.0}


def test_inferred_fields_tables_and_shared_definitions_are_left_alone() -> None:
    schema = {
        "definitions": {
            "Party": {"type": "object", "properties": {"name": field("A name")}},
            "Once": {"type": "object", "properties": {"code": field("A code")}},
        },
        "properties": {
            "ordering": {"$ref": "#/definitions/Party"},
            "patient": {"$ref": "#/definitions/Party"},
            "specimen": {"$ref": "#/definitions/Once"},
            "physician": field("The physician", inference="inferred"),
        },
    }
    assert field_body(schema, ("ordering", "name")) is None  # one definition behind two fields
    assert field_body(schema, ("specimen", "code")) is schema["definitions"]["Once"]["properties"]["code"]
    truth = {
        "physician": "Dr. Alan Chen",
        "specimen": {"code": "LAB-20240305-117"},
        "ordering": {"name": "Dr. Alan Chen"},
    }
    result = optimize(schema, [Sample(document(LAB), truth)], RulesExtractor())
    assert [c.path for c in result.changes] == [("specimen", "code")]
    assert result.schema["definitions"]["Party"] == schema["definitions"]["Party"]
    assert result.schema["properties"]["physician"] == schema["properties"]["physician"]
    assert result.schema["definitions"]["Once"]["properties"]["code"]["instruction"] == (
        'A code. Printed next to the label "Accession Number".'
    )


def test_hints_replace_earlier_hints_and_description_is_rewritten_when_it_is_the_instruction() -> None:
    once = with_hint("The total", ["TOTAL"])
    assert once == 'The total. Printed next to the label "TOTAL".'
    assert with_hint(once, ["TOTAL", "NET TOTAL (RM)"]) == (
        'The total. Printed next to the labels "TOTAL" or "NET TOTAL (RM)".'
    )
    assert with_hint("", ["Balance"]) == 'Printed next to the label "Balance".'
    assert hint_labels(with_hint(once, ["A", "B"])) == ["A", "B"]
    assert quoted_labels('Return "N/A" when absent.') == []  # quotes not introduced by "label" are no labels
    assert quoted_labels('Printed next to the labels \u201cAmount Due\u201d or "Balance".') == ["Amount Due", "Balance"]
    schema = {"properties": {"physician": {"type": "string", "description": "The physician"}}}
    result = optimize(schema, [Sample(document(LAB), {"physician": "Dr. Alan Chen"})], RulesExtractor())
    assert result.schema["properties"]["physician"] == {
        "type": "string",
        "description": 'The physician. Printed next to the label "Ordering Provider".',
    }


@pytest.mark.parametrize(
    ("kind", "expected", "got", "same"),
    [
        (FieldType.STRING, "03/05/2024", "2024-03-05", True),
        (FieldType.STRING, "2024-05-03", "2024-03-05", False),
        (FieldType.STRING, "$1,250.00", "1250.00", True),
        (FieldType.STRING, "  maria   LOPEZ. ", "Maria Lopez", True),
        (FieldType.STRING, "Maria", "Maria Lopez", False),
        (FieldType.NUMBER, "RM 12.59", 12.59, True),
        (FieldType.NUMBER, 12.5, 12.59, False),
        (FieldType.BOOLEAN, "yes", True, True),
        (FieldType.BOOLEAN, False, True, False),
        (FieldType.STRING, None, "", True),
        (FieldType.STRING, "", "Maria", False),
        (FieldType.STRING, "Maria", "", False),
    ],
)
def test_typed_comparison(kind: FieldType, expected: Any, got: Any, same: bool) -> None:
    assert same_value(expected, got, FieldSpec("f", ("f",), kind), day_first=False) is same


def test_tables_lists_partial_credit_and_ground_truth_paths() -> None:
    table = parse_blueprint(
        {"properties": {"rows": {"type": "array", "items": {"properties": {"test": field("t"), "value": field("v")}}}}}
    ).fields[0]
    got = [{"test": "Glucose", "value": "98"}, {"test": "Hemoglobin", "value": "13.5"}]
    assert same_value([{"test": "glucose", "value": "98"}, {"test": "Hemoglobin"}], got, table, False)
    assert not same_value([{"test": "Glucose", "value": "99"}, {"test": "Hemoglobin"}], got, table, False)
    assert not same_value([{"test": "Glucose"}], got, table, False)
    assert token_f1("Dr. Alan Chen", "Alan Chen") == pytest.approx(0.8)
    assert token_f1("1,250.00", 1250) == 1.0 and token_f1("x", "") == 0.0
    truth = {"vendor": {"name": "Acme"}, "customer.name": "Bob"}
    assert truth_value(truth, ("vendor", "name")) == "Acme"
    assert truth_value(truth, ("customer", "name")) == "Bob"
    evaluation = evaluate(
        parse_blueprint(lab_schema()), [Sample(document(LAB), {"patient_name": "Maria Lopez"})], RulesExtractor()
    )
    assert list(evaluation.outcomes) == [(0, ("patient_name",))]  # fields the ground truth does not name: unscored
    assert evaluation.metrics()["exactMatch"] == 1.0 and evaluation.metrics()["confidence"] > 0.5
