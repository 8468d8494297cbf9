"""``medauto eval``: accuracy of the text engines on the development splits in shared/data.

Only training/development material lives there; test splits are held out elsewhere and never used for tuning.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medauto.engines import registry
from medauto.engines.text.doc import Doc
from medauto.engines.text.scoring import Scores, format_table
from medauto.engines.text.stages import ensure_registered
from medauto.engines.text.types import Span

SUITES = ("ncbi-disease", "bc5cdr", "negex", "presidio")
Echo = Callable[[str], None]


def default_data_dir() -> Path:
    """``shared/data`` beside the checkout (``<repo>/../shared/data``)."""
    return Path(__file__).resolve().parents[4] / "shared" / "data"


def _scores_json(scores: dict[str, Scores]) -> dict[str, Any]:
    return {name: s.as_dict() for name, s in scores.items()}


def _ner(data: Path, suite: str, profile: str, echo: Echo) -> dict[str, Any]:
    ensure_registered()
    from medauto.engines.text.eval_ner import evaluate_iob
    from medauto.engines.text.profiles import PROFILES

    path = {
        "ncbi-disease": data / "ncbi-disease" / "iob" / "devel.tsv",
        "bc5cdr": data / "bc5cdr" / "BC5CDR-IOB" / "devel.tsv",
    }[suite]
    model = PROFILES[profile].entity_recognizers[0]  # the profile's statistical NER model
    finder = _Remembered(registry.get(model))  # scored and calibrated from one pass over the data
    scores = evaluate_iob(finder, path, suite)
    echo(format_table(f"{suite} devel ({path.name}), {model}, exact spans", scores))
    calibration = _calibration(finder, path)
    echo(
        f"score calibration (ECE, 10 bins, {calibration['spans']} spans): raw {calibration['ece_raw']:.4f} -> "
        f"calibrated {calibration['ece_calibrated']:.4f}"
    )
    return {"file": str(path), "model": model, "exact": _scores_json(scores), "calibration": calibration}


class _Remembered:
    """A finder that answers a repeated text from memory."""

    def __init__(self, finder: Any) -> None:
        self._finder = finder
        self._seen: dict[str, list[Span]] = {}

    def find(self, doc: Doc) -> list[Span]:
        spans = self._seen.get(doc.text)
        if spans is None:
            spans = self._seen[doc.text] = self._finder.find(doc)
        return spans


def _calibration(finder: _Remembered, path: Path) -> dict[str, Any]:
    """Expected calibration error of the model's raw span scores and of the shipped calibrated ones. The maps were
    fitted on these same development splits: ``tools/fit_calib.py`` also reports a cross-fitted figure."""
    from medauto.engines.text.calibration import ece, shipped
    from medauto.engines.text.eval_ner import judged_spans

    judged = [(span, correct) for _, span, correct in judged_spans(finder, path)]
    calibrated = shipped().apply(span for span, _ in judged)
    return {
        "spans": len(judged),
        "ece_raw": round(ece((s.score, c) for s, c in judged), 4),
        "ece_calibrated": round(ece((s.score, c) for s, (_, c) in zip(calibrated, judged, strict=True)), 4),
    }


def _negex(data: Path, echo: Echo) -> dict[str, Any]:
    ensure_registered()
    from medauto.engines.text.eval_negex import evaluate_negex

    path = data / "negex" / "Annotations-1-120-random.dev.txt"
    result = evaluate_negex(path, registry.get("text.context.v1"))
    shown = (
        f"{k}={int(v)}" if float(v).is_integer() and k not in ("accuracy", "f1") else f"{k}={v:.4f}"
        for k, v in result.items()
    )
    echo("negex dev: " + ", ".join(shown))
    return {"file": str(path), **result}


def _presidio(data: Path, echo: Echo) -> dict[str, Any]:
    ensure_registered()
    from medauto.engines.text.eval_phi import evaluate_presidio

    path = data / "presidio-synth" / "synth_dataset_v2.dev.json"
    recognizer = registry.get("text.phi.rules.v1")
    exact = evaluate_presidio(path, recognizer)
    relaxed = evaluate_presidio(path, recognizer, relaxed=True)
    echo(format_table("presidio-synth dev, exact spans", exact))
    echo(format_table("presidio-synth dev, overlapping spans", relaxed))
    return {"file": str(path), "exact": _scores_json(exact), "relaxed": _scores_json(relaxed)}


def run_suites(data: Path, suites: list[str], echo: Echo = print, profile: str = "fast") -> dict[str, Any]:
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "data": str(data),
        "text_profile": profile,
        "suites": {},
    }
    for suite in suites:
        started = time.perf_counter()
        if suite in ("ncbi-disease", "bc5cdr"):
            result = _ner(data, suite, profile, echo)
        elif suite == "negex":
            result = _negex(data, echo)
        else:
            result = _presidio(data, echo)
        result["seconds"] = round(time.perf_counter() - started, 2)
        report["suites"][suite] = result
        echo("")
    return report
