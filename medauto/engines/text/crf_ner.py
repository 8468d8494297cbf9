"""Disease and chemical mentions from a linear-chain CRF (python-crfsuite) trained here by ``tools/train_ner.py``.

Features are cheap on purpose: everything that depends on a token's string alone (lower-cased word, shapes,
affixes, flags, gazetteer membership, word cluster) is computed once per distinct string and cached; a sentence
adds only its neighbour windows, two bigrams and the gazetteer phrase matches. The gazetteer (drug and disease
names, derived at training time from two MIT-licensed registry packages) and the word clusters ship next to the
model, so nothing is looked up or downloaded at run time.
"""

from __future__ import annotations

import gzip
import json
import struct
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medauto.engines import registry
from medauto.engines.text.doc import Doc
from medauto.engines.text.types import Category, Span, Token

if TYPE_CHECKING:
    import pycrfsuite

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "ner-crf.crfsuite"
GAZETTEER_FILE = "ner-gazetteer.txt.gz"
CLUSTERS_FILE = "ner-clusters.txt.gz"
CARD_FILE = "ner-card.json"

# Corpus entity type -> (Comprehend Medical label, category).
TYPES: dict[str, tuple[str, Category]] = {
    "Disease": ("DX_NAME", Category.MEDICAL_CONDITION),
    "Chemical": ("GENERIC_NAME", Category.MEDICATION),
}
# Name kinds by bit: drug / disease names (registry packages), disease / chemical mentions of the training splits.
GAZ_KINDS = ("drug", "dis", "tdis", "tchem")
_MAX_PHRASE = 8
_CACHE_LIMIT = 200_000
_SENTENCE_CACHE_LIMIT = 50_000


def split_tokens(tokens: Iterable[Token]) -> list[Token]:
    """Doc tokens, with ``Parkinson's`` split as the training corpora do (``Parkinson`` ``'`` ``s``)."""
    out: list[Token] = []
    for tok in tokens:
        cut = tok.text.find("'")
        if cut <= 0:
            out.append(tok)
            continue
        b = tok.begin
        out.append(Token(b, b + cut, tok.text[:cut]))
        out.append(Token(b + cut, b + cut + 1, "'"))
        out.append(Token(b + cut + 1, tok.end, tok.text[cut + 1 :]))
    return out


def tokenize(text: str) -> list[Token]:
    return split_tokens(Doc(text).tokens)


@dataclass(frozen=True)
class FeatureConfig:
    affixes: int = 5  # prefixes and suffixes of length 2..affixes
    window: int = 2  # neighbour words at -window..+window
    bigrams: bool = True
    gazetteer: bool = True
    clusters: bool = True
    context_affixes: bool = False  # 3-letter prefix and suffix of the neighbouring words too


