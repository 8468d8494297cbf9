"""all-MiniLM-L6-v2 in NumPy against golden vectors of the PyTorch reference (tools/minilm_reference.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from medauto.engines.embeddings import EmbeddingError, MiniLmEncoder, embeddings_available, encoder, model_dir

GOLDEN = json.loads((Path(__file__).parent / "data" / "minilm_golden.json").read_text())


def test_vectors_match_the_reference_implementation():
    vectors = encoder().encode(GOLDEN["sentences"])
    assert vectors.shape == (len(GOLDEN["sentences"]), 384) and vectors.dtype == np.float32
    assert np.abs(vectors[:, :16] - np.array(GOLDEN["head"])).max() < 1e-5
    assert np.abs(vectors @ vectors.T - np.array(GOLDEN["cosine"])).max() < 1e-5
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_padding_does_not_change_a_sentence_vector():
    alone = encoder().encode(["Attending physician"])[0]
    padded = encoder().encode(["Attending physician", "a much longer sentence that forces padding of the first"])[0]
    assert np.abs(alone - padded).max() < 1e-5
    assert encoder().encode([]).shape == (0, 384)


def test_installed_and_refuses_a_folder_without_weights(tmp_path, monkeypatch):
    assert embeddings_available()
    (tmp_path / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    (tmp_path / "tokenizer.json").write_text((model_dir() / "tokenizer.json").read_text())
    with pytest.raises(EmbeddingError, match="no BERT weights"):
        MiniLmEncoder(tmp_path)
    monkeypatch.setenv("MEDAUTO_EMBEDDING_MODEL_DIR", str(tmp_path / "absent"))
    assert not embeddings_available()
