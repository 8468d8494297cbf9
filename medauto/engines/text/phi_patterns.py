"""Pattern recognizers for the well-formed PHI types: EMAIL, URL, PHONE_OR_FAX, ID, DATE and AGE.

Each returns :class:`Hit` tuples with a score that reflects the evidence: a checksum (Luhn, IBAN mod 97) or a cue
word ("MRN", "fax:") scores higher than the shape alone. Overlaps are resolved later, in ``phi.py``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from medauto.engines.text.phi_text import Caseless, Gate, PhiText
from medauto.engines.text.phi_words import ID_CUES


class Hit(NamedTuple):
    begin: int
    end: int
    label: str
    score: float


_I = re.IGNORECASE

# ---------------------------------------------------------------------------------------------------- contact
EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,24}(?![\w-])")
URL_SCHEME = Caseless(r"\b(?:https?|ftp|sftp)://[^\s<>\"'`]+", _I)
URL_WWW = Caseless(r"(?<![\w.@/])www\d?\.[\w-]+(?:\.[\w-]+)+(?:[/?#][^\s<>\"'`]*)?", _I)
_TLD = r"com|org|net|edu|gov|mil|io|info|biz|health|care|eu|uk|ca|de|fr|nl|se|dk|fi|ch|au|nz|ie|es|pt|br|jp|cn|ru"
URL_BARE = Caseless(
    rf"(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLD})(?:\.[a-z]{{2}})?(?:/[^\s<>\"'`]*)?(?![\w@-])",
    _I,
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?::\d{{1,5}})?(?![\w]|\.\d)")
IPV6 = Caseless(
    r"(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){2,6}:[0-9a-f]{0,4}", _I
)
_TRAILING = ".,;:!?)]}'\""

PHONE = Caseless(
    r"(?<![\w+/.-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:(?:[ .-]|\)\s?)\(?\d{1,8}\)?){0,6}"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?(?![\w/]|[.,-]\d)",
    _I,
)
PHONE_CUE = re.compile(
    r"(?:phone|ph|tel|telephone|cell|mobile|mob|fax|facsimile|pager|beeper|contact|call(?:ed)?|reach|text|dial"
    r"|office|desk|home|work|answering|messages?\s+to|registered|number)\b[^\n\d]{0,25}$",
    _I,
)
PHONE_AFTER = re.compile(r"\s*[-(]?\s*(?:office|fax|mobile|cell|home|work|tel|phone|pager|desk)\b", _I)

# ---------------------------------------------------------------------------------------------------- identifiers
SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
CARD = re.compile(r"(?<![\d-])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5}|\d{12,19})(?![\d-]|[.,]\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
CUE_ID = Caseless(
    rf"\b(?:{ID_CUES})(?:\s*(?:[:#=]|is|was|no\.?|number|of|ending\s+in))*\s*"
    r"(?P<value>(?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|[-/.](?=[A-Z0-9])){3,29})(?![\w-])",
    _I,
)
_WEAK_ID_CUE = re.compile(r"^(?:number|no\.|#|id|card|cc|identifier|account|fin|tin|ein)\b", _I)
_PHONEISH_BEFORE = re.compile(r"(?:phone|fax|tel|cell|mobile|pager|contact|room|bed|page|step|item)\W*$", _I)

# ---------------------------------------------------------------------------------------------------- dates
_MONTH = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?"
    r"|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_AMPM = r"(?:[ap]\.m\.|[ap]\.m(?![\w])|[ap]m(?![\w]))"
_TIME = rf"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s?{_AMPM})?|(?:1[0-2]|0?[1-9])\s?{_AMPM}"
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon\.|tue\.|tues\.|wed\.|thu\.|thur\.|thurs\.|fri\.|sat\.|sun\.)"
)
# ISO 8601, optionally with a time: 2000-04-16 11:34:35, 2024-03-14T09:00
ISO_DATE = re.compile(rf"(?<![\d-]){_YEAR}-(?:0?[1-9]|1[0-2])-(?:[12]\d|3[01]|0?[1-9])(?:[T ](?:{_TIME}))?(?![\d-])")
# 03/14/2024, 14.03.2024, 3-14-24, 2024/03/14
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?:(?:[12]\d|3[01]|0?[1-9])([/.-])(?:[12]\d|3[01]|0?[1-9])\1(?:\d{4}|\d{2})"
    rf"|{_YEAR}/(?:0?[1-9]|1[0-2])/(?:[12]\d|3[01]|0?[1-9]))(?:,?\s*(?:at\s+)?(?:{_TIME}))?(?![\d/]|[.-]\d)"
)
DATE_PATTERNS: tuple[tuple[re.Pattern[str] | Caseless, float], ...] = (
    (ISO_DATE, 0.95),
    (NUMERIC_DATE, 0.9),
    # March 3, 2021 / Mar 3rd / March 3 2021 10:30 am
    (Caseless(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?(?:,?\s*(?:at\s+)?(?:{_TIME}))?"), 0.9),
    # 3 March 2021 / 3rd of May 2021 / the 3rd of May
    (Caseless(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![\w])(?:,?\s+{_YEAR}\b)?"), 0.9),
    # March 2021 / Mar. 2021
    (Caseless(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b"), 0.85),
    # 03/2024
    (re.compile(rf"(?<![\d/.-])(?:0?[1-9]|1[0-2])/{_YEAR}(?![\d/])"), 0.8),
    # Tuesday / Tue. (optionally followed by a date, caught by the longer patterns)
    (Caseless(rf"\b{_WEEKDAY}(?![\w])"), 0.7),
    # times on their own: 10:30, 7 pm, 18:19:22
    (Caseless(rf"(?<![\d:.,/]){_TIME}(?![\d:])"), 0.7),
)
# Per date pattern, a cheap condition every match needs (see phi_text.Gate); None: always run the pattern.
DATE_GATES: tuple[Gate | None, ...] = (
    None,
    Gate(r"\d([/.-])\d\d?\1\d"),  # day/month/year or year/month/day: a separator used twice
    None,
    None,
    None,
    Gate(r"\d/(?:1[89]|20)\d\d"),
    None,
    Gate(r"\d:[0-5]\d|\d\s?[ap]\.?m"),  # 10:30 or 7 pm
)
MONTH_ALONE = re.compile(
    r"(?:\b(?:in|on|since|until|till|by|during|of|last|next|early|late|mid|through|from|before|after)\s+(?:early\s+|late\s+|mid-?)?)"
    r"(?P<m>January|February|March|April|June|July|August|September|October|November|December)\b"
)
YEAR_ALONE = re.compile(
    rf"(?<![\w$#.,/:-]){_YEAR}(?![\w%/:-]|[.,]\d|\s*(?:mg|mcg|g|ml|l|cc|units?|iu|kg|lbs?|cal|kcal|dollars|usd|ft|feet|m|cm|mm|km|miles)\b)"
)

# ---------------------------------------------------------------------------------------------------- ages
_AGE_NUM = r"(?P<age>1[01]\d|120|\d{1,2})"
AGE_PATTERNS: tuple[tuple[Caseless, float], ...] = (
    (Caseless(rf"(?<![\w.]){_AGE_NUM}(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)old\b"), 0.95),
    (Caseless(rf"(?<![\w.]){_AGE_NUM}(?:\s*|-)(?:months?|mos?|weeks?|wks?|days?)(?:\s*|-)old\b"), 0.9),
    (Caseless(rf"(?<![\w.]){_AGE_NUM}\s?(?:y/o|y\.o\.?|yo|yrs?\.?\s+of\s+age|years?\s+of\s+age)(?![\w])"), 0.95),
    (Caseless(rf"\b(?:aged?|age\s+of|age:|at\s+age)\s*{_AGE_NUM}(?![\w.]|\.\d)"), 0.9),
    (
        Caseless(
            rf"\b(?:turned|turns|turning|turn)\s+{_AGE_NUM}(?![\w%]|\.\d)(?!\s*(?:degrees|percent|%|mg|times))", _I
        ),
        0.8,
    ),
    (
        Caseless(
            rf"\b(?:he|she|i|they|patient|pt)\s+(?:was|is|am|are|'s|'m)\s+{_AGE_NUM}(?=\s*(?:years|yrs|[.,;!?]|$))", _I
        ),
        0.7,
    ),
    (Caseless(r"\b(?:in\s+)?(?:his|her|their|my)\s+(?:early\s+|mid-?|late\s+)?(?P<age>[1-9]0'?s)\b"), 0.85),
)


AGE_GATES: tuple[Gate | None, ...] = (
    Gate("old"),
    Gate("old"),
    Gate(r"\d\s?y"),
    Gate("age"),
    Gate("turn"),
    Gate(r"(?:was|is|am|are|'s|'m)\s+\d"),
    Gate(r"[1-9]0'?s"),
)
# Identifier and address-like numbers: the digit groups each shape needs.
_CARD_GATE = Gate(r"\d{4}[ -]?\d{4}")
_SSN_GATE = Gate(r"\d{3}[- ]\d\d[- ]\d{4}")
_IPV4_GATE = Gate(r"\d\.\d{1,3}\.\d{1,3}\.\d")
_URL_BARE_GATE = Gate(rf"\.(?:{_TLD})")


def interval_index(hits: list[Hit]) -> tuple[list[int], list[int]]:
    """Sorted, merged (begins, ends) of ``hits`` for :func:`overlaps_any`."""
    begins: list[int] = []
    ends: list[int] = []
    for hit in sorted(hits):
        if begins and hit.begin <= ends[-1]:
            ends[-1] = max(ends[-1], hit.end)
        else:
            begins.append(hit.begin)
            ends.append(hit.end)
    return begins, ends


def overlaps_any(index: tuple[list[int], list[int]], begin: int, end: int) -> bool:
    """Whether [begin, end) overlaps an interval of ``index``, in O(log n)."""
    begins, ends = index
    i = bisect.bisect_left(begins, end) - 1
    return i >= 0 and ends[i] > begin


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(code: str) -> bool:
    code = code.replace(" ", "").upper()
    if not 15 <= len(code) <= 34:
        return False
    moved = code[4:] + code[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def _trim(text: str, begin: int, end: int) -> int:
    while end > begin and text[end - 1] in _TRAILING:
        end -= 1
    return end


def _finditer(pattern: re.Pattern[str] | Caseless, t: PhiText) -> Iterator[re.Match[str]]:
    return pattern.finditer(t) if isinstance(pattern, Caseless) else pattern.finditer(t.text)


def find_contacts(t: PhiText) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    if "@" in text:
        for m in EMAIL.finditer(text):
            hits.append(Hit(m.start(), _trim(text, m.start(), m.end()), "EMAIL", 0.99))
    for pattern, score in ((URL_SCHEME, 0.97), (URL_WWW, 0.95), (URL_BARE, 0.8)):
        if pattern is URL_BARE and not _URL_BARE_GATE.passes(t):
            continue
        for m in pattern.finditer(t):
            hits.append(Hit(m.start(), _trim(text, m.start(), m.end()), "URL", score))
    for m in IPV4.finditer(text) if _IPV4_GATE.passes(t) else ():
        hits.append(Hit(m.start(), m.end(), "URL", 0.9))
    if ":" in text:
        for m in IPV6.finditer(t):
            hits.append(Hit(m.start(), m.end(), "URL", 0.9))
    return hits


def _looks_like_date(value: str) -> bool:
    return ISO_DATE.fullmatch(value) is not None or NUMERIC_DATE.fullmatch(value) is not None


def find_phones(t: PhiText) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    for m in PHONE.finditer(t):
        value = text[m.start() : m.end()]
        digits = sum(c.isdigit() for c in value)
        if not 7 <= digits <= 15 or _looks_like_date(value):
            continue
        groups = re.findall(r"\d+", value.split("x")[0].split("ext")[0])
        line_start = text.rfind("\n", max(0, m.start() - 60), m.start()) + 1
        cued = bool(
            PHONE_CUE.search(text, max(line_start, m.start() - 60), m.start())
            or PHONE_CUE.search(text[max(0, m.start() - 40) : m.start()])
        )
        after = bool(PHONE_AFTER.match(text, m.end()))
        plus = value.startswith(("+", "00")) or "(" in value
        us = bool(re.fullmatch(r"(?:1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}", value))
        if len(groups) == 1:
            # One run of digits: a phone only with a cue word and a plausible length.
            score = 0.75 if (cued or after) and 7 <= digits <= 12 else 0.0
        elif cued or after:
            score = 0.95
        elif plus or us:
            score = 0.85
        elif len(groups) >= 3 and digits >= 9 and max(len(g) for g in groups) >= 3:
            score = 0.6
        else:
            score = 0.0
        if score:
            hits.append(Hit(m.start(), m.end(), "PHONE_OR_FAX", score))
    return hits


def find_ids(t: PhiText) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    for m in SSN.finditer(text) if _SSN_GATE.passes(t) else ():
        cued = re.search(r"(?:ssn|social|security|ss#)[^\n]{0,25}$", text[max(0, m.start() - 40) : m.start()], _I)
        hits.append(Hit(m.start(), m.end(), "ID", 0.95 if cued or m.group(1) == "-" else 0.6))
    for m in CARD.finditer(text) if _CARD_GATE.passes(t) else ():
        digits = re.sub(r"\D", "", m.group())
        if luhn_ok(digits) and len(set(digits)) > 1:
            hits.append(Hit(m.start(), m.end(), "ID", 0.9))
    for m in IBAN.finditer(text):
        if iban_ok(m.group()):
            hits.append(Hit(m.start(), m.end(), "ID", 0.95))
    for m in CUE_ID.finditer(t):
        begin = m.start("value")
        value = text[begin : m.end("value")]
        digit_count = sum(c.isdigit() for c in value)
        cue = text[m.start() : begin].strip()
        weak = bool(_WEAK_ID_CUE.match(cue))
        if weak and _PHONEISH_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        if digit_count < (6 if weak else 3) or _looks_like_date(value):
            continue
        hits.append(Hit(begin, m.end("value"), "ID", 0.7 if weak else 0.9))
    return hits


def find_dates(t: PhiText) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    for (pattern, score), gate in zip(DATE_PATTERNS, DATE_GATES, strict=True):
        if gate is not None and not gate.passes(t):
            continue
        for m in _finditer(pattern, t):
            value = t.low[m.start() : m.end()] if t.ascii else m.group().lower()
            if (value == "may" or value.startswith("may ")) and not any(c.isdigit() for c in value):
                continue  # the verb "may"
            hits.append(Hit(m.start(), m.end(), "DATE", score))
    for m in MONTH_ALONE.finditer(text):
        hits.append(Hit(m.start("m"), m.end("m"), "DATE", 0.6))
    for m in YEAR_ALONE.finditer(text):
        hits.append(Hit(m.start(), m.end(), "DATE", 0.6))
    return hits


def find_ages(t: PhiText) -> list[Hit]:
    hits: list[Hit] = []
    for (pattern, score), gate in zip(AGE_PATTERNS, AGE_GATES, strict=True):
        if gate is not None and not gate.passes(t):
            continue
        for m in pattern.finditer(t):
            hits.append(Hit(m.start("age"), m.end("age"), "AGE", score))
    return hits


def find_patterns(t: PhiText) -> list[Hit]:
    return find_contacts(t) + find_ids(t) + find_phones(t) + find_dates(t) + find_ages(t)
