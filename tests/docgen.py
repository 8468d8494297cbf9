"""Documents made inside the tests: a born-digital PDF (fpdf2) and a rendered receipt image (Pillow)."""

from __future__ import annotations

import io
from pathlib import Path

FIELDS = (
    ("Patient Name", "Maria Lopez"),
    ("Date of Birth", "07/14/1961"),
    ("Ordering Provider", "Dr. Alan Chen"),
    ("Collection Date", "03/05/2024"),
    ("Accession Number", "LAB-20240305-117"),
)
LAB_ROWS = (("Test", "Result", "Unit"), ("Hemoglobin", "13.5", "g/dL"), ("Glucose", "98", "mg/dL"))


def lab_report_pdf(pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(0, 14, "Laboratory Report" if page == 0 else f"Laboratory Report, page {page + 1}", new_x="LMARGIN",
                 new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for label, value in FIELDS:
            pdf.cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.multi_cell(0, 6, "The results below were reviewed by the attending physician at Riverside Clinic.")
        pdf.ln(4)
        with pdf.table() as table:
            for row in LAB_ROWS:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
    return bytes(pdf.output())


def receipt_png(lines: tuple[str, ...] = ("ROUKEA CAFE", "12 JALAN MERDEKA", "TOTAL 12.50")) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    font = ImageFont.truetype(str(font_path), 36) if font_path.exists() else ImageFont.load_default(36)
    image = Image.new("RGB", (720, 120 + 70 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for n, text in enumerate(lines):
        draw.text((40, 50 + 70 * n), text, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


RECEIPT_LINES = (
    "ROUKEA CAFE",
    "12 JALAN MERDEKA, 50000 KUALA LUMPUR",
    "TEL: 03-2345 6789",
    "RECEIPT NO: 004512",
    "DATE: 25/12/2018",
    "NASI LEMAK 2 x 4.50 9.00",
    "TEH TARIK 1 x 3.50 3.50",
    "SUBTOTAL 12.50",
    "TOTAL 12.50",
    "CASH 20.00",
    "CHANGE 7.50",
)


def bundle_pdf() -> bytes:
    """A lab report (2 pages, the second marked as a continuation) followed by a one-page receipt."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    for page in range(2):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(0, 14, "Laboratory Report", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for label, value in FIELDS:
            pdf.cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        for row in LAB_ROWS:
            pdf.cell(0, 6, "    ".join(row), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.cell(0, 6, f"Page {page + 1} of 2")
    pdf.add_page()
    pdf.set_font("Courier", "", 12)
    for line in RECEIPT_LINES:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
