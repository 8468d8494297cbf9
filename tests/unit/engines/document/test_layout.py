"""Layout rules on hand-placed lines (no PDF or OCR): columns, aligned tables, margins, lists, hyphenation; and
the same rules end to end on a two-column PDF with an unruled table and a figure."""

from __future__ import annotations

from medauto.engines.document.blocks import list_marker
from medauto.engines.document.content import PageContent, StyledLine
from medauto.engines.document.layout import join_lines, layout_pages
from medauto.engines.document.parser import parse_document
from medauto.engines.document.reading_order import find_gutter, reading_order
from medauto.engines.document.tables import find_aligned_tables
from medauto.engines.document.types import Box, ElementKind, Line, TextRole, TextSource
from tests.unit.engines.document.samples import LEFT_COLUMN, RIGHT_COLUMN, VITALS, two_column_pdf

BODY = 0.012  # body text size (fraction of the page height)


def line(text: str, left: float, top: float, width: float, size: float = BODY, bold: bool = False) -> StyledLine:
    return StyledLine(Line(text, Box(left, top, width, size * 1.2)), size=size, bold=bold)


def page(lines: list[StyledLine], index: int = 0) -> PageContent:
    return PageContent(index, 1240, 1754, lines, TextSource.TEXT_LAYER)


def test_two_columns_read_column_by_column() -> None:
    boxes = [Box(0.1, 0.05, 0.8, 0.03)]  # a full-width title
    boxes += [Box(0.1, 0.1 + i * 0.02, 0.38, 0.015) for i in range(5)]  # left column
    boxes += [Box(0.55, 0.1 + i * 0.02, 0.38, 0.015) for i in range(5)]  # right column
    boxes += [Box(0.1, 0.3, 0.8, 0.015)]  # full width again below both
    assert find_gutter(boxes) is not None
    order = [p.index for p in reading_order(boxes)]
    assert order == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert [p.column for p in reading_order(boxes)][:2] == [0, 1]


def test_form_pairs_are_not_columns() -> None:
    # Label/value pairs side by side are read across, row by row.
    boxes = []
    for i in range(6):
        boxes += [Box(0.1, 0.1 + i * 0.03, 0.12, 0.015), Box(0.55, 0.1 + i * 0.03, 0.15, 0.015)]
    assert find_gutter(boxes) is None
    assert [p.index for p in reading_order(boxes)] == list(range(12))


def test_aligned_rows_become_a_table() -> None:
    lines = []
    rows = [("Drug", "Dose", "Route"), ("Aspirin", "81 mg", "PO"), ("Heparin", "5000 units", "SC"),
            ("Insulin", "10 units", "SC")]
    for r, row in enumerate(rows):
        lines += [line(cell, left, 0.2 + r * 0.02, 0.08) for cell, left in zip(row, (0.1, 0.3, 0.5), strict=True)]
    lines.append(line("A closing sentence under the table that runs across the page width.", 0.1, 0.32, 0.7))
    found = find_aligned_tables(lines, list(range(len(lines))))
    assert len(found) == 1
    table, used = found[0]
    assert table.table.rows == tuple(rows)
    assert table.table.header_rows == 1
    assert sorted(used) == list(range(12))
    assert table.box.top == 0.2 and table.box.left == 0.1


def test_wrapped_cell_text_joins_its_cell() -> None:
    # Rows 0.04 apart; the second row's instructions wrap onto a line only 0.015 below.
    lines = [line("Drug", 0.1, 0.20, 0.06), line("Instructions", 0.4, 0.20, 0.1)]
    lines += [line("Aspirin", 0.1, 0.24, 0.06), line("Take one tablet each", 0.4, 0.24, 0.18)]
    lines += [line("morning with food", 0.4, 0.255, 0.15)]
    lines += [line("Heparin", 0.1, 0.295, 0.06), line("Inject at night", 0.4, 0.295, 0.14)]
    lines += [line("Insulin", 0.1, 0.335, 0.06), line("Before meals", 0.4, 0.335, 0.11)]
    ((table, used),) = find_aligned_tables(lines, list(range(len(lines))))
    assert table.table.rows == (
        ("Drug", "Instructions"),
        ("Aspirin", "Take one tablet each morning with food"),
        ("Heparin", "Inject at night"),
        ("Insulin", "Before meals"),
    )
    assert sorted(used) == list(range(9))


def test_running_headers_footers_and_page_numbers() -> None:
    pages = []
    for index in range(3):
        lines = [line("Memorial Hospital Discharge Record", 0.1, 0.03, 0.4, size=0.008)]
        lines += [line(f"Body text line {i} of page {index}.", 0.1, 0.15 + i * 0.02, 0.8) for i in range(4)]
        lines.append(line(f"{index + 1}", 0.49, 0.95, 0.02, size=0.008))
        pages.append(page(lines, index))
    parsed = layout_pages(pages)
    for parsed_page in parsed:
        roles = [e.role for e in parsed_page.elements]
        assert roles == [TextRole.HEADER, TextRole.PARAGRAPH, TextRole.PAGE_NUMBER]
    assert [e.reading_order for p in parsed for e in p.elements] == list(range(9))


