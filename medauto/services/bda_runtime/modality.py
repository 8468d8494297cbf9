"""Which semantic modality an asset is, from its bytes (never its name), and the project's routing overrides."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Modality(StrEnum):
    DOCUMENT = "DOCUMENT"
    IMAGE = "IMAGE"
    AUDIO = "AUDIO"
    VIDEO = "VIDEO"


@dataclass(frozen=True)
class Sniffed:
    extension: str  # canonical extension used by modalityRouting keys: pdf, png, jpeg, tiff, webp, mp4, mov ...
    modality: Modality
    encoding: str  # what metadata calls the format (image_encoding / format)


class UnsupportedAsset(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _iso_has_video(data: bytes) -> bool:
    """Whether an ISO media file declares a video track: a handler box (``hdlr``: version/flags, pre_defined, then
    the handler type) of type ``vide``. Without any handler box (a truncated file) it is taken for video."""
    at = data.find(b"hdlr")
    if at < 0:
        return True
    while at >= 0:
        if data[at + 12 : at + 16] == b"vide":
            return True
        at = data.find(b"hdlr", at + 4)
    return False


def _iso_media(data: bytes) -> Sniffed | None:
    if data[4:8] != b"ftyp":
        return None
    brand = data[8:12]
    # Audio written with a generic brand (ffmpeg's mp4 muxer writes isom) is still audio: the tracks decide.
    if brand in (b"M4A ", b"M4B ", b"M4P ") or not _iso_has_video(data):
        return Sniffed("m4a", Modality.AUDIO, "m4a")
    if brand == b"qt  ":
        return Sniffed("mov", Modality.VIDEO, "mov")
    return Sniffed("mp4", Modality.VIDEO, "mp4")


_EBML_TRACKS = b"\x16\x54\xae\x6b"
_EBML_TRACK_TYPE_VIDEO = b"\x83\x81\x01"  # TrackType (0x83), one-byte size, value 1 = video


def _ebml_size(data: bytes, at: int) -> tuple[int, int]:
    """An EBML variable-length size at ``at``: (value, bytes used); the marker bit tells the length."""
    first = data[at] if at < len(data) else 0
    length = next((n for n in range(1, 9) if first & (0x80 >> (n - 1))), 8)
    value = first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _matroska_media(data: bytes) -> Sniffed:
    """MKV/WEBM; a file whose track list has no video track (browser recordings are often WebM Opus) is audio."""
    kind = "webm" if b"webm" in data[:64] else "mkv"
    at = data.find(_EBML_TRACKS)
    if at >= 0:
        size, used = _ebml_size(data, at + 4)
        tracks = data[at + 4 + used : at + 4 + used + size]
        if _EBML_TRACK_TYPE_VIDEO not in tracks:
            return Sniffed(kind, Modality.AUDIO, kind)
    return Sniffed(kind, Modality.VIDEO, kind)


def sniff(data: bytes) -> Sniffed:
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf", Modality.DOCUMENT, "pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png", Modality.IMAGE, "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg", Modality.IMAGE, "jpeg")
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):  # TIFF, BigTIFF
        return Sniffed("tiff", Modality.DOCUMENT, "tiff")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Sniffed("webp", Modality.IMAGE, "webp")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return Sniffed("wav", Modality.AUDIO, "wav")
    if head.startswith(b"fLaC"):
        return Sniffed("flac", Modality.AUDIO, "flac")
    if head.startswith(b"OggS"):
        return Sniffed("ogg", Modality.AUDIO, "ogg")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Sniffed("mp3", Modality.AUDIO, "mp3")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska_media(data)
    media = _iso_media(data)
    if media is not None:
        return media
    if not data:
        raise UnsupportedAsset("The input file is empty.")
    raise UnsupportedAsset(
        "Unsupported file format. Supported formats: PDF, TIFF, JPEG, PNG, WEBP documents and images; "
        "WAV, MP3, FLAC, M4A, OGG audio; MP4, MOV, MKV, WEBM video."
    )


def route(sniffed: Sniffed, routing: dict[str, str]) -> Modality:
    """Apply the project's modalityRouting (keys jpeg, png, mp4, mov)."""
    wanted = routing.get(sniffed.extension) or routing.get("jpg" if sniffed.extension == "jpeg" else "")
    return Modality(wanted) if wanted else sniffed.modality
