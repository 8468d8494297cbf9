"""Decoding image files (PNG, JPEG, TIFF with all its pages, WEBP) into page images for OCR."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from medauto.engines.document.types import CorruptDocument

if TYPE_CHECKING:
    from PIL.Image import Image

# BDA refuses pages over 10,000 px a side; the limit also keeps a decompression bomb from filling memory.
MAX_SIDE_PX = 10_000


def image_pages(data: bytes, max_pages: int | None = None) -> Iterator[Image]:
    """Each frame of the image as an RGB page (one for most formats, one per page for multi-page TIFF)."""
    from PIL import Image as PilImage
    from PIL import ImageOps, UnidentifiedImageError

    try:
        image = PilImage.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError, PilImage.DecompressionBombError) as exc:
        raise CorruptDocument(f"The image cannot be decoded: {exc}") from exc
    for frame in range(frames if max_pages is None else min(frames, max_pages)):
        try:
            image.seek(frame)
            width, height = image.size
            if width > MAX_SIDE_PX or height > MAX_SIDE_PX:
                raise CorruptDocument(f"Page {frame + 1} is {width}x{height} px; the limit is {MAX_SIDE_PX} a side.")
            # Camera JPEGs store rotation in EXIF; OCR needs the upright picture.
            page = ImageOps.exif_transpose(image)  # a copy, so the next seek leaves it intact
            if page.mode in ("RGBA", "LA", "PA") or "transparency" in page.info:
                # Transparent pixels have no colour of their own (often black): lay the picture on white paper.
                paper = PilImage.new("RGB", page.size, "white")
                rgba = page.convert("RGBA")
                paper.paste(rgba, mask=rgba.getchannel("A"))
                page = paper
            elif page.mode not in ("RGB", "L"):
                page = page.convert("RGB")
        except (OSError, ValueError, EOFError, PilImage.DecompressionBombError) as exc:
            raise CorruptDocument(f"Page {frame + 1} of the image cannot be decoded: {exc}") from exc
        yield page
