"""BDA standard output for DOCUMENT segments, built from a parsed document.

One result per logical sub-document (the whole file unless the splitter is on): metadata, document-level
statistics, and per the project's granularity the document, pages, elements, text lines and words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from medauto.engines.document.types import Element, ElementKind, Page, ParsedDocument
from medauto.engines.summary import extractive_summary, headline
from medauto.services.bda_runtime.geometry import location
from medauto.services.bda_runtime.options import DocumentOptions
from medauto.services.bda_runtime.representation import (
    element_representation,
    joined_representation,
    table_csv,
)


@dataclass(frozen=True)
class AssetInfo:
    asset_id: str = "0"
    s3_bucket: str | None = None
    s3_key: str | None = None


def _statistics(elements: list[Element]) -> dict[str, int]:
    return {
        "element_count": len(elements),
        "table_count": sum(e.kind is ElementKind.TABLE for e in elements),
        "figure_count": sum(e.kind is ElementKind.FIGURE for e in elements),
        "hyperlink_count": 0,  # the parser does not report links
    }


def _element(element: Element, options: DocumentOptions, order: int) -> dict[str, Any]:
    out: dict[str, Any] = {"type": element.kind.value, "id": str(uuid.uuid4())}
    if element.kind is ElementKind.TEXT and element.role is not None:
        out["sub_type"] = element.role.value
    out["reading_order"] = order
    out["page_indices"] = [element.page_index]
    out["locations"] = [location(element.box, element.page_index, with_box=options.bounding_boxes)]
    out["representation"] = element_representation(element, options.text_formats)
    if element.kind is ElementKind.TABLE and element.table is not None:
        table = element.table
        out["title"] = ""
        out["headers"] = list(table.rows[0]) if table.header_rows and table.rows else []
        out["footers"] = []
    if element.kind is ElementKind.FIGURE:
        out["title"] = element.text
    return out


def _lines_and_words(pages: list[Page], with_box: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    for page in pages:
        for line in page.lines:
            line_id = str(uuid.uuid4())
            lines.append(
                {
                    "id": line_id,
                    "type": "TEXT_LINE",
                    "text": line.text,
                    "confidence": round(line.confidence, 4),
                    "page_index": page.index,
                    "locations": [location(line.box, page.index, with_box=with_box)],
                }
            )
            for word in line.words:
                words.append(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "TEXT_WORD",
                        "text": word.text,
                        "confidence": round(word.confidence, 4),
                        "line_id": line_id,
                        "page_index": page.index,
                        "locations": [location(word.box, page.index, with_box=with_box)],
                    }
                )
    return lines, words


def document_standard_output(
    parsed: ParsedDocument,
    options: DocumentOptions,
    asset: AssetInfo,
    *,
    segment_index: int = 0,
    page_range: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The ``result.json`` of one segment; ``page_range`` is inclusive and absolute (0-based)."""
    start, end = page_range or (0, len(parsed.pages) - 1)
    pages = [p for p in parsed.pages if start <= p.index <= end]
    elements = sorted((e for p in pages for e in p.elements), key=lambda e: (e.reading_order, e.page_index))
    metadata: dict[str, Any] = {"asset_id": asset.asset_id, "logical_subdocument_id": str(segment_index)}
    metadata["semantic_modality"] = "DOCUMENT"
    if asset.s3_bucket is not None:
        metadata["s3_bucket"] = asset.s3_bucket
        metadata["s3_key"] = asset.s3_key
    metadata.update(
        number_of_pages=len(pages), start_page_index=start, end_page_index=end, file_type=parsed.file_type.value
    )
    result: dict[str, Any] = {"metadata": metadata}
    document: dict[str, Any] = {}
    if "DOCUMENT" in options.granularity:
        document["representation"] = joined_representation(elements, options.text_formats)
    if options.generative:
        text = "\n".join(e.text for e in elements if e.kind is ElementKind.TEXT)
        # Extractive, not generated: whole sentences taken from the document.
        document["description"] = headline(text, 10)
        document["summary"] = extractive_summary(text, 250)
    document["statistics"] = _statistics(elements)
    result["document"] = document
    if "PAGE" in options.granularity:
        result["pages"] = [
            {
                "id": str(uuid.uuid4()),
                "page_index": page.index,
                "representation": joined_representation(page.elements, options.text_formats),
                "statistics": _statistics(list(page.elements)),
                "asset_metadata": {
                    "rectified_image_width_pixels": page.width_px,
                    "rectified_image_height_pixels": page.height_px,
                    "corners": [[0, 0], [1, 0], [1, 1], [0, 1]],
                },
            }
            for page in pages
        ]
    if "ELEMENT" in options.granularity:
        result["elements"] = [_element(e, options, n) for n, e in enumerate(elements)]
    if {"LINE", "WORD"} & options.granularity:
        lines, words = _lines_and_words(pages, options.bounding_boxes)
        if "LINE" in options.granularity:
            result["text_lines"] = lines
        if "WORD" in options.granularity:
            result["text_words"] = words
    return result


def document_files(parsed: ParsedDocument, page_range: tuple[int, int]) -> tuple[tuple[str, bytes, str], ...]:
    """additionalFileFormat: the segment as markdown and plain text, and each table as CSV (in reading order)."""
    start, end = page_range
    elements = sorted(
        (e for p in parsed.pages if start <= p.index <= end for e in p.elements), key=lambda e: e.reading_order
    )
    rendered = joined_representation(elements, ("MARKDOWN", "PLAIN_TEXT"))
    files = [
        ("result.md", rendered["markdown"].encode(), "text/markdown"),
        ("result.txt", rendered["text"].encode(), "text/plain"),
    ]
    tables = [e.table for e in elements if e.kind is ElementKind.TABLE and e.table is not None]
    files += [(f"table_{n}.csv", table_csv(t).encode(), "text/csv") for n, t in enumerate(tables)]
    return tuple(files)
