"""Reading order of the boxes on one page: top to bottom, left to right within a visual row, and a two-column
page read column by column between the full-width items (titles, wide tables) that separate its bands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medauto.engines.document.types import Box

# The gutter of a two-column page lies in this horizontal band.
_GUTTER_RANGE = (0.3, 0.7)
_GUTTER_STEP = 0.01
# Text columns are wide; label/value pairs of a form are not, and must keep reading across.
_MIN_COLUMN_WIDTH = 0.22
_MIN_SIDE_BY_SIDE = 3


@dataclass(frozen=True)
class Placed:
    index: int  # position in the input sequence
    column: int  # 0 = full width (or single-column page), 1 = left column, 2 = right column


def _rows(indices: list[int], boxes: Sequence[Box]) -> list[int]:
    """Top to bottom, and left to right among boxes that share a visual row."""
    ordered = sorted(indices, key=lambda i: (boxes[i].top, boxes[i].left))
    result: list[int] = []
    band: list[int] = []
    band_bottom = -1.0
    for i in ordered:
        box = boxes[i]
        # A box whose middle lies above the bottom of the band's first box is on the same visual row.
        if band and box.top + box.height / 2 > band_bottom:
            result.extend(sorted(band, key=lambda j: boxes[j].left))
            band = []
        if not band:
            band_bottom = box.bottom
        band.append(i)
    result.extend(sorted(band, key=lambda j: boxes[j].left))
    return result


def _side_by_side(left: list[Box], right: list[Box]) -> int:
    """How many left-column boxes have a right-column box at the same height."""
    return sum(1 for a in left if any(min(a.bottom, b.bottom) > max(a.top, b.top) for b in right))


def find_gutter(boxes: Sequence[Box]) -> float | None:
    """The x of a two-column gutter that no column box crosses, or ``None`` for a single-column page."""
    best: tuple[int, float] | None = None
    x = _GUTTER_RANGE[0]
    while x <= _GUTTER_RANGE[1]:
        left = [b for b in boxes if b.right <= x]
        right = [b for b in boxes if b.left >= x]
        wide_left = [b for b in left if b.width >= _MIN_COLUMN_WIDTH]
        wide_right = [b for b in right if b.width >= _MIN_COLUMN_WIDTH]
        crossing = len(boxes) - len(left) - len(right)
        # Both columns must be mostly made of wide lines, and the gutter crossed only by a few separators.
        if (
            len(wide_left) >= _MIN_SIDE_BY_SIDE
            and len(wide_right) >= _MIN_SIDE_BY_SIDE
            and len(wide_left) * 2 >= len(left)
            and len(wide_right) * 2 >= len(right)
            and crossing * 3 <= len(left) + len(right)
            and (best is None or crossing < best[0])
            and _side_by_side(wide_left, wide_right) >= _MIN_SIDE_BY_SIDE
        ):
            best = (crossing, x)
        x += _GUTTER_STEP
    return None if best is None else best[1]


def reading_order(boxes: Sequence[Box]) -> list[Placed]:
    """Every index of ``boxes`` once, in reading order, with the column it was read in."""
    indices = list(range(len(boxes)))
    gutter = find_gutter(boxes)
    if gutter is None:
        return [Placed(i, 0) for i in _rows(indices, boxes)]
    placed: list[Placed] = []
    left: list[int] = []
    right: list[int] = []

    def flush() -> None:
        placed.extend(Placed(i, 1) for i in _rows(left, boxes))
        placed.extend(Placed(i, 2) for i in _rows(right, boxes))
        left.clear()
        right.clear()

    for i in sorted(indices, key=lambda j: (boxes[j].top, boxes[j].left)):
        box = boxes[i]
        if box.right <= gutter:
            left.append(i)
        elif box.left >= gutter:
            right.append(i)
        else:  # a full-width item closes the band of columns above it
            flush()
            placed.append(Placed(i, 0))
    flush()
    return placed
