"""The shipped Disease/Chemical CRF: loads, finds obvious mentions, keeps exact offsets, scores on a devel slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from medauto.engines.text.crf_ner import MODEL_DIR, CrfNer, card, decode, model_attributes, tokenize
from medauto.engines.text.doc import Doc
from medauto.engines.text.eval_ner import DEVEL, evaluate_iob, iob_chunks
from medauto.engines.text.types import Category

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
# F1 of the shipped model on the first 200 NCBI-disease devel sentences measured 0.907; floor leaves a margin.
NCBI_SLICE_FLOOR = 0.85


@pytest.fixture(scope="module")
def ner() -> CrfNer:
    return CrfNer.load()


def test_shipped_model_and_card() -> None:
    info = card()
    assert (MODEL_DIR / info["model_file"]).is_file()
    assert info["devel_scores"]["ncbi-disease"]["ALL"]["f1"] > 0.75
    total = sum(f["bytes"] for f in info["files"].values())
    assert total <= 25_000_000


def test_obvious_mentions(ner: CrfNer) -> None:
    text = "The patient developed acute renal failure after cisplatin."
    spans = ner.find(Doc(text))
    found = {(s.label, s.text) for s in spans}
    assert found & {("DX_NAME", "acute renal failure"), ("DX_NAME", "renal failure")}
    assert ("GENERIC_NAME", "cisplatin") in found
    for s in spans:
        assert s.source == "crf"
        assert 0.0 < s.score <= 1.0
        assert s.category is (Category.MEDICAL_CONDITION if s.label == "DX_NAME" else Category.MEDICATION)


@pytest.mark.parametrize(
    "text",
    [
        "Café-au-lait spots and neurofibromatosis were noted. Naïve patients received métformine and aspirin.",
        "Pt c/o chest pain 🙂 since yesterday; hx of diabetes mellitus type 2 — on metformin 500 mg BID.",
        "Parkinson's disease patients treated with L-dopa developed dyskinesia.\n\nNo hypertension.",
        "  \n  Hypokalemia   after furosemide  \u00a0(40 mg) and haloperidol-induced\tparkinsonism.  ",
    ],
)
def test_offsets_are_exact(ner: CrfNer, text: str) -> None:
    spans = ner.find(Doc(text))
    assert spans
    for s in spans:
        assert text[s.begin : s.end] == s.text
        assert s.text == s.text.strip()


def test_empty_text(ner: CrfNer) -> None:
    assert ner.find(Doc("")) == []
    assert ner.find(Doc("   \n\n ")) == []


def test_decode_bio_and_bioes() -> None:
    assert decode(["B-Disease", "I-Disease", "O", "S-Chemical", "B-Chemical", "E-Chemical"]) == [
        (0, 2, "Disease"),
        (3, 4, "Chemical"),
        (4, 6, "Chemical"),
    ]
    assert decode(["I-Disease", "I-Chemical", "O"]) == [(0, 1, "Disease"), (1, 2, "Chemical")]
    assert iob_chunks(["O", "I-Disease", "B-Disease", "I-Disease"]) == [(1, 2, "Disease"), (2, 4, "Disease")]


@pytest.mark.skipif(not (DATA / DEVEL["ncbi-disease"]).is_file(), reason="shared/data not beside the repo")
def test_ncbi_devel_slice(ner: CrfNer) -> None:
    scores = evaluate_iob(ner, DATA / DEVEL["ncbi-disease"], "ncbi-disease", limit=200)
    assert set(scores) == {"Disease", "ALL"}
    assert scores["ALL"].f1 > NCBI_SLICE_FLOOR


def test_model_attributes_are_the_crfsuite_attribute_dictionary(ner: CrfNer) -> None:
    known = model_attributes(ner.model_path)
    assert known is not None
    assert known == frozenset(ner._tagger().info().attributes)


@pytest.mark.parametrize(
    "text",
    [
        "The patient developed acute renal failure after cisplatin and type 2 diabetes mellitus.",
        "Parkinson's disease patients treated with L-dopa developed dyskinesia; no hypertension.",
        "BP 132/84 mmHg, metformin 500 mg PO daily, Crohn\u2019s disease, naïve café 5 µg x\x00y.",
    ],
)
def test_restricted_features_give_the_same_tags_and_marginals(ner: CrfNer, text: str) -> None:
    """Leaving out the attributes the model has no weights for changes nothing crfsuite computes."""
    words = [t.text for t in tokenize(text)]
    tagger = ner._tagger()
    full = ner.featurizer.sentence(words)
    restricted = ner._features.sentence(words)
    assert restricted == [[a for a in attrs if a in ner._features.known] for attrs in full]
    assert sum(map(len, restricted)) < sum(map(len, full))
    labels = tagger.tag(full)
    marginals = [tagger.marginal(label, i) for i, label in enumerate(labels)]
    assert tagger.tag(restricted) == labels
    assert [tagger.marginal(label, i) for i, label in enumerate(labels)] == marginals


def test_a_full_sentence_cache_is_cleared_without_losing_this_documents_tags(
    ner: CrfNer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import medauto.engines.text.crf_ner as crf_ner

    seen = "The patient was treated with cisplatin for lung cancer."
    ner.find(Doc(seen))  # now cached
    # The next document repeats the cached sentence and brings new ones that overflow a tiny cache, which is
    # cleared while this document still needs the cached sentence's tags.
    text = f"{seen} Hypertension was noted. Aspirin was given for headache."
    monkeypatch.setattr(crf_ner, "_SENTENCE_CACHE_LIMIT", 1)
    found = [(s.begin, s.end, s.label) for s in ner.find(Doc(text))]
    monkeypatch.undo()
    assert found == [(s.begin, s.end, s.label) for s in ner.find(Doc(text))]
    assert any(text[b:e] == "cisplatin" for b, e, _ in found)
