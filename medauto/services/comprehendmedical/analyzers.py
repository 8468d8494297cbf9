"""Importable analysis functions (text -> synchronous response dict), so executor processes can run them."""

from __future__ import annotations

from typing import Any

from medauto.engines.text.pipeline import link_conditions, shared_pipeline
from medauto.services.comprehendmedical import translate

RUNNABLE = ("EntitiesDetectionV2", "PHIDetection", "ICD10CMInference")


def analyze(family: str, profile: str, text: str) -> dict[str, Any]:
    pipeline = shared_pipeline(profile)  # loaded once per process
    if family == "EntitiesDetectionV2":
        return translate.entities_result(pipeline.entities(text))
    if family == "PHIDetection":
        return translate.phi_result(pipeline.phi(text))
    if family == "ICD10CMInference":
        return translate.icd10cm_result(link_conditions(pipeline, text), pipeline.profile.model_version)
    raise ValueError(f"no analyzer for job family {family}")
