"""Topic segmentation of a transcript: TextTiling-style lexical cohesion between neighbouring windows of
utterances, with long pauses as extra evidence. Summaries are left to the caller (extractive, see summary.py)."""

from __future__ import annotations

import math
import re
from collections import Counter

from medauto.engines.media.types import Topic, Utterance

# Function words carry no topic; words of three letters or fewer are dropped as well.
_STOP = frozenset(
    """and the this that these those with from have has had was were are been being will would could should
    about into over under after before there here then than they them their what which when where who whom why
    how just also very some any all each your yours ours okay yeah well""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
MIN_TOPIC_MS = 30_000  # a topic shorter than this is folded into its neighbour
_WINDOW = 3  # utterances compared on each side of a gap
_PAUSE_BONUS_MS = 3_000  # a pause this long counts as much as a full drop in cohesion


def _bag(utterances: list[Utterance]) -> Counter[str]:
    words = (w.lower() for u in utterances for w in _WORD.findall(u.text))
    return Counter(w for w in words if w not in _STOP and len(w) > 2)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(count * b[word] for word, count in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def gap_scores(utterances: list[Utterance], window: int = _WINDOW) -> list[float]:
    """Depth of each gap (between utterance i and i+1): how far cohesion drops there, plus a pause bonus."""
    cohesion = [
        _cosine(_bag(utterances[max(0, i + 1 - window) : i + 1]), _bag(utterances[i + 1 : i + 1 + window]))
        for i in range(len(utterances) - 1)
    ]
    depths = []
    for i, value in enumerate(cohesion):
        left = max(cohesion[: i + 1])
        right = max(cohesion[i:])
        pause = utterances[i + 1].start_ms - utterances[i].end_ms
        depths.append((left - value) + (right - value) + min(1.0, pause / _PAUSE_BONUS_MS))
    return depths


def segment_topics(utterances: list[Utterance], min_topic_ms: int = MIN_TOPIC_MS) -> list[Topic]:
    """Consecutive utterances grouped into topics, split at the deepest gaps that leave every topic at least
    ``min_topic_ms`` long."""
    if not utterances:
        return []
    depths = gap_scores(utterances)
    cuts: list[int] = []  # a cut after utterance i
    if depths:
        mean = sum(depths) / len(depths)
        spread = math.sqrt(sum((d - mean) ** 2 for d in depths) / len(depths))
        candidates = sorted((i for i, d in enumerate(depths) if d > mean + spread / 2), key=lambda i: -depths[i])
        for i in candidates:
            trial = sorted([*cuts, i])
            if _long_enough(utterances, trial, min_topic_ms):
                cuts = trial
    return _topics(utterances, cuts)


def _bounds(count: int, cuts: list[int]) -> list[tuple[int, int]]:
    starts = [0, *(c + 1 for c in cuts)]
    ends = [*cuts, count - 1]
    return list(zip(starts, ends, strict=True))


def _long_enough(utterances: list[Utterance], cuts: list[int], min_ms: int) -> bool:
    return all(
        utterances[end].end_ms - utterances[start].start_ms >= min_ms for start, end in _bounds(len(utterances), cuts)
    )


def _topics(utterances: list[Utterance], cuts: list[int]) -> list[Topic]:
    return [
        Topic(
            start_ms=utterances[start].start_ms,
            end_ms=utterances[end].end_ms,
            utterance_indices=tuple(range(start, end + 1)),
            text=" ".join(u.text for u in utterances[start : end + 1]),
        )
        for start, end in _bounds(len(utterances), cuts)
    ]
