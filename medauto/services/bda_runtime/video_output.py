"""BDA standard output for VIDEO assets: metadata, transcript, shots and chapters with SMPTE timecodes, key
frames with on-screen text, summaries.

Summaries are extractive, built from what was said and the text shown on screen. Content moderation, logos and
IAB categories need vision models no registry package ships, so they come back as empty lists when asked for.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from medauto.engines.document.types import Line
from medauto.engines.media.types import (
    Chapter,
    KeyFrame,
    MediaError,
    MediaInfo,
    Recognizer,
    Transcript,
    Utterance,
    VideoAnalysis,
)
from medauto.engines.media.video import FrameReader, analyse_video
from medauto.engines.summary import extractive_summary
from medauto.services.bda_runtime.audio_output import asset_error, probe_asset, summarize
from medauto.services.bda_runtime.catalog import VocabularyEntry
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.geometry import location
from medauto.services.bda_runtime.media_options import MediaLimits, VideoOptions
from medauto.services.bda_runtime.media_transcript import default_recognizer, representation, transcribe

SUMMARY_WORDS = 120
CHAPTER_SUMMARY_WORDS = 50


def smpte(frame_index: int, frame_rate: float) -> str:
    """Non-drop-frame SMPTE timecode HH:MM:SS:FF of a frame."""
    per_second = max(1, round(frame_rate))
    seconds, frames = divmod(frame_index, per_second)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}"


def millis(frame_index: int, frame_rate: float) -> int:
    return round(frame_index * 1000 / frame_rate)


def _number(value: float) -> float | int:
    """30 rather than 30.0 (as BDA writes whole frame rates); 29.97 stays a fraction."""
    rounded = round(value, 3)
    return int(rounded) if rounded.is_integer() else rounded


def default_frame_reader() -> FrameReader:
    """OCR of a frame with the document engine's reader (rapidocr, loaded once per process)."""
    from medauto.engines.document.ocr import ocr_image

    def read(image: Any) -> list[Line]:
        return [styled.line for styled in ocr_image(image, 0).lines]

    return read


def check_video(info: MediaInfo, size: int, limits: MediaLimits) -> None:
    video = info.video
    if video is None:
        asset_error("The file has no video stream; route it to AUDIO to process its sound.")
    if size > limits.video_bytes:
        asset_error(f"The video file is {size} bytes; the limit is {limits.video_bytes} bytes.")
    if info.duration_ms > limits.max_video_ms:
        asset_error(f"The video is {info.duration_ms / 60000:.1f} minutes long; the limit is 120 minutes.")
    if video.codec not in limits.video_codecs:
        supported = ", ".join(sorted(c.upper() for c in limits.video_codecs))
        asset_error(f"The video codec {video.codec} is not supported; supported codecs are {supported}.")
    if video.frame_rate <= 0:
        asset_error("The video has no frame rate.")


def _span(start_frame: int, end_frame: int, rate: float) -> dict[str, Any]:
    start_ms, end_ms = millis(start_frame, rate), millis(end_frame, rate)
    return {
        "start_timecode_smpte": smpte(start_frame, rate),
        "end_timecode_smpte": smpte(end_frame, rate),
        "start_timestamp_millis": start_ms,
        "end_timestamp_millis": end_ms,
        "start_frame_index": start_frame,
        "end_frame_index": end_frame,
    }


def _shots(analysis: VideoAnalysis) -> list[dict[str, Any]]:
    chapter_of = {shot: chapter.index for chapter in analysis.chapters for shot in chapter.shot_indices}
    rate = analysis.frame_rate
    shots = []
    for shot in analysis.shots:
        entry: dict[str, Any] = {"shot_index": shot.index, **_span(shot.start_frame, shot.end_frame, rate)}
        frames = shot.end_frame - shot.start_frame
        entry.update(
            duration_smpte=smpte(frames, rate),
            duration_millis=entry["end_timestamp_millis"] - entry["start_timestamp_millis"],
            duration_frames=frames,
            confidence=shot.confidence,
            chapter_indices=[chapter_of[shot.index]],
        )
        shots.append(entry)
    return shots


def _text(lines: Sequence[Line], boxes: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    words: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for line in lines:
        line_id = str(uuid.uuid4())
        found.append(
            {
                "id": line_id,
                "type": "TEXT_LINE",
                "text": line.text,
                "confidence": round(line.confidence, 4),
                "locations": [location(line.box, with_box=boxes)],
            }
        )
        words.extend(
            {
                "id": str(uuid.uuid4()),
                "type": "TEXT_WORD",
                "text": word.text,
                "confidence": round(word.confidence, 4),
                "line_id": line_id,
                "locations": [location(word.box, with_box=boxes)],
            }
            for word in line.words
        )
    return words, found


def _frame(key: KeyFrame, rate: float, options: VideoOptions) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "timecode_smpte": smpte(key.frame_index, rate),
        "timestamp_millis": millis(key.frame_index, rate),
        "frame_index": key.frame_index,
    }
    if "CONTENT_MODERATION" in options.categories:
        entry["content_moderation"] = []
    if "LOGOS" in options.categories:
        entry["logos"] = []
    if "TEXT_DETECTION" in options.categories:
        entry["text_words"], entry["text_lines"] = _text(key.lines, options.bounding_boxes)
    return entry


