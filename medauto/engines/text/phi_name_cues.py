"""The context patterns the name finder reads around a candidate: cues before ("Dr.", "seen by", "Patient:"), cues
after (", 45,", "said", "Inc"), locations, eponyms and line shapes."""

from __future__ import annotations

import regex as re

from medauto.engines.text import phi_words as words

CUE_BEFORE = re.compile(rf"(?:^|\W)(?:{words.NAME_CUES})(?:[ \t]+|[ \t]*,[ \t]*|\?[ \t]*)$", re.I)
FIELD_BEFORE = re.compile(rf"(?:^|\n)[ \t>*-]*{words.FIELD_LABELS}[ \t]*[:#][ \t]*$", re.I)
FIELD_END = re.compile(
    r"^(?:[ \t]*(?:$|\n)|[ \t]{2,}|[ \t]*[;|(]|[ \t]*,?[ \t]*(?:DOB|D\.O\.B|MRN|Age|Sex|DOS|Date|ID|MD|M\.D\.|RN|\d)\b)"
)
CUE_AFTER = re.compile(
    r"^(?:'s|\u2019s)?\s*(?:,\s*(?:the|a|an|\d{1,3}|MD|M\.D\.|RN|DDS)\b|lives|lived|said|says|stated|states|reports|reported"
    r"|denies|denied|explained|asked|told|shouted|wrote|writes|is\s+from|was\s+born|began|had\s+given|spent"
    r"|listed|will\s+be|has\s+been|is\s+(?:a|an)\s+\d|presented|presents|complains|was\s+seen|agreed|\(\s*\d)\b",
    re.I,
)
# Weaker: adds evidence to a known name ("Nora is very reliable", "Leif, can I ..."), not enough for an unknown word.
WEAK_AFTER = re.compile(
    r"^(?:'s|\u2019s)?\s*(?:is|was|has|had|will|would|can|could|did|does|and\s+I|,\s*(?:can|could|would|will|please|are|do|did|have|I)"
    r"|\s*[!?])\b",
    re.I,
)
TITLE_BEFORE = re.compile(r"(?:^|[^\w.])(?P<t>Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Doctor|Professor|Sir|Dame|Rev)\.?\s+$", re.I)
LOCATION_BEFORE = re.compile(r"\b(?:in|from|to|at|near|of)\s+$", re.I)
NAMED = re.compile(r"(?:name(?:\s+is|\s*:|\?)|named|called|calls?\s+me|known\s+as)\W*\s*$", re.I)
STREET_WORDS = frozenset(
    words.words(
        "street st avenue ave road rd boulevard blvd drive highway hwy parkway pkwy terrace crescent court ct "
        "plaza alley"
    )
)
NOT_A_PERSON_CALLED = re.compile(
    r"(?:medicine|medication|drug|pill|tablet|antibiotic|antibacterial|cream|ointment|stimulant|inhaler|spray|shot"
    r"|injection|vaccine|something|thing|test|procedure|disease|condition|syndrome|device|machine|app|program|product"
    r"|place|company|store|it|this|that)\W+(?:is\s+|was\s+)?called\W*$",
    re.I,
)
CHANGE_TO = re.compile(r"(?:change|correct|update|changed|corrected)\s+(?:it|this|that)\s+to\s*$", re.I)
EPONYM_AFTER = re.compile(
    r"^(?:'s|\u2019s)?(?:\s+\p{L}+)?\s+(?:disease|syndrome|sign|test|score|catheter|smear|procedure|classification|criteria|scale|maneuver"
    r"|reflex|law|sarcoma|lymphoma|palsy|phenomenon|grade|stage|fracture|tumou?r|ulcer|operation|repair|view|tube"
    r"|stockings?|boot|technique|method|type|pattern|effect|node|rule|approach|incision|position|disorder|anomaly"
    r"|hernia|cyst|gangrene|aneurysm|block|membrane|duct|gland|canal|space|triad|knife|needle|forceps|retractor)\b",
    re.I,
)
STRONG_LOCATION_BEFORE = re.compile(
    rf"(?:\bwhere:|\b{words.LOCATION_VERBS}(?:\s+(?:in|to|at|from|near|on))?)\s*$", re.I
)
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"\u201c(\[>]\s*|\n\s*|\s[-*•]\s+)$")
SURNAME_ENDINGS = (
    "son", "sen", "sson", "dottir", "ova", "eva", "ina", "ski", "ska", "sky", "wicz", "vic", "vich", "ov",
    "ev", "enko", "shvili", "dze", "ian", "yan", "escu", "oglu", "czyk", "inen", "nen", "ez", "ini", "elli",
    "ato", "uk", "chuk", "ak", "ek", "ik", "ler", "mann", "berg", "stein", "feld", "baum", "heim", "dorf",
)  # fmt: skip


SPEAKER_AFTER = re.compile(r"[ \t]*:[ \t]*[\p{L}\"\u201c]")
LINE_START_BEFORE = re.compile(r"(?:^|\n)[\s>]*$")
LETTER_RUN = re.compile(r"[\p{L}\p{M}]+")
ORG_SUFFIX_AFTER = re.compile(r"\s*(?:Inc|LLC|Ltd|Corp|Co|GmbH|AG|Street|St|Road|Avenue)\b")
NEXT_WORDS = re.compile(r"(?:[ \t]+|,[ \t]*)(\p{L}+(?:[ \t]+\p{L}+)?)")
LINE_LEAD = re.compile(r"[\s>?*\-•|]*")
LINE_TAIL = re.compile(r"[\s.,]*")
DIGIT_AFTER = re.compile(r"\s*\d")
LIST_AFTER = re.compile(r"\s*(?:,\s*\p{Lu}|and\s+\p{Lu}|&)")
COORDINATION = re.compile(r"\s*(?:,|and|&|or|,\s*and)\s*")
