"""Evaluate :class:`PhiRecognizer` on presidio-research's synthetic PII sentences (the dev split only).

Type mapping (presidio -> Comprehend Medical): PERSON -> NAME; STREET_ADDRESS, GPE, ZIP_CODE -> ADDRESS;
PHONE_NUMBER -> PHONE_OR_FAX; EMAIL_ADDRESS -> EMAIL; DOMAIN_NAME, IP_ADDRESS -> URL; CREDIT_CARD, IBAN_CODE,
US_SSN, US_DRIVER_LICENSE -> ID; DATE_TIME -> DATE; AGE -> AGE.

TITLE is mixed in this data: about half of its spans are job titles ("Biomedical engineer", "Cinematographer"),
which are PROFESSION, and the rest are honorifics ("Mr.", "Dr.", "Mrs."), which Comprehend Medical does not report
as PHI (its NAME excludes the title). Job-title TITLE spans count as PROFESSION gold; honorific ones are ignored.

Ignored spans: ORGANIZATION, NRP (not DetectPHI types) and honorific TITLE spans are removed from the gold, and
a prediction that overlaps any of them is dropped before scoring (neither a true nor a false positive), since
the data would otherwise count, e.g., a NAME found inside "Johnson Inc." as an error.

Two scorings:

* exact: a prediction is a true positive only with the gold span's exact offsets and type;
* relaxed (``relaxed=True``): a gold span is found (TP) when a prediction of its type overlaps it, each gold span
  counted once; a prediction that overlaps no gold span of its type is a false positive. One prediction may thus
  find several gold spans (presidio splits "20789 Allika 46" into "20789" and "Allika 46"); TP counts gold spans.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medauto.engines.text.doc import Doc
from medauto.engines.text.phi import PhiRecognizer
from medauto.engines.text.phi_words import words
from medauto.engines.text.scoring import Key, Scores, format_table, score_spans

DEV_FILE = Path("/work/shared/data/presidio-synth/synth_dataset_v2.dev.json")
TYPE_MAP = {
    "PERSON": "NAME",
    "STREET_ADDRESS": "ADDRESS",
    "GPE": "ADDRESS",
    "ZIP_CODE": "ADDRESS",
    "PHONE_NUMBER": "PHONE_OR_FAX",
    "EMAIL_ADDRESS": "EMAIL",
    "DOMAIN_NAME": "URL",
    "IP_ADDRESS": "URL",
    "CREDIT_CARD": "ID",
    "IBAN_CODE": "ID",
    "US_SSN": "ID",
    "US_DRIVER_LICENSE": "ID",
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    "TITLE": "PROFESSION",
}
IGNORED_TYPES = frozenset({"ORGANIZATION", "NRP"})
HONORIFICS = frozenset(words("mr mrs ms miss mx dr doctor prof professor sir madam dame lady lord rev fr sr"))


@dataclass(frozen=True)
class Record:
    index: int
    text: str
    gold: list[tuple[int, int, str]]  # begin, end, CM type
    ignored: list[tuple[int, int]]


def load_records(path: Path) -> list[Record]:
    records: list[Record] = []
    for index, raw in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        gold: list[tuple[int, int, str]] = []
        ignored: list[tuple[int, int]] = []
        for span in raw["spans"]:
            kind, begin, end = span["entity_type"], span["start_position"], span["end_position"]
            honorific = kind == "TITLE" and span["entity_value"].strip(" .").lower() in HONORIFICS
            if kind in IGNORED_TYPES or honorific:
                ignored.append((begin, end))
            elif kind in TYPE_MAP:
                gold.append((begin, end, TYPE_MAP[kind]))
        records.append(Record(index, raw["full_text"], gold, ignored))
    return records


def predictions(record: Record, recognizer: PhiRecognizer) -> list[tuple[int, int, str]]:
    """The recognizer's spans, minus those overlapping an ignored gold span."""
    spans = recognizer.find(Doc(record.text))
    return [(s.begin, s.end, s.label) for s in spans if not any(s.begin < e and b < s.end for b, e in record.ignored)]


