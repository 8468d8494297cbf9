"""From what the readers found on each page (lines, tables, figures) to ``Page``s of typed elements in reading
order: margins first (headers, footers, page numbers), then tables, then the body read column by column and cut
into blocks, then roles decided across the whole document (one title, heading levels by size)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from medauto.engines.document.blocks import Block, build_blocks, list_marker
from medauto.engines.document.content import FoundTable, PageContent, StyledLine
from medauto.engines.document.margins import TOP_ZONE, margin_roles
from medauto.engines.document.reading_order import reading_order
from medauto.engines.document.roles import BlockStyle, assign_roles
from medauto.engines.document.tables import find_aligned_tables
from medauto.engines.document.types import Box, Element, ElementKind, Line, Page, TextRole, TextSource


@dataclass
class _Unit:
    """One future element: a margin line, a table, a figure or a block of body lines."""

    lines: list[int]
    role: TextRole | None = None
    table: FoundTable | None = None
    figure: Box | None = None
    block: Block | None = None
    style: int = -1  # index into the document's block styles


@dataclass
class _Draft:
    content: PageContent
    units: list[_Unit] = field(default_factory=list)


def _inside(box: Box, region: Box) -> bool:
    x, y = box.left + box.width / 2, box.top + box.height / 2
    return region.left <= x <= region.right and region.top <= y <= region.bottom


def body_size(contents: Sequence[PageContent]) -> float:
    """The size most characters are set in (the character-weighted median line size)."""
    weighted = sorted((line.size, len(line.text)) for content in contents for line in content.lines)
    total = sum(n for _, n in weighted)
    seen = 0
    for size, n in weighted:
        seen += n
        if seen * 2 >= total:
            return size
    return 0.0


def relative_sizes(contents: Sequence[PageContent]) -> list[PageContent]:
    """Pages with line sizes divided by the body size of pages read the same way. A text layer gives font sizes
    and OCR gives x-heights, so a PDF mixing typed and scanned pages compares each page against its own kind."""
    body = {source: body_size([c for c in contents if c.source is source]) for source in {c.source for c in contents}}
    relative = []
    for content in contents:
        scale = body[content.source] or 1.0
        lines = [replace(line, size=line.size / scale) for line in content.lines]
        relative.append(replace(content, lines=lines))
    return relative


def _union(boxes: Sequence[Box]) -> Box:
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


def _claim_tables(content: PageContent, taken: set[int]) -> list[tuple[FoundTable, list[int]]]:
    """Tables found by the reader (ruled) and by alignment, each with the lines it takes off the body."""
    lines = content.lines
    tables: list[tuple[FoundTable, list[int]]] = []
    for table in content.tables:
        inside = [i for i, line in enumerate(lines) if i not in taken and _inside(line.box, table.box)]
        taken.update(inside)
        tables.append((table, inside))
    aligned = find_aligned_tables(lines, [i for i in range(len(lines)) if i not in taken])
    for _, inside in aligned:
        taken.update(inside)
    return tables + aligned


def _body_units(items: list[_Unit], lines: Sequence[StyledLine]) -> list[_Unit]:
    """Body items in reading order; runs of lines between tables and figures are cut into blocks, and a change
    of column starts a new run segment so no block spans two columns."""
    units: list[_Unit] = []
    run: list[tuple[int, int]] = []
    segment, previous_column = 0, -1
    for placed in reading_order([_item_box(unit, lines) for unit in items]):
        unit = items[placed.index]
        if unit.table is None and unit.figure is None:
            if placed.column != previous_column:
                segment += 1
            previous_column = placed.column
            run.append((unit.lines[0], segment))
            continue
        units += [_Unit(block.lines, block=block) for block in build_blocks(run, lines)]
        run, previous_column = [], -1
        units.append(unit)
    units += [_Unit(block.lines, block=block) for block in build_blocks(run, lines)]
    return units


def _draft(content: PageContent, margins: dict[int, TextRole]) -> _Draft:
    """The page's future elements in reading order: headers, body (blocks, tables, figures), footers."""
    lines = content.lines
    taken = set(margins)
    tables = _claim_tables(content, taken)
    body = [i for i in range(len(lines)) if i not in taken]
    # An image under text is a background or letterhead, not a figure.
    figures = [f for f in content.figures if not any(_inside(lines[i].box, f) for i in body)]

    items: list[_Unit] = [_Unit([i]) for i in body]
    for table, inside in tables:
        items.append(_Unit(sorted(inside, key=lambda i: (lines[i].box.top, lines[i].box.left)), table=table))
    items += [_Unit([], figure=f) for f in figures]

    top = sorted((i for i in margins if lines[i].box.bottom <= TOP_ZONE), key=lambda i: lines[i].box.top)
    bottom = sorted((i for i in margins if i not in top), key=lambda i: (lines[i].box.top, lines[i].box.left))
    units = [_Unit([i], role=margins[i]) for i in top]
    units += _body_units(items, lines)
    units += [_Unit([i], role=margins[i]) for i in bottom]
    return _Draft(content, units)


