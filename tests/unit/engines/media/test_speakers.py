from __future__ import annotations

import numpy as np
import pytest

from medauto.engines.media.speakers import cluster, diarize, label_speakers
from medauto.engines.media.types import AudioSamples, Recognized, Utterance
from tests.unit.engines.media import mediagen as gen

LOW = ("en-us", 40)
HIGH = ("en-us+f3", 75)
LINES = [
    "Good morning, how are you feeling today?",
    "I have had a headache for three days now.",
    "Are you taking any medication for it?",
    "Only ibuprofen, twice a day with food.",
    "Does the pain get worse in the evening?",
    "Yes, and bright light makes it much worse.",
]


def conversation(voices: list[tuple[str, int]]) -> tuple[list[Utterance], np.ndarray]:
    """Each line spoken by the next voice in turn, with the utterance boundaries known exactly."""
    parts, utterances, at = [], [], 0
    for i, line in enumerate(LINES):
        voice, pitch = voices[i % len(voices)]
        spoken = gen.speak([(line, voice, pitch)], pause_s=0.0)
        utterances.append(Utterance(at, at + len(spoken) // 16, line, (), "en"))
        parts.extend([spoken, np.zeros(9600, dtype=np.int16)])
        at += (len(spoken) + 9600) // 16
    return utterances, np.concatenate(parts).astype(np.float32) / 32768


@pytest.mark.usefixtures("tts")
def test_two_voices_taking_turns_get_two_speakers() -> None:
    utterances, samples = conversation([LOW, HIGH])
    assert diarize(utterances, AudioSamples(samples[None, :], 16000)) == [0, 1, 0, 1, 0, 1]


@pytest.mark.usefixtures("tts")
def test_one_voice_stays_one_speaker() -> None:
    utterances, samples = conversation([LOW])
    assert set(diarize(utterances, AudioSamples(samples[None, :], 16000))) == {0}


@pytest.mark.usefixtures("tts")
def test_channel_labels_follow_the_louder_channel_and_speakers_are_numbered_in_order() -> None:
    utterances, samples = conversation([HIGH, LOW])
    left, right = samples.copy(), samples.copy()
    for i, u in enumerate(utterances):  # each voice on its own channel, a faint bleed on the other
        quiet = right if i % 2 == 0 else left
        quiet[u.start_ms * 16 : u.end_ms * 16] *= 0.05
    recognized = Recognized(tuple(utterances), "en", 0.99)
    transcript = label_speakers(recognized, AudioSamples(np.stack([left, right]), 16000), speakers=True, channels=True)
    assert [u.channel for u in transcript.utterances] == [0, 1, 0, 1, 0, 1]
    assert [u.speaker for u in transcript.utterances] == [0, 1, 0, 1, 0, 1]
    assert transcript.speaker_count == 2 and transcript.diarized


def test_labelling_off_gives_everyone_speaker_zero() -> None:
    utterances = [Utterance(0, 900, "a b", (), "en"), Utterance(1500, 2400, "c d", (), "en")]
    noise = np.random.default_rng(1).normal(0, 0.1, (1, 40000)).astype(np.float32)
    transcript = label_speakers(
        Recognized(tuple(utterances), "en", 1.0), AudioSamples(noise, 16000), speakers=False, channels=False
    )
    assert {u.speaker for u in transcript.utterances} == {0}
    assert transcript.speaker_count == 1 and not transcript.diarized


def test_cluster_merges_close_points_and_keeps_far_ones_apart() -> None:
    points = [np.array([0.0, 0.0]), np.array([10.0, 0.0]), np.array([0.5, 0.2]), np.array([10.2, 0.3])]
    assert cluster(points, [1, 1, 1, 1], threshold=2.0) == [0, 1, 0, 1]
    assert cluster(points, [1, 1, 1, 1], threshold=50.0) == [0, 0, 0, 0]
    assert cluster([], []) == []