def _relaxed(gold: list[Key], predicted: list[Key]) -> dict[str, Scores]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g in gold:
        hit = any(p[0] == g[0] and p[3] == g[3] and p[1] < g[2] and g[1] < p[2] for p in predicted)
        (tp if hit else fn)[g[3]] += 1
    for p in predicted:
        if not any(g[0] == p[0] and g[3] == p[3] and p[1] < g[2] and g[1] < p[2] for g in gold):
            fp[p[3]] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    result = {t: Scores(tp[t], fp[t], fn[t]) for t in types}
    result["ALL"] = Scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return result


def evaluate_presidio(path: Path, recognizer: PhiRecognizer, relaxed: bool = False) -> dict[str, Scores]:
    gold: list[Key] = []
    predicted: list[Key] = []
    for record in load_records(path):
        gold += [(record.index, b, e, t) for b, e, t in record.gold]
        predicted += [(record.index, b, e, t) for b, e, t in predictions(record, recognizer)]
    return _relaxed(gold, predicted) if relaxed else score_spans(gold, predicted)


def errors(path: Path, recognizer: PhiRecognizer) -> Iterator[tuple[int, str, str, str]]:
    """(record, "FP"/"FN", type, text) under relaxed matching, for error analysis."""
    for record in load_records(path):
        predicted = predictions(record, recognizer)
        for b, e, t in record.gold:
            if not any(p[2] == t and p[0] < e and b < p[1] for p in predicted):
                yield record.index, "FN", t, record.text[b:e]
        for b, e, t in predicted:
            if not any(g[2] == t and g[0] < e and b < g[1] for g in record.gold):
                yield record.index, "FP", t, record.text[b:e]


SAMPLE_NOTE = (
    "Patient: John Smith    DOB: 03/14/1957    MRN: 00123456\n"
    "Date of service: March 3, 2024 10:30 am. Attending: Dr. Maria Gonzalez, MD.\n"
    "HPI: Mr. Smith is a 67-year-old retired teacher who lives at 12 Main St, Apt. 4B, Springfield, IL 62704 "
    "with his wife Anna. He presents with chest pain radiating to the left arm for 2 days, worse on exertion. "
    "He denies fever, cough or shortness of breath. Takes aspirin 81 mg daily and metoprolol 25 mg twice daily. "
    "Past history of hypertension since 2015 and type 2 diabetes. Nonsmoker; drinks 2 beers a week.\n"
    "Contact: cell (217) 555-0134, fax 217-555-0199, email jsmith57@example.com; portal https://mychart.example.org.\n"
    "Insurance: Medicare ID 1EG4-TE5-MK73, SSN 123-45-6789. Referred by Dr. Lee at Springfield Clinic.\n"
    "Plan: ECG, troponin x2, follow up with cardiology (Dr. Ahmed Khan) on 04/02/2024. Seen 3/14/24 by K. Brown, RN.\n"
)


def benchmark(recognizer: PhiRecognizer, text: str = SAMPLE_NOTE, seconds: float = 2.0) -> float:
    """Characters per CPU second of ``find`` (time.process_time, one core), on fresh ``Doc`` objects."""
    runs = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        recognizer.find(Doc(text))
        runs += 1
    return runs * len(text) / (time.process_time() - start)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEV_FILE
    recognizer = PhiRecognizer.load()
    print(f"load: {recognizer.load_seconds:.2f} s")
    print(format_table("exact", evaluate_presidio(path, recognizer)))
    print(format_table("relaxed (overlap)", evaluate_presidio(path, recognizer, relaxed=True)))
    print(f"speed: {benchmark(recognizer):,.0f} chars/s per core on a {len(SAMPLE_NOTE)}-char note")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
