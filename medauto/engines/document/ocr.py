"""OCR of page images with rapidocr (PP-OCRv6 small models bundled in the wheel, run by onnxruntime).

The engine loads once per process and per device; calls are serialised because rapidocr keeps per-call options on
the engine and onnxruntime already spreads one page over every core.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from medauto.engines.document.content import PageContent, StyledLine
from medauto.engines.document.figures import find_figures
from medauto.engines.document.types import Box, Line, TextSource, Word

if TYPE_CHECKING:
    from PIL.Image import Image

# A line whose strokes are this much thicker (relative to its x-height) than the page's median line is bold.
_BOLD_INK_RATIO = 1.25
_OCR_LOCK = threading.Lock()
_ENGINE_LOCK = threading.Lock()
_TALL = 1.5  # a text box this many times taller than wide runs vertically
# Upright print reads at 0.95+; upside-down print still "reads" as garbage at 0.6-0.8.
_UPSIDE_DOWN_BELOW = 0.85
_BETTER_BY = 0.05
DETECTION_SIDE_PX = 1024


class OcrDevice(StrEnum):
    CPU = "cpu"
    CUDA = "cuda"  # onnxruntime's CUDA provider; needs the onnxruntime-gpu build, else rapidocr falls back to CPU


def ocr_engine(device: OcrDevice = OcrDevice.CPU) -> Any:
    """The process-wide rapidocr engine: only its bundled default models, so nothing is ever downloaded."""
    with _ENGINE_LOCK:  # two first requests at once must not load the models twice
        return _load_engine(device)


@cache
def _load_engine(device: OcrDevice) -> Any:
    from rapidocr import RapidOCR

    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.return_word_box": True,
        # ``upright`` turns whole pages; the per-line 180-degree classifier costs time and flips the odd line.
        "Global.use_cls": False,
        # Detect on the page scaled so its longer side is at most this (rapidocr's default scales small pages
        # *up* to 736 on the shorter side, which makes an A4 page three times slower to detect and no better).
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECTION_SIDE_PX,
        # Recognition pads every batch of line crops to at least this width (rapidocr's default is 320 px at
        # height 48). Short crops (table cells, numbers, page numbers) then cost as much as a full line; padding
        # only to the widest crop of the batch reads the same text with about a fifth less CPU on a dense page.
        "Rec.rec_img_shape": [3, 48, 64],
        # rapidocr turns onnxruntime's memory arena off; with it on, recognition allocates far less per page and
        # spends about a fifth less CPU.
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        "EngineConfig.onnxruntime.use_cuda": device is OcrDevice.CUDA,
    }
    return RapidOCR(params=params)


def _quad_box(points: Any, width: int, height: int) -> Box:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    left, right = max(min(xs), 0.0), min(max(xs), float(width))
    top, bottom = max(min(ys), 0.0), min(max(ys), float(height))
    return Box(left / width, top / height, max(right - left, 0.0) / width, max(bottom - top, 0.0) / height)


def split_words(text: str, box: Box, confidence: float) -> tuple[Word, ...]:
    """Words of a line with boxes in proportion to their share of the line's characters (when the engine
    gave no word boxes)."""
    tokens = text.split()
    if not tokens:
        return ()
    unit = box.width / max(len(text), 1)
    words, cursor = [], 0
    for token in tokens:
        start = text.index(token, cursor)
        cursor = start + len(token)
        words.append(Word(token, Box(box.left + start * unit, box.top, len(token) * unit, box.height), confidence))
    return tuple(words)


def _line_words(result: Any, i: int, text: str, box: Box, score: float, size: tuple[int, int]) -> tuple[Word, ...]:
    word_results: Sequence[Any] = result.word_results or ()
    entries = word_results[i] if i < len(word_results) else ()
    words = []
    for entry in entries or ():
        if len(entry) != 3 or entry[2] is None or not str(entry[0]).strip():
            return split_words(text, box, score)
        words.append(Word(str(entry[0]).strip(), _quad_box(entry[2], *size), float(entry[1])))
    # Word boxes must account for the whole line; otherwise fall back to proportional boxes.
    if not words or "".join(w.text for w in words).replace(" ", "") != text.replace(" ", ""):
        return split_words(text, box, score)
    return tuple(words)


def _ink(gray: Any, box: Box) -> tuple[float, float]:
    """(stroke weight, x-height as a fraction of the page height) of a line's box.

    The x-height is the band of rows holding most of the ink; unlike the box height it does not depend on
    whether the line has ascenders or descenders, so it compares font sizes between lines. The stroke weight is
    the mean length of horizontal ink runs in that band relative to the x-height: bold strokes are thicker.
    """
    import numpy as np

    height, width = gray.shape
    rows = slice(int(box.top * height), int(box.bottom * height) + 1)
    dark = gray[rows, int(box.left * width) : int(box.right * width) + 1] < 128
    if not dark.size or not dark.any():
        return 0.0, box.height
    profile = dark.mean(axis=1)
    core = (profile >= 0.4 * profile.max()).nonzero()[0]
    band = dark[core[0] : core[-1] + 1]
    x_height = band.shape[0]
    starts = int(np.count_nonzero(band[:, 1:] & ~band[:, :-1]) + np.count_nonzero(band[:, 0]))
    weight = float(band.sum()) / max(starts, 1) / x_height
    return weight, x_height / height


def _recognise(engine: Any, image: Image) -> Any:
    import numpy as np

    with _OCR_LOCK:
        return engine(np.asarray(image))


def _confidence(result: Any) -> float:
    """Mean recognition score weighted by text length (0 when nothing was read)."""
    if not result.txts:
        return 0.0
    chars = sum(len(text) for text in result.txts)
    return sum(len(text) * float(score) for text, score in zip(result.txts, result.scores, strict=True)) / max(chars, 1)


def _span(quad: Any, axis: int) -> float:
    values = [float(point[axis]) for point in quad]
    return max(values) - min(values)


def _sideways(result: Any) -> bool:
    """Most text boxes are taller than wide: the page lies on its side."""
    if not result.txts:
        return False
    tall = sum(1 for quad in result.boxes if _span(quad, 1) > _TALL * _span(quad, 0))
    return tall * 2 > len(result.txts)


def upright(engine: Any, image: Image) -> tuple[Image, Any]:
    """The page turned upright, with its OCR result. A page is read as it comes; only one that reads sideways
    (mostly tall boxes) or poorly is read again turned, and the turn that reads best wins."""
    result = _recognise(engine, image)
    if _sideways(result):
        turns = [image.rotate(angle, expand=True) for angle in (90, 270)]
        reads = [(turned, _recognise(engine, turned)) for turned in turns]
        turned, attempt = max(reads, key=lambda read: _confidence(read[1]))
        return (turned, attempt) if attempt.txts else (image, result)
    confidence = _confidence(result)
    if result.txts and confidence < _UPSIDE_DOWN_BELOW:
        turned = image.rotate(180)
        attempt = _recognise(engine, turned)
        if _confidence(attempt) > confidence + _BETTER_BY:
            return turned, attempt
    return image, result


def ocr_image(image: Image, index: int, device: OcrDevice = OcrDevice.CPU) -> PageContent:
    """Lines (with word boxes and confidences) of one page image, turned upright first if it lies sideways or
    upside down (the page size is then the turned one's)."""
    import numpy as np

    rgb, result = upright(ocr_engine(device), image.convert("RGB"))
    gray = np.asarray(rgb.convert("L"))
    width, height = rgb.size
    raw: list[tuple[Line, tuple[float, float]]] = []
    if result.txts:
        for i, (points, text, score) in enumerate(zip(result.boxes, result.txts, result.scores, strict=True)):
            text = " ".join(str(text).split())
            if not text:
                continue
            box = _quad_box(points, width, height)
            words = _line_words(result, i, text, box, float(score), (width, height))
            raw.append((Line(text, box, words, float(score)), _ink(gray, box)))
    inks = sorted(ink for _, (ink, _) in raw)
    median_ink = inks[len(inks) // 2] if inks else 0.0
    lines = [
        StyledLine(line, size=x_height, bold=median_ink > 0 and ink > _BOLD_INK_RATIO * median_ink)
        for line, (ink, x_height) in raw
    ]
    lines.sort(key=lambda styled: (styled.box.top, styled.box.left))
    figures = find_figures(gray, [styled.box for styled in lines])
    return PageContent(index, width, height, lines, TextSource.OCR, figures=figures)
