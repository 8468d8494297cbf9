"""The document engine's one entry point: bytes in, ``ParsedDocument`` out.

Registered as ``document.parser.v1`` (a ``DocumentParser``), so a deployment can put another parser with the same
``parse`` method behind its own name. ``MEDAUTO_OCR_DEVICE=cuda`` asks onnxruntime for the CUDA provider; CPU is
the default and the only one the project installs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medauto.engines import registry
from medauto.engines.document.content import PageContent
from medauto.engines.document.images import image_pages
from medauto.engines.document.layout import layout_pages
from medauto.engines.document.ocr import OcrDevice, ocr_image
from medauto.engines.document.pdf_pages import PdfReader
from medauto.engines.document.sniff import sniff
from medauto.engines.document.types import FileType, ParsedDocument, TextSource

if TYPE_CHECKING:
    from PIL.Image import Image

PARSER_NAME = "document.parser.v1"


@dataclass(frozen=True)
class DocumentParser:
    ocr_device: OcrDevice = OcrDevice.CPU

    def _ocr(self, image: Image, index: int) -> PageContent:
        return ocr_image(image, index, self.ocr_device)

    def parse(self, data: bytes, *, max_pages: int | None = None, ocr: bool = True) -> ParsedDocument:
        """Pages, lines, words and layout elements of a PDF or image. With ``ocr=False`` pages without a text
        layer (scans, images) come back with no lines. Raises ``UnsupportedDocument`` / ``CorruptDocument``."""
        file_type = sniff(data)
        contents: list[PageContent] = []
        metadata: dict[str, str] = {}
        if file_type is FileType.PDF:
            with PdfReader(data) as reader:
                metadata = dict(reader.metadata)
                contents = list(reader.pages(max_pages, self._ocr if ocr else None))
        else:
            for index, image in enumerate(image_pages(data, max_pages)):
                if ocr:
                    contents.append(self._ocr(image, index))
                else:
                    contents.append(PageContent(index, image.width, image.height, [], TextSource.OCR))
        return ParsedDocument(file_type=file_type, pages=layout_pages(contents), metadata=metadata)


def parse_document(data: bytes, *, max_pages: int | None = None, ocr: bool = True) -> ParsedDocument:
    """Parse with the registered default parser (the OCR engine is loaded once per process)."""
    parser: DocumentParser = registry.get(PARSER_NAME)
    return parser.parse(data, max_pages=max_pages, ocr=ocr)


@registry.register(PARSER_NAME)
def default_parser() -> DocumentParser:
    return DocumentParser(OcrDevice(os.environ.get("MEDAUTO_OCR_DEVICE", "cpu").lower()))
