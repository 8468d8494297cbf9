"""Genre cues that tell apart document types sharing most of their vocabulary (receipt vs invoice).

Malaysian, Australian and many other receipts print "TAX INVOICE" and an invoice number, so the words of an
invoice blueprint fit them well. What differs is the transaction around the document: a receipt records a
payment that happened (cash tendered, change, card slip, cashier, rounding), an invoice asks for one later (bill
to, due date, payment terms, remittance). A blueprint takes the cues of the genres its class names ("Receipt",
"Sales Invoice"); blueprints of other genres get none, so the cues only ever separate look-alikes.
"""

from __future__ import annotations

import re

from medauto.engines.extraction.matchers import tokens
from medauto.engines.extraction.schema import BlueprintSchema

# Genre word in a blueprint's class -> lines that are evidence of that genre. Phrases, not single generic words.
_CUES: dict[str, tuple[re.Pattern[str], ...]] = {
    "receipt": tuple(re.compile(p, re.IGNORECASE) for p in (
        r"^\W*cash\b", r"\bchange\b(?!\s+(?:order|request|of\b))", r"\btender(?:ed)?\b", r"\brounding\b",
        r"\bcashier\b", r"\bthank\s*you\b", r"\b(?:visa|master\s*card|amex|debit|credit)\s*card\b|\bvisa\b",
        r"\b(?:amount\s+)?paid\b(?!\s+(?:by|before|within))", r"\bpos\b|\bterminal\b|\bcounter\b", r"\bpax\b",
        r"\b(?:goods|items?)\s+sold\b", r"\bno\s+(?:refund|exchange)", r"\bdine\s*in\b|\btake\s*away\b",
        r"\bqty\b.*\b(?:price|amount|total)\b", r"\bcash\s*(?:bill|sales?)\b",
    )),
    "invoice": tuple(re.compile(p, re.IGNORECASE) for p in (
        r"\bbill(?:ed)?\s*to\b", r"\bship(?:ped)?\s*to\b", r"\bsold\s*to\b", r"\bdue\s*date\b|\bdate\s+due\b",
        r"\bpayment\s+terms?\b|\bterms\s*:|\bnet\s*\d{1,3}\b", r"\bremit", r"\bp\.?\s?o\.?\s*(?:no|number|#)",
        r"\b(?:balance|amount|total)\s+due\b", r"\bbank\s+(?:details|account|transfer)\b|\biban\b|\bswift\b",
        r"\bplease\s+pay\b|\bpayable\s+(?:to|within|by)\b", r"\battn\b|\battention\b",
    )),
}
_SATURATION = 3  # distinct cues for full evidence


def genres(blueprint: BlueprintSchema) -> list[str]:
    """The cue genres a blueprint's class names (none for most blueprints)."""
    words = set(tokens(blueprint.document_class))
    return [genre for genre in _CUES if genre in words]


def genre_fit(lines: list[str], blueprint: BlueprintSchema) -> float:
    """0..1: how many distinct cues of the blueprint's genre the document prints (saturating at three)."""
    best = 0.0
    for genre in genres(blueprint):
        hits = sum(1 for cue in _CUES[genre] if any(cue.search(line) for line in lines))
        best = max(best, min(1.0, hits / _SATURATION))
    return best
