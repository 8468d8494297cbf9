import json

import pytest

from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.modality import Modality
from medauto.services.bda_runtime.options import InvocationOptions
from medauto.services.bda_runtime.processing import AssetError, Limits, process_asset
from tests.unit.services.bda_runtime.fakes import PDF, PNG, fake_parser


def _project(**document: object) -> dict[str, object]:
    return {"projectArn": "arn:aws:bedrock:us-east-1:123456789012:data-automation-project/abc123abc123",
            "standardOutputConfiguration": {"document": document}}


def test_document_defaults_give_pages_and_elements_in_markdown() -> None:
    result = process_asset(PDF, InvocationOptions(), AssetInfo("0", "in", "notes/a.pdf"), parser=fake_parser)
    assert result.modality is Modality.DOCUMENT
    [segment] = result.segments
    out = segment.standard
    assert out["metadata"] == {
        "asset_id": "0", "logical_subdocument_id": "0", "semantic_modality": "DOCUMENT", "s3_bucket": "in",
        "s3_key": "notes/a.pdf", "number_of_pages": 2, "start_page_index": 0, "end_page_index": 1, "file_type": "PDF",
    }
    assert out["document"]["statistics"] == {
        "element_count": 6, "table_count": 1, "figure_count": 0, "hyperlink_count": 0
    }
    assert "text_lines" not in out and "representation" not in out["document"]
    assert [p["page_index"] for p in out["pages"]] == [0, 1]
    assert out["pages"][0]["representation"]["markdown"].startswith("# Discharge Summary\n\nPatient was admitted")
    kinds = [(e["type"], e.get("sub_type")) for e in out["elements"]]
    assert kinds == [("TEXT", "TITLE"), ("TEXT", "PARAGRAPH"), ("TEXT", "LIST"), ("TABLE", None),
                     ("TEXT", "SECTION_TITLE"), ("TEXT", "PARAGRAPH")]
    assert [e["reading_order"] for e in out["elements"]] == list(range(6))
    table = out["elements"][3]
    assert table["headers"] == ["Test", "Result", "Unit"]
    assert table["representation"]["markdown"].splitlines()[2] == "| Troponin | 0.02 | ng/mL |"
    assert out["elements"][2]["representation"]["markdown"] == "- aspirin 81 mg daily\n- metoprolol 25 mg twice daily"
    assert out["elements"][4]["representation"]["markdown"] == "## Follow-up"
    # Without bounding boxes, locations name only the page.
    assert out["elements"][0]["locations"] == [{"page_index": 0}]
    assert segment.custom is None and segment.custom_status is None
    json.dumps(out)  # the result must be JSON-serialisable as written to S3


def test_granularity_formats_and_boxes_follow_the_project() -> None:
    options = InvocationOptions.from_project(
        _project(
            extraction={"granularity": {"types": ["DOCUMENT", "LINE", "WORD"]}, "boundingBox": {"state": "ENABLED"}},
            outputFormat={"textFormat": {"types": ["PLAIN_TEXT", "HTML", "CSV"]},
                          "additionalFileFormat": {"state": "DISABLED"}},
            generativeField={"state": "ENABLED"},
        ),
    )
    out = process_asset(PDF, options, AssetInfo(), parser=fake_parser).segments[0].standard
    assert "pages" not in out and "elements" not in out
    rep = out["document"]["representation"]
    assert set(rep) == {"text", "html"}
    assert rep["html"].startswith("<html><body><h1>Discharge Summary</h1><p>Patient")
    assert "<table><tr><th>Test</th>" in rep["html"]
    assert "Troponin\t0.02\tng/mL" in rep["text"]
    # The extractive summary is made of the document's own sentences.
    assert "Patient was admitted with chest pain and treated with aspirin." in out["document"]["summary"]
    assert len(out["document"]["description"].split()) <= 10
    assert len(out["text_lines"]) == 6 and out["text_lines"][0]["text"] == "Discharge Summary"
    word = out["text_words"][0]
    assert word["text"] == "Discharge" and word["line_id"] == out["text_lines"][0]["id"]
    box = word["locations"][0]["bounding_box"]
    assert 0 <= box["left"] < box["left"] + box["width"] <= 1
    assert len(word["locations"][0]["polygon"]) == 4


def test_image_gets_text_detection_and_an_ocr_based_summary() -> None:
    result = process_asset(PNG, InvocationOptions(), AssetInfo(), parser=fake_parser)
    assert result.modality is Modality.IMAGE
    out = result.segments[0].standard
    assert out["metadata"]["image_encoding"] == "png"
    assert (out["metadata"]["image_width_pixels"], out["metadata"]["image_height_pixels"]) == (640, 480)
    assert [line["text"] for line in out["image"]["text_lines"]] == ["ROUKEA CAFE", "TOTAL 12.50"]
    assert out["statistics"]["word_count"] == 4 and out["statistics"]["line_count"] == 2
    assert out["image"]["summary"].startswith("Text-based description (OCR)")
    assert "ROUKEA CAFE" in out["image"]["summary"]


def test_modality_routing_sends_png_to_the_document_path() -> None:
    options = InvocationOptions.from_project(
        {"overrideConfiguration": {"modalityRouting": {"png": "DOCUMENT"}}}
    )
    assert process_asset(PNG, options, AssetInfo(), parser=fake_parser).modality is Modality.DOCUMENT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, plain text", "Unsupported file format"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "could not be read as audio"),
    ],
)
def test_bad_assets_are_the_callers_error(data: bytes, message: str) -> None:
    with pytest.raises(AssetError, match=message):
        process_asset(data, InvocationOptions(), AssetInfo(), parser=fake_parser)


def test_size_limits_apply_per_modality() -> None:
    with pytest.raises(AssetError, match="limit is 16 bytes"):
        process_asset(PNG + b"x" * 64, InvocationOptions(), AssetInfo(), parser=fake_parser,
                      limits=Limits(image_bytes=16))
    with pytest.raises(AssetError, match="more than 1 pages"):
        process_asset(PDF, InvocationOptions(), AssetInfo(), parser=fake_parser, limits=Limits(document_pages=1))
