"""Born-digital PDFs through the public entry point: words, lines, roles, tables, boxes, reading order."""

from __future__ import annotations

import pytest

from medauto.engines.document.parser import parse_document
from medauto.engines.document.types import (
    Box,
    ElementKind,
    FileType,
    ParsedDocument,
    TextRole,
    TextSource,
)
from tests.unit.engines.document.samples import HPI, LAB_ROWS, MEDICATIONS, PLAN, clinical_pdf


@pytest.fixture(scope="module")
def parsed() -> ParsedDocument:
    return parse_document(clinical_pdf())


def _inside_unit(box: Box) -> bool:
    return 0 <= box.left <= box.right <= 1 and 0 <= box.top <= box.bottom <= 1 and box.width > 0 and box.height > 0


def test_pages_metadata_and_sizes(parsed: ParsedDocument) -> None:
    assert parsed.file_type is FileType.PDF
    assert len(parsed.pages) == 2
    assert parsed.metadata["title"] == "Discharge Summary"
    assert parsed.metadata["author"] == "Dr. Test"
    page = parsed.pages[0]
    assert page.source is TextSource.TEXT_LAYER
    # A4 (595 x 842 pt) reported at 150 dpi.
    assert (page.width_px, page.height_px) == (1240, 1754)


def test_roles_in_reading_order(parsed: ParsedDocument) -> None:
    roles = [(e.kind, e.role, e.text.split("\n")[0][:31]) for e in parsed.elements]
    assert roles == [
        (ElementKind.TEXT, TextRole.HEADER, "Riverside Clinic - Confidential"),
        (ElementKind.TEXT, TextRole.TITLE, "Discharge Summary"),
        (ElementKind.TEXT, TextRole.SECTION_TITLE, "History of Present Illness"),
        (ElementKind.TEXT, TextRole.PARAGRAPH, HPI[:31]),
        (ElementKind.TEXT, TextRole.SECTION_TITLE, "Medications"),
        (ElementKind.TEXT, TextRole.LIST, "- Aspirin 81 mg daily"),
        (ElementKind.TEXT, TextRole.SECTION_TITLE, "Laboratory Results"),
        (ElementKind.TABLE, None, "Test\tValue\tUnit"),
        (ElementKind.TEXT, TextRole.PAGE_NUMBER, "Page 1 of 2"),
        (ElementKind.TEXT, TextRole.HEADER, "Riverside Clinic - Confidential"),
        (ElementKind.TEXT, TextRole.SECTION_TITLE, "Plan"),
        (ElementKind.TEXT, TextRole.PARAGRAPH, PLAN[:31]),
        (ElementKind.TEXT, TextRole.PAGE_NUMBER, "Page 2 of 2"),
    ]
    assert [e.reading_order for e in parsed.elements] == list(range(13))
    assert [e.page_index for e in parsed.elements] == [0] * 9 + [1] * 4


def test_paragraph_text_is_whole(parsed: ParsedDocument) -> None:
    paragraphs = [e for e in parsed.elements if e.role is TextRole.PARAGRAPH]
    assert [p.text for p in paragraphs] == [HPI, PLAN]
    # The paragraph wraps over several lines, and its box holds all of them.
    first = paragraphs[0]
    assert len(first.line_indices) >= 3
    lines = parsed.pages[0].lines
    assert " ".join(lines[i].text for i in first.line_indices) == HPI
    for i in first.line_indices:
        assert first.box.union(lines[i].box) == first.box


def test_heading_levels(parsed: ParsedDocument) -> None:
    title = next(e for e in parsed.elements if e.role is TextRole.TITLE)
    sections = [e for e in parsed.elements if e.role is TextRole.SECTION_TITLE]
    assert title.heading_level == 1
    assert {s.heading_level for s in sections} == {2}
    assert all(e.heading_level == 0 for e in parsed.elements if e.role is TextRole.PARAGRAPH)


def test_list_items(parsed: ParsedDocument) -> None:
    lists = [e for e in parsed.elements if e.role is TextRole.LIST]
    assert len(lists) == 1
    assert lists[0].list_items == MEDICATIONS


def test_ruled_table_cells(parsed: ParsedDocument) -> None:
    (table,) = [e for e in parsed.elements if e.kind is ElementKind.TABLE]
    assert table.table is not None
    assert table.table.rows == LAB_ROWS
    assert table.table.header_rows == 1
    assert table.text.split("\n")[1] == "Hemoglobin\t12.4\tg/dL"
    # The table sits below its heading, left half of the page, and owns the lines of its cells.
    heading = next(e for e in parsed.elements if e.text == "Laboratory Results")
    assert heading.box.bottom < table.box.top
    assert 0.05 < table.box.left < 0.1 and 0.6 < table.box.width < 0.75
    cell_words = {w.text for i in table.line_indices for w in parsed.pages[0].lines[i].words}
    assert {"Hemoglobin", "12.4", "Creatinine", "mg/dL"} <= cell_words


def test_words_and_boxes(parsed: ParsedDocument) -> None:
    for page in parsed.pages:
        for line in page.lines:
            assert _inside_unit(line.box)
            assert line.text == " ".join(w.text for w in line.words)
            for word in line.words:
                assert _inside_unit(word.box) and line.box.union(word.box) == line.box
                assert word.confidence == 1.0
        for element in page.elements:
            assert _inside_unit(element.box)
    title = next(e for e in parsed.elements if e.role is TextRole.TITLE)
    # 22 pt title on an A4 page: about 0.026 of the page height, left margin 15 mm.
    assert 0.02 < title.box.height < 0.035
    assert title.box.left == pytest.approx(15 / 210, abs=0.01)
    footer = parsed.elements[8]
    assert footer.box.top > 0.95 and abs(footer.box.left + footer.box.width / 2 - 0.5) < 0.02


def test_page_lines_follow_reading_order(parsed: ParsedDocument) -> None:
    page = parsed.pages[0]
    indices = [i for e in page.elements for i in e.line_indices]
    assert indices == list(range(len(page.lines)))
    assert page.lines[0].text == "Riverside Clinic - Confidential"
    assert page.lines[1].text == "Discharge Summary"


def test_max_pages(parsed: ParsedDocument) -> None:
    first = parse_document(clinical_pdf(), max_pages=1)
    assert len(first.pages) == 1
    assert first.pages[0].text == parsed.pages[0].text


def test_word_split_by_a_font_change_is_one_word() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_xy(20, 20)
    pdf.set_font("Helvetica", "B", 11)
    pdf.write(6, "Grant of License")
    pdf.set_font("Helvetica", size=11)
    pdf.write(6, ". Subject to the terms of this agreement.")
    (line,) = parse_document(bytes(pdf.output())).pages[0].lines
    assert line.text == "Grant of License. Subject to the terms of this agreement."
    assert [w.text for w in line.words][:4] == ["Grant", "of", "License.", "Subject"]


def test_parallel_parses_agree(parsed: ParsedDocument) -> None:
    # Request handlers run in threads; PDFium is not thread-safe, so the engine must serialise its calls.
    from concurrent.futures import ThreadPoolExecutor

    data = clinical_pdf()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: parse_document(data), range(8)))
    assert all(result.pages == parsed.pages for result in results)
