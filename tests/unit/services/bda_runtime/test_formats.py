"""Every file format BDA accepts, generated here and run through process_asset with the real engines (PyAV,
Whisper base, the OCR document parser): the modality, the format and codec metadata and the content must come out.

Clips are short (about two seconds of speech, two one-second scenes) so the whole matrix stays well under 90 s.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.modality import Modality, sniff
from medauto.services.bda_runtime.options import InvocationOptions
from medauto.services.bda_runtime.processing import AssetResult, Parser, process_asset
from medauto.services.bda_runtime.provider import default_parser
from tests.unit.engines.media import mediagen as gen
from tests.unit.engines.media.fixtures import tts  # noqa: F401 - fixture

SENTENCE = "Please check the blood pressure."
SCENES = [gen.Scene(1.0, (20, 40, 160), "KNEE"), gen.Scene(1.0, (200, 180, 40), "ASPIRIN")]
VIDEO_SIZE = (480, 270)
IMAGE_TEXT = "TOTAL 12.50"

pytestmark = pytest.mark.usefixtures("tts")


@pytest.fixture(scope="module")
def spoken() -> np.ndarray:
    """int16 mono speech at 16 kHz, with a short pause around it."""
    return gen.speak([(SENTENCE, "en-us", 50)], pause_s=0.4)


@pytest.fixture(scope="module")
def parser() -> Parser:
    return default_parser()


def _run(data: bytes, parser: Parser) -> AssetResult:
    return process_asset(data, InvocationOptions(), AssetInfo("0", "in", "asset"), parser=parser)


@dataclass(frozen=True)
class AudioCase:
    encode: Callable[[np.ndarray], bytes]
    format: str  # metadata.format
    codec: str
    sample_rate: int
    channels: int = 1


def _encoder(container: str, codec: str, **kwargs: Any) -> Callable[[np.ndarray], bytes]:
    return lambda samples: gen.encode_audio(samples, 16000, container, codec, **kwargs)


AUDIO = {
    "wav": AudioCase(lambda samples: gen.wav_bytes(samples, 16000), "wav", "pcm_s16le", 16000),
    "mp3": AudioCase(_encoder("mp3", "libmp3lame"), "mp3", "mp3", 16000),
    "flac": AudioCase(_encoder("flac", "flac"), "flac", "flac", 16000),
    # M4A as iTunes writes it (brand "M4A ") and as ffmpeg's mp4 muxer does (brand "isom", sound only).
    "m4a": AudioCase(_encoder("ipod", "aac", codec_rate=44100), "m4a", "aac", 44100),
    "m4a-isom": AudioCase(_encoder("mp4", "aac"), "m4a", "aac", 16000),
    "ogg-opus": AudioCase(_encoder("ogg", "libopus", codec_rate=48000), "ogg", "opus", 48000),
    # FFmpeg's own Vorbis encoder is "experimental" and stereo only.
    "ogg-vorbis": AudioCase(
        _encoder("ogg", "vorbis", layout="stereo", options={"strict": "experimental"}), "ogg", "vorbis", 16000, 2
    ),
    # What browsers record (MediaRecorder): WebM with one Opus track and no video.
    "webm-opus": AudioCase(_encoder("webm", "libopus", codec_rate=48000), "webm", "opus", 48000),
}


@pytest.mark.parametrize("name", list(AUDIO))
def test_audio_formats_are_transcribed(name: str, spoken: np.ndarray, parser: Parser) -> None:
    case = AUDIO[name]
    data = case.encode(spoken)
    result = _run(data, parser)
    assert result.modality is Modality.AUDIO
    out = result.segments[0].standard
    meta = out["metadata"]
    assert meta["semantic_modality"] == "AUDIO"
    assert (meta["format"], meta["codec"]) == (case.format, case.codec)
    assert (meta["sample_rate"], meta["number_of_channels"]) == (case.sample_rate, case.channels)
    expected_ms = len(spoken) * 1000 // 16000
    assert abs(meta["duration_millis"] - expected_ms) < 150, meta["duration_millis"]
    text = out["audio"]["transcript"]["representation"]["text"].lower()
    assert "blood" in text and "pressure" in text, text
    assert meta["dominant_asset_language"] == "EN"
    # Word timestamps survive every container and codec delay: all inside the clip.
    items = out["audio_items"]
    assert items and all(
        0 <= i["start_timestamp_millis"] <= i["end_timestamp_millis"] <= expected_ms + 200 for i in items
    )


@dataclass(frozen=True)
class VideoCase:
    container: str
    video_codec: str
    audio_codec: str
    audio_rate: int
    format: str  # metadata.format: FFmpeg's demuxer display name, as BDA's sample shows ("QuickTime / MOV")
    codec: str


VIDEO = {
    "mp4": VideoCase("mp4", "libx264", "aac", 16000, "QuickTime / MOV", "h264"),
    "mov": VideoCase("mov", "libx264", "aac", 16000, "QuickTime / MOV", "h264"),
    "mkv": VideoCase("matroska", "libx264", "libopus", 48000, "Matroska / WebM", "h264"),
    "webm-vp9": VideoCase("webm", "libvpx-vp9", "libopus", 48000, "Matroska / WebM", "vp9"),
    "webm-vp8": VideoCase("webm", "libvpx", "libopus", 48000, "Matroska / WebM", "vp8"),
}


@pytest.mark.parametrize("name", list(VIDEO))
def test_video_formats_give_shots_text_and_speech(name: str, spoken: np.ndarray, parser: Parser) -> None:
    case = VIDEO[name]
    speech = np.concatenate([np.zeros(2000, dtype=np.int16), spoken])[: 2 * 16000]
    data = gen.video_bytes(
        SCENES,
        speech,
        fps=25,
        size=VIDEO_SIZE,
        container=case.container,
        video_codec=case.video_codec,
        audio_codec=case.audio_codec,
        audio_codec_rate=case.audio_rate,
    )
    assert sniff(data).modality is Modality.VIDEO
    result = _run(data, parser)
    assert result.modality is Modality.VIDEO
    out = result.segments[0].standard
    meta = out["metadata"]
    assert meta["semantic_modality"] == "VIDEO"
    assert (meta["format"], meta["codec"]) == (case.format, case.codec)
    assert (meta["frame_width"], meta["frame_height"], meta["frame_rate"]) == (*VIDEO_SIZE, 25)
    assert abs(meta["duration_millis"] - 2000) < 150, meta["duration_millis"]
    # Two scenes of 25 frames: one cut, at frame 25.
    assert out["statistics"]["shot_count"] == 2
    assert [s["start_frame_index"] for s in out["shots"]] == [0, 25]
    seen = {w["text"] for c in out["chapters"] for f in c["frames"] for w in f["text_words"]}
    assert {"KNEE", "ASPIRIN"} <= seen, seen
    assert "blood" in out["video"]["transcript"]["representation"]["text"].lower()


def _text_image() -> Image.Image:
    image = Image.new("RGB", (480, 200), (255, 255, 255))
    ImageDraw.Draw(image).text((40, 70), IMAGE_TEXT, fill=(0, 0, 0), font=gen._font(48))
    return image


def _saved(kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    _text_image().save(buffer, format=kind, **options)
    return buffer.getvalue()


IMAGES = {
    "png": ("PNG", {}, "png"),
    "jpeg": ("JPEG", {"quality": 90}, "jpeg"),
    "webp": ("WEBP", {"quality": 90}, "webp"),
    "webp-lossless": ("WEBP", {"lossless": True}, "webp"),
}


@pytest.mark.parametrize("name", list(IMAGES))
def test_image_formats_are_read(name: str, parser: Parser) -> None:
    kind, options, encoding = IMAGES[name]
    result = _run(_saved(kind, **options), parser)
    assert result.modality is Modality.IMAGE
    out = result.segments[0].standard
    assert out["metadata"]["semantic_modality"] == "IMAGE"
    assert out["metadata"]["image_encoding"] == encoding
    assert (out["metadata"]["image_width_pixels"], out["metadata"]["image_height_pixels"]) == (480, 200)
    assert [line["text"] for line in out["image"]["text_lines"]] == [IMAGE_TEXT]


@pytest.mark.parametrize("compression", ["raw", "tiff_lzw", "tiff_deflate"])
def test_tiff_is_a_document_as_in_bda(compression: str, parser: Parser) -> None:
    # BDA lists TIFF among document formats (images are JPEG/PNG), so a TIFF gets document output.
    result = _run(_saved("TIFF", compression=compression), parser)
    assert result.modality is Modality.DOCUMENT
    out = result.segments[0].standard
    assert (out["metadata"]["semantic_modality"], out["metadata"]["file_type"]) == ("DOCUMENT", "TIFF")
    assert IMAGE_TEXT in out["pages"][0]["representation"]["markdown"]


def test_the_asr_engine_setting_picks_the_recognizer(
    spoken: np.ndarray, parser: Parser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medauto.config import Settings
    from medauto.engines import registry
    from medauto.services.bda_runtime import media_transcript

    assert Settings().asr_engine == media_transcript.ASR_ENGINE == "audio.asr.whisper-base.v1"
    with pytest.raises(ValueError, match="asr_engine"):
        Settings(asr_engine="whisper")
    monkeypatch.setenv("MEDAUTO_ASR_ENGINE", "audio.asr.whisper-base-greedy.v1")
    assert media_transcript.default_recognizer() is registry.get("audio.asr.whisper-base-greedy.v1")
    out = _run(AUDIO["flac"].encode(spoken), parser).segments[0].standard
    assert "blood" in out["audio"]["transcript"]["representation"]["text"].lower()
    monkeypatch.setenv("MEDAUTO_ASR_ENGINE", "audio.asr.nothing.v1")
    with pytest.raises(KeyError, match=r"no engine named .audio\.asr\.nothing\.v1."):
        media_transcript.default_recognizer()
