"""Candidate values for one scalar field: labelled key-value pairs, typed detectors and header guesses.

A label is the start of a line (before ``:`` or before the first typed value); its value is the rest of the line,
the next line to its right on the same row, or the line below it. Each candidate carries a score in 0..1 that
multiplies how well the label names the field by how reliable the pairing is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medauto.engines.document.types import Box
from medauto.engines.extraction.header import address_block, organization_name
from medauto.engines.extraction.layout import Layout, PlacedLine
from medauto.engines.extraction.matchers import FieldKind, FieldProfile, label_score, tokens
from medauto.engines.extraction.normalize import (
    Match,
    clean_text,
    find_amounts,
    find_dates,
    find_emails,
    find_phones,
    parse_boolean,
    parse_integer,
    parse_number,
)
from medauto.engines.extraction.schema import FieldType
from medauto.engines.extraction.semantic import semantic_label_score

_MIN_LABEL = 0.5
_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?(?![\d:])")
_MONEY_KINDS = {FieldKind.TOTAL, FieldKind.SUBTOTAL, FieldKind.TAX, FieldKind.AMOUNT}
_ORG_PARENTS = {"vendor", "merchant", "seller", "supplier", "employer", "company", "store", "bank", "issuer",
                "laboratory", "lab", "provider", "business"}
# How much a pairing is trusted: value on the label's own line, on its row further right, or on the line below.
_SAME_LINE, _RIGHT, _BELOW = 1.0, 0.95, 0.8
_CLEAR_TOTAL = 0.72


@dataclass(frozen=True)
class Candidate:
    value: str | float | int | bool
    raw: str  # as printed
    score: float
    page: int
    box: Box
    source: str  # "same-line", "right", "below", "header", "detector", "inferred"


def typed_value(text: str, prof: FieldProfile, day_first: bool) -> Match | None:
    """The first value of the field's type in ``text`` (dates as ISO, amounts as numbers)."""
    kind, ftype = prof.kind, prof.spec.type
    if kind is FieldKind.DATE:
        dates = find_dates(text, day_first)
        return dates[0] if dates else None
    if kind is FieldKind.TIME:
        m = _TIME.search(text)
        return Match(m.group(0), m.start(), m.end(), m.group(0)) if m else None
    if kind is FieldKind.PHONE:
        phones = find_phones(text)
        return phones[0] if phones else None
    if kind is FieldKind.EMAIL:
        emails = find_emails(text)
        return emails[0] if emails else None
    if ftype is FieldType.BOOLEAN:
        flag = parse_boolean(text)
        return Match(text.strip(), 0, len(text), flag) if flag is not None else None
    if ftype is FieldType.INTEGER:
        whole = parse_integer(text)
        return Match(text.strip(), 0, len(text), whole) if whole is not None else None
    if ftype is FieldType.NUMBER:
        amounts = find_amounts(text)
        if amounts:
            return amounts[0]
        number = None if kind in _MONEY_KINDS else parse_number(text)
        return Match(text.strip(), 0, len(text), number) if number is not None else None
    value = clean_text(text)
    if not re.search(r"\w", value):
        return None
    return Match(value, text.find(value), text.find(value) + len(value), value)


def _split_label(text: str, prof: FieldProfile, day_first: bool) -> tuple[str, str]:
    """(label, rest) of a line: before a colon, else before the first typed value, else the whole line."""
    if ":" in text:
        label, rest = text.split(":", 1)
        if label.strip():
            return label, rest
    if prof.spec.type is not FieldType.STRING or prof.kind in (FieldKind.DATE, FieldKind.PHONE, FieldKind.EMAIL):
        found = typed_value(text, prof, day_first)
        if found is not None and found.start > 0:
            return text[: found.start], text[found.start :]
    if prof.kind is FieldKind.IDENTIFIER:  # "INVOICE NO. 12345": the label ends before the first digit
        m = re.search(r"\s[#A-Z]*\d", text)
        if m:
            return text[: m.start()], text[m.start() :]
    return text, ""


def labelled(layout: Layout, prof: FieldProfile, day_first: bool) -> list[Candidate]:
    found: list[Candidate] = []
    for line in layout.lines:
        label, rest = _split_label(line.text, prof, day_first)
        strength = label_score(label, prof)
        if strength < _MIN_LABEL and line.text.startswith(label + ":"):
            # A printed "Label:" whose words the lexicon does not know: its meaning may still name the field.
            strength = semantic_label_score(label, prof)
        if strength < _MIN_LABEL:
            continue
        sources: list[tuple[str, PlacedLine | None, float, str]] = [(rest, line, _SAME_LINE, "same-line")]
        # The value may sit past a unit column ("TOTAL | RM | 12.50"): the first of two right neighbours with a value.
        for neighbour in layout.right_of(line)[:2]:
            if typed_value(neighbour.text, prof, day_first) is not None:
                sources.append((neighbour.text, neighbour, _RIGHT, "right"))
                break
        below = layout.below(line)
        if below is not None and not rest.strip() and len(sources) == 1 and _bare_value(below.text, prof, day_first):
            sources.append((below.text, below, _BELOW, "below"))
        for text, where, weight, source in sources:
            if not text.strip() or where is None:
                continue
            match = typed_value(text, prof, day_first)
            if match is None or (prof.spec.type is FieldType.STRING and label_score(text, prof) >= _MIN_LABEL):
                continue
            raw, box = match.raw, where.box
            if prof.kind is FieldKind.ADDRESS:
                raw, box = _address_continuation(layout, where, raw)
            found.append(Candidate(match.value if prof.kind is not FieldKind.ADDRESS else raw, raw,
                                   strength * weight, where.page, box, source))
    return found


