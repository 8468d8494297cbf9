"""ICD-10-CM concept linking over the full code set shipped by ``simple-icd-10-cm`` (CDC/CMS, public domain).

Every billable (leaf) code is indexed by its description, its inclusion terms and the "includes" notes of its
ancestors; parenthesised non-essential modifiers ("hypertension (arterial) (benign)") yield both the bare and
the full form. A mention is matched by TF-IDF cosine over normalised tokens, with a small synonym table so
"renal failure" meets "kidney failure" and "HTN" meets "hypertension".
"""

from __future__ import annotations

import math
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[a-z0-9]+")
_PAREN = re.compile(r"\s*\([^)]*\)")
# Words that say "no more detail known": they must not outweigh the words that carry meaning.
_FILLER = frozenset(
    {
        "unspecified",
        "nos",
        "other",
        "organism",
        "site",
        "type",
        "of",
        "the",
        "and",
        "or",
        "in",
        "with",
        "without",
        "to",
        "due",
        "by",
        "as",
        "for",
        "on",
        "at",
        "a",
        "an",
        "not",
        "elsewhere",
        "classified",
        "specified",
        "part",
        "complications",
        "initial",
        "encounter",
    }
)
_FILLER_WEIGHT = 0.15
# Clinical shorthand and adjectives that ICD-10-CM spells another way. Applied to index and queries alike.
_SYNONYMS = {
    "renal": "kidney",
    "cardiac": "heart",
    "hepatic": "liver",
    "pulmonary": "lung",
    "gastric": "stomach",
    "cerebral": "brain",
    "cutaneous": "skin",
    "ocular": "eye",
    "otic": "ear",
    "nasal": "nose",
    "oral": "mouth",
    "htn": "hypertension",
    "dm": "diabetes",
    "dm2": "type 2 diabetes",
    "t2dm": "type 2 diabetes",
    "dm1": "type 1 diabetes",
    "t1dm": "type 1 diabetes",
    "iddm": "type 1 diabetes",
    "niddm": "type 2 diabetes",
    "mi": "myocardial infarction",
    "chf": "heart failure",
    "copd": "chronic obstructive lung disease",
    "cad": "coronary atherosclerosis",
    "afib": "atrial fibrillation",
    "af": "atrial fibrillation",
    "gerd": "gastro esophageal reflux",
    "uti": "urinary tract infection",
    "dvt": "deep vein thrombosis",
    "pe": "pulmonary embolism",
    "ckd": "chronic kidney disease",
    "aki": "acute kidney failure",
    "sob": "shortness breath",
    "cva": "cerebral infarction",
    "tia": "transient cerebral ischemic attack",
    "ards": "acute respiratory distress syndrome",
    "osa": "obstructive sleep apnea",
    "bph": "benign prostatic",
    "hyperlipidemia": "hyperlipidemia",
    "high": "high",
    "asthmatic": "asthma",
    "hypertensive": "hypertension",
    "kidneys": "kidney",
    "lungs": "lung",
    "cancer": "malignant neoplasm",
    "carcinoma": "malignant neoplasm",
    "malignancy": "malignant neoplasm",
    "tumor": "neoplasm",
    "tumour": "neoplasm",
    "mass": "neoplasm",
}
# When a mention names no detail, the "unspecified" code is what coders pick; "other ..." codes need detail.
_DEFAULT_HINTS = ("unspecified", "without complications", " nos")
_DEFAULT_BONUS = 0.004
_INHERITED_PENALTY = -0.02
_INDEX_FORMAT = 3  # bump when the index layout or scoring terms change


def _fold(word: str) -> str:
    # Crude plural folding, applied to index and queries alike: "kidneys" -> "kidney".
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(text.lower().replace("-", " ")):
        out.extend(_fold(w) for w in _SYNONYMS.get(word, word).split())
    return out


@dataclass(frozen=True, slots=True)
class Concept:
    code: str
    description: str
    score: float


