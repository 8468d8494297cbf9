"""One asset through BDA: sniff, route, parse, split, then standard (and custom) output per segment.

Shared by the synchronous and asynchronous paths; raises AssetError for anything the caller must fix (the sync
API answers ValidationException, the async job ends ClientError).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from medauto.engines.document.types import Box, DocumentError, FileType, Line, Page, ParsedDocument
from medauto.services.bda_runtime.document_output import AssetInfo, document_files, document_standard_output
from medauto.services.bda_runtime.image_output import image_standard_output
from medauto.services.bda_runtime.modality import Modality, UnsupportedAsset, route, sniff
from medauto.services.bda_runtime.options import InvocationOptions

Parser = Callable[[bytes, int | None], ParsedDocument]

MB = 1024 * 1024


class AssetError(Exception):
    """The input cannot be processed as given; ``reason`` is shown to the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """BDA's documented per-file limits (configurable: the sync ones are not documented)."""

    document_bytes: int = 500 * MB
    image_bytes: int = 5 * MB
    document_pages: int = 3000
    unsplit_pages: int = 3000


@dataclass(frozen=True)
class Segment:
    standard: dict[str, Any]
    custom: dict[str, Any] | None = None
    custom_status: str | None = None  # MATCH | NO_MATCH; None when no blueprint applies
    # Extra files written beside result.json when additionalFileFormat is on: (name, bytes, content type).
    files: tuple[tuple[str, bytes, str], ...] = ()


@dataclass(frozen=True)
class AssetResult:
    modality: Modality
    segments: tuple[Segment, ...]


class CustomStage(Protocol):
    """Blueprint-driven custom output: splitting into logical documents and per-segment extraction."""

    def split(self, parsed: ParsedDocument) -> list[tuple[int, int]]: ...

    def extract(self, parsed: ParsedDocument, pages: tuple[int, int]) -> tuple[str, dict[str, Any] | None]: ...


def _check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise AssetError(f"The {what} is {size} bytes; the limit is {limit} bytes.")


def process_asset(
    data: bytes,
    options: InvocationOptions,
    asset: AssetInfo,
    *,
    parser: Parser,
    custom: CustomStage | None = None,
    limits: Limits | None = None,
) -> AssetResult:
    limits = limits or Limits()
    try:
        sniffed = sniff(data)
    except UnsupportedAsset as exc:
        raise AssetError(exc.reason) from None
    modality = route(sniffed, options.routing)
    if modality in (Modality.AUDIO, Modality.VIDEO):
        if sniffed.modality not in (Modality.AUDIO, Modality.VIDEO):
            raise AssetError(f"A {sniffed.extension.upper()} file cannot be processed as {modality.value}.")
        return _media(data, modality, options, asset, custom)
    if modality is Modality.IMAGE and sniffed.modality is not Modality.IMAGE:
        raise AssetError(f"A {sniffed.extension.upper()} file cannot be processed as an IMAGE.")
    _check_size(len(data), limits.image_bytes if modality is Modality.IMAGE else limits.document_bytes, "input file")
    try:
        parsed = parser(data, limits.document_pages + 1)
    except DocumentError as exc:
        raise AssetError(exc.reason) from None
    if len(parsed.pages) > limits.document_pages:
        raise AssetError(f"The document has more than {limits.document_pages} pages.")
    if modality is Modality.IMAGE:
        standard = image_standard_output(parsed, options.image, asset, sniffed.encoding)
        status, output = custom.extract(parsed, (0, 0)) if custom else (None, None)
        return AssetResult(modality, (Segment(standard, output, status),))
    splitting = custom is not None and options.document.splitter and len(parsed.pages) > 1
    if not splitting and len(parsed.pages) > limits.unsplit_pages:
        raise AssetError(f"The document has more than {limits.unsplit_pages} pages; enable the splitter.")
    ranges = custom.split(parsed) if (splitting and custom is not None) else [(0, len(parsed.pages) - 1)]
    segments = []
    for index, pages in enumerate(ranges):
        standard = document_standard_output(parsed, options.document, asset, segment_index=index, page_range=pages)
        status, output = custom.extract(parsed, pages) if custom else (None, None)
        files = document_files(parsed, pages) if options.document.additional_files else ()
        segments.append(Segment(standard, output, status, files))
    return AssetResult(modality, tuple(segments))


def _media(
    data: bytes, modality: Modality, options: InvocationOptions, asset: AssetInfo, custom: CustomStage | None
) -> AssetResult:
    # Imported on use: the media stack (PyAV, CTranslate2) loads only when audio or video arrives.
    if modality is Modality.AUDIO:
        from medauto.services.bda_runtime.audio_output import audio_standard_output

        standard = audio_standard_output(data, options.project, asset, vocabulary=options.vocabulary)
    else:
        from medauto.services.bda_runtime.video_output import video_standard_output

        standard = video_standard_output(data, options.project, asset, vocabulary=options.vocabulary)
    if custom is None:
        return AssetResult(modality, (Segment(standard),))
    # Blueprints read media through its transcript (and on-screen text), one utterance per line.
    transcript = media_document(standard)
    status, output = custom.extract(transcript, (0, 0))
    if output is not None:
        output.pop("split_document", None)
        _drop_geometry(output["explainability_info"])
    return AssetResult(modality, (Segment(standard, output, status),))


def media_document(standard: dict[str, Any]) -> ParsedDocument:
    """A one-page document whose lines are the transcript segments and on-screen text, in time order."""
    texts = [s["text"] for s in standard.get("audio_segments", []) if s.get("text")]
    for chapter in standard.get("chapters", []):
        texts += [s["text"] for s in chapter.get("audio_segments", []) if s.get("text")]
        for frame in chapter.get("frames", []):
            texts += [w["text"] for w in frame.get("text_lines", []) if w.get("text")]
    count = max(1, len(texts))
    lines = tuple(Line(text, Box(0.0, i / count, 1.0, 1 / count)) for i, text in enumerate(texts))
    return ParsedDocument(FileType.PDF, (Page(0, 1, max(1, count), lines, ()),))


def _drop_geometry(node: Any) -> None:
    """Page boxes mean nothing for audio or video: explanations keep confidence and value only."""
    if isinstance(node, dict):
        node.pop("geometry", None)
        for child in node.values():
            _drop_geometry(child)
    elif isinstance(node, list):
        for child in node:
            _drop_geometry(child)
