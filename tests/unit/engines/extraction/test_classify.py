from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.classify import classify_document, split_document

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
