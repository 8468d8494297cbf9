import json

from medauto.engines.document.types import Box, ParsedDocument
from medauto.engines.extraction.result import StaticExtractor
from medauto.engines.extraction.schema import BlueprintSchema
from medauto.services.bda_runtime.custom_output import BlueprintStage, load_blueprints
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.options import InvocationOptions
from medauto.services.bda_runtime.processing import process_asset
from tests.unit.services.bda_runtime.fakes import PDF, fake_parser, sample_document

ARN = "arn:aws:bedrock:us-east-1:123456789012:blueprint/0123456789ab"
SCHEMA = {
    "class": "Discharge summary",
    "description": "A hospital discharge summary",
    "type": "object",
    "definitions": {"Med": {"type": "object", "properties": {
        "drug": {"type": "string", "inferenceType": "explicit", "instruction": "Drug name"}}}},
    "properties": {
        "title": {"type": "string", "inferenceType": "explicit", "instruction": "The document title"},
        "troponin": {"type": "number", "inferenceType": "explicit", "instruction": "Troponin result"},
        "medications": {
            "type": "array", "instruction": "Discharge medications", "items": {"$ref": "#/definitions/Med"}
        },
    },
}


def never(document: ParsedDocument, candidates: list[BlueprintSchema]) -> tuple[int | None, float]:
    return None, 0.1


def test_a_single_blueprint_is_applied_and_explained() -> None:
    [blueprint] = load_blueprints([{"blueprintArn": ARN, "blueprintName": "discharge", "schema": json.dumps(SCHEMA)}])
    stage = BlueprintStage([blueprint], StaticExtractor({("title",): "Discharge Summary", ("troponin",): 0.02}), never)
    status, out = stage.extract(sample_document(), (0, 1))
    assert status == "MATCH" and out is not None
    assert out["matched_blueprint"] == {"arn": ARN, "name": "discharge", "confidence": 0.1}
    assert out["document_class"] == {"type": "Discharge summary"}
    assert out["split_document"] == {"page_indices": [0, 1]}
    assert out["inference_result"] == {"title": "Discharge Summary", "troponin": 0.02, "medications": ""}
    explained = out["explainability_info"][0]
    assert explained["troponin"] == {"success": True, "confidence": 0.9, "type": "number", "value": 0.02}
    assert explained["medications"]["value"] == ""


def test_geometry_is_camel_case_with_one_based_pages() -> None:
    from medauto.engines.extraction.result import FieldEvidence
    from medauto.engines.extraction.schema import FieldType
    from medauto.services.bda_runtime.custom_output import _explain

    out = _explain(FieldEvidence("12.50", 0.8, FieldType.STRING, "12.50", 2, Box(0.5, 0.25, 0.1, 0.02)))
    assert out["geometry"] == [{"boundingBox": {"top": 0.25, "left": 0.5, "width": 0.1, "height": 0.02}, "page": 3}]


def test_no_match_among_several_blueprints_gives_no_custom_output() -> None:
    loaded = load_blueprints([
        {"blueprintArn": ARN, "blueprintName": "a", "schema": json.dumps(SCHEMA)},
        {"blueprintArn": ARN.replace("0123", "4567"), "blueprintName": "b", "schema": json.dumps(SCHEMA)},
    ])
    stage = BlueprintStage(loaded, StaticExtractor({}), never)
    result = process_asset(PDF, InvocationOptions(), AssetInfo(), parser=fake_parser, custom=stage)
    [segment] = result.segments
    assert segment.custom_status == "NO_MATCH" and segment.custom is None
