from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from medauto.engines.media.testing import ScriptedRecognizer
from medauto.services.bda_runtime.audio_output import audio_standard_output
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.media_options import AudioOptions, MediaLimits
from medauto.services.bda_runtime.processing import AssetError
from tests.unit.engines.media import mediagen as gen
from tests.unit.engines.media.fixtures import tts  # noqa: F401 - fixture

ASSET = AssetInfo("0", "calls", "2026/visit.wav")
SCRIPT = "Good morning how are you feeling\nI have had a headache for three days\nAre you taking anything for it"


def _project(**audio: object) -> dict[str, object]:
    return {"standardOutputConfiguration": {"audio": audio}}


def _wav(seconds: float = 12.0, rate: int = 8000, channels: int = 2) -> bytes:
    return gen.wav_bytes(gen.tone(seconds, rate=rate, channels=channels), rate)


def test_default_output_has_every_documented_section() -> None:
    out = audio_standard_output(_wav(), None, ASSET, recognizer=ScriptedRecognizer.from_text(SCRIPT))
    assert out["metadata"] == {
        "asset_id": "0", "semantic_modality": "AUDIO", "s3_bucket": "calls", "s3_key": "2026/visit.wav",
        "sample_rate": 8000, "bitrate": 256000, "number_of_channels": 2, "codec": "pcm_s16le",
        "duration_millis": 12000, "format": "wav", "dominant_asset_language": "EN",
        "generative_output_language": "DEFAULT",
    }  # fmt: skip
    assert list(out) == ["metadata", "audio", "audio_items", "audio_segments", "topics", "statistics"]
    lines = out["audio"]["transcript"]["representation"]["text"].splitlines()
    assert lines == ["[spk_0]: Good morning how are you feeling I have had a headache for three days "
                     "Are you taking anything for it"]  # fmt: skip
    assert out["audio"]["summary"]
    segments = out["audio_segments"]
    assert [s["text"] for s in segments] == SCRIPT.splitlines()
    first = segments[0]
    assert first["type"] == "TRANSCRIPT" and first["language"] == "EN"
    assert first["speaker"] == {"speaker_label": "spk_0"} and first["channel"] == {"channel_label": "ch_0"}
    items = out["audio_items"]
    assert [i["item_index"] for i in items] == list(range(len(items)))
    assert [i["content"] for i in items[:3]] == ["Good", "morning", "how"]
    assert items[0] == {"item_index": 0, "audio_segment_index": 0, "content": "Good",
                        "start_timestamp_millis": 0, "end_timestamp_millis": 350}  # fmt: skip
    for segment in segments:  # every segment points at its own words, in order
        owners = {items[i]["audio_segment_index"] for i in segment["audio_item_indices"]}
        assert owners == {segment["segment_index"]}
    assert out["topics"][0]["audio_segment_indices"] == [0, 1, 2]
    assert "summary" not in out["topics"][0]  # topic summaries are off by default
    assert out["statistics"] == {"word_count": len(items), "topic_count": 1}


def test_project_options_switch_sections_on_and_off() -> None:
    project = _project(
        extraction={"category": {"state": "ENABLED", "types": ["TRANSCRIPT", "AUDIO_CONTENT_MODERATION",
                                                               "TOPIC_CONTENT_MODERATION"],
                                 "typeConfiguration": {"transcript": {"speakerLabeling": {"state": "DISABLED"},
                                                                      "channelLabeling": {"state": "DISABLED"}}}}},
        generativeField={"state": "ENABLED", "types": ["TOPIC_SUMMARY", "IAB"]},
    )  # fmt: skip
    out = audio_standard_output(_wav(), project, AssetInfo(), recognizer=ScriptedRecognizer.from_text(SCRIPT))
    assert "s3_bucket" not in out["metadata"]
    assert "summary" not in out["audio"] and out["audio"]["iab_categories"] == []
    assert out["content_moderation"] == []
    assert not out["audio"]["transcript"]["representation"]["text"].startswith("[spk_")
    assert "speaker" not in out["audio_segments"][0] and "channel" not in out["audio_segments"][0]
    topic = out["topics"][0]
    assert topic["summary"] and topic["content_moderation"] == [] and topic["iab_categories"] == []


def test_transcript_off_keeps_only_metadata_summary_and_statistics() -> None:
    project = _project(extraction={"category": {"state": "DISABLED"}})
    out = audio_standard_output(_wav(), project, ASSET, recognizer=ScriptedRecognizer.from_text(SCRIPT))
    assert list(out) == ["metadata", "audio", "statistics"]
    assert list(out["audio"]) == ["summary"]
    assert out["statistics"]["word_count"] == len(SCRIPT.split())


