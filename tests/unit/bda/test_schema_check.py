"""Blueprint schema rules: what BDA accepts, and precise field paths for what it rejects."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from medauto.services.bda.samples import sample_blueprints
from medauto.services.bda.schema_check import InvalidSchema, check_schema

LAB = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "class": "Lab Reports",
    "description": "Laboratory test results for one patient",
    "type": "object",
    "definitions": {
        "PatientInfo": {
            "type": "object",
            "properties": {"name": {"type": "string", "inferenceType": "explicit", "instruction": "Patient name"}},
        },
        "Result": {
            "type": "object",
            "properties": {
                "test": {"type": "string", "inferenceType": "explicit", "instruction": "Test name"},
                "value": {"type": "number", "inferenceType": "explicit", "instruction": "Measured value"},
            },
        },
    },
    "properties": {
        "patient": {"$ref": "#/definitions/PatientInfo"},
        "fasting": {"type": "boolean", "inferenceType": "inferred", "instruction": "Was the patient fasting?"},
        "count": {"type": "integer", "inferenceType": "Explicit", "description": "Number of tests"},
        "results": {"type": "array", "instruction": "One row per test", "items": {"$ref": "#/definitions/Result"}},
        "notes": {"type": "array", "inferenceType": "extractive", "instruction": "Notes", "items": {"type": "string"}},
    },
}


def problems(schema: Any) -> list[str]:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    with pytest.raises(InvalidSchema) as caught:
        check_schema(text)
    return caught.value.problems


def changed(**edits: Any) -> dict[str, Any]:
    """LAB with dotted-path edits applied (value None deletes the member)."""
    schema = copy.deepcopy(LAB)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        node: Any = schema
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return schema


def test_valid_schema_with_groups_tables_and_spelling_variants() -> None:
    assert check_schema(json.dumps(LAB))["class"] == "Lab Reports"
    generative = changed(documentClass="Labs", properties__fasting__inferenceType="generative")
    del generative["class"]
    assert check_schema(json.dumps(generative))["documentClass"] == "Labs"


@pytest.mark.parametrize("name", sorted(sample_blueprints()))
def test_every_service_sample_passes(name: str) -> None:
    check_schema(sample_blueprints()[name].schema)


def test_not_json_and_not_an_object() -> None:
    assert problems('{"class": "x",')[0].startswith("schema: not valid JSON (Expecting property name")
    assert problems("[1, 2]") == ["schema: must be a JSON object, not an array"]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ({"type": "array"}, 'type: must be "object", not "array"'),
        ({"class": None}, "class: a non-empty class (or documentClass) naming the document type is required"),
        ({"properties": None}, "properties: is required and must be an object of fields"),
        ({"properties": {}}, "properties: the blueprint defines no fields"),
        (
            {"properties__patient__$ref": "#/definitions/Nobody"},
            'properties.patient.$ref: refers to an unknown definition "Nobody"',
        ),
        (
            {"properties__patient__$ref": "other.json#/X"},
            'properties.patient.$ref: must point into the definitions as #/definitions/<Name>, not "other.json#/X"',
        ),
        (
            {"properties__fasting__type": None},
            "properties.fasting: has no type (use one of boolean, integer, number, string, array, or a $ref)",
        ),
        (
            {"properties__fasting__type": "date"},
            'properties.fasting.type: unknown type "date" (use boolean, integer, number, string or array)',
        ),
        (
            {"definitions__Result__properties__value__inferenceType": "guess"},
            'definitions.Result.properties.value.inferenceType: must be explicit or inferred, not "guess"',
        ),
        (
            {"properties__count__description": None},
            "properties.count: needs a non-empty instruction (or description) saying what to extract",
        ),
        (
            {"properties__notes__items": {"type": "object"}},
            'properties.notes.items: has type "object"; array items must be boolean, integer, number, string or a $ref',
        ),
        ({"properties__results__items": None}, "properties.results.items: an array needs items"),
        (
            {"properties__inline": {"type": "object", "properties": {}}},
            'properties.inline.type: inline objects are not supported; put the group under "definitions" and $ref it',
        ),
        (
            {"definitions__Result__properties__again": {"$ref": "#/definitions/Result"}},
            "definitions.Result: groups refer to each other in a cycle (Result -> Result)",
        ),
    ],
)
def test_each_rule_names_the_field_path(edits: dict[str, Any], expected: str) -> None:
    found = problems(changed(**edits))
    assert any(p.startswith(expected) for p in found), found


def test_all_problems_are_reported_together() -> None:
    bad = changed(type="thing", properties__fasting__inferenceType="maybe", properties__patient__x=1)
    bad["properties"]["patient"]["$ref"] = "#/definitions/Missing"
    found = problems(bad)
    assert len(found) == 3
    message = str(InvalidSchema(found))
    assert message.startswith("Invalid blueprint schema: type: ") and "properties.patient.$ref" in message
