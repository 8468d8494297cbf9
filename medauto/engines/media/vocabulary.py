"""Custom vocabulary for speech recognition: which phrases bias the decoder, and their display forms.

A phrase is what is said (``text``), how the transcript should write it (``display_as``; the phrase itself when
absent, as Amazon Transcribe documents) and the language it belongs to. Whisper is biased through the "previous
text" part of its prompt, which holds about half of its 448-token context, so only the phrases of the audio's
language that fit in ``HOTWORD_TOKENS`` are given to it; display forms apply to every phrase of the language.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from medauto.engines.media.types import SpokenWord, Utterance, VocabularyPhrase

# faster-whisper cuts hotwords at max_length // 2 - 1 = 223 tokens, keeping the first ones, which can end a phrase
# halfway; staying a little under that keeps whole phrases only.
HOTWORD_TOKENS = 220
_SEPARATOR = ","  # one token of its own between phrases (Whisper's tokenizer splits punctuation from words)


def fits(phrase: VocabularyPhrase, languages: Collection[str] | None) -> bool:
    return languages is None or phrase.language is None or phrase.language in languages


def hotwords(
    vocabulary: Sequence[VocabularyPhrase],
    languages: Collection[str] | None,
    count_tokens: Callable[[str], int],
    budget: int = HOTWORD_TOKENS,
) -> str | None:
    """The phrases of ``languages`` (all when None) joined for Whisper's prompt, in the vocabulary's order, as
    many whole phrases as fit in ``budget`` tokens (a phrase too long to fit is left out, shorter ones after it
    may still go in); None when none fits. ``count_tokens`` counts the tokens of a text."""
    chosen: list[str] = []
    seen: set[str] = set()
    used = 0
    for phrase in vocabulary:
        text = " ".join(phrase.text.split())
        key = text.casefold()
        if not text or key in seen or not fits(phrase, languages):
            continue
        # The tokenizer splits before a space and around punctuation, so the joined string costs exactly the sum
        # of its pieces: " text" for each phrase and one token per separator.
        cost = count_tokens(" " + text) + (1 if chosen else 0)
        if used + cost > budget:
            continue
        chosen.append(text)
        seen.add(key)
        used += cost
    return (_SEPARATOR + " ").join(chosen) or None


def _key(text: str) -> str:
    """What a word or phrase is compared by: its letters and digits, case folded (punctuation and spaces aside)."""
    return "".join(char for char in text.casefold() if char.isalnum())


def _edges(text: str) -> tuple[str, str]:
    """The punctuation before the first and after the last letter or digit ("(" and ")," of "(Ozempic),")."""
    start = next((i for i, char in enumerate(text) if char.isalnum()), len(text))
    end = next((i for i in range(len(text), 0, -1) if text[i - 1].isalnum()), start)
    return text[:start], text[end:]


def _display(words: Sequence[SpokenWord], forms: dict[str, str], longest: int) -> tuple[list[SpokenWord], bool]:
    out: list[SpokenWord] = []
    changed = False
    i = 0
    while i < len(words):
        match: tuple[int, str] | None = None
        key = ""
        # A run starts at a word with letters or digits: a lone dash before a phrase stays a word of its own.
        for j in range(i, len(words) if _key(words[i].text) else i):
            key += _key(words[j].text)
            if len(key) > longest:
                break
            if key in forms:
                match = (j, forms[key])  # keep looking: the longest phrase starting here wins
        if match is None:
            out.append(words[i])
            i += 1
            continue
        last, shown = match
        span = words[i : last + 1]
        lead, trail = _edges(span[0].text)[0], _edges(span[-1].text)[1]
        text = lead + shown + trail
        changed = changed or text != " ".join(w.text for w in span)
        confidence = min(w.confidence for w in span)
        out.append(SpokenWord(text, span[0].start_ms, span[-1].end_ms, confidence))
        i = last + 1
    return out, changed


def display_forms(utterances: Sequence[Utterance], vocabulary: Sequence[VocabularyPhrase]) -> tuple[Utterance, ...]:
    """The utterances with every run of words that spells a phrase of their language (letters and digits
    compared case-insensitively, so "ozempic," and "Ozempic" match, as do "co amoxiclav" and "co-amoxiclav")
    written as the phrase's display form. The run becomes one word spanning its words' times, keeping the
    punctuation around it; the lowest confidence of its words is kept."""
    if not vocabulary:
        return tuple(utterances)
    by_language: dict[str | None, tuple[dict[str, str], int]] = {}
    out = []
    for utterance in utterances:
        if utterance.language not in by_language:
            forms: dict[str, str] = {}
            for phrase in vocabulary:
                key = _key(phrase.text)
                if key and fits(phrase, (utterance.language,)):
                    forms.setdefault(key, phrase.shown)  # the first entry for a phrase wins, as for hotwords
            by_language[utterance.language] = (forms, max(map(len, forms), default=0))
        forms, longest = by_language[utterance.language]
        words, changed = _display(utterance.words, forms, longest) if forms else (list(utterance.words), False)
        if changed:
            utterance = replace(utterance, words=tuple(words), text=" ".join(w.text for w in words))
        out.append(utterance)
    return tuple(out)
