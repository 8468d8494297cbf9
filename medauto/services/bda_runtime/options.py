"""What a project's configuration asks of one invocation, resolved against BDA's documented defaults.

The project shapes are the control plane's (standardOutputConfiguration, customOutputConfiguration,
overrideConfiguration); a request without a project gets the defaults a new project would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from medauto.services.bda_runtime.catalog import VocabularyEntry

ENABLED = "ENABLED"


def _enabled(config: dict[str, Any] | None, default: bool = False) -> bool:
    if not config or "state" not in config:
        return default
    return bool(config["state"] == ENABLED)


@dataclass(frozen=True)
class DocumentOptions:
    granularity: frozenset[str] = frozenset({"PAGE", "ELEMENT"})
    bounding_boxes: bool = False
    generative: bool = False
    text_formats: tuple[str, ...] = ("MARKDOWN",)
    additional_files: bool = False
    splitter: bool = False

    @classmethod
    def from_project(cls, standard: dict[str, Any], override: dict[str, Any]) -> DocumentOptions:
        doc = standard.get("document") or {}
        extraction = doc.get("extraction") or {}
        output_format = doc.get("outputFormat") or {}
        types = ((extraction.get("granularity") or {}).get("types")) or ["PAGE", "ELEMENT"]
        formats = ((output_format.get("textFormat") or {}).get("types")) or ["MARKDOWN"]
        return cls(
            granularity=frozenset(types),
            bounding_boxes=_enabled(extraction.get("boundingBox")),
            generative=_enabled(doc.get("generativeField")),
            text_formats=tuple(dict.fromkeys(formats)),
            additional_files=_enabled(output_format.get("additionalFileFormat")),
            splitter=_enabled((override.get("document") or {}).get("splitter")),
        )


@dataclass(frozen=True)
class ImageOptions:
    # Documented defaults: an image gets a summary and text detection unless the project says otherwise.
    categories: frozenset[str] = frozenset({"TEXT_DETECTION"})
    bounding_boxes: bool = True
    generative: frozenset[str] = frozenset({"IMAGE_SUMMARY"})

    @classmethod
    def from_project(cls, standard: dict[str, Any]) -> ImageOptions:
        image = standard.get("image")
        if not image:
            return cls()
        extraction = image.get("extraction") or {}
        category = extraction.get("category") or {}
        generative = image.get("generativeField") or {}
        return cls(
            categories=frozenset(category.get("types") or []) if _enabled(category, True) else frozenset(),
            bounding_boxes=_enabled(extraction.get("boundingBox"), True),
            generative=frozenset(generative.get("types") or ["IMAGE_SUMMARY"])
            if _enabled(generative, True)
            else frozenset(),
        )


@dataclass(frozen=True)
class InvocationOptions:
    """How one asset is processed, from its project's configuration (blueprints are resolved by catalog.snapshot,
    which also applies the request's override of the project's list)."""

    document: DocumentOptions = field(default_factory=DocumentOptions)
    image: ImageOptions = field(default_factory=ImageOptions)
    routing: dict[str, str] = field(default_factory=dict)  # file extension ("png") -> modality
    project: dict[str, Any] | None = field(default=None, compare=False)  # as stored; audio/video read it
    # The phrases of the libraries the project links (catalog.snapshot): speech recognition favours them.
    vocabulary: tuple[VocabularyEntry, ...] = field(default=(), compare=False)

    @classmethod
    def from_project(
        cls, project: dict[str, Any] | None, vocabulary: Sequence[VocabularyEntry] = ()
    ) -> InvocationOptions:
        project = project or {}
        standard = project.get("standardOutputConfiguration") or {}
        override = project.get("overrideConfiguration") or {}
        routing = {k.lower(): v for k, v in (override.get("modalityRouting") or {}).items()}
        return cls(
            document=DocumentOptions.from_project(standard, override),
            image=ImageOptions.from_project(standard),
            routing=routing,
            project=project or None,
            vocabulary=tuple(vocabulary),
        )
