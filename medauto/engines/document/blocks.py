"""Lines (already in reading order) into blocks: paragraphs of lines that belong together, and lists of items.

A new block starts at a change of column, a paragraph-sized gap, a change of font size or weight, an indent, or
after a short line that ends a sentence. A bullet or number starts a list item; indented lines continue it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from medauto.engines.document.content import StyledLine

LIST_MARKER = re.compile(r"^\s*(?:[•·▪◦‣∙○●■□➢►✓\u2013\-*]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\)|[A-Z]\))\s+")
# Gaps between lines of one paragraph are ~0.2-0.5 line heights; between paragraphs about one or more.
_PARAGRAPH_GAP = 0.75
_LIST_GAP = 1.5
_SIZE_CHANGE = 0.12
_INDENT = 0.02  # of the page width
_SHORT_LINE = 0.15  # a line ending this far left of the block's right edge can end a paragraph


@dataclass
class Block:
    lines: list[int]  # indices into the page's lines, in reading order
    column: int
    is_list: bool = False
    items: list[list[int]] = field(default_factory=list)  # list blocks: the lines of each item


def list_marker(text: str) -> str | None:
    match = LIST_MARKER.match(text)
    return match.group(0) if match else None


def _continues(block: Block, line: StyledLine, lines: Sequence[StyledLine]) -> bool:
    previous = lines[block.lines[-1]]
    gap = line.box.top - previous.box.bottom
    height = max(previous.box.height, line.box.height)
    if gap > _PARAGRAPH_GAP * height or gap < -0.5 * height:
        return False
    if abs(line.size - previous.size) > _SIZE_CHANGE * max(line.size, previous.size) or line.bold != previous.bold:
        return False
    left_edge = min(lines[i].box.left for i in block.lines)
    right_edge = max(lines[i].box.right for i in block.lines)
    if line.box.left > left_edge + _INDENT and len(block.lines) > 1:
        return False  # an indented first line opens a new paragraph
    ends_sentence = previous.text.rstrip().endswith((".", ":", "!", "?"))
    return not (ends_sentence and previous.box.right < right_edge - _SHORT_LINE)


def _continues_item(block: Block, line: StyledLine, lines: Sequence[StyledLine]) -> bool:
    """A wrapped list item: close below, same style, and indented at least to the item's first line."""
    first = lines[block.items[-1][0]]
    previous = lines[block.lines[-1]]
    gap = line.box.top - previous.box.bottom
    return (
        -0.5 * previous.box.height <= gap <= _PARAGRAPH_GAP * previous.box.height
        and abs(line.size - previous.size) <= _SIZE_CHANGE * max(line.size, previous.size)
        # Continuation lines hang under the item's text or return to its marker's edge, never further left.
        and line.box.left >= first.box.left - _INDENT / 2
    )


def build_blocks(order: Sequence[tuple[int, int]], lines: Sequence[StyledLine]) -> list[Block]:
    """``order`` holds (line index, column) pairs in reading order; returns blocks in the same order."""
    blocks: list[Block] = []
    for index, column in order:
        line = lines[index]
        current = blocks[-1] if blocks and blocks[-1].column == column else None
        if list_marker(line.text):
            if current is not None and current.is_list:
                previous = lines[current.lines[-1]]
                if line.box.top - previous.box.bottom <= _LIST_GAP * previous.box.height:
                    current.lines.append(index)
                    current.items.append([index])
                    continue
            blocks.append(Block([index], column, is_list=True, items=[[index]]))
        elif current is not None and current.is_list and _continues_item(current, line, lines):
            current.lines.append(index)
            current.items[-1].append(index)
        elif current is not None and not current.is_list and _continues(current, line, lines):
            current.lines.append(index)
        else:
            blocks.append(Block([index], column))
    return blocks
