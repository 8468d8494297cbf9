"""Roles of text blocks: one TITLE (the largest short block near the top of the first page), SECTION_TITLEs
(short blocks set larger, bold or in capitals) with levels by size, LISTs, and PARAGRAPHs for the rest."""

from __future__ import annotations

from dataclasses import dataclass

from medauto.engines.document.types import TextRole

_MAX_HEADING_WORDS = 14
_MAX_HEADING_LINES = 2
_LARGER = 1.15  # a heading's size relative to the body text
_TITLE_LARGER = 1.25
_TITLE_ZONE = 0.4  # the title starts in the top part of the first page
_SAME_TIER = 0.08  # heading sizes within this ratio share a level
_SAME_TIER_OCR = 0.2  # OCR sizes are line-box heights, which vary with ascenders and descenders
_DEEPEST_LEVEL = 6
_MOSTLY_CAPITALS = 0.3  # share of blocks in capitals above which capitals stop marking headings


@dataclass(frozen=True)
class BlockStyle:
    """What role assignment needs to know of a block."""

    page_index: int
    text: str
    line_count: int
    size: float
    bold: bool
    top: float
    is_list: bool
    item_count: int


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    visible = [c for c in text if not c.isspace()]
    return len(letters) >= 4 and len(letters) >= 0.7 * len(visible) and text.upper() == text


def is_heading(block: BlockStyle, body_size: float, capitals_mark_headings: bool = True) -> bool:
    text = block.text.strip()
    if (
        not any(c.isalpha() for c in text)
        or block.line_count > _MAX_HEADING_LINES
        or len(text.split()) > _MAX_HEADING_WORDS
        or text.endswith((".", ",", ";"))
    ):
        return False
    if block.is_list and block.item_count > 1:
        return False
    larger = block.size >= body_size * _LARGER
    # A numbered line ("2. Findings") is a heading only if its style says so, not because it is in capitals.
    return larger or block.bold or (capitals_mark_headings and not block.is_list and _capitals(text))


def _levels(sizes: list[float], same_tier: float) -> dict[float, int]:
    """Heading level per size: the largest tier is level 2 (level 1 is the title)."""
    levels: dict[float, int] = {}
    tier_size: float | None = None
    level = 1
    for size in sorted(set(sizes), reverse=True):
        if tier_size is None or size < tier_size * (1 - same_tier):
            tier_size, level = size, min(level + 1, _DEEPEST_LEVEL)
        levels[size] = level
    return levels


def assign_roles(blocks: list[BlockStyle], body_size: float, ocr_sizes: bool = False) -> list[tuple[TextRole, int]]:
    """(role, heading level) for each block, in the order given (document reading order). ``ocr_sizes``: sizes
    are measured from OCR boxes, so close sizes are treated as one."""
    # In a document printed all in capitals (receipts, old forms), capitals say nothing about headings.
    capitals = sum(1 for block in blocks if _capitals(block.text))
    capitals_mark = capitals <= _MOSTLY_CAPITALS * len(blocks)
    headings = [is_heading(block, body_size, capitals_mark) for block in blocks]
    title: int | None = None
    for i, block in enumerate(blocks):
        if block.page_index != 0 or not headings[i] or block.top > _TITLE_ZONE or block.size < body_size * _LARGER:
            continue
        if title is None or block.size > blocks[title].size * (1 + _SAME_TIER / 2):
            title = i
    if title is not None and blocks[title].size < body_size * _TITLE_LARGER:
        # Only slightly larger than the body: a title only when it opens the document.
        title = title if title == 0 else None
    same_tier = _SAME_TIER_OCR if ocr_sizes else _SAME_TIER
    levels = _levels([b.size for i, b in enumerate(blocks) if headings[i] and i != title], same_tier)
    roles: list[tuple[TextRole, int]] = []
    for i, block in enumerate(blocks):
        if i == title:
            roles.append((TextRole.TITLE, 1))
        elif headings[i]:
            roles.append((TextRole.SECTION_TITLE, levels[block.size]))
        elif block.is_list:
            roles.append((TextRole.LIST, 0))
        else:
            roles.append((TextRole.PARAGRAPH, 0))
    return roles
