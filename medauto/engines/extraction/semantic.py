"""Embedding match of a printed label to a blueprint field, for labels no lexical phrase covers ("Insurer:" for
``insurance_company``, "Vendor:" for ``supplier``).

The label is compared (cosine of all-MiniLM-L6-v2 vectors) with the field's name and with its name plus
instruction; the better of the two counts. Short labels against field names are a weak signal for this small
model: on the hand-made pairs in tests/unit/engines/data/label_pairs.json, the threshold below keeps
every wrong pairing out and finds a quarter of the right ones, so it is only a fallback under the lexical score.
Without the model installed the score is 0 and extraction is purely lexical.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from medauto.engines.embeddings import EmbeddingError, embeddings_available, encoder

if TYPE_CHECKING:
    import numpy as np

    from medauto.engines.extraction.matchers import FieldProfile

log = logging.getLogger(__name__)

THRESHOLD = 0.6
_LOW, _HIGH = 0.5, 0.7  # scores a semantic match maps to: a label match, never as strong as a lexical one
_CACHE_SIZE = 8192


class _VectorCache:
    """Text -> unit vector, most recently used kept (labels and field texts recur across documents)."""

    def __init__(self) -> None:
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = encoder().encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > _CACHE_SIZE:
                    self._vectors.popitem(last=False)
        with self._lock:
            found = []
            for text in texts:
                self._vectors.move_to_end(text)
                found.append(self._vectors[text])
            return found


_CACHE = _VectorCache()
_AVAILABLE: list[bool] = []


def _available() -> bool:
    if not _AVAILABLE:
        _AVAILABLE.append(embeddings_available())
        if not _AVAILABLE[0]:
            log.info("embedding model not installed: blueprint labels are matched lexically only")
    return _AVAILABLE[0]


def similarity(label: str, name: str, instruction: str) -> float:
    """The better cosine of ``label`` with the field's name, and with its name and instruction."""
    described = f"{name}: {instruction}" if instruction else name
    try:
        left, by_name, by_description = _CACHE.get([label, name, described])
    except EmbeddingError as exc:
        log.warning("embedding model failed, labels matched lexically only: %s", exc)
        _AVAILABLE[:] = [False]
        return 0.0
    return float(max(left @ by_name, left @ by_description))


def semantic_label_score(label: str, prof: FieldProfile) -> float:
    """0, or a label score in [0.5, 0.7] when the label's meaning is close enough to the field's."""
    text = " ".join(label.split()).strip(" :#")
    if not text or len(text) > 60 or not any(c.isalpha() for c in text) or not _available():
        return 0.0
    cosine = similarity(text, prof.spec.name.replace("_", " "), prof.spec.instruction)
    if cosine < THRESHOLD:
        return 0.0
    return _LOW + (_HIGH - _LOW) * (cosine - THRESHOLD) / (1.0 - THRESHOLD)
