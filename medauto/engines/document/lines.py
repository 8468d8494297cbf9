"""Words into lines: words that share a baseline band form a row, and a row splits where a wide gap separates
columns or table cells (so a two-column page never yields lines that run across the gutter)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from medauto.engines.document.content import StyledLine
from medauto.engines.document.types import Box, Line, Word

# Two words belong to one row when their vertical extents overlap by at least this share of the smaller one.
_ROW_OVERLAP = 0.5
# A horizontal gap wider than this many line heights starts a new line (ordinary word spacing is ~0.3).
_SPLIT_GAP = 1.4
# Word pieces closer than this share of the font size are one word (pdfplumber splits words at font changes).
_TOUCHING = 0.05


@dataclass(frozen=True)
class StyledWord:
    word: Word
    size: float  # glyph size as a fraction of the page height
    bold: bool = False


def _overlap(a: Box, top: float, bottom: float) -> float:
    shared = min(a.bottom, bottom) - max(a.top, top)
    smaller = min(a.height, bottom - top)
    return shared / smaller if smaller > 0 else 0.0


def _rows(words: list[StyledWord]) -> list[list[StyledWord]]:
    rows: list[list[StyledWord]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.word.box.top, w.word.box.left)):
        box = word.word.box
        best, best_overlap = -1, _ROW_OVERLAP
        # Rows are created in top order, so only recent ones can still overlap this word.
        for i in range(len(rows) - 1, max(-1, len(rows) - 8), -1):
            top, bottom = bands[i]
            if bottom < box.top:
                break
            shared = _overlap(box, top, bottom)
            if shared >= best_overlap:
                best, best_overlap = i, shared
        if best < 0:
            rows.append([word])
            bands.append((box.top, box.bottom))
        else:
            rows[best].append(word)
            top, bottom = bands[best]
            bands[best] = (min(top, box.top), max(bottom, box.bottom))
    return rows


def _split_at_gaps(row: list[StyledWord], page_aspect: float) -> list[list[StyledWord]]:
    row.sort(key=lambda w: w.word.box.left)
    # Gaps are horizontal (fractions of the width) and heights vertical (fractions of the height): the page's
    # aspect ratio (height / width) puts both in the same unit.
    height = statistics.median(w.word.box.height for w in row) * page_aspect
    pieces: list[list[StyledWord]] = [[row[0]]]
    for word in row[1:]:
        gap = word.word.box.left - pieces[-1][-1].word.box.right
        if gap > _SPLIT_GAP * height:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def _merge_touching(words: list[StyledWord], page_aspect: float) -> list[StyledWord]:
    """Glue pieces of one visual word split by a font change ("License" in bold, then "." in regular)."""
    merged = [words[0]]
    for word in words[1:]:
        last = merged[-1]
        gap = word.word.box.left - last.word.box.right
        if gap < _TOUCHING * last.size * page_aspect:
            text = last.word.text + word.word.text
            box = last.word.box.union(word.word.box)
            confidence = min(last.word.confidence, word.word.confidence)
            longer = last if len(last.word.text) >= len(word.word.text) else word
            merged[-1] = StyledWord(Word(text, box, confidence), size=longer.size, bold=longer.bold)
        else:
            merged.append(word)
    return merged


def _styled_line(words: list[StyledWord]) -> StyledLine:
    box = words[0].word.box
    for w in words[1:]:
        box = box.union(w.word.box)
    text = " ".join(w.word.text for w in words)
    # The style of most characters wins, so one bold word does not make a sentence a heading.
    weights = [len(w.word.text) for w in words]
    total = sum(weights)
    bold = sum(n for n, w in zip(weights, words, strict=True) if w.bold) * 2 > total
    by_size: dict[float, int] = {}
    for n, w in zip(weights, words, strict=True):
        by_size[round(w.size, 5)] = by_size.get(round(w.size, 5), 0) + n
    size = max(by_size.items(), key=lambda kv: kv[1])[0]
    confidence = min(w.word.confidence for w in words)
    line = Line(text=text, box=box, words=tuple(w.word for w in words), confidence=confidence)
    return StyledLine(line=line, size=size, bold=bold)


def group_words(words: list[StyledWord], page_aspect: float) -> list[StyledLine]:
    """Lines top to bottom (left to right within a row); ``page_aspect`` is page height / page width."""
    lines: list[StyledLine] = []
    for row in _rows(words):
        pieces = _split_at_gaps(row, page_aspect)
        lines.extend(_styled_line(_merge_touching(piece, page_aspect)) for piece in pieces)
    lines.sort(key=lambda line: (line.box.top, line.box.left))
    return lines
