"""Tables without ruling lines: runs of visual rows whose pieces of text line up in the same columns (how a scan
or a plain-text PDF shows a table). Also the header-row rule shared with ruled tables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from medauto.engines.document.content import FoundTable, StyledLine
from medauto.engines.document.types import Box, Table

_NUMERIC_CELL = re.compile(r"^[\s$€£%+\-.,:/()\d]*$")
_MIN_ROWS = 3
# Rows further apart than this many line heights are not one table.
_MAX_ROW_GAP = 2.0
# Cells are short; two columns of running text (a two-column page) are not a table.
_MAX_MEAN_CELL_WIDTH = 0.3
_MAX_MEAN_CELL_WORDS = 5.0
# A lone line closer under a row than this share of the row spacing continues one of its cells.
_WRAP_GAP_SHARE = 0.6


def header_rows(rows: tuple[tuple[str, ...], ...]) -> int:
    """One header row when the first row is all labels (no empty or numeric cells) above at least one body row."""
    if len(rows) < 2:
        return 0
    return 1 if all(cell and not _NUMERIC_CELL.match(cell) for cell in rows[0]) else 0


def _visual_rows(lines: Sequence[StyledLine], candidates: list[int]) -> list[list[int]]:
    rows: list[list[int]] = []
    bottom = -1.0
    for i in sorted(candidates, key=lambda j: (lines[j].box.top, lines[j].box.left)):
        box = lines[i].box
        if rows and box.top + box.height / 2 <= bottom:
            rows[-1].append(i)
        else:
            rows.append([i])
            bottom = box.bottom
    for row in rows:
        row.sort(key=lambda j: lines[j].box.left)
    return rows


def _assign(spans: list[list[float]], boxes: list[Box]) -> list[int] | None:
    """The column of each box (adding columns in free gaps), or ``None`` if the row does not fit the grid."""
    columns: list[int] = []
    for box in boxes:
        hits = [c for c, (left, right) in enumerate(spans) if min(right, box.right) > max(left, box.left)]
        if len(hits) > 1:
            return None  # text spanning two columns ends the table
        if hits:
            column = hits[0]
            spans[column] = [min(spans[column][0], box.left), max(spans[column][1], box.right)]
        else:
            spans.append([box.left, box.right])
            column = len(spans) - 1
        if column in columns:
            return None
        columns.append(column)
    return columns


def _table(lines: Sequence[StyledLine], cells_by_row: list[dict[int, list[int]]], spans: list[list[float]]) -> (
    FoundTable | None
):
    order = sorted(range(len(spans)), key=lambda c: spans[c][0])
    cells = [i for row in cells_by_row for members in row.values() for i in members]
    widths = [lines[i].box.width for i in cells]
    words = [len(lines[i].text.split()) for i in cells]
    if sum(widths) / len(widths) > _MAX_MEAN_CELL_WIDTH or sum(words) / len(words) > _MAX_MEAN_CELL_WORDS:
        return None
    rows = tuple(
        tuple(" ".join(lines[i].text for i in row.get(column, [])) for column in order) for row in cells_by_row
    )
    box = lines[cells[0]].box
    for i in cells[1:]:
        box = box.union(lines[i].box)
    return FoundTable(box, Table(rows=rows, header_rows=header_rows(rows)))


def _gap(lines: Sequence[StyledLine], upper: list[int], lower: list[int]) -> float:
    """Vertical gap between two visual rows, in line heights."""
    above = max(lines[i].box.bottom for i in upper)
    below = min(lines[i].box.top for i in lower)
    height = max(lines[i].box.height for i in upper + lower)
    return (below - above) / height if height > 0 else 0.0


def _wrapped(lines: Sequence[StyledLine], row: list[int], spans: list[list[float]], gap: float, row_gap: float) -> (
    int | None
):
    """The column a lone line continues (a cell's text wrapped onto a second line): it sits in one column, closer
    under the previous row than rows are to each other."""
    if len(row) != 1 or gap >= _WRAP_GAP_SHARE * row_gap:
        return None
    box = lines[row[0]].box
    hits = [c for c, (left, right) in enumerate(spans) if min(right, box.right) > max(left, box.left)]
    return hits[0] if len(hits) == 1 else None


def find_aligned_tables(lines: Sequence[StyledLine], candidates: list[int]) -> list[tuple[FoundTable, list[int]]]:
    """Tables among the ``candidates`` lines, each with the indices of the lines it consumed."""
    found: list[tuple[FoundTable, list[int]]] = []
    rows = _visual_rows(lines, candidates)
    start = 0
    while start < len(rows):
        spans: list[list[float]] = []
        first = _assign(spans, [lines[i].box for i in rows[start]]) if len(rows[start]) >= 2 else None
        if first is None:
            start += 1
            continue
        cells_by_row = [{column: [i] for i, column in zip(rows[start], first, strict=True)}]
        row_gaps: list[float] = []
        end = start + 1
        while end < len(rows):
            gap = _gap(lines, rows[end - 1], rows[end])
            if gap > _MAX_ROW_GAP:
                break
            if row_gaps and (column := _wrapped(lines, rows[end], spans, gap, min(row_gaps))) is not None:
                cells_by_row[-1].setdefault(column, []).append(rows[end][0])
                end += 1
                continue
            if len(rows[end]) < 2:
                break
            trial = [list(span) for span in spans]
            columns = _assign(trial, [lines[i].box for i in rows[end]])
            if columns is None:
                break
            spans, end = trial, end + 1
            row_gaps.append(gap)
            cells_by_row.append({column: [i] for i, column in zip(rows[end - 1], columns, strict=True)})
        table = _table(lines, cells_by_row, spans) if len(cells_by_row) >= _MIN_ROWS else None
        if table is not None:
            found.append((table, [i for row in rows[start:end] for i in row]))
            start = end
        else:
            start += 1
    return found
