"""Score calibration: the isotonic fit, its application, the expected calibration error, and the shipped maps."""

from __future__ import annotations

import random

from medauto.engines.text.calibration import Calibration, apply_knots, ece, fit_isotonic, shipped
from medauto.engines.text.pipeline import ClinicalTextPipeline
from medauto.engines.text.types import Category, Span


def test_ece_of_perfect_and_overconfident_scores() -> None:
    assert ece([(0.75, True)] * 3 + [(0.75, False)]) == 0.0
    assert abs(ece([(0.95, True), (0.95, False)]) - 0.45) < 1e-9
    assert ece([]) == 0.0


def test_isotonic_fit_recovers_a_monotone_rate_and_lowers_ece() -> None:
    rng = random.Random(7)
    # Raw scores that overstate the truth: correct with probability score**3.
    scored = [(s, rng.random() < s**3) for s in (rng.uniform(0.3, 1.0) for _ in range(4000))]
    knots = fit_isotonic(scored, min_bin=50)
    rates = [y for _, y in knots]
    assert rates == sorted(rates) and 3 < len(knots) <= 4000 // 50
    assert abs(apply_knots(knots, 0.5) - 0.125) < 0.07 and abs(apply_knots(knots, 0.95) - 0.857) < 0.07
    before = ece(scored)
    after = ece((apply_knots(knots, s), c) for s, c in scored)
    assert before > 0.15 and after < 0.03


def test_knots_interpolate_and_stay_flat_outside() -> None:
    knots = ((0.4, 0.2), (0.8, 0.6))
    assert apply_knots(knots, 0.1) == 0.2 and apply_knots(knots, 0.99) == 0.6
    assert abs(apply_knots(knots, 0.6) - 0.4) < 1e-9
    assert apply_knots((), 0.7) == 0.7


def test_only_mapped_stage_and_category_pairs_change() -> None:
    calibration = Calibration({"crf/MEDICAL_CONDITION": ((0.5, 0.3), (1.0, 0.9))})
    crf = Span(0, 6, "asthma", "DX_NAME", Category.MEDICAL_CONDITION, 1.0, "crf")
    llm = Span(0, 6, "asthma", "DX_NAME", Category.MEDICAL_CONDITION, 0.8, "llm")
    assert [s.score for s in calibration.apply([crf, llm])] == [0.9, 0.8]


def test_shipped_maps_are_monotone_and_used_by_the_pipeline() -> None:
    maps = shipped().maps
    assert {"crf/MEDICAL_CONDITION", "crf/MEDICATION", "crf-ensemble/MEDICAL_CONDITION"} <= set(maps)
    for knots in maps.values():
        assert [x for x, _ in knots] == sorted(x for x, _ in knots)
        assert [y for _, y in knots] == sorted(y for _, y in knots) and all(0 <= y <= 1 for _, y in knots)
    text = "He has a history of hypertension treated with lisinopril."
    calibrated = ClinicalTextPipeline.load("fast").entities(text).mentions
    raw = ClinicalTextPipeline(ClinicalTextPipeline.load("fast").profile, Calibration({})).entities(text).mentions
    assert [m.span.text for m in calibrated] == [m.span.text for m in raw]
    for c, r in zip(calibrated, raw, strict=True):
        assert c.span.score == shipped().score(r.span.source, r.span.category, r.span.score)
    assert any(c.span.score != r.span.score for c, r in zip(calibrated, raw, strict=True))
