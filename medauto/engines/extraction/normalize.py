"""Typed value detectors: find dates, amounts, phones, emails in text and normalise them.

Every detector returns the raw text exactly as printed (``raw``, with its span) beside the normalised value, because
evaluation and explainability compare against what the document shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"[/\-.]"
_DATE_PATTERNS = (
    # 2018-03-23, 2018/03/23
    re.compile(r"(?<![\w/\-.])(?P<y>(?:19|20)\d{2})(?P<s>[/\-.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d])"),
    # 11/01/2019, 01-03-18, 11.02.18
    # OCR may glue the time to a four-digit year ("09/02/201811:40"): the year then ends before "H:MM".
    # A dash before it is a separator of a longer code only when the date itself uses dashes ("REG #19-18/03/2018").
    re.compile(r"(?<![\w/.])(?<!-(?=\d{1,2}-))(?P<a>\d{1,2})(?P<s>[/\-.])(?P<b>\d{1,2})(?P=s)"
               r"(?P<y>(?:19|20)\d{2}(?=\d{1,2}:\d{2})|(?:19|20)?\d{2}(?![\d]))"),
    # 14 MAR 2018, 02/JAN/2017, 12-Jan-19, 12JAN2019
    re.compile(r"(?<![\w])(?P<d>\d{1,2})(?:" + _SEP + r"|\s?)" + _MONTH + r"(?:" + _SEP + r"|,?\s?)"
               r"(?P<y>(?:19|20)?\d{2})(?![\d])", re.IGNORECASE),
    # Jan 12, 2019 / March 5 2024
    re.compile(r"(?<![\w])" + _MONTH + r"\s(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<y>(?:19|20)\d{2})(?![\d])",
               re.IGNORECASE),
)
_CURRENCY = r"(?:RM|MYR|USD|EUR|GBP|SGD|CAD|AUD|US\$|S\$|\$|€|£|¥)"
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<neg>-)?(?P<cur>" + _CURRENCY + r")?\s?(?P<neg2>-)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2}|\d+)(?![\d]|\.\d|,\d{3})",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?![\w])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRUE = {"yes", "y", "true", "x", "checked", "[x]", "☑", "✓", "✔", "1"}
_FALSE = {"no", "n", "false", "unchecked", "[ ]", "☐", "0", "none"}


@dataclass(frozen=True)
class Match:
    """A typed value found in a text: ``raw`` is ``text[start:end]`` as printed, ``value`` its normalised form."""

    raw: str
    start: int
    end: int
    value: str | float | int | bool


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 and year < 70 else year + 1900 if len(text) == 2 else year


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, day_first: bool = False) -> list[Match]:
    """Dates in ``text`` as ISO ``YYYY-MM-DD``; ``day_first`` settles numeric dates such as 03/04/2020."""
    found: list[Match] = []
    taken: list[range] = []
    for number, pattern in enumerate(_DATE_PATTERNS):
        for m in pattern.finditer(text):
            if any(m.start() in span or m.end() - 1 in span for span in taken):
                continue
            groups = m.groupdict()
            year = _year(groups["y"])
            if number == 1:
                a, b = int(groups["a"]), int(groups["b"])
                # A part above 12 can only be the day; otherwise the document's convention decides.
                day_leads = a > 12 or (day_first and b <= 12)
                day, month = (a, b) if day_leads else (b, a)
            elif groups.get("mon"):
                day, month = int(groups["d"]), _MONTHS[groups["mon"].lower().rstrip(".")]
            else:
                day, month = int(groups["d"]), int(groups["m"])
            iso = _iso(year, month, day)
            if iso is not None:
                found.append(Match(m.group(0), m.start(), m.end(), iso))
                taken.append(range(m.start(), m.end()))
    return sorted(found, key=lambda match: match.start)


def prefers_day_first(texts: list[str]) -> bool:
    """Whether the numeric dates of a document are written day first (some date has a first part above 12)."""
    pattern = _DATE_PATTERNS[1]
    votes = 0
    for text in texts:
        for m in pattern.finditer(text):
            a, b = int(m.group("a")), int(m.group("b"))
            votes += 1 if a > 12 >= b else -1 if b > 12 >= a else 0
    return votes > 0


def find_amounts(text: str) -> list[Match]:
    """Money amounts (numbers with two decimals, thousands separators or a currency sign) as floats."""
    found = []
    for m in _AMOUNT.finditer(text):
        number = m.group("num")
        if not (m.group("cur") or "." in number or "," in number) or text[m.end() : m.end() + 2].strip()[:1] == "%":
            continue
        value = float(number.replace(",", ""))
        if m.group("neg") or m.group("neg2"):
            value = -value
        # A currency symbol belongs to the written amount ("$8.20"); a currency code is a unit ("RM 8.20" -> 8.20).
        symbol = m.group("cur") and not m.group("cur")[-1].isalpha()
        start = m.start() if symbol or m.group("neg") else m.start("neg2" if m.group("neg2") else "num")
        found.append(Match(text[start:m.end()], start, m.end(), value))
    return found


def parse_number(text: str) -> float | None:
    """The first number in ``text`` (amount-style first, then any plain number)."""
    amounts = find_amounts(text)
    if amounts:
        return float(amounts[0].value)
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(m.group(0)) if m else None


def parse_integer(text: str) -> int | None:
    m = re.search(r"(?<![\d.])-?\d{1,3}(?:,\d{3})+(?![\d])|(?<![\d.])-?\d+(?![\d])", text)
    return int(m.group(0).replace(",", "")) if m else None


def parse_boolean(text: str) -> bool | None:
    word = text.strip().lower().rstrip(".:")
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def find_phones(text: str) -> list[Match]:
    found = []
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 7 <= len(digits) <= 15:
            found.append(Match(m.group(0), m.start(), m.end(), m.group(0).strip()))
    return found


def find_emails(text: str) -> list[Match]:
    return [Match(m.group(0), m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]


def clean_text(text: str) -> str:
    """Collapse whitespace and strip separators a label leaves behind (``: value`` -> ``value``)."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.lstrip(":;#=- ").strip()
