from __future__ import annotations

import io
import re
from fractions import Fraction

import pytest

from medauto.engines.document.types import Box, Line, Word
from medauto.engines.media.testing import ScriptedRecognizer
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.processing import AssetError
from medauto.services.bda_runtime.video_output import millis, smpte, video_standard_output
from tests.unit.engines.media import mediagen as gen
from tests.unit.engines.media.fixtures import tts  # noqa: F401 - fixture

ASSET = AssetInfo("0", "videos", "consult.mp4")
SCENES = [gen.Scene(2.0, (20, 40, 160), "BLOOD PRESSURE"), gen.Scene(2.0, (200, 180, 40), "ASPIRIN 81 MG")]
SMPTE = re.compile(r"^\d\d:\d\d:\d\d:\d\d$")


def fake_reader(image: object) -> list[Line]:
    word = Word("LABEL", Box(0.1, 0.1, 0.2, 0.1), 0.97)
    return [Line("LABEL", Box(0.1, 0.1, 0.2, 0.1), (word,), 0.96)]


def test_smpte_and_millis_match_bdas_own_sample() -> None:
    # From the documented output: shot frames 259-295 at 30 fps.
    assert (smpte(259, 30), smpte(295, 30), smpte(36, 30)) == ("00:00:08:19", "00:00:09:25", "00:00:01:06")
    assert (millis(259, 30), millis(295, 30), millis(105, 30)) == (8633, 9833, 3500)
    assert smpte(25 * 3725 + 3, 25) == "01:02:05:03"
    assert smpte(30, 29.97) == "00:00:01:00"


def test_video_output_shape_without_models() -> None:
    data = gen.video_bytes(SCENES, gen.tone(4.0), fps=25, size=(320, 180))
    recognizer = ScriptedRecognizer.from_text("hello there\nhow are you")
    out = video_standard_output(data, None, ASSET, recognizer=recognizer, read=fake_reader)
    assert out["metadata"] == {
        "asset_id": "0", "semantic_modality": "VIDEO", "s3_bucket": "videos", "s3_key": "consult.mp4",
        "format": "QuickTime / MOV", "frame_rate": 25, "codec": "h264", "duration_millis": 4000,
        "frame_width": 320, "frame_height": 180,
    }  # fmt: skip
    assert out["video"]["transcript"]["representation"]["text"] == "[spk_0]: hello there how are you"
    assert "On screen: LABEL" in out["video"]["summary"]
    shots = out["shots"]
    assert [s["shot_index"] for s in shots] == [0, 1]
    assert shots[1] == {
        "shot_index": 1, "start_timecode_smpte": "00:00:02:00", "end_timecode_smpte": "00:00:03:24",
        "start_timestamp_millis": 2000, "end_timestamp_millis": 3960, "start_frame_index": 50, "end_frame_index": 99,
        "duration_smpte": "00:00:01:24", "duration_millis": 1960, "duration_frames": 49,
        "confidence": shots[1]["confidence"], "chapter_indices": shots[1]["chapter_indices"],
    }  # fmt: skip
    assert 0.6 <= shots[1]["confidence"] <= 1.0
    chapters = out["chapters"]
    assert sorted(i for c in chapters for i in c["shot_indices"]) == [0, 1]
    for index, chapter in enumerate(chapters):
        assert SMPTE.match(chapter["start_timecode_smpte"]) and SMPTE.match(chapter["end_timecode_smpte"])
        assert all(index in shots[i]["chapter_indices"] for i in chapter["shot_indices"])
        assert chapter["duration_millis"] == chapter["end_timestamp_millis"] - chapter["start_timestamp_millis"]
        assert chapter["summary"]
        for frame in chapter["frames"]:
            assert frame["timestamp_millis"] == millis(frame["frame_index"], 25)
            [word] = frame["text_words"]
            assert word["text"] == "LABEL" and word["line_id"] == frame["text_lines"][0]["id"]
            assert word["locations"][0]["bounding_box"] == {"left": 0.1, "top": 0.1, "width": 0.2, "height": 0.1}
    spoken = [s["text"] for c in chapters for s in c["audio_segments"]]
    assert spoken == ["hello there", "how are you"]
    assert out["statistics"] == {"shot_count": 2, "chapter_count": len(chapters), "speaker_count": 1}


