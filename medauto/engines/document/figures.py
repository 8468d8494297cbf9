"""Figures on page images (scans, photos of forms): large, dense regions of ink that OCR found no text in, such
as photographs, logos and charts. Ruling lines and table grids are sparse and are left alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medauto.engines.document.types import Box

_SCALE = 8  # work on a 1/8 thumbnail: figures are large, and this keeps the pass to a few milliseconds
_MIN_SIDE = 0.06  # of the page width / height
_MIN_AREA = 0.015  # of the page area
_MIN_FILL = 0.3  # share of the region's box that is ink (a grid of rules is far below this)
_INK_CONTRAST = 60  # grey levels darker than the paper


def find_figures(gray: Any, text_boxes: Sequence[Box]) -> list[Box]:
    """Figure boxes (0-1 fractions) on a greyscale page (a 2-D uint8 array), ignoring the given text boxes."""
    import cv2
    import numpy as np

    height, width = gray.shape
    small = cv2.resize(gray, (max(width // _SCALE, 1), max(height // _SCALE, 1)), interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small, 90))
    ink = (small < paper - _INK_CONTRAST).astype(np.uint8)
    rows, cols = ink.shape
    for box in text_boxes:  # blank out text, with a small margin for the box's own slack
        top, bottom = int(box.top * rows) - 1, int(box.bottom * rows) + 2
        left, right = int(box.left * cols) - 1, int(box.right * cols) + 2
        ink[max(top, 0) : bottom, max(left, 0) : right] = 0
    # Close small gaps so a photo's light patches do not break it into pieces.
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    figures = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        box = Box(x / cols, y / rows, w / cols, h / rows)
        if box.width < _MIN_SIDE or box.height < _MIN_SIDE or box.width * box.height < _MIN_AREA:
            continue
        if area < _MIN_FILL * w * h:
            continue
        figures.append(box)
    return figures
