"""What a document parser produces, with no AWS shapes: the BDA services format it, extractors read it.

Coordinates are fractions of the page (0-1, origin top-left), as BDA reports them, so consumers never need the
page's pixel size to place a box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FileType(StrEnum):
    PDF = "PDF"
    PNG = "PNG"
    JPEG = "JPEG"
    TIFF = "TIFF"
    WEBP = "WEBP"


class ElementKind(StrEnum):
    TEXT = "TEXT"
    TABLE = "TABLE"
    FIGURE = "FIGURE"


class TextRole(StrEnum):
    """Sub-type of a TEXT element."""

    TITLE = "TITLE"
    SECTION_TITLE = "SECTION_TITLE"
    HEADER = "HEADER"
    FOOTER = "FOOTER"
    PARAGRAPH = "PARAGRAPH"
    LIST = "LIST"
    PAGE_NUMBER = "PAGE_NUMBER"


class TextSource(StrEnum):
    TEXT_LAYER = "TEXT_LAYER"  # words read from the PDF itself
    OCR = "OCR"


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def union(self, other: Box) -> Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        right, bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    confidence: float = 1.0


@dataclass(frozen=True)
class Line:
    text: str
    box: Box
    words: tuple[Word, ...] = ()
    confidence: float = 1.0


@dataclass(frozen=True)
class Table:
    """Cells row by row (merged cells repeat their text); the first ``header_rows`` rows are headers."""

    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 0


@dataclass(frozen=True)
class Element:
    kind: ElementKind
    text: str  # plain text; for tables, rows joined by newlines and cells by tabs
    box: Box
    page_index: int
    reading_order: int  # document-wide, 0-based
    role: TextRole | None = None  # TEXT elements only
    table: Table | None = None  # TABLE elements only
    line_indices: tuple[int, ...] = ()  # indices into the page's lines
    heading_level: int = 0  # 1 for a title, 2+ for section titles, 0 otherwise
    list_items: tuple[str, ...] = ()  # LIST elements: one entry per item, bullet stripped


@dataclass(frozen=True)
class Page:
    index: int  # 0-based
    width_px: int  # the page (or image) size in pixels at the resolution it was read
    height_px: int
    lines: tuple[Line, ...]
    elements: tuple[Element, ...]
    source: TextSource = TextSource.TEXT_LAYER

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class ParsedDocument:
    file_type: FileType
    pages: tuple[Page, ...]
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. PDF title/author when present

    @property
    def elements(self) -> tuple[Element, ...]:
        return tuple(e for page in self.pages for e in page.elements)

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


class DocumentError(Exception):
    """The input cannot be parsed; ``reason`` is safe to show to the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedDocument(DocumentError):
    """Not a format we read (sniffed from the bytes, not the file name)."""


class CorruptDocument(DocumentError):
    """A known format that fails to decode (truncated, encrypted, damaged)."""
