"""What a project asks of AUDIO and VIDEO assets, and BDA's documented limits for them.

Same conventions as options.py: the control plane's standardOutputConfiguration / overrideConfiguration shapes in,
frozen options out, BDA's documented defaults where the project says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENABLED = "ENABLED"
MINUTE_MS = 60_000
MB = 1024 * 1024

# BDA language codes -> Whisper's ISO 639-1 codes (Whisper base writes all Chinese variants as "zh").
WHISPER_LANGUAGES = {
    "EN": "en", "DE": "de", "ES": "es", "FR": "fr", "IT": "it", "PT": "pt", "JA": "ja", "KO": "ko",
    "CN": "zh", "TW": "zh", "HK": "zh",
}  # fmt: skip
BDA_LANGUAGES = {"zh": "CN"}  # the reverse where it is not just upper case


def _enabled(config: dict[str, Any] | None, default: bool) -> bool:
    if not config or "state" not in config:
        return default
    return bool(config["state"] == ENABLED)


def _types(config: dict[str, Any] | None, defaults: frozenset[str]) -> frozenset[str]:
    """The listed types when the block is enabled (or has no state), none when it is disabled."""
    if config is None:
        return defaults
    if not _enabled(config, True):
        return frozenset()
    listed = config.get("types")
    return frozenset(listed) if listed else defaults


def _sections(project: dict[str, Any] | None, modality: str) -> tuple[dict[str, Any], dict[str, Any]]:
    project = project or {}
    standard = (project.get("standardOutputConfiguration") or {}).get(modality) or {}
    override = (project.get("overrideConfiguration") or {}).get(modality) or {}
    return standard, override


@dataclass(frozen=True)
class AudioOptions:
    # Defaults follow the documented sample output: transcript with speaker and channel labels and a summary;
    # topic summaries are off unless asked for (documented).
    categories: frozenset[str] = frozenset({"TRANSCRIPT"})
    speaker_labels: bool = True
    channel_labels: bool = True
    generative: frozenset[str] = frozenset({"AUDIO_SUMMARY"})
    languages: tuple[str, ...] = ()  # BDA codes the audio may be in; empty = detect any
    generative_output_language: str = "DEFAULT"
    identify_multiple_languages: bool = False

    @property
    def whisper_languages(self) -> tuple[str, ...] | None:
        codes = tuple(dict.fromkeys(WHISPER_LANGUAGES[c] for c in self.languages if c in WHISPER_LANGUAGES))
        return codes or None

    @classmethod
    def from_project(cls, project: dict[str, Any] | None) -> AudioOptions:
        standard, override = _sections(project, "audio")
        extraction = standard.get("extraction") or {}
        category = extraction.get("category")
        transcript = ((category or {}).get("typeConfiguration") or {}).get("transcript") or {}
        language = override.get("languageConfiguration") or {}
        return cls(
            categories=_types(category, cls.categories),
            speaker_labels=_enabled(transcript.get("speakerLabeling"), cls.speaker_labels),
            channel_labels=_enabled(transcript.get("channelLabeling"), cls.channel_labels),
            generative=_types(standard.get("generativeField"), cls.generative),
            languages=tuple(language.get("inputLanguages") or ()),
            generative_output_language=language.get("generativeOutputLanguage") or "DEFAULT",
            identify_multiple_languages=bool(language.get("identifyMultipleLanguages")),
        )


@dataclass(frozen=True)
class VideoOptions:
    # Documented defaults: full video summary, chapter summaries and text detection; the transcript as well,
    # since chapters carry their audio segments.
    categories: frozenset[str] = frozenset({"TEXT_DETECTION", "TRANSCRIPT"})
    bounding_boxes: bool = True
    generative: frozenset[str] = frozenset({"VIDEO_SUMMARY", "CHAPTER_SUMMARY"})

    @classmethod
    def from_project(cls, project: dict[str, Any] | None) -> VideoOptions:
        standard, _ = _sections(project, "video")
        extraction = standard.get("extraction") or {}
        return cls(
            categories=_types(extraction.get("category"), cls.categories),
            bounding_boxes=_enabled(extraction.get("boundingBox"), cls.bounding_boxes),
            generative=_types(standard.get("generativeField"), cls.generative),
        )


@dataclass(frozen=True)
class MediaLimits:
    """BDA's documented per-file limits for audio and video."""

    audio_bytes: int = 2048 * MB
    min_audio_ms: int = 500
    max_audio_ms: int = 240 * MINUTE_MS
    min_sample_rate: int = 8_000
    max_sample_rate: int = 48_000
    video_bytes: int = 10240 * MB
    max_video_ms: int = 120 * MINUTE_MS
    video_codecs: frozenset[str] = frozenset({"h264", "vp8", "vp9"})
