"""Regular expressions for street lines, units, boxes and postcodes, built once from the lexicon's word lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex as re

from medauto.engines.text import phi_words as words
from medauto.engines.text.phi_lexicon import PhiLexicon
from medauto.engines.text.phi_text import Gate

_I = re.IGNORECASE
LETTER = r"[\p{L}\p{M}]"
# Bounded (at most 4 parts of 40 letters), so that a pathological input cannot make a match attempt long.
WORD = r"\p{L}[\p{L}\p{M}]{0,40}(?:['\u2019-]\p{L}[\p{L}\p{M}]{0,40}){0,3}(?![\p{L}\p{M}])"
CAP = r"\p{Lu}[\p{L}\p{M}]{0,40}(?:['\u2019-]\p{L}[\p{L}\p{M}]{0,40}){0,3}(?![\p{L}\p{M}])"
NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?"
PARTICLE = r"(?:de|du|des|da|do|dos|das|di|dei|del|della|la|le|les|al|el|van|von|der|den|ten|y|e|a|nad|pod|na|u)"
LINE_MARK = re.compile(r"[\s>*\-?•·|]*")
UNIT = re.compile(
    r"(?<![\w])(?:apt|apartment|suite|ste|unit|room|rm|floor|fl|bldg|building|flat|lot)\.?\s*#?\s*\d{1,5}[A-Za-z]?(?![\w])"
    r"|#\s?\d{1,5}[A-Za-z]?(?![\w])",
    _I,
)
BOX = re.compile(
    r"(?<![\w])(?:p\.?\s?o\.?\s*box|post\s+office\s+box)\s*#?\s*\d{1,6}(?![\w])"
    r"|(?<![\w])(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{2,5}(?![\w])"
    r"|(?<![\w])(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}(?![\w])"
    r"|(?<![\w])(?:USNS|USS|USNV|USCGC)\s+[A-Z][\w-]+",
    _I,
)
POSTAL = r"(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{3} \d{2}|\d{4})"
UK_POSTCODE = re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?![\w])")
CA_POSTCODE = re.compile(r"(?<![\w])[ABCEGHJ-NPRSTVXY]\d[A-Z] ?\d[A-Z]\d(?![\w])")
ZIP_CUE = re.compile(
    r"\b(?:zip|zip\s*code|zipcode|postal\s*code|postcode|post\s*code)\s*(?:is|:|#|-)?\s*"
    r"(?P<zip>\d{5}(?:-\d{4})?|\d{3,4}|\d{3} \d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})(?![\w])",
    _I,
)
CITY_STATE_ZIP = re.compile(
    rf"(?P<city>{CAP}(?:\s+(?:{CAP}|{PARTICLE})){{0,3}}),?\s+(?P<st>[A-Z]{{2,3}})\.?\s+"
    r"(?P<zip>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)(?![\w])"
)
CITY_STATE = re.compile(
    rf"(?P<city>\p{{Lu}}\p{{Ll}}[\p{{L}}\p{{M}}]+(?:[ \t]+{CAP}){{0,2}}),[ \t]+"
    r"(?P<st>[A-Z]{2})(?=[ \t]*(?:$|[\n.,;)!?]))",
    re.M,
)


def alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(i) for i in sorted(set(items), key=len, reverse=True))


def cased(items: Iterable[str], lower: frozenset[str] = frozenset()) -> str:
    """Title-case and upper-case forms of each word (and the lower-case form for those in ``lower``)."""
    forms: set[str] = set()
    for item in items:
        forms |= {item[:1].upper() + item[1:], item.upper()}
        if item in lower:
            forms.add(item)
    return alternation(forms)


LOWER_PREFIXES = frozenset(
    words.words("rue rua avenida calle ul. ulica strada piazza viale chemin boulevard travessa carrer avda. aleja")
)


@dataclass(frozen=True)
class StreetPatterns:
    streets: tuple[tuple[re.Pattern[str], float], ...]  # a street line on its own, with its score
    # Per street pattern, a cheap search that must succeed for the pattern to match anywhere (None: always run).
    gates: tuple[Gate | None, ...]
    generic: re.Pattern[str]  # "Jahu 80" after an address cue
    city_region: re.Pattern[str]  # "San Diego, California"
    named: re.Pattern[str]  # "Isaac Lodge Street" (no house number)
    number: re.Pattern[str]  # "20789 Allika" + number, when a unit or town line follows
    corner: re.Pattern[str]  # "the corner of X and Y"


def build(lexicon: PhiLexicon) -> StreetPatterns:
    suffixes = cased(s for s in lexicon.street_suffixes if len(s) > 1)
    prefixes = cased(words.STREET_PREFIXES, LOWER_PREFIXES)
    endings = alternation(set(words.STREET_ENDINGS) | {"brücke", "brucke"})
    cap_words = rf"(?:(?:{CAP}|\d+(?:st|nd|rd|th)|{PARTICLE})[ \t]+){{0,4}}"
    streets = (
        # 12 Main St / 3744 Retreat Avenue / 1987 74 Diakou Street
        (
            re.compile(
                rf"(?<![\w.,-]){NUM}(?:[ \t]+\d{{1,5}})?[ \t]+(?:(?:[NSEW]|NE|NW|SE|SW)\.?[ \t]+)?{cap_words}"
                rf"{CAP}[ \t]+(?:{suffixes})(?![\w])\.?"
            ),
            0.9,
        ),
        # Rua do Arenque 1634 / ul. Północna 73 / 86036 Via Roma 131
        (
            re.compile(
                rf"(?<![\w.-])(?:{NUM}[ \t]+(?:\d{{1,5}}[ \t]+)?)?(?:{prefixes})(?![\w])\.?[ \t]+"
                rf"(?:{WORD}\.?[ \t]+){{0,5}}\d{{1,5}}[A-Za-z]?(?![\w])"
            ),
            0.85,
        ),
        # 31 Rue Al Imam Al Bakri / 76 Boulevard de Normandie
        (
            re.compile(
                rf"(?<![\w.,-]){NUM}[ \t]+(?:\d{{1,5}}[ \t]+)?(?:{prefixes})(?![\w])\.?[ \t]+"
                rf"(?:{CAP}|{PARTICLE})(?:[ \t](?:{CAP}|{PARTICLE})){{0,5}}"
            ),
            0.8,
        ),
        # Søndergade 52 / 4844 Søndergade 52
        (
            re.compile(
                rf"(?<![\w.-])(?:{NUM}[ \t]+)?(?:{CAP}[ \t]+)?\p{{L}}[\p{{L}}\p{{M}}'\u2019-]*?(?:{endings})\.?[ \t]+"
                r"\d{1,5}[A-Za-z]?(?![\w])",
                re.I,
            ),
            0.85,
        ),
        # Luite tee 87 / Koepenicker Str. 74 / hegyalja út 98
        (
            re.compile(
                rf"(?<![\w.-])(?:{NUM}[ \t]+)?{WORD}[ \t]+(?:{endings}|str\.|út|tee)[ \t]+"
                r"\d{1,5}[A-Za-z]?(?![\w])",
                re.I,
            ),
            0.85,
        ),
    )
    # The glued and the written-after endings need the ending followed by a house number; the prefixes need a prefix.
    ending_gate = Gate(rf"(?:{endings}|str\.|út|tee)\.?[ \t]+\d")
    prefix_gate = Gate(rf"(?<!\w)(?:{prefixes})(?!\w)")  # a street type on its own, never inside a word
    gates = (None, prefix_gate, prefix_gate, ending_gate, ending_gate)
    # After an address cue: "lives at 92597 Jahu 80", "address: 6138 Via Roma 131".
    generic = re.compile(
        rf"(?:{NUM}[ \t]+)?(?:{CAP}|{PARTICLE})(?:[ \t](?:{CAP}|{PARTICLE})){{0,3}}[ \t]+"
        r"\d{1,5}[A-Za-z]?(?![\w])"
        rf"(?:[ \t]+{CAP}(?:[ \t]+{CAP}){{0,2}}[ \t]+(?:{suffixes})(?![\w]))?"
    )
    city_region = re.compile(rf"(?<![\w]){CAP}(?:[ \t]+{CAP}){{0,2}},[ \t]+(?P<region>{CAP}(?:[ \t]+{CAP})?)(?![\w])")
    named = re.compile(
        rf"(?<![\w])(?:{CAP}[ \t]+){{1,3}}"
        r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Highway|Parkway|Terrace|Crescent)(?![\w])"
    )
    number = re.compile(rf"{NUM}(?:[ \t]+\d{{1,5}})?[ \t]+{CAP}(?:[ \t]{CAP}){{0,3}}(?![\w])")
    corner = re.compile(
        rf"\bcorner\s+of\s+(?P<a>[^\n]{{3,60}}?)\s+and\s+(?P<b>(?:{WORD}|\d+)(?:\s+(?:{WORD}|\d+)){{0,4}}?)"
        r"(?=\s*(?:$|[\n.,;?!]|\s+(?:st\.|after|for|in|is|it)\b))",
        _I,
    )
    return StreetPatterns(streets, gates, generic, city_region, named, number, corner)
