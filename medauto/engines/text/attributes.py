"""Rule-based attribute spans: medication attributes, test values and units, acuity/direction/quality, time.

Each pattern family is one compiled regex run once over the text; offsets are Python string indices (code points)
taken straight from the match, so ``text[span.begin:span.end] == span.text`` for any input.

Spans found only from weak evidence carry ``source == WEAK_SOURCE`` (a bare number that may be a test value, "left"
that may be a verb): the linker keeps them only when they attach to an entity.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from medauto.engines import registry
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Category, Span

SOURCE = "attributes"
WEAK_SOURCE = "attributes.weak"
TIME_LABEL = "TIME_EXPRESSION"

M, C, A, T = Category.MEDICATION, Category.MEDICAL_CONDITION, Category.ANATOMY, Category.TEST_TREATMENT_PROCEDURE

_I = re.IGNORECASE
_WORD_NUMBERS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
_NUM = r"(?:\d+(?:[.,]\d+)?|\.\d+)"
_QTY = (
    rf"(?:\d+\s+(?:and\s+)?\d+\s*/\s*\d+|\d+\s*/\s*\d+|{_NUM}(?:\s*(?:-|\u2013|to)\s*{_NUM})?"
    rf"|one[- ]half|a half|half|{_WORD_NUMBERS})"
)
_MASS = r"(?:mg|mgs|milligrams?|mcg|mcgs|micrograms?|\u00b5g|\u03bcg|ug|g|gm|gms|grams?)"
_AMOUNT = (
    rf"(?:{_MASS}|ml|mls|milliliters?|millilitres?|cc|units?|iu|international\s+units?|meq|mmol)"
    r"(?:\s*/\s*kg(?:\s*/\s*(?:day|dose))?)?"
)
_COUNT = (
    r"(?:tablets?|tabs?|capsules?|caps?|pills?|puffs?|drops?|gtts?|sprays?|patch(?:es)?|teaspoons?|tsps?|"
    r"tablespoons?|tbsps?|ampoules?|ampules?|vials?|applications?|inhalations?|sachets?|lozenges?|"
    r"suppositor(?:y|ies)|doses?)"
)
_PER = r"\s*(?:/|per\s+|an\s+|a\s+)\s*"
_TIME_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
)


def _bounded(body: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])", flags)


# Medication quantities: RATE before STRENGTH before DOSAGE, so the longest reading wins at each position.
_RATE_UNIT = r"(?:ml|cc|l|liters?|litres?|mg|mcg|units?|gtts?)"
_QUANTITY = _bounded(
    rf"(?P<RATE>{_QTY}\s*{_RATE_UNIT}(?:\s*/\s*kg)?{_PER}(?:hr|hrs|h|hour|min|minute)"
    rf"|{_QTY}\s*(?:lpm|l/min))"
    rf"|(?P<STRENGTH>{_QTY}\s*{_MASS}\s*(?:/|per\s+)\s*(?:{_NUM}\s*)?"
    r"(?:ml|cc|tab(?:let)?|cap(?:sule)?|actuations?|sprays?|puffs?|doses?|drops?|patch|vials?))"
    rf"|(?P<MASS>{_QTY}\s*{_MASS}(?:\s*/\s*kg(?:\s*/\s*(?:day|dose))?)?(?!\s*/\s*(?:d|m)?l\b))"
    rf"|(?P<COUNT>{_QTY}\s*{_COUNT})"
    rf"|(?P<AMOUNT>{_QTY}\s*{_AMOUNT}(?!\s*/\s*(?:d|m)?l\b))"
)
# Every _QUANTITY alternative is a quantity, optional space, then one of these units: much cheaper to try first, and
# it rules out most numbers ("132/84 mmHg", "3 days"). Keep it in step with _QUANTITY.
_QUANTITY_START = re.compile(rf"(?<![\w.])(?:{_QTY})\s*(?:{_RATE_UNIT}|lpm|l/min|{_MASS}|{_COUNT}|{_AMOUNT})", _I)
_ROUTE = _bounded(
    r"by\s+mouth|per\s+os|orally|p\.o\.|po|intravenous(?:ly)?|i\.v\.|iv\s+push|ivpb|iv|intramuscular(?:ly)?|i\.m\.|"
    r"(?-i:IM)|subcutaneous(?:ly)?|sub-?q|s\.c\.|(?-i:SC)|sq|topical(?:ly)?|inhaled|by\s+inhalation|nebulized|"
    r"(?-i:PR)|per\s+rectum|rectally|sublingual(?:ly)?|(?-i:SL)|transdermal(?:ly)?|intranasal(?:ly)?|ophthalmic|"
    r"(?:per|via)\s+(?:ng|g|peg|j)[- ]?tube"
)
_WEAK_ROUTE = _bounded(r"oral|rectal|vaginal(?:ly)?|nasal(?:ly)?|otic")
_FREQUENCY = _bounded(
    r"(?:once|twice|thrice|(?:one|two|three|four|\d+)\s*(?:x|times))\s*(?:a|per|each|every|/|an)\s*"
    r"(?:day|week|wk|month|night|hour|hr)"
    r"|(?:once|twice|(?:two|three|four|\d+)\s*times)\s+(?:daily|weekly|monthly|nightly)"
    rf"|every\s+(?:other\s+)?(?:(?:{_NUM}|{_WORD_NUMBERS})(?:\s*(?:-|to)\s*{_NUM})?\s*)?"
    r"(?:hours?|hrs?|days?|weeks?|months?|morning|evening|night|day)"
    r"|q\.?\s?\d+(?:\s*-\s*\d+)?\s?(?:h|hr|hrs|hours?)\.?|q\.?\s?(?:am|pm|hs|day|d|od|week|wk|month|shift)\.?"
    r"|qod|qd|qid|tid|bid|q\.i\.d\.|t\.i\.d\.|b\.i\.d\.|q\.d\.|q\.h\.s\.|daily|nightly|weekly|monthly|hourly"
    r"|at\s+bedtime|before\s+bed|at\s+night|in\s+the\s+(?:morning|evening)|every\s+(?:morning|evening|night)"
    r"|(?:with|before|after)\s+(?:meals|food|breakfast|lunch|dinner)|at\s+(?:breakfast|lunch|dinner)"
    r"|(?-i:AC|HS)|prn|p\.r\.n\.|as\s+needed|when\s+needed"
)
_DURATION = _bounded(
    rf"(?:for|x|\u00d7)\s*(?:the\s+next\s+)?(?:an?\s+(?:few\s+)?|several\s+|{_QTY}\s*(?:more\s+)?)"
    r"(?:days?|d|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?|doses?)"
    r"|for\s+(?:a|one|the)\s+(?:day|week|month)"
)
_FORM = _bounded(
    r"(?:chewable\s+)?tablets?|tabs?|capsules?|caps|pills?|oral\s+solution|solution|suspension|susp|injection|injectable|"
    r"(?:transdermal\s+)?patch(?:es)?|cream|ointment|gel|lotion|inhaler|nebulizer|syrup|elixir|(?:eye\s+|ear\s+)?drops|"
    r"(?:nasal\s+)?spray|suppositor(?:y|ies)|lozenges?|powder|extended[- ]release|delayed[- ]release|"
    r"enteric[- ]coated|softgels?|(?-i:XR|SR|XL|ODT)"
)
_LAB_UNIT = (
    r"mm\s?hg|g/dl|mg/dl|mg/l|g/l|mmol/l|mmol/mol|meq/l|\u00b5mol/l|umol/l|u/l|iu/l|ng/ml|ng/dl|pg/ml|miu/ml|miu/l|"
    r"\u00b5iu/ml|uiu/ml|k/\u00b5l|k/ul|x\s?10\^?9/l|x\s?10\^?3/\u00b5?ul|cells/mm3|/hpf|bpm|beats\s+per\s+minute|"
    r"beats/min|breaths/min|breaths\s+per\s+minute|%|\u00b0\s?[cf]|degrees(?:\s+(?:fahrenheit|celsius|[cf]))?|"
    r"(?-i:[CF])|kgs?|lbs?|pounds|cm|kg/m2|kg/m\u00b2|ml/min/1\.73\s?m2"
)
# A value with its unit ("12.5 g/dL", "120/80 mmHg"); a bare value right after a word ("HR 72", "BP: 120/80").
_TEST = re.compile(
    rf"(?<![\w./])(?P<value>-?{_NUM}(?:\s*/\s*{_NUM})?)\s*(?P<unit>{_LAB_UNIT})(?![\w/])",
    _I,
)
_BARE = re.compile(rf"-?{_NUM}(?:\s*/\s*{_NUM})?(?![\w/%\u00b0]|\.\d|\s*(?:-|to)\s*\d|\s*(?:{_LAB_UNIT})(?![\w/]))", _I)
_BARE_GLUE = frozenset({":", "=", ".", "of", "is", "was", "at"})
_CONDITION = _bounded(
    r"(?P<ACUITY>acute\s+on\s+chronic|acute|chronic|sub-?acute|hyperacute)"
    r"|(?P<DIRECTION>bilateral(?:ly)?|anterior|posterior|lateral|medial|inferior|superior|proximal|distal|"
    r"ipsilateral|contralateral|left-sided|right-sided)"
    r"|(?P<WEAK_DIRECTION>left|right|upper|lower)"
    r"|(?P<QUALITY>mild\s+to\s+moderate|moderate\s+to\s+severe|severe|mild|moderate|sharp|dull|worsening|burning|"
    r"stabbing|throbbing|aching|crushing|pressure-like|productive|non-?productive|radiating)"
    r"|(?P<WEAK_QUALITY>intermittent|constant|persistent|progressive|itchy|slight|slightly)"
)
_TIME = _bounded(
    rf"(?:{_NUM}|{_WORD_NUMBERS}|an?|a\s+few|few|several|a\s+couple\s+of|a\s+couple|couple\s+of)\s*-?\s*{_TIME_UNIT}"
    r"\s+(?:ago|prior|earlier|before|later)"
    r"|yesterday|today|tonight|this\s+(?:morning|afternoon|evening|week|month|year)|earlier\s+today"
    r"|last\s+(?:night|week|month|year|evening|weekend)|the\s+day\s+before\s+yesterday|recently"
    rf"|(?:since|in|during|from)\s+(?:{_MONTH}\s+)?(?:19|20)\d\d|(?:since|in)\s+{_MONTH}"
    r"|since\s+(?:yesterday|last\s+(?:night|week|month|year)|childhood|birth|this\s+morning|then)"
    rf"|(?:for|over|in|during)\s+the\s+(?:past|last|previous)\s+(?:(?:{_NUM}|{_WORD_NUMBERS}|few|several)\s*)?"
    rf"{_TIME_UNIT}"
    rf"|in\s+(?:{_NUM}|{_WORD_NUMBERS}|an?|a\s+few|few|several)\s+{_TIME_UNIT}"
    r"|status\s+post|s/p|post-?op(?:erative)?\s+day\s+\d+|(?-i:POD)\s?#?\d+|on\s+admission|at\s+admission"
    rf"|{_NUM}\s*-?\s*{_TIME_UNIT}(?!\s*-?\s*old)"
)
# A time expression starting with a digit is a number and a time unit (the first and the last alternative of _TIME):
# tried first at digits, as for quantities. Keep it in step with _TIME.
_TIME_NUMBER = re.compile(rf"(?<![\w.]){_NUM}\s*-?\s*{_TIME_UNIT}", _I)
_NOT_ROUTE_BEFORE = re.compile(r"(?:stage|grade|type|class|phase|level|chapter|part)\s*$", _I)


# Each family is tried only at tokens whose first character can start one of its matches.
_DIGITS = "0123456789"
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_QUANTITY, _DIGITS + ".otfsenha"),
    (_ROUTE, "bpoistnrv"),
    (_WEAK_ROUTE, "orvn"),
    (_FREQUENCY, _DIGITS + "otfeqbdnwmhaip"),
    (_DURATION, "fx\u00d7"),
    (_FORM, "ctposiglnedx"),
    (_TEST, _DIGITS + "-."),
    (_CONDITION, "achbplmisdrunwt"),
    (_TIME, _DIGITS + "otfsenacyrlidp"),
)


def _scan(pattern: re.Pattern[str], firsts: str, text: str, doc: Doc, keys: list[str]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` restricted to token starts: the same matches, as every match starts a token."""
    end = 0
    for begin, key in zip(doc.begins, keys, strict=True):
        if begin >= end and key[0] in firsts:
            m = pattern.match(text, begin)
            if m is not None:
                end = m.end()
                yield m


