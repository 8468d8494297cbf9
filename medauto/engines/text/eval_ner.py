"""Exact-span, entity-level evaluation of a NER model on IOB files (token<TAB>tag, blank line between sentences).

Each sentence's text is its tokens joined by single spaces; gold spans are character ranges in that text, so a
prediction counts only if it starts and ends exactly where the gold mention does (as conlleval scores).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from medauto.engines.text.crf_ner import TYPES
from medauto.engines.text.doc import Doc
from medauto.engines.text.scoring import Key, Scores, score_spans
from medauto.engines.text.types import Category, Span

# Devel files scored by ``evaluate_all``: corpus name -> path under the data folder.
DEVEL = {
    "ncbi-disease": Path("ncbi-disease/iob/devel.tsv"),
    "bc5cdr": Path("bc5cdr/BC5CDR-IOB/devel.tsv"),
}
_TYPE_OF_LABEL = {label: kind for kind, (label, _) in TYPES.items()}
_TYPE_OF_CATEGORY: dict[Category, str] = {category: kind for kind, (_, category) in TYPES.items()}


class Finder(Protocol):
    def find(self, doc: Doc) -> list[Span]: ...


def read_iob(path: Path) -> Iterator[list[tuple[str, str]]]:
    """Sentences as lists of (token, tag)."""
    sentence: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                if sentence:
                    yield sentence
                sentence = []
                continue
            token, _, tag = line.partition("\t")
            sentence.append((token, tag.strip() or "O"))
    if sentence:
        yield sentence


def iob_chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    """Token ranges ``[start, end)`` and type, conlleval style: an I- tag after O or another type starts a chunk."""
    chunks: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        if start >= 0 and (prefix != "I" or typ != kind):
            chunks.append((start, i, kind))
            start = -1
        if prefix == "B" or (prefix == "I" and start < 0):
            start, kind = i, typ
    return chunks


def sentence_text(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined by single spaces, and each token's (begin, end) in that text."""
    offsets: list[tuple[int, int]] = []
    pos = 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return " ".join(tokens), offsets


def evaluate_iob(model: Finder, path: Path, corpus: str, limit: int | None = None) -> dict[str, Scores]:
    """Scores per type (``Disease``/``Chemical``) plus ``ALL``; only types the corpus annotates are predicted.

    ``limit`` scores only the first ``limit`` sentences.
    """
    gold: list[Key] = []
    predicted: list[Key] = []
    sentences = list(read_iob(path))[:limit]
    annotated = {typ for sentence in sentences for _, tag in sentence for typ in [tag.partition("-")[2]] if typ}
    for n, sentence in enumerate(sentences):
        tokens = [tok for tok, _ in sentence]
        text, offsets = sentence_text(tokens)
        for b, e, kind in iob_chunks([tag for _, tag in sentence]):
            gold.append(((corpus, n), offsets[b][0], offsets[e - 1][1], kind))
        for span in model.find(Doc(text)):
            typ = _TYPE_OF_LABEL.get(span.label)
            if typ in annotated:
                predicted.append(((corpus, n), span.begin, span.end, str(typ)))
    return score_spans(gold, predicted)


def evaluate_all(data_dir: Path, model: Finder) -> dict[str, dict[str, Scores]]:
    """Devel scores for every corpus in ``DEVEL`` found under ``data_dir``."""
    return {
        corpus: evaluate_iob(model, data_dir / rel, corpus)
        for corpus, rel in DEVEL.items()
        if (data_dir / rel).is_file()
    }


def judged_spans(model: Finder, path: Path, limit: int | None = None) -> list[tuple[int, Span, bool]]:
    """Every predicted span of a type the corpus annotates (by category: a brand name is a Chemical too), with its
    sentence number and whether a gold mention of that type has exactly its offsets: what calibration is fitted on.
    """
    judged: list[tuple[int, Span, bool]] = []
    sentences = list(read_iob(path))[:limit]
    annotated = {typ for sentence in sentences for _, tag in sentence for typ in [tag.partition("-")[2]] if typ}
    for n, sentence in enumerate(sentences):
        text, offsets = sentence_text([tok for tok, _ in sentence])
        gold = {(offsets[b][0], offsets[e - 1][1], kind) for b, e, kind in iob_chunks([tag for _, tag in sentence])}
        for span in model.find(Doc(text)):
            typ = _TYPE_OF_CATEGORY.get(span.category)
            if typ in annotated:
                judged.append((n, span, (span.begin, span.end, typ) in gold))
    return judged
