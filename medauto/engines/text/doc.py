"""Tokenization and sentence splitting with exact offsets; computed once per text and shared by all stages.

Stages read the token columns (``words``, ``lowers``, ``begins``, ``ends``), which cost one regex pass; ``tokens``
(the same tokens as :class:`Token` objects) is built only when asked for.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from medauto.engines.text.types import Token

# Words (letters/digits, with inner apostrophes, dots in numbers like 2.5), or any single other visible char.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?|\S", re.UNICODE)
# A sentence ends at . ! ? followed by whitespace and an upper-case letter/digit, or at a blank line / bullet.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+[.)])\s)")


@dataclass(frozen=True)
class Doc:
    text: str

    @cached_property
    def words(self) -> list[str]:
        """Each token's text."""
        return _TOKEN.findall(self.text)

    @cached_property
    def begins(self) -> list[int]:
        """Each token's start offset.

        Only whitespace lies between tokens (any other character is at least a token of its own), so each token
        starts at the first occurrence of its text after the end of the one before.
        """
        out: list[int] = []
        find, at = self.text.find, 0
        for word in self.words:
            at = find(word, at)
            out.append(at)
            at += len(word)
        return out

    @cached_property
    def ends(self) -> list[int]:
        """Each token's end offset."""
        return [b + len(w) for b, w in zip(self.begins, self.words, strict=True)]

    @cached_property
    def lowers(self) -> list[str]:
        """Each token's text, lower-cased."""
        return [w.lower() for w in self.words]

    @cached_property
    def is_word(self) -> list[bool]:
        """Whether each token is a word (starts with a letter or digit), not punctuation."""
        return [w[0].isalnum() for w in self.words]

    @cached_property
    def words_before(self) -> list[int]:
        """How many word tokens come before each token index; one entry more than there are tokens."""
        return list(accumulate(self.is_word, initial=0))

    @cached_property
    def tokens(self) -> list[Token]:
        return list(map(Token, self.begins, self.ends, self.words))

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

    @cached_property
    def sentence_begins(self) -> list[int]:
        return [b for b, _ in self.sentences]

    @cached_property
    def sentence_tokens(self) -> list[tuple[int, int]]:
        """Token range ``[first, stop)`` of each sentence: the tokens starting before its end, after the last one."""
        out: list[tuple[int, int]] = []
        begins, k = self.begins, 0
        for _, end in self.sentences:
            stop = bisect_left(begins, end, k)
            out.append((k, stop))
            k = stop
        return out

    def sentence_of(self, offset: int) -> tuple[int, int]:
        n = bisect_right(self.sentence_begins, offset) - 1
        if n >= 0 and offset < self.sentences[n][1]:
            return self.sentences[n]
        return 0, len(self.text)
