"""Speech in AUDIO and VIDEO assets: run the recognizer (biased by the project's library vocabulary, whose display
forms then rewrite the words) and speaker labelling, then shape BDA's transcript pieces (the "[spk_0]: ..."
representation, audio_items, audio_segments) shared by both modalities."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from medauto.engines import registry
from medauto.engines.media.decode import ASR_SAMPLE_RATE, decode_audio
from medauto.engines.media.speakers import label_speakers
from medauto.engines.media.types import Recognizer, Transcript, Utterance, VocabularyPhrase
from medauto.engines.media.vocabulary import display_forms
from medauto.services.bda_runtime.catalog import VocabularyEntry
from medauto.services.bda_runtime.media_options import BDA_LANGUAGES, WHISPER_LANGUAGES

ASR_ENGINE = "audio.asr.whisper-base.v1"
# The asr_engine setting; build_components passes it on in the environment, as it does the device settings.
ASR_ENGINE_VARIABLE = "MEDAUTO_ASR_ENGINE"


def asr_engine_name() -> str:
    return os.environ.get(ASR_ENGINE_VARIABLE, "").strip() or ASR_ENGINE


def default_recognizer() -> Recognizer:
    """The recognizer the asr_engine setting names (Whisper base by default), loaded once per process."""
    import medauto.engines.media.asr  # noqa: F401 - registers the Whisper engines

    recognizer: Recognizer = registry.get(asr_engine_name())
    return recognizer


def vocabulary_phrases(entries: Sequence[VocabularyEntry]) -> tuple[VocabularyPhrase, ...]:
    """Library phrases as the recognizer takes them: BDA language codes become Whisper's ("CN" -> "zh")."""
    return tuple(
        VocabularyPhrase(
            entry["text"],
            entry.get("displayAsText"),
            WHISPER_LANGUAGES.get(entry["language"], entry["language"].lower()),
        )
        for entry in entries
    )


def transcribe(
    data: bytes,
    recognizer: Recognizer,
    *,
    languages: tuple[str, ...] | None,
    speakers: bool,
    channels: bool,
    multilingual: bool = False,
    vocabulary: Sequence[VocabularyEntry] = (),
) -> Transcript:
    """Decode the first audio track at 16 kHz, recognise the mono mix (favouring the vocabulary's phrases and
    writing them in their display forms), then label speakers and channels."""
    audio = decode_audio(data, ASR_SAMPLE_RATE)
    phrases = vocabulary_phrases(vocabulary)
    recognized = recognizer.recognize(audio.mono, audio.sample_rate, languages, multilingual, phrases)
    if phrases:
        recognized = replace(recognized, utterances=display_forms(recognized.utterances, phrases))
    return label_speakers(recognized, audio, speakers=speakers, channels=channels)


def bda_language(code: str) -> str:
    return BDA_LANGUAGES.get(code, code.upper())


def speaker_label(index: int) -> str:
    return f"spk_{index}"


def representation(utterances: Sequence[Utterance], *, speakers: bool = True) -> str:
    """One line per speaker turn ("[spk_0]: ..."), consecutive utterances of one speaker joined."""
    turns: list[tuple[int, list[str]]] = []
    for utterance in utterances:
        if turns and turns[-1][0] == utterance.speaker:
            turns[-1][1].append(utterance.text)
        else:
            turns.append((utterance.speaker, [utterance.text]))
    if not speakers:
        return "\n".join(" ".join(texts) for _, texts in turns)
    return "\n".join(f"[{speaker_label(speaker)}]: {' '.join(texts)}" for speaker, texts in turns)


def audio_items(transcript: Transcript) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for segment_index, utterance in enumerate(transcript.utterances):
        for word in utterance.words:
            items.append(
                {
                    "item_index": len(items),
                    "audio_segment_index": segment_index,
                    "content": word.text,
                    "start_timestamp_millis": word.start_ms,
                    "end_timestamp_millis": word.end_ms,
                }
            )
    return items


def audio_segments(transcript: Transcript, *, speakers: bool, channels: bool) -> list[dict[str, Any]]:
    segments = []
    item = 0
    for index, utterance in enumerate(transcript.utterances):
        segment: dict[str, Any] = {
            "segment_index": index,
            "type": "TRANSCRIPT",
            "start_timestamp_millis": utterance.start_ms,
            "end_timestamp_millis": utterance.end_ms,
            "text": utterance.text,
        }
        if speakers:
            segment["speaker"] = {"speaker_label": speaker_label(utterance.speaker)}
        if channels:
            segment["channel"] = {"channel_label": f"ch_{utterance.channel}"}
        segment["audio_item_indices"] = list(range(item, item + len(utterance.words)))
        segment["language"] = bda_language(utterance.language)
        item += len(utterance.words)
        segments.append(segment)
    return segments
