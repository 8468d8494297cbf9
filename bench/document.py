"""Document engine benchmarks: born-digital PDF pages/s per core, scanned pages s/page (OCR on every core),
and how much of the text layer OCR reads back (word recall), so speed is never bought with accuracy unseen.

    .venv/bin/python bench/document.py                       # prints JSON, writes bench/results/document-*.json
    .venv/bin/python bench/document.py --pages 30 --scanned 4

Pages are synthetic clinical documents made with fpdf2 (a test dependency) from a fixed seed: a header, a
heading, three paragraphs, a ruled lab table and a numbered footer per page. The machine is shared; the report
carries the load average so runs compare.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, stamp, write_report  # noqa: E402

TEXT = (
    "patient reports chest pain shortness of breath for three days with intermittent palpitations and fatigue "
    "history of hypertension type 2 diabetes hyperlipidemia takes metformin 500 mg twice daily lisinopril 10 mg "
    "daily atorvastatin 40 mg at bedtime denies fever cough nausea vomiting examination shows regular rhythm "
    "clear lungs no edema laboratory results were reviewed with the patient and the plan was discussed"
)
WORDS = TEXT.split(" ")
LABS = (("Hemoglobin", "g/dL"), ("Glucose", "mg/dL"), ("Creatinine", "mg/dL"), ("Sodium", "mmol/L"),
        ("Potassium", "mmol/L"), ("LDL cholesterol", "mg/dL"))


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def make_pdf(pages: int, seed: int = 20261123) -> bytes:
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(False)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(15, 8)
        pdf.cell(0, 4, "Riverside Medical Center - Patient Record")
        pdf.set_xy(15, 20)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, f"Progress Note {number}")
        pdf.set_xy(15, 32)
        pdf.set_font("Helvetica", size=10)
        for _ in range(3):
            pdf.multi_cell(185, 5, " ".join(_sentence(rng) for _ in range(5)))
            pdf.set_xy(15, pdf.get_y() + 4)
        with pdf.table(col_widths=(60, 30, 30), width=120, align="L") as table:
            header = table.row()
            for cell in ("Test", "Value", "Unit"):
                header.cell(cell)
            for name, unit in LABS:
                row = table.row()
                row.cell(name)
                row.cell(f"{rng.uniform(0.5, 150):.1f}")
                row.cell(unit)
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(15, 268)
        pdf.cell(0, 4, f"Page {number} of {pages}", align="C")
    return bytes(pdf.output())


def scanned_copy(data: bytes, pages: int) -> bytes:
    """The first ``pages`` pages rendered at 150 dpi and put back in a PDF as pictures only."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    document = pdfium.PdfDocument(data)
    out = FPDF(unit="pt", format="letter")
    for index in range(pages):
        image = document[index].render(scale=150 / 72, grayscale=True).to_pil()
        out.add_page()
        out.image(image, x=0, y=0, w=612, h=792)
    document.close()
    return bytes(out.output())


def bench_born_digital(data: bytes, pages: int) -> dict[str, Any]:
    from medauto.engines.document.parser import parse_document

    parse_document(data, max_pages=1)  # warm imports
    cpu0, wall0 = time.process_time(), time.perf_counter()
    parsed = parse_document(data)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    assert len(parsed.pages) == pages
    return {
        "pages": pages,
        "pages_per_s_per_core": round(pages / cpu, 1),
        "ms_per_page_cpu": round(cpu / pages * 1000, 1),
        "wall_s": round(wall, 2),
        "elements": len(parsed.elements),
        "tables": sum(1 for e in parsed.elements if e.kind == "TABLE"),
        "goal_pages_per_s_per_core": 10,
    }


def _recall(expected: str, read: str) -> float:
    want, got = Counter(expected.split()), Counter(read.split())
    return sum((want & got).values()) / max(sum(want.values()), 1)


def bench_scanned(data: bytes, pages: int) -> dict[str, Any]:
    from medauto.engines.document.ocr import ocr_engine
    from medauto.engines.document.parser import parse_document

    truth = parse_document(data, max_pages=pages)
    scan = scanned_copy(data, pages)
    started = time.perf_counter()
    ocr_engine()
    load_s = time.perf_counter() - started
    parse_document(scan, max_pages=1)  # warm-up: onnxruntime's first runs allocate
    cpu0, wall0 = time.process_time(), time.perf_counter()
    parsed = parse_document(scan)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    recall = [_recall(t.text, p.text) for t, p in zip(truth.pages, parsed.pages, strict=True)]
    chars = sum(len(p.text) for p in parsed.pages)
    return {
        "pages": pages,
        "s_per_page_wall": round(wall / pages, 2),
        # CPU seconds of every thread: on a busy shared machine the wall time above inflates, this much less.
        "cpu_s_per_page": round(cpu / pages, 2),
        "cpu_ms_per_100_chars": round(cpu / chars * 100_000, 1),
        "chars_per_page": chars // pages,
        "lines_per_page": round(sum(len(p.lines) for p in parsed.pages) / pages, 1),
        "ocr_load_s": round(load_s, 2),
        "word_recall_vs_text_layer": round(sum(recall) / len(recall), 4),
        "tables": sum(1 for e in parsed.elements if e.kind == "TABLE"),
        "goal_s_per_page": 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20, help="born-digital pages to parse")
    parser.add_argument("--scanned", type=int, default=3, help="scanned pages to OCR")
    parser.add_argument("--out", help="JSON output path (default bench/results/document-<timestamp>.json)")
    args = parser.parse_args()

    data = make_pdf(max(args.pages, args.scanned))
    report: dict[str, Any] = {
        "date": stamp(),
        "machine": machine(),
        "load_average_before": [round(v, 2) for v in os.getloadavg()],
        "born_digital": bench_born_digital(data, max(args.pages, args.scanned)),
        "scanned": bench_scanned(data, args.scanned),
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    write_report(report, "document", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
