"""Choose a blueprint for a document, and split a multi-document file into logical documents.

A blueprint's fit combines lexical signals, none needing a model: how many of its fields have a label the
document prints (the strongest), how much of its class/description/instruction vocabulary the text uses (weighted
by rarity across the candidate blueprints, BM25-style saturation), whether its class name appears, and for
receipt/invoice classes the genre cues of ``genre.py`` (payment made vs payment requested). Below
``threshold`` the answer is NO_MATCH (None).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from medauto.engines.document.types import Page, ParsedDocument
from medauto.engines.extraction.genre import genre_fit
from medauto.engines.extraction.layout import Layout
from medauto.engines.extraction.matchers import label_score, profile, tokens
from medauto.engines.extraction.schema import BlueprintSchema

NO_MATCH_THRESHOLD = 0.1
_GENRE_WEIGHT = 0.25
_FILLER = {"the", "a", "an", "of", "to", "for", "on", "in", "is", "and", "or", "by", "this", "that", "as", "at",
           "such", "with", "from", "each", "one", "row", "per", "printed", "document", "number", "name", "date"}
_PAGE_ONE = re.compile(r"\bpage\s*1\s*(?:of|/)\s*\d+\b", re.IGNORECASE)
_PAGE_LATER = re.compile(r"\bpage\s*(?:[2-9]|\d{2,})\s*(?:of|/)\s*\d+\b", re.IGNORECASE)


@dataclass(frozen=True)
class Classification:
    index: int | None  # the chosen blueprint's position in the candidates, None = NO_MATCH
    score: float  # 0..1, the chosen (or best) blueprint's fit
    scores: tuple[float, ...]  # fit of every candidate


@dataclass(frozen=True)
class Segment:
    page_indices: tuple[int, ...]  # 0-based, absolute
    classification: Classification


def _vocabulary(blueprint: BlueprintSchema) -> Counter[str]:
    return Counter(w for w in tokens(blueprint.text()) if w not in _FILLER and len(w) > 2 and not w.isdigit())


def blueprint_scores(lines: list[str], blueprints: list[BlueprintSchema]) -> list[float]:
    text_words = Counter(w for line in lines for w in tokens(line))
    vocabularies = [_vocabulary(b) for b in blueprints]
    n = len(blueprints)
    scores = []
    for blueprint, vocabulary in zip(blueprints, vocabularies, strict=True):
        # Term fit: rarity-weighted share of the blueprint's vocabulary the document uses (saturating counts).
        total = matched = 0.0
        for word in vocabulary:
            spread = sum(1 for v in vocabularies if word in v)
            idf = math.log(1 + (n - spread + 0.5) / (spread + 0.5)) + 0.2
            total += idf
            tf = text_words.get(word, 0)
            matched += idf * (tf * 2.2 / (tf + 1.2)) / 2.2 * 1.6 if tf else 0.0
        term_fit = min(1.0, matched / total) if total else 0.0
        # Label fit: share of the blueprint's leaf fields whose label some line prints.
        leaves = blueprint.leaves()
        profiles = [profile(leaf, leaf.path[-2] if len(leaf.path) > 1 else "") for leaf in leaves]
        heads = [line.split(":")[0] for line in lines[:400]]
        labelled = sum(1 for p in profiles if any(label_score(h, p) >= 0.9 for h in heads))
        label_fit = labelled / len(leaves) if leaves else 0.0
        class_words = [w for w in tokens(blueprint.document_class) if w not in _FILLER]
        class_fit = 1.0 if class_words and all(text_words.get(w) for w in class_words) else 0.0
        # Genre fit: evidence of the transaction a receipt or an invoice records (see genre.py).
        fit = 0.45 * label_fit + 0.35 * term_fit + 0.2 * class_fit + _GENRE_WEIGHT * genre_fit(lines, blueprint)
        scores.append(round(min(1.0, fit), 4))
    return scores


def classify(lines: list[str], blueprints: list[BlueprintSchema],
             threshold: float = NO_MATCH_THRESHOLD) -> Classification:
    if not blueprints:
        return Classification(None, 0.0, ())
    scores = blueprint_scores(lines, blueprints)
    best = max(range(len(scores)), key=lambda i: scores[i])
    return Classification(best if scores[best] >= threshold else None, scores[best], tuple(scores))


def classify_document(document: ParsedDocument, blueprints: list[BlueprintSchema],
                      threshold: float = NO_MATCH_THRESHOLD) -> Classification:
    return classify([line.text for line in Layout(document).lines], blueprints, threshold)


def split_document(document: ParsedDocument, blueprints: list[BlueprintSchema],
                   threshold: float = NO_MATCH_THRESHOLD) -> list[Segment]:
    """Consecutive pages grouped into logical documents: a new one starts where the best blueprint changes or a
    page looks like a first page (its title repeats the current document's first title, or "Page 1 of N")."""
    layout = Layout(document)
    groups: list[list[Page]] = []
    previous: int | None = None
    first_title = ""
    for page in document.pages:
        lines = [line.text for line in layout.on_page(page.index)]
        label = classify(lines, blueprints, threshold).index
        title = _title(lines)
        margins = lines[:5] + lines[-5:]
        # "Page 2 of 3" says the document goes on, even when its header repeats the first page's title.
        continued = any(_PAGE_LATER.search(line) for line in margins)
        # A continued page, or one with no evidence of a type of its own, stays with the document before it.
        starts = not groups or (
            not continued
            and (
                (label is not None and label != previous)
                or (bool(title) and title == first_title)
                or any(_PAGE_ONE.search(line) for line in margins)
            )
        )
        if starts:
            groups.append([page])
            first_title = title
        else:
            groups[-1].append(page)
            label = previous if label is None else label
        previous = label
    segments = []
    for pages in groups:
        lines = [line.text for page in pages for line in layout.on_page(page.index)]
        segments.append(Segment(tuple(p.index for p in pages), classify(lines, blueprints, threshold)))
    return segments


def _title(lines: list[str]) -> str:
    """The first line with letters, normalised: a repeated title marks a new copy of the same form."""
    for line in lines[:3]:
        words = [w for w in tokens(line) if not w.isdigit()]
        if words:
            return " ".join(words)
    return ""
