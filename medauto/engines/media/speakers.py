"""Who spoke when: channel labels from per-channel energy, speaker labels from clustering voice prints.

Diarization here is deliberately simple: each utterance gets a voice print (mean MFCCs of its louder frames and
its median pitch), and utterances are merged bottom-up (average linkage) while their prints stay closer than a
fixed threshold. It separates clearly different voices (e.g. a low and a high voice); similar voices, overlapping
speech and turns shorter than half a second end up with the neighbouring speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from medauto.engines.media.features import mfcc, pitch
from medauto.engines.media.types import AudioSamples, Recognized, Transcript, Utterance

MAX_SPEAKERS = 30  # BDA labels spk_0 .. spk_29
# Voice-print distance below which two clusters are one speaker. Tuned on synthetic voices: one voice's
# utterances stay within about 3.7 of each other, voices whose pitch differs by a third or more are 7+ apart.
MERGE_DISTANCE = 4.5
_PITCH_WEIGHT = 10.0  # per unit of log pitch ratio (an octave is 6.9)
_MIN_SPEECH_FRAMES = 40  # 0.4 s of louder frames before an utterance gets its own print
_MIN_VOICED_FRAMES = 10
_MAX_CLUSTERED = 300  # the longest utterances are clustered; the rest join the nearest speaker


@dataclass(frozen=True)
class VoiceSample:
    cepstra: np.ndarray  # MFCC 1..12 of the utterance's louder frames
    log_pitch: float  # log of its median F0


def voice_sample(samples: np.ndarray, rate: int) -> VoiceSample | None:
    """What the utterance's voice sounds like, or None when it is too short or unvoiced to judge."""
    if samples.size < rate // 4:
        return None
    cepstra = mfcc(samples, rate)
    energy = cepstra[:, 0]
    loud = energy > np.percentile(energy, 30)
    f0 = pitch(samples, rate)
    voiced = f0[f0 > 0]
    if loud.sum() < _MIN_SPEECH_FRAMES or voiced.size < _MIN_VOICED_FRAMES:
        return None
    return VoiceSample(cepstra[loud, 1:], float(np.log(np.median(voiced))))


def voice_prints(samples: list[VoiceSample]) -> list[np.ndarray]:
    """Comparable vectors: mean cepstra scaled by the file's spread per coefficient, then weighted pitch."""
    spread = np.concatenate([s.cepstra for s in samples]).std(axis=0) + 1e-6
    return [np.append(s.cepstra.mean(axis=0) / spread, _PITCH_WEIGHT * s.log_pitch) for s in samples]


def cluster(prints: list[np.ndarray], weights: Sequence[float], threshold: float = MERGE_DISTANCE) -> list[int]:
    """Cluster index per print (average linkage, weighted by speech length), numbered in order of appearance."""
    if not prints:
        return []
    points = np.stack(prints)
    members: list[list[int]] = [[i] for i in range(len(prints))]
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(distance, np.inf)
    size = np.asarray(weights, dtype=float)
    alive = np.ones(len(prints), dtype=bool)
    while alive.sum() > 1:
        i, j = np.unravel_index(np.argmin(distance), distance.shape)
        if distance[i, j] > threshold and alive.sum() <= MAX_SPEAKERS:
            break
        # Lance-Williams update for average linkage: the merged cluster's distance is the size-weighted mean.
        merged = (size[i] * distance[i] + size[j] * distance[j]) / (size[i] + size[j])
        distance[i], distance[:, i] = merged, merged
        distance[i, i] = np.inf
        distance[j], distance[:, j] = np.inf, np.inf
        size[i] += size[j]
        members[i].extend(members[j])
        members[j] = []
        alive[j] = False
    labels = [0] * len(prints)
    groups = sorted((sorted(m) for m in members if m), key=lambda m: m[0])
    for label, group in enumerate(groups):
        for index in group:
            labels[index] = label
    return labels


def _slice(samples: np.ndarray, rate: int, utterance: Utterance) -> np.ndarray:
    return samples[..., utterance.start_ms * rate // 1000 : utterance.end_ms * rate // 1000 + 1]


def _channel(audio: AudioSamples, utterance: Utterance) -> int:
    """The channel that carries most of the utterance's energy (0 when the channels are about the same)."""
    if audio.channels.shape[0] < 2:
        return 0
    energy = (_slice(audio.channels, audio.sample_rate, utterance) ** 2).sum(axis=1)
    best = int(np.argmax(energy))
    return best if energy[best] > 1.5 * np.delete(energy, best).max() else 0


def diarize(utterances: list[Utterance], audio: AudioSamples) -> list[int]:
    mono, rate = audio.mono, audio.sample_rate
    voices = [voice_sample(_slice(mono, rate, u), rate) for u in utterances]
    known = [i for i, v in enumerate(voices) if v is not None]
    if not known:
        return [0] * len(utterances)
    vectors = dict(zip(known, voice_prints([v for v in voices if v is not None]), strict=True))
    # The longest utterances are clustered; the others join the nearest cluster afterwards.
    core = sorted(sorted(known, key=lambda i: utterances[i].start_ms - utterances[i].end_ms)[:_MAX_CLUSTERED])
    weights = [utterances[i].end_ms - utterances[i].start_ms for i in core]
    labels = dict(zip(core, cluster([vectors[i] for i in core], weights), strict=True))
    centroids = {
        label: np.mean([vectors[i] for i in core if labels[i] == label], axis=0) for label in set(labels.values())
    }
    result = []
    previous = 0
    for i in range(len(utterances)):
        if i in labels:
            previous = labels[i]
        elif i in vectors:
            previous = min(centroids, key=lambda label: float(np.linalg.norm(centroids[label] - vectors[i])))
        result.append(previous)  # too short to judge: most likely the speaker just heard
    return result


def _renumber(labels: list[int]) -> list[int]:
    order: dict[int, int] = {}
    return [order.setdefault(label, len(order)) for label in labels]


def label_speakers(recognized: Recognized, audio: AudioSamples, *, speakers: bool, channels: bool) -> Transcript:
    """The transcript with a speaker (when ``speakers``) and a channel (when ``channels``) on every utterance."""
    utterances = list(recognized.utterances)
    speaker_of = _renumber(diarize(utterances, audio)) if speakers and len(utterances) > 1 else [0] * len(utterances)
    labelled = tuple(
        replace(u, speaker=speaker_of[i], channel=_channel(audio, u) if channels else 0)
        for i, u in enumerate(utterances)
    )
    return Transcript(
        utterances=labelled,
        language=recognized.language,
        language_confidence=recognized.language_confidence,
        speaker_count=len(set(speaker_of)) if utterances else 0,
        diarized=speakers and len(utterances) > 1,
    )
