"""Unlabelled header fields: the issuing organisation's name and its address block.

Receipts and invoices rarely print ``Company:`` before their own name; the name is a line near the top that reads
like a business (legal suffixes and trade nouns), and the address is the block of lines under it that reads like
an address (house numbers, street words, postcodes, lines ending in a comma), up to the phone/tax-id lines.
The word lists are generic vocabulary (several languages), never names of particular businesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medauto.engines.extraction.layout import Layout, PlacedLine, same_row
from medauto.engines.extraction.normalize import find_dates, find_emails, find_phones

_LEGAL_SUFFIXES = {"sdn", "bhd", "s/b", "sb", "inc", "llc", "ltd", "limited", "corp", "corporation", "co", "plc",
                   "gmbh", "pte", "pty", "llp", "lp", "sa", "ag", "bv", "srl", "company", "berhad"}
_TRADE_NOUNS = {"enterprise", "enterprises", "trading", "restaurant", "restoran", "cafe", "bakery", "bakeries",
                "hardware", "store", "stores", "shop", "mart", "market", "supermarket", "pharmacy", "hotel",
                "station", "services", "service", "marketing", "retail", "industries", "group", "holdings", "bank",
                "hospital", "clinic", "laboratory", "laboratories", "labs", "confectionery", "stationery", "kitchen",
                "kitchenette", "food", "foods", "seafood", "books", "bookstore", "electrical", "electronics",
                "packaging", "advertising", "international", "kedai", "syarikat", "perniagaan", "pasaraya",
                "medical", "dental", "motors", "auto", "garage", "florist", "boutique", "salon", "bistro", "bar",
                "grill", "pizzeria", "deli", "express", "global", "solutions", "systems", "associates", "partners",
                "agency", "studio", "centre", "center", "trading.", "handel", "gmbh", "cosmetics", "fashion"}
_NOT_A_NAME = {"invoice", "receipt", "tax", "bill", "cash", "welcome", "tel", "fax", "phone", "gst", "reg", "vat",
               "thank", "thanks", "cashier", "order", "table", "statement", "page", "copy", "guest", "check",
               "simplified", "official", "customer", "member", "hours", "opening", "counter", "terminal",
               "owned", "operated", "managed", "licensee", "franchisee"}
# A line naming the kind of document is its title, not its issuer ("Laboratory Report", "Pay Statement").
_DOCUMENT_TITLES = {"report", "reports", "form", "certificate", "summary", "requisition", "application", "payslip",
                    "stub", "license", "licence", "prescription", "results", "result", "record", "records",
                    "quotation", "quote", "estimate", "voucher", "slip", "note", "memo", "letter"}
# A label with these words introduces a person ("Patient Name:", "Ordering Provider:"), not the issuer.
_PERSON_LABELS = {"name", "patient", "provider", "physician", "doctor", "dr", "customer", "cashier", "member",
                  "attn", "attention", "salesperson", "server", "staff", "operator", "guest", "client", "bill",
                  "ship", "sold", "employee", "holder", "account"}
_ISSUER_LABELS = {"company", "merchant", "vendor", "store", "shop", "seller", "supplier", "laboratory", "lab",
                  "business", "issuer", "employer", "bank", "organisation", "organization", "owner", "owned"}
_MAX_NAME_WORDS = 8  # longer lines are sentences ("The results below were reviewed by ...")
_BARE_NAME_LINES = 4  # a name without legal suffix or trade noun is one of the first lines
_STREET_WORDS = {"street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "lane", "ln", "drive", "dr",
                 "way", "court", "ct", "place", "pl", "highway", "hwy", "suite", "ste", "floor", "flr", "fl", "unit",
                 "building", "bldg", "block", "blk", "level", "lot", "no", "jalan", "jln", "lorong", "taman",
                 "persiaran", "lebuh", "lebuhraya", "kawasan", "perindustrian", "bandar", "kampung", "kg", "pusat",
                 "plaza", "mall", "complex", "tower", "wisma", "menara", "square", "industrial", "estate", "seksyen",
                 "section", "po", "box", "parkway", "pkwy", "terrace", "crescent", "strasse", "rue", "via", "calle",
                 "avenida", "town", "village", "district", "county"}
_STOP_WORDS = {"tel", "fax", "phone", "gst", "vat", "reg", "email", "e-mail", "www", "http", "invoice", "receipt",
               "cashier", "date", "time", "hotline", "website", "company", "registration", "abn", "ein", "tin",
               "business", "opening", "hours"}
_POSTCODE = re.compile(r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b")
_REGISTRATION = re.compile(r"^\(?[A-Z]{0,4}\s?\d[\dA-Z]*[- ]?[A-Z0-9]{0,3}\)?$")
_TRAILING_REGISTRATION = re.compile(r"\s*[\(\[][^()\[\]]*\d[^()\[\]]*[\)\]]\s*$")
# A company registration number ("(306295-X)", "1110644-W") or "formerly known as" ends the name.
_NAME_TAIL = re.compile(r"\s*(?:[\(\[]?\b\d{4,}-?[A-Z]\b[\)\]]?|\bF\.?K\.?A\b|\bformerly\b).*$", re.IGNORECASE)
_REGISTRATION_ONLY = re.compile(r"^[\(\[]?(?:[A-Z]{0,3}\d{5,}-?[A-Z]?|\d{8,})[\)\]]?$")
_LABEL_PREFIX = re.compile(r"^[^\d:]{1,25}:\s*(?=\S)")
_HEADER_LINES = 10
_ARTICLES = {"the", "a", "an"}


@dataclass(frozen=True)
class HeaderGuess:
    text: str  # as printed (joined with spaces for several lines)
    lines: tuple[PlacedLine, ...]
    score: float  # 0..1, how much it looks like what was asked


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[/.'&-][a-z0-9]+)*", text.lower())


def _is_stop(text: str) -> bool:
    words = set(_words(text))
    if words & _STOP_WORDS or find_phones(text) or find_emails(text) or find_dates(text):
        return True
    return bool(re.search(r"\bno\s*[.:]?\s*:", text.lower())) and not _POSTCODE.search(text)


def organization_name(layout: Layout, page: int = 0, titles: bool = False) -> HeaderGuess | None:
    """The line near the top of ``page`` that reads most like a business name, registration numbers stripped.
    A document title ("Laboratory Report") counts only with ``titles`` (the field's instruction asks for it)."""
    best: HeaderGuess | None = None
    top = layout.on_page(page)[:_HEADER_LINES]
    wordy = 0  # lines above with words: stamps and handwritten numbers above the name do not push it down
    for rank, line in enumerate(top):
        above, wordy = wordy, wordy + (sum(c.isalpha() for c in line.text) >= 3)
        if _person_label(line.text) or (not titles and set(_words(line.text)) & _DOCUMENT_TITLES):
            continue
        name = clean_name(line.text)
        score = _organization_score(name, above)
        if score <= 0 or (best is not None and score <= best.score):
            continue
        best = HeaderGuess(name, (line,), score)
        previous = top[rank - 1] if rank else None
        if previous is not None and _is_name_tail(name) and _organization_score(previous.text, rank - 1) > 0:
            # "PASAR RAYA MEGA MAJU" / "(SEMENYIH) SDN BHD": the name wrapped onto a second line.
            best = HeaderGuess(f"{previous.text} {name}", (previous, line), score)
    return best


def _person_label(text: str) -> bool:
    """``Patient Name: Maria Lopez``: the value after the label is a person, whatever it reads like."""
    m = _LABEL_PREFIX.match(text.strip())
    words = set(_words(m.group(0))) if m else set()
    return bool(words & _PERSON_LABELS) and not words & _ISSUER_LABELS


def clean_name(text: str) -> str:
    """A name as printed without a label before it or registration numbers after it."""
    text = text.strip()
    label = _LABEL_PREFIX.match(text)
    if label is not None:
        # "THE: TOAST F&B" is an article and a stray colon from OCR, not a label.
        article = not set(_words(label.group(0))) - _ARTICLES
        text = label.group(0).split(":")[0] + " " + text[label.end() :] if article else text[label.end() :]
    text = _NAME_TAIL.sub("", text)
    text = _TRAILING_REGISTRATION.sub("", text)
    text = re.sub(r"(?<=\w)[°®™©]", "", text)  # trademark signs (and OCR's degree sign for them) are no part of it
    return re.sub(r"^#\d*\s*", "", text).strip()


def _is_name_tail(name: str) -> bool:
    """Only a legal suffix (and a bracketed qualifier) is left: the distinctive words are on the line above."""
    content = [w for w in _words(re.sub(r"\([^)]*\)", " ", name)) if w.strip(".") not in _LEGAL_SUFFIXES]
    return name.startswith("(") or not [w for w in content if len(w) >= 3]


def _organization_score(text: str, rank: int) -> float:
    words = _words(text)
    letters = sum(c.isalpha() for c in text)
    if len(words) == 0 or letters < 3 or letters < 0.5 * len(text.replace(" ", "")):
        return 0.0
    if re.search(r":\s*\S*\d", text):  # "COMPANY NO : 1174703-K" is a label and a value
        return 0.0
    if set(words) & _NOT_A_NAME or find_phones(text) or find_dates(text) or find_emails(text) or "www" in text.lower():
        return 0.0
    if len(words) > _MAX_NAME_WORDS:
        return 0.0
    score = 0.35 * (1 - rank / _HEADER_LINES)
    bare = {w.strip(".") for w in words}
    if bare & _LEGAL_SUFFIXES:
        score += 0.5
    elif bare & _TRADE_NOUNS or _glued_trade_noun(words):
        score += 0.35
    elif rank >= _BARE_NAME_LINES:
        return 0.0
    if _address_cues(text) >= 1:
        score -= 0.4
    return max(0.0, min(1.0, score + 0.1))


def _glued_trade_noun(words: list[str]) -> bool:
    """OCR may drop the spaces of a name ("SANYUSTATIONERYSHOP"): a long word ending in a trade noun."""
    return any(len(w) >= 10 and any(len(n) >= 4 and w.endswith(n) for n in _TRADE_NOUNS) for w in words)


def _address_cues(text: str) -> int:
    # Letter runs, so that words OCR glued with punctuation still count ("No.J-G-02", "Level'6").
    words = re.findall(r"[a-z]+", text.lower())
    cues = sum(1 for w in words if w in _STREET_WORDS)
    if _POSTCODE.search(text):
        cues += 2
    if re.match(r"^\s*(?:no\.?\s*)?\d+[a-z]?\b", text.lower()):  # starts with a house number
        cues += 1
    return cues


def address_block(layout: Layout, after: PlacedLine | None, page: int = 0) -> HeaderGuess | None:
    """Address lines under the organisation name (or from the top): cue lines, comma continuations, the
    city/state line after a postcode; registration and date lines before the block are skipped."""
    lines = layout.on_page(page)
    start = lines.index(after) + 1 if after is not None and after in lines else 0
    block: list[PlacedLine] = []
    skipped = 0
    queue = list(lines[start : start + _HEADER_LINES + 4])
    while queue:
        line = queue.pop(0)
        if block and same_row(line.box, block[-1].box):
            if line.box.left >= block[-1].box.right and _continues_row(block[-1].text, line.text):
                # The address line was cut into fragments along its row ("3-7, GROUND FLOOR," | "JLN PUTRA 1").
                block.append(line)
                continue
            # A second column shares the rows: the block follows its own column.
            under = layout.below(block[-1], max_gap_lines=1.6)
            if under is None:
                break
            line = under
            queue = [o for o in queue if o.order > under.order]
        text = line.text
        if _REGISTRATION_ONLY.match(text.strip()) or re.fullmatch(r"\(.*\)", text.strip()):
            if block:
                break
            skipped += 1
            continue
        cues = _address_cues(text)
        if _is_stop(text) and not (cues >= 2 and not find_phones(text)):
            if block:
                break
            skipped += 1
            continue
        if (block and _continues(block, text)) or cues >= 1:
            block.append(line)
        elif block:
            break
        else:
            skipped += 1
            if skipped > 3:
                break
    if not block:
        return None
    cues = sum(_address_cues(line.text) for line in block)
    has_postcode = any(_POSTCODE.search(line.text) for line in block)
    score = min(1.0, 0.3 + 0.1 * cues + (0.3 if has_postcode else 0.0))
    text = " ".join(line.text for line in block)
    return HeaderGuess(_LABEL_PREFIX.sub("", text) if _address_cues(text.split(":")[0]) == 0 else text,
                       tuple(block), score)


def _continues_row(left: str, right: str) -> bool:
    """A fragment to the right of an address line goes on with the address (not a second column's label)."""
    if _is_stop(right) or _REGISTRATION_ONLY.match(right.strip()):
        return False
    return left.rstrip().endswith(",") or _address_cues(right) >= 1


def _continues(block: list[PlacedLine], text: str) -> bool:
    """Whether a line without address cues still belongs to the block above it."""
    words = _words(text)
    if not words or set(words) & _NOT_A_NAME or len(words) > 6:
        return False
    previous = block[-1].text.rstrip()
    if previous.endswith(","):
        return True
    has_postcode = any(_POSTCODE.search(line.text) for line in block)
    alpha = not any(c.isdigit() for c in text)
    # Before the postcode the block goes on (area names); after it only a short city/state line may follow.
    return alpha and (not has_postcode or (bool(_POSTCODE.search(previous)) and len(words) <= 3))
