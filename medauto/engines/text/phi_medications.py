"""Drug names that look like person names ("Lyrica", "Allegra"): when are they a medication, not PHI?
(And eponymous diseases in the possessive, "Parkinson's": a condition, not a person.)

The drug names are those the NER model ships in its gazetteer (from the MIT-licensed drug dictionary package).
A capitalised drug name is a medication, not a NAME, when

* its text says so: a dose, a form, a route or a frequency follows ("Lyrica 75 mg", "Allegra-D", "Flovent
  inhaler BID"); a medication verb, a determiner or a list precedes it ("takes", "tried", "allergic to", "the
  Allegra is helping", "a medicine called", "Medications:"); or another drug name stands right before it in a list
  ("Lyrica and Allegra");
* or it is not a person name anyone knows (not in the first/last-name lists): the name finder only guessed it
  from its shape.

A title ("Mrs. Allegra") or an explicit cue ("her name is Allegra") keeps it a NAME; the name finder checks those.
"""

from __future__ import annotations

from collections.abc import Mapping

import regex as re

from medauto.engines.text.phi_lexicon import PhiLexicon, fold

_DOSE_AFTER = re.compile(
    r"(?:[ \t]*-?[ \t]*(?:xr|xl|er|sr|cr|la|cd|dr|hct|d|od|odt|plus|forte)\b)?[ \t]*(?:\(\p{L}+\)[ \t]*)?"
    r"(?:\d+(?:[.,]\d+)?[ \t]*(?:mg|mcg|µg|ug|g|gm|ml|units?|iu|meq|%|mg/ml)\b"
    r"|\d+[ \t]*(?:tabs?|tablets?|caps?|capsules?|puffs?|drops?)\b"
    r"|(?:tabs?|tablets?|caps?|capsules?|inhaler|injection|injections|cream|ointment|gel|spray|nasal\s+spray|patch"
    r"|solution|suspension|syrup|drops|po|iv|im|sq|subq|prn|bid|tid|qid|qhs|qd|daily|nightly|twice|once|as\s+needed)\b)",
    re.I,
)
_MEDICATION_BEFORE = re.compile(
    r"(?:\b(?:takes?|taking|took|start(?:s|ed|ing)?(?:\s+(?:on|her\s+on|him\s+on))?|on|prescribed|prescribes?|prescribing"
    r"|continues?|continued|continuing|discontinued?|discontinuing|stop(?:s|ped|ping)?|resumed?|resuming|restart(?:ed)?"
    r"|increased?|decreased?|titrated?|tapered?|refill(?:s|ed)?(?:\s+(?:of|for))?|given|gave|administered|received"
    r"|switch(?:ed)?\s+(?:to|from)|changed?\s+(?:to|from)|dose\s+of|doses\s+of|mg\s+of|trial\s+of|course\s+of"
    r"|allergic\s+to|allergy\s+to|allergies\s+to|intolerant\s+(?:of|to)|tolerat(?:e|es|ed|ing)|use[sd]?|using"
    r"|tr(?:y|ies|ied|ying)(?:\s+out)?|the|this|that|some|any|more|my|your|his|her|their|our"
    r"|(?:medicine|medication|drug|pill|tablet|spray|inhaler)\s+(?:is\s+|was\s+)?called)"
    r"|\b(?:medications?|meds|rx|drugs?|allergies)\s*:)\s*$",
    re.I,
)
_EPONYM = re.compile(r"(\p{L}{3,}) ' s (?:disease|syndrome)")
# "Parkinson's." / "Parkinson's, TIA" / "Parkinson's or dementia": the possessive owns nothing, the disease is meant.
_POSSESSIVE_AFTER = re.compile(r"['\u2019]s(?:[ \t]*(?:[.,;:?!)]|\r?\n|$)|[ \t]+(?:and|or|since|for|type|like)\b)")
_WORD_BEFORE_LIST = re.compile(r"(\p{L}[\p{L}-]*)[ \t]*(?:,[ \t]*(?:and[ \t]+|or[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+)$")


def disease_eponyms(names: Mapping[str, int]) -> frozenset[str]:
    """The eponyms of the disease names (kind bit 2) of an NER gazetteer: "parkinson" of "parkinson ' s disease"."""
    eponyms: set[str] = set()
    for name, kinds in names.items():
        if kinds & 2:
            eponym = _EPONYM.fullmatch(name)
            if eponym:
                eponyms.add(eponym.group(1))
    return frozenset(eponyms)


class MedicationNames:
    """``names``: lower-cased gazetteer names (tokens joined by spaces) -> kind bits, drug names having bit 1."""

    def __init__(self, names: Mapping[str, int], lexicon: PhiLexicon, eponyms: frozenset[str] = frozenset()) -> None:
        self.names = names
        self.lex = lexicon
        self.eponyms = eponyms

    def is_drug(self, key: str) -> bool:
        return bool(self.names.get(key, 0) & 1)

    def is_condition(self, text: str, begin: int, end: int) -> bool:
        """Whether ``text[begin:end]`` is a disease eponym in a possessive that owns nothing: "early Parkinson's.",
        "Crohn's or colitis" (not "Parkinson's wife")."""
        return fold(text[begin:end]) in self.eponyms and _POSSESSIVE_AFTER.match(text, end) is not None

    def is_medication(self, text: str, begin: int, end: int) -> bool:
        """Whether ``text[begin:end]`` (a name candidate) is a drug name used as one here (see the module doc)."""
        key = " ".join(fold(text[begin:end]).split())
        if not self.is_drug(key):
            return False
        if not all(self.lex.is_name_word(w) for w in key.split()):
            return True
        if _DOSE_AFTER.match(text, end, min(len(text), end + 40)):
            return True
        before = text[max(0, begin - 40) : begin]
        if _MEDICATION_BEFORE.search(before):
            return True
        listed = _WORD_BEFORE_LIST.search(before)
        return listed is not None and self.is_drug(fold(listed.group(1)))