def test_lists_with_wrapped_items_and_numbers() -> None:
    lines = [
        line("Instructions", 0.1, 0.1, 0.2, size=0.016, bold=True),
        line("1. Take the tablets with food every", 0.1, 0.13, 0.5),
        line("morning and evening.", 0.13, 0.145, 0.3),
        line("2. Call the clinic if the rash spreads.", 0.1, 0.16, 0.5),
        line("a) Keep the skin dry.", 0.1, 0.175, 0.4),
        line("A paragraph after the list, set apart by a wider gap and long enough.", 0.1, 0.22, 0.8),
    ]
    parsed = layout_pages([page(lines)])
    elements = parsed[0].elements
    assert [e.role for e in elements] == [TextRole.TITLE, TextRole.LIST, TextRole.PARAGRAPH]
    assert elements[1].list_items == (
        "Take the tablets with food every morning and evening.",
        "Call the clinic if the rash spreads.",
        "Keep the skin dry.",
    )
    assert elements[1].line_indices == (1, 2, 3, 4)


def test_section_levels_follow_sizes() -> None:
    lines = [
        line("Annual Report", 0.1, 0.05, 0.3, size=0.03, bold=True),
        line("Results", 0.1, 0.12, 0.2, size=0.02, bold=True),
        line("Blood tests", 0.1, 0.16, 0.2, size=0.015, bold=True),
        line("Values were within the normal range for all of the measured analytes today.", 0.1, 0.19, 0.8),
        line("Imaging", 0.1, 0.24, 0.2, size=0.015, bold=True),
        line("No abnormality was seen on the images that were taken during the visit.", 0.1, 0.27, 0.8),
    ]
    elements = layout_pages([page(lines)])[0].elements
    assert [(e.role, e.heading_level) for e in elements] == [
        (TextRole.TITLE, 1),
        (TextRole.SECTION_TITLE, 2),
        (TextRole.SECTION_TITLE, 3),
        (TextRole.PARAGRAPH, 0),
        (TextRole.SECTION_TITLE, 3),
        (TextRole.PARAGRAPH, 0),
    ]


def test_list_markers_and_hyphenation() -> None:
    assert list_marker("- item") == "- "
    assert list_marker("• item") == "• "
    assert list_marker("12) item") == "12) "
    assert list_marker("1.5 mg daily") is None
    assert list_marker("Dr. Smith") is None
    assert join_lines(["the hyper-", "tension was", "treated"]) == "the hypertension was treated"
    assert join_lines(["follow-", "Up"]) == "follow- Up"


def test_two_column_pdf_end_to_end() -> None:
    elements = parse_document(two_column_pdf()).elements
    assert [(e.kind, e.role) for e in elements] == [
        (ElementKind.TEXT, TextRole.TITLE),
        (ElementKind.TEXT, TextRole.PARAGRAPH),
        (ElementKind.TEXT, TextRole.PARAGRAPH),
        (ElementKind.TABLE, None),
        (ElementKind.TEXT, TextRole.PARAGRAPH),
        (ElementKind.FIGURE, None),
    ]
    assert elements[1].text == LEFT_COLUMN
    assert elements[2].text == RIGHT_COLUMN
    assert elements[1].box.right < 0.5 < elements[2].box.left
    table = elements[3].table
    assert table is not None and table.rows == VITALS and table.header_rows == 1
    figure = elements[5].box
    # 100 x 50 mm at (15 mm, below the text) on a 210 x 297 mm page.
    assert abs(figure.width - 100 / 210) < 0.01 and abs(figure.height - 50 / 297) < 0.01


def test_capitals_mark_headings_only_where_rare() -> None:
    def blocks(texts: list[str]) -> list[TextRole | None]:
        lines = [line(text, 0.1, 0.1 + i * 0.05, 0.5) for i, text in enumerate(texts)]
        return [e.role for e in layout_pages([page(lines)])[0].elements]

    mixed = ["Some opening words of the note here", "ALLERGIES", "No known drug allergies were reported today",
             "Patient lives alone and walks daily"]
    assert blocks(mixed) == [TextRole.PARAGRAPH, TextRole.SECTION_TITLE, TextRole.PARAGRAPH, TextRole.PARAGRAPH]
    receipt = ["GROCERY MART SDN BHD", "TAX INVOICE", "RICE 5KG 19.90", "TOTAL 19.90"]
    assert blocks(receipt) == [TextRole.PARAGRAPH] * 4
