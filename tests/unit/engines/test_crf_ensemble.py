"""The "accurate" profile's CRF ensemble: BIOES-constrained decoding, member averaging, the shipped ensemble."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from medauto.engines.text.crf_ensemble import ACCURATE_MODEL_DIR, ENSEMBLE_FILE, BioesLattice, CrfEnsemble
from medauto.engines.text.crf_ner import CrfNer, decode
from medauto.engines.text.doc import Doc
from medauto.engines.text.eval_ner import DEVEL, evaluate_iob
from medauto.engines.text.pipeline import ClinicalTextPipeline

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
LABELS = (
    "O",
    "B-Disease",
    "I-Disease",
    "E-Disease",
    "S-Disease",
    "B-Chemical",
    "I-Chemical",
    "E-Chemical",
    "S-Chemical",
)


@pytest.fixture(scope="module")
def fast() -> CrfNer:
    return CrfNer.load()


@pytest.fixture(scope="module")
def accurate() -> CrfEnsemble:
    return CrfEnsemble.load(ACCURATE_MODEL_DIR)


def _scores(lattice: BioesLattice, rows: list[dict[str, float]]) -> list[list[float]]:
    return [[math.log(row.get(label, 1e-6)) for label in lattice.labels] for row in rows]


def test_decoding_obeys_bioes() -> None:
    lattice = BioesLattice.of(LABELS)
    # Token by token the likeliest labels are O, I-Disease, E-Chemical: no valid sequence. The decoder must pick
    # the best allowed one, which here is a two-token disease.
    rows = [{"O": 0.6, "B-Disease": 0.4}, {"I-Disease": 0.5, "E-Disease": 0.45}, {"E-Chemical": 0.5, "O": 0.45}]
    labels = [lattice.labels[j] for j in lattice.best_path(_scores(lattice, rows))]
    assert labels == ["B-Disease", "E-Disease", "O"]
    assert decode(labels) == [(0, 2, "Disease")]


def test_lattice_has_every_allowed_transition() -> None:
    lattice = BioesLattice.of(LABELS)
    index = {label: j for j, label in enumerate(lattice.labels)}
    assert index["B-Disease"] in lattice.previous[index["I-Disease"]]
    assert index["B-Chemical"] not in lattice.previous[index["I-Disease"]]
    assert index["O"] not in lattice.previous[index["E-Chemical"]]
    assert lattice.starts[index["S-Chemical"]] and not lattice.starts[index["I-Chemical"]]
    assert lattice.stops[index["E-Disease"]] and not lattice.stops[index["B-Disease"]]


def test_identical_members_vote_like_one(fast: CrfNer) -> None:
    text = "Cisplatin-induced acute renal failure and hypertension were treated with furosemide."
    one = CrfEnsemble([fast], 0.7).find(Doc(text))
    two = CrfEnsemble([fast, fast], 0.7).find(Doc(text))
    assert [(s.begin, s.end, s.label) for s in one] == [(s.begin, s.end, s.label) for s in two]
    assert {s.text for s in one} >= {"Cisplatin", "acute renal failure", "hypertension", "furosemide"}


def test_a_lower_o_weight_finds_at_least_as_many_entity_words(fast: CrfNer) -> None:
    text = "Patients with ischemic cardiomyopathy on amiodarone developed AF and thyrotoxicosis."

    def words(weight: float) -> int:
        return sum(len(s.text.split()) for s in CrfEnsemble([fast], weight).find(Doc(text)))

    assert words(0.05) >= words(1.0)


def test_shipped_ensemble(accurate: CrfEnsemble) -> None:
    spec = json.loads((ACCURATE_MODEL_DIR / ENSEMBLE_FILE).read_text())
    assert len(accurate.members) == len(spec["members"]) >= 2
    assert 0.0 < accurate.o_weight <= 1.0
    files = [p for p in ACCURATE_MODEL_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 8_000_000  # a few MB on top of the fast model
    spans = accurate.find(Doc("The patient developed acute renal failure after cisplatin."))
    assert {(s.label, s.text) for s in spans} >= {("DX_NAME", "acute renal failure"), ("GENERIC_NAME", "cisplatin")}


@pytest.mark.skipif(not (DATA / DEVEL["ncbi-disease"]).is_file(), reason="shared/data not beside the repo")
def test_ensemble_on_a_devel_slice(accurate: CrfEnsemble) -> None:
    scores = evaluate_iob(accurate, DATA / DEVEL["ncbi-disease"], "ncbi-disease", limit=200)
    assert scores["ALL"].f1 > 0.85


def test_accurate_profile_runs_the_whole_pipeline() -> None:
    pipeline = ClinicalTextPipeline.load("accurate")
    analysis = pipeline.entities("Denies chest pain. Takes aspirin 81 mg daily for coronary artery disease.")
    assert analysis.model_version.startswith("medauto-accurate")
    found = {(m.span.label, m.span.text) for m in analysis.mentions}
    assert ("GENERIC_NAME", "aspirin") in found
    assert any(label == "DX_NAME" and "coronary artery disease" in text for label, text in found)
