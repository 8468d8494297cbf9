"""The document as positioned lines, with the neighbour queries key-value pairing needs.

Lines are ordered top to bottom, then left to right, per page. Two lines share a *row* when their vertical extents
overlap by at least half the smaller height (receipt OCR often splits ``TOTAL :`` and ``12.50`` into two lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from medauto.engines.document.types import Box, Line, ParsedDocument


@dataclass(frozen=True)
class PlacedLine:
    page: int
    order: int  # index in reading order across the document
    text: str
    box: Box


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def same_row(a: Box, b: Box) -> bool:
    smaller = min(a.height, b.height)
    return smaller > 0 and _overlap(a.top, a.bottom, b.top, b.bottom) >= 0.5 * smaller


class Layout:
    """Lines of a parsed document in reading order, with row, right-neighbour and below queries."""

    def __init__(self, document: ParsedDocument) -> None:
        placed: list[PlacedLine] = []
        for page in document.pages:
            lines = sorted((ln for ln in page.lines if ln.text.strip()), key=lambda ln: (ln.box.top, ln.box.left))
            for line in _reading_order(lines):
                placed.append(PlacedLine(page.index, len(placed), line.text.strip(), line.box))
        self.lines: tuple[PlacedLine, ...] = tuple(placed)
        self.pages = tuple(page.index for page in document.pages)

    def on_page(self, page: int) -> list[PlacedLine]:
        return [line for line in self.lines if line.page == page]

    def row_of(self, line: PlacedLine) -> list[PlacedLine]:
        """Lines on the same row, left to right (including ``line``)."""
        row = [o for o in self._near(line, 40) if same_row(o.box, line.box)]
        return sorted(row, key=lambda o: o.box.left)

    def right_of(self, line: PlacedLine) -> list[PlacedLine]:
        tolerance = 0.01
        return [o for o in self.row_of(line) if o is not line and o.box.left >= line.box.right - tolerance]

    def below(self, line: PlacedLine, max_gap_lines: float = 2.5) -> PlacedLine | None:
        """The nearest line under ``line`` that overlaps it horizontally, within a few line heights."""
        best: PlacedLine | None = None
        limit = line.box.bottom + max_gap_lines * max(line.box.height, 1e-4)
        for other in self._near(line, 40):
            if other.order <= line.order or same_row(other.box, line.box):
                continue
            if other.box.top < line.box.bottom - 0.3 * line.box.height or other.box.top > limit:
                continue
            if _overlap(line.box.left, line.box.right, other.box.left, other.box.right) <= 0:
                continue
            if best is None or other.box.top < best.box.top:
                best = other
        return best

    def _near(self, line: PlacedLine, span: int) -> list[PlacedLine]:
        low, high = max(0, line.order - span), min(len(self.lines), line.order + span + 1)
        return [o for o in self.lines[low:high] if o.page == line.page]


def _reading_order(lines: list[Line]) -> list[Line]:
    """Group lines into rows by vertical overlap, then read each row left to right."""
    rows: list[list[Line]] = []
    for line in lines:
        if rows and same_row(rows[-1][0].box, line.box):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.box.left)]
