"""Tokenization and sentence splitting with exact offsets; computed once per text and shared by all stages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from medauto.engines.text.types import Token

# Words (letters/digits, with inner apostrophes, dots in numbers like 2.5), or any single other visible char.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?|\S", re.UNICODE)
# A sentence ends at . ! ? followed by whitespace and an upper-case letter/digit, or at a blank line / bullet.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+[.)])\s)")


@dataclass(frozen=True)
class Doc:
    text: str

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(self.text)]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(begin, end) of each sentence, whitespace trimmed."""
        spans: list[tuple[int, int]] = []
        start = 0
        for m in _SENTENCE_END.finditer(self.text):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(self.text)))
        out = []
        for b, e in spans:
            while b < e and self.text[b].isspace():
                b += 1
            while e > b and self.text[e - 1].isspace():
                e -= 1
            if e > b:
                out.append((b, e))
        return out

    def sentence_of(self, offset: int) -> tuple[int, int]:
        for b, e in self.sentences:
            if b <= offset < e:
                return b, e
        return 0, len(self.text)
