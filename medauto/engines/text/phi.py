"""A fast rule-and-lexicon PHI recognizer with Comprehend Medical's DetectPHI types.

Types: NAME, AGE, DATE, PHONE_OR_FAX, EMAIL, URL, ID, ADDRESS, PROFESSION (category PROTECTED_HEALTH_INFORMATION).
Recall comes first: every pattern that can be checked (Luhn, IBAN mod 97, calendar ranges) is, and weaker
evidence (a bare weekday, a name guessed from its shape) is still reported with a lower score.

Stages:

1. ``phi_patterns``: EMAIL, URL (and IP addresses), ID (SSN, Luhn-valid cards, IBAN, numbers after a cue such as
   "MRN"), PHONE_OR_FAX, DATE (dates and times), AGE.
2. ``phi_address``: street lines, units, PO boxes, "City, ST 12345", countries, known places, postcodes.
3. ``phi_names``: person names; tokens inside confident stage-1 spans (e-mails, URLs ...) are skipped.
4. ``phi_profession``: job titles.

Overlaps are resolved greedily: confident pattern hits first, then longer spans, then higher scores.
"""

from __future__ import annotations

import bisect
import time

from medauto.engines.text.crf_features import GAZETTEER_FILE, read_gazetteer
from medauto.engines.text.crf_ner import MODEL_DIR
from medauto.engines.text.doc import Doc
from medauto.engines.text.phi_address import AddressFinder
from medauto.engines.text.phi_lexicon import PhiLexicon, fold, load_lexicon
from medauto.engines.text.phi_medications import MedicationNames, disease_eponyms
from medauto.engines.text.phi_names import TOKEN, NameFinder
from medauto.engines.text.phi_patterns import Hit, find_patterns
from medauto.engines.text.phi_profession import ProfessionFinder
from medauto.engines.text.phi_text import PhiText
from medauto.engines.text.types import Category, Span

PHI_TYPES = ("ADDRESS", "AGE", "DATE", "EMAIL", "ID", "NAME", "PHONE_OR_FAX", "PROFESSION", "URL")
SOURCE = "phi"
# Pattern hits at least this confident win every overlap and hide their tokens from the name finder.
_CONFIDENT = 0.75
_TITLED_NAME = 0.85
_CONFIDENT_LABELS = frozenset({"EMAIL", "URL", "ID", "PHONE_OR_FAX", "DATE", "AGE"})


def resolve(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits: confident patterns, then titled names, then addresses, then the rest; longest first."""

    def rank(h: Hit) -> tuple[int, int, float, int]:
        if h.label in _CONFIDENT_LABELS and h.score >= _CONFIDENT:
            tier = 0
        elif h.label == "NAME" and h.score >= _TITLED_NAME:
            tier = 1  # "Mrs. Barbara Yudina" beats an address guess that runs into it
        elif h.label == "ADDRESS":
            tier = 2  # "flew to Coles", a town line in an address block: places beat name guesses
        else:
            tier = 3
        return (tier, -(h.end - h.begin), -h.score, h.begin)

    kept: list[Hit] = []  # disjoint, sorted by begin
    for hit in sorted(hits, key=rank):
        i = bisect.bisect_left(kept, (hit.end,)) - 1  # the kept hit beginning last before this one ends
        if hit.end > hit.begin and not (i >= 0 and kept[i].end > hit.begin):
            bisect.insort(kept, hit)
    return kept


class PhiRecognizer:
    """Finds PHI in a :class:`Doc`; build once with :meth:`load` and share (it is read-only)."""

    def __init__(self, lexicon: PhiLexicon, medications: MedicationNames | None = None) -> None:
        self.lexicon = lexicon
        self._address = AddressFinder(lexicon)
        self._names = NameFinder(lexicon, medications)
        self._professions = ProfessionFinder(lexicon)
        self.load_seconds = 0.0

    @classmethod
    def load(cls) -> PhiRecognizer:
        start = time.perf_counter()
        lexicon = load_lexicon()
        # Drug and disease names come from the NER model's gazetteer: "Lyrica 75 mg" is a medication, not a person.
        names = read_gazetteer(MODEL_DIR / GAZETTEER_FILE).names  # shared with the NER model
        recognizer = cls(lexicon, MedicationNames(names, lexicon, disease_eponyms(names)))
        recognizer.load_seconds = time.perf_counter() - start
        return recognizer

    def hits(self, text: str) -> list[Hit]:
        t = PhiText(text)
        patterns = find_patterns(t)
        confident = [h for h in patterns if h.label in _CONFIDENT_LABELS and h.score >= _CONFIDENT]
        tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        names = self._names.find(text, confident, tokens)
        name_keys = frozenset(fold(text[h.begin : h.end].split()[0]) for h in names if h.score >= 0.6)
        addresses = self._address.find(t, tokens, name_keys)
        professions = self._professions.find(text, confident)
        return resolve(patterns + addresses + names + professions)

    def find(self, doc: Doc) -> list[Span]:
        text = doc.text
        return [
            Span(
                h.begin,
                h.end,
                text[h.begin : h.end],
                h.label,
                Category.PROTECTED_HEALTH_INFORMATION,
                round(h.score, 4),
                SOURCE,
            )
            for h in self.hits(text)
        ]
