"""Importable analysis functions (text -> synchronous response dict), so executor processes can run them."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from medauto.engines.text.pipeline import link_conditions, shared_pipeline
from medauto.engines.vocab.linker import VocabLinker, link_medications, link_snomed
from medauto.engines.vocab.manage import ensure_demo, store_path
from medauto.services.comprehendmedical import translate

log = logging.getLogger("medauto.jobs")

RUNNABLE = ("EntitiesDetectionV2", "PHIDetection", "ICD10CMInference", "RxNormInference", "SNOMEDCTInference")


def vocabulary(data_dir: Path, kind: str) -> VocabLinker:
    """The installed RxNorm / SNOMED CT store; the shipped demo is imported when none is installed."""
    ensure_demo(data_dir)
    return VocabLinker.load(store_path(data_dir, kind))  # type: ignore[arg-type]


def analyze(family: str, profile: str, data_dir: str, text: str) -> dict[str, Any]:
    pipeline = shared_pipeline(profile)  # loaded once per process
    version = pipeline.profile.model_version
    if family == "EntitiesDetectionV2":
        return translate.entities_result(pipeline.entities(text))
    if family == "PHIDetection":
        return translate.phi_result(pipeline.phi(text))
    if family == "ICD10CMInference":
        return translate.icd10cm_result(link_conditions(pipeline, text), version)
    if family == "RxNormInference":
        linker = vocabulary(Path(data_dir), "rxnorm")
        return translate.rxnorm_result(link_medications(pipeline.entities(text), linker), version)
    if family == "SNOMEDCTInference":
        linker = vocabulary(Path(data_dir), "snomedct")
        links = link_snomed(pipeline.entities(text), linker)
        return translate.snomed_result(links, linker.details(), text, version)
    raise ValueError(f"no analyzer for job family {family}")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode()


def analyze_json(family: str, profile: str, data_dir: str, text: str) -> bytes | str:
    """``analyze`` encoded where it ran: worker processes do the JSON work and send back compact bytes.

    An engine failure on one file comes back as its reason (a str), so that file is listed as unprocessed and
    the rest of the job goes on."""
    try:
        return to_json(analyze(family, profile, data_dir, text))
    except Exception as exc:
        log.exception("analysing a %s file failed", family)
        return f"Internal error while analysing the file ({type(exc).__name__})."
