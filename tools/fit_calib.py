"""Fit the entity score calibration shipped in medauto/engines/text/models/calibration.json.

    .venv/bin/python tools/fit_calib.py                 # fit on the development splits, write the table
    .venv/bin/python tools/fit_calib.py --check         # only print the figures

Runs the CRF (fast), the CRF ensemble (accurate) and the lexicon over the BC5CDR and NCBI-disease DEVELOPMENT
splits in ../shared/data (never a test split), then fits one isotonic map per (stage, category); see
medauto.engines.text.calibration. Prints the expected calibration error (10 bins) before and after, both in-sample
and with 2-fold cross-fitting (fit on half the sentences, measure on the other half), which shows whether the maps
carry over to text they were not fitted on.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medauto.engines import registry  # noqa: E402
from medauto.engines.text.calibration import (  # noqa: E402
    CALIBRATION_FILE,
    Calibration,
    Knots,
    apply_knots,
    ece,
    fit_isotonic,
    key,
)
from medauto.engines.text.eval_ner import DEVEL, judged_spans  # noqa: E402
from medauto.engines.text.evaluate import default_data_dir  # noqa: E402
from medauto.engines.text.stages import ensure_registered  # noqa: E402

STAGES = ("text.ner.crf.v1", "text.ner.crf.accurate.v1", "text.lexicon.v1")
Judged = list[tuple[float, bool]]


def collect(data: Path) -> dict[str, list[Judged]]:
    """Per map key, the judged (raw score, correct) spans of each of two folds (alternate sentences)."""
    ensure_registered()
    folds: dict[str, list[Judged]] = defaultdict(lambda: [[], []])
    for stage in STAGES:
        model = registry.get(stage)
        for corpus, rel in DEVEL.items():
            for n, span, correct in judged_spans(model, data / rel):
                folds[key(span.source, span.category)][n % 2].append((span.score, correct))
            print(f"  {stage} on {corpus}: done", flush=True)
    return folds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--check", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    folds = collect(args.data)
    maps: dict[str, Knots] = {}
    print(f"{'map (ECE, 10 bins)':<40}{'spans':>7}{'knots':>7}{'raw':>9}{'fitted':>9}{'2-fold':>9}")
    for name, (a, b) in sorted(folds.items()):
        both = a + b
        knots = fit_isotonic(both)
        maps[name] = knots
        fitted = ece((apply_knots(knots, s), c) for s, c in both)
        cross = [(apply_knots(fit_isotonic(train), s), c) for train, test in ((a, b), (b, a)) for s, c in test]
        print(f"{name:<40}{len(both):>7}{len(knots):>7}{ece(both):>9.4f}{fitted:>9.4f}{ece(cross):>9.4f}")
    if not args.check:
        about: dict[str, object] = {
            "about": "Isotonic maps raw entity score -> P(exact span correct), per stage source/category; fitted by "
            "tools/fit_calib.py on the BC5CDR and NCBI-disease development splits.",
            "data": {corpus: str(rel) for corpus, rel in DEVEL.items()},
        }
        Calibration(maps).write(CALIBRATION_FILE, about)
        print(f"wrote {CALIBRATION_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
