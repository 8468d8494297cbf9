"""Global field assignment, document titles vs issuers, and parsed tables with partial column headers."""

from medauto.engines.document.parser import parse_document
from medauto.engines.document.types import Box, Element, ElementKind, FileType, Page, ParsedDocument, Table
from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.matchers import profile
from medauto.engines.extraction.rules import RulesExtractor
from medauto.engines.extraction.schema import FieldSpec, FieldType, parse_blueprint
from medauto.engines.extraction.tables import header_score
from tests.docgen import lab_report_pdf

from .docs import LAB, document


def test_a_value_named_better_by_another_field_is_not_reused():
    result = RulesExtractor().extract(document(LAB), sample_blueprint("lab_report"))
    assert result.values["patient"]["date_of_birth"] == "1961-07-14"
    assert result.values["collection_date"] == "2024-03-05"
    # "Date of Birth" and "Collection Date" name other fields better; the report date is not printed.
    assert result.values["report_date"] == ""
    assert result.values["patient"]["name"] == "Maria Lopez"


def test_equally_named_fields_may_share_a_value():
    schema = {"class": "Bill", "properties": {
        "total": {"type": "number", "instruction": "The total"},
        "amount_due": {"type": "number", "instruction": "The amount due"},
    }}
    rows = [("Total Amount Due: 45.10", 0.05, 0.1, 0.5)]
    values = RulesExtractor().extract(document(rows), parse_blueprint(schema)).values
    assert values == {"total": 45.1, "amount_due": 45.1}


def test_a_document_title_is_not_the_issuer_unless_asked_for():
    result = RulesExtractor().extract(document(LAB), sample_blueprint("lab_report"))
    assert result.values["laboratory_name"] == ""  # neither the title nor the patient/provider lines
    titled = [("Riverside Laboratories Report", 0.05, 0.03, 0.5), *LAB[1:]]
    schema = {"class": "Lab", "properties": {"laboratory_name": {
        "type": "string", "instruction": "The laboratory as printed in the title of the report"}}}
    values = RulesExtractor().extract(document(titled), parse_blueprint(schema)).values
    assert values["laboratory_name"] == "Riverside Laboratories Report"


def test_partial_headers_name_columns():
    test_name = profile(FieldSpec("test_name", ("test_name",), FieldType.STRING, instruction="The test"))
    units = profile(FieldSpec("units", ("units",), FieldType.STRING))
    reference = profile(FieldSpec("reference_range", ("reference_range",), FieldType.STRING,
                                  instruction="The normal reference range"))
    assert 0.55 <= header_score("Test", test_name) < header_score("Test Name", test_name) == 1.0
    assert header_score("Unit", units) >= 0.85
    assert header_score("Normal Range", reference) >= 0.7
    assert header_score("Ref. Range", reference) >= 0.7
    assert header_score("Unit", test_name) == 0.0
    assert header_score("Normal", reference) == 0.0  # a word of the instruction alone names nothing


def _table_document(rows: tuple[tuple[str, ...], ...]) -> ParsedDocument:
    table = Element(ElementKind.TABLE, "", Box(0.05, 0.3, 0.9, 0.2), 0, 0, table=Table(rows, header_rows=1))
    return ParsedDocument(FileType.PDF, (Page(0, 1000, 1400, (), (table,)),))


def test_parsed_table_rows_fill_the_mapped_columns():
    rows = (("Test", "Result", "Unit", "Normal Range", "Flag"), ("Hemoglobin", "13.5", "g/dL", "12.0-15.5", ""),
            ("Glucose", "131", "mg/dL", "70-99", "H"))
    results = RulesExtractor().extract(_table_document(rows), sample_blueprint("lab_report")).values["results"]
    assert results == [
        {"test_name": "Hemoglobin", "result": "13.5", "units": "g/dL", "reference_range": "12.0-15.5", "flag": ""},
        {"test_name": "Glucose", "result": "131", "units": "mg/dL", "reference_range": "70-99", "flag": "H"},
    ]


def test_lab_report_pdf_end_to_end():
    result = RulesExtractor().extract(parse_document(lab_report_pdf()), sample_blueprint("lab_report"))
    values = result.values
    assert [(r["test_name"], r["result"], r["units"]) for r in values["results"]] == [
        ("Hemoglobin", "13.5", "g/dL"), ("Glucose", "98", "mg/dL")]
    assert values["report_date"] == "" and values["laboratory_name"] == ""
    assert values["collection_date"] == "2024-03-05" and values["patient"]["date_of_birth"] == "1961-07-14"
