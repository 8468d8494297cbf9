"""A PDF, page by page: the text layer where there is one, OCR of the rendered page where there is not."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from medauto.engines.document.content import PageContent
from medauto.engines.document.pdf_text import RENDER_DPI, read_text_layer
from medauto.engines.document.types import CorruptDocument, TextSource

if TYPE_CHECKING:
    from PIL.Image import Image

# PDFium keeps global state and is not thread-safe; every call into it goes through this lock.
PDFIUM_LOCK = threading.Lock()

OcrPage = Callable[["Image", int], PageContent]

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
    "CreationDate": "creation_date",
    "ModDate": "modification_date",
}


def _open_pdfium(data: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise CorruptDocument("The PDF is password-protected; remove the password and retry.") from exc
        raise CorruptDocument(f"The PDF cannot be read: {exc}") from exc


def _open_plumber(data: bytes) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise CorruptDocument(f"The PDF cannot be read: {type(exc).__name__}") from exc


def page_size_px(document: Any, index: int, dpi: int = RENDER_DPI) -> tuple[int, int]:
    with PDFIUM_LOCK:
        page = document[index]
        try:
            width, height = page.get_size()
        finally:
            page.close()
    return round(width * dpi / 72), round(height * dpi / 72)


def render_page(document: Any, index: int, dpi: int = RENDER_DPI) -> Image:
    with PDFIUM_LOCK:
        page = document[index]
        try:
            image: Image = page.render(scale=dpi / 72).to_pil()
            return image
        finally:
            page.close()


class PdfReader:
    """An open PDF. ``pages`` yields one ``PageContent`` per page; close it (or use ``with``) when done."""

    def __init__(self, data: bytes) -> None:
        with PDFIUM_LOCK:
            self._pdfium = _open_pdfium(data)
            self.page_count = len(self._pdfium)
            raw = self._pdfium.get_metadata_dict(skip_empty=True)
        self.metadata = {name: str(raw[key]) for key, name in _METADATA_KEYS.items() if raw.get(key)}
        self._plumber: Any = _open_plumber(data) if self.page_count else None

    def __enter__(self) -> PdfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
        with PDFIUM_LOCK:
            self._pdfium.close()

    def _text_layer(self, index: int) -> PageContent | None:
        try:
            page = self._plumber.pages[index]
        except Exception as exc:
            raise CorruptDocument(f"Page {index + 1} of the PDF cannot be read: {type(exc).__name__}") from exc
        try:
            return read_text_layer(page, index)
        except Exception as exc:  # a damaged content stream fails deep inside pdfminer
            raise CorruptDocument(f"Page {index + 1} of the PDF cannot be read: {type(exc).__name__}") from exc
        finally:
            page.close()

    def pages(self, max_pages: int | None = None, ocr_page: OcrPage | None = None) -> Iterator[PageContent]:
        """Pages in order; a page without a text layer is OCR'd with ``ocr_page`` (left empty without it)."""
        count = self.page_count if max_pages is None else min(self.page_count, max_pages)
        for index in range(count):
            content = self._text_layer(index)
            if content is not None:
                yield content
                continue
            if ocr_page is not None:
                yield ocr_page(render_page(self._pdfium, index), index)
            else:
                yield PageContent(index, *page_size_px(self._pdfium, index), [], TextSource.OCR)
