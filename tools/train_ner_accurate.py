"""Rebuild the "accurate" profile's NER ensemble (medauto/engines/text/models/accurate/) from the training splits.

    .venv/bin/python tools/train_ner_accurate.py [--data ../shared/data] [--select-only]

Trains the member CRFs with ``tools/train_ner.py`` (training splits only), each with other features than the
shipped "fast" model, which is the ensemble's first member. Then it picks the ``O`` weight of the ensemble's
decoder on the development splits (the mean of the NCBI-disease and BC5CDR ALL F1) and writes ``ensemble.json``
with the members, the weight and every development score tried. ``--select-only`` keeps the trained members.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from medauto.engines.text.crf_ensemble import ACCURATE_MODEL_DIR, ENSEMBLE_FILE, CrfEnsemble  # noqa: E402
from medauto.engines.text.crf_ner import MODEL_DIR, CrfNer, sentence_words  # noqa: E402
from medauto.engines.text.doc import Doc  # noqa: E402
from medauto.engines.text.eval_ner import DEVEL, iob_chunks, read_iob, sentence_text  # noqa: E402
from medauto.engines.text.scoring import Key, score_spans  # noqa: E402
from tools import train_ner  # noqa: E402

# Member folder -> train_ner.py options. Diversity is the point: both add a cross-fold training-mention lexicon, then
# a wider window, or longer affixes with stronger regularisation. (A member with neighbour affixes,
# "--context-affixes", was tried too: the mean devel F1 was 0.06 lower.)
MEMBERS: dict[str, list[str]] = {
    "window3": ["--lexicon-folds", "5", "--window", "3", "--iterations", "300"],
    "affixes6": ["--lexicon-folds", "5", "--affixes", "6", "--c1", "0.1", "--c2", "0.05", "--iterations", "250"],
}
O_WEIGHTS = (1.0, 0.8, 0.6, 0.5, 0.4, 0.3)


def devel_scores(data: Path, ensembles: dict[float, CrfEnsemble]) -> dict[float, dict[str, float]]:
    """ALL F1 per ``O`` weight and devel corpus, exact spans as ``medauto eval`` scores them; the members'
    marginals are computed once per sentence and decoded with every weight."""
    base = next(iter(ensembles.values()))
    out: dict[float, dict[str, float]] = {w: {} for w in ensembles}
    for corpus, rel in DEVEL.items():
        gold: list[Key] = []
        predicted: dict[float, list[Key]] = {w: [] for w in ensembles}
        annotated: set[str] = set()
        for n, sentence in enumerate(read_iob(data / rel)):
            text, offsets = sentence_text([token for token, _ in sentence])
            for b, e, kind in iob_chunks([tag for _, tag in sentence]):
                gold.append(((corpus, n), offsets[b][0], offsets[e - 1][1], kind))
                annotated.add(kind)
            words, begins, ends, groups = sentence_words(Doc(text))
            for first, stop in groups:
                probs = base.marginals(words[first:stop], text)
                for weight, ensemble in ensembles.items():
                    for b, e, kind, _ in ensemble.decode(probs):
                        predicted[weight].append(((corpus, n), begins[first + b], ends[first + e - 1], kind))
        for weight, found in predicted.items():
            kept = [key for key in found if key[3] in annotated]
            out[weight][corpus] = round(score_spans(gold, kept)["ALL"].f1, 4)
    return out


def select_weight(data: Path, members: list[CrfNer]) -> tuple[float, dict[str, dict[str, float]]]:
    """The ``O`` weight with the best mean ALL F1 over the devel splits, and every score tried."""
    scores = devel_scores(data, {weight: CrfEnsemble(members, weight) for weight in O_WEIGHTS})
    for weight, by_corpus in scores.items():
        print(f"o_weight {weight}: " + ", ".join(f"{c} {f1:.4f}" for c, f1 in by_corpus.items()), flush=True)
    best = max(O_WEIGHTS, key=lambda w: sum(scores[w].values()))
    return best, {str(w): s for w, s in scores.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ACCURATE_MODEL_DIR)
    ap.add_argument("--select-only", action="store_true", help="keep the trained members; only pick the weight")
    ap.add_argument("--members", help="comma-separated subset of the members to use (default: all)")
    args = ap.parse_args(argv)
    out: Path = args.out
    started = time.time()
    chosen = args.members.split(",") if args.members else list(MEMBERS)
    if not args.select_only:
        for name in chosen:
            options = MEMBERS[name]
            print(f"training member {name}: {' '.join(options)}", flush=True)
            train_ner.main(["--data", str(args.data), "--out", str(out / name), *options])
    members = [CrfNer.load(path) for path in [MODEL_DIR, *(out / name for name in chosen)]]
    weight, tried = select_weight(args.data, members)
    spec = {
        "name": "medauto CRF ensemble (Disease, Chemical)",
        "members": ["..", *chosen],  # relative to this folder; ".." is the fast profile's model
        "member_options": {"..": "the fast profile's model (tools/train_ner.py defaults)"}
        | {name: " ".join(MEMBERS[name]) for name in chosen},
        "o_weight": weight,
        "selection": "best mean ALL F1 of ncbi-disease and bc5cdr devel over o_weight in "
        + ", ".join(map(str, O_WEIGHTS)),
        "devel_f1": tried,
        "date": dt.date.today().isoformat(),
        "seconds": round(time.time() - started),
    }
    (out / ENSEMBLE_FILE).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    print(f"o_weight {weight}; wrote {out / ENSEMBLE_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
