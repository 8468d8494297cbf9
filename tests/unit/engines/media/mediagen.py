"""Media built inside the tests: WAV/FLAC speech, tones, and MP4 videos with rendered scenes, text and speech."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from fractions import Fraction

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


def encode_audio(samples: np.ndarray, rate: int, container: str, codec: str) -> bytes:
    """int16 mono ``samples`` re-encoded with PyAV (e.g. ("flac", "flac") or ("mp3", "libmp3lame"))."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.int16), format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


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
) -> bytes:
    """An H.264 MP4 of the scenes, muxed with AAC speech when given."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "tune": "zerolatency"}
        audio = None
        if speech_samples is not None:
            audio = out.add_stream("aac", rate=audio_rate, layout="mono")
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
            chunk = 1024
            for start in range(0, len(speech_samples), chunk):
                part = speech_samples[start : start + chunk].reshape(1, -1).astype(np.int16)
                frame = av.AudioFrame.from_ndarray(part, format="s16", layout="mono")
                frame.sample_rate = audio_rate
                frame.pts = start
                frame.time_base = Fraction(1, audio_rate)
                for packet in audio.encode(frame):
                    out.mux(packet)
            for packet in audio.encode(None):
                out.mux(packet)
    return buffer.getvalue()
