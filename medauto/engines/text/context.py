"""ConText-style trait detection: negation, uncertainty, hypothetical, future, history and family context.

For each sentence, trigger phrases (``context_rules``) are matched once on lower-cased tokens with a token trie,
longest match first, so pseudo-triggers ("no change") hide the short triggers inside them. Each trigger opens a
scope forward and/or backward within its sentence. A scope ends at a terminator ("but", ";"), at a trigger of a
kind that stops it (an uncertainty cue ends a negation), or after ``Rule.window`` words of one list item; list
separators ("," "or" "and") start a new item, so "no fever, chills, or night sweats" negates all three. A span
gets a trait when a scope of that kind overlaps it and the trigger lies outside it; the score falls with the
number of words between trigger and span. Section headers ("PAST MEDICAL HISTORY:", "FAMILY HISTORY:") give
their whole section a trait. MEDICAL_CONDITION / DX_NAME spans are also classed as SIGN, SYMPTOM or DIAGNOSIS.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from medauto.engines.text import context_rules as lex
from medauto.engines.text.context_rules import Direction, Rule
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Span, Trait, TraitName

# A scope covers at most this many words in all (however many list items it spans).
MAX_SCOPE_WORDS = 30
# Score lost per word between the trigger and the span, and the lowest score a scope trait gets.
DECAY = 0.01
FLOOR = 0.6
SECTION_SCORE = 0.8
_ORDER = {name: i for i, name in enumerate(TraitName)}
_CLASS_TRAITS = (TraitName.SIGN, TraitName.SYMPTOM, TraitName.DIAGNOSIS)
_MAX_SCORE = 0.99
_CACHE_SIZE = 50_000
# "Header:" at a line start, after two spaces or after a sentence end; times such as 10:30 are not headers.
_HEADER = re.compile(r"(?:^|(?<=\n)|(?<=\s\s)|(?<=[.;]\s))[ \t]*([A-Za-z][A-Za-z/&() ]{0,48}?)[ \t]*:(?!\d)", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    value: object = None


class PhraseTrie:
    """Multi-word phrases over lower-cased tokens; ``matches`` finds the longest phrase at each position."""

    def __init__(self) -> None:
        self._root = _Node()

    def add(self, phrase: str, value: object) -> None:
        for variant in {phrase, phrase.replace("'", "\u2019")}:
            node = self._root
            for token in Doc(variant.lower()).tokens:
                node = node.children.setdefault(token.text, _Node())
            if node is not self._root:
                node.value = value

    def longest(self, tokens: Sequence[str], start: int, stop: int) -> tuple[int, object]:
        """(end, value) of the longest phrase starting at ``start``; end is ``start`` when none does."""
        node, end, value = self._root, start, None
        for i in range(start, stop):
            child = node.children.get(tokens[i])
            if child is None:
                break
            node = child
            if node.value is not None:
                end, value = i + 1, node.value
        return end, value

    def matches(self, tokens: Sequence[str], start: int, stop: int) -> list[tuple[int, int, object]]:
        """Non-overlapping (start, end, value), scanning left to right and taking the longest match at each token."""
        found: list[tuple[int, int, object]] = []
        first = self._root.children
        i = start
        while i < stop:
            if tokens[i] not in first:  # no phrase starts here (what ``longest`` would find first)
                i += 1
                continue
            end, value = self.longest(tokens, i, stop)
            if value is None:
                i += 1
                continue
            found.append((i, end, value))
            i = end
        return found


@dataclass(frozen=True, slots=True)
class Scope:
    """Tokens ``[lo, hi)`` under the influence of a trigger at tokens ``[start, end)``."""

    trait: TraitName
    lo: int
    hi: int
    start: int
    end: int
    score: float
    forward: bool


class _DocIndex:
    """Per-document token arrays shared by every span of one ``traits`` call (all computed once by the ``Doc``)."""

    def __init__(self, doc: Doc) -> None:
        self.low = doc.lowers
        self.begins = doc.begins
        self.ends = doc.ends
        self.is_word = doc.is_word
        self.words_before = doc.words_before
        self.sentences = doc.sentences
        self.sentence_begins = doc.sentence_begins

    def words(self, lo: int, hi: int) -> int:
        return self.words_before[hi] - self.words_before[lo] if hi > lo else 0

    def token_range(self, begin: int, end: int) -> tuple[int, int]:
        first = bisect_right(self.ends, begin)
        return first, max(bisect_left(self.begins, end), first + 1)

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect_right(self.sentence_begins, offset) - 1)


def _headers(text: str) -> Iterator[re.Match[str]]:
    """``_HEADER.finditer(text)``, searching only where a header can be: everything a match takes before its colon
    is a header character, so each match lies in the run of them right before some colon (the search may still look
    behind the run and at the character after the colon, as the full scan does)."""
    start = 0
    colon = text.find(":")
    while colon != -1:
        before = text[start:colon]
        m = _HEADER.search(text, colon - (len(before) - len(before.rstrip(_HEADER_CHARS))), colon + 2)
        if m is not None:
            yield m
        start = colon + 1
        colon = text.find(":", start)


_HEADER_CHARS = string.ascii_letters + "/&() \t"  # what _HEADER takes before the colon


def _sections(text: str) -> list[tuple[int, int, TraitName]]:
    """(begin, end, trait) of the sections whose header carries a trait; a section runs to the next header."""
    headers: list[tuple[int, int, str]] = []
    for m in _headers(text):
        name = " ".join(m.group(1).lower().split())
        # At a line start: nothing but spaces or tabs since the last newline (or the text start).
        before = m.start(1) - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        line_start = m.start(1) == 0 or (before >= 0 and text[before] == "\n")
        if name in lex.SECTION_TRAITS or m.group(1).isupper() or line_start:
            headers.append((m.start(1), m.end(), name))
    out: list[tuple[int, int, TraitName]] = []
    for i, (_, end, name) in enumerate(headers):
        trait = lex.SECTION_TRAITS.get(name)
        if trait is None:
            continue
        stop = headers[i + 1][0] if i + 1 < len(headers) else len(text)
        blank = _BLANK_LINE.search(text, end, stop)
        out.append((end, blank.start() if blank else stop, trait))
    return out


class ConditionClassifier:
    """SIGN / SYMPTOM / DIAGNOSIS for a condition phrase from word lists; the head of the phrase decides."""

    def __init__(self) -> None:
        self._trie = PhraseTrie()
        for words, trait in (
            (lex.DIAGNOSIS_WORDS, TraitName.DIAGNOSIS),
            (lex.SIGNS, TraitName.SIGN),
            (lex.SYMPTOMS, TraitName.SYMPTOM),
        ):
            for w in words:
                self._trie.add(w, trait)
        self._cache: dict[tuple[str, ...], Trait] = {}

    def classify(self, tokens: Sequence[str]) -> Trait:
        key = tuple(tokens)
        trait = self._cache.get(key)
        if trait is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            trait = self._cache[key] = self._classify(key)
        return trait

    def _classify(self, tokens: tuple[str, ...]) -> Trait:
        cut = next((i for i, t in enumerate(tokens) if i and t in lex.HEAD_BREAKS), len(tokens))
        found = self._trie.matches(tokens, 0, len(tokens))
        covered = {i for s, e, _ in found for i in range(s, e)}
        found += [
            (i, i + 1, TraitName.DIAGNOSIS)
            for i, t in enumerate(tokens)
            if i not in covered and len(t) > 5 and t.endswith(lex.DIAGNOSIS_SUFFIXES)
        ]
        head = [f for f in found if f[0] < cut]
        if head:
            _, end, value = max(head, key=lambda f: (f[1], f[1] - f[0]))
            last_word = max((i for i in range(cut) if tokens[i][0].isalnum()), default=cut - 1)
            assert isinstance(value, TraitName)
            return Trait(value, 0.92 if end > last_word else 0.8)
        if found:
            value = max(found, key=lambda f: (f[1], f[1] - f[0]))[2]
            assert isinstance(value, TraitName)
            return Trait(value, 0.7)
        return Trait(TraitName.DIAGNOSIS, 0.65)


_SCOPE_CACHE_LIMIT = 50_000


class ContextTraits:
    """The ConText trait detector of the ``text.context.v1`` stage."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._trie = PhraseTrie()
        for rule in rules:
            self._trie.add(rule.phrase, rule)
        self._classifier = ConditionClassifier()
        self._scope_cache: dict[tuple[str | bool, ...], tuple[Scope, ...]] = {}

    @classmethod
    def load(cls) -> ContextTraits:
        return cls(lex.build_rules())

    def traits(self, doc: Doc, spans: Sequence[Span]) -> list[list[Trait]]:
        if not spans:
            return []
        index = _DocIndex(doc)
        sections = _sections(doc.text)
        scopes: dict[int, list[Scope]] = {}
        out: list[list[Trait]] = []
        begins, ends, low, sentence_begins = index.begins, index.ends, index.low, index.sentence_begins
        words_before = index.words_before
        for span in spans:
            s = bisect_right(ends, span.begin)  # index.token_range, inline
            e = max(bisect_left(begins, span.end), s + 1)
            found: dict[TraitName, float] = {}
            if span.label == "DX_NAME":
                trait = self._classifier.classify(low[s:e])
                found[trait.name] = trait.score
            sentence = max(0, bisect_right(sentence_begins, span.begin) - 1)
            in_sentence = scopes.get(sentence)
            if in_sentence is None:
                in_sentence = scopes[sentence] = (
                    self._sentence_scopes(index, *index.sentences[sentence]) if index.sentences else []
                )
            for scope in in_sentence:
                if scope.start < e and s < scope.end:
                    continue  # the trigger is part of the span ("no evidence of rejection" as one finding)
                if not (s < scope.hi and scope.lo < e):
                    continue
                # index.words(...), inline
                if scope.forward:
                    gap = words_before[s] - words_before[scope.end] if s > scope.end else 0
                else:
                    gap = words_before[scope.start] - words_before[e] if scope.start > e else 0
                score = max(FLOOR, scope.score - DECAY * max(0, gap - 1))
                found[scope.trait] = max(found.get(scope.trait, 0.0), score)
            for begin, end, name in sections:
                if begin <= span.begin < end:
                    found[name] = max(found.get(name, 0.0), SECTION_SCORE)
            if TraitName.PERTAINS_TO_FAMILY in found:
                found.pop(TraitName.PAST_HISTORY, None)  # a relative's history is not the patient's
            out.append(_as_traits(found))
        return out

    def _sentence_scopes(self, index: _DocIndex, begin: int, end: int) -> list[Scope]:
        """The scopes of a sentence's triggers. They depend on its tokens alone, so a sentence seen before (with its
        token offsets shifted) is looked up instead of matched and walked again."""
        lo, hi = index.token_range(begin, end)
        hi = min(hi, len(index.low))
        key: tuple[str | bool, ...] = (*index.low[lo:hi], *index.is_word[lo:hi])
        cache = self._scope_cache
        relative = cache.get(key)
        if relative is None:
            if len(cache) >= _SCOPE_CACHE_LIMIT:
                cache.clear()
            relative = cache[key] = tuple(
                Scope(s.trait, s.lo - lo, s.hi - lo, s.start - lo, s.end - lo, s.score, s.forward)
                for s in self._scopes(index, lo, hi)
            )
        return [Scope(s.trait, s.lo + lo, s.hi + lo, s.start + lo, s.end + lo, s.score, s.forward) for s in relative]

    def _scopes(self, index: _DocIndex, lo: int, hi: int) -> list[Scope]:
        matches = [(s, e, r) for s, e, r in self._trie.matches(index.low, lo, hi) if isinstance(r, Rule)]
        by_start = {s: r for s, _, r in matches}
        by_last = {e - 1: r for _, e, r in matches}
        scopes: list[Scope] = []
        for start, end, rule in matches:
            if rule.direction in (Direction.PSEUDO, Direction.TERMINATE):
                continue
            for trait in rule.traits:
                stops = lex.STOPPED_BY.get(trait, frozenset())
                if rule.direction in (Direction.FORWARD, Direction.BOTH):
                    stop = _walk(index, range(end, hi), by_start, stops, rule.window)
                    scopes.append(Scope(trait, end, stop, start, end, rule.score, True))
                if rule.direction in (Direction.BACKWARD, Direction.BOTH):
                    stop = _walk(index, range(start - 1, lo - 1, -1), by_last, stops, rule.window)
                    scopes.append(Scope(trait, stop + 1, start, start, end, rule.score, False))
        return scopes