def _bare_value(text: str, prof: FieldProfile, day_first: bool) -> bool:
    """A line below a label is its value only if it is not itself labelled ("CASH 8.00" under "TOTAL")."""
    if prof.spec.type is FieldType.STRING and prof.kind not in (FieldKind.DATE, FieldKind.TIME):
        return True
    match = typed_value(text, prof, day_first)
    if match is None:
        return False
    rest = (text[: match.start] + " " + text[match.end :]).lower()
    return not [w for w in re.findall(r"[a-z]{2,}", rest) if w not in {"rm", "myr", "usd", "eur", "sr", "zr"}]


def _address_continuation(layout: Layout, first: PlacedLine, raw: str) -> tuple[str, Box]:
    """A labelled address goes on over the lines below it until a line that is clearly something else."""
    parts, box, line = [raw], first.box, first
    for _ in range(3):
        nxt = layout.below(line, max_gap_lines=1.5)
        if nxt is None or ":" in nxt.text or find_phones(nxt.text) or find_emails(nxt.text):
            break
        parts.append(nxt.text)
        box, line = box.union(nxt.box), nxt
    return " ".join(parts), box


def unlabelled(layout: Layout, prof: FieldProfile, parent: str, day_first: bool) -> list[Candidate]:
    """Candidates found without a label: header name/address, and self-identifying typed values."""
    found: list[Candidate] = []
    kind = prof.kind
    own_party = not parent or parent.lower() in _ORG_PARENTS
    if kind in (FieldKind.ORGANIZATION, FieldKind.ADDRESS) and own_party and layout.lines:
        page = layout.lines[0].page
        org = organization_name(layout, page, titles=bool({"title", "heading"} & set(tokens(prof.spec.instruction))))
        if kind is FieldKind.ORGANIZATION and org is not None:
            found.append(Candidate(org.text, org.text, 0.9 * org.score, page, _union(org.lines), "header"))
        if kind is FieldKind.ADDRESS:
            # The address usually follows the name; some receipts print it above (then read from the top).
            block = address_block(layout, org.lines[-1] if org else None, page) or address_block(layout, None, page)
            if block is not None:
                # Where an unlabelled address block starts and ends is the least certain guess here (about 4 in 5
                # exactly right on the SROIE developer receipts), hence the lower weight.
                found.append(Candidate(block.text, block.text, 0.8 * block.score, page, _union(block.lines),
                                       "header"))
    if kind is FieldKind.TOTAL and prof.spec.type is FieldType.NUMBER:
        found.extend(_repeated_amount(layout))
    detectors = {FieldKind.DATE: 0.45, FieldKind.TIME: 0.45, FieldKind.PHONE: 0.4, FieldKind.EMAIL: 0.55}
    if kind in detectors:
        base = detectors[kind]
        for rank, line in enumerate(layout.lines):
            match = typed_value(line.text, prof, day_first)
            if match is not None:
                # Earlier (header) values are likelier to be the document's own date/phone.
                found.append(Candidate(match.value, match.raw, base / (1 + 0.02 * rank), line.page, line.box,
                                       "detector"))
    return found


def _repeated_amount(layout: Layout) -> list[Candidate]:
    """Without a total label: the largest amount printed more than once (total, amount tendered, subtotal)."""
    seen: dict[float, list[tuple[Match, PlacedLine]]] = {}
    for line in layout.lines:
        for match in find_amounts(line.text):
            seen.setdefault(float(match.value), []).append((match, line))
    repeated = [value for value, hits in seen.items() if len(hits) >= 2 and value > 0]
    if not repeated:
        return []
    match, line = seen[max(repeated)][0]
    return [Candidate(match.value, match.raw, 0.3, line.page, line.box, "detector")]


def _union(lines: tuple[PlacedLine, ...]) -> Box:
    box = lines[0].box
    for line in lines[1:]:
        box = box.union(line.box)
    return box


def choose(prof: FieldProfile, candidates: list[Candidate]) -> tuple[Candidate | None, float]:
    """The best candidate and its margin over the best different value (0..1)."""
    if not candidates:
        return None, 0.0
    ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
    best = ranked[0]
    if prof.kind is FieldKind.TOTAL:
        # Among clear "total" labels (total before/after tax, after rounding, tax summaries) the amount paid is the
        # largest.
        close = [c for c in ranked if c.score >= min(best.score, _CLEAR_TOTAL) and isinstance(c.value, float)]
        if close:
            top = max(float(c.value) for c in close)
            # A rounding adjustment leaves the final figure a few cents off the largest one, printed after it.
            final = [c for c in close if top - float(c.value) <= 0.05]
            best = max(final, key=lambda c: (c.page, c.box.top, c.score))
    others = [c.score for c in ranked if c.value != best.value]
    margin = best.score - (others[0] if others else 0.0)
    return best, max(0.0, min(1.0, margin))
