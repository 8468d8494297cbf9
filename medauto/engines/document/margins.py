"""Running headers, footers and page numbers: short lines in the top or bottom margin that either repeat from
page to page or stand apart from the body text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from medauto.engines.document.content import StyledLine
from medauto.engines.document.types import TextRole

TOP_ZONE = 0.09  # a header ends above this share of the page height
BOTTOM_ZONE = 0.91  # a footer starts below it
# A margin line that is not repeated must be this many of its heights away from the body to count.
_DETACHED_GAP = 1.5
_PAGE_NUMBER = re.compile(
    r"^(?:page|pg\.?|p\.)?\s*[-\u2013(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-\u2013)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _signature(text: str) -> str:
    """Text with numbers masked, so "Page 2 of 9" on page 2 repeats "Page 3 of 9" on page 3."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def _zone(line: StyledLine) -> str | None:
    if line.box.bottom <= TOP_ZONE:
        return "top"
    if line.box.top >= BOTTOM_ZONE:
        return "bottom"
    return None


def _detached(line: StyledLine, zone: str, lines: Sequence[StyledLine]) -> bool:
    body = [other for other in lines if _zone(other) is None]
    if not body:
        return False
    if zone == "top":
        gap = min(other.box.top for other in body) - line.box.bottom
    else:
        gap = line.box.top - max(other.box.bottom for other in body)
    return gap >= _DETACHED_GAP * line.box.height


def margin_roles(pages: Sequence[Sequence[StyledLine]], body_size: float) -> list[dict[int, TextRole]]:
    """For each page, the HEADER / FOOTER / PAGE_NUMBER role of its margin lines (by line index)."""
    repeats: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        seen = {(zone, _signature(line.text)) for line in lines if (zone := _zone(line))}
        repeats.update(seen)
    roles: list[dict[int, TextRole]] = []
    for lines in pages:
        page_roles: dict[int, TextRole] = {}
        for i, line in enumerate(lines):
            zone = _zone(line)
            if zone is None:
                continue
            role = TextRole.HEADER if zone == "top" else TextRole.FOOTER
            if _PAGE_NUMBER.match(line.text.strip()):
                page_roles[i] = TextRole.PAGE_NUMBER
            elif repeats[(zone, _signature(line.text))] >= 2 or (
                line.size <= body_size * 1.1 and _detached(line, zone, lines)
            ):
                page_roles[i] = role
        roles.append(page_roles)
    return roles
