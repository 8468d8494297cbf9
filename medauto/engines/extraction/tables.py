"""Array-of-object fields (tables): map column headers to item properties, then read the rows.

Parsed tables (``Element.table``) are used first; their headers may name a property only in part ("Test" for
``test_name``, "Unit" for ``units``, "Normal Range" for a ``reference_range`` whose instruction says "normal").
Without them, a row of lines whose texts name at least two item properties is taken as the header, and the rows
under it are cut into cells by the header columns' positions, until a totals line or the end of the page.
"""

from __future__ import annotations

from medauto.engines.document.types import Box, ElementKind, ParsedDocument
from medauto.engines.extraction.confidence import calibrated
from medauto.engines.extraction.fields import typed_value
from medauto.engines.extraction.layout import Layout, PlacedLine, same_row
from medauto.engines.extraction.matchers import FieldKind, FieldProfile, label_score, profile, tokens
from medauto.engines.extraction.result import FieldEvidence
from medauto.engines.extraction.schema import FieldSpec, FieldType

_MIN_HEADER = 0.55
Row = dict[str, FieldEvidence]
_TOTAL_PROFILE = profile(FieldSpec("total", ("total",), FieldType.NUMBER))
_FILLER = {"the", "a", "an", "of", "to", "for", "on", "in", "is", "and", "or", "by", "such", "as"}


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def header_score(header: str, column: FieldProfile) -> float:
    """How well a table header names a column: the label score, or a partial match where every header word is
    (a prefix of) a word of the column's name or instruction and at least one is a word of its name."""
    exact = label_score(header, column)
    words = [_stem(w) for w in tokens(header) if w not in _FILLER and not w.isdigit()]
    name = {_stem(w) for w in tokens(column.spec.name) if w not in _FILLER}
    described = name | {_stem(w) for w in tokens(column.spec.instruction) if w not in _FILLER}
    if not words or not name:
        return exact

    def within(word: str, vocabulary: set[str]) -> bool:
        return word in vocabulary or (len(word) >= 3 and any(v.startswith(word) for v in vocabulary))

    named = {n for n in name if any(n == w or (len(w) >= 3 and n.startswith(w)) for w in words)}
    if not named or not all(within(w, described) for w in words):
        return exact
    return max(exact, 0.55 + 0.35 * len(named) / len(name))


def _column_map(headers: list[str], columns: list[FieldProfile],
                partial: bool = False) -> dict[int, tuple[FieldProfile, float]]:
    """Header index -> (column, strength): each column takes its best header, best matches first. ``partial``
    accepts headers that name a column in part (only for tables the parser found, whose header row is sure)."""
    score = header_score if partial else label_score
    pairs = sorted(
        ((score(h, c), i, c) for i, h in enumerate(headers) for c in columns),
        key=lambda t: t[0],
        reverse=True,
    )
    taken_headers: set[int] = set()
    taken_columns: set[str] = set()
    mapping: dict[int, tuple[FieldProfile, float]] = {}
    for strength, index, column in pairs:
        if strength < _MIN_HEADER or index in taken_headers or column.spec.name in taken_columns:
            continue
        mapping[index] = (column, strength)
        taken_headers.add(index)
        taken_columns.add(column.spec.name)
    return mapping


def _cell(text: str, column: FieldProfile, strength: float, page: int, box: Box | None,
          day_first: bool) -> FieldEvidence | None:
    match = typed_value(text, column, day_first) if text.strip() else None
    if match is None:
        return None
    return FieldEvidence(match.value, calibrated(0.85 * strength), column.spec.type, match.raw, page, box)


def _is_totals(text: str) -> bool:
    return label_score(text.split(":")[0], _TOTAL_PROFILE) >= 0.9 or text.strip().lower().startswith("sub")


def extract_table(document: ParsedDocument, layout: Layout, spec: FieldSpec, day_first: bool) -> list[Row]:
    columns = [profile(c) for c in spec.children]
    rows = _from_elements(document, columns, day_first)
    return rows if rows else _from_lines(layout, columns, day_first)


def _from_elements(document: ParsedDocument, columns: list[FieldProfile], day_first: bool) -> list[Row]:
    rows: list[Row] = []
    for element in document.elements:
        if element.kind is not ElementKind.TABLE or element.table is None or not element.table.rows:
            continue
        table = element.table
        header_index = max(0, table.header_rows - 1)
        mapping = _column_map(list(table.rows[header_index]), columns, partial=True)
        if len(mapping) < min(2, len(columns)):
            continue
        for cells in table.rows[header_index + 1 :]:
            if cells and _is_totals(cells[0]):
                continue
            row: Row = {}
            for index, (column, strength) in mapping.items():
                if index < len(cells):
                    value = _cell(cells[index], column, strength, element.page_index, element.box, day_first)
                    if value is not None:
                        row[column.spec.name] = value
            if row:
                rows.append(_complete(row, columns))
    return rows


def _from_lines(layout: Layout, columns: list[FieldProfile], day_first: bool) -> list[Row]:
    for line in layout.lines:
        header = layout.row_of(line)
        if header[0] is not line:
            continue
        mapping = _column_map([h.text for h in header], columns)
        if len(mapping) < min(2, len(columns)):
            continue
        spans = {i: (header[i].box.left, header[i].box.right) for i in mapping}
        return _read_rows(layout, header, mapping, spans, day_first, columns)
    return []


def _read_rows(layout: Layout, header: list[PlacedLine], mapping: dict[int, tuple[FieldProfile, float]],
               spans: dict[int, tuple[float, float]], day_first: bool, columns: list[FieldProfile]) -> list[Row]:
    page = header[0].page
    below = [ln for ln in layout.on_page(page) if ln.box.top > header[0].box.bottom - 0.2 * header[0].box.height
             and not any(ln is h for h in header)]
    groups: list[list[PlacedLine]] = []
    for line in below:
        if _is_totals(line.text):
            break
        if groups and same_row(groups[-1][0].box, line.box):
            groups[-1].append(line)
        else:
            groups.append([line])
    text_column = next((i for i, (c, _) in mapping.items() if c.kind in (FieldKind.OTHER, FieldKind.PERSON)
                        and c.spec.type is FieldType.STRING), None)
    rows: list[Row] = []
    for group in groups:
        row: Row = {}
        for line in group:
            center = (line.box.left + line.box.right) / 2
            index = min(spans, key=lambda i: _distance(center, spans[i]))
            column, strength = mapping[index]
            value = _cell(line.text, column, strength, page, line.box, day_first)
            if value is not None and column.spec.name not in row:
                row[column.spec.name] = value
        if not row:
            continue
        only = set(row)
        if rows and text_column is not None and only == {mapping[text_column][0].spec.name}:
            # A description that wrapped onto its own line belongs to the row above.
            name = mapping[text_column][0].spec.name
            previous = rows[-1].get(name)
            if previous is not None and isinstance(previous.value, str):
                joined = f"{previous.value} {row[name].value}"
                rows[-1][name] = FieldEvidence(joined, previous.confidence, previous.type, joined,
                                               previous.page_index, previous.box)
                continue
        rows.append(_complete(row, columns))
    return rows


def _distance(x: float, span: tuple[float, float]) -> float:
    left, right = span
    return 0.0 if left <= x <= right else min(abs(x - left), abs(x - right))


def _complete(row: Row, columns: list[FieldProfile]) -> Row:
    """Every item property present, missing cells as empty values (BDA answers "" for them)."""
    return {c.spec.name: row.get(c.spec.name, FieldEvidence("", 0.0, c.spec.type)) for c in columns}
