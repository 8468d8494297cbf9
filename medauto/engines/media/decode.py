"""Decoding with PyAV (FFmpeg libraries bundled in the wheel): probe, audio as 16 kHz float32, video frames.

Every FFmpeg failure becomes a MediaError with a reason a caller can show; nothing here knows about AWS.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from medauto.engines.media.types import AudioSamples, AudioStreamInfo, MediaError, MediaInfo, VideoStreamInfo

ASR_SAMPLE_RATE = 16000
# PyAV counts container durations in microseconds.
_AV_TIME_BASE = 1_000_000


@contextmanager
def open_media(data: bytes) -> Iterator[Any]:
    """The PyAV container for ``data``; decoding errors inside the block become MediaError."""
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, UnicodeDecodeError) as exc:
        raise MediaError(f"The file could not be read as audio or video: {_reason(exc)}") from None
    try:
        yield container
    except av.FFmpegError as exc:
        raise MediaError(f"The file is corrupt or truncated: {_reason(exc)}") from None
    finally:
        container.close()


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).rstrip(".") + "."


def _duration_ms(container: Any) -> int:
    if container.duration:
        return max(0, round(int(container.duration) * 1000 / _AV_TIME_BASE))
    longest = 0.0
    for stream in container.streams:
        if stream.duration and stream.time_base:
            longest = max(longest, float(stream.duration * stream.time_base))
    return round(longest * 1000)


def _codec_name(ctx: Any) -> str:
    # The codec's canonical name ("mp3"), not the decoder's ("mp3float").
    return str(ctx.codec.canonical_name or ctx.name)


def _audio_info(stream: Any, container_bitrate: int) -> AudioStreamInfo:
    ctx = stream.codec_context
    channels = int(getattr(ctx, "channels", 0) or stream.layout.nb_channels)
    bitrate = int(ctx.bit_rate or stream.bit_rate or 0)
    if not bitrate and _codec_name(ctx).startswith("pcm_") and ctx.format is not None:
        bitrate = int(ctx.sample_rate * channels * ctx.format.bits)
    return AudioStreamInfo(
        codec=_codec_name(ctx),
        sample_rate=int(ctx.sample_rate or 0),
        channels=channels,
        bitrate=bitrate or container_bitrate,
    )


def _video_info(stream: Any, duration_ms: int) -> VideoStreamInfo:
    ctx = stream.codec_context
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    frames = int(stream.frames or 0) or round(duration_ms * fps / 1000)
    return VideoStreamInfo(
        codec=_codec_name(ctx), frame_rate=fps, width=int(ctx.width), height=int(ctx.height), frame_count=frames
    )


def probe(data: bytes) -> MediaInfo:
    """Container and first audio/video stream metadata, without decoding."""
    with open_media(data) as container:
        duration = _duration_ms(container)
        audio_streams = list(container.streams.audio)
        video_streams = [s for s in container.streams.video if not _is_cover_art(s)]
        bitrate = int(container.bit_rate or (round(len(data) * 8 * 1000 / duration) if duration else 0))
        audio = _audio_info(audio_streams[0], bitrate) if audio_streams else None
        video = _video_info(video_streams[0], duration) if video_streams else None
        if audio is None and video is None:
            raise MediaError("The file has no audio or video stream.")
        fmt = container.format
        return MediaInfo(
            format_name=fmt.name,
            format_long_name=fmt.long_name,
            duration_ms=duration,
            bitrate=bitrate,
            audio=audio,
            video=video,
            audio_stream_count=len(audio_streams),
        )


def _is_cover_art(stream: Any) -> bool:
    # An MP3/M4A album cover is a one-picture "video" stream marked as an attached picture.
    return bool(stream.disposition & 0x400) if hasattr(stream, "disposition") else False


def decode_audio(data: bytes, sample_rate: int = ASR_SAMPLE_RATE, max_channels: int = 2) -> AudioSamples:
    """The first audio stream resampled to ``sample_rate``, float32, keeping up to ``max_channels`` channels
    (more are mixed down to stereo) so channels can be told apart."""
    import av

    with open_media(data) as container:
        if not container.streams.audio:
            raise MediaError("The file has no audio stream.")
        stream = container.streams.audio[0]
        channels = min(max(stream.codec_context.channels, 1), max_channels)
        resampler = av.AudioResampler(format="fltp", layout="mono" if channels == 1 else "stereo", rate=sample_rate)
        chunks: list[np.ndarray] = []
        for frame in container.decode(stream):
            chunks.extend(out.to_ndarray() for out in resampler.resample(frame))
        chunks.extend(out.to_ndarray() for out in resampler.resample(None))
    if not chunks:
        return AudioSamples(np.zeros((channels, 0), dtype=np.float32), sample_rate)
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    return AudioSamples(samples, sample_rate)


@dataclass
class DecodedFrame:
    index: int
    small: np.ndarray  # RGB, (height, width, 3) uint8 at the thumbnail size asked for
    source: Any  # the PyAV frame, to convert at full size only when it is needed (key frames)

    def image(self, max_side: int = 1280) -> Any:
        """The frame as a PIL image, scaled down so its longer side is at most ``max_side``."""
        width, height = self.source.width, self.source.height
        scale = min(1.0, max_side / max(width, height))
        return self.source.to_image(width=max(2, round(width * scale)), height=max(2, round(height * scale)))


def iter_frames(data: bytes, thumbnail: tuple[int, int] = (64, 36), threads: int = 2) -> Iterator[DecodedFrame]:
    """Every frame of the first video stream, in order, with a small RGB thumbnail for cheap comparisons."""
    with open_media(data) as container:
        streams = [s for s in container.streams.video if not _is_cover_art(s)]
        if not streams:
            raise MediaError("The file has no video stream.")
        stream = streams[0]
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        width, height = thumbnail
        for index, frame in enumerate(container.decode(stream)):
            small = frame.to_ndarray(format="rgb24", width=width, height=height)
            yield DecodedFrame(index, small, frame)
