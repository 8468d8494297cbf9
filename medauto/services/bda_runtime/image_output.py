"""BDA standard output for IMAGE assets: text detection with boxes, and a summary.

No offline vision-language model ships in a registry package, so the summary describes what OCR and layout found
and says so; IAB categories, logos and moderation need such a model and come back empty.
"""

from __future__ import annotations

import uuid
from typing import Any

from medauto.engines.document.types import ParsedDocument
from medauto.engines.summary import extractive_summary
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.geometry import location
from medauto.services.bda_runtime.options import ImageOptions


def describe_image(parsed: ParsedDocument) -> str:
    page = parsed.pages[0]
    lines = [line.text for line in page.lines if line.text.strip()]
    if not lines:
        return "Text-based description (OCR): no readable text was found in the image."
    words = sum(len(line.split()) for line in lines)
    gist = extractive_summary(" ".join(lines), 60)
    return f"Text-based description (OCR): the image shows {len(lines)} lines of text ({words} words). It reads: {gist}"


def image_standard_output(
    parsed: ParsedDocument, options: ImageOptions, asset: AssetInfo, encoding: str
) -> dict[str, Any]:
    page = parsed.pages[0]
    metadata: dict[str, Any] = {"asset_id": asset.asset_id, "semantic_modality": "IMAGE"}
    if asset.s3_bucket is not None:
        metadata["s3_bucket"] = asset.s3_bucket
        metadata["s3_key"] = asset.s3_key
    metadata.update(image_width_pixels=page.width_px, image_height_pixels=page.height_px, image_encoding=encoding)
    image: dict[str, Any] = {}
    if "IMAGE_SUMMARY" in options.generative:
        image["summary"] = describe_image(parsed)
    if "IAB" in options.generative:
        image["iab_categories"] = []
    if "CONTENT_MODERATION" in options.categories:
        image["content_moderation"] = []
    if "LOGOS" in options.categories:
        image["logos"] = []
    lines: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    if "TEXT_DETECTION" in options.categories:
        for line in page.lines:
            line_id = str(uuid.uuid4())
            lines.append(
                {
                    "id": line_id,
                    "type": "TEXT_LINE",
                    "text": line.text,
                    "confidence": round(line.confidence, 4),
                    "locations": [location(line.box, with_box=options.bounding_boxes)],
                }
            )
            words.extend(
                {
                    "id": str(uuid.uuid4()),
                    "type": "TEXT_WORD",
                    "text": word.text,
                    "confidence": round(word.confidence, 4),
                    "line_id": line_id,
                    "locations": [location(word.box, with_box=options.bounding_boxes)],
                }
                for word in line.words
            )
        image["text_words"] = words
        image["text_lines"] = lines
    statistics = {
        "iab_category_count": 0,
        "content_moderation_count": 0,
        "logo_count": 0,
        "line_count": len(lines),
        "word_count": len(words),
    }
    return {"metadata": metadata, "image": image, "statistics": statistics}
