"""``medauto eval sroie``: the receipt blueprint, zero-shot, on the SROIE developer receipts in shared/data.

SROIE task 3 rule: a field is correct when the extracted text equals the annotation. Texts are compared as
printed (the evidence's raw text, not the normalised date/number) after whitespace normalisation: ``nospace``
(all whitespace removed, the usual reading of the rule; OCR boxes and annotations disagree on spaces around
commas) and ``strict`` (runs of whitespace collapsed). SROIE transcribes every receipt in upper case, also where
the paper prints "Sdn Bhd", so both rules compare upper-cased text; ``cased`` (``nospace`` without folding) is
reported beside them. Predicted-but-wrong counts as a false positive and a false negative; nothing predicted as a
false negative.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medauto.engines.document.types import Box, FileType, Line, Page, ParsedDocument
from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.confidence import expected_calibration_error, fit_knots
from medauto.engines.extraction.result import FieldExtractor, assemble
from medauto.engines.extraction.rules import RulesExtractor

# SROIE key -> receipt blueprint field.
FIELDS = {"company": "merchant_name", "date": "transaction_date", "address": "merchant_address", "total": "total"}
Echo = Callable[[str], None]


def load_ground_truth_ocr(box_csv: Path, image: Path) -> ParsedDocument:
    """A one-page document from SROIE's OCR transcript (8 corner coordinates + text per line)."""
    from PIL import Image  # only to read the page size; boxes become 0-1 fractions

    with Image.open(image) as img:
        width, height = img.size
    lines = []
    for row in box_csv.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = row.split(",", 8)
        if len(parts) < 9 or not parts[8].strip():
            continue
        xs, ys = [int(parts[k]) for k in (0, 2, 4, 6)], [int(parts[k]) for k in (1, 3, 5, 7)]
        box = Box(min(xs) / width, min(ys) / height, (max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height)
        lines.append(Line(parts[8], box))
    return ParsedDocument(FileType.JPEG, (Page(0, width, height, tuple(lines), ()),))


def load_engine_ocr(image: Path) -> ParsedDocument:
    from medauto.engines.document.parser import parse_document  # the document engine (rapidocr for images)

    return parse_document(image.read_bytes())


def _cased(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _nospace(text: str) -> str:
    return _cased(text).upper()


def _strict(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().upper()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: str, truth: str, same: bool) -> None:
        if predicted and same:
            self.tp += 1
            return
        self.fp += bool(predicted)
        self.fn += bool(truth)

    def as_dict(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(100 * p, 2),
                "recall": round(100 * r, 2), "f1": round(100 * f, 2)}


def evaluate(data: Path, ocr: str = "ground-truth", ids: list[str] | None = None,
             extractor: FieldExtractor | None = None, echo: Echo = print) -> dict[str, Any]:
    root = data / "sroie"
    ids = ids or sorted(p.stem for p in (root / "key").glob("*.json"))
    extractor = extractor or RulesExtractor()
    blueprint = sample_blueprint("receipt")
    rules = {"nospace": _nospace, "strict": _strict, "cased": _cased}
    counts = {rule: {key: Counts() for key in [*FIELDS, "overall"]} for rule in rules}
    calibration: list[tuple[float, bool]] = []  # (confidence, correct)
    raw_scores: list[tuple[float, bool]] = []  # (uncalibrated score, correct): what the knots are fitted on
    receipts = []
    started = time.perf_counter()
    for receipt in ids:
        truth = json.loads((root / "key" / f"{receipt}.json").read_text(encoding="utf-8"))
        image = root / "img" / f"{receipt}.jpg"
        if ocr == "ground-truth":
            document = load_ground_truth_ocr(root / "box" / f"{receipt}.csv", image)
        else:
            document = load_engine_ocr(image)
        try:
            result = extractor.extract(document, blueprint)
        except RuntimeError as exc:  # a model's unusable answer: this receipt predicts nothing
            echo(f"{receipt}: {extractor.name} failed: {exc}")
            result = assemble(blueprint, {})
        shown: dict[str, Any] = {}
        for key, field in FIELDS.items():
            evidence = result.leaf(field)
            predicted = evidence.raw if evidence.found else ""
            for rule, norm in rules.items():
                same = norm(predicted) == norm(truth[key])
                counts[rule][key].add(predicted, truth[key], same)
                counts[rule]["overall"].add(predicted, truth[key], same)
            correct = _nospace(predicted) == _nospace(truth[key])
            if predicted:
                calibration.append((evidence.confidence, correct))
                raw_scores.append((evidence.score, correct))
            shown[key] = {"predicted": predicted, "truth": truth[key], "correct": correct,
                          "confidence": evidence.confidence}
        receipts.append({"id": receipt, "fields": shown})
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {
        "suite": "sroie", "ocr": ocr, "receipts": len(ids), "blueprint": "receipt", "engine": extractor.name,
        "seconds": round(seconds, 2),
        "scores": {rule: {k: c.as_dict() for k, c in per.items()} for rule, per in counts.items()},
        "calibration": {"ece": expected_calibration_error(calibration),
                        "fitted_knots": fit_knots(raw_scores), "raw_scores": sorted(raw_scores)},
        "per_receipt": receipts,
    }
    echo(_table(report))
    return report


def _table(report: dict[str, Any]) -> str:
    out = [f"sroie ({report['receipts']} receipts, OCR: {report['ocr']}, engine {report['engine']}, "
           f"{report['seconds']} s), "
           "exact text match after whitespace and case normalisation"]
    out.append(f"{'field':<10}{'rule':<9}{'P':>7}{'R':>7}{'F1':>7}")
    for key in [*FIELDS, "overall"]:
        for rule in ("nospace", "strict"):
            s = report["scores"][rule][key]
            out.append(f"{key:<10}{rule:<9}{s['precision']:>7.2f}{s['recall']:>7.2f}{s['f1']:>7.2f}")
    cased = report["scores"]["cased"]["overall"]
    out.append(f"overall without case folding (nospace): F1 {cased['f1']:.2f}")
    out.append(f"confidence ECE {report['calibration']['ece']:.3f} (lower is better; confidence ~ P(correct))")
    return "\n".join(out)


def run_sroie(data: str | None, ocr: str | None, out: str | None, engine: str | None = None) -> int:
    """The ``medauto eval sroie`` command: print the table, write JSON with ``out``; exit status."""
    import sys

    folder = Path(data) if data else Path(__file__).resolve().parents[4] / "shared" / "data"
    if not (folder / "sroie" / "key").is_dir():
        print(f"medauto eval: no SROIE data under {folder} (use --data)", file=sys.stderr)
        return 2
    extractor = None
    if engine:
        from medauto.engines import registry
        from medauto.engines.extraction.engines import ensure_registered

        ensure_registered()
        try:
            extractor = registry.get(engine)
        except (KeyError, RuntimeError) as exc:  # unknown name, or its model / endpoint is not there
            print(f"medauto eval: engine {engine}: {exc}", file=sys.stderr)
            return 2
    report = evaluate(folder, ocr or "engine", extractor=extractor, echo=lambda line: print(line, flush=True))
    if out:
        Path(out).write_text(json.dumps(report, indent=2))
        print(f"wrote {out}")
    return 0
