"""Documents made inside the tests: a born-digital clinical PDF (fpdf2, core fonts), page images drawn with
Pillow (DejaVu when the system has it), scans of those pages wrapped in a PDF, multi-page TIFFs."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

HPI = (
    "The patient is a 67 year old man admitted with chest pain and shortness of breath. He has a history of "
    "hypertension and type 2 diabetes. An electrocardiogram showed no acute changes and troponin levels stayed "
    "normal over two measurements. Symptoms resolved with rest and he was observed overnight without events."
)
PLAN = (
    "Continue the current medications and follow up with the primary care physician in two weeks. Return to the "
    "emergency department if the chest pain recurs or gets worse."
)
MEDICATIONS = ("Aspirin 81 mg daily", "Metformin 500 mg twice daily", "Lisinopril 10 mg daily")
LAB_ROWS = (("Test", "Value", "Unit"), ("Hemoglobin", "12.4", "g/dL"), ("Glucose", "108", "mg/dL"),
            ("Creatinine", "0.9", "mg/dL"))


def _header_footer(pdf: FPDF, page: int, pages: int) -> None:
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(15, 8)
    pdf.cell(0, 4, "Riverside Clinic - Confidential")
    pdf.set_xy(15, 285)
    pdf.cell(0, 4, f"Page {page} of {pages}", align="C")


def clinical_pdf() -> bytes:
    """Two A4 pages: header, title, sections, paragraphs, a dash list, a ruled 4x3 table, a footer."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title("Discharge Summary")
    pdf.set_author("Dr. Test")
    pdf.add_page()
    _header_footer(pdf, 1, 2)
    pdf.set_xy(15, 25)
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 10, "Discharge Summary")
    pdf.set_xy(15, 45)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "History of Present Illness")
    pdf.set_xy(15, 55)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(180, 5.5, HPI)
    pdf.set_xy(15, pdf.get_y() + 8)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "Medications")
    pdf.set_font("Helvetica", size=11)
    y = pdf.get_y() + 10
    for item in MEDICATIONS:
        pdf.set_xy(20, y)
        pdf.cell(0, 5.5, f"- {item}")
        y += 7
    pdf.set_xy(15, y + 6)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "Laboratory Results")
    pdf.set_xy(15, y + 18)
    pdf.set_font("Helvetica", size=11)
    with pdf.table(col_widths=(60, 40, 40), width=140, align="L", first_row_as_headings=True) as table:
        for row in LAB_ROWS:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.add_page()
    _header_footer(pdf, 2, 2)
    pdf.set_xy(15, 25)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "Plan")
    pdf.set_xy(15, 35)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(180, 5.5, PLAN)
    return bytes(pdf.output())


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path("/usr/share/fonts/truetype/dejavu") / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def page_image(lines: list[tuple[str, int, bool]], size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A white page (A4 at 150 dpi) with one text line per entry (text, font px, bold), left-aligned."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    y = 120
    for text, px, bold in lines:
        if text:
            draw.text((110, y), text, font=font(px, bold), fill="black")
        y += int(px * 1.6)
    return image


SCAN_LINES: list[tuple[str, int, bool]] = [
    ("Radiology Report", 48, True),
    ("", 20, False),
    ("Findings", 30, True),
    ("The lungs are clear without focal consolidation.", 26, False),
    ("There is no pleural effusion or pneumothorax.", 26, False),
    ("Heart size is normal.", 26, False),
    ("", 20, False),
    ("Impression", 30, True),
    ("No acute cardiopulmonary process.", 26, False),
]


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def scanned_pdf(images: list[Image.Image], stamp: str = "") -> bytes:
    """A PDF whose pages are only pictures (no text layer), as a scanner makes them; ``stamp`` adds a few words
    of real text at the bottom of each page, as a fax machine does."""
    pdf = FPDF(unit="pt", format=(595, 842))
    for image in images:
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=595, h=842)
        if stamp:
            pdf.set_font("Helvetica", size=9)
            pdf.set_xy(40, 800)
            pdf.cell(200, 12, stamp)
    return bytes(pdf.output())


def typed_then_scanned_pdf(image: Image.Image) -> bytes:
    """Page 1 typed (a text layer), page 2 a scanned picture: a faxed report appended to a typed letter."""
    pdf = FPDF(unit="pt", format=(595, 842))
    pdf.add_page()
    pdf.set_xy(50, 60)
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 26, "Referral Letter")
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(50, 110)
    pdf.cell(0, 14, "Patient seen in clinic today")
    pdf.set_xy(50, 150)
    pdf.cell(0, 14, "Please review the attached report.")
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=595, h=842)
    return bytes(pdf.output())


def multipage_tiff(images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    return out.getvalue()


LEFT_COLUMN = (
    "Left column text starts the article and explains the background of the study in several sentences that wrap "
    "over many lines of the narrow column so that the reader must finish it before moving right."
)
RIGHT_COLUMN = (
    "Right column text continues the article with the methods and results of the study, and it also wraps over "
    "several lines of its own narrow column on the right half of the page."
)
VITALS = (("Vital", "Value", "Time"), ("Pulse", "72", "08:00"), ("Temperature", "37.1", "08:05"),
          ("Blood pressure", "128/82", "08:10"))


def two_column_pdf() -> bytes:
    """A full-width heading over two text columns, then a full-width borderless (unruled) table and a figure."""
    from PIL import Image as PilImage

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_xy(15, 20)
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 10, "Study Report")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(15, 40)
    pdf.multi_cell(85, 5, LEFT_COLUMN)
    pdf.set_xy(110, 40)
    pdf.multi_cell(85, 5, RIGHT_COLUMN)
    y = 90.0
    for row in VITALS:
        for x, cell in zip((15, 70, 110), row, strict=True):
            pdf.set_xy(x, y)
            pdf.cell(35, 5, cell)
        y += 7
    pdf.set_xy(15, y + 8)
    pdf.cell(0, 5, "The chart below shows the trend.")
    chart = PilImage.new("RGB", (400, 200), (200, 220, 255))
    pdf.image(chart, x=15, y=y + 20, w=100, h=50)
    return bytes(pdf.output())
