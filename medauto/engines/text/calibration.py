"""Entity scores that track P(correct): a monotone map per (source stage, category), fitted on development data.

A stage's raw score (a CRF's mean marginal, a lexicon entry's fixed weight) ranks mentions but is not a
probability: the CRF says 0.95 for mentions that are right less often than that. ``tools/fit_calib.py`` runs each
statistical and dictionary stage over the BC5CDR and NCBI-disease development splits, marks each predicted span
correct when a gold mention of its type has exactly its offsets, and fits an isotonic (monotone, pool-adjacent-
violators) map from raw score to the observed rate. The maps ship in ``models/calibration.json`` as a few
(raw score, probability) knots each; between knots the map is linear, outside them flat. Being monotone, it never
changes which mentions a stage finds, only what their scores mean. Stages or categories without development data
(the LLM stage, anatomy, tests) keep their raw scores.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from medauto.engines.text.types import Category, Span

CALIBRATION_FILE = Path(__file__).resolve().parent / "models" / "calibration.json"
# A pooled group of raw scores must hold at least this many spans before it becomes a knot of its own.
MIN_BIN = 40

Knots = tuple[tuple[float, float], ...]


def key(source: str, category: Category | str) -> str:
    return f"{source}/{category}"


def ece(scored: Iterable[tuple[float, bool]], bins: int = 10) -> float:
    """Expected calibration error: the count-weighted mean |accuracy - mean score| over equal-width score bins."""
    totals = [[0, 0.0, 0] for _ in range(bins)]  # per bin: spans, summed score, correct spans
    n = 0
    for score, correct in scored:
        slot = totals[min(bins - 1, max(0, int(score * bins)))]
        slot[0] += 1
        slot[1] += score
        slot[2] += int(correct)
        n += 1
    if not n:
        return 0.0
    return sum(abs(c - s) for count, s, c in totals if count) / n


def _pool(groups: list[list[float]]) -> list[list[float]]:
    """Pool adjacent violators: groups ``[weight, sum of scores, sum of outcomes]`` in score order, merged until
    their rates never decrease."""
    out: list[list[float]] = []
    for group in groups:
        out.append(list(group))
        while len(out) > 1 and out[-2][2] / out[-2][0] >= out[-1][2] / out[-1][0]:
            last = out.pop()
            out[-1] = [a + b for a, b in zip(out[-1], last, strict=True)]
    return out


def fit_isotonic(scored: Sequence[tuple[float, bool]], min_bin: int = MIN_BIN) -> Knots:
    """Knots ``(mean raw score, observed rate)`` of the isotonic fit; small neighbouring groups are merged first so
    every knot rests on at least ``min_bin`` spans (or all of them)."""
    if not scored:
        return ()
    groups: list[list[float]] = []
    last = None
    for score, correct in sorted(scored):
        # Equal scores stay in one group: the map cannot tell them apart.
        if groups and (groups[-1][0] < min_bin or score == last):
            groups[-1][0] += 1
            groups[-1][1] += score
            groups[-1][2] += int(correct)
        else:
            groups.append([1, score, int(correct)])
        last = score
    if len(groups) > 1 and groups[-1][0] < min_bin:  # a short tail joins its neighbour
        tail = groups.pop()
        groups[-1] = [a + b for a, b in zip(groups[-1], tail, strict=True)]
    return tuple((round(s / w, 4), round(c / w, 4)) for w, s, c in _pool(groups))


def apply_knots(knots: Knots, score: float) -> float:
    """The calibrated score: linear between knots, the end knot's rate outside them."""
    if not knots:
        return score
    xs = [x for x, _ in knots]
    at = bisect_right(xs, score)
    if at == 0:
        return knots[0][1]
    if at == len(knots):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[at - 1], knots[at]
    return y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1


@dataclass(frozen=True)
class Calibration:
    maps: dict[str, Knots]

    @classmethod
    def read(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({name: tuple((float(x), float(y)) for x, y in knots) for name, knots in data["maps"].items()})

    def write(self, path: Path, about: dict[str, object]) -> None:
        maps = {name: [list(k) for k in knots] for name, knots in sorted(self.maps.items())}
        path.write_text(json.dumps({**about, "maps": maps}, indent=1) + "\n", encoding="utf-8")

    def score(self, source: str, category: Category | str, raw: float) -> float:
        knots = self.maps.get(key(source, category))
        return raw if knots is None else round(apply_knots(knots, raw), 4)

    def apply(self, spans: Iterable[Span]) -> list[Span]:
        """The spans with calibrated scores (unchanged where no map exists)."""
        out = []
        for span in spans:
            knots = self.maps.get(key(span.source, span.category))
            if knots is not None:  # a new Span directly: dataclasses.replace is slow in this per-span loop
                score = round(apply_knots(knots, span.score), 4)
                span = Span(span.begin, span.end, span.text, span.label, span.category, score, span.source)
            out.append(span)
        return out


IDENTITY = Calibration({})


@cache
def shipped() -> Calibration:
    """The calibration shipped with the package (identity when the file is absent, e.g. before the first fit)."""
    return Calibration.read(CALIBRATION_FILE) if CALIBRATION_FILE.is_file() else IDENTITY
