"""A project's library vocabulary through boto3: speech made with eSpeak NG says a drug name Whisper base
mishears on its own ("Ozempic" comes out as "over and pick up"); with the library linked it is recognised, and
written as the phrase's displayAsText."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Server
from tests.integration.bda_helpers import unique
from tests.integration.test_bda_runtime import PROFILE
from tests.unit.engines.media import speech
from tests.unit.engines.media.mediagen import speak, wav_bytes

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not speech.available(), reason="no offline TTS engine to make test speech"),
]
SENTENCE = "The patient takes Ozempic every morning."
SHOWN = "Ozempic (semaglutide)"
DRUGS = ["Xarelto", "Eliquis", "Jardiance", "Farxiga", "Keytruda"]
TRANSCRIPT = ["TRANSCRIPT"]


@pytest.fixture(scope="module")
def bda(server: Server) -> Any:
    return server.client("bedrock-data-automation")


@pytest.fixture(scope="module")
def runtime(server: Server) -> Any:
    return server.client("bedrock-data-automation-runtime", read_timeout=600)


def linked_project(server: Server, bda: Any) -> str:
    """A library with an English drug vocabulary (and a German phrase that must stay out of English audio),
    ingested inline, linked by a new project."""
    (server.data_dir / "buckets" / "vocabulary-out").mkdir(parents=True, exist_ok=True)
    library = bda.create_data_automation_library(libraryName=unique("drugs"))["libraryArn"]
    english = [{"text": "Ozempic", "displayAsText": SHOWN}] + [{"text": drug} for drug in DRUGS]
    entities = [
        {"vocabulary": {"entityId": "glp1", "language": "EN", "phrases": english}},
        {"vocabulary": {"entityId": "de", "language": "DE", "phrases": [{"text": "Tabletten"}]}},
    ]
    job = bda.invoke_data_automation_library_ingestion_job(
        libraryArn=library,
        entityType="VOCABULARY",
        operationType="UPSERT",
        inputConfiguration={"inlinePayload": {"upsertEntitiesInfo": entities}},
        outputConfiguration={"s3Uri": "s3://vocabulary-out/ingest/"},
    )["jobArn"]
    status = bda.get_data_automation_library_ingestion_job(libraryArn=library, jobArn=job)["job"]["jobStatus"]
    assert status == "COMPLETED"
    project: str = bda.create_data_automation_project(
        projectName=unique("calls"),
        projectStage="LIVE",
        standardOutputConfiguration={"audio": {"extraction": {"category": {"state": "ENABLED", "types": TRANSCRIPT}}}},
        dataAutomationLibraryConfiguration={"libraries": [{"libraryArn": library}]},
    )["projectArn"]
    return project


def transcript(runtime: Any, audio: bytes, project: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"inputConfiguration": {"bytes": audio}, "dataAutomationProfileArn": PROFILE}
    if project is not None:
        params["dataAutomationConfiguration"] = {"dataAutomationProjectArn": project, "stage": "LIVE"}
    response = runtime.invoke_data_automation(**params)
    assert response["semanticModality"] == "AUDIO"
    standard: dict[str, Any] = json.loads(response["outputSegments"][0]["standardOutput"])
    return standard


def test_library_vocabulary_makes_whisper_hear_the_drug_and_shows_its_display_form(
    server: Server, bda: Any, runtime: Any
) -> None:
    audio = wav_bytes(speak([(SENTENCE, "en-us", 50)]), 16000)  # one synthesis: both calls hear the same audio
    plain = transcript(runtime, audio, None)["audio"]["transcript"]["representation"]["text"]
    assert "ozempic" not in plain.lower(), plain  # without the vocabulary Whisper base mishears it

    standard = transcript(runtime, audio, linked_project(server, bda))
    text = standard["audio"]["transcript"]["representation"]["text"]
    assert f"takes {SHOWN} every morning" in text, text
    item = next(item for item in standard["audio_items"] if item["content"] == SHOWN)
    assert 0 < item["start_timestamp_millis"] < item["end_timestamp_millis"] <= standard["metadata"]["duration_millis"]
    [segment] = standard["audio_segments"]
    assert SHOWN in segment["text"] and item["item_index"] in segment["audio_item_indices"]
    assert "Tabletten" not in text
