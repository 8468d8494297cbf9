from __future__ import annotations

from medauto.engines.media.topics import segment_topics
from medauto.engines.media.types import Utterance

MEDS = [
    "Your blood pressure medication needs a higher dose.",
    "We will raise the lisinopril dose to twenty milligrams.",
    "Check your blood pressure every morning with the cuff.",
    "If the pressure stays high, call about the lisinopril dose.",
]
KNEE = [
    "Now about your knee, the swelling has gone down.",
    "The knee brace should stay on while you walk.",
    "Physical therapy for the knee starts next week.",
    "Ice the swollen knee after every therapy session.",
]


def timed(lines: list[str], start_ms: int, step_ms: int = 9000) -> list[Utterance]:
    return [Utterance(start_ms + i * step_ms, start_ms + i * step_ms + 8000, t, (), "en") for i, t in enumerate(lines)]


def test_a_change_of_subject_starts_a_new_topic() -> None:
    utterances = timed(MEDS, 0) + timed(KNEE, 40_000)
    topics = segment_topics(utterances)
    assert [t.utterance_indices for t in topics] == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert topics[0].start_ms == 0 and topics[1].start_ms == 40_000
    assert topics[1].end_ms == utterances[-1].end_ms
    assert "lisinopril" in topics[0].text and "knee" in topics[1].text


def test_topics_are_never_shorter_than_the_minimum() -> None:
    utterances = timed(MEDS[:2], 0, step_ms=5000) + timed(KNEE[:2], 10_000, step_ms=5000)
    assert len(segment_topics(utterances)) == 1  # 20 s in all: too short to split
    assert len(segment_topics(utterances, min_topic_ms=5000)) == 2


def test_no_speech_no_topics() -> None:
    assert segment_topics([]) == []
