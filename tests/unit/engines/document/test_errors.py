"""Format sniffing, unsupported and damaged inputs, password-protected PDFs."""

from __future__ import annotations

import pytest
from fpdf import FPDF
from PIL import Image

from medauto.engines import registry
from medauto.engines.document.parser import PARSER_NAME, DocumentParser, parse_document
from medauto.engines.document.sniff import sniff
from medauto.engines.document.types import CorruptDocument, FileType, UnsupportedDocument
from tests.unit.engines.document.samples import clinical_pdf, encode


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("PNG", FileType.PNG), ("JPEG", FileType.JPEG), ("TIFF", FileType.TIFF), ("WEBP", FileType.WEBP)],
)
def test_sniff_images(fmt: str, expected: FileType) -> None:
    assert sniff(encode(Image.new("RGB", (8, 8), "white"), fmt)) is expected


def test_sniff_pdf() -> None:
    assert sniff(clinical_pdf()) is FileType.PDF
    assert sniff(b"\n\n%PDF-1.7\n...") is FileType.PDF


@pytest.mark.parametrize("data", [b"", b"hello world", b"PK\x03\x04docx-ish", b"GIF89a\x01\x00"])
def test_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedDocument) as raised:
        parse_document(data)
    assert raised.value.reason


def test_truncated_pdf_is_corrupt() -> None:
    data = clinical_pdf()
    with pytest.raises(CorruptDocument) as raised:
        parse_document(data[: len(data) // 3])
    assert "PDF" in raised.value.reason


def test_garbage_after_pdf_header_is_corrupt() -> None:
    with pytest.raises(CorruptDocument):
        parse_document(b"%PDF-1.4\n" + bytes(range(256)) * 20)


def test_password_protected_pdf() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    with pytest.raises(CorruptDocument) as raised:
        parse_document(bytes(pdf.output()))
    assert "password" in raised.value.reason


def test_truncated_png_is_corrupt() -> None:
    data = encode(Image.new("RGB", (300, 300), "white"), "PNG")
    with pytest.raises(CorruptDocument):
        parse_document(data[:40])


def test_registry_serves_one_shared_parser() -> None:
    parser = registry.get(PARSER_NAME)
    assert isinstance(parser, DocumentParser)
    assert registry.get(PARSER_NAME) is parser
    assert PARSER_NAME in registry.names()
