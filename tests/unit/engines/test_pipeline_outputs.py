"""Golden outputs of the clinical text pipeline ("fast" profile) on fixed notes: labels, offsets, scores, traits,
relations and unmapped attributes of DetectEntitiesV2 and DetectEntities (legacy), exactly as recorded.

The PHI stage is tuned separately (``test_phi.py`` covers it), so its spans are frozen here: the golden file keeps
the PHI spans recorded with the notes and the pipeline runs with a stage that returns them. Everything else (CRF NER,
lexicon, attributes, merging, relation linking, ConText traits, assembly) runs for real.

Regenerate only for an intended behaviour change, and review the diff:
    .venv/bin/python -m tests.unit.engines.test_pipeline_outputs --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from medauto.engines.text.doc import Doc
from medauto.engines.text.pipeline import ClinicalTextPipeline, Recognizer
from medauto.engines.text.types import Analysis, Category, Mention, Span

GOLDEN = Path(__file__).resolve().parent / "data" / "pipeline_golden.json"

NOTES = {
    "admission": (
        "HISTORY OF PRESENT ILLNESS: Mr. John Carter is a 67 year old male with a history of hypertension, type 2 "
        "diabetes and chronic kidney disease who presents with acute substernal chest pain radiating to the left "
        "arm for 2 hours. He denies shortness of breath, nausea, or diaphoresis. He reports intermittent "
        "palpitations since last week but no syncope.\n\n"
        "PAST MEDICAL HISTORY: Myocardial infarction in 2015, status post PCI. Atrial fibrillation.\n\n"
        "FAMILY HISTORY: Mother had breast cancer. Father with coronary artery disease.\n\n"
        "MEDICATIONS: Metformin 500 mg PO twice a day, lisinopril 10 mg daily, aspirin 81 mg by mouth daily, "
        "Toprol XL 25 mg tablet once daily, atorvastatin 40 mg at bedtime. Nitroglycerin 0.4 mg SL q5min prn "
        "chest pain.\n\n"
        "ALLERGIES: Penicillin causes rash.\n\n"
        "SOCIAL HISTORY: Former smoker, 30 pack-years; drinks alcohol socially; no illicit drug use."
    ),
    "exam_labs": (
        "Vital signs: BP 152/94 mmHg, HR 88, RR 18, temperature 37.2 C, SpO2 96% on room air. Weight 92 kg. "
        "Physical exam: mild tenderness in the right lower quadrant, no rebound. Bilateral lower extremity edema. "
        "Labs: hemoglobin 11.2 g/dL, WBC 13.4, platelets 210, sodium 134 mEq/L, potassium 5.1, creatinine 1.8 "
        "mg/dL, troponin 0.04 ng/mL. Chest x-ray shows a left lower lobe infiltrate, no pleural effusion. "
        "ECG: sinus tachycardia, no ST elevation. CT scan of the abdomen was negative for appendicitis. "
        "Urinalysis is pending; possible urinary tract infection versus pyelonephritis."
    ),
    "plan": (
        "Assessment and plan:\n"
        "1. Community acquired pneumonia - start ceftriaxone 1 g IV every 24 hours and azithromycin 500 mg PO "
        "daily for 5 days. Repeat chest x-ray in 6 weeks.\n"
        "2. Acute on chronic systolic heart failure - furosemide 40 mg IV twice daily, strict ins and outs, daily "
        "weights. Consider echocardiogram if dyspnea persists.\n"
        "3. Type 2 diabetes mellitus - hold metformin given AKI; insulin sliding scale with meals and at bedtime.\n"
        "4. Chronic pain - acetaminophen 650 mg every 6 hours as needed for pain; avoid NSAIDs.\n"
        "5. DVT prophylaxis with heparin 5000 units subcutaneously every 8 hours.\n"
        "Rule out pulmonary embolism if hypoxia worsens. Patient should return if fever or worsening cough. "
        "Follow up with Dr. Patel in 2 weeks; call 555-201-7788. Seen 03/14/2024."
    ),
    "mixed": (
        "Pt is a 34 yo F w/ h/o asthma and migraine headaches who c/o severe throbbing headache x 3 days, "
        "worse with light; no fever, neck stiffness, or vision changes. Took ibuprofen 400 mg q6h with partial "
        "relief. Sister has Parkinson's disease; grandmother had a stroke. She may have sinusitis. Denies "
        "Crohn\u2019s disease. Plan: sumatriptan 50 mg tablet now, may repeat in 2 hours, max 200 mg/day; "
        "MRI brain if no improvement. Albuterol inhaler 2 puffs every 4 hours as needed for wheezing. "
        "Smokes 1/2 pack per day for 10 years. Stage IV disease was ruled out. Left knee pain since 2019 "
        "after a fall, acute on chronic, worse at night."
    ),
}


class _FrozenPhi:
    """A PHI stage that returns recorded spans."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans

    def find(self, doc: Doc) -> list[Span]:
        return list(self.spans)


def _span(s: Span) -> dict[str, Any]:
    return {
        "begin": s.begin,
        "end": s.end,
        "text": s.text,
        "label": s.label,
        "category": str(s.category),
        "score": s.score,
        "source": s.source,
    }


def _from_json(d: dict[str, Any]) -> Span:
    return Span(d["begin"], d["end"], d["text"], d["label"], Category(d["category"]), d["score"], d["source"])


def _mention(m: Mention) -> dict[str, Any]:
    return {
        "id": m.id,
        **_span(m.span),
        "traits": [[str(t.name), t.score] for t in m.traits],
        "relations": [
            {"id": r.attribute.id, "label": r.attribute.span.label, "type": r.relation_type, "score": r.score}
            for r in m.relations
        ],
    }


def _analysis(a: Analysis) -> dict[str, Any]:
    return {
        "model_version": a.model_version,
        "entities": [_mention(m) for m in a.mentions],
        "unmapped": [_mention(m) for m in a.unmapped],
    }


def _run(pipeline: ClinicalTextPipeline, text: str, phi: list[Span]) -> dict[str, Any]:
    stages: list[Recognizer] = [_FrozenPhi(phi)]
    pipeline._phi_stages = stages
    return {"v2": _analysis(pipeline.entities(text)), "legacy": _analysis(pipeline.entities(text, legacy=True))}


@pytest.fixture(scope="module")
def pipeline() -> ClinicalTextPipeline:
    return ClinicalTextPipeline.load("fast")  # a private instance: its PHI stage is replaced below


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", sorted(NOTES))
def test_pipeline_output_unchanged(pipeline: ClinicalTextPipeline, golden: dict[str, Any], name: str) -> None:
    expected = golden[name]
    assert expected["text"] == NOTES[name], "note text changed: regenerate the golden file"
    got = _run(pipeline, NOTES[name], [_from_json(d) for d in expected["phi"]])
    for kind in ("v2", "legacy"):
        for part in ("model_version", "entities", "unmapped"):
            assert got[kind][part] == expected[kind][part], f"{name}: {kind} {part} differ"


def write_golden() -> None:
    """Record the current outputs, with the PHI spans the real PHI stage finds now."""
    real = ClinicalTextPipeline.load("fast")
    out: dict[str, Any] = {}
    for name, text in NOTES.items():
        phi = [span for stage in real._phi_stages for span in stage.find(Doc(text))]
        out[name] = {"text": text, "phi": [_span(s) for s in phi], **_run(ClinicalTextPipeline.load("fast"), text, phi)}
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(__doc__)
    write_golden()
