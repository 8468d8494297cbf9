"""Library vocabulary in the runtime: resolved into the invocation's snapshot, handed to the recognizer, and its
display forms written into every piece of the transcript."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from medauto.engines import registry
from medauto.engines.media.testing import ScriptedRecognizer
from medauto.engines.media.types import VocabularyPhrase
from medauto.jobs.runner import JobRunner
from medauto.jobs.store import InMemoryJobStore
from medauto.services.bda import records
from medauto.services.bda.arns import Kind
from medauto.services.bda.library_entities import upsert_entity
from medauto.services.bda.locate import Target
from medauto.services.bda.views import resource_arn
from medauto.services.bda_runtime import catalog as catalogs
from medauto.services.bda_runtime.audio_output import audio_standard_output
from medauto.services.bda_runtime.catalog import InMemoryCatalog, StoreCatalog, VocabularyEntry, snapshot
from medauto.services.bda_runtime.document_output import AssetInfo
from medauto.services.bda_runtime.invocations import STATUSES
from medauto.services.bda_runtime.media_transcript import ASR_ENGINE_VARIABLE
from medauto.services.bda_runtime.provider import BdaRuntimeProvider
from medauto.storage.objects import InMemoryObjectStore
from medauto.storage.resources import InMemoryResourceStore, Resource
from tests.unit.engines.media import mediagen as gen
from tests.unit.services.bda_runtime.fakes import fake_parser

ACCOUNT, REGION = "123456789012", "us-east-1"
PROFILE = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:data-automation-profile/us.data-automation-v1"
PROJECT = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:data-automation-project/0123456789ab"
LIBRARY = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:data-automation-library/0123456789cd"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PHRASES: list[VocabularyEntry] = [
    {"text": "ozempic", "displayAsText": "Ozempic (semaglutide)", "language": "EN"},
    {"text": "Tabletten", "language": "DE"},
]
SCRIPT = "the patient takes ozempic daily\nno new complaints"


def _linked(arn: str) -> dict[str, Any]:
    return {"projectArn": PROJECT, "dataAutomationLibraryConfiguration": {"libraries": [{"libraryArn": arn}]}}


def _params(project: str | None = PROJECT) -> dict[str, Any]:
    params: dict[str, Any] = {"dataAutomationProfileArn": PROFILE}
    if project:
        params["dataAutomationConfiguration"] = {"dataAutomationProjectArn": project, "stage": "LIVE"}
    return params


def test_snapshot_carries_the_linked_librarys_phrases(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = InMemoryCatalog()
    catalog.projects[PROJECT] = _linked(LIBRARY)
    catalog.vocabularies[LIBRARY] = list(PHRASES)
    assert snapshot(catalog, ACCOUNT, _params())["vocabulary"] == PHRASES
    monkeypatch.setattr(catalogs, "MAX_PHRASES", 1)  # a huge library is cut, not copied whole into each job
    assert snapshot(catalog, ACCOUNT, _params())["vocabulary"] == PHRASES[:1]
    catalog.projects[PROJECT] = {"projectArn": PROJECT}
    assert snapshot(catalog, ACCOUNT, _params())["vocabulary"] == []
    assert snapshot(catalog, ACCOUNT, _params(None))["vocabulary"] == []


def test_store_catalog_reads_every_vocabulary_entity_of_the_library() -> None:
    store = InMemoryResourceStore()
    library = Resource(ACCOUNT, REGION, Kind.LIBRARY, "0123456789cd", "drugs", T0, T0, {})
    store.insert(library)
    where = Target(LIBRARY, ACCOUNT, REGION, Kind.LIBRARY, library.resource_id)
    glp1 = {"language": "EN", "phrases": [{"text": "ozempic", "displayAsText": "Ozempic (semaglutide)"}]}
    upsert_entity(store, where, "glp1", glp1, T0)
    # Entities come in creation order (the later one's id sorts first).
    upsert_entity(store, where, "de", {"language": "DE", "phrases": [{"text": "Tabletten"}]}, T0 + timedelta(1))
    config = {"libraries": [{"libraryArn": LIBRARY}]}
    params = {"projectName": "calls", "standardOutputConfiguration": {}, "dataAutomationLibraryConfiguration": config}
    project = records.new_project(ACCOUNT, REGION, {**params, "projectStage": "LIVE"}, T0)
    store.insert(project)
    catalog = StoreCatalog(store)
    snap = snapshot(catalog, ACCOUNT, _params(resource_arn(project)))
    assert snap["vocabulary"] == PHRASES
    assert catalog.find_vocabulary(ACCOUNT, LIBRARY, 1) == PHRASES[:1]
    assert catalog.find_vocabulary("999988887777", LIBRARY, 10) is None  # another account sees nothing
    assert catalog.find_vocabulary(ACCOUNT, LIBRARY.replace("0123456789cd", "0123456789ee"), 10) is None


def test_audio_transcript_favours_and_shows_the_vocabulary() -> None:
    recognizer = ScriptedRecognizer.from_text(SCRIPT)
    wav = gen.wav_bytes(gen.tone(6.0), 16000)
    out = audio_standard_output(wav, None, AssetInfo(), recognizer=recognizer, vocabulary=PHRASES)
    # The recognizer gets every phrase with Whisper's language codes; it picks those of the audio's language.
    assert recognizer.vocabulary == (
        VocabularyPhrase("ozempic", "Ozempic (semaglutide)", "en"),
        VocabularyPhrase("Tabletten", None, "de"),
    )
    shown = "the patient takes Ozempic (semaglutide) daily"
    assert out["audio"]["transcript"]["representation"]["text"].startswith(f"[spk_0]: {shown} no new")
    assert out["audio_segments"][0]["text"] == shown
    item = out["audio_items"][3]
    assert item["content"] == "Ozempic (semaglutide)"
    assert (item["start_timestamp_millis"], item["end_timestamp_millis"]) == (1200, 1550)  # the spoken word's time
    assert out["topics"][0]["transcript"]["representation"]["text"].startswith(f"[spk_0]: {shown}")
    plain = audio_standard_output(wav, None, AssetInfo(), recognizer=ScriptedRecognizer.from_text(SCRIPT))
    assert plain["audio_items"][3]["content"] == "ozempic"


def test_async_job_uses_the_vocabulary_of_its_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    recognizer = ScriptedRecognizer.from_text(SCRIPT)
    name = "test.asr.scripted-vocabulary.v1"
    registry.register(name)(lambda: recognizer)
    monkeypatch.setenv(ASR_ENGINE_VARIABLE, name)
    jobs, objects, catalog = InMemoryJobStore(), InMemoryObjectStore(("inbox", "outbox")), InMemoryCatalog()
    catalog.projects[PROJECT] = _linked(LIBRARY)
    catalog.vocabularies[LIBRARY] = list(PHRASES)
    provider = BdaRuntimeProvider(jobs, objects, catalog, InMemoryResourceStore(), parser=fake_parser)
    objects.put("inbox", "calls/visit.wav", gen.wav_bytes(gen.tone(6.0), 16000))
    params = {
        **_params(),
        "inputConfiguration": {"s3Uri": "s3://inbox/calls/visit.wav"},
        "outputConfiguration": {"s3Uri": "s3://outbox/runs"},
    }

    class Ctx:
        account_id, region, request_id = ACCOUNT, REGION, "5b1f6c1e-0000-4000-8000-000000000002"

    arn = provider.invoke_data_automation_async(Ctx(), params)["invocationArn"]
    catalog.vocabularies[LIBRARY] = []  # later library changes do not reach a submitted job
    assert JobRunner(jobs, provider.batch_handlers(), statuses=STATUSES).run_once()
    job_id = arn.rsplit("/", 1)[1]
    result = json.loads(objects.get("outbox", f"runs/{job_id}/0/standard_output/0/result.json"))
    assert result["audio_items"][3]["content"] == "Ozempic (semaglutide)"
    assert [p.text for p in recognizer.vocabulary] == ["ozempic", "Tabletten"]
