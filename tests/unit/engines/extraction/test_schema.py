import json

import pytest

from medauto.engines.extraction.catalog import sample_blueprint, sample_names
from medauto.engines.extraction.schema import FieldType, InferenceType, SchemaError, parse_blueprint

LAB = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "class": "Lab Reports",
    "description": "A laboratory report",
    "type": "object",
    "definitions": {
        "PatientInfo": {
            "type": "object",
            "properties": {"name": {"type": "string", "inferenceType": "explicit", "instruction": "Patient name"}},
        },
        "Row": {
            "type": "object",
            "properties": {
                "test": {"type": "string", "inferenceType": "Explicit", "description": "Test name"},
                "value": {"type": "number", "inferenceType": "extractive", "instruction": "Result"},
            },
        },
    },
    "properties": {
        "patient_information": {"$ref": "#/definitions/PatientInfo"},
        "charge_amount": {"type": "number", "inferenceType": "explicit", "instruction": "The charge amount"},
        "is_fasting": {"type": "boolean", "inferenceType": "generative", "instruction": "Fasting sample?"},
        "results": {"type": "array", "instruction": "Rows", "items": {"$ref": "#/definitions/Row"}},
        "notes": {"type": "array", "inferenceType": "inferred", "items": {"type": "string"}},
    },
}


def test_groups_tables_and_spelling_variants_are_read():
    blueprint = parse_blueprint(json.dumps(LAB))
    assert blueprint.document_class == "Lab Reports"
    by_name = {f.name: f for f in blueprint.fields}
    patient = by_name["patient_information"]
    assert patient.type is FieldType.OBJECT
    assert [c.path for c in patient.children] == [("patient_information", "name")]
    assert by_name["charge_amount"].type is FieldType.NUMBER
    assert by_name["is_fasting"].inference is InferenceType.INFERRED
    table = by_name["results"]
    assert table.is_table
    assert [(c.name, c.type, c.inference, c.instruction) for c in table.children] == [
        ("test", FieldType.STRING, InferenceType.EXPLICIT, "Test name"),
        ("value", FieldType.NUMBER, InferenceType.EXPLICIT, "Result"),
    ]
    assert by_name["notes"].item_type is FieldType.STRING and not by_name["notes"].is_table
    assert [leaf.name for leaf in blueprint.leaves()] == ["name", "charge_amount", "is_fasting", "results", "notes"]


def test_document_class_alias_and_nullable_type():
    blueprint = parse_blueprint(
        {"documentClass": "W2", "properties": {"wages": {"type": ["number", "null"], "description": "Box 1"}}}
    )
    assert blueprint.document_class == "W2"
    assert blueprint.fields[0].type is FieldType.NUMBER and blueprint.fields[0].instruction == "Box 1"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "must be a JSON object"),
        ({"properties": {"a": {"$ref": "#/definitions/Missing"}}}, "field a: unknown reference"),
        ({"properties": {"a": {"type": "date"}}}, "field a: unsupported type 'date'"),
        ({"properties": {"a": {"type": "string", "inferenceType": "guess"}}}, "unknown inferenceType"),
        ({"properties": {"a": {"$ref": "http://x/y"}}}, "only local references"),
        (
            {"definitions": {"N": {"type": "object", "properties": {"n": {"$ref": "#/definitions/N"}}}},
             "properties": {"a": {"$ref": "#/definitions/N"}}},
            "recursive reference",
        ),
    ],
)
def test_errors_name_the_field(schema, message):
    with pytest.raises(SchemaError, match=message):
        parse_blueprint(schema if isinstance(schema, str) else json.dumps(schema))


def test_every_sample_parses_with_instructions():
    names = sample_names()
    assert {"receipt", "invoice", "bank_statement", "pay_stub", "us_driver_license", "lab_report",
            "prescription"} <= set(names)
    for name in names:
        blueprint = sample_blueprint(name)
        assert blueprint.document_class and blueprint.description
        assert all(leaf.instruction for leaf in blueprint.leaves()), name