class Gazetteer:
    """Lower-cased names as space-joined token sequences, each with a bit mask of kinds."""

    def __init__(self, names: dict[str, int]) -> None:
        self.names = names
        self.prefixes: set[str] = set()
        self.words: dict[str, int] = {}
        present = 0
        for name, mask in names.items():
            present |= mask
            parts = name.split(" ")
            for i in range(1, len(parts)):
                self.prefixes.add(" ".join(parts[:i]))
            for part in parts:
                self.words[part] = self.words.get(part, 0) | mask
        self.kinds = [(1 << bit, kind) for bit, kind in enumerate(GAZ_KINDS) if present & (1 << bit)]
        self._mask_kinds: dict[int, tuple[int, ...]] = {}

    @classmethod
    def read(cls, path: Path) -> Gazetteer:
        names: dict[str, int] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                mask, _, name = line.rstrip("\n").partition("\t")
                names[name] = int(mask)
        return cls(names)

    def write(self, path: Path) -> None:
        with gzip.GzipFile(path, "wb", mtime=0) as raw:
            raw.write("".join(f"{m}\t{n}\n" for n, m in sorted(self.names.items())).encode("utf-8"))

    def matches(self, lowers: Sequence[str], heads: Sequence[int] | None = None) -> list[list[str]]:
        """Per token, ``g<kind>:B`` / ``g<kind>:I`` for the longest name of each kind starting left-most.

        Per kind, names are matched greedily left to right. ``heads`` (the positions whose token is a name or the
        first word of one, in order) may be passed when known; no name of any kind starts anywhere else.
        """
        out: list[list[str]] = [[] for _ in lowers]
        for i, tags in self.tags(lowers, heads).items():
            out[i] = tags
        return out

    def tags(
        self, lowers: Sequence[str], heads: Sequence[int] | None = None, stops: Sequence[int] | None = None
    ) -> dict[int, list[str]]:
        """``matches`` for the tokens that get any tag. With ``stops`` (per token, where its sentence ends), ``lowers``
        may hold several sentences: each is matched as if on its own."""
        n = len(lowers)
        names, prefixes, kinds = self.names, self.prefixes, self.kinds
        if heads is None:
            heads = [i for i, low in enumerate(lowers) if low in names or low in prefixes]
        out: dict[int, list[str]] = {}
        if not heads:
            return out
        # One walk per head finds the longest name of every kind starting there; each kind then resumes after its
        # own match, exactly as a separate greedy pass per kind would.
        kind_of = self._kinds_of_mask
        found: list[list[tuple[int, int]]] = [[] for _ in kinds]
        resume = [0] * len(kinds)
        floor = 0  # min(resume): no kind can match before it
        for i in heads:
            if i < floor:
                continue
            key = lowers[i]
            mask = names.get(key, 0)
            best: dict[int, int] | None = dict.fromkeys(kind_of(mask), i + 1) if mask else None
            j = i + 1
            stop = n if stops is None else stops[i]
            while j < stop and j - i < _MAX_PHRASE and key in prefixes:
                key = f"{key} {lowers[j]}"
                j += 1
                mask = names.get(key, 0)
                if mask:
                    if best is None:
                        best = {}
                    for k in kind_of(mask):
                        best[k] = j
            if best:
                for k, stop in best.items():
                    if i >= resume[k]:
                        found[k].append((i, stop))
                        resume[k] = stop
                floor = min(resume)
        for (_, kind), spans in zip(kinds, found, strict=True):
            begin, inside = f"g{kind}:B", f"g{kind}:I"
            for i, stop in spans:
                out.setdefault(i, []).append(begin)
                for k in range(i + 1, stop):
                    out.setdefault(k, []).append(inside)
        return out

    def _kinds_of_mask(self, mask: int) -> tuple[int, ...]:
        """Positions in ``kinds`` of the kinds in a name's bit mask."""
        found = self._mask_kinds.get(mask)
        if found is None:
            found = self._mask_kinds[mask] = tuple(k for k, (bit, _) in enumerate(self.kinds) if mask & bit)
        return found


