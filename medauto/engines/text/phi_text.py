"""Shared, cheap views of a text for the PHI finders, and two tricks that keep their regexes fast.

Case-insensitive regexes are slow on both regex engines: ``re.IGNORECASE`` turns off the literal-prefix scans
that make a case-sensitive alternation quick. For ASCII text (almost every clinical note) the same match can be
found case-sensitively: lower-case the text once and the pattern's letters once. :class:`Caseless` does that and
falls back to the original pattern on other text, so results are identical either way.

:class:`Gate` is a necessary condition for an expensive pattern (e.g. "a street ending followed by a number"),
checked the same fast way: when the gate finds nothing, the pattern cannot match and is not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class PhiText:
    text: str

    @cached_property
    def ascii(self) -> bool:
        return self.text.isascii()

    @cached_property
    def low(self) -> str:
        """The lower-cased text; same length and offsets as ``text`` when it is ASCII."""
        return self.text.lower()


_GROUP_NAME = re.compile(r"\(\?P[<=][A-Za-z_]\w*[>)]")


def lower_source(source: str) -> str:
    """A regex source with its literal letters lower-cased; escapes (``\\D``, ``\\S``, ``\\W``, ``\\B``, ``\\A``,
    ``\\Z``) and group names are kept as they are, since their case carries meaning."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        group = _GROUP_NAME.match(source, i)
        if group:
            out.append(group.group())
            i = group.end()
            continue
        out.append(c.lower())
        i += 1
    return "".join(out)


class Caseless:
    """A case-insensitive stdlib pattern, run case-sensitively on the lower-cased text when the text is ASCII.

    Match offsets are those of the original text either way; read matched text by slicing the original (a match's
    ``group()`` is lower-cased on the fast path).
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        self.full = re.compile(source, flags | re.IGNORECASE)
        self.folded = re.compile(lower_source(source), flags & ~re.IGNORECASE)

    def finditer(self, t: PhiText) -> Iterator[re.Match[str]]:
        return self.folded.finditer(t.low) if t.ascii else self.full.finditer(t.text)

    def search(self, t: PhiText, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(t.text) if endpos is None else endpos
        return self.folded.search(t.low, pos, end) if t.ascii else self.full.search(t.text, pos, end)


class Gate:
    """A case-insensitive necessary condition for another pattern; non-ASCII text always passes (and the pattern
    runs), so a gate can only skip work, never change a result."""

    def __init__(self, source: str) -> None:
        self._pattern = re.compile(lower_source(source))

    def passes(self, t: PhiText) -> bool:
        return not t.ascii or self._pattern.search(t.low) is not None