def test_input_languages_reach_the_recognizer() -> None:
    project: dict[str, Any] = {"overrideConfiguration": {"audio": {"languageConfiguration": {
        "inputLanguages": ["DE"], "generativeOutputLanguage": "EN"}}}}  # fmt: skip
    assert AudioOptions.from_project(project).whisper_languages == ("de",)
    out = audio_standard_output(_wav(), project, ASSET, recognizer=ScriptedRecognizer.from_text(SCRIPT))
    assert out["metadata"]["dominant_asset_language"] == "DE"
    assert out["metadata"]["generative_output_language"] == "EN"
    assert out["audio_segments"][0]["language"] == "DE"
    project["overrideConfiguration"]["audio"]["languageConfiguration"]["identifyMultipleLanguages"] = True
    recognizer = ScriptedRecognizer.from_text(SCRIPT)
    audio_standard_output(_wav(), project, ASSET, recognizer=recognizer)
    assert recognizer.multilingual


def test_a_video_file_routed_to_audio_is_processed_as_audio() -> None:
    data = gen.video_bytes([gen.Scene(2.0, (10, 20, 200))], gen.tone(2.0), fps=25, size=(160, 96))
    out = audio_standard_output(data, None, ASSET, recognizer=ScriptedRecognizer.from_text("hello there"))
    assert out["metadata"]["format"] == "mp4" and out["metadata"]["codec"] == "aac"
    assert out["metadata"]["number_of_channels"] == 1 and abs(out["metadata"]["duration_millis"] - 2000) < 100
    assert [s["text"] for s in out["audio_segments"]] == ["hello there"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEbroken", "could not be read"),
        (gen.wav_bytes(gen.tone(0.3), 16000), "300 ms long; the minimum is 500 ms"),
        (gen.wav_bytes(gen.tone(1.0, rate=96000), 96000), "96000 Hz; supported rates are 8000-48000 Hz"),
        (gen.wav_bytes(gen.tone(1.0, rate=6000), 6000), "6000 Hz"),
    ],
    ids=["corrupt", "too-short", "rate-too-high", "rate-too-low"],
)
def test_input_the_caller_must_fix_raises_asset_error(data: bytes, reason: str) -> None:
    recognizer = ScriptedRecognizer.from_text(SCRIPT)
    with pytest.raises(AssetError, match=reason):
        audio_standard_output(data, None, ASSET, recognizer=recognizer)
    assert recognizer.calls == 0


def test_duration_limit_is_checked_before_decoding() -> None:
    limits = MediaLimits(max_audio_ms=10_000)
    with pytest.raises(AssetError, match=r"0\.2 minutes long; the limit is 240 minutes"):
        audio_standard_output(_wav(12.0), None, ASSET, recognizer=ScriptedRecognizer([]), limits=limits)


@pytest.mark.usefixtures("tts")
def test_real_speech_end_to_end() -> None:
    speech = gen.speak([("Good morning, how are you feeling today?", "en-us", 40),
                        ("I have had a headache for three days.", "en-us+f3", 75),
                        ("Are you taking any medication for it?", "en-us", 40)], pause_s=1.2)  # fmt: skip
    flac = gen.encode_audio(speech, 16000, "flac", "flac")
    out = audio_standard_output(flac, None, ASSET)  # the registry's Whisper base engine
    assert out["metadata"]["format"] == "flac" and out["metadata"]["codec"] == "flac"
    assert out["metadata"]["dominant_asset_language"] == "EN"
    text = out["audio"]["transcript"]["representation"]["text"]
    assert text.splitlines()[0].startswith("[spk_0]: Good morning")
    assert [s["speaker"]["speaker_label"] for s in out["audio_segments"]] == ["spk_0", "spk_1", "spk_0"]
    assert "three days" in out["audio_segments"][1]["text"]  # the high synthetic voice is the harder one to hear
    assert "medication" in out["audio_segments"][2]["text"]
    starts = [i["start_timestamp_millis"] for i in out["audio_items"]]
    assert starts == sorted(starts) and starts[-1] < out["metadata"]["duration_millis"]
    assert out["statistics"]["word_count"] == len(out["audio_items"]) >= 18
    assert np.all(np.diff([s["start_timestamp_millis"] for s in out["audio_segments"]]) > 0)