def test_options_drop_transcript_and_text_and_add_empty_model_sections() -> None:
    project = {"standardOutputConfiguration": {"video": {
        "extraction": {"category": {"state": "ENABLED", "types": ["CONTENT_MODERATION", "LOGOS"]},
                       "boundingBox": {"state": "DISABLED"}},
        "generativeField": {"state": "ENABLED", "types": ["IAB"]}}}}  # fmt: skip
    data = gen.video_bytes(SCENES, gen.tone(4.0), fps=25, size=(320, 180))
    recognizer = ScriptedRecognizer.from_text("hello")
    out = video_standard_output(data, project, ASSET, recognizer=recognizer, read=fake_reader)
    assert recognizer.calls == 0
    assert out["video"] == {}
    chapter = out["chapters"][0]
    assert chapter["iab_categories"] == [] and "summary" not in chapter and "audio_segments" not in chapter
    frame = chapter["frames"][0]
    assert frame["content_moderation"] == [] and frame["logos"] == [] and "text_words" not in frame
    assert out["statistics"]["speaker_count"] == 0


def _mpeg4_video() -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height = 64, 48
        for i in range(10):
            frame = av.VideoFrame.from_image(gen.render(gen.Scene(1, (10, 10, 10)), (64, 48), i))
            frame.pts, frame.time_base = i, Fraction(1, 10)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "could not be read"),
        (lambda: gen.wav_bytes(gen.tone(1.0), 16000), "no video stream"),
        (_mpeg4_video, "codec mpeg4 is not supported; supported codecs are H264, VP8, VP9"),
    ],
    ids=["corrupt", "audio-only", "codec"],
)
def test_input_the_caller_must_fix_raises_asset_error(make: object, reason: str) -> None:
    with pytest.raises(AssetError, match=reason):
        video_standard_output(make(), None, ASSET, recognizer=ScriptedRecognizer([]), read=fake_reader)  # type: ignore[operator]


@pytest.mark.usefixtures("tts")
def test_real_video_with_speech_and_on_screen_text() -> None:
    speech = gen.speak([("Your blood pressure is a little high today.", "en-us", 45),
                        ("Keep taking one aspirin every morning.", "en-us", 45)], pause_s=1.0)  # fmt: skip
    scenes = [gen.Scene(4.0, (20, 40, 160), "BLOOD PRESSURE"), gen.Scene(4.0, (200, 180, 40), "ASPIRIN 81 MG")]
    data = gen.video_bytes(scenes, speech, fps=25, size=(640, 360))
    out = video_standard_output(data, None, ASSET)  # Whisper base + rapidocr, as served
    assert out["statistics"]["shot_count"] == 2
    assert [s["start_frame_index"] for s in out["shots"]] == [0, 100]
    transcript = out["video"]["transcript"]["representation"]["text"].lower()
    assert "blood pressure" in transcript and "aspirin" in transcript
    frames = [f for c in out["chapters"] for f in c["frames"]]
    assert [" ".join(w["text"] for w in f["text_words"]) for f in frames] == ["BLOOD PRESSURE", "ASPIRIN 81 MG"]
    assert all(0.9 <= w["confidence"] <= 1.0 for f in frames for w in f["text_words"])
    spoken = [s for c in out["chapters"] for s in c["audio_segments"]]
    assert len(spoken) == 2 and spoken[0]["end_timestamp_millis"] < spoken[1]["start_timestamp_millis"]
    assert "aspirin" in out["video"]["summary"].lower()
