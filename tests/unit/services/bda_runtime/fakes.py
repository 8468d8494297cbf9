"""A hand-built parsed document, so runtime tests exercise formatting and plumbing without OCR models."""

from __future__ import annotations

from medauto.engines.document.types import (
    Box,
    Element,
    ElementKind,
    FileType,
    Line,
    Page,
    ParsedDocument,
    Table,
    TextRole,
    TextSource,
    Word,
)


def _line(text: str, top: float, left: float = 0.1) -> Line:
    words, x = [], left
    for token in text.split():
        width = 0.012 * len(token)
        words.append(Word(token, Box(x, top, width, 0.02), 0.99))
        x += width + 0.01
    return Line(text, Box(left, top, x - left, 0.02), tuple(words), 0.98)


def sample_document(file_type: FileType = FileType.PDF) -> ParsedDocument:
    first_lines = (
        _line("Discharge Summary", 0.05),
        _line("Patient was admitted with chest pain and treated with aspirin.", 0.15),
        _line("- aspirin 81 mg daily", 0.25),
        _line("- metoprolol 25 mg twice daily", 0.28),
    )
    table = Table((("Test", "Result", "Unit"), ("Troponin", "0.02", "ng/mL"), ("Sodium", "139", "mmol/L")), 1)
    first = Page(
        0,
        1700,
        2200,
        first_lines,
        (
            Element(ElementKind.TEXT, "Discharge Summary", first_lines[0].box, 0, 0, TextRole.TITLE, None, (0,), 1),
            Element(ElementKind.TEXT, first_lines[1].text, first_lines[1].box, 0, 1, TextRole.PARAGRAPH, None, (1,)),
            Element(
                ElementKind.TEXT,
                "aspirin 81 mg daily\nmetoprolol 25 mg twice daily",
                first_lines[2].box.union(first_lines[3].box),
                0,
                2,
                TextRole.LIST,
                None,
                (2, 3),
                list_items=("aspirin 81 mg daily", "metoprolol 25 mg twice daily"),
            ),
            Element(ElementKind.TABLE, "Test\tResult\tUnit", Box(0.1, 0.4, 0.6, 0.1), 0, 3, None, table),
        ),
        TextSource.TEXT_LAYER,
    )
    second_lines = (_line("Follow-up", 0.05), _line("Return to clinic in two weeks for a blood pressure check.", 0.1))
    second = Page(
        1,
        1700,
        2200,
        second_lines,
        (
            Element(ElementKind.TEXT, "Follow-up", second_lines[0].box, 1, 4, TextRole.SECTION_TITLE, None, (0,), 2),
            Element(ElementKind.TEXT, second_lines[1].text, second_lines[1].box, 1, 5, TextRole.PARAGRAPH, None, (1,)),
        ),
    )
    return ParsedDocument(file_type, (first, second))


def sample_image() -> ParsedDocument:
    lines = (_line("ROUKEA CAFE", 0.1), _line("TOTAL 12.50", 0.5))
    page = Page(0, 640, 480, lines, (), TextSource.OCR)
    return ParsedDocument(FileType.PNG, (page,))


def fake_parser(data: bytes, max_pages: int | None = None) -> ParsedDocument:
    if data.startswith(b"\x89PNG"):
        return sample_image()
    return sample_document()


PDF = b"%PDF-1.7\n% fake body, parsed by fake_parser\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
