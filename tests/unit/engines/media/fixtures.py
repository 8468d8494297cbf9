"""Fixtures shared by the media engine tests and the BDA audio/video output tests (import them by name)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.engines.media import speech


@pytest.fixture(scope="session")
def tts() -> None:
    """Speech comes from eSpeak NG in the espeakng-loader wheel (a test dependency); skip where it is missing."""
    if not speech.available():
        pytest.skip("espeakng-loader is not installed: no offline speech synthesis for ASR tests")


@pytest.fixture(scope="session")
def whisper() -> Any:
    """The real Whisper base recognizer: the registry's shared instance, so it loads once per process."""
    import medauto.engines.media.asr  # noqa: F401 - registers the engine
    from medauto.engines import registry

    return registry.get("audio.asr.whisper-base.v1")
