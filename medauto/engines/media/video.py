"""Video structure: shots from colour-histogram cuts, one key frame per shot (read with OCR), chapters from
grouping visually related shots at moments nobody is speaking.

Hard cuts are found reliably; slow dissolves and fades spread the change over many frames and may be missed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from medauto.engines.document.types import Line
from medauto.engines.media.decode import DecodedFrame, iter_frames
from medauto.engines.media.types import Chapter, KeyFrame, Shot, Utterance, VideoAnalysis

FrameReader = Callable[[Any], Sequence[Line]]  # PIL image -> text lines (fractions of the frame)
_LEVELS = 8  # histogram levels per colour channel (512 bins)


@dataclass(frozen=True)
class VideoSettings:
    cut_distance: float = 0.35  # histogram change (0-1) that can start a new shot ...
    cut_contrast: float = 3.0  # ... when it is this many times the recent frame-to-frame change
    min_shot_frames: int = 6
    same_scene_distance: float = 0.25  # a shot this close to one of the chapter's recent shots continues it
    min_chapter_ms: int = 2_000
    key_frame_candidates: int = 16  # frames kept per shot to pick the middle one from (memory stays bounded)


def colour_histogram(rgb: np.ndarray) -> np.ndarray:
    quantised = (rgb.astype(np.uint16) * _LEVELS) >> 8
    index = (quantised[..., 0] * _LEVELS + quantised[..., 1]) * _LEVELS + quantised[..., 2]
    counts = np.bincount(index.ravel(), minlength=_LEVELS**3).astype(np.float32)
    return np.asarray(counts / counts.sum(), dtype=np.float32)


def histogram_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Half the L1 distance: 0 for identical colour mixes, 1 for disjoint ones."""
    return float(np.abs(a - b).sum() / 2)


@dataclass
class _OpenShot:
    start: int
    confidence: float
    histogram_sum: np.ndarray = field(default_factory=lambda: np.zeros(_LEVELS**3, dtype=np.float64))
    frames: int = 0
    candidates: list[DecodedFrame] = field(default_factory=list)
    stride: int = 1

    def keep(self, frame: DecodedFrame, limit: int) -> None:
        """Keep every ``stride``-th frame; when full, drop every other one and double the stride."""
        if (frame.index - self.start) % self.stride:
            return
        self.candidates.append(frame)
        if len(self.candidates) > limit:
            self.candidates = self.candidates[::2]
            self.stride *= 2

    @property
    def middle(self) -> DecodedFrame:
        return self.candidates[len(self.candidates) // 2]


@dataclass
class _Found:
    shots: list[Shot] = field(default_factory=list)
    key_frames: list[KeyFrame] = field(default_factory=list)
    looks: list[np.ndarray] = field(default_factory=list)  # mean colour histogram per shot


def _close(found: _Found, shot: _OpenShot, end: int, read: FrameReader | None) -> None:
    index = len(found.shots)
    found.shots.append(Shot(index, shot.start, end, shot.confidence))
    found.looks.append((shot.histogram_sum / max(shot.frames, 1)).astype(np.float32))
    key = shot.middle
    lines = tuple(read(key.image())) if read is not None else ()
    found.key_frames.append(KeyFrame(key.index, index, lines))


def detect_shots(
    frames: Any, settings: VideoSettings, read: FrameReader | None = None
) -> tuple[list[Shot], list[KeyFrame], list[np.ndarray], int]:
    """Shots, key frames and each shot's mean histogram from decoded frames; also the frame count."""
    found = _Found()
    current: _OpenShot | None = None
    previous: np.ndarray | None = None
    recent: list[float] = []
    count = 0
    for frame in frames:
        count += 1
        histogram = colour_histogram(frame.small)
        change = histogram_distance(previous, histogram) if previous is not None else 0.0
        previous = histogram
        typical = float(np.mean(recent)) if recent else 0.0
        if current is None:
            current = _OpenShot(frame.index, 1.0)
        elif (
            change >= settings.cut_distance
            and change >= settings.cut_contrast * typical
            and frame.index - current.start >= settings.min_shot_frames
        ):
            _close(found, current, frame.index - 1, read)
            margin = (change - settings.cut_distance) / (1 - settings.cut_distance)
            current = _OpenShot(frame.index, round(min(1.0, 0.6 + 0.4 * margin), 4))
            recent = []
        else:
            recent = [*recent[-11:], change]
        current.histogram_sum += histogram
        current.frames += 1
        current.keep(frame, settings.key_frame_candidates)
    if current is not None:
        _close(found, current, count - 1, read)
    return found.shots, found.key_frames, found.looks, count


def _speech_spans(utterances: Sequence[Utterance], ms: float) -> bool:
    return any(u.start_ms < ms < u.end_ms for u in utterances)


def group_chapters(
    shots: Sequence[Shot],
    looks: Sequence[np.ndarray],
    frame_rate: float,
    utterances: Sequence[Utterance] = (),
    settings: VideoSettings | None = None,
) -> list[Chapter]:
    """Consecutive shots grouped into chapters (scenes).

    A shot that looks like one of the three shots before it returns to an earlier view (a conversation cutting
    between two cameras), so everything from that shot on is one chapter. Otherwise it opens a new chapter when
    the current one has lasted ``min_chapter_ms`` and no utterance runs across the cut.
    """
    settings = settings or VideoSettings()
    groups: list[list[int]] = []
    for shot in shots:
        k = shot.index
        similar = [
            j for j in range(max(0, k - 3), k) if histogram_distance(looks[k], looks[j]) <= settings.same_scene_distance
        ]
        if similar:
            first = next(g for g, group in enumerate(groups) if similar[0] in group)
            groups[first:] = [[i for group in groups[first:] for i in group]]
            groups[-1].append(k)
            continue
        if groups:
            start_ms = shots[groups[-1][0]].start_frame * 1000 / frame_rate
            cut_ms = shot.start_frame * 1000 / frame_rate
            if cut_ms - start_ms < settings.min_chapter_ms or _speech_spans(utterances, cut_ms):
                groups[-1].append(k)
                continue
        groups.append([k])
    return [
        Chapter(i, tuple(group), shots[group[0]].start_frame, shots[group[-1]].end_frame)
        for i, group in enumerate(groups)
    ]


def analyse_video(
    data: bytes,
    frame_rate: float,
    *,
    read: FrameReader | None = None,
    utterances: Sequence[Utterance] = (),
    settings: VideoSettings | None = None,
) -> VideoAnalysis:
    """Decode every frame once: shots, key frames (with OCR lines when ``read`` is given) and chapters."""
    settings = settings or VideoSettings()
    shots, key_frames, looks, count = detect_shots(iter_frames(data), settings, read)
    chapters = group_chapters(shots, looks, frame_rate, utterances, settings)
    return VideoAnalysis(frame_rate, count, tuple(shots), tuple(key_frames), tuple(chapters))