# --- which families may match at a token, decided once per distinct token string -----------------------------------
# The standard library's regex parser (what ``re.compile`` uses), imported by name: it ships without type stubs.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_Parsed = list[tuple[Any, Any]]
# A state of the walk below: the lower-cased letters a match starts with, and what may follow them in the token.
_OPEN, _PREFIX, _WORD = 0, 1, 2  # more letters of the pattern may follow / anything may / the token ends here


class Starts(NamedTuple):
    """Letter-initial tokens at which a pattern may match: the lower-cased token is one of ``words`` or starts with
    one of ``prefixes``; ``None`` when the pattern gives no such bound."""

    words: frozenset[str]
    prefixes: tuple[str, ...]


def letter_starts(pattern: re.Pattern[str]) -> Starts | None:
    """Read from the parsed pattern: leading literal letters are followed through groups, alternatives and optional
    parts; a character that is not a letter (nor an apostrophe) right after them ends the token there; anything else
    ends the known prefix where it stands, which only ever makes the bound weaker, never wrong."""
    states = _follow({("", _OPEN)}, list(_parser.parse(pattern.pattern, pattern.flags)))
    if any(not letters for letters, _ in states):
        return None
    prefixes = sorted(letters for letters, kind in states if kind != _WORD)
    shortest = tuple(p for i, p in enumerate(prefixes) if not p.startswith(tuple(prefixes[:i])))
    words = frozenset(letters for letters, kind in states if kind == _WORD and not letters.startswith(shortest))
    return Starts(words, shortest)


