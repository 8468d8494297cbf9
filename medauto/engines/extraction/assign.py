"""Global assignment of printed values to fields: one printed value serves the field that names it best.

Each field first ranks its own candidates. A value that a clearly better-matching field took (``Date of Birth:
07/14/1961`` for ``date_of_birth``) is then withdrawn from weaker fields (``report_date`` only matched the bare word
"date"), which fall back to their next candidate or stay empty. Fields are settled strongest first; equally strong
claims may share a value (a total printed once can be both ``total`` and ``amount_due``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from medauto.engines.extraction.fields import Candidate

# How much stronger a claim must be to withdraw the value from another field.
_CLEARLY_BETTER = 0.1

Chooser = Callable[[list[Candidate]], tuple[Candidate | None, float]]


@dataclass(frozen=True)
class Contest:
    """One field's candidates and how it picks among them (``choose`` with the field's profile)."""

    candidates: list[Candidate]
    choose: Chooser


def value_key(candidate: Candidate) -> Hashable:
    """Where a value is printed: the same text in the same place is the same printed value."""
    box = candidate.box
    place = (round(box.left, 4), round(box.top, 4), round(box.width, 4), round(box.height, 4))
    return candidate.page, place, candidate.raw.strip()


def assign(contests: dict[tuple[str, ...], Contest]) -> dict[tuple[str, ...], tuple[Candidate | None, float]]:
    """Each field's chosen candidate and margin, after values claimed by clearly better fields are withdrawn."""
    alone = {path: contest.choose(contest.candidates) for path, contest in contests.items()}
    def strength(path: tuple[str, ...]) -> float:
        best = alone[path][0]
        return best.score if best is not None else 0.0

    order = sorted(contests, key=strength, reverse=True)
    claims: dict[Hashable, float] = {}
    chosen: dict[tuple[str, ...], tuple[Candidate | None, float]] = {}
    for path in order:
        contest = contests[path]
        free = [c for c in contest.candidates if claims.get(value_key(c), 0.0) <= c.score + _CLEARLY_BETTER]
        best, margin = alone[path] if len(free) == len(contest.candidates) else contest.choose(free)
        chosen[path] = (best, margin)
        if best is not None:
            key = value_key(best)
            claims[key] = max(claims.get(key, 0.0), best.score)
    return chosen
