from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.classify import classify_document, split_document
from medauto.engines.extraction.genre import genre_fit, genres

from .docs import INVOICE, RECEIPT, document

LICENSE = [
    ("CALIFORNIA DRIVER LICENSE", 0.05, 0.03, 0.5),
    ("DL 11234568", 0.4, 0.1, 0.3),
    ("EXP 08/31/2029", 0.4, 0.13, 0.3),
    ("LN SAMPLE", 0.4, 0.16, 0.3),
    ("FN ALEXANDER JOSEPH", 0.4, 0.19, 0.3),
    ("DOB 08/31/1977", 0.4, 0.22, 0.3),
    ("CLASS C  SEX M  HGT 5-08  EYES BRN", 0.4, 0.25, 0.5),
    ("ISS 08/31/2024", 0.4, 0.28, 0.3),
]
NAMES = ["receipt", "invoice", "us_driver_license", "lab_report", "prescription", "bank_statement", "pay_stub"]


def _blueprints():
    return [sample_blueprint(name) for name in NAMES]


def test_each_document_picks_its_blueprint():
    blueprints = _blueprints()
    for rows, expected in ((INVOICE, "invoice"), (RECEIPT, "receipt"), (LICENSE, "us_driver_license")):
        result = classify_document(document(rows), blueprints)
        assert result.index is not None and NAMES[result.index] == expected, (expected, result)
        others = [s for i, s in enumerate(result.scores) if i != result.index]
        assert result.score > max(others)


def test_unrelated_text_is_no_match():
    poem = [("The fog comes on little cat feet.", 0.1, 0.1, 0.6),
            ("It sits looking over harbor and city", 0.1, 0.13, 0.6)]
    result = classify_document(document(poem), _blueprints())
    assert result.index is None and result.score < 0.1


def test_split_groups_pages_by_blueprint_and_first_pages():
    invoice_page_two = [("Widget, continued", 0.05, 0.1, 0.3), ("Page 2 of 2", 0.4, 0.95, 0.2),
                        ("Total Due", 0.6, 0.48, 0.12), ("$10.00", 0.8, 0.48, 0.1)]
    doc = document(INVOICE, invoice_page_two, LICENSE, LICENSE)
    segments = split_document(doc, _blueprints())
    assert [s.page_indices for s in segments] == [(0, 1), (2,), (3,)]  # the repeated licence title starts a copy
    assert [NAMES[s.classification.index] for s in segments] == ["invoice", "us_driver_license", "us_driver_license"]


TAX_INVOICE_RECEIPT = [
    ("KEDAI MAKAN SRI MUTIARA SDN BHD", 0.2, 0.02, 0.6),
    ("NO 12, JALAN BUNGA RAYA, 53000 KUALA LUMPUR", 0.1, 0.05, 0.8),
    ("GST ID: 000123456789", 0.3, 0.08, 0.4),
    ("TAX INVOICE", 0.35, 0.11, 0.3),
    ("INVOICE NO: 593101", 0.05, 0.14, 0.4),
    ("DATE: 14-02-2018 13:02", 0.05, 0.17, 0.4),
    ("CASHIER: AMINAH", 0.05, 0.20, 0.4),
    ("QTY DESCRIPTION AMOUNT", 0.05, 0.24, 0.9),
    ("2 NASI LEMAK 9.00", 0.05, 0.27, 0.9),
    ("TOTAL (INCL GST) 9.00", 0.05, 0.33, 0.9),
    ("CASH 20.00", 0.05, 0.36, 0.9),
    ("CHANGE 11.00", 0.05, 0.39, 0.9),
    ("THANK YOU, PLEASE COME AGAIN", 0.15, 0.44, 0.7),
]
BILLED_TAX_INVOICE = [
    ("NORTHWIND TRADING PTY LTD", 0.05, 0.03, 0.5),
    ("TAX INVOICE", 0.6, 0.03, 0.3),
    ("Invoice Number: 10042", 0.6, 0.06, 0.35),
    ("Invoice Date: 02/03/2024", 0.6, 0.09, 0.35),
    ("Bill To: Harbour Cafe", 0.05, 0.12, 0.4),
    ("Due Date: 01/04/2024", 0.6, 0.12, 0.35),
    ("Payment Terms: Net 30", 0.6, 0.15, 0.35),
    ("Coffee beans 5 kg 120.00", 0.05, 0.3, 0.8),
    ("Total Due 132.00", 0.6, 0.4, 0.3),
    ("Please pay by bank transfer to account 123-456", 0.05, 0.5, 0.8),
]


def test_tax_invoice_receipts_and_billed_invoices_are_told_apart():
    blueprints = _blueprints()
    for rows, expected in ((TAX_INVOICE_RECEIPT, "receipt"), (BILLED_TAX_INVOICE, "invoice")):
        result = classify_document(document(rows), blueprints)
        assert result.index is not None and NAMES[result.index] == expected, (expected, result)


def test_genre_cues_only_for_blueprints_of_that_genre():
    lines = [text for text, *_ in TAX_INVOICE_RECEIPT]
    assert genres(sample_blueprint("receipt")) == ["receipt"]
    assert genres(sample_blueprint("lab_report")) == []
    assert genre_fit(lines, sample_blueprint("receipt")) == 1.0  # cash, change, cashier, thank you, qty line
    assert genre_fit(lines, sample_blueprint("invoice")) == 0.0
    assert genre_fit(lines, sample_blueprint("lab_report")) == 0.0
    assert genre_fit([text for text, *_ in BILLED_TAX_INVOICE], sample_blueprint("invoice")) == 1.0
