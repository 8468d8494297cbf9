"""Span-level precision / recall / F1 per type, shared by every evaluation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


# (document id, begin, end, type): a span identified across a corpus.
Key = tuple[object, int, int, str]


def score_spans(gold: Iterable[Key], predicted: Iterable[Key]) -> dict[str, Scores]:
    """Exact-match scores per type, plus an ``ALL`` micro-average."""
    gold_set, pred_set = set(gold), set(predicted)
    tp = Counter(k[3] for k in gold_set & pred_set)
    fp = Counter(k[3] for k in pred_set - gold_set)
    fn = Counter(k[3] for k in gold_set - pred_set)
    types = sorted(set(tp) | set(fp) | set(fn))
    result = {t: Scores(tp[t], fp[t], fn[t]) for t in types}
    result["ALL"] = Scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return result


def format_table(title: str, scores: dict[str, Scores]) -> str:
    lines = [title, f"{'type':<28}{'P':>8}{'R':>8}{'F1':>8}{'TP':>7}{'FP':>7}{'FN':>7}"]
    for name, s in scores.items():
        lines.append(
            f"{name:<28}{s.precision * 100:>8.2f}{s.recall * 100:>8.2f}{s.f1 * 100:>8.2f}{s.tp:>7}{s.fp:>7}{s.fn:>7}"
        )
    return "\n".join(lines)
