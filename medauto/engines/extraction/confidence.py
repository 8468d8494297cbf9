"""Field confidence: a raw evidence score mapped to an estimate of P(value is correct).

The raw score combines how well the label named the field, how the value was paired, and the margin over the
next different value. The mapping is a monotone piecewise-linear curve fitted on the SROIE developer receipts
(``medauto eval sroie --fit-calibration`` prints the bins it measured); between knots it interpolates.
"""

from __future__ import annotations

from bisect import bisect_right

# (raw score, observed fraction correct) knots, fitted on the SROIE developer set (ground-truth OCR).
_KNOTS: tuple[tuple[float, float], ...] = ((0.0, 0.05), (0.15, 0.6), (0.67, 0.88), (0.89, 0.95), (1.0, 0.97))


def raw_score(candidate_score: float, margin: float) -> float:
    """Evidence strength in 0..1: a strong label with no close competitor scores high."""
    return max(0.0, min(1.0, candidate_score * (0.75 + 0.25 * margin)))


def calibrated(raw: float, knots: tuple[tuple[float, float], ...] = _KNOTS) -> float:
    xs = [x for x, _ in knots]
    i = bisect_right(xs, raw)
    if i <= 0:
        return knots[0][1]
    if i >= len(knots):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0), 4)


def fit_knots(pairs: list[tuple[float, bool]], bins: int = 5) -> tuple[tuple[float, float], ...]:
    """Equal-count bins of (raw, correct) made monotone (pool adjacent violators): the knots for ``calibrated``."""
    ordered = sorted(pairs)
    if not ordered:
        return _KNOTS
    size = max(1, len(ordered) // bins)
    groups = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    points = [[sum(r for r, _ in g) / len(g), sum(c for _, c in g) / len(g), len(g)] for g in groups]
    merged: list[list[float]] = []
    for point in points:
        merged.append(point)
        while len(merged) > 1 and merged[-2][1] > merged[-1][1]:
            b, a = merged.pop(), merged.pop()
            n = a[2] + b[2]
            merged.append([(a[0] * a[2] + b[0] * b[2]) / n, (a[1] * a[2] + b[1] * b[2]) / n, n])
    return tuple((round(x, 3), round(y, 3)) for x, y, _ in merged)


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 5) -> float:
    """Mean |confidence - accuracy| over equal-width bins, weighted by bin size."""
    if not pairs:
        return 0.0
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(p, c) for p, c in pairs if low <= p < high or (b == bins - 1 and p == 1.0)]
        if inside:
            mean_p = sum(p for p, _ in inside) / len(inside)
            accuracy = sum(c for _, c in inside) / len(inside)
            total += len(inside) * abs(mean_p - accuracy)
    return round(total / len(pairs), 4)
