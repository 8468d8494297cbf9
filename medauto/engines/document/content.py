"""What a page reader (PDF text layer or OCR) hands to layout analysis: lines with style cues, found tables,
figure regions. Internal to the document engine; the public result is ``types.Page``."""

from __future__ import annotations

from dataclasses import dataclass, field

from medauto.engines.document.types import Box, Line, Table, TextSource


@dataclass(frozen=True)
class StyledLine:
    """A text line plus what layout needs to tell headings from body text."""

    line: Line
    size: float  # glyph size as a fraction of the page height (comparable within one document)
    bold: bool = False

    @property
    def box(self) -> Box:
        return self.line.box

    @property
    def text(self) -> str:
        return self.line.text


@dataclass(frozen=True)
class FoundTable:
    box: Box
    table: Table


@dataclass
class PageContent:
    index: int
    width_px: int
    height_px: int
    lines: list[StyledLine]
    source: TextSource
    tables: list[FoundTable] = field(default_factory=list)
    figures: list[Box] = field(default_factory=list)
