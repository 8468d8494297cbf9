"""BDA location objects from engine boxes (fractions of the page, origin top-left)."""

from __future__ import annotations

from typing import Any

from medauto.engines.document.types import Box


def _round(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 6)


def bounding_box(box: Box) -> dict[str, float]:
    return {"left": _round(box.left), "top": _round(box.top), "width": _round(box.width), "height": _round(box.height)}


def polygon(box: Box) -> list[dict[str, float]]:
    """Corners clockwise from the top-left, as BDA lists them."""
    left, top, right, bottom = _round(box.left), _round(box.top), _round(box.right), _round(box.bottom)
    return [{"x": left, "y": top}, {"x": right, "y": top}, {"x": right, "y": bottom}, {"x": left, "y": bottom}]


def location(box: Box, page_index: int | None = None, *, with_box: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {} if page_index is None else {"page_index": page_index}
    if with_box:
        found["bounding_box"] = bounding_box(box)
        found["polygon"] = polygon(box)
    return found


def custom_geometry(box: Box, page_index: int) -> dict[str, Any]:
    """Custom output's geometry entry: camelCase box and a 1-based page number."""
    return {
        "boundingBox": {
            "top": _round(box.top),
            "left": _round(box.left),
            "width": _round(box.width),
            "height": _round(box.height),
        },
        "page": page_index + 1,
    }
