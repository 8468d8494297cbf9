"""extraction.hybrid.v1: rules first, the model asked only for inferred fields the rules left empty."""

from typing import Any

from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.hybrid import HybridExtractor, ModelScope, model_fields
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import parse_blueprint
from medauto.engines.local_llm import complete_members
from medauto.engines.openai_chat import LlmError

from .docs import RECEIPT, document


class ScriptedModel:
    """In-memory JsonCompleter: answers a fixed object and records what it was asked."""

    def __init__(self, answer: dict[str, Any] | None = None, error: str = "") -> None:
        self.answer, self.error = answer or {}, error
        self.calls: list[tuple[list[dict[str, str]], dict[str, Any]]] = []

    def complete_json(self, messages, name, schema, max_tokens=None):
        self.calls.append((messages, schema))
        if self.error:
            raise LlmError(self.error)
        return self.answer


SIGNED = parse_blueprint({
    "class": "Letter", "description": "A letter", "type": "object",
    "properties": {
        "sender": {"type": "string", "inferenceType": "explicit", "instruction": "Who wrote the letter"},
        "is_signed": {"type": "boolean", "inferenceType": "inferred", "instruction": "Whether the letter is signed"},
        "tone": {"type": "string", "inferenceType": "inferred", "instruction": "The tone: friendly or formal"},
    },
})
LETTER = [("Sender: Ana Silva", 0.05, 0.05, 0.4), ("Dear Sir, thank you for the parcel.", 0.05, 0.2, 0.8),
          ("Signed, Ana", 0.05, 0.5, 0.3)]


def test_only_inferred_fields_left_empty_reach_the_model():
    model = ScriptedModel({"tone": "friendly"})
    result = HybridExtractor(lambda: model).extract(document(LETTER), SIGNED)
    assert [f.name for f in model_fields(SIGNED)] == ["is_signed", "tone"]
    (messages, schema), = model.calls
    assert schema["properties"] == {"tone": {"type": ["string", "null"]}}  # is_signed: the rules read "Signed"
    assert "Dear Sir" in messages[1]["content"]
    assert "tone (string): The tone: friendly or formal" in messages[0]["content"]
    assert result.values["tone"] == "friendly" and result.values["sender"] == "Ana Silva"
    assert result.values["is_signed"] is True
    assert 0 < result.leaf("tone").confidence <= 0.6  # a tiny model's guess never looks certain
    assert result.engine == "extraction.hybrid.v1"


def test_model_answer_located_in_the_layout():
    paid_by_card = [line for line in RECEIPT if line[0] not in ("CASH BILL", "CASH", "20.00", "CHANGE", "7.40")]
    paid_by_card.append(("VISA **** 4411 APPROVED", 0.05, 0.52, 0.5))
    model = ScriptedModel({"payment_method": "VISA"})
    result = HybridExtractor(lambda: model).extract(document(paid_by_card), sample_blueprint("receipt"))
    rules = RulesExtractor().extract(document(paid_by_card), sample_blueprint("receipt"))
    assert not rules.leaf("payment_method").found and len(model.calls) == 1
    assert result.values["payment_method"] == "VISA"
    evidence = result.leaf("payment_method")
    assert evidence.page_index == 0 and evidence.box is not None and evidence.box.top == 0.52
    assert result.values["total"] == rules.values["total"]  # explicit fields are the rules' own


def test_a_value_the_rules_found_is_not_asked_again():
    model = ScriptedModel({"payment_method": "VISA"})
    result = HybridExtractor(lambda: model).extract(document(RECEIPT), sample_blueprint("receipt"))
    assert result.values["payment_method"] == "CASH"  # "CASH BILL" printed
    assert all("payment_method" not in schema["properties"] for _, schema in model.calls)


def test_echoed_field_names_and_nulls_are_dropped():
    model = ScriptedModel({"is_signed": None, "tone": "The tone: friendly or formal"})
    letter = [line for line in LETTER if not line[0].startswith("Signed")]
    result = HybridExtractor(lambda: model).extract(document(letter), SIGNED)
    assert result.values["tone"] == "" and result.values["is_signed"] == ""


def test_a_failed_answer_keeps_the_rules_result_with_a_note():
    model = ScriptedModel(error="answer is not a JSON object")
    result = HybridExtractor(lambda: model).extract(document(LETTER), SIGNED)
    assert result.values["sender"] == "Ana Silva" and result.values["tone"] == ""
    assert result.notes == ["local model: answer is not a JSON object"]


def test_no_model_installed_keeps_the_rules_result_with_a_note():
    def absent():
        raise LlmError("the bundled model is not installed")

    result = HybridExtractor(absent).extract(document(LETTER), SIGNED)
    assert result.values["sender"] == "Ana Silva" and result.values["is_signed"] is True
    assert result.notes == ["local model: the bundled model is not installed"]


def test_all_scalars_scope_asks_every_scalar_and_keeps_tables_from_the_rules():
    model = ScriptedModel({"merchant_name": "BLUE HILL BAKERY SDN BHD"})
    result = HybridExtractor(lambda: model, scope=ModelScope.ALL_SCALARS, name="extraction.llm.local.v1").extract(
        document(RECEIPT), sample_blueprint("receipt"))
    rules = RulesExtractor().extract(document(RECEIPT), sample_blueprint("receipt"))
    (_, schema), = model.calls
    asked = set(schema["properties"])
    assert "merchant_name" in asked and "total" in asked and "items" not in asked
    assert result.values["merchant_name"] == "BLUE HILL BAKERY SDN BHD"
    assert result.values["total"] == ""  # the model said nothing: its scope, its answer
    assert result.values["items"] == rules.values["items"]


def test_blueprint_without_inferred_fields_never_loads_the_model():
    def never():
        raise AssertionError("model loaded")

    explicit = parse_blueprint({"class": "Letter", "type": "object", "properties": {
        "sender": {"type": "string", "inferenceType": "explicit", "instruction": "Who wrote the letter"}}})
    assert HybridExtractor(never).extract(document(LETTER), explicit).values == {"sender": "Ana Silva"}


def test_an_answer_cut_at_its_budget_keeps_the_members_completed_before_the_cut():
    assert complete_members('{"a": "x", "b": 2}') == {"a": "x", "b": 2}
    assert complete_members('{ "a": "x, y", "b": 2.5, "c": "cash_bills_cash_bills_cash_b') == {"a": "x, y", "b": 2.5}
    assert complete_members('{ "a": "never closed') is None
    assert complete_members("[1, 2]") is None
