"""BDA runtime on audio and video through boto3: speech made with eSpeak NG, a video rendered in the test."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Server
from tests.integration.test_bda_runtime import PROFILE, put, read_json, wait_status
from tests.unit.engines.media import speech
from tests.unit.engines.media.mediagen import Scene, speak, video_bytes, wav_bytes

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not speech.available(), reason="no offline TTS engine to make test speech"),
]
SENTENCE = "The patient reports chest pain since Monday."


@pytest.fixture(scope="module")
def runtime(server: Server) -> Any:
    return server.client("bedrock-data-automation-runtime", read_timeout=600)


def test_sync_audio_gives_a_transcript_with_timestamps(runtime: Any) -> None:
    audio = wav_bytes(speak([(SENTENCE, "en-us", 50)]), 16000)
    response = runtime.invoke_data_automation(inputConfiguration={"bytes": audio}, dataAutomationProfileArn=PROFILE)
    assert response["semanticModality"] == "AUDIO"
    standard = json.loads(response["outputSegments"][0]["standardOutput"])
    assert standard["metadata"]["format"] == "wav" and standard["metadata"]["sample_rate"] == 16000
    text = standard["audio"]["transcript"]["representation"]["text"].lower()
    assert "chest pain" in text, text
    items = standard["audio_items"]
    starts = [item["start_timestamp_millis"] for item in items]
    assert starts == sorted(starts) and items[-1]["end_timestamp_millis"] <= standard["metadata"]["duration_millis"]


def test_async_video_gives_shots_chapters_and_on_screen_text(server: Server, runtime: Any) -> None:
    clip = video_bytes(
        [Scene(2.0, (20, 40, 160), "WELCOME"), Scene(2.0, (200, 60, 30), "DISCHARGE")],
        speak([(SENTENCE, "en-us", 50)]),
    )
    put(server, "bda-media", "clips/visit.mp4", clip)
    (server.data_dir / "buckets" / "bda-media-out").mkdir(parents=True, exist_ok=True)
    arn = runtime.invoke_data_automation_async(
        inputConfiguration={"s3Uri": "s3://bda-media/clips/visit.mp4"},
        outputConfiguration={"s3Uri": "s3://bda-media-out/runs"},
        dataAutomationProfileArn=PROFILE,
    )["invocationArn"]
    status = wait_status(runtime, arn, timeout=600)
    assert status["status"] == "Success", status
    index = read_json(server, status["outputConfiguration"]["s3Uri"])
    assert index["semantic_modality"] == "VIDEO"
    result = read_json(server, index["output_metadata"][0]["segment_metadata"][0]["standard_output_path"])
    assert result["metadata"]["frame_width"] == 640 and result["statistics"]["shot_count"] == 2
    screen = " ".join(
        line["text"]
        for chapter in result["chapters"]
        for frame in chapter.get("frames", [])
        for line in frame.get("text_lines", [])
    )
    assert "WELCOME" in screen and "DISCHARGE" in screen, screen
    assert "chest pain" in result["video"]["transcript"]["representation"]["text"].lower()