def _follow(states: set[tuple[str, int]], items: _Parsed) -> set[tuple[str, int]]:
    """The states after ``items``; a state whose match cannot start with a letter is dropped."""
    for op, arg in items:
        live = {st for st in states if st[1] == _OPEN}
        if not live:
            break
        done = states - live
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero width
        if op is _c.SUBPATTERN:
            states = done | _follow(live, list(arg[3]))
        elif op is _c.BRANCH:
            states = done.union(*(_follow(live, list(alt)) for alt in arg[1]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _, body = arg
            once = {(letters, _PREFIX if kind == _OPEN else kind) for letters, kind in _follow(live, list(body))}
            states = done | once | (live if low == 0 else set())
        elif op is _c.LITERAL or (op is _c.IN and all(o is _c.LITERAL for o, _ in arg)):
            chars = [chr(arg)] if op is _c.LITERAL else [chr(a) for _, a in arg]
            states = done.union(*(_step(live, ch) for ch in chars))
        elif op is _c.IN and all(_not_letter(o, a) for o, a in arg):
            states = done | {(letters, _WORD) for letters, _ in live if letters}
        else:  # anything else may match a letter or an apostrophe: the known prefix ends here
            states = done | {(letters, _PREFIX) for letters, _ in live}
    return states


def _step(states: set[tuple[str, int]], ch: str) -> set[tuple[str, int]]:
    if ch.isascii() and ch.isalpha():
        return {(letters + ch.lower(), _OPEN) for letters, _ in states}
    if _continues(ch):  # a non-ASCII letter may even match an ASCII one ignoring case (the Kelvin sign)
        return {(letters, _PREFIX) for letters, _ in states}
    return {(letters, _WORD) for letters, _ in states if letters}  # a match starting here is no letter-initial one


def _continues(ch: str) -> bool:
    """Whether ``ch`` can continue a word token (see ``doc._TOKEN``: letters, with an inner apostrophe)."""
    return ch == "'" or _WORD_CHAR.match(ch) is not None


_WORD_CHAR = re.compile(r"[^\W\d_]")


def _not_letter(op: Any, arg: Any) -> bool:
    """Whether a character-class item can match no character that starts or continues a word token."""
    if op is _c.LITERAL:
        return not _continues(chr(arg))
    if op is _c.CATEGORY:
        return arg in (_c.CATEGORY_DIGIT, _c.CATEGORY_SPACE)
    if op is _c.RANGE:
        return not any(_continues(chr(c)) for c in range(arg[0], arg[1] + 1))
    return False


# Per family (by bit), the first characters and letter prefixes a match may start with.
_STARTS = tuple((firsts, letter_starts(pattern)) for pattern, firsts in _FAMILIES)
_MASK_CACHE: dict[str, int] = {}
_MASK_CACHE_LIMIT = 100_000


def _family_mask(word: str) -> int:
    """Bit ``n`` set when family ``n`` may match at a token ``word``: its first character passes the family's
    filter and, for an ASCII word starting with a letter, it is one the family's ``Starts`` allow (an ASCII word
    matches letters ignoring case exactly when its lower-cased form matches them)."""
    mask = _MASK_CACHE.get(word)
    if mask is None:
        key = word.lower()
        bounded = word.isascii() and key[0].isalpha()
        mask = 0
        for bit, (firsts, starts) in enumerate(_STARTS):
            if key[0] in firsts and (
                not bounded or starts is None or key in starts.words or key.startswith(starts.prefixes)
            ):
                mask |= 1 << bit
        if len(_MASK_CACHE) >= _MASK_CACHE_LIMIT:
            _MASK_CACHE.clear()
        _MASK_CACHE[word] = mask
    return mask


def _family_starts(begins: list[int], words: list[str]) -> list[list[int]]:
    """Per family, the begins of the tokens where it may match (see ``_family_mask``), in one pass over the tokens."""
    out: list[list[int]] = [[] for _ in _FAMILIES]
    bits_of = _BITS_OF_MASK
    for begin, word in zip(begins, words, strict=True):
        mask = _MASK_CACHE.get(word)
        if mask is None:
            mask = _family_mask(word)
        if mask:
            bits = bits_of.get(mask)
            if bits is None:
                bits = bits_of[mask] = tuple(b for b in range(len(_FAMILIES)) if mask & (1 << b))
            for bit in bits:
                out[bit].append(begin)
    return out


_BITS_OF_MASK: dict[int, tuple[int, ...]] = {}


def _matches(pattern: re.Pattern[str], bit: int, text: str, begins: list[int], masks: list[int]) -> list[re.Match[str]]:
    """``_matches_at`` with the family's starts picked from per-token masks (``bit`` is the family's)."""
    return _matches_at(pattern, [b for b, mask in zip(begins, masks, strict=True) if mask & bit], text)


def _matches_at(pattern: re.Pattern[str], starts: list[int], text: str) -> list[re.Match[str]]:
    """What ``_scan`` finds, trying only the tokens where the family may match (``starts``), and where its gate
    matches if it has one (``_QUANTITY_START``; ``_TIME_NUMBER`` at a digit): every match of the pattern there is
    one of the gate."""
    out: list[re.Match[str]] = []
    end = 0
    match = pattern.match
    gate = _QUANTITY_START.match if pattern is _QUANTITY else None
    digit_gate = _TIME_NUMBER.match if pattern is _TIME else None
    for begin in starts:
        if begin < end or (gate is not None and gate(text, begin) is None):
            continue
        if digit_gate is not None and text[begin].isdigit() and digit_gate(text, begin) is None:
            continue
        m = match(text, begin)
        if m is not None:
            end = m.end()
            out.append(m)
    return out


def _bare_values(text: str, doc: Doc, keys: list[str]) -> Iterator[re.Match[str]]:
    begins = doc.begins
    for i, key in enumerate(keys):
        begin = begins[i]
        if not key[0].isdigit() or (begin and text[begin - 1].isalnum()):
            continue
        j = i - 2 if i > 1 and keys[i - 1] in _BARE_GLUE else i - 1
        if j >= 0 and keys[j][0].isalpha():
            m = _BARE.match(text, begin)
            if m is not None:
                yield m


def _spans(doc: Doc) -> Iterator[tuple[Span, str]]:
    """Every candidate span with its kind ("mass", "count", or "" when nothing further matters)."""
    text = doc.text
    keys = doc.lowers
    begins = doc.begins
    starts = _family_starts(begins, doc.words)

    def span(b: int, e: int, label: str, category: Category, score: float, weak: bool = False) -> Span:
        return Span(b, e, text[b:e], label, category, score, WEAK_SOURCE if weak else SOURCE)

    for bit, (pattern, _) in enumerate(_FAMILIES):
        for m in _matches_at(pattern, starts[bit], text):
            b, e = m.span()
            if pattern is _QUANTITY:
                kind = m.lastgroup or ""
                label = {"RATE": "RATE", "STRENGTH": "STRENGTH"}.get(kind, "DOSAGE")
                yield span(b, e, label, M, 0.9 if label == "DOSAGE" else 0.85), kind.lower()
            elif pattern is _ROUTE or pattern is _WEAK_ROUTE:
                if m.group().lower() == "iv" and _NOT_ROUTE_BEFORE.search(text, max(0, b - 12), b):
                    continue  # "stage IV", "type IV"
                weak = pattern is _WEAK_ROUTE
                yield span(b, e, "ROUTE_OR_MODE", M, 0.75 if weak else 0.9, weak), ""
            elif pattern is _TEST:
                yield span(m.start("value"), m.end("value"), "TEST_VALUE", T, 0.85, weak=True), ""
                yield span(m.start("unit"), m.end("unit"), "TEST_UNIT", T, 0.85, weak=True), "unit"
            elif pattern is _CONDITION:
                group = m.lastgroup or ""
                label = group.removeprefix("WEAK_")
                category = A if label == "DIRECTION" else C
                yield span(b, e, label, category, 0.85, weak=group.startswith("WEAK_")), ""
            elif pattern is _TIME:
                yield span(b, e, TIME_LABEL, Category.TIME_EXPRESSION, 0.8), ""
            else:
                label, score = _MEDICATION_LABELS[pattern]
                yield span(b, e, label, M, score), ""
    for m in _bare_values(text, doc, keys):
        yield span(m.start(), m.end(), "TEST_VALUE", T, 0.75, weak=True), ""


_MEDICATION_LABELS = {_FREQUENCY: ("FREQUENCY", 0.9), _DURATION: ("DURATION", 0.85), _FORM: ("FORM", 0.85)}


def find_attributes(doc: Doc | str) -> list[Span]:
    """Non-overlapping attribute spans in text order: longer spans win, then strong over weak evidence."""
    if isinstance(doc, str):
        doc = Doc(doc)
    candidates = list(_spans(doc))
    order = sorted(
        range(len(candidates)),
        key=lambda i: (-(candidates[i][0].end - candidates[i][0].begin), candidates[i][0].source == WEAK_SOURCE, i),
    )
    taken = bytearray(len(doc.text))
    kept: list[tuple[Span, str]] = []
    for i in order:
        candidate = candidates[i]
        b, e = candidate[0].begin, candidate[0].end
        if taken.find(1, b, e) == -1:
            kept.append(candidate)
            taken[b:e] = b"\x01" * (e - b)
    kept.sort(key=lambda c: (c[0].begin, c[0].end))
    # A unit travels with its value: keep it only if the value right before it survived.
    kept = [c for n, c in enumerate(kept) if c[0].label != "TEST_UNIT" or _value_before(kept, n)]
    return _strengths(doc.text, kept)


def _value_before(kept: list[tuple[Span, str]], n: int) -> bool:
    return n > 0 and kept[n - 1][0].label == "TEST_VALUE" and kept[n][0].begin - kept[n - 1][0].end <= 2


_CLAUSE_BREAK = re.compile(r"[;.\n]|,\s*(?:and\s+)?[^\W\d_]{4,}", re.UNICODE)


def _strengths(text: str, kept: list[tuple[Span, str]]) -> list[Span]:
    """A mass next to a counted dose is the product strength: "metformin 500 mg, 2 tablets" -> STRENGTH + DOSAGE."""
    out = [s for s, _ in kept]
    for n, (span, kind) in enumerate(kept):
        if kind != "mass":
            continue
        for other, other_kind in kept[max(0, n - 2) : n + 3]:
            near = min(abs(other.begin - span.end), abs(span.begin - other.end)) <= 12
            if other_kind == "count" and near:
                lo, hi = min(span.end, other.end), max(span.begin, other.begin)
                if not _CLAUSE_BREAK.search(text, lo, hi):
                    out[n] = Span(span.begin, span.end, span.text, "STRENGTH", M, 0.85, SOURCE)
                    break
    return out


class AttributeRecognizer:
    """Implements the pipeline's ``Recognizer`` protocol for ``text.attributes.v1``."""

    def find(self, doc: Doc) -> list[Span]:
        return find_attributes(doc)


@registry.register("text.attributes.v1")
def attribute_recognizer() -> AttributeRecognizer:
    return AttributeRecognizer()