def read_clusters(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        pairs = (line.rstrip("\n").partition("\t") for line in f)
        return {word: code for word, _, code in pairs if code}


def write_clusters(path: Path, clusters: dict[str, str]) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as raw:
        raw.write("".join(f"{w}\t{c}\n" for w, c in sorted(clusters.items())).encode("utf-8"))


def _shape(s: str) -> str:
    return "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in s)


def _short(shape: str) -> str:
    out: list[str] = []
    for c in shape:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


# What the featurizer keeps per distinct token string: lower-cased form, own attributes, attributes as seen from each
# neighbour offset, and whether a gazetteer name can start at the token.
_Info = tuple[str, list[str], dict[int, list[str]], bool]
_NO_GAZ: tuple[list[str], list[str], list[str]] = ([], [], [])


class Featurizer:
    """Turns a sentence's token strings into crfsuite attribute lists; thread-safe (the caches only grow).

    With ``known`` (the attributes a model has weights for), attributes outside it are left out: crfsuite skips
    unknown attributes anyway, so the model sees exactly the same input, only without the strings it would look up
    and drop.
    """

    def __init__(
        self,
        config: FeatureConfig,
        gazetteer: Gazetteer | None = None,
        clusters: dict[str, str] | None = None,
        known: Collection[str] | None = None,
    ) -> None:
        self.config = config
        self.gazetteer = gazetteer if config.gazetteer else None
        self.clusters = (clusters or {}) if config.clusters else {}
        self.known = None if known is None else frozenset(known)
        self.offsets = [o for o in range(-config.window, config.window + 1) if o]
        self._cache: dict[str, _Info] = {}
        # Pseudo neighbours for positions outside the sentence: ``edge@o`` right next to it, nothing further out.
        self._left_edge = {-o: self._keep([f"edge@{o}"]) for o in self.offsets if o < 0}
        self._right_edge = {-o: self._keep([f"edge@{o}"]) for o in self.offsets if o > 0}
        self._beyond: dict[int, list[str]] = {-o: [] for o in self.offsets}
        # Gazetteer tags of a token -> (its own, as seen from the next token, as seen from the previous token).
        self._gaz_cache: dict[tuple[str, ...], tuple[list[str], list[str], list[str]]] = {}

    def restricted(self, known: Collection[str]) -> Featurizer:
        """The same features, restricted to the attributes in ``known`` (see the class docstring)."""
        return Featurizer(self.config, self.gazetteer, self.clusters, known)

    def _keep(self, attributes: list[str]) -> list[str]:
        known = self.known
        return attributes if known is None else [a for a in attributes if a in known]

    def _info(self, s: str) -> _Info:
        info = self._cache.get(s)
        if info is not None:
            return info
        low = s.lower()
        shape = _shape(s)
        short = _short(shape)
        own = ["b", "w=" + low, "sh=" + (shape if len(shape) <= 12 else short), "ss=" + short]
        n = len(low)
        for k in range(2, self.config.affixes + 1):
            if n > k:
                own.append(f"p{k}={low[:k]}")
                own.append(f"s{k}={low[-k:]}")
        if s[0].isupper():
            own.append("T" if s[1:].islower() else "U" if s.isupper() else "M")
        if any(c.isdigit() for c in s):
            own.append("D" if s.isdigit() else "d")
        own.append("len=" + ("1" if n == 1 else "2" if n == 2 else "3" if n < 5 else "5" if n < 8 else "8"))
        shared = ["ss=" + short]
        if self.config.context_affixes and n > 3:
            shared += [f"p3={low[:3]}", f"s3={low[-3:]}"]
        head = False
        if self.gazetteer is not None:
            mask = self.gazetteer.names.get(low, 0)
            wmask = self.gazetteer.words.get(low, 0)
            head = bool(mask) or low in self.gazetteer.prefixes
            for bit, kind in enumerate(GAZ_KINDS):
                if mask & (1 << bit):
                    own.append("gw" + kind)
                    shared.append("gw" + kind)
                elif wmask & (1 << bit):
                    own.append("gv" + kind)
        cluster = self.clusters.get(low)
        if cluster is not None:
            for k in (4, 8, 12, 20):
                if len(cluster) >= k:
                    own.append(f"c{k}={cluster[:k]}")
            shared.append("c=" + cluster[:8])
        ctx = {
            o: self._keep([f"{a}@{o}" for a in (["w=" + low, *shared] if abs(o) == 1 else ["w=" + low])])
            for o in self.offsets
        }
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        info = self._cache[s] = (low, self._keep(own), ctx, head)
        return info

    def _gaz(self, tags: list[str]) -> tuple[list[str], list[str], list[str]]:
        key = tuple(tags)
        found = self._gaz_cache.get(key)
        if found is None:
            found = self._gaz_cache[key] = (
                self._keep(list(tags)),
                self._keep([a + "@-1" for a in tags]),
                self._keep([a + "@1" for a in tags]),
            )
        return found

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        return self.document([words])[0]

    def document(self, sentences: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        """``[self.sentence(words) for words in sentences]``, built for all the sentences at once."""
        cache = self._cache
        infos = [cache.get(w) or self._info(w) for words in sentences for w in words]
        total = len(infos)
        bounds: list[tuple[int, int]] = []  # (first, stop) token of each sentence
        for words in sentences:
            first = bounds[-1][1] if bounds else 0
            bounds.append((first, first + len(words)))
        lowers = [i[0] for i in infos]
        # Per neighbour offset o, what each token sees of its neighbour i + o: the neighbour's attributes for key -o,
        # ``edge@o`` right past its sentence's ends, nothing further out.
        ctxs = [i[2] for i in infos]
        columns: list[list[list[str]]] = []
        for o in self.offsets:
            if o < 0:
                column = [*[[]] * -o, *[d[-o] for d in ctxs[: max(0, total + o)]]][:total]
                for first, stop in bounds:
                    for g in range(first, min(first - o, stop)):
                        column[g] = self._left_edge[-o] if g + o == first - 1 else []
            else:
                column = [*[d[-o] for d in ctxs[o:]], *[[]] * o][:total]
                for first, stop in bounds:
                    for g in range(max(stop - o, first), stop):
                        column[g] = self._right_edge[-o] if g + o == stop else []
            columns.append(column)
        # The two bigrams of each token (those the model knows, when restricted).
        pairs: list[tuple[str, ...]]
        if self.config.bigrams:
            known = self.known
            previous = ["^", *lowers[:-1]] if total else []
            following = [*lowers[1:], "$"] if total else []
            for first, stop in bounds:
                if first < stop:
                    previous[first] = "^"
                    following[stop - 1] = "$"
            before = [f"b-={a}|{b}" for a, b in zip(previous, lowers, strict=True)]
            after = [f"b+={a}|{b}" for a, b in zip(lowers, following, strict=True)]
            if known is None:
                pairs = list(zip(before, after, strict=True))
            else:
                pairs = [
                    ((b, a) if a in known else (b,)) if b in known else ((a,) if a in known else ())
                    for b, a in zip(before, after, strict=True)
                ]
        else:
            pairs = [()] * total
        owns = [info[1] for info in infos]
        out: list[list[str]]
        if len(columns) == 4:  # the shipped window of two words each side, in one pass
            c1, c2, c3, c4 = columns
            out = [[*o, *a, *b, *c, *d, *p] for o, a, b, c, d, p in zip(owns, c1, c2, c3, c4, pairs, strict=True)]
        else:
            out = [list(own) for own in owns]
            for column in columns:
                for feats, seen in zip(out, column, strict=True):
                    feats += seen
            for feats, pair in zip(out, pairs, strict=True):
                feats += pair
        if self.gazetteer is not None:
            heads = [i for i, info in enumerate(infos) if info[3]]
            if heads:
                stops = [stop for first, stop in bounds for _ in range(first, stop)]
                gaz = {i: self._gaz(tags) for i, tags in self.gazetteer.tags(lowers, heads, stops).items()}
                # A token's own name tags, then its left and its right neighbour's (in its sentence).
                for i in sorted({t for k in gaz for t in (k - 1, k, k + 1) if 0 <= t < total}):
                    first = bounds[bisect_right(bounds, (i, total + 1)) - 1][0]
                    feats = out[i]
                    feats += gaz.get(i, _NO_GAZ)[0]
                    if i > first:
                        feats += gaz.get(i - 1, _NO_GAZ)[1]
                    if i + 1 < stops[i]:
                        feats += gaz.get(i + 1, _NO_GAZ)[2]
        return [out[first:stop] for first, stop in bounds]


def decode(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token ranges ``[start, end)`` and type from BIO or BIOES labels, conlleval style (stray I- starts one)."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, label in enumerate([*labels, "O"]):
        tag, _, typ = label.partition("-")
        if start >= 0 and (tag in ("O", "B", "S") or typ != kind):
            spans.append((start, i, kind))
            start = -1
        if tag in ("B", "S") or (tag in ("I", "E") and start < 0):
            start, kind = i, typ
        if start >= 0 and tag in ("E", "S"):
            spans.append((start, i + 1, kind))
            start = -1
    return spans


@lru_cache(maxsize=8)
def read_gazetteer(path: Path) -> Gazetteer:
    """One shared, read-only copy per file: the model and the PHI recognizer's drug-name check use the same one."""
    return Gazetteer.read(path)


def load_features(model_dir: Path) -> Featurizer:
    card = json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    config = FeatureConfig(**card["features"])
    gaz = read_gazetteer(model_dir / GAZETTEER_FILE) if config.gazetteer else None
    clusters = read_clusters(model_dir / CLUSTERS_FILE) if config.clusters else None
    return Featurizer(config, gaz, clusters)


def model_attributes(path: Path) -> frozenset[str] | None:
    """The attribute names a crfsuite model file has weights for, read from its attribute dictionary (a CQDB
    database: a header, then an id-ordered table of record offsets, each record ``id, size, name + NUL``).
    ``None`` if the file is not laid out that way."""
    data = path.read_bytes()
    try:
        magic, _, kind, _, _, _, count, _, _, at, _, _ = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
        chunk, _, _, order, table_size, table = struct.unpack_from("<4sIIIII", data, at)
        if (magic, kind, chunk, order, table_size) != (b"lCRF", b"FOMC", b"CQDB", _CQDB_BYTEORDER, count):
            return None
        names = []
        for (offset,) in struct.iter_unpack("<I", data[at + table : at + table + 4 * count]):
            _, size = struct.unpack_from("<iI", data, at + offset)
            start = at + offset + 8
            if size < 1 or data[start + size - 1] != 0:
                return None
            names.append(data[start : start + size - 1].decode("utf-8"))
    except (struct.error, UnicodeDecodeError, IndexError):
        return None
    return frozenset(names)


_CQDB_BYTEORDER = 0x62445371


class CrfNer:
    """``find(doc)`` -> Disease (DX_NAME) and Chemical (GENERIC_NAME) spans, scored by their mean marginal."""

    def __init__(self, model_path: Path, featurizer: Featurizer) -> None:
        self.model_path = model_path
        self.featurizer = featurizer
        self._local = threading.local()  # crfsuite taggers are not thread-safe: one per thread
        # Tagged sentences by their words, one cache per featurizer (restricted, unrestricted): see find.
        self._sentence_cache: dict[bool, dict[tuple[str, ...], tuple[tuple[int, int, str, float], ...]]] = {
            False: {},
            True: {},
        }

    @classmethod
    def load(cls, model_dir: Path | None = None) -> CrfNer:
        model_dir = model_dir or MODEL_DIR
        ner = cls(model_dir / MODEL_FILE, load_features(model_dir))
        ner._tagger()  # fail early on a missing or corrupt model
        ner._features  # noqa: B018  (read the model's attribute names now, not on the first request)
        return ner

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger: pycrfsuite.Tagger | None = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.model_path))
            self._local.tagger = tagger
        return tagger

    @cached_property
    def _features(self) -> Featurizer:
        """The featurizer restricted to the model's attributes: the same tags and marginals, less to look up."""
        known = model_attributes(self.model_path)
        if known is None:
            known = frozenset(self._tagger().info().attributes)
        return self.featurizer.restricted(known)

    def tagger(self) -> pycrfsuite.Tagger:
        """This thread's tagger (crfsuite taggers are not thread-safe)."""
        return self._tagger()

    def sentence_features(self, words: Sequence[str], text: str) -> list[list[str]]:
        """The attribute lists of one sentence's words; ``text`` is the document they come from."""
        return self._featurizer_for(text).sentence(words)

    def _featurizer_for(self, text: str) -> Featurizer:
        # crfsuite reads an attribute name up to a NUL character: text with one gets the unrestricted attributes.
        return self._features if "\x00" not in text else self.featurizer

    def tag(self, words: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """Token ranges, type and mean marginal probability for one pre-tokenized sentence."""
        if not words:
            return []
        return self._tag(self._featurizer_for("".join(words)).sentence(words), self._tagger())

    @staticmethod
    def _tag(features: list[list[str]], tagger: pycrfsuite.Tagger) -> list[tuple[int, int, str, float]]:
        labels = tagger.tag(features)
        if labels.count("O") == len(labels):
            return []  # what decode finds in a sentence without entities
        out = []
        marginal = tagger.marginal
        for b, e, kind in decode(labels):
            p = sum(marginal(labels[i], i) for i in range(b, e)) / (e - b)
            out.append((b, e, kind, p))
        return out

    def find(self, doc: Doc) -> list[Span]:
        text = doc.text
        words, begins, ends, groups = sentence_words(doc)
        featurizer = self._featurizer_for(text)
        # A sentence's tags depend on its words alone (features never cross sentence bounds), so sentences seen
        # before (templates, "No known drug allergies.") are looked up; only the new ones are featurized and tagged.
        cache = self._sentence_cache[featurizer is self.featurizer]
        keys = [tuple(words[first:stop]) for first, stop in groups]
        # This document's tags are kept apart from the shared cache, which may be cleared meanwhile (when full,
        # or by another thread) without losing a sentence looked up here.
        tags = {key: cache.get(key) for key in keys}
        new = [key for key, found in tags.items() if found is None]
        if new:
            tagger = self._tagger()
            if len(cache) + len(new) > _SENTENCE_CACHE_LIMIT:
                cache.clear()
            for key, sentence in zip(new, featurizer.document(new), strict=True):
                tags[key] = cache[key] = tuple(self._tag(sentence, tagger))
        spans: list[Span] = []
        for (first, _), key in zip(groups, keys, strict=True):
            for b, e, kind, p in tags[key] or ():
                begin, end = begins[first + b], ends[first + e - 1]
                label, category = TYPES[kind]
                spans.append(Span(begin, end, text[begin:end], label, category, round(p, 4), "crf"))
        return spans


def sentence_words(doc: Doc) -> tuple[Sequence[str], Sequence[int], Sequence[int], list[tuple[int, int]]]:
    """The words the models see (``Parkinson's`` split as the training corpora are), their offsets, and each
    non-empty sentence's word range ``[first, stop)``."""
    if "'" not in doc.text:
        return doc.words, doc.begins, doc.ends, [(first, stop) for first, stop in doc.sentence_tokens if first < stop]
    tokens = split_tokens(doc.tokens)
    words = [t.text for t in tokens]
    begins = [t.begin for t in tokens]
    ends = [t.end for t in tokens]
    groups = []
    k = 0
    for _, s_end in doc.sentences:
        stop = bisect_left(begins, s_end, k)
        if k < stop:
            groups.append((k, stop))
        k = stop
    return words, begins, ends, groups


def card(model_dir: Path | None = None) -> dict[str, Any]:
    return dict(json.loads(((model_dir or MODEL_DIR) / CARD_FILE).read_text(encoding="utf-8")))


def config_dict(config: FeatureConfig) -> dict[str, Any]:
    return asdict(config)


@registry.register("text.ner.crf.v1")
def _factory() -> CrfNer:
    return CrfNer.load()
