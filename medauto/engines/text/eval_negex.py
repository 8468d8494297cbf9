"""Negation accuracy on the NegEx test kit: is the given condition negated in its sentence?

Each record is ``id <TAB> condition <TAB> sentence <TAB> Affirmed|Negated`` (sentences may be CSV-quoted with doubled
quotes). The condition is located in the sentence, made a MEDICAL_CONDITION span and passed to the detector; the
prediction is Negated iff the span gets a NEGATION trait. Records whose condition cannot be found in the sentence
are counted (``not_found``); ``accuracy`` and the Negated-class figures are over the found records, while
``accuracy_all`` scores every record, a not-found one as predicted Affirmed.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from medauto.engines.text.doc import Doc
from medauto.engines.text.scoring import Scores
from medauto.engines.text.types import Category, Span, Trait, TraitName

DEV_FILE = Path("negex/Annotations-1-120-random.dev.txt")


class TraitDetector(Protocol):
    def traits(self, doc: Doc, spans: list[Span]) -> list[list[Trait]]: ...


@dataclass(frozen=True)
class Record:
    id: str
    condition: str
    sentence: str
    negated: bool


def read_negex(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) < 4 or not row[1].strip():
                continue
            yield Record(row[0].strip(), row[1], row[2], row[3].strip().lower() == "negated")


def _pattern(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in phrase.split())


def locate(condition: str, sentence: str) -> tuple[int, int] | None:
    """Character range of ``condition`` in ``sentence``, whitespace-insensitive.

    The kit writes the condition in upper case inside the sentence, so an upper-case match is preferred (it skips an
    earlier lower-case mention of the same words); then any case; then the words alone, ignoring punctuation.
    """
    condition = condition.strip().strip('"').strip()
    if not condition:
        return None
    pattern = _pattern(condition)
    for flags, text in ((0, _pattern(condition.upper())), (re.IGNORECASE, pattern)):
        m = re.search(rf"(?<!\w){text}(?!\w)", sentence, flags) or re.search(text, sentence, flags)
        if m:
            return m.start(), m.end()
    words = re.findall(r"\w+", condition)
    if words:
        m = re.search(r"\W+".join(re.escape(w) for w in words), sentence, re.IGNORECASE)
        if m:
            return m.start(), m.end()
    return None


def evaluate_negex(path: Path, detector: TraitDetector) -> dict[str, float]:
    tp = fp = fn = tn = not_found = missed_negated = 0
    for record in read_negex(path):
        where = locate(record.condition, record.sentence)
        if where is None:
            not_found += 1
            missed_negated += record.negated
            continue
        begin, end = where
        span = Span(begin, end, record.sentence[begin:end], "DX_NAME", Category.MEDICAL_CONDITION, 1.0, "negex")
        traits = detector.traits(Doc(record.sentence), [span])[0]
        predicted = any(t.name is TraitName.NEGATION for t in traits)
        if predicted and record.negated:
            tp += 1
        elif predicted:
            fp += 1
        elif record.negated:
            fn += 1
        else:
            tn += 1
    found = tp + fp + fn + tn
    scores = Scores(tp, fp, fn)
    total = found + not_found
    return {
        "records": float(total),
        "not_found": float(not_found),
        "accuracy": round((tp + tn) / found, 4) if found else 0.0,
        "accuracy_all": round((tp + tn + not_found - missed_negated) / total, 4) if total else 0.0,
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "tp": float(tp),
        "fp": float(fp),
        "fn": float(fn),
        "tn": float(tn),
    }


def main(argv: list[str] | None = None) -> None:
    from medauto.engines.text.context import ContextTraits

    parser = argparse.ArgumentParser(description="NegEx negation accuracy of the ConText trait detector")
    parser.add_argument("path", type=Path, help=f"a NegEx annotation file, e.g. shared/data/{DEV_FILE}")
    args = parser.parse_args(argv)
    print(json.dumps(evaluate_negex(args.path, ContextTraits.load()), indent=2))


if __name__ == "__main__":
    main()
