"""Rules that keep extraction right on engine OCR: glued words, one-letter slips, fragments of one row."""

from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.header import clean_name
from medauto.engines.extraction.matchers import label_score, profile
from medauto.engines.extraction.normalize import find_dates
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import FieldSpec, FieldType

from .docs import document


def test_a_time_glued_to_the_year_still_leaves_the_date():
    assert [m.raw for m in find_dates("09/02/201811:40", day_first=True)] == ["09/02/2018"]
    assert [m.value for m in find_dates("REG #19-18/03/201823:02:16", day_first=True)] == ["2018-03-18"]
    assert find_dates("SR-12-03-18") == []  # part of a dashed code, not a date
    assert find_dates("12/03/20181") == []  # five digits are no year


def test_one_letter_ocr_slip_in_a_long_label_word():
    total = profile(FieldSpec("total", ("total",), FieldType.NUMBER))
    assert 0.8 <= label_score("Grand Toral", total) < label_score("Grand Total", total)
    assert label_score("Grand Tonal Cafe", total) < label_score("Grand Toral", total)
    assert label_score("Portal", total) == 0.0  # another first letter: another word
    assert label_score("Toral Qty", total) < 0.2  # the exclusions still apply


def test_names_keep_article_drop_trademark_signs():
    assert clean_name("THE: TOAST F&B SDN BHD (965752-T)") == "THE TOAST F&B SDN BHD"
    assert clean_name("FOUR° QUARTERS SDN BHD (1U79369-P)") == "FOUR QUARTERS SDN BHD"
    assert clean_name("DIMILIKI: BANH MI CAFE SDN BHD 1110644-W") == "BANH MI CAFE SDN BHD"


RECEIPT = [
    ("8812", 0.1, 0.01, 0.1),
    ("SANYUSTATIONERYSHOP", 0.1, 0.04, 0.4),
    ("3-7, GROUND FLOOR,", 0.05, 0.07, 0.35),
    ("JLN PUTRA DENGKIL 1", 0.5, 0.07, 0.35),
    ("No.J-G-02, Soho KI", 0.05, 0.10, 0.4),
    ("43800 DENGKIL, SELANGOR", 0.05, 0.13, 0.5),
    ("Owned By", 0.05, 0.16, 0.2),
    ("SANYU SUPPLY SDN BHD (1135772-K)", 0.05, 0.19, 0.5),
    ("Date", 0.05, 0.25, 0.1),
    ("09/02/201811:40", 0.3, 0.25, 0.3),
    ("Grand Toral RM29.30", 0.4, 0.40, 0.5),
    ("Cash", 0.05, 0.43, 0.2),
    ("50.00", 0.8, 0.43, 0.1),
]


def test_receipt_read_through_engine_ocr_slips():
    result = RulesExtractor().extract(document(RECEIPT), sample_blueprint("receipt"))
    values = result.values
    assert values["merchant_name"] == "SANYUSTATIONERYSHOP"  # the first name line, though its spaces were lost
    # Row fragments joined, "No.J-G-02" read as "No" + a unit number, the owner line not included.
    assert values["merchant_address"] == ("3-7, GROUND FLOOR, JLN PUTRA DENGKIL 1 No.J-G-02, Soho KI "
                                          "43800 DENGKIL, SELANGOR")
    assert result.leaf("transaction_date").raw == "09/02/2018"
    assert values["total"] == 29.3


def test_stamps_above_the_name_do_not_push_it_down():
    rows = [("8812", 0.1, 0.01, 0.1), ("0031", 0.6, 0.03, 0.1), ("#12", 0.1, 0.05, 0.1), ("77", 0.5, 0.07, 0.1),
            ("MR. DAKGALBI SOLARIS", 0.2, 0.10, 0.5), ("NO 21, JLN BUNGA KANTAN", 0.2, 0.13, 0.5),
            ("TOTAL 12.00", 0.2, 0.3, 0.5)]
    values = RulesExtractor().extract(document(rows), sample_blueprint("receipt")).values
    assert values["merchant_name"] == "MR. DAKGALBI SOLARIS"
