"""CRF token features: per-string facts cached once (shape, affixes, flags, gazetteer kinds, word cluster), per-
sentence neighbour windows, bigrams and gazetteer phrase matches; and the files they are read from.
"""

from __future__ import annotations

import gzip
import json
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

GAZETTEER_FILE = "ner-gazetteer.txt.gz"
CLUSTERS_FILE = "ner-clusters.txt.gz"
CARD_FILE = "ner-card.json"
# Name kinds by bit: drug / disease names (registry packages), disease / chemical mentions of the training splits.
GAZ_KINDS = ("drug", "dis", "tdis", "tchem")
_MAX_PHRASE = 8
_CACHE_LIMIT = 200_000

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


def read_gazetteer(path: Path) -> Gazetteer:
    """One shared, read-only copy per file: the model and the PHI recognizer's drug-name check use the same one."""
    return Gazetteer.read(path)


def load_features(model_dir: Path) -> Featurizer:
    card = json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    config = FeatureConfig(**card["features"])
    gaz = read_gazetteer(model_dir / GAZETTEER_FILE) if config.gazetteer else None
    clusters = read_clusters(model_dir / CLUSTERS_FILE) if config.clusters else None
    return Featurizer(config, gaz, clusters)
