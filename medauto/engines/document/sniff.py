"""Which format a file is, from its first bytes (never from a name or a declared content type)."""

from __future__ import annotations

from medauto.engines.document.types import FileType, UnsupportedDocument

_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"\x89PNG\r\n\x1a\n", FileType.PNG),
    (b"\xff\xd8\xff", FileType.JPEG),
    (b"II*\x00", FileType.TIFF),  # little-endian TIFF
    (b"MM\x00*", FileType.TIFF),  # big-endian TIFF
    (b"II+\x00", FileType.TIFF),  # BigTIFF
    (b"MM\x00+", FileType.TIFF),
)

# A PDF header may follow a little junk (some producers prepend bytes); readers accept it within the first KB.
_PDF_HEADER_WINDOW = 1024


def sniff(data: bytes) -> FileType:
    """The file type of ``data``; anything else raises ``UnsupportedDocument``."""
    if not data:
        raise UnsupportedDocument("The document is empty.")
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return FileType.PDF
    for signature, file_type in _SIGNATURES:
        if data.startswith(signature):
            return file_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileType.WEBP
    raise UnsupportedDocument("Unsupported document format: expected PDF, PNG, JPEG, TIFF or WEBP.")
