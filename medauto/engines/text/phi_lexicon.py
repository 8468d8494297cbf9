"""Word lists for the PHI recognizer, read once from Faker's installed provider modules (nothing is downloaded).

Faker ships first and last names for ~80 locales, city, region and country names, street suffixes and an
English job list. Only Latin-script names are used directly; Cyrillic names are also transliterated to Latin,
so "Юрий Булгаков" in a provider lets "Yuri Bulgakov" match. Place names keep their script (Greek towns are
matched in Greek). Every key is :func:`fold`-ed: case- and accent-insensitive.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from medauto.engines.text import phi_words as words

_SPLIT = re.compile(r"[\s\-\u2010\u2011]+")
_PAREN = re.compile(r"\s*\(.*?\)\s*")

# Provider attributes that hold person names, by role.
_FIRST_ATTRS = ("first_name", "first_romanized", "middle_names")
_LAST_ATTRS = ("last_name", "male_last_names", "unisex_last_names", "last_romanized")
_PLACE_ATTRS = frozenset(
    {
        "cities",
        "city_names",
        "localities",
        "real_city_names",
        "towns",
        "concelhos",
        "communes",
        "settlements",
        "villages",
        "municipalities",
        "provinces",
        "regions",
        "states",
        "counties",
        "districts",
        "departments",
        "region_names",
        "prefectures",
        "wilayas",
        "distritos",
    }
)
_STATE_ABBR_ATTRS = frozenset({"states_abbr", "provinces_abbr", "known_usps_abbr", "military_state_abbr"})

_CYRILLIC = dict(
    zip(
        "абвгдезийклмнопрстуфхцчшщъыьэюяёєіїґ",
        words.words("a b v g d e z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya e ye i yi g"),
        strict=True,
    )
)
_CYRILLIC["ж"] = "zh"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive key: ``fold("José") == "jose"``, ``fold("ΠΑΦΟΣ") == "παφοσ"``."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'")


_LATIN = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF\u0300-\u036F'\u2019.]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF'\u2019]+")


def _is_latin(text: str) -> bool:
    return _LATIN.fullmatch(text) is not None


def _is_cyrillic(text: str) -> bool:
    return _CYRILLIC_WORD.fullmatch(text) is not None


def transliterate(name: str) -> list[str]:
    """Common Latin spellings of a Cyrillic name ("Юрий" -> "yuriy", "yuri", "yury")."""
    lowered = name.lower()
    out = "".join(_CYRILLIC.get(c, c) for c in lowered).replace("_", "")
    variants = {out}
    if out.endswith("iy") or out.endswith("yy"):
        variants |= {out[:-2] + "i", out[:-2] + "y"}
    variants |= {v.replace("ks", "x") for v in variants}
    return sorted(variants)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, str) and item and "{" not in item and "#" not in item:
                yield item


def _providers(package: str) -> Iterator[tuple[str, type]]:
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        try:
            provider = importlib.import_module(f"{package}.{info.name}").Provider
        except (ImportError, AttributeError):  # pragma: no cover - a broken locale is skipped, not fatal
            continue
        yield info.name, provider


def _name_parts(value: str) -> Iterator[str]:
    for part in _SPLIT.split(value.strip()):
        part = part.strip(".")
        if len(part) < 2:
            continue
        if _is_latin(part):
            yield fold(part)
        elif _is_cyrillic(part):
            yield from transliterate(part)


def _place_key(value: str) -> str:
    return " ".join(fold(_PAREN.sub(" ", value)).split())


@dataclass(frozen=True)
class PhiLexicon:
    first_names: frozenset[str]
    last_names: frozenset[str]
    common: frozenset[str]
    places: frozenset[str]  # cities, towns, regions (multi-word keys joined by one space)
    countries: frozenset[str]
    state_abbrs: frozenset[str]  # US states, Canadian provinces, Australian states: "IL", "QC", "NSW"
    street_suffixes: frozenset[str]  # English street types: "street", "avenue", "crescent", "mews" ...
    jobs: frozenset[str]  # job titles, lower-case, "Accountant, chartered" turned into "chartered accountant"
    job_heads: frozenset[str]  # the last word of every job title: "accountant", "engineer", "nurse" ...
    regions: frozenset[str]  # US states, Canadian provinces, Australian states, spelled out
    max_place_words: int

    def is_name_word(self, key: str) -> bool:
        return key in self.first_names or key in self.last_names

    def is_common(self, key: str) -> bool:
        """An English word, allowing for plural/past/-ing/-ly forms and derivational endings."""
        common = self.common
        if key in common:
            return True
        for suffix, cut in _INFLECTIONS:
            if key.endswith(suffix) and len(key) - len(suffix) >= 3:
                stem = key[: len(key) - len(suffix)] + cut
                if stem in common or (len(stem) > 6 and stem.endswith(_ENGLISH_ENDINGS)):
                    return True
        return len(key) > 6 and (key.endswith(_ENGLISH_ENDINGS) or key.endswith("ly"))


_INFLECTIONS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
)
_ENGLISH_ENDINGS = (
    "tion", "sion", "ment", "ness", "ity", "ology", "ologist", "itis", "osis", "ectomy", "otomy", "emia",
    "ism", "able", "ible", "ance", "ence", "ous", "ive", "ary", "ory", "ings", "ful", "less", "ship", "ically",
    "ously", "ently", "antly", "iatry", "iatric", "ology", "ologic", "ological", "ative", "itive",
)  # fmt: skip


def _jobs(raw: Iterable[str]) -> set[str]:
    jobs: set[str] = set()
    for job in raw:
        job = _PAREN.sub(" ", job).strip()
        head, _, tail = job.partition(",")
        phrase = f"{tail.strip()} {head.strip()}" if tail else head
        variants = [""]
        for word in phrase.split():
            variants = [f"{v} {alt}" for v in variants for alt in word.split("/") if alt]
        jobs.update(" ".join(fold(v).split()) for v in variants if v.strip())
    return jobs


@lru_cache(maxsize=1)
def load_lexicon() -> PhiLexicon:
    """Build every list once per process (about 0.3 s)."""
    raw_first: set[str] = set()
    raw_last: set[str] = set()
    for _, provider in _providers("faker.providers.person"):
        for attr, value in vars(provider).items():
            if attr.startswith(_FIRST_ATTRS):
                raw_first.update(_strings(value))
            elif attr.startswith(_LAST_ATTRS) or attr.endswith("_last_names"):
                raw_last.update(_strings(value))
    first = {part for item in raw_first for part in _name_parts(item)}
    last = {part for item in raw_last for part in _name_parts(item)}

    places: set[str] = set()
    countries: set[str] = {fold(c) for c in words.EXTRA_COUNTRIES}
    state_abbrs: set[str] = set(words.EXTRA_STATE_ABBRS)
    regions: set[str] = set()
    street_suffixes: set[str] = {fold(s) for s in words.EXTRA_STREET_SUFFIXES}
    for locale, provider in _providers("faker.providers.address"):
        for attr, value in vars(provider).items():
            if attr in _PLACE_ATTRS:
                places.update(_place_key(v) for v in _strings(value))
            elif attr == "countries" and locale.startswith("en"):
                countries.update(_place_key(v) for v in _strings(value) if len(v) < 40)
            if attr in {"states", "provinces"} and locale in {"en_US", "en_CA", "en_AU"}:
                regions.update(_place_key(v) for v in _strings(value))
            if attr in _STATE_ABBR_ATTRS and locale.startswith("en"):
                state_abbrs.update(v for v in _strings(value) if v.isupper())
            elif attr == "street_suffixes" and locale in {"en_US", "en_GB", "en_AU", "en_CA", "en_NZ", "en_IE"}:
                street_suffixes.update(fold(v) for v in _strings(value) if " " not in v.strip())

    job_module = importlib.import_module("faker.providers.job")
    jobs = _jobs(_strings(getattr(job_module.Provider, "jobs", ()))) | {fold(j) for j in words.CLINICAL_PROFESSIONS}
    heads = {j.split()[-1] for j in jobs} - words.JOB_HEAD_STOP

    lorem = importlib.import_module("faker.providers.lorem.en_US").Provider
    common = {fold(w) for w in _strings(getattr(lorem, "word_list", ()))}
    for part in getattr(lorem, "parts_of_speech", {}).values():
        common.update(fold(w) for w in _strings(part))
    common |= {fold(w) for w in words.COMMON_WORDS}
    common -= {fold(w) for w in words.NOT_COMMON}

    places -= {""}
    countries -= {""}
    return PhiLexicon(
        first_names=frozenset(first),
        last_names=frozenset(last),
        common=frozenset(common),
        places=frozenset(p for p in places if len(p) > 2),
        countries=frozenset(countries),
        state_abbrs=frozenset(state_abbrs),
        street_suffixes=frozenset(street_suffixes),
        jobs=frozenset(jobs),
        job_heads=frozenset(heads),
        regions=frozenset(regions),
        max_place_words=4,
    )
