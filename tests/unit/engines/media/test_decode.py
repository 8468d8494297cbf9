from __future__ import annotations

import numpy as np
import pytest

from medauto.engines.media.decode import decode_audio, iter_frames, probe
from medauto.engines.media.types import MediaError
from tests.unit.engines.media import mediagen as gen


def test_probe_wav_reports_pcm_metadata() -> None:
    info = probe(gen.wav_bytes(gen.tone(1.5, rate=8000, channels=2), 8000))
    assert info.format_name == "wav"
    assert info.duration_ms == 1500
    assert info.video is None
    assert info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("pcm_s16le", 8000, 2)
    assert info.audio.bitrate == 8000 * 2 * 16  # as BDA's own sample: 8 kHz stereo PCM is 256 kb/s


@pytest.mark.parametrize(("container", "codec", "expected"), [("flac", "flac", "flac"), ("mp3", "libmp3lame", "mp3")])
def test_probe_compressed_audio_uses_canonical_codec_names(container: str, codec: str, expected: str) -> None:
    info = probe(gen.encode_audio(gen.tone(2.0, rate=16000), 16000, container, codec))
    assert info.audio is not None and info.audio.codec == expected
    assert abs(info.duration_ms - 2000) < 100
    assert info.audio.bitrate > 0


def test_decode_resamples_to_16k_and_keeps_channels_apart() -> None:
    left = gen.tone(1.0, rate=44100, freq=300.0)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    audio = decode_audio(gen.wav_bytes(stereo, 44100))
    assert audio.sample_rate == 16000
    assert audio.channels.shape[0] == 2
    assert abs(audio.channels.shape[1] - 16000) < 50
    assert np.abs(audio.channels[0]).max() > 0.25
    assert np.abs(audio.channels[1]).max() < 1e-3
    assert audio.mono.shape == (audio.channels.shape[1],)


def test_probe_video_reports_stream_details() -> None:
    data = gen.video_bytes([gen.Scene(1.0, (10, 20, 200))], gen.tone(1.0), fps=25, size=(320, 180))
    info = probe(data)
    assert info.format_long_name == "QuickTime / MOV"
    assert info.video is not None and info.audio is not None
    assert (info.video.codec, info.video.width, info.video.height) == ("h264", 320, 180)
    assert info.video.frame_rate == 25.0
    assert info.video.frame_count == 25
    assert info.audio.codec == "aac"
    frames = list(iter_frames(data, thumbnail=(32, 18)))
    assert [f.index for f in frames] == list(range(25))
    assert frames[0].small.shape == (18, 32, 3)
    assert frames[0].image().size == (320, 180)


@pytest.mark.parametrize(
    "data",
    [b"", b"RIFF\x10\x00\x00\x00WAVEfmt garbage", b"\x00" * 4096, b"not media at all" * 100],
    ids=["empty", "bad-wav-header", "zeros", "text"],
)
def test_unreadable_input_raises_media_error_with_reason(data: bytes) -> None:
    with pytest.raises(MediaError) as caught:
        probe(data)
    assert caught.value.reason


def test_truncated_video_is_rejected() -> None:
    data = gen.video_bytes([gen.Scene(1.0, (10, 20, 200))], fps=25, size=(160, 96))
    with pytest.raises(MediaError):
        list(iter_frames(data[: len(data) // 3]))


def test_audio_only_file_has_no_frames() -> None:
    with pytest.raises(MediaError, match="no video stream"):
        list(iter_frames(gen.wav_bytes(gen.tone(1.0), 16000)))