def _walk(index: _DocIndex, steps: range, triggers: dict[int, Rule], stops: frozenset[TraitName], window: int) -> int:
    """The first token (in walking order) outside the scope; ``steps`` runs away from the trigger."""
    item = total = 0
    for i in steps:
        other = triggers.get(i)
        if other is not None:
            if other.direction is Direction.TERMINATE:
                if not (total == 0 and index.low[i] == ":"):  # "Denies: fever" still negates fever
                    return i
            elif other.direction is not Direction.PSEUDO and stops.intersection(other.traits):
                return i
        token = index.low[i]
        if token in lex.LIST_SEPARATORS:
            item = 0
        elif index.is_word[i]:
            item += 1
            total += 1
            if item > window or total > MAX_SCOPE_WORDS:
                return i
    return steps.stop


def _as_traits(found: dict[TraitName, float]) -> list[Trait]:
    if not found:
        return []
    key = frozenset(found.items())
    traits = _TRAITS_CACHE.get(key)
    if traits is None:
        ordered = sorted(found, key=lambda n: (n not in _CLASS_TRAITS, _ORDER[n]))
        traits = tuple(Trait(name, round(min(_MAX_SCORE, max(0.01, found[name])), 4)) for name in ordered)
        if len(_TRAITS_CACHE) >= _CACHE_SIZE:
            _TRAITS_CACHE.clear()
        _TRAITS_CACHE[key] = traits
    return list(traits)  # a list of its own for each span; the (frozen) traits are shared


_TRAITS_CACHE: dict[frozenset[tuple[TraitName, float]], tuple[Trait, ...]] = {}
