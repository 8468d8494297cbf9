from dataclasses import replace
from pathlib import Path

import pytest

from medauto.engines.extraction.eval_sroie import evaluate
from medauto.engines.extraction.result import FieldEvidence
from medauto.engines.extraction.rules import RulesExtractor

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


class _LowerCase:
    """Rules extraction, then every printed value in lower case (as OCR reads a receipt printing "Sdn Bhd")."""

    name = "lower"

    def extract(self, document, blueprint):
        result = RulesExtractor().extract(document, blueprint)
        lowered = {k: replace(v, raw=v.raw.lower()) if isinstance(v, FieldEvidence) else v
                   for k, v in result.evidence.items()}
        return replace(result, evidence=lowered)


@pytest.mark.skipif(not (DATA / "sroie").is_dir(), reason="shared SROIE developer data not present")
def test_case_is_folded_like_the_upper_case_annotations():
    report = evaluate(DATA, ids=["006", "034"], extractor=_LowerCase(), echo=lambda line: None)
    assert report["scores"]["nospace"]["company"]["f1"] == 100.0
    assert report["scores"]["cased"]["company"]["f1"] == 0.0
