"""Hand-built parsed documents: each line is (text, left, top, width) on a page with fixed line height."""

from medauto.engines.document.types import Box, FileType, Line, Page, ParsedDocument

HEIGHT = 0.02


def page(index: int, rows: list[tuple[str, float, float, float]]) -> Page:
    lines = tuple(Line(text, Box(left, top, width, HEIGHT)) for text, left, top, width in rows)
    return Page(index, 1000, 1400, lines, ())


def document(*pages: list[tuple[str, float, float, float]]) -> ParsedDocument:
    return ParsedDocument(FileType.PDF, tuple(page(i, rows) for i, rows in enumerate(pages)))


INVOICE = [
    ("ACME SUPPLY CO. LTD", 0.05, 0.03, 0.4),
    ("120 Harbor Street, Suite 4", 0.05, 0.06, 0.4),
    ("Springfield, IL 62704", 0.05, 0.09, 0.4),
    ("Tel: (217) 555-0142", 0.05, 0.12, 0.3),
    ("INVOICE", 0.6, 0.03, 0.2),
    ("Invoice No: INV-2024-0113", 0.6, 0.06, 0.35),
    ("Invoice Date: 03/05/2024", 0.6, 0.09, 0.35),
    ("Due Date: April 4, 2024", 0.6, 0.12, 0.35),
    ("Description", 0.05, 0.30, 0.3),
    ("Qty", 0.45, 0.30, 0.05),
    ("Unit Price", 0.6, 0.30, 0.12),
    ("Amount", 0.8, 0.30, 0.1),
    ("Widget, steel", 0.05, 0.33, 0.3),
    ("10", 0.46, 0.33, 0.03),
    ("4.50", 0.62, 0.33, 0.06),
    ("45.00", 0.8, 0.33, 0.08),
    ("Bracket set", 0.05, 0.36, 0.3),
    ("2", 0.46, 0.36, 0.03),
    ("1,250.00", 0.6, 0.36, 0.1),
    ("2,500.00", 0.8, 0.36, 0.1),
    ("Subtotal", 0.6, 0.42, 0.12),
    ("$2,545.00", 0.8, 0.42, 0.1),
    ("Sales Tax", 0.6, 0.45, 0.12),
    ("$203.60", 0.8, 0.45, 0.1),
    ("Total Due", 0.6, 0.48, 0.12),
    ("$2,748.60", 0.8, 0.48, 0.1),
    ("Payment by credit card accepted", 0.05, 0.6, 0.5),
]

RECEIPT = [
    ("BLUE HILL BAKERY SDN BHD (123456-A)", 0.2, 0.02, 0.6),
    ("NO. 8, JALAN MERAH 3,", 0.25, 0.05, 0.5),
    ("TAMAN INDAH,", 0.3, 0.08, 0.4),
    ("47100 PUCHONG", 0.3, 0.11, 0.4),
    ("TEL: 03-8076 1234", 0.3, 0.14, 0.4),
    ("CASH BILL", 0.4, 0.18, 0.2),
    ("DATE: 15-06-18", 0.05, 0.21, 0.3),
    ("TIME: 14:02", 0.6, 0.21, 0.2),
    ("TOTAL (RM):", 0.05, 0.40, 0.3),
    ("12.60", 0.8, 0.40, 0.1),
    ("ROUNDING ADJ", 0.05, 0.43, 0.3),
    ("-0.01", 0.8, 0.43, 0.1),
    ("NET TOTAL (RM):", 0.05, 0.46, 0.3),
    ("12.59", 0.8, 0.46, 0.1),
    ("TOTAL QTY: 3", 0.05, 0.49, 0.3),
    ("CASH", 0.05, 0.52, 0.2),
    ("20.00", 0.8, 0.52, 0.1),
    ("CHANGE", 0.05, 0.55, 0.2),
    ("7.40", 0.8, 0.55, 0.1),
]

LAB = [
    ("Laboratory Report", 0.05, 0.03, 0.4),
    ("Patient Name: Maria Lopez", 0.05, 0.08, 0.4),
    ("Date of Birth: 07/14/1961", 0.05, 0.11, 0.4),
    ("Ordering Provider: Dr. Alan Chen", 0.05, 0.14, 0.4),
    ("Collection Date: 03/05/2024", 0.05, 0.17, 0.4),
]
