"""Comprehend Medical operations. Each handler is marked with ``@operation("<ModelName>")``.

Operations without a handler answer AWS's ``NotImplemented`` error through the dispatcher.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medauto.engines.text.pipeline import ClinicalTextPipeline, link_conditions, shared_pipeline
from medauto.jobs.executors import Executor
from medauto.jobs.runner import Handler
from medauto.jobs.store import JobStore
from medauto.protocols.errors import ServiceError
from medauto.services.comprehendmedical import translate
from medauto.services.comprehendmedical.analyzers import RUNNABLE, analyze
from medauto.services.comprehendmedical.batch import BatchJobHandler
from medauto.services.comprehendmedical.job_ops import JobOperations
from medauto.services.comprehendmedical.jobs import FAMILIES
from medauto.services.context import RequestContext, operation
from medauto.storage.objects import ObjectStore

# Comprehend Medical documents its limits in UTF-8 bytes, tighter than the model's character counts.
DETECT_TEXT_LIMIT = 20_000
INFER_TEXT_LIMIT = 10_000


def checked_text(params: dict[str, Any], limit: int) -> str:
    text: str = params["Text"]
    size = len(text.encode("utf-8"))
    if size > limit:
        raise ServiceError(
            "TextSizeLimitExceededException",
            f"Text size limit exceeded: the text is {size} bytes in UTF-8; the limit is {limit}.",
            400,
        )
    return text


class ComprehendMedicalProvider(JobOperations):
    def __init__(self, profile: str, jobs: JobStore, objects: ObjectStore, data_dir: Path) -> None:
        self._profile = profile
        self._data_dir = data_dir
        self._jobs = jobs
        self._objects = objects
        self._runnable = frozenset(RUNNABLE)

    def _pipeline(self) -> ClinicalTextPipeline:
        # Built on first use (or at start-up when preloading), not at import.
        return shared_pipeline(self._profile)

    def batch_handlers(self, executor: Executor) -> dict[str, Handler]:
        """Job-runner handlers, one per job kind this provider can run."""
        handler = BatchJobHandler(self._objects, executor, self._profile, str(self._data_dir))
        return {FAMILIES[name].kind: handler for name in self._runnable}

    @operation("DetectEntitiesV2")
    def detect_entities_v2(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = checked_text(params, DETECT_TEXT_LIMIT)
        return translate.entities_result(self._pipeline().entities(text))

    @operation("DetectEntities")
    def detect_entities(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = checked_text(params, DETECT_TEXT_LIMIT)
        return translate.entities_result(self._pipeline().entities(text, legacy=True))

    @operation("DetectPHI")
    def detect_phi(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = checked_text(params, DETECT_TEXT_LIMIT)
        return translate.phi_result(self._pipeline().phi(text))

    @operation("InferICD10CM")
    def infer_icd10cm(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = checked_text(params, INFER_TEXT_LIMIT)
        pipeline = self._pipeline()
        return translate.icd10cm_result(link_conditions(pipeline, text), pipeline.profile.model_version)

    @operation("InferRxNorm")
    def infer_rxnorm(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return analyze("RxNormInference", self._profile, str(self._data_dir), checked_text(params, INFER_TEXT_LIMIT))

    @operation("InferSNOMEDCT")
    def infer_snomedct(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = checked_text(params, INFER_TEXT_LIMIT)
        return analyze("SNOMEDCTInference", self._profile, str(self._data_dir), text)