def _item_box(unit: _Unit, lines: Sequence[StyledLine]) -> Box:
    if unit.table is not None:
        return unit.table.box
    if unit.figure is not None:
        return unit.figure
    return lines[unit.lines[0]].box


def _style(page_index: int, block: Block, lines: Sequence[StyledLine]) -> BlockStyle:
    members = [lines[i] for i in block.lines]
    chars = sum(len(m.text) for m in members) or 1
    return BlockStyle(
        page_index=page_index,
        text=" ".join(m.text for m in members),
        line_count=len(members),
        size=max(members, key=lambda m: len(m.text)).size,
        bold=sum(len(m.text) for m in members if m.bold) * 2 > chars,
        top=members[0].box.top,
        is_list=block.is_list,
        item_count=len(block.items),
    )


def join_lines(texts: Sequence[str]) -> str:
    """Lines of a paragraph as one string, re-joining words hyphenated across a line break."""
    out = ""
    for text in texts:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
            out = out[:-1] + text
        else:
            out = f"{out} {text}" if out else text
    return out


def _element(unit: _Unit, draft: _Draft, order: int, remap: dict[int, int], role: TextRole | None, level: int) -> (
    Element
):
    lines = draft.content.lines
    page = draft.content.index
    indices = tuple(remap[i] for i in unit.lines)
    if unit.table is not None:
        text = "\n".join("\t".join(row) for row in unit.table.table.rows)
        table = unit.table.table
        return Element(ElementKind.TABLE, text, unit.table.box, page, order, table=table, line_indices=indices)
    if unit.figure is not None:
        return Element(ElementKind.FIGURE, "", unit.figure, page, order)
    box = _union([lines[i].box for i in unit.lines])
    if unit.block is not None and unit.block.is_list and role is TextRole.LIST:
        items = [join_lines([lines[i].text for i in item]) for item in unit.block.items]
        stripped = tuple(item[len(list_marker(item) or "") :].strip() for item in items)
        return Element(ElementKind.TEXT, "\n".join(items), box, page, order, role, line_indices=indices,
                       list_items=stripped)
    text = join_lines([lines[i].text for i in unit.lines])
    return Element(ElementKind.TEXT, text, box, page, order, role, line_indices=indices, heading_level=level)


def layout_pages(contents: Sequence[PageContent]) -> tuple[Page, ...]:
    """Pages with their lines re-ordered for reading and their elements numbered across the document."""
    contents = relative_sizes(contents)
    size = 1.0  # the body size, once sizes are relative
    margins = margin_roles([content.lines for content in contents], size)
    drafts = [_draft(content, page_margins) for content, page_margins in zip(contents, margins, strict=True)]
    styles: list[BlockStyle] = []
    for draft in drafts:
        for unit in draft.units:
            if unit.block is not None:
                unit.style = len(styles)
                styles.append(_style(draft.content.index, unit.block, draft.content.lines))
    roles = assign_roles(styles, size, ocr_sizes=any(c.source is TextSource.OCR for c in contents))
    pages: list[Page] = []
    order = 0
    for draft in drafts:
        new_order = [i for unit in draft.units for i in unit.lines]
        remap = {old: new for new, old in enumerate(new_order)}
        elements = []
        for unit in draft.units:
            role, level = roles[unit.style] if unit.block is not None else (unit.role, 0)
            elements.append(_element(unit, draft, order, remap, role, level))
            order += 1
        content = draft.content
        lines: tuple[Line, ...] = tuple(content.lines[i].line for i in new_order)
        pages.append(Page(content.index, content.width_px, content.height_px, lines, tuple(elements), content.source))
    return tuple(pages)