def _during(utterances: Sequence[Utterance], start_ms: int, end_ms: float) -> list[Utterance]:
    """Utterances that start inside [start_ms, end_ms), so each belongs to exactly one chapter."""
    return [u for u in utterances if start_ms <= u.start_ms < end_ms]


def _on_screen(keys: Sequence[KeyFrame]) -> str:
    seen = dict.fromkeys(line.text for key in keys for line in key.lines)
    return ". ".join(seen)


def _describe(speech: str, screen: str, words: int) -> str:
    parts = []
    if speech.strip():
        parts.append(extractive_summary(speech, words))
    if screen:
        parts.append(f"On screen: {' '.join(screen.split()[:words])}.")
    return " ".join(parts) if parts else summarize("", words)


def _chapter(
    chapter: Chapter, analysis: VideoAnalysis, transcript: Transcript | None, options: VideoOptions
) -> dict[str, Any]:
    rate = analysis.frame_rate
    entry = _span(chapter.start_frame, chapter.end_frame, rate)
    entry["duration_millis"] = entry["end_timestamp_millis"] - entry["start_timestamp_millis"]
    entry["shot_indices"] = list(chapter.shot_indices)
    keys = [k for k in analysis.key_frames if k.shot_index in chapter.shot_indices]
    last = chapter.index == len(analysis.chapters) - 1
    # A chapter's speech runs until the next chapter starts; the last one also takes speech past the final frame.
    end_ms = float("inf") if last else millis(chapter.end_frame + 1, rate)
    spoken = _during(transcript.utterances, entry["start_timestamp_millis"], end_ms) if transcript else []
    if "CHAPTER_SUMMARY" in options.generative:
        entry["summary"] = _describe(" ".join(u.text for u in spoken), _on_screen(keys), CHAPTER_SUMMARY_WORDS)
    if "IAB" in options.generative:
        entry["iab_categories"] = []
    if transcript is not None:
        entry["audio_segments"] = [
            {"start_timestamp_millis": u.start_ms, "end_timestamp_millis": u.end_ms, "text": u.text} for u in spoken
        ]
    entry["frames"] = [_frame(key, rate, options) for key in keys]
    return entry


def video_standard_output(
    data: bytes,
    project: dict[str, Any] | None,
    asset: AssetInfo,
    *,
    recognizer: Recognizer | None = None,
    read: FrameReader | None = None,
    limits: MediaLimits | None = None,
    vocabulary: Sequence[VocabularyEntry] = (),
) -> dict[str, Any]:
    """The standard output ``result.json`` of one video asset; raises processing.AssetError for input the caller
    must fix (corrupt file, no video stream, unsupported codec, longer than 120 minutes)."""
    options = VideoOptions.from_project(project)
    info = probe_asset(data)
    check_video(info, len(data), limits or MediaLimits())
    assert info.video is not None
    try:
        transcript = None
        if "TRANSCRIPT" in options.categories and info.audio is not None:
            # Video projects have no language or labelling settings: detect the language, label speakers.
            recognizer = recognizer or default_recognizer()
            transcript = transcribe(
                data, recognizer, languages=None, speakers=True, channels=False, vocabulary=vocabulary
            )
        reader = (read or default_frame_reader()) if "TEXT_DETECTION" in options.categories else None
        analysis = analyse_video(
            data, info.video.frame_rate, read=reader, utterances=transcript.utterances if transcript else ()
        )
    except MediaError as exc:
        asset_error(exc.reason)
    metadata: dict[str, Any] = {"asset_id": asset.asset_id, "semantic_modality": "VIDEO"}
    if asset.s3_bucket is not None:
        metadata.update(s3_bucket=asset.s3_bucket, s3_key=asset.s3_key)
    metadata.update(
        format=info.format_long_name,
        frame_rate=_number(info.video.frame_rate),
        codec=info.video.codec,
        duration_millis=info.duration_ms,
        frame_width=info.video.width,
        frame_height=info.video.height,
    )
    video: dict[str, Any] = {}
    if "VIDEO_SUMMARY" in options.generative:
        speech = transcript.text if transcript else ""
        video["summary"] = _describe(speech, _on_screen(analysis.key_frames), SUMMARY_WORDS)
    if transcript is not None:
        video["transcript"] = {"representation": {"text": representation(transcript.utterances)}}
    return {
        "metadata": metadata,
        "video": video,
        "shots": _shots(analysis),
        "chapters": [_chapter(chapter, analysis, transcript, options) for chapter in analysis.chapters],
        "statistics": {
            "shot_count": len(analysis.shots),
            "chapter_count": len(analysis.chapters),
            "speaker_count": transcript.speaker_count if transcript else 0,
        },
    }
