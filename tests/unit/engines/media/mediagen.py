"""Media built inside the tests: speech and tones in any container PyAV writes (WAV, MP3, FLAC, M4A, OGG), and
videos (MP4, MOV, MKV, WEBM) with rendered scenes, text and speech."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.unit.engines.media import speech


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    count = round(len(samples) * target / rate)
    return np.interp(np.linspace(0, len(samples) - 1, count), np.arange(len(samples)), samples).astype(samples.dtype)


def speak(parts: list[tuple[str, str, int]], rate: int = 16000, pause_s: float = 0.8) -> np.ndarray:
    """int16 mono speech: (text, voice, pitch) parts separated by ``pause_s`` of silence."""
    out: list[np.ndarray] = []
    for text, voice, pitch in parts:
        samples, native = speech.synthesize(text, voice=voice, pitch=pitch)
        out.append(resample(samples.astype(np.float32), native, rate))
        out.append(np.zeros(round(pause_s * rate), dtype=np.float32))
    return np.clip(np.concatenate(out), -32768, 32767).astype(np.int16)


def tone(seconds: float, rate: int = 16000, freq: float = 440.0, channels: int = 1) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    mono = (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """A PCM s16le WAV of int16 ``samples`` (shape (n,) or (n, channels))."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def encode_audio(
    samples: np.ndarray,
    rate: int,
    container: str,
    codec: str,
    *,
    codec_rate: int | None = None,
    layout: str = "mono",
    options: dict[str, str] | None = None,
) -> bytes:
    """int16 mono ``samples`` re-encoded with PyAV (e.g. ("flac", "flac") or ("mp3", "libmp3lame")).

    ``codec_rate`` resamples first for codecs with fixed rates (Opus: 48 kHz); ``layout="stereo"`` duplicates the
    channel (FFmpeg's own Vorbis encoder takes only stereo); ``options`` go to the encoder."""
    import av

    codec_rate = codec_rate or rate
    mono = resample(samples.astype(np.float32), rate, codec_rate).astype(np.int16)
    channels = 2 if layout == "stereo" else 1
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=codec_rate, layout=layout, options=options or {})
        _mux_audio(out, stream, mono, codec_rate, channels)
    return buffer.getvalue()


def _mux_audio(out: Any, stream: Any, mono: np.ndarray, rate: int, channels: int = 1) -> None:
    """Encode int16 ``mono`` (repeated over ``channels``, packed) in 1024-sample frames and mux the packets."""
    import av

    layout = "stereo" if channels == 2 else "mono"
    chunk = 1024
    for start in range(0, len(mono), chunk):
        part = np.repeat(mono[start : start + chunk], channels).reshape(1, -1).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(part, format="s16", layout=layout)
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


@dataclass(frozen=True)
class Scene:
    seconds: float
    background: tuple[int, int, int]
    text: str = ""


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def render(scene: Scene, size: tuple[int, int], step: int) -> Image.Image:
    """A scene frame: its colour, a slowly moving shape (so frames within a shot differ a little) and its text."""
    image = Image.new("RGB", size, scene.background)
    draw = ImageDraw.Draw(image)
    width, height = size
    x = (step * 3) % (width - 60)
    draw.ellipse((x, height - 70, x + 50, height - 20), fill=(255 - scene.background[0], 200, 90))
    if scene.text:
        draw.rectangle((30, 40, width - 30, 150), fill=(255, 255, 255))
        draw.text((50, 60), scene.text, fill=(0, 0, 0), font=_font(56))
    return image


def video_bytes(
    scenes: list[Scene],
    speech_samples: np.ndarray | None = None,
    *,
    fps: int = 25,
    size: tuple[int, int] = (640, 360),
    audio_rate: int = 16000,
    container: str = "mp4",
    video_codec: str = "libx264",
    audio_codec: str = "aac",
    audio_codec_rate: int | None = None,
) -> bytes:
    """A video of the scenes (H.264 MP4 by default), muxed with speech when given (AAC by default; Opus wants
    ``audio_codec_rate=48000``)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        video = out.add_stream(video_codec, rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        # The fastest settings each encoder has: the tests need decodable frames, not quality.
        if video_codec == "libx264":
            video.options = {"preset": "ultrafast", "tune": "zerolatency"}
        elif video_codec.startswith("libvpx"):
            # Not "realtime": that mode trades quality for the time each frame takes, so a busy machine gets
            # blockier frames (and spurious shot cuts); "good" gives the same frames on any machine.
            video.options = {"deadline": "good", "cpu-used": "5"}
            video.bit_rate = 1_500_000
        audio = None
        codec_rate = audio_codec_rate or audio_rate
        if speech_samples is not None:
            audio = out.add_stream(audio_codec, rate=codec_rate, layout="mono")
        step = 0
        for scene in scenes:
            for _ in range(round(scene.seconds * fps)):
                frame = av.VideoFrame.from_image(render(scene, size, step))
                frame.pts = step
                frame.time_base = Fraction(1, fps)
                for packet in video.encode(frame):
                    out.mux(packet)
                step += 1
        for packet in video.encode(None):
            out.mux(packet)
        if audio is not None and speech_samples is not None:
            mono = resample(speech_samples.astype(np.float32), audio_rate, codec_rate).astype(np.int16)
            _mux_audio(out, audio, mono, codec_rate)
    return buffer.getvalue()