class Icd10CmIndex:
    def __init__(self, entries: Iterable[tuple[str, str, list[tuple[str, float]]]]) -> None:
        """``entries``: (code, description, [(extra term, score adjustment)]) for every billable code."""
        self._descriptions: dict[str, str] = {}
        terms: list[tuple[str, dict[str, float], float]] = []
        doc_freq: dict[str, int] = defaultdict(int)
        raw: list[tuple[str, list[str], float]] = []
        for code, description, extra in entries:
            self._descriptions[code] = description
            lowered = f" {description.lower()}"
            default = any(h in lowered for h in _DEFAULT_HINTS) and " with unspecified" not in lowered
            base = _DEFAULT_BONUS if default else -_DEFAULT_BONUS if lowered.startswith(" other") else 0.0
            variants: dict[str, float] = {}
            for term, adjust in [(description, 0.0), *extra]:
                for form in (term, _PAREN.sub("", term)):
                    variants[form] = max(variants.get(form, -1.0), adjust)
            for variant, adjust in variants.items():
                toks = tokens(variant.replace(" NOS", ""))
                if toks:
                    raw.append((code, toks, base + adjust))
                    for tok in set(toks):
                        doc_freq[tok] += 1
        n_docs = max(1, len(raw))
        self._idf = {tok: math.log(1 + n_docs / df) for tok, df in doc_freq.items()}
        self._postings: dict[str, list[int]] = defaultdict(list)
        for code, toks, bonus in raw:
            vector = self._vector(toks)
            index = len(terms)
            terms.append((code, vector, bonus))
            for tok in vector:
                self._postings[tok].append(index)
        self._terms = terms

    def _weight(self, tok: str) -> float:
        idf = self._idf.get(tok, 0.0)
        return idf * _FILLER_WEIGHT if tok in _FILLER else idf

    def _vector(self, toks: list[str]) -> dict[str, float]:
        vec: dict[str, float] = {}
        for tok in toks:
            vec[tok] = vec.get(tok, 0.0) + self._weight(tok)
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {tok: w / norm for tok, w in vec.items()}

    def description(self, code: str) -> str | None:
        return self._descriptions.get(code)

    def search(self, text: str, limit: int = 5) -> list[Concept]:
        query = self._vector([t for t in tokens(text) if t in self._idf])
        if not query:
            return []
        # Candidates come from the two rarest meaningful words: common ones ("pain", "left") touch half the index.
        meaningful = sorted((t for t in query if t not in _FILLER), key=lambda t: -self._idf[t])[:2] or list(query)
        best: dict[str, float] = {}
        seen: set[int] = set()
        for tok in meaningful:
            for index in self._postings.get(tok, ()):
                if index in seen:
                    continue
                seen.add(index)
                code, vector, bonus = self._terms[index]
                score = sum(w * vector.get(t, 0.0) for t, w in query.items()) + bonus
                if score > best.get(code, 0.0):
                    best[code] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(self._descriptions[kv[0]]), kv[0]))[:limit]
        return [Concept(code, self._descriptions[code], round(min(score, 1.0), 4)) for code, score in ranked]


def load_index(cache_dir: Path | None = None) -> Icd10CmIndex:
    """The index over ``simple_icd_10_cm``'s tabular list, built once (about 9 s) and then kept as a pickle."""
    from importlib.metadata import version

    cache_dir = cache_dir or Path(os.environ.get("MEDAUTO_CACHE_DIR") or Path.home() / ".cache" / "medauto")
    cache = cache_dir / f"icd10cm-index-{version('simple-icd-10-cm')}-v{_INDEX_FORMAT}.pickle"
    if cache.is_file():
        try:
            with cache.open("rb") as fh:
                loaded = pickle.load(fh)
            if isinstance(loaded, Icd10CmIndex):
                return loaded
        except Exception:  # a stale or torn cache is rebuilt, never fatal
            pass
    index = build_index()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:
        pass  # read-only home: keep the in-memory index
    return index


def build_index() -> Icd10CmIndex:
    import simple_icd_10_cm as cm

    def entries() -> Iterable[tuple[str, str, list[tuple[str, float]]]]:
        for code in cm.get_all_codes(True):
            if not cm.is_leaf(code) or cm.is_chapter_or_block(code):
                continue
            extra = [(term, 0.0) for term in [*cm.get_inclusion_term(code), *cm.get_includes(code)]]
            # An ancestor's wording ("Malignant neoplasm of breast", "diabetes NOS") names this leaf too when the
            # leaf adds at most one meaningful word to it (E11.9 "... without complications"); each added word
            # costs a penalty, so a detailed code never wins on the ancestor's words alone.
            own = set(tokens(cm.get_description(code)))
            parent = cm.get_parent(code)
            while parent and not cm.is_chapter_or_block(parent):
                added = [t for t in own - set(tokens(cm.get_description(parent))) if t not in _FILLER]
                if len(added) <= 1:
                    penalty = _INHERITED_PENALTY * (1 + 2 * len(added))
                    terms = [cm.get_description(parent), *cm.get_includes(parent), *cm.get_inclusion_term(parent)]
                    extra += [(term, penalty) for term in terms]
                parent = cm.get_parent(parent)
            yield code, cm.get_description(code), extra

    return Icd10CmIndex(entries())
