"""Concept linking over a local vocabulary store (RxNorm or SNOMED CT) by TF-IDF cosine, as ``icd10cm`` does.

The store carries the inverted index, document frequencies and term-vector norms, so loading is instant and a
search reads only the terms that share the query's rarest words. Candidates are the best ``_CANDIDATES`` terms
(by the index's BM25) holding either of the two rarest meaningful query words; each is scored by cosine over
normalised tokens, and a concept scores as its best term.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from medauto.engines.text.icd10cm import tokens
from medauto.engines.text.pipeline import condition_query
from medauto.engines.text.types import Analysis, Category, Mention
from medauto.engines.vocab.store import (
    FILLER,
    FORMAT,
    VocabError,
    connect_readonly,
    fingerprint,
    read_meta,
    reindex,
    token_key,
)
from medauto.engines.vocab.store import weight as _weight

_CANDIDATES = 5000
_BROAD = 20_000
# Semantic tags a SNOMED CT concept must carry to link an entity of a Comprehend Medical type.
_PROCEDURES = frozenset({"procedure", "regime/therapy", "observable entity"})
SNOMED_FILTERS: dict[str, frozenset[str]] = {
    "DX_NAME": frozenset({"disorder", "finding"}),
    "TEST_NAME": _PROCEDURES,
    "PROCEDURE_NAME": _PROCEDURES,
    "TREATMENT_NAME": _PROCEDURES,
    "SYSTEM_ORGAN_SITE": frozenset({"body structure"}),
}
SNOMED_ENTITY_TYPES = ("DX_NAME", "TEST_NAME", "PROCEDURE_NAME", "TREATMENT_NAME")
# RxNorm term types: what a bare drug name means, and what a mention with strength, form or route means.
_INGREDIENT_TTYS = frozenset({"IN", "PIN", "MIN", "BN"})
_PRODUCT_TTYS = frozenset({"SCD", "SBD", "GPCK", "BPCK"})
_TTY_BONUS = 0.03
# Drug shorthand -> the words RxNorm spells out (applied to RxNorm queries only; the index keeps release wording).
_QUERY_WORDS = {
    "po": "oral",
    "tab": "tablet",
    "tabs": "tablet",
    "cap": "capsule",
    "caps": "capsule",
    "iv": "intravenous",
    "im": "intramuscular",
    "sq": "subcutaneous",
    "subq": "subcutaneous",
    "sc": "subcutaneous",
    "sl": "sublingual",
    "inj": "injection",
    "soln": "solution",
    "susp": "suspension",
    "er": "extended release",
    "xr": "extended release",
    "sr": "extended release",
    "dr": "delayed release",
    "mgs": "mg",
    "mcgs": "mcg",
    "hctz": "hydrochlorothiazide",
    "apap": "acetaminophen",
    "asa": "aspirin",
    "ntg": "nitroglycerin",
    "kcl": "potassium chloride",
}
_QUERY_WORD = re.compile(r"[A-Za-z]+")
_UNIT_GLUE = re.compile(r"(\d)(mg|mcg|g|ml|l|meq|units?|iu|%)\b", re.IGNORECASE)
_DETAIL_WORDS = frozenset(
    tokens(
        "mg mcg ml meq unit actuat hr tablet capsule solution suspension injection injectable oral topical cream "
        "ointment patch inhaler inhalant inhalation powder spray gel lotion drops syrup extended release delayed "
        "chewable sublingual transdermal intravenous intramuscular subcutaneous rectal vaginal ophthalmic otic "
        "nasal film kit pack pen prefilled syringe"
    )
)
_MED_QUERY_ATTRIBUTES = frozenset({"STRENGTH", "FORM", "ROUTE_OR_MODE", "DOSAGE"})
_UNIT = re.compile(r"\d\s*(mg|mcg|µg|g|ml|meq|units?|iu|%)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Concept:
    code: str
    description: str
    score: float
    kind: str = ""  # RxNorm term type or SNOMED CT semantic tag


def prepare_query(text: str, drugs: bool = True) -> str:
    """Split glued units ("81mg" -> "81 mg"); for drug queries also expand shorthand ("PO", "tab", "HCTZ")."""
    text = _UNIT_GLUE.sub(r"\1 \2", text)
    if not drugs:
        return text
    return _QUERY_WORD.sub(lambda m: _QUERY_WORDS.get(m.group(0).lower(), m.group(0)), text)


def snomed_filter(entity_type: str) -> frozenset[str] | None:
    """The semantic tags allowed for a Comprehend Medical entity or attribute type (None: no filter)."""
    return SNOMED_FILTERS.get(entity_type)


_CACHE: dict[Path, tuple[tuple[int, int, int], VocabLinker]] = {}
_CACHE_LOCK = threading.Lock()


def _stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size


class VocabLinker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = connect_readonly(path)
        self._lock = threading.Lock()
        meta: dict[str, str] = dict(self._conn.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise VocabError(f"{path} was built by another medauto version (format {meta.get('format')}); import again")
        self._meta = meta
        self.kind = meta.get("kind", "")
        self._n_terms = int(meta.get("terms", "0"))

    @classmethod
    def load(cls, path: Path) -> VocabLinker:
        """The linker for the store at ``path``, shared until the file changes (e.g. after a re-import)."""
        path = Path(path).resolve()
        with _CACHE_LOCK:
            try:
                key = _stat_key(path)
            except FileNotFoundError:
                raise VocabError(
                    f"no vocabulary store at {path}; import a release with `medauto vocab import`"
                ) from None
            cached = _CACHE.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
            if read_meta(path).get("tokenizer") != fingerprint():
                try:
                    reindex(path)  # the token normalisation changed since the import: re-normalise in place
                    key = _stat_key(path)
                except OSError:
                    pass  # read-only data dir: link with the stored tokens
            linker = cls(path)
            _CACHE[path] = (key, linker)
            return linker

    def details(self) -> dict[str, str]:
        """source, kind, version, version_date, edition, language, imported_at, concepts, terms, release."""
        keys = ("source", "kind", "version", "version_date", "edition", "language", "imported_at")
        return {k: self._meta.get(k, "") for k in (*keys, "concepts", "terms", "release")}

    def concept(self, code: str) -> Concept | None:
        with self._lock:
            row = self._conn.execute("SELECT preferred, kind FROM concepts WHERE code = ?", (code,)).fetchone()
        return None if row is None else Concept(code, row[0], 1.0, row[1])

    def _frequencies(self, toks: set[str]) -> dict[str, int]:
        marks = ",".join("?" * len(toks))
        return dict(self._conn.execute(f"SELECT token, df FROM token_df WHERE token IN ({marks})", tuple(toks)))

    def search(self, text: str, limit: int = 5, semantic_filter: AbstractSet[str] | None = None) -> list[Concept]:
        """The ``limit`` best concepts for ``text``, scores in (0, 1], best first; ``semantic_filter`` keeps only
        concepts whose kind (SNOMED CT semantic tag, RxNorm term type) it contains."""
        words = tokens(prepare_query(text, self.kind == "rxnorm"))
        if not words or limit <= 0:
            return []
        with self._lock:
            df = self._frequencies(set(words))
            known = [w for w in words if w in df]
            if not known:
                return []
            weights = {t: _weight(t, df[t], self._n_terms) for t in df}
            query = Counter(known)
            query_norm = math.sqrt(sum((c * weights[t]) ** 2 for t, c in query.items())) or 1.0
            rare = sorted((t for t in query if t not in FILLER), key=lambda t: df[t])[:2]
            rare = rare or sorted(query, key=lambda t: df[t])[:2]
            rows = self._candidates(rare, query, df)
        detailed = self.kind == "rxnorm" and any(w.isdigit() or w in _DETAIL_WORDS for w in known)
        best: dict[str, tuple[float, str, str]] = {}
        for code, term_tokens, norm, kind, preferred in rows:
            if semantic_filter is not None and kind not in semantic_filter:
                continue
            counts = Counter(term_tokens.split())
            dot = sum(c * counts[t] * weights[t] ** 2 for t, c in query.items() if t in counts)
            score = dot / (query_norm * norm) + self._bonus(kind, detailed)
            if score > 0 and (code not in best or score > best[code][0]):
                best[code] = (score, preferred, kind)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(kv[1][1]), kv[0]))[:limit]
        return [Concept(code, desc, round(min(max(score, 1e-4), 1.0), 4), kind) for code, (score, desc, kind) in ranked]

    def _candidates(
        self, rare: list[str], query: Counter[str], df: dict[str, int]
    ) -> list[tuple[str, str, float, str, str]]:
        """Terms holding either ``rare`` word (the second only if not common), best BM25 first.

        When even the rarest word is in more than ``_BROAD`` terms ("tablet", "fracture"), BM25 over all of them is
        too slow: take terms holding every query word instead, unranked, plus those made of exactly its words.
        """
        select = "SELECT t.code, t.tokens, t.norm, c.kind, c.preferred FROM "
        joined = "JOIN terms AS t ON t.id = m.rid JOIN concepts AS c ON c.code = t.code WHERE c.active = 1"
        if df[rare[0]] <= _BROAD:
            match = " OR ".join(f'"{t}"' for t in rare if df[t] <= _BROAD)  # a common second word adds little
            sub = "(SELECT rowid AS rid FROM term_index WHERE term_index MATCH ? ORDER BY rank LIMIT ?) AS m "
            return self._conn.execute(select + sub + joined, (match, _CANDIDATES)).fetchall()
        match = " AND ".join(f'"{t}"' for t in sorted(query))
        sub = "(SELECT rowid AS rid FROM term_index WHERE term_index MATCH ? LIMIT ?) AS m "
        rows = self._conn.execute(select + sub + joined, (match, _CANDIDATES)).fetchall()
        exact = "terms AS t JOIN concepts AS c ON c.code = t.code WHERE t.key = ? AND c.active = 1"
        return rows + self._conn.execute(select + exact, (token_key(query),)).fetchall()

    def _bonus(self, kind: str, detailed: bool) -> float:
        """RxNorm: a bare name means the ingredient or brand; strength, form or route words mean the product."""
        if self.kind != "rxnorm":
            return 0.0
        if kind in _PRODUCT_TTYS:
            return _TTY_BONUS if detailed else -_TTY_BONUS
        if kind in _INGREDIENT_TTYS:
            return -_TTY_BONUS if detailed else _TTY_BONUS
        return 0.0


def medication_query(mention: Mention) -> str:
    """The drug name with its strength, form, route and any dose with a unit, in text order ("aspirin 81 mg PO")."""
    parts = [(mention.span.begin, mention.span.text)]
    for relation in mention.relations:
        span = relation.attribute.span
        if span.label in _MED_QUERY_ATTRIBUTES and (span.label != "DOSAGE" or _UNIT.search(span.text)):
            parts.append((span.begin, span.text))
    return " ".join(text for _, text in sorted(parts))


def link_medications(analysis: Analysis, linker: VocabLinker, limit: int = 5) -> list[tuple[Mention, list[Concept]]]:
    """InferRxNorm: every GENERIC_NAME / BRAND_NAME mention with its ranked RxNorm concepts, in text order."""
    meds = [
        m
        for m in analysis.mentions
        if m.span.category is Category.MEDICATION and m.span.label in ("GENERIC_NAME", "BRAND_NAME")
    ]
    return [(m, linker.search(medication_query(m), limit)) for m in sorted(meds, key=lambda m: m.span.begin)]


@dataclass(slots=True)
class SnomedLink:
    mention: Mention
    concepts: list[Concept]
    # SNOMED CT concepts of the mention's attributes, by attribute mention id (SYSTEM_ORGAN_SITE -> body structure)
    attributes: dict[int, list[Concept]] = field(default_factory=dict)


def link_snomed(analysis: Analysis, linker: VocabLinker, limit: int = 5) -> list[SnomedLink]:
    """InferSNOMEDCT: conditions, tests, procedures and treatments with concepts of the matching semantic tags."""
    out = []
    for mention in sorted(analysis.mentions, key=lambda m: m.span.begin):
        label = mention.span.label
        if label not in SNOMED_ENTITY_TYPES:
            continue
        query = condition_query(mention) if label == "DX_NAME" else mention.span.text
        link = SnomedLink(mention, linker.search(query, limit, snomed_filter(label)))
        for relation in mention.relations:
            attribute = relation.attribute
            allowed = snomed_filter(attribute.span.label)
            if allowed is not None and attribute.span.label not in SNOMED_ENTITY_TYPES:
                link.attributes[attribute.id] = linker.search(attribute.span.text, limit, allowed)
        out.append(link)
    return out
