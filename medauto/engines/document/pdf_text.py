"""Born-digital PDF pages: words with boxes and font cues (pdfplumber), ruled tables (pdfplumber's table finder),
embedded images as figure regions. Pages with no text layer are left to OCR (see ``pdf_pages``)."""

from __future__ import annotations

import re
from typing import Any

from medauto.engines.document.content import FoundTable, PageContent, StyledLine
from medauto.engines.document.lines import StyledWord, group_words
from medauto.engines.document.tables import header_rows
from medauto.engines.document.types import Box, Table, TextSource, Word

# PDF units are points; pages report pixel sizes at this resolution (the one scanned pages are rendered at).
RENDER_DPI = 150
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Images smaller than this share of the page are icons, bullets or rules, not figures.
_MIN_FIGURE_AREA = 0.01
# Many PDFs (TeX among them) draw no space glyphs: a gap wider than this share of the font size separates words.
# pdfplumber's default is a fixed 3 pt, which glues words of tightly justified lines together.
_WORD_GAP = 0.15
_UNMAPPED = re.compile(r"\(cid:\d+\)")
# A page that is mostly one picture and has fewer characters than this is a scan with a stamp on it.
_SCAN_AREA = 0.6
_FEW_CHARS = 40


def _box(x0: float, top: float, x1: float, bottom: float, bbox: tuple[float, float, float, float]) -> Box:
    left, upper, right, lower = bbox
    width, height = right - left, lower - upper
    x_a = min(max((x0 - left) / width, 0.0), 1.0)
    x_b = min(max((x1 - left) / width, 0.0), 1.0)
    y_a = min(max((top - upper) / height, 0.0), 1.0)
    y_b = min(max((bottom - upper) / height, 0.0), 1.0)
    return Box(x_a, y_a, max(x_b - x_a, 0.0), max(y_b - y_a, 0.0))


def _words(page: Any, bbox: tuple[float, float, float, float]) -> tuple[list[StyledWord], int]:
    """The page's words, and how many had glyphs without a Unicode mapping."""
    height = bbox[3] - bbox[1]
    words = []
    unmapped = 0
    words_found = page.extract_words(
        extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=_WORD_GAP
    )
    for raw in words_found:
        text = raw["text"].strip()
        if "(cid:" in text:  # a glyph with no Unicode mapping; it carries no text
            unmapped += 1
            text = _UNMAPPED.sub("", text).strip()
        if not text:
            continue
        box = _box(raw["x0"], raw["top"], raw["x1"], raw["bottom"], bbox)
        bold = bool(_BOLD_FONT.search(raw.get("fontname") or ""))
        words.append(StyledWord(Word(text, box), size=float(raw["size"]) / height, bold=bold))
    return words, unmapped


def _fill_spans(rows: list[list[str | None]]) -> tuple[tuple[str, ...], ...]:
    """pdfplumber leaves ``None`` where a merged cell continues; repeat the merged cell's text there."""
    filled: list[tuple[str, ...]] = []
    for r, row in enumerate(rows):
        cells: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                cells.append(" ".join(cell.split()))
            elif c > 0:
                cells.append(cells[c - 1])
            elif r > 0:
                cells.append(filled[r - 1][c])
            else:
                cells.append("")
        filled.append(tuple(cells))
    return tuple(filled)


def _tables(page: Any, bbox: tuple[float, float, float, float]) -> list[FoundTable]:
    found = []
    for table in page.find_tables():
        rows = _fill_spans(table.extract())
        # A ruled box around a single cell is a frame, not a table.
        if len(rows) < 2 and all(len(row) < 2 for row in rows):
            continue
        if not any(cell for row in rows for cell in row):
            continue
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        found.append(FoundTable(_box(x0, top, x1, bottom, bbox), Table(rows=rows, header_rows=header_rows(rows))))
    return found


def _figures(page: Any, bbox: tuple[float, float, float, float]) -> list[Box]:
    figures = []
    for image in page.images:
        box = _box(image["x0"], image["top"], image["x1"], image["bottom"], bbox)
        if box.width * box.height >= _MIN_FIGURE_AREA:
            figures.append(box)
    return figures


def _needs_ocr(words: list[StyledWord], unmapped: int, figures: list[Box]) -> bool:
    """No usable text layer: none at all, mostly glyphs without a Unicode mapping (pdfminer's "(cid:N)"), or a
    full-page scan carrying only a few words of added text (a stamp, a fax header)."""
    if not words or unmapped * 2 >= len(words) + unmapped:
        return True
    chars = sum(len(w.word.text) for w in words)
    return chars < _FEW_CHARS and any(f.width * f.height >= _SCAN_AREA for f in figures)


def read_text_layer(page: Any, index: int) -> PageContent | None:
    """The page's text layer as lines, tables and figures; ``None`` when it must be OCR'd instead."""
    bbox = tuple(float(v) for v in page.bbox)
    assert len(bbox) == 4
    words, unmapped = _words(page, bbox)
    figures = _figures(page, bbox)
    if _needs_ocr(words, unmapped, figures):
        return None
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    lines: list[StyledLine] = group_words(words, page_aspect=height / width)
    return PageContent(
        index=index,
        width_px=round(width * RENDER_DPI / 72),
        height_px=round(height * RENDER_DPI / 72),
        lines=lines,
        source=TextSource.TEXT_LAYER,
        tables=_tables(page, bbox),
        figures=figures,
    )
