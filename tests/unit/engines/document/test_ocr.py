"""Images and scanned PDFs through OCR (rapidocr's bundled models): text, word boxes, roles, multi-page TIFF."""

from __future__ import annotations

import pytest
from PIL import Image

from medauto.engines.document.ocr import split_words
from medauto.engines.document.parser import parse_document
from medauto.engines.document.types import Box, FileType, ParsedDocument, TextRole, TextSource
from tests.unit.engines.document.samples import SCAN_LINES, encode, multipage_tiff, page_image, scanned_pdf

BODY = [text for text, _, bold in SCAN_LINES if text and not bold]


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return page_image(SCAN_LINES)


@pytest.fixture(scope="module")
def png(page: Image.Image) -> ParsedDocument:
    return parse_document(encode(page, "PNG"))


def test_png_lines_read_exactly(png: ParsedDocument) -> None:
    assert png.file_type is FileType.PNG
    (only,) = png.pages
    assert only.source is TextSource.OCR
    assert (only.width_px, only.height_px) == (1240, 1754)
    assert [line.text for line in only.lines] == [text for text, _, _ in SCAN_LINES if text]
    assert all(line.confidence > 0.9 for line in only.lines)


def test_png_word_boxes(png: ParsedDocument) -> None:
    line = next(line for line in png.pages[0].lines if line.text.startswith("The lungs"))
    assert [w.text for w in line.words] == ["The", "lungs", "are", "clear", "without", "focal", "consolidation."]
    lefts = [w.box.left for w in line.words]
    assert lefts == sorted(lefts)
    for word in line.words:
        assert 0 < word.box.width < 0.2 and 0.005 < word.box.height < 0.05
        assert line.box.left - 0.005 <= word.box.left and word.box.right <= line.box.right + 0.005
    # Drawn at x=110 px on a 1240 px page, 26 px text: the line starts near 0.089 of the width.
    assert line.box.left == pytest.approx(110 / 1240, abs=0.01)


def test_png_roles(png: ParsedDocument) -> None:
    summary = [(e.role, e.heading_level, e.text) for e in png.elements]
    assert summary[0] == (TextRole.TITLE, 1, "Radiology Report")
    assert summary[1] == (TextRole.SECTION_TITLE, 2, "Findings")
    assert (TextRole.SECTION_TITLE, 2, "Impression") in summary
    paragraphs = [text for role, _, text in summary if role is TextRole.PARAGRAPH]
    assert " ".join(paragraphs) == " ".join(BODY)
    assert [e.reading_order for e in png.elements] == list(range(len(png.elements)))


def test_jpeg_and_scanned_pdf_read_the_same_text(page: Image.Image, png: ParsedDocument) -> None:
    jpeg = parse_document(encode(page, "JPEG", quality=85))
    assert jpeg.file_type is FileType.JPEG
    assert jpeg.text == png.text
    scan = parse_document(scanned_pdf([page]))
    assert scan.file_type is FileType.PDF
    assert scan.pages[0].source is TextSource.OCR
    assert scan.text == png.text


def test_multipage_tiff() -> None:
    first = page_image([("Page one says hello", 30, False)], size=(900, 400))
    second = page_image([("Second page text here", 30, False)], size=(900, 400))
    parsed = parse_document(multipage_tiff([first, second]))
    assert parsed.file_type is FileType.TIFF
    assert [p.text for p in parsed.pages] == ["Page one says hello", "Second page text here"]
    assert [p.index for p in parsed.pages] == [0, 1]
    assert [e.page_index for e in parsed.elements] == [0, 1]
    assert len(parse_document(multipage_tiff([first, second]), max_pages=1).pages) == 1


def test_ocr_off_keeps_pages_without_text(page: Image.Image) -> None:
    parsed = parse_document(scanned_pdf([page, page]), ocr=False)
    assert [len(p.lines) for p in parsed.pages] == [0, 0]
    assert parsed.pages[0].width_px == 1240


def test_proportional_word_boxes() -> None:
    words = split_words("ab  cdef", Box(0.1, 0.2, 0.8, 0.05), 0.9)
    assert [w.text for w in words] == ["ab", "cdef"]
    assert words[0].box == Box(0.1, 0.2, 0.2, 0.05)
    assert words[1].box.left == pytest.approx(0.5) and words[1].box.width == pytest.approx(0.4)
    assert all(w.confidence == 0.9 for w in words)


def test_scan_with_a_stamp_is_still_ocred() -> None:
    image = page_image([("Referral letter for cardiology", 40, False)])
    parsed = parse_document(scanned_pdf([image], stamp="FAX 03/14/2024"))
    assert parsed.pages[0].source is TextSource.OCR
    assert "Referral letter for cardiology" in parsed.text
    assert "FAX 03/14/2024" in parsed.text  # the stamp is on the rendered page, so OCR reads it too


