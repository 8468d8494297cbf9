"""Extractive summaries: the most representative sentences of a text, in their original order.

A Luhn-style scorer (content-word frequency, with a small bonus for early sentences) needs no model, runs in
microseconds and never invents text; an LLM engine can replace it by configuration where one is available.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being this that these
    those it its he she they them his her their we our you your i me my not no yes do does did has have had will
    would can could should may might must shall there here than then so such into over under about after before
    also any all each per via""".split()  # noqa: SIM905 - a word list reads better as text
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(_WORD.findall(s)) >= 3]


def extractive_summary(text: str, max_words: int = 250) -> str:
    """Up to ``max_words`` words made of whole sentences of ``text`` (the first sentence is cut if it alone is
    longer)."""
    candidates = sentences(text)
    if not candidates:
        return " ".join(text.split()[:max_words])
    freq = Counter(w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP)
    if not freq:
        return " ".join(candidates[0].split()[:max_words])
    top = max(freq.values())

    def score(index: int, sentence: str) -> float:
        words = [w.lower() for w in _WORD.findall(sentence)]
        content = [freq[w] / top for w in words if w in freq]
        if not content:
            return 0.0
        position = 1.0 / (1.0 + index / 5.0)
        return sum(content) / math.sqrt(len(words)) + 0.3 * position

    ranked = sorted(range(len(candidates)), key=lambda i: -score(i, candidates[i]))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        size = len(candidates[i].split())
        if used + size > max_words:
            continue
        chosen.append(i)
        used += size
    if not chosen:
        return " ".join(candidates[ranked[0]].split()[:max_words])
    return " ".join(candidates[i] for i in sorted(chosen))


def headline(text: str, max_words: int = 10) -> str:
    """A short description: the leading words of the most representative sentence."""
    best = extractive_summary(text, max_words=max(max_words, 40))
    words = best.split()
    return " ".join(words[:max_words])
