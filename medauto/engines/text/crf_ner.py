"""Disease and chemical mentions from a linear-chain CRF (python-crfsuite) trained here by ``tools/train_ner.py``.

Features are cheap on purpose: everything that depends on a token's string alone (lower-cased word, shapes,
affixes, flags, gazetteer membership, word cluster) is computed once per distinct string and cached; a sentence
adds only its neighbour windows, two bigrams and the gazetteer phrase matches. The gazetteer (drug and disease
names, derived at training time from two MIT-licensed registry packages) and the word clusters ship next to the
model, so nothing is looked up or downloaded at run time.
"""

from __future__ import annotations

import json
import struct
import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medauto.engines import registry
from medauto.engines.text.crf_features import (
    CARD_FILE,
    FeatureConfig,
    Featurizer,
    load_features,
)
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Category, Span, Token

if TYPE_CHECKING:
    import pycrfsuite

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "ner-crf.crfsuite"

# Corpus entity type -> (Comprehend Medical label, category).
TYPES: dict[str, tuple[str, Category]] = {
    "Disease": ("DX_NAME", Category.MEDICAL_CONDITION),
    "Chemical": ("GENERIC_NAME", Category.MEDICATION),
}
_SENTENCE_CACHE_LIMIT = 50_000


def split_tokens(tokens: Iterable[Token]) -> list[Token]:
    """Doc tokens, with ``Parkinson's`` split as the training corpora do (``Parkinson`` ``'`` ``s``)."""
    out: list[Token] = []
    for tok in tokens:
        cut = tok.text.find("'")
        if cut <= 0:
            out.append(tok)
            continue
        b = tok.begin
        out.append(Token(b, b + cut, tok.text[:cut]))
        out.append(Token(b + cut, b + cut + 1, "'"))
        out.append(Token(b + cut + 1, tok.end, tok.text[cut + 1 :]))
    return out


def tokenize(text: str) -> list[Token]:
    return split_tokens(Doc(text).tokens)


