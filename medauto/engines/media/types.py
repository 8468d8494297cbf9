"""What the media engines produce, with no AWS shapes. Times are integer milliseconds from the start of the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from medauto.engines.document.types import Line


class MediaError(Exception):
    """The bytes cannot be decoded as audio/video (corrupt, truncated or an unsupported codec)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AudioStreamInfo:
    codec: str
    sample_rate: int
    channels: int
    bitrate: int  # bits per second; estimated from size and duration when the container does not say


@dataclass(frozen=True)
class VideoStreamInfo:
    codec: str
    frame_rate: float
    width: int
    height: int
    frame_count: int  # from the container, or duration x frame rate when it does not say


@dataclass(frozen=True)
class MediaInfo:
    format_name: str  # the demuxer's short name ("wav", "mov,mp4,m4a,3gp,3g2,mj2")
    format_long_name: str  # its display name ("QuickTime / MOV")
    duration_ms: int
    bitrate: int
    audio: AudioStreamInfo | None = None
    video: VideoStreamInfo | None = None
    audio_stream_count: int = 0


@dataclass(frozen=True)
class AudioSamples:
    """Decoded audio: ``channels`` has shape (channel count, samples), float32 in [-1, 1]."""

    channels: np.ndarray
    sample_rate: int

    @cached_property
    def mono(self) -> np.ndarray:
        return np.asarray(self.channels.mean(axis=0), dtype=np.float32)

    @property
    def duration_ms(self) -> int:
        return round(int(self.channels.shape[1]) * 1000 / self.sample_rate)


@dataclass(frozen=True)
class SpokenWord:
    text: str
    start_ms: int
    end_ms: int
    confidence: float


@dataclass(frozen=True)
class Utterance:
    """A stretch of speech by one speaker on one channel (what BDA calls an audio segment)."""

    start_ms: int
    end_ms: int
    text: str
    words: tuple[SpokenWord, ...]
    language: str  # ISO 639-1, lower case ("en")
    speaker: int = 0
    channel: int = 0


@dataclass(frozen=True)
class Recognized:
    """A recognizer's answer for a whole file, before speakers and channels are assigned."""

    utterances: tuple[Utterance, ...]
    language: str
    language_confidence: float


@dataclass(frozen=True)
class VocabularyPhrase:
    """A custom vocabulary entry: what is said, how to write it (the phrase itself when None), its language."""

    text: str
    display_as: str | None = None
    language: str | None = None  # ISO 639-1 ("en"); None fits audio in any language

    @property
    def shown(self) -> str:
        return self.display_as or self.text


class Recognizer(Protocol):
    """Speech to text with word timestamps; ``languages`` limits detection to these ISO codes (None = any);
    ``multilingual`` detects the language of each stretch of speech instead of once per file; ``vocabulary``
    holds phrases to favour (a recognizer that cannot be biased ignores it; display forms are applied after)."""

    def recognize(
        self,
        samples: np.ndarray,
        sample_rate: int,
        languages: tuple[str, ...] | None,
        multilingual: bool = False,
        vocabulary: tuple[VocabularyPhrase, ...] = (),
    ) -> Recognized: ...


@dataclass(frozen=True)
class Transcript:
    utterances: tuple[Utterance, ...]
    language: str
    language_confidence: float
    speaker_count: int
    diarized: bool  # False when every utterance got speaker 0 without analysis (labelling off or too little speech)

    @property
    def words(self) -> list[SpokenWord]:
        return [word for utterance in self.utterances for word in utterance.words]

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)


@dataclass(frozen=True)
class Topic:
    start_ms: int
    end_ms: int
    utterance_indices: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Shot:
    index: int
    start_frame: int
    end_frame: int  # inclusive: the shot's last frame
    confidence: float  # how clearly the cut before it stands out (1.0 for the first shot)


@dataclass(frozen=True)
class Chapter:
    index: int
    shot_indices: tuple[int, ...]
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class KeyFrame:
    frame_index: int
    shot_index: int
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class VideoAnalysis:
    frame_rate: float
    frame_count: int
    shots: tuple[Shot, ...]
    key_frames: tuple[KeyFrame, ...] = field(default=())
    chapters: tuple[Chapter, ...] = field(default=())
