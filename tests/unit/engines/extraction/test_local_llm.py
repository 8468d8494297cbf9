"""The bundled SmolLM2-135M in llama.cpp: found in site-packages, checked, and answering schema-shaped JSON."""

import pytest

from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.hybrid import HybridExtractor, ModelScope
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.local_llm import (
    MODEL_FILE,
    _check_digest,
    bundled_model_path,
    local_model,
    local_model_available,
)
from medauto.engines.openai_chat import LlmError

from .docs import RECEIPT, document


def test_the_bundled_model_is_installed_and_is_the_checked_file():
    assert local_model_available()
    path = bundled_model_path()
    assert path.name == MODEL_FILE and path.stat().st_size > 90_000_000


def test_a_different_file_is_refused(tmp_path):
    fake = tmp_path / MODEL_FILE
    fake.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(LlmError, match="not the SmolLM2 file"):
        _check_digest(fake)


def test_configured_path_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDAUTO_LOCAL_LLM_PATH", str(tmp_path / "missing.gguf"))
    with pytest.raises(LlmError, match="names no file"):
        bundled_model_path()


def test_answers_follow_the_schema_and_copy_a_printed_value():
    schema = {"type": "object", "additionalProperties": False, "required": ["merchant_name", "total"],
              "properties": {"merchant_name": {"type": ["string", "null"]}, "total": {"type": ["number", "null"]}}}
    text = "\n".join(line[0] for line in RECEIPT)
    answer = local_model().complete_json(
        [{"role": "system", "content": "Answer in JSON: the shop's name and the amount paid."},
         {"role": "user", "content": text}], "receipt", schema)
    assert set(answer) == {"merchant_name", "total"}  # the grammar allows nothing else
    assert answer["merchant_name"] == "BLUE HILL BAKERY SDN BHD"
    assert isinstance(answer["total"], float | int)


def test_local_engine_answers_every_scalar_field_tables_from_the_rules():
    result = HybridExtractor(local_model, scope=ModelScope.ALL_SCALARS, name="extraction.llm.local.v1").extract(
        document(RECEIPT), sample_blueprint("receipt"))
    rules = RulesExtractor().extract(document(RECEIPT), sample_blueprint("receipt"))
    assert result.engine == "extraction.llm.local.v1"
    assert result.values["merchant_name"] == "BLUE HILL BAKERY SDN BHD"
    assert result.leaf("merchant_name").box is not None  # located in the layout
    assert result.leaf("merchant_name").confidence <= 0.6
    assert result.values["items"] == rules.values["items"]


def test_hybrid_with_the_real_model_keeps_rules_values_and_caps_guesses():
    card = [line for line in RECEIPT if line[0] not in ("CASH BILL", "CASH", "20.00", "CHANGE", "7.40")]
    card.append(("VISA **** 4411 APPROVED", 0.05, 0.52, 0.5))
    result = HybridExtractor(local_model).extract(document(card), sample_blueprint("receipt"))
    assert result.values["total"] == 12.59 and result.values["merchant_name"] == "BLUE HILL BAKERY SDN BHD"
    guess = result.leaf("payment_method")
    assert guess.confidence <= 0.6  # whatever the tiny model says, it is never presented as certain
