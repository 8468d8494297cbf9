from tests.unit.engines.media.fixtures import tts, whisper  # noqa: F401 - fixtures for this folder
