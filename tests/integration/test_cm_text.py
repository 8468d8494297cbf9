"""Comprehend Medical's synchronous text operations end to end: boto3 -> real server -> real engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Server

pytestmark = pytest.mark.integration

NOTE = (
    "Pt John Smith is a 67 y/o male with history of hypertension. He denies chest pain. "
    "Takes aspirin 81 mg PO daily. Mother had breast cancer. Naïve patient from Zürich, BP 130/85 mmHg."
)


@pytest.fixture(scope="module")
def cm(server: Server) -> Any:
    return server.client("comprehendmedical", read_timeout=120)


def by_text(entities: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return next(e for e in entities if e["Text"] == text)


def check_offsets(text: str, items: list[dict[str, Any]]) -> None:
    for item in items:
        assert text[item["BeginOffset"] : item["EndOffset"]] == item["Text"]
        for attribute in item.get("Attributes", []):
            assert text[attribute["BeginOffset"] : attribute["EndOffset"]] == attribute["Text"]


def test_detect_entities_v2(cm: Any) -> None:
    out = cm.detect_entities_v2(Text=NOTE)
    entities = out["Entities"]
    check_offsets(NOTE, entities)
    assert out["ModelVersion"]
    assert [e["BeginOffset"] for e in entities] == sorted(e["BeginOffset"] for e in entities)
    assert by_text(entities, "hypertension")["Category"] == "MEDICAL_CONDITION"
    pain = by_text(entities, "chest pain")
    assert "NEGATION" in {t["Name"] for t in pain["Traits"]}
    aspirin = by_text(entities, "aspirin")
    assert aspirin["Type"] == "GENERIC_NAME"
    relations = {a["RelationshipType"]: a["Text"] for a in aspirin["Attributes"]}
    assert relations["DOSAGE"] == "81 mg"
    assert relations["ROUTE_OR_MODE"] == "PO"
    assert "PERTAINS_TO_FAMILY" in {t["Name"] for t in by_text(entities, "breast cancer")["Traits"]}
    assert by_text(entities, "John Smith")["Type"] == "NAME"
    for entity in entities:
        assert 0 < entity["Score"] <= 1


def test_detect_entities_v2_over_cbor_matches_json(server: Server, cm: Any, tmp_path: Path) -> None:
    cbor = server.client("comprehendmedical", cbor_models=tmp_path, read_timeout=120)
    assert cbor.detect_entities_v2(Text=NOTE)["Entities"] == cm.detect_entities_v2(Text=NOTE)["Entities"]


def test_detect_phi(cm: Any) -> None:
    text = "Patient Maria Lopez (MRN 00123456) can be reached at 555-123-4567 or maria.lopez@example.com."
    entities = cm.detect_phi(Text=text)["Entities"]
    check_offsets(text, entities)
    types = {e["Type"] for e in entities}
    assert {"NAME", "PHONE_OR_FAX", "EMAIL"} <= types
    assert all(e["Category"] == "PROTECTED_HEALTH_INFORMATION" for e in entities)


def test_detect_phi_leaves_drug_names_that_are_first_names(cm: Any) -> None:
    text = "Continue Allegra 180 mg daily and Lyrica 75 mg twice daily. Seen by Dr. Allegra Smith."
    entities = cm.detect_phi(Text=text)["Entities"]
    check_offsets(text, entities)
    names = [e["Text"] for e in entities if e["Type"] == "NAME"]
    assert names == ["Allegra Smith"]


def test_detect_entities_v1_reports_acuity_as_an_entity(cm: Any) -> None:
    text = "Acute pain in the left knee."
    v1 = {e["Type"] for e in cm.detect_entities(Text=text)["Entities"]}
    v2 = {e["Type"] for e in cm.detect_entities_v2(Text=text)["Entities"]}
    assert "DIRECTION" in v1
    assert "DIRECTION" not in v2


def test_infer_icd10cm(cm: Any) -> None:
    text = "History of hypertension and type 2 diabetes. Denies chest pain."
    out = cm.infer_icd10_cm(Text=text)
    entities = out["Entities"]
    check_offsets(text, entities)
    codes = {e["Text"]: e["ICD10CMConcepts"][0]["Code"] for e in entities}
    assert codes["hypertension"] == "I10"
    assert codes["type 2 diabetes"] == "E11.9"
    assert codes["chest pain"] == "R07.9"
    pain = by_text(entities, "chest pain")
    assert "NEGATION" in {t["Name"] for t in pain["Traits"]}


def test_text_limits_are_utf8_bytes(cm: Any) -> None:
    # 10,000 characters but 20,000 bytes is fine; one more multi-byte character is not.
    ok = "é" * 10_000
    assert cm.detect_phi(Text=ok)["Entities"] == []
    with pytest.raises(ClientError) as info:
        cm.detect_phi(Text="é" * 10_001)
    assert info.value.response["Error"]["Code"] == "TextSizeLimitExceededException"
    with pytest.raises(ClientError) as info:
        cm.infer_icd10_cm(Text="x" * 10_001)
    assert info.value.response["Error"]["Code"] == "TextSizeLimitExceededException"


def test_invalid_encoding(cm: Any) -> None:
    # botocore sends str as JSON with ensure_ascii, so a lone surrogate travels as "\\ud800".
    with pytest.raises(ClientError) as info:
        cm.detect_entities_v2(Text="pain \ud800 here")
    assert info.value.response["Error"]["Code"] == "InvalidEncodingException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_infer_rxnorm_with_the_demo_vocabulary(cm: Any) -> None:
    text = "Takes aspirin 81 mg PO daily and Lipitor 20 mg at bedtime. No metformin."
    out = cm.infer_rx_norm(Text=text)
    entities = out["Entities"]
    check_offsets(text, entities)
    by_name = {e["Text"]: e for e in entities}
    assert by_name["aspirin"]["RxNormConcepts"][0]["Code"] in ("243670", "1191")
    assert {a["Type"] for a in by_name["aspirin"]["Attributes"]} >= {"DOSAGE", "ROUTE_OR_MODE", "FREQUENCY"}
    assert all("Category" not in a for a in by_name["aspirin"]["Attributes"])
    assert by_name["Lipitor"]["Type"] == "BRAND_NAME"
    assert "NEGATION" in {t["Name"] for t in by_name["metformin"]["Traits"]}


def test_infer_snomedct_with_the_demo_vocabulary(cm: Any) -> None:
    text = "History of hypertension. Complains of chest pain."
    out = cm.infer_snomedct(Text=text)
    codes = {e["Text"]: e["SNOMEDCTConcepts"][0]["Code"] for e in out["Entities"]}
    assert codes["hypertension"] == "38341003"
    assert codes["chest pain"] == "29857009"
    assert out["SNOMEDCTDetails"]["VersionDate"]
    assert out["Characters"]["OriginalTextCharacters"] == len(text)
