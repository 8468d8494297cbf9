"""BDA standard output for AUDIO assets: metadata, transcript (speakers, channels, words), topics, summaries.

Summaries are extractive (whole sentences of the transcript; see engines/summary.py). Content moderation
(AUDIO_CONTENT_MODERATION, TOPIC_CONTENT_MODERATION) and IAB categories need classifiers no registry package
ships, so they come back as empty lists when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from medauto.engines.media.decode import probe
from medauto.engines.media.topics import segment_topics
from medauto.engines.media.types import MediaError, MediaInfo, Recognizer, Transcript
from medauto.engines.summary import extractive_summary
from medauto.services.bda_runtime.catalog import VocabularyEntry
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.media_options import AudioOptions, MediaLimits
from medauto.services.bda_runtime.media_transcript import (
    audio_items,
    audio_segments,
    bda_language,
    default_recognizer,
    representation,
    transcribe,
)

SUMMARY_WORDS = 120
TOPIC_SUMMARY_WORDS = 50


def asset_error(reason: str) -> NoReturn:
    # Imported here: processing.py imports this module to route audio, so a module-level import would be circular.
    from medauto.services.bda_runtime.processing import AssetError

    raise AssetError(reason)


def probe_asset(data: bytes) -> MediaInfo:
    try:
        return probe(data)
    except MediaError as exc:
        asset_error(exc.reason)


def check_audio(info: MediaInfo, size: int, limits: MediaLimits) -> None:
    audio = info.audio
    if audio is None:
        asset_error("The file has no audio stream.")
    if size > limits.audio_bytes:
        asset_error(f"The audio file is {size} bytes; the limit is {limits.audio_bytes} bytes.")
    if not limits.min_sample_rate <= audio.sample_rate <= limits.max_sample_rate:
        asset_error(
            f"The audio sample rate is {audio.sample_rate} Hz; supported rates are "
            f"{limits.min_sample_rate}-{limits.max_sample_rate} Hz."
        )
    if info.duration_ms < limits.min_audio_ms:
        asset_error(f"The audio is {info.duration_ms} ms long; the minimum is {limits.min_audio_ms} ms.")
    if info.duration_ms > limits.max_audio_ms:
        asset_error(f"The audio is {info.duration_ms / 60000:.1f} minutes long; the limit is 240 minutes.")


def container_format(info: MediaInfo, data: bytes) -> str:
    """The short format name BDA reports ("wav", "mp3", "m4a", "mp4", "webm")."""
    if info.format_name.startswith("mov,"):
        brand = data[8:12]
        # An ISO file with sound only is an M4A whatever its brand (ffmpeg's mp4 muxer writes "isom").
        if brand.startswith(b"M4") or info.video is None:
            return "m4a"
        return "mov" if brand == b"qt  " else "mp4"
    if info.format_name.startswith("matroska"):
        return "webm" if b"webm" in data[:64] else "mkv"
    return info.format_name.split(",")[0]


def summarize(text: str, max_words: int) -> str:
    return extractive_summary(text, max_words) if text.strip() else "No speech was detected."


def _topics(transcript: Transcript, options: AudioOptions) -> list[dict[str, Any]]:
    topics = []
    for index, topic in enumerate(segment_topics(list(transcript.utterances))):
        entry: dict[str, Any] = {
            "topic_index": index,
            "start_timestamp_millis": topic.start_ms,
            "end_timestamp_millis": topic.end_ms,
        }
        if "TOPIC_SUMMARY" in options.generative:
            entry["summary"] = summarize(topic.text, TOPIC_SUMMARY_WORDS)
        if "IAB" in options.generative:
            entry["iab_categories"] = []
        if "TOPIC_CONTENT_MODERATION" in options.categories:
            entry["content_moderation"] = []
        utterances = [transcript.utterances[i] for i in topic.utterance_indices]
        entry["transcript"] = {"representation": {"text": representation(utterances, speakers=options.speaker_labels)}}
        entry["audio_segment_indices"] = list(topic.utterance_indices)
        topics.append(entry)
    return topics


def audio_standard_output(
    data: bytes,
    project: dict[str, Any] | None,
    asset: AssetInfo,
    *,
    recognizer: Recognizer | None = None,
    limits: MediaLimits | None = None,
    vocabulary: Sequence[VocabularyEntry] = (),
) -> dict[str, Any]:
    """The standard output ``result.json`` of one audio asset; raises processing.AssetError for input the caller
    must fix (corrupt file, no audio, outside BDA's duration or sample-rate limits). ``vocabulary`` holds the
    phrases of the project's libraries."""
    options = AudioOptions.from_project(project)
    info = probe_asset(data)
    check_audio(info, len(data), limits or MediaLimits())
    assert info.audio is not None
    try:
        transcript = transcribe(
            data,
            recognizer or default_recognizer(),
            languages=options.whisper_languages,
            speakers=options.speaker_labels,
            channels=options.channel_labels,
            multilingual=options.identify_multiple_languages,
            vocabulary=vocabulary,
        )
    except MediaError as exc:
        asset_error(exc.reason)
    metadata: dict[str, Any] = {"asset_id": asset.asset_id, "semantic_modality": "AUDIO"}
    if asset.s3_bucket is not None:
        metadata.update(s3_bucket=asset.s3_bucket, s3_key=asset.s3_key)
    metadata.update(
        sample_rate=info.audio.sample_rate,
        bitrate=info.audio.bitrate,
        number_of_channels=info.audio.channels,
        codec=info.audio.codec,
        duration_millis=info.duration_ms,
        format=container_format(info, data),
        dominant_asset_language=bda_language(transcript.language),
        generative_output_language=options.generative_output_language,
    )
    result: dict[str, Any] = {"metadata": metadata}
    audio: dict[str, Any] = {}
    if "AUDIO_SUMMARY" in options.generative:
        audio["summary"] = summarize(transcript.text, SUMMARY_WORDS)
    if "IAB" in options.generative:
        audio["iab_categories"] = []
    with_transcript = "TRANSCRIPT" in options.categories
    if with_transcript:
        text = representation(transcript.utterances, speakers=options.speaker_labels)
        audio["transcript"] = {"representation": {"text": text}}
    result["audio"] = audio
    topics: list[dict[str, Any]] = []
    if with_transcript:
        result["audio_items"] = audio_items(transcript)
        result["audio_segments"] = audio_segments(
            transcript, speakers=options.speaker_labels, channels=options.channel_labels
        )
        topics = _topics(transcript, options)
    if "AUDIO_CONTENT_MODERATION" in options.categories:
        result["content_moderation"] = []
    if with_transcript:
        result["topics"] = topics
    result["statistics"] = {"word_count": len(transcript.words), "topic_count": len(topics)}
    return result
