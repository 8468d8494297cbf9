"""Which printed label names which blueprint field: field kinds, label synonyms and a lexical label score.

A field's *profile* is built once from its name, its parent group's name and its instruction: the phrases a
document may print as its label, and words that, next to such a phrase, mean a different quantity (``TOTAL QTY``
is not the total amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from medauto.engines.extraction.schema import FieldSpec, FieldType


class FieldKind(StrEnum):
    TOTAL = "total"
    SUBTOTAL = "subtotal"
    TAX = "tax"
    AMOUNT = "amount"
    DATE = "date"
    TIME = "time"
    ORGANIZATION = "organization"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    PERSON = "person"
    IDENTIFIER = "identifier"
    OTHER = "other"


# Spellings folded to one token before comparing labels with field names.
_ALIASES = {
    "no": "number", "num": "number", "nbr": "number", "#": "number", "numb": "number",
    "tel": "phone", "telephone": "phone", "ph": "phone", "mobile": "phone", "hp": "phone",
    "qty": "quantity", "amt": "amount", "desc": "description", "inv": "invoice", "acct": "account", "a/c": "account",
    "dt": "date", "dated": "date", "nett": "net", "subtotal": "sub total", "sub-total": "sub total",
    "e-mail": "email", "mail": "email", "dob": "birth date", "d.o.b": "birth date", "exp": "expiration",
    "expires": "expiration", "expiry": "expiration", "iss": "issue", "issued": "issue", "incl": "inclusive",
    "including": "inclusive",
    "included": "inclusive", "inc": "inclusive", "vat": "tax", "gst": "tax", "sst": "tax", "hst": "tax",
    "addr": "address",
    "ytd": "year to date", "payslip": "pay stub", "rx": "medication", "sig": "directions", "disp": "quantity",
}  # fmt: skip
_CURRENCY_WORDS = {"rm", "myr", "usd", "eur", "gbp", "sgd", "$", "€", "£", "us$"}
_STOP = {"the", "a", "an", "of", "to", "for", "on", "in", "is", "and", "or", "by", "this", "that", "as", "at"}

_KIND_PHRASES: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.TOTAL: ("total", "grand total", "net total", "total amount", "amount due", "balance due", "total due",
                      "total payable", "amount payable", "total inclusive", "total sales", "total to pay",
                      "rounded total", "total rounded", "net amount", "invoice total", "total paid", "due"),
    FieldKind.SUBTOTAL: ("sub total", "total before tax", "total exclusive", "net of tax", "total excluding tax"),
    FieldKind.TAX: ("tax", "total tax", "tax amount", "sales tax", "tax total"),
    FieldKind.DATE: ("date",),
    FieldKind.TIME: ("time",),
    FieldKind.ADDRESS: ("address",),
    FieldKind.PHONE: ("phone", "phone number", "contact"),
    FieldKind.EMAIL: ("email",),
    FieldKind.PERSON: ("name",),
}
# Words that turn a matching phrase into another quantity (only when the field's own phrase lacks them).
_KIND_EXCLUDES: dict[FieldKind, frozenset[str]] = {
    FieldKind.TOTAL: frozenset({"quantity", "items", "item", "discount", "saving", "savings", "change", "tax", "sub",
                                "points", "point", "weight", "count", "pcs", "units", "before", "exclusive",
                                "excluding", "excluded", "tendered", "deductions", "hours", "supplies"}),
    FieldKind.SUBTOTAL: frozenset({"quantity", "items", "discount"}),
    FieldKind.TAX: frozenset({"number", "id", "reg", "registration", "summary", "code", "exclusive", "inclusive",
                              "%"}),
    FieldKind.DATE: frozenset({"time"}),
}
_WEAK_QUALIFIERS = {"transaction", "receipt", "invoice", "purchase", "document", "bill", "statement", "report",
                    "sale", "sales", "order", "amount", "grand", "final", "paid", "total"}
_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d]{1,80})["\u201d]')
# "label"/"labels"/"labelled" followed by one or more quoted texts (a few joining words between them).
_LABEL_HINT = re.compile(r'\blabel(?:s|l?ed)?\b((?:[^"\u201c\u201d.]{0,20}["\u201c][^"\u201c\u201d]{1,80}["\u201d])+)',
                         re.IGNORECASE)
_ORG_WORDS = {"company", "merchant", "vendor", "store", "shop", "seller", "supplier", "employer", "bank", "business",
              "laboratory", "lab", "organization", "organisation", "restaurant", "payee", "issuer", "pharmacy",
              "provider", "facility", "hospital", "clinic"}


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with aliases folded (``Inv. No.`` -> ``invoice number``)."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # camelCase names
    raw = re.findall(r"[a-z0-9]+(?:[./-][a-z0-9]+)*|#|%", text.lower().replace("_", " "))
    out: list[str] = []
    for word in raw:
        word = word.strip("./-")
        if not word or word in _CURRENCY_WORDS:
            continue
        out.extend(_ALIASES.get(word, word).split())
    return out


@dataclass(frozen=True)
class FieldProfile:
    spec: FieldSpec
    kind: FieldKind
    phrases: tuple[tuple[tuple[str, ...], float], ...]  # label phrase -> weight
    excludes: frozenset[str]
    options: tuple[str, ...] = ()  # listed choices for inferred fields ("cash, credit card or debit card")


def field_kind(spec: FieldSpec, parent: str = "") -> FieldKind:
    name = set(tokens(spec.name))
    both = name | set(tokens(parent))
    numeric = spec.type in (FieldType.NUMBER, FieldType.INTEGER)
    if "email" in name:
        return FieldKind.EMAIL
    if name & {"phone", "fax"}:
        return FieldKind.PHONE
    if "address" in name:
        return FieldKind.ADDRESS
    if "date" in name or "birth" in name or (name & {"expiration", "issue"} and not numeric):
        return FieldKind.DATE
    if "time" in name and not numeric:
        return FieldKind.TIME
    if "sub" in name and "total" in name:
        return FieldKind.SUBTOTAL
    if "tax" in name and (numeric or "amount" in name):
        return FieldKind.TAX
    if numeric and (name & {"total", "due", "payable"} or name == {"amount"}):
        return FieldKind.TOTAL
    if numeric and name & {"amount", "price", "pay", "balance", "cost", "fee", "charge", "deposits", "withdrawals"}:
        return FieldKind.AMOUNT
    if ("name" in both and both & _ORG_WORDS) or (name & _ORG_WORDS and not numeric and "number" not in name):
        return FieldKind.ORGANIZATION
    if "name" in name:
        return FieldKind.PERSON
    if name & {"number", "id", "code"}:
        return FieldKind.IDENTIFIER
    return FieldKind.OTHER


def profile(spec: FieldSpec, parent: str = "") -> FieldProfile:
    kind = field_kind(spec, parent)
    own = tuple(t for t in tokens(spec.name) if t not in _STOP)
    phrases: dict[tuple[str, ...], float] = {}
    if own:
        phrases[own] = 1.0
    parent_tokens = tuple(t for t in tokens(parent) if t not in _STOP)
    if parent_tokens and own:
        phrases[parent_tokens + own] = 1.0
        if len(own) == 1 and own[0] in {"name", "address", "phone", "email", "number", "id"}:
            phrases[own] = 0.6  # "name" alone is ambiguous inside a group (vendor vs customer)
    # A bare "date"/"total" label names this field only if the field's other words are generic ("transaction
    # date" is the receipt's date; "due date" is not).
    qualifiers = set(own) - {w for p in _KIND_PHRASES.get(kind, ()) for w in tokens(p)}
    generic_weight = 0.95 if qualifiers <= _WEAK_QUALIFIERS and not parent_tokens else 0.6
    for phrase in _KIND_PHRASES.get(kind, ()):
        phrases.setdefault(tuple(tokens(phrase)), generic_weight)
    # Abbreviations the instruction names in parentheses: "date of birth (DOB)", "(EXP)", "(DL or LIC NO)".
    for group in re.findall(r"\(([A-Za-z][A-Za-z .#/,]{0,30})\)", spec.instruction):
        for abbreviation in re.split(r",\s*|\s+or\s+", group):
            words = tuple(tokens(abbreviation))
            if words and len(words) <= 3 and not any(w in _STOP for w in words):
                phrases.setdefault(words, 0.9)
    # Labels the instruction quotes ('Printed next to the label "NET TOTAL (RM)"', as blueprint optimization
    # writes them): the document's own words for this field, trusted like the field's name.
    for label in quoted_labels(spec.instruction):
        words = tuple(t for t in tokens(label) if t not in _STOP)
        if words and len(words) <= 8:
            phrases[words] = 1.0
    excludes = _KIND_EXCLUDES.get(kind, frozenset())
    options = _options(spec.instruction)
    return FieldProfile(spec, kind, tuple(phrases.items()), excludes, options)


def quoted_labels(instruction: str) -> list[str]:
    """Texts quoted after the word "label" in an instruction: 'the label "Amount Due" or "Balance"'."""
    return [q for hint in _LABEL_HINT.finditer(instruction) for q in _QUOTED.findall(hint.group(1))]


def _options(instruction: str) -> tuple[str, ...]:
    """Choices listed in an instruction: "... such as cash, credit card or debit card" / "(M, F or X)"."""
    m = re.search(r"(?:such as|one of|either|e\.g\.)\s+([^.;()]+)", instruction, re.IGNORECASE) or re.search(
        r"\(([^)]*\bor\b[^)]*)\)", instruction
    )
    if not m:
        return ()
    parts = re.split(r",\s*|\s+or\s+", m.group(1).strip())
    return tuple(p.strip() for p in parts if p.strip() and len(p.split()) <= 4)


def label_score(label: str, prof: FieldProfile) -> float:
    """How well ``label`` names the field, 0..1: a field phrase inside the label, discounted by extra words."""
    words = tokens(label)
    if not words or len(words) > 8:
        return 0.0
    best = 0.0
    for phrase, weight in prof.phrases:
        words, typo = _read_through_typos(tokens(label), phrase)
        bag = set(words)
        if not set(phrase) <= bag:
            continue
        weight *= 0.9 if typo else 1.0
        extra = [w for w in words if w not in phrase and w not in _STOP and not w.isdigit()]
        score = weight * (0.8 + 0.2 * len(phrase) / (len(phrase) + len(extra)))
        excludes = prof.excludes - {"tax"} if "inclusive" in bag else prof.excludes  # "total incl. tax"
        if any(w in excludes and w not in phrase for w in extra):
            score *= 0.15
        best = max(best, score)
    return best


def _read_through_typos(words: list[str], phrase: tuple[str, ...]) -> tuple[list[str], bool]:
    """``words`` with a one-letter OCR slip on a long phrase word read as that word ("Grand Toral" -> total)."""
    missing = [p for p in phrase if p not in words and len(p) >= 5]
    if not missing or len(missing) + len([p for p in phrase if p in words]) < len(phrase):
        return words, False
    fixed = list(words)
    for wanted in missing:
        slip = next((i for i, w in enumerate(fixed) if w not in phrase and _one_edit(w, wanted)), None)
        if slip is None:
            return words, False
        fixed[slip] = wanted
    return fixed, True


def _one_edit(word: str, wanted: str) -> bool:
    """One substitution, insertion or deletion apart, the first letter kept (OCR slips, not other words)."""
    if word[:1] != wanted[:1] or abs(len(word) - len(wanted)) > 1 or word == wanted:
        return False
    if len(word) == len(wanted):
        return sum(a != b for a, b in zip(word, wanted, strict=True)) == 1
    short, long = sorted((word, wanted), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
