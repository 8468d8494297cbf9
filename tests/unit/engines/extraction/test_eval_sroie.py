from pathlib import Path

import pytest

from medauto.engines.extraction.eval_sroie import evaluate

DATA = Path(__file__).resolve().parents[5] / "shared" / "data"


@pytest.mark.skipif(not (DATA / "sroie").is_dir(), reason="shared SROIE developer data not present")
def test_three_receipts_score_and_report(tmp_path):
    lines: list[str] = []
    report = evaluate(DATA, ids=["006", "029", "034"], echo=lines.append)
    overall = report["scores"]["nospace"]["overall"]
    assert overall["f1"] >= 75.0, report["per_receipt"]
    assert report["scores"]["nospace"]["date"]["f1"] == 100.0
    assert report["scores"]["nospace"]["total"]["f1"] == 100.0  # 327.00, 21.20 (after tax), 332.30
    assert "overall" in lines[0] and report["receipts"] == 3