def test_table_in_an_image() -> None:
    from PIL import ImageDraw

    from tests.unit.engines.document.samples import font

    rows = [("Drug", "Dose", "Route"), ("Aspirin", "81 mg", "PO"), ("Heparin", "5000 units", "SC"),
            ("Insulin", "10 units", "SC")]
    image = Image.new("RGB", (1000, 420), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 30), "Medication administration record for the day", font=font(28), fill="black")
    for r, row in enumerate(rows):
        for cell, x in zip(row, (60, 400, 700), strict=True):
            draw.text((x, 120 + r * 60), cell, font=font(28, bold=r == 0), fill="black")
    parsed = parse_document(encode(image, "PNG"))
    tables = [e for e in parsed.elements if e.table is not None]
    assert len(tables) == 1
    assert tables[0].table is not None and tables[0].table.rows == tuple(rows)
    assert tables[0].table.header_rows == 1
    assert parsed.elements[0].text == "Medication administration record for the day"


def test_photo_on_a_scan_is_a_figure_and_a_ruled_grid_is_not() -> None:
    from PIL import ImageDraw

    image = page_image([("Wound assessment photograph", 34, False)], size=(1000, 1200))
    draw = ImageDraw.Draw(image)
    for y in range(300, 600, 4):  # a photo: dense, varied ink
        draw.line([(100, y), (500, y)], fill=(60 + y % 90, 40, 30), width=3)
    draw.rectangle([100, 300, 500, 600], outline="black", width=2)
    for x in range(100, 900, 200):  # an empty ruled grid lower down
        draw.line([(x, 750), (x, 1050)], fill="black", width=2)
    for y in range(750, 1100, 100):
        draw.line([(100, y), (900, y)], fill="black", width=2)
    parsed = parse_document(encode(image, "PNG"))
    figures = [e for e in parsed.elements if e.kind == "FIGURE"]
    assert len(figures) == 1
    box = figures[0].box
    assert abs(box.left - 0.1) < 0.02 and abs(box.top - 0.25) < 0.02
    assert abs(box.width - 0.4) < 0.03 and abs(box.height - 0.25) < 0.03
    assert parsed.elements[0].text == "Wound assessment photograph"


def test_transparent_png_reads_on_white() -> None:
    from PIL import ImageDraw

    from tests.unit.engines.document.samples import font

    image = Image.new("RGBA", (700, 160), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((40, 50), "Allergies: penicillin", font=font(34), fill=(0, 0, 0, 255))
    assert parse_document(encode(image, "PNG")).text == "Allergies: penicillin"


def test_ocr_models_ship_in_the_wheel() -> None:
    from pathlib import Path

    import rapidocr

    from medauto.engines.document.ocr import ocr_engine

    models = Path(rapidocr.__file__).parent / "models"
    assert {"PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"} <= {p.name for p in models.iterdir()}
    engine = ocr_engine()
    assert Path(engine.cfg.Global.model_root_dir) == models


def test_pages_turned_sideways_or_upside_down_are_read_upright() -> None:
    lines = [("Discharge medications", 30, True), ("Aspirin 81 mg by mouth daily", 26, False)]
    image = page_image(lines, size=(620, 330))
    expected = "Discharge medications\nAspirin 81 mg by mouth daily"
    for angle in (180, 270):  # the two paths: poor reading, and tall boxes (90 takes the same path as 270)
        parsed = parse_document(encode(image.rotate(angle, expand=True), "PNG"))
        assert parsed.text == expected, angle
        page = parsed.pages[0]
        assert (page.width_px, page.height_px) == (620, 330), angle
        assert page.lines[0].box.top < page.lines[1].box.top


def test_typed_and_scanned_pages_in_one_pdf(page: Image.Image) -> None:
    from tests.unit.engines.document.samples import typed_then_scanned_pdf

    parsed = parse_document(typed_then_scanned_pdf(page))
    assert [p.source for p in parsed.pages] == [TextSource.TEXT_LAYER, TextSource.OCR]
    # Font sizes (typed page) and x-heights (scanned page) are each compared with their own page kind's body:
    # measured against the scan's smaller x-heights, the typed body line would pass for a heading.
    typed = [(e.role, e.text) for e in parsed.pages[0].elements]
    assert typed == [
        (TextRole.TITLE, "Referral Letter"),
        (TextRole.PARAGRAPH, "Patient seen in clinic today"),
        (TextRole.PARAGRAPH, "Please review the attached report."),
    ]
    scanned = [(e.role, e.text) for e in parsed.pages[1].elements]
    assert scanned[:2] == [(TextRole.SECTION_TITLE, "Radiology Report"), (TextRole.SECTION_TITLE, "Findings")]
    assert [text for role, text in scanned if role is TextRole.PARAGRAPH] == [
        "The lungs are clear without focal consolidation. There is no pleural effusion or pneumothorax. Heart size "
        "is normal.",
        "No acute cardiopulmonary process.",
    ]


@pytest.mark.parametrize(
    ("fmt", "mode", "options"),
    [("TIFF", "1", {"compression": "group4"}), ("JPEG", "CMYK", {}), ("WEBP", "RGB", {})],
)
def test_fax_cmyk_and_webp_images(fmt: str, mode: str, options: dict[str, object]) -> None:
    image = page_image([("Fax cover sheet", 30, False)], size=(500, 160)).convert(mode)
    assert parse_document(encode(image, fmt, **options)).text == "Fax cover sheet"


def test_blank_and_tiny_images_have_no_lines() -> None:
    parsed = parse_document(encode(Image.new("RGB", (8, 8), "white"), "PNG"))
    assert parsed.pages[0].lines == () and parsed.elements == ()