def decode(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token ranges ``[start, end)`` and type from BIO or BIOES labels, conlleval style (stray I- starts one)."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, label in enumerate([*labels, "O"]):
        tag, _, typ = label.partition("-")
        if start >= 0 and (tag in ("O", "B", "S") or typ != kind):
            spans.append((start, i, kind))
            start = -1
        if tag in ("B", "S") or (tag in ("I", "E") and start < 0):
            start, kind = i, typ
        if start >= 0 and tag in ("E", "S"):
            spans.append((start, i + 1, kind))
            start = -1
    return spans


@lru_cache(maxsize=8)
def model_attributes(path: Path) -> frozenset[str] | None:
    """The attribute names a crfsuite model file has weights for, read from its attribute dictionary (a CQDB
    database: a header, then an id-ordered table of record offsets, each record ``id, size, name + NUL``).
    ``None`` if the file is not laid out that way."""
    data = path.read_bytes()
    try:
        magic, _, kind, _, _, _, count, _, _, at, _, _ = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
        chunk, _, _, order, table_size, table = struct.unpack_from("<4sIIIII", data, at)
        if (magic, kind, chunk, order, table_size) != (b"lCRF", b"FOMC", b"CQDB", _CQDB_BYTEORDER, count):
            return None
        names = []
        for (offset,) in struct.iter_unpack("<I", data[at + table : at + table + 4 * count]):
            _, size = struct.unpack_from("<iI", data, at + offset)
            start = at + offset + 8
            if size < 1 or data[start + size - 1] != 0:
                return None
            names.append(data[start : start + size - 1].decode("utf-8"))
    except (struct.error, UnicodeDecodeError, IndexError):
        return None
    return frozenset(names)


_CQDB_BYTEORDER = 0x62445371


class CrfNer:
    """``find(doc)`` -> Disease (DX_NAME) and Chemical (GENERIC_NAME) spans, scored by their mean marginal."""

    def __init__(self, model_path: Path, featurizer: Featurizer) -> None:
        self.model_path = model_path
        self.featurizer = featurizer
        self._local = threading.local()  # crfsuite taggers are not thread-safe: one per thread
        # Tagged sentences by their words, one cache per featurizer (restricted, unrestricted): see find.
        self._sentence_cache: dict[bool, dict[tuple[str, ...], tuple[tuple[int, int, str, float], ...]]] = {
            False: {},
            True: {},
        }

    @classmethod
    def load(cls, model_dir: Path | None = None) -> CrfNer:
        model_dir = model_dir or MODEL_DIR
        ner = cls(model_dir / MODEL_FILE, load_features(model_dir))
        ner._tagger()  # fail early on a missing or corrupt model
        ner._features  # noqa: B018  (read the model's attribute names now, not on the first request)
        return ner

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger: pycrfsuite.Tagger | None = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.model_path))
            self._local.tagger = tagger
        return tagger

    @cached_property
    def _features(self) -> Featurizer:
        """The featurizer restricted to the model's attributes: the same tags and marginals, less to look up."""
        known = model_attributes(self.model_path)
        if known is None:
            known = frozenset(self._tagger().info().attributes)
        return self.featurizer.restricted(known)

    def tagger(self) -> pycrfsuite.Tagger:
        """This thread's tagger (crfsuite taggers are not thread-safe)."""
        return self._tagger()

    def sentence_features(self, words: Sequence[str], text: str) -> list[list[str]]:
        """The attribute lists of one sentence's words; ``text`` is the document they come from."""
        return self._featurizer_for(text).sentence(words)

    def _featurizer_for(self, text: str) -> Featurizer:
        # crfsuite reads an attribute name up to a NUL character: text with one gets the unrestricted attributes.
        return self._features if "\x00" not in text else self.featurizer

    def tag(self, words: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """Token ranges, type and mean marginal probability for one pre-tokenized sentence."""
        if not words:
            return []
        return self._tag(self._featurizer_for("".join(words)).sentence(words), self._tagger())

    @staticmethod
    def _tag(features: list[list[str]], tagger: pycrfsuite.Tagger) -> list[tuple[int, int, str, float]]:
        labels = tagger.tag(features)
        if labels.count("O") == len(labels):
            return []  # what decode finds in a sentence without entities
        out = []
        marginal = tagger.marginal
        for b, e, kind in decode(labels):
            p = sum(marginal(labels[i], i) for i in range(b, e)) / (e - b)
            out.append((b, e, kind, p))
        return out

    def find(self, doc: Doc) -> list[Span]:
        text = doc.text
        words, begins, ends, groups = sentence_words(doc)
        featurizer = self._featurizer_for(text)
        # A sentence's tags depend on its words alone (features never cross sentence bounds), so sentences seen
        # before (templates, "No known drug allergies.") are looked up; only the new ones are featurized and tagged.
        cache = self._sentence_cache[featurizer is self.featurizer]
        keys = [tuple(words[first:stop]) for first, stop in groups]
        # This document's tags are kept apart from the shared cache, which may be cleared meanwhile (when full,
        # or by another thread) without losing a sentence looked up here.
        tags = {key: cache.get(key) for key in keys}
        new = [key for key, found in tags.items() if found is None]
        if new:
            tagger = self._tagger()
            if len(cache) + len(new) > _SENTENCE_CACHE_LIMIT:
                cache.clear()
            for key, sentence in zip(new, featurizer.document(new), strict=True):
                tags[key] = cache[key] = tuple(self._tag(sentence, tagger))
        spans: list[Span] = []
        for (first, _), key in zip(groups, keys, strict=True):
            for b, e, kind, p in tags[key] or ():
                begin, end = begins[first + b], ends[first + e - 1]
                label, category = TYPES[kind]
                spans.append(Span(begin, end, text[begin:end], label, category, round(p, 4), "crf"))
        return spans


def sentence_words(doc: Doc) -> tuple[Sequence[str], Sequence[int], Sequence[int], list[tuple[int, int]]]:
    """The words the models see (``Parkinson's`` split as the training corpora are), their offsets, and each
    non-empty sentence's word range ``[first, stop)``."""
    if "'" not in doc.text:
        return doc.words, doc.begins, doc.ends, [(first, stop) for first, stop in doc.sentence_tokens if first < stop]
    tokens = split_tokens(doc.tokens)
    words = [t.text for t in tokens]
    begins = [t.begin for t in tokens]
    ends = [t.end for t in tokens]
    groups = []
    k = 0
    for _, s_end in doc.sentences:
        stop = bisect_left(begins, s_end, k)
        if k < stop:
            groups.append((k, stop))
        k = stop
    return words, begins, ends, groups


def card(model_dir: Path | None = None) -> dict[str, Any]:
    return dict(json.loads(((model_dir or MODEL_DIR) / CARD_FILE).read_text(encoding="utf-8")))


def config_dict(config: FeatureConfig) -> dict[str, Any]:
    return asdict(config)


@registry.register("text.ner.crf.v1")
def _factory() -> CrfNer:
    return CrfNer.load()
