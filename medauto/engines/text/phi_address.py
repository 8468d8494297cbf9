"""ADDRESS: street lines, units, PO and military boxes, "City, ST 12345", countries, known places and ZIP codes.

Segments found on one line are merged into one span ("12 Main St, Springfield, IL 62704"); each line of a
multi-line address block is its own span. Short lines that follow a street line inside a block (the city, the
country) are taken too, so towns missing from the lexicon are still covered.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import regex as re

from medauto.engines.text import phi_streets as streets
from medauto.engines.text import phi_words as words
from medauto.engines.text.phi_lexicon import PhiLexicon, fold
from medauto.engines.text.phi_patterns import Hit, interval_index, overlaps_any
from medauto.engines.text.phi_streets import CAP as _CAP
from medauto.engines.text.phi_streets import PARTICLE as _PARTICLE
from medauto.engines.text.phi_streets import POSTAL as _POSTAL
from medauto.engines.text.phi_text import Gate, PhiText

_I = re.IGNORECASE
_GAP = re.compile(r"^[\s,;]*$")
_INLINE_TAIL = re.compile(
    rf"^(?P<gap>,?[ \t]+|[ \t]*,[ \t]*)(?P<words>(?:{_CAP}|{_PARTICLE})(?:[ \t](?:{_CAP}|{_PARTICLE})){{0,3}})"
    r"(?=[ \t]*(?:$|[\n,.;?!)]|[ \t]+(?:and|for|in|after|before|is|it)\b))"
)
_CUE = re.compile(rf"(?:{words.ADDRESS_CUES})\s*$", _I)
_ANY_CUE = Gate(words.ADDRESS_CUES)  # no cue anywhere: no generic street line can be cued
_LOCATION = re.compile(
    rf"(?:\b(?:{'|'.join(sorted(words.LOCATION_CUES - {'of'}))})"
    rf"|\b{words.LOCATION_VERBS}(?:\s+(?:in|to|at|from|near|on))?"
    r"|\bwhere:|\b(?:university|city|town|village|state|province|county|republic|kingdom|region)\s+of)\s+$",
    _I,
)
_UNITS_OF_MEASURE = (
    r"%|mg|mcg|g|kg|ml|mL|l|units?|iu|tabs?|tablets?|caps?|capsules?|puffs?|times|x|mm|cm|hours?|days?|weeks?|years?"
)
_FIRST_PERSON_PLACE = re.compile(
    r"(?:\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:in|at|from)|\bhere\s+from|\btrip\s+to|\bvisit(?:ing|ed)?|\byear\s+in)\s+$",
    _I,
)
_PLACE_AFTER = re.compile(
    r"^,?\s+(?:for\s+a\s+(?:business\s+)?trip|at\s+the\s+conference|by\s+(?:helicopter|plane|train|car))", _I
)
_POSTCODE_NOT_YEAR = re.compile(r"[ \t]+(?!(?:19|20)\d\d(?!\d))(?:\d{3} \d{2}|\d{4,5})(?![\w])")
_VERB_LOCATION = re.compile(rf"\b{words.LOCATION_VERBS}(?:\s+(?:in|to|at|from|near|on))?\s+$", _I)
_STRONG_LOCATION = re.compile(
    rf"(?:\b{words.LOCATION_VERBS}(?:\s+(?:in|to|at|from|near|on))?|\bwhere:"
    r"|\b(?:university|city|town|village|state|province|county|republic|kingdom|region)\s+of)\s+$",
    _I,
)


_DIGITS_ONLY = re.compile(r"[\d\s]+")
_POSTCODE_AFTER = re.compile(rf"\s+{_POSTAL}(?![\w])")
_ORG_AFTER = re.compile(r"\s*(?:'s|\u2019s|\s+(?:Inc|LLC|Ltd|Corp|Co)\b)")
_TRAILING_POSTCODE = re.compile(r"\s+\d[\d -]*$")
_HOUSE_NUMBER_AFTER = re.compile(r"\s*\d{1,5}[A-Za-z]?(?![\w])")
_NEXT_LINE = re.compile(r"[ \t.,]*\n+([^\n]*)")
_TOWN_GAP = re.compile(rf"[ \t,]+(?:{_CAP}[ \t,]+){{1,3}}")
_LETTERS = re.compile(r"\p{L}+")


class AddressFinder:
    def __init__(self, lexicon: PhiLexicon) -> None:
        self.lex = lexicon
        self.place_starts = frozenset(p.split()[0] for p in lexicon.places | lexicon.countries if p)
        self.patterns = streets.build(lexicon)

    # ------------------------------------------------------------------------------------------------ pieces
    def _streets(self, t: PhiText) -> Iterator[Hit]:
        text = t.text
        passed: dict[int, bool] = {}  # patterns share gates: each is checked once
        for (pattern, score), gate in zip(self.patterns.streets, self.patterns.gates, strict=True):
            if gate is not None:
                if id(gate) not in passed:
                    passed[id(gate)] = gate.passes(t)
                if not passed[id(gate)]:
                    continue
            for m in pattern.finditer(text):
                yield Hit(m.start(), m.end(), "ADDRESS", score)
        for m in self.patterns.corner.finditer(text):
            for group in ("a", "b"):
                begin, end = m.start(group), m.end(group)
                while end > begin and text[end - 1] in ".,":
                    end -= 1
                if text[begin:end].lower().endswith(" st"):
                    end -= 3
                yield Hit(begin, end, "ADDRESS", 0.8)
        if not _ANY_CUE.passes(t):
            return
        for m in self.patterns.generic.finditer(text):
            cued = _CUE.search(text, max(0, m.start() - 60), m.start())
            if cued and any(c.isdigit() for c in m.group()) and not _DIGITS_ONLY.fullmatch(m.group()):
                yield Hit(m.start(), m.end(), "ADDRESS", 0.75)

    def _units(self, text: str) -> Iterator[Hit]:
        for m in streets.BOX.finditer(text):
            yield Hit(m.start(), m.end(), "ADDRESS", 0.9)
        for m in streets.UNIT.finditer(text):
            word = m.group().split()[0].lower().rstrip(".#")
            strong = word in {"apt", "apartment", "suite", "ste"}
            yield Hit(m.start(), m.end(), "ADDRESS", 0.75 if strong else 0.45 if word != "" else 0.3)

    def _postal(self, text: str) -> Iterator[Hit]:
        for m in streets.CITY_STATE_ZIP.finditer(text):
            city_words = m.group("city").split()
            if fold(city_words[0]) in self.lex.common and len(city_words) == 1:
                yield Hit(m.start("st"), m.end(), "ADDRESS", 0.85)
            else:
                yield Hit(m.start(), m.end(), "ADDRESS", 0.9)
        for m in streets.CITY_STATE.finditer(text):
            st = m.group("st")
            if st in self.lex.state_abbrs and st not in words.AMBIGUOUS_STATE_ABBRS:
                yield Hit(m.start(), m.end(), "ADDRESS", 0.8)
        for m in self.patterns.city_region.finditer(text):
            region = " ".join(fold(m.group("region")).split())
            if region in self.lex.regions or region in self.lex.countries:
                yield Hit(m.start(), m.end(), "ADDRESS", 0.8)
        for m in streets.ZIP_CUE.finditer(text):
            yield Hit(m.start("zip"), m.end("zip"), "ADDRESS", 0.9)
        for pattern in (streets.UK_POSTCODE, streets.CA_POSTCODE):
            for m in pattern.finditer(text):
                yield Hit(m.start(), m.end(), "ADDRESS", 0.7)

    def _places(self, text: str, tokens: list[tuple[int, int, str]]) -> Iterator[Hit]:
        """Countries anywhere (capitalised); known places and unknown capitalised words after a location cue."""
        lex = self.lex
        keys = [fold(t[2]) for t in tokens]
        i = 0
        while i < len(tokens):
            found = None
            if keys[i] not in self.place_starts:
                i += 1
                continue
            for n in range(min(lex.max_place_words, len(tokens) - i), 0, -1):
                first, last = tokens[i], tokens[i + n - 1]
                key = " ".join(keys[i : i + n])
                if (key not in lex.countries and key not in lex.places) or "\n" in text[first[0] : last[1]]:
                    continue
                surface = text[first[0] : last[1]]
                capital = surface[0].isupper()
                cued = bool(_LOCATION.search(text, max(0, first[0] - 40), first[0]))
                strong = bool(_STRONG_LOCATION.search(text[max(0, first[0] - 40) : first[0]]))
                if key in lex.countries and (capital or strong) and (key not in _AMBIGUOUS_COUNTRIES or cued):
                    found = Hit(first[0], last[1], "ADDRESS", 0.85)
                elif key in lex.places and capital and cued and self._placeish(text, tokens[i : i + n]):
                    found = Hit(first[0], last[1], "ADDRESS", 0.75)
                if found:
                    i += n
                    break
            if found:
                yield self._with_postcode(text, found)
            else:
                i += 1

    def _placeish(self, text: str, run: list[tuple[int, int, str]]) -> bool:
        keys = [fold(t[2]) for t in run]
        if any(k in words.ORG_WORDS or k in words.CLINICAL_CAPS for k in keys):
            return False
        if len(keys) == 1 and (self.lex.is_common(keys[0]) or (run[0][2].isupper() and len(keys[0]) <= 4)):
            return bool(_STRONG_LOCATION.search(text[max(0, run[0][0] - 40) : run[0][0]])) and not self._common(keys[0])
        return not self.lex.is_common(keys[-1])

    def _with_postcode(self, text: str, hit: Hit) -> Hit:
        m = _POSTCODE_AFTER.match(text[hit.end : hit.end + 12])
        return Hit(hit.begin, hit.end + m.end(), hit.label, hit.score) if m else hit

    def _cued_unknown_places(
        self, text: str, tokens: list[tuple[int, int, str]], names: frozenset[str]
    ) -> Iterator[Hit]:
        """Capitalised words nobody knows, right after "from", "in", "flew to" ...: probably a town."""
        i = 0
        while i < len(tokens):
            b, _, word = tokens[i]
            if not word[0].isupper() or "'" in word or "\u2019" in word:
                i += 1
                continue
            window = text[max(0, b - 40) : b]
            if not _LOCATION.search(window):
                i += 1
                continue
            j = i
            while (
                j + 1 < len(tokens)
                and j - i < 3
                and tokens[j + 1][2][0].isupper()
                and text[tokens[j][1] : tokens[j + 1][0]] in {" ", "-", " - ", "' ", "\u2019 "}
                and not self._common(fold(tokens[j + 1][2]))
            ):
                j += 1
            while j > i and fold(tokens[j][2]) in words.PLACE_PREFIXES:
                j -= 1
            run = tokens[i : j + 1]
            keys = [fold(t[2]) for t in run]
            end = run[-1][1]
            after = text[end : end + 30]
            strong = bool(
                _STRONG_LOCATION.search(window) or _FIRST_PERSON_PLACE.search(window) or _PLACE_AFTER.match(after)
            )
            if not strong:
                i = j + 1
                continue
            blocked = (
                any(self._common(k) and k not in words.PLACE_PREFIXES for k in keys)
                or self._common(keys[-1])
                or any(k in words.ORG_WORDS or k in words.CLINICAL_CAPS for k in keys)
                or (not strong and any(k in names for k in keys))
                or (len(keys) == 1 and len(keys[0]) <= 4 and run[0][2].isupper() and not _VERB_LOCATION.search(window))
                or _ORG_AFTER.match(after) is not None
                or len(keys[0]) < 3
            )
            if not blocked:
                yield self._with_postcode(text, Hit(b, end, "ADDRESS", 0.65 if strong else 0.55))
            i = j + 1

    def _common(self, key: str) -> bool:
        return self.lex.is_common(key) or key in words.NAME_STOP or key in words.FORM_LABELS

    # ------------------------------------------------------------------------------------------------ blocks
    def _block_lines(self, text: str, hits: list[Hit]) -> Iterator[Hit]:
        """Short lines right after an address line (city, region, country, ", ST", postcode) belong to it."""
        lines: list[tuple[int, int]] = []
        start = 0
        for line in text.split("\n"):
            lines.append((start, start + len(line)))
            start += len(line) + 1
        hit_index = interval_index(hits)
        covered = [overlaps_any(hit_index, b, e) for b, e in lines]
        for index in range(len(lines)):
            if not covered[index]:
                continue
            blanks = 0
            for nb, ne in lines[index + 1 : index + 6]:
                body_b = streets.LINE_MARK.match(text, nb, ne).end()
                body = text[body_b:ne].rstrip(" .")
                if not body.strip():
                    blanks += 1
                    if blanks > 1:
                        break
                    continue
                if not self._location_line(body):
                    break
                yield Hit(body_b, body_b + len(body), "ADDRESS", 0.7)

    def _lines_before_countries(self, text: str) -> Iterator[Hit]:
        """ "ALFRICK\nUnited Kingdom": a short capitalised line right above a country line is its town."""
        for m in re.finditer(
            r"(?m)^(?P<town>[ \t>]*[^\n:@\d]{2,40})\n[ \t>]*(?P<country>[^\n]{2,40})$", text, overlapped=True
        ):
            country = " ".join(fold(m.group("country")).strip(" .").split())
            country = _TRAILING_POSTCODE.sub("", country)
            if country in self.lex.countries and self._location_line(m.group("town").strip(" >")):
                town_b = m.start("town") + len(m.group("town")) - len(m.group("town").lstrip(" \t>"))
                yield Hit(town_b, m.end("town"), "ADDRESS", 0.6)

    def _location_line(self, body: str) -> bool:
        stripped = body.strip()
        if len(stripped) > 60 or ":" in stripped or "@" in stripped:
            return False
        tokens = stripped.replace(",", " ").split()
        if not tokens or len(tokens) > 6:
            return False
        digits = [t for t in tokens if any(c.isdigit() for c in t)]
        letters = [t for t in tokens if not any(c.isdigit() for c in t)]
        if len(digits) > 2 or any(sum(c.isdigit() for c in t) > 6 for t in digits):
            return False
        if letters and all(fold(t) in self.lex.common for t in letters) and not digits:
            return False
        return all(t[0].isupper() or t[0] == "(" or t in {"nan"} or fold(t) in _PARTICLES for t in letters) or (
            stripped == stripped.lower() and len(letters) <= 4
        )

    # ------------------------------------------------------------------------------------------------ public
    def find(self, t: PhiText, tokens: list[tuple[int, int, str]], names: frozenset[str]) -> list[Hit]:
        text = t.text
        hits = list(self._streets(t)) + list(self._units(text)) + list(self._postal(text))
        hits += list(self._places(text, tokens))
        anchored = [h for h in hits if h.score >= 0.7]
        hits += list(self._number_streets(text, anchored))
        hits += list(self._block_lines(text, [h for h in hits if h.score >= 0.7]))
        hits += list(self._lines_before_countries(text))
        hits += list(self._cued_unknown_places(text, tokens, names))
        for m in self.patterns.named.finditer(text):
            hits.append(Hit(m.start(), m.end(), "ADDRESS", 0.6))
        return [h for h in self._merge_inline(text, hits) if h.score >= 0.5]

    def _number_streets(self, text: str, anchors: list[Hit]) -> Iterator[Hit]:
        """ "20789 Allika 46" counts as a street when a unit, city or country line follows it."""
        anchor_begins = sorted(a.begin for a in anchors)
        for m in self.patterns.number.finditer(text):
            tail = text[m.end() : m.end() + 40]
            nxt = _HOUSE_NUMBER_AFTER.match(tail)
            end = m.end() + (nxt.end() if nxt else 0)
            if not nxt and not any(c.isdigit() for c in m.group()[1:]):
                continue
            i = bisect.bisect_left(anchor_begins, end)
            anchored = i < len(anchor_begins) and anchor_begins[i] - end <= 4
            if anchored or self._next_line_is_location(text, end):
                yield Hit(m.start(), end, "ADDRESS", 0.7)

    def _next_line_is_location(self, text: str, end: int) -> bool:
        rest = text[end : end + 80]
        m = _NEXT_LINE.match(rest)
        if not m:
            return False
        body = streets.LINE_MARK.sub("", m.group(1)).rstrip(" .")
        return bool(streets.UNIT.fullmatch(body.strip())) or (self._location_line(body) and bool(body.strip()))

    def _town_gap(self, gap: str) -> bool:
        """Up to three capitalised words between two address pieces: "Apt. 615 Moosleerau Switzerland"."""
        found = _TOWN_GAP.fullmatch(gap)
        return bool(found) and not any(self._common(fold(w)) for w in _LETTERS.findall(gap))

    def _merge_inline(self, text: str, hits: list[Hit]) -> list[Hit]:
        """One span per line: neighbouring segments joined, a trailing ", Town" taken along."""
        out: list[Hit] = []
        for hit in sorted(hits, key=lambda h: (h.begin, -h.end)):
            if out and hit.begin <= out[-1].end:
                last = out[-1]
                out[-1] = Hit(last.begin, max(last.end, hit.end), "ADDRESS", max(last.score, hit.score))
            elif (
                out
                and "\n" not in text[out[-1].end : hit.begin]
                and (_GAP.match(text[out[-1].end : hit.begin]) or self._town_gap(text[out[-1].end : hit.begin]))
            ):
                last = out[-1]
                out[-1] = Hit(last.begin, hit.end, "ADDRESS", max(last.score, hit.score))
            else:
                out.append(hit)
        merged: list[Hit] = []
        for hit in out:
            end = hit.end
            if hit.score >= 0.7:
                while True:
                    m = _INLINE_TAIL.match(text[end : end + 80])
                    if not m or any(fold(w) in self.lex.common for w in m.group("words").split()):
                        break
                    end += m.end()
            merged.append(Hit(hit.begin, end, "ADDRESS", hit.score))
        return merged


_PARTICLES = frozenset(
    words.words("de du des da do dos das di dei del della la le les al el van von der den ten y e a nad pod na u")
)
_AMBIGUOUS_COUNTRIES = frozenset(
    words.words(
        "chad jordan georgia turkey guinea china jersey niger panama cuba togo mali oman peru israel "
        "chile jamaica india america"
    )
)
