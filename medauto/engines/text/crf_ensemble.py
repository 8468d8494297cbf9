"""The "accurate" profile's NER: several CRFs voting through their label marginals.

Each member CRF (trained here with different features, see ``tools/train_ner_accurate.py``) gives, per token, the
marginal probability of every BIOES label. The ensemble averages them and decodes the best label sequence that
obeys BIOES (a B- or I- is followed by I- or E- of its type, and so on) by Viterbi over the averaged
log-marginals. Down-weighting ``O`` (``o_weight`` < 1) trades a little precision for recall; the weight is chosen
on the development splits. A span's score is its tokens' mean averaged marginal, as for a single CRF.

About three times the work of one CRF, all of it in the CRFs' own C code except the small decoding loop.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medauto.engines import registry
from medauto.engines.text.crf_ner import MODEL_DIR, TYPES, CrfNer, decode, sentence_words
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Span

ENSEMBLE_FILE = "ensemble.json"
ACCURATE_MODEL_DIR = MODEL_DIR / "accurate"
SOURCE = "crf-ensemble"


def _allowed(before: str, after: str) -> bool:
    tag, _, kind = before.partition("-")
    next_tag, _, next_kind = after.partition("-")
    if tag in ("B", "I"):
        return next_tag in ("I", "E") and next_kind == kind
    return next_tag in ("O", "B", "S")


@dataclass(frozen=True)
class BioesLattice:
    """The label set and which label may follow which, as index lists for the decoder."""

    labels: tuple[str, ...]
    outside: int  # index of "O"
    starts: tuple[bool, ...]  # may open a sentence
    stops: tuple[bool, ...]  # may close a sentence
    previous: tuple[tuple[int, ...], ...]  # per label, the labels allowed right before it

    @classmethod
    def of(cls, labels: Sequence[str]) -> BioesLattice:
        ordered = tuple(sorted(labels))
        return cls(
            ordered,
            ordered.index("O"),
            tuple(label[0] in "OBS" for label in ordered),
            tuple(label[0] in "OES" for label in ordered),
            tuple(tuple(i for i, a in enumerate(ordered) if _allowed(a, b)) for b in ordered),
        )

    def best_path(self, scores: list[list[float]]) -> list[int]:
        """The allowed label sequence with the highest total score (Viterbi)."""
        best = [s if ok else -math.inf for s, ok in zip(scores[0], self.starts, strict=True)]
        back: list[list[int]] = []
        for row in scores[1:]:
            pointers = [max(before, key=best.__getitem__) for before in self.previous]
            best = [best[p] + s for p, s in zip(pointers, row, strict=True)]
            back.append(pointers)
        last = max(range(len(best)), key=lambda j: best[j] if self.stops[j] else -math.inf)
        path = [last]
        for pointers in reversed(back):
            path.append(pointers[path[-1]])
        path.reverse()
        return path


class CrfEnsemble:
    """``find(doc)`` -> Disease and Chemical spans agreed by the member CRFs (see the module docstring)."""

    def __init__(self, members: Sequence[CrfNer], o_weight: float = 1.0) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one member model")
        self.members = list(members)
        self.o_weight = o_weight
        self.lattice = BioesLattice.of(members[0].tagger().labels())
        for member in self.members[1:]:
            if sorted(member.tagger().labels()) != list(self.lattice.labels):
                raise ValueError(f"{member.model_path} has other labels than {self.members[0].model_path}")

    @classmethod
    def load(cls, model_dir: Path) -> CrfEnsemble:
        """Members and ``o_weight`` from ``ensemble.json`` (member folders relative to ``model_dir``)."""
        spec = json.loads((model_dir / ENSEMBLE_FILE).read_text(encoding="utf-8"))
        members = [CrfNer.load((model_dir / member).resolve()) for member in spec["members"]]
        return cls(members, float(spec["o_weight"]))

    def marginals(self, words: Sequence[str], text: str) -> list[list[float]]:
        """Per word, the members' mean marginal of each label (in ``lattice.labels`` order)."""
        labels = self.lattice.labels
        total = [[0.0] * len(labels) for _ in words]
        for member in self.members:
            tagger = member.tagger()
            tagger.set(member.sentence_features(words, text))
            marginal = tagger.marginal
            for t, row in enumerate(total):
                for j, label in enumerate(labels):
                    row[j] += marginal(label, t)
        share = 1.0 / len(self.members)
        return [[p * share for p in row] for row in total]

    def tag(self, words: Sequence[str], text: str = "") -> list[tuple[int, int, str, float]]:
        """Word ranges ``[b, e)``, type and mean marginal of the decoded mentions of one sentence."""
        if not words:
            return []
        return self.decode(self.marginals(words, text or " ".join(words)))

    def decode(self, probs: list[list[float]]) -> list[tuple[int, int, str, float]]:
        """Mentions from per-word label marginals (see :meth:`marginals`), with this ensemble's ``o_weight``."""
        penalty = math.log(self.o_weight)
        outside = self.lattice.outside
        scores = [
            [math.log(max(p, 1e-12)) + (penalty if j == outside else 0.0) for j, p in enumerate(row)] for row in probs
        ]
        path = self.lattice.best_path(scores)
        labels = [self.lattice.labels[j] for j in path]
        return [(b, e, kind, sum(probs[t][path[t]] for t in range(b, e)) / (e - b)) for b, e, kind in decode(labels)]

    def find(self, doc: Doc) -> list[Span]:
        text = doc.text
        words, begins, ends, groups = sentence_words(doc)
        spans: list[Span] = []
        for first, stop in groups:
            for b, e, kind, p in self.tag(words[first:stop], text):
                begin, end = begins[first + b], ends[first + e - 1]
                label, category = TYPES[kind]
                spans.append(Span(begin, end, text[begin:end], label, category, round(p, 4), SOURCE))
        return spans


@registry.register("text.ner.crf.accurate.v1")
def _factory() -> CrfEnsemble:
    return CrfEnsemble.load(ACCURATE_MODEL_DIR)
