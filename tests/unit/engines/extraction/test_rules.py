from medauto.engines import registry
from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.engines import ensure_registered
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import parse_blueprint

from .docs import INVOICE, RECEIPT, document


def test_invoice_fields_groups_and_table():
    result = RulesExtractor().extract(document(INVOICE), sample_blueprint("invoice"))
    values = result.values
    assert values["invoice_number"] == "INV-2024-0113"
    assert values["invoice_date"] == "2024-03-05"  # month first: nothing in the document is day first
    assert values["due_date"] == "2024-04-04"
    assert values["vendor"]["name"] == "ACME SUPPLY CO. LTD"
    assert values["vendor"]["address"].startswith("120 Harbor Street, Suite 4 Springfield, IL 62704")
    assert values["vendor"]["phone"] == "(217) 555-0142"
    assert values["subtotal"] == 2545.0
    assert values["tax_amount"] == 203.6
    assert values["total_amount"] == 2748.6
    assert values["customer"]["name"] == ""  # not printed: BDA's empty value
    assert values["line_items"] == [
        {"description": "Widget, steel", "quantity": 10.0, "unit_price": 4.5, "amount": 45.0},
        {"description": "Bracket set", "quantity": 2.0, "unit_price": 1250.0, "amount": 2500.0},
    ]
    total = result.leaf("total_amount")
    assert total.raw == "$2,748.60" and total.page_index == 0
    assert total.box is not None and abs(total.box.top - 0.48) < 1e-9
    assert total.confidence > 0.8
    assert result.leaf("customer", "name").confidence == 0.0


def test_receipt_rounded_total_header_and_inferred_choice():
    result = RulesExtractor().extract(document(RECEIPT), sample_blueprint("receipt"))
    values = result.values
    assert values["merchant_name"] == "BLUE HILL BAKERY SDN BHD"
    assert values["merchant_address"] == "NO. 8, JALAN MERAH 3, TAMAN INDAH, 47100 PUCHONG"
    assert values["transaction_date"] == "2018-06-15"
    assert result.leaf("transaction_date").raw == "15-06-18"
    assert values["transaction_time"] == "14:02"
    assert values["total"] == 12.59  # the rounded figure, not the pre-rounding total, the cash or the quantity
    assert values["merchant_phone"] == "03-8076 1234"
    assert values["payment_method"] == "CASH"


def test_inferred_boolean_and_currency_derivations():
    schema = {
        "class": "Invoice",
        "properties": {
            "currency": {"type": "string", "inferenceType": "inferred", "instruction": "Currency code"},
            "card_accepted": {"type": "boolean", "inferenceType": "inferred", "instruction": "Card payment?"},
            "is_tax_exempt": {"type": "boolean", "inferenceType": "inferred", "instruction": "Tax exempt?"},
        },
    }
    result = RulesExtractor().extract(document(INVOICE), parse_blueprint(schema))
    assert result.values["currency"] == "USD"
    assert result.values["card_accepted"] is True  # "Payment by credit card accepted"
    assert result.values["is_tax_exempt"] == ""  # never mentioned: unknown, not False


def test_engines_are_registered_by_name():
    ensure_registered()
    assert {"extraction.rules.v1", "extraction.llm.v1"} <= set(registry.names())
    assert isinstance(registry.get("extraction.rules.v1"), RulesExtractor)
