"""An in-memory Recognizer for tests of the layers above: it "hears" a fixed script, clipped to the audio given,
so formatters, speaker labelling and limits can be tested without loading Whisper."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medauto.engines.media.asr import split_at_pauses
from medauto.engines.media.types import Recognized, SpokenWord, VocabularyPhrase


@dataclass
class ScriptedRecognizer:
    words: list[SpokenWord]
    language: str = "en"
    calls: int = 0
    multilingual: bool = False  # what the last call asked for
    vocabulary: tuple[VocabularyPhrase, ...] = ()  # the vocabulary the last call was given

    @classmethod
    def from_text(cls, text: str, start_ms: int = 0, word_ms: int = 400, language: str = "en") -> ScriptedRecognizer:
        """One word every ``word_ms``; a line break in ``text`` leaves a 1.5 s pause (a new utterance)."""
        words, at = [], start_ms
        for line in text.splitlines():
            for token in line.split():
                words.append(SpokenWord(token, at, at + word_ms - 50, 0.9))
                at += word_ms
            at += 1500
        return cls(words, language)

    def recognize(
        self,
        samples: np.ndarray,
        sample_rate: int,
        languages: tuple[str, ...] | None,
        multilingual: bool = False,
        vocabulary: tuple[VocabularyPhrase, ...] = (),
    ) -> Recognized:
        self.calls += 1
        self.multilingual = multilingual
        self.vocabulary = vocabulary
        duration_ms = len(samples) * 1000 // sample_rate
        heard = [w for w in self.words if w.end_ms <= duration_ms]
        language = self.language if not languages or self.language in languages else languages[0]
        return Recognized(tuple(split_at_pauses(heard, language)), language, 1.0)
