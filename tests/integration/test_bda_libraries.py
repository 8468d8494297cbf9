"""BDA library entities and ingestion jobs through boto3 against a real server: inline and S3 UPSERT/DELETE,
per-entity results, pagination, idempotency, tags, the modeled errors, and what deleting a library removes."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, start_server, stop_server
from tests.integration.bda_helpers import control_plane_server, error_of, unique

pytestmark = pytest.mark.integration

ACCOUNT = "123456789012"
CREDENTIALS = f"test:test:{ACCOUNT}"
JOB_ARN = re.compile(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-library-ingestion-job/[0-9a-f]{{12}}")
GHOST_LIBRARY = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-library/0123456789ab"
OUT = "library-out"
IN = "library-in"
VOCABULARY = "VOCABULARY"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bda-libraries")
    for bucket in (OUT, IN):
        (root / "buckets" / bucket).mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def bda_server(data_dir: Path) -> Iterator[Server]:
    yield from control_plane_server(data_dir, CREDENTIALS)


@pytest.fixture(scope="module")
def bda(bda_server: Server) -> Any:
    return bda_server.client("bedrock-data-automation")


@pytest.fixture(scope="module")
def loose(bda_server: Server) -> Any:
    """A client that sends what botocore would refuse, so the server's own validation answers."""
    return bda_server.client("bedrock-data-automation", parameter_validation=False)


def new_library(bda: Any) -> str:
    arn: str = bda.create_data_automation_library(libraryName=unique("vocab"))["libraryArn"]
    return arn


def put(data_dir: Path, key: str, data: bytes) -> str:
    path = data_dir / "buckets" / IN / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return f"s3://{IN}/{key}"


def read_json(data_dir: Path, uri: str) -> Any:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return json.loads((data_dir / "buckets" / bucket / key).read_text())


def vocab(entity_id: str | None, *phrases: str, language: str = "EN", **extra: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {"language": language, "phrases": [{"text": p} for p in phrases], **extra}
    if entity_id is not None:
        entity["entityId"] = entity_id
    return {"vocabulary": entity}


def ingest(bda: Any, library: str, operation: str, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Invoke a job and return it as GetDataAutomationLibraryIngestionJob shows it."""
    response = bda.invoke_data_automation_library_ingestion_job(
        libraryArn=library,
        entityType=VOCABULARY,
        operationType=operation,
        inputConfiguration=source,
        outputConfiguration={"s3Uri": f"s3://{OUT}/runs/"},
        **extra,
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert JOB_ARN.fullmatch(response["jobArn"])
    job: dict[str, Any] = bda.get_data_automation_library_ingestion_job(libraryArn=library, jobArn=response["jobArn"])[
        "job"
    ]
    assert job["jobArn"] == response["jobArn"]
    return job


def upsert(bda: Any, library: str, *entries: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return ingest(bda, library, "UPSERT", {"inlinePayload": {"upsertEntitiesInfo": list(entries)}}, **extra)


def delete(bda: Any, library: str, *entity_ids: str) -> dict[str, Any]:
    return ingest(bda, library, "DELETE", {"inlinePayload": {"deleteEntitiesInfo": {"entityIds": list(entity_ids)}}})


def entity(bda: Any, library: str, entity_id: str) -> dict[str, Any]:
    found: dict[str, Any] = bda.get_data_automation_library_entity(
        libraryArn=library, entityType=VOCABULARY, entityId=entity_id
    )["entity"]["vocabulary"]
    return found


def all_entities(bda: Any, library: str, page_size: int = 100) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    params: dict[str, Any] = {"libraryArn": library, "entityType": VOCABULARY, "maxResults": page_size}
    while True:
        page = bda.list_data_automation_library_entities(**params)
        assert len(page["entities"]) <= page_size
        rows.extend(item["vocabulary"] for item in page["entities"])
        if "nextToken" not in page:
            return rows
        params["nextToken"] = page["nextToken"]


def test_inline_upsert_creates_and_replaces_entities(bda: Any, data_dir: Path) -> None:
    library = new_library(bda)
    assert "entityTypes" not in bda.get_data_automation_library(libraryArn=library)["library"]
    job = upsert(
        bda,
        library,
        vocab("drugs-en", "paracetamol", "ibuprofen", description="Medication names"),
        vocab("drugs-es", "ibuprofeno", language="ES"),
        vocab(None, "metformin"),
    )
    assert (job["jobStatus"], job["operationType"], job["entityType"]) == ("COMPLETED", "UPSERT", VOCABULARY)
    assert isinstance(job["creationTime"], datetime) and job["completionTime"] >= job["creationTime"]
    assert "errorType" not in job and "errorMessage" not in job
    job_id = job["jobArn"].rsplit("/", 1)[1]
    assert job["outputConfiguration"]["s3Uri"] == f"s3://{OUT}/runs/{job_id}/ingestion_results.json"
    results = read_json(data_dir, job["outputConfiguration"]["s3Uri"])
    assert (results["jobStatus"], results["libraryArn"], results["counts"]) == (
        "COMPLETED",
        library,
        {"total": 3, "succeeded": 3, "failed": 0},
    )
    generated = results["entities"][2]["entityId"]
    assert [row["entityId"] for row in results["entities"][:2]] == ["drugs-en", "drugs-es"]
    assert re.fullmatch(r"[0-9a-f-]{36}", generated)

    first = entity(bda, library, "drugs-en")
    assert first["description"] == "Medication names" and first["language"] == "EN"
    assert first["phrases"] == [{"text": "paracetamol"}, {"text": "ibuprofen"}]
    assert entity(bda, library, generated)["phrases"] == [{"text": "metformin"}]
    summaries = {row["entityId"]: row for row in all_entities(bda, library)}
    assert set(summaries) == {"drugs-en", "drugs-es", generated}
    assert (summaries["drugs-en"]["numOfPhrases"], summaries["drugs-es"]["language"]) == (2, "ES")
    assert "phrases" not in summaries["drugs-en"]
    kinds = bda.get_data_automation_library(libraryArn=library)["library"]["entityTypes"]
    assert [k["entityType"] for k in kinds] == [VOCABULARY]
    assert json.loads(kinds[0]["entityMetadata"]) == {"entityCount": 3, "phraseCount": 4}

    # UPSERT replaces the whole entity: the description not sent again is gone.
    again = upsert(bda, library, vocab("drugs-en", "acetaminophen"))
    assert again["jobStatus"] == "COMPLETED"
    replaced = entity(bda, library, "drugs-en")
    assert replaced["phrases"] == [{"text": "acetaminophen"}] and "description" not in replaced
    assert replaced["lastModifiedTime"] > first["lastModifiedTime"]
    display = {"entityId": "brand", "language": "EN", "phrases": [{"text": "tylenol", "displayAsText": "Tylenol"}]}
    shown = upsert(bda, library, {"vocabulary": display})
    assert shown["jobStatus"] == "COMPLETED"
    assert entity(bda, library, "brand")["phrases"] == [{"text": "tylenol", "displayAsText": "Tylenol"}]


def test_inline_delete_completes_with_errors_for_unknown_ids(bda: Any, data_dir: Path) -> None:
    library = new_library(bda)
    upsert(bda, library, vocab("keep", "aspirin"), vocab("drop", "warfarin"))
    job = delete(bda, library, "drop", "never-was", "drop")
    assert job["jobStatus"] == "COMPLETED_WITH_ERRORS"
    assert job["errorType"] == "ValidationException" and job["errorMessage"].startswith("2 of 3 entities")
    rows = read_json(data_dir, job["outputConfiguration"]["s3Uri"])["entities"]
    assert [(row["entityId"], row["status"]) for row in rows] == [
        ("drop", "SUCCEEDED"),
        ("never-was", "FAILED"),
        ("drop", "FAILED"),
    ]
    assert "does not exist" in rows[1]["errorMessage"] and "more than once" in rows[2]["errorMessage"]
    code, status, message, _ = error_of(
        bda.get_data_automation_library_entity, libraryArn=library, entityType=VOCABULARY, entityId="drop"
    )
    assert (code, status) == ("ResourceNotFoundException", 404) and "drop" in message
    assert [row["entityId"] for row in all_entities(bda, library)] == ["keep"]
    assert delete(bda, library, "keep")["jobStatus"] == "COMPLETED"
    assert "entityTypes" not in bda.get_data_automation_library(libraryArn=library)["library"]


def test_s3_manifest_and_payload_document(bda: Any, data_dir: Path) -> None:
    library = new_library(bda)
    lines = [
        {"entityId": "cardio", "description": "Heart drugs", "language": "EN", "phrases": [{"text": "digoxin"}]},
        {"entityId": "too-long", "language": "EN", "phrases": [{"text": "x" * 257}]},
        "not json at all",
        {"entityId": "bad language", "language": "XX", "phrases": [{"text": "y"}]},
        {"language": "FR", "phrases": [{"text": "paracétamol"}]},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    manifest = put(data_dir, "manifests/vocab.jsonl", text.encode())
    job = ingest(bda, library, "UPSERT", {"s3Object": {"s3Uri": manifest}})
    assert job["jobStatus"] == "COMPLETED_WITH_ERRORS"
    rows = read_json(data_dir, job["outputConfiguration"]["s3Uri"])["entities"]
    assert [(row["position"], row["status"]) for row in rows] == [
        (1, "SUCCEEDED"),
        (2, "FAILED"),
        (3, "FAILED"),
        (4, "FAILED"),
        (5, "SUCCEEDED"),
    ]
    assert "phrases.1.text" in rows[1]["errorMessage"] and "less than or equal to 256" in rows[1]["errorMessage"]
    assert "x" * 20 not in rows[1]["errorMessage"]  # phrase text is sensitive: never echoed
    assert "not valid JSON" in rows[2]["errorMessage"]
    assert "entityId" in rows[3]["errorMessage"] and "language" in rows[3]["errorMessage"]
    assert entity(bda, library, "cardio")["description"] == "Heart drugs"
    assert entity(bda, library, rows[4]["entityId"])["phrases"] == [{"text": "paracétamol"}]

    document = put(data_dir, "docs/delete.json", json.dumps({"deleteEntitiesInfo": {"entityIds": ["cardio"]}}).encode())
    assert ingest(bda, library, "DELETE", {"s3Object": {"s3Uri": document}})["jobStatus"] == "COMPLETED"
    assert [row["entityId"] for row in all_entities(bda, library)] == [rows[4]["entityId"]]
    upsert_doc = put(data_dir, "docs/upsert.json", json.dumps({"upsertEntitiesInfo": [vocab("doc", "x")]}).encode())
    assert ingest(bda, library, "UPSERT", {"s3Object": {"s3Uri": upsert_doc}})["jobStatus"] == "COMPLETED"

    for source, reason in (
        (f"s3://{IN}/no/such/object.jsonl", "does not exist"),
        (put(data_dir, "docs/binary.bin", b"\xff\xfe\x00garbage"), "not UTF-8"),
        (put(data_dir, "docs/words.txt", b"just some words\nand more"), "JSON Lines"),
        (document, "needs an input document with upsertEntitiesInfo"),  # a DELETE document for an UPSERT job
    ):
        failed = ingest(bda, library, "UPSERT", {"s3Object": {"s3Uri": source}})
        assert (failed["jobStatus"], failed["errorType"]) == ("FAILED", "ValidationException"), source
        assert reason in failed["errorMessage"], (source, failed["errorMessage"])
        assert "completionTime" in failed
        assert read_json(data_dir, failed["outputConfiguration"]["s3Uri"])["jobStatus"] == "FAILED"


def test_errors(bda: Any, loose: Any) -> None:
    library = new_library(bda)
    job = upsert(bda, library, vocab("one", "a"))
    for call, params in (
        (bda.list_data_automation_library_entities, {"entityType": VOCABULARY}),
        (bda.get_data_automation_library_entity, {"entityType": VOCABULARY, "entityId": "one"}),
        (bda.list_data_automation_library_ingestion_jobs, {}),
        (bda.get_data_automation_library_ingestion_job, {"jobArn": job["jobArn"]}),
    ):
        code, status, message, _ = error_of(call, libraryArn=GHOST_LIBRARY, **params)
        assert (code, status) == ("ResourceNotFoundException", 404) and GHOST_LIBRARY in message
    code, status, _, _ = error_of(
        bda.invoke_data_automation_library_ingestion_job,
        libraryArn=GHOST_LIBRARY,
        entityType=VOCABULARY,
        operationType="DELETE",
        inputConfiguration={"inlinePayload": {"deleteEntitiesInfo": {"entityIds": ["one"]}}},
        outputConfiguration={"s3Uri": f"s3://{OUT}/x/"},
    )
    assert (code, status) == ("ResourceNotFoundException", 404)
    other = new_library(bda)
    code, status, _, _ = error_of(
        bda.get_data_automation_library_ingestion_job, libraryArn=other, jobArn=job["jobArn"]
    )  # a job is found only under its own library
    assert (code, status) == ("ResourceNotFoundException", 404)

    def invoke(operation: str = "UPSERT", output: str = f"s3://{OUT}/x/", **source: Any) -> tuple[str, int, str]:
        code, status, message, response = error_of(
            loose.invoke_data_automation_library_ingestion_job,
            libraryArn=library,
            entityType=VOCABULARY,
            operationType=operation,
            inputConfiguration=source,
            outputConfiguration={"s3Uri": output},
        )
        fields = [f["name"] for f in response.get("fieldList", [])]
        return code, status, message + " " + " ".join(fields)

    def up(*entries: dict[str, Any]) -> dict[str, Any]:
        return {"inlinePayload": {"upsertEntitiesInfo": list(entries)}}

    def down(*entity_ids: str) -> dict[str, Any]:
        return {"inlinePayload": {"deleteEntitiesInfo": {"entityIds": list(entity_ids)}}}

    missing_bucket = "s3://no-such-bucket-here/a.jsonl"
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("UPSERT", up(*(vocab(f"e{i}", "p") for i in range(11))), "inlinePayload.upsertEntitiesInfo"),
        ("DELETE", down(*(f"e{i}" for i in range(1001))), "inlinePayload.deleteEntitiesInfo.entityIds"),
        ("DELETE", down(), "deleteEntitiesInfo.entityIds"),
        ("UPSERT", up(vocab("x", "y" * 257)), "phrases.1.text"),
        ("UPSERT", up(vocab("x", "y", language="XX")), "vocabulary.language"),
        ("UPSERT", up(vocab("a b", "y")), "vocabulary.entityId"),
        ("UPSERT", up(vocab("x")), "vocabulary.phrases"),
        ("SOMETIMES", up(vocab("x", "y")), "operationType"),
        ("DELETE", up(vocab("x", "y")), "inputConfiguration.inlinePayload"),
        ("UPSERT", {}, "inputConfiguration"),
        ("UPSERT", {**up(vocab("x", "y")), "s3Object": {"s3Uri": f"s3://{IN}/a"}}, "inputConfiguration"),
        ("UPSERT", {"s3Object": {"s3Uri": missing_bucket}}, "inputConfiguration.s3Object.s3Uri"),
        ("UPSERT", {"s3Object": {"s3Uri": f"s3://{IN}/a", "version": "3"}}, "inputConfiguration.s3Object.version"),
    ]
    for operation, source, field in cases:
        code, status, text = invoke(operation, f"s3://{OUT}/x/", **source)
        assert (code, status) == ("ValidationException", 400), (field, text)
        assert field in text, (field, text)
    code, status, text = invoke("UPSERT", "s3://no-such-bucket-here/o/", **up(vocab("x", "y")))
    assert (code, status) == ("ValidationException", 400) and "outputConfiguration.s3Uri" in text
    code, status, message, _ = error_of(
        loose.get_data_automation_library_entity, libraryArn=library, entityType="GLOSSARY", entityId="one"
    )
    assert (code, status) == ("ValidationException", 400) and "entityType" in message
    code, status, _, _ = error_of(
        loose.list_data_automation_library_entities, libraryArn=library, entityType=VOCABULARY, maxResults=1001
    )
    assert (code, status) == ("ValidationException", 400)
    code, status, _, _ = error_of(
        loose.get_data_automation_library_ingestion_job, libraryArn=library, jobArn=library.replace("library/", "x/")
    )
    assert (code, status) == ("ValidationException", 400)
    # Nothing was changed by any refused request.
    assert [row["entityId"] for row in all_entities(bda, library)] == ["one"]
    jobs = bda.list_data_automation_library_ingestion_jobs(libraryArn=library)["jobs"]
    assert [j["jobArn"] for j in jobs] == [job["jobArn"]]


def test_pagination_of_entities_and_jobs(bda: Any) -> None:
    library = new_library(bda)
    arns = []
    for start in (0, 10, 20):
        batch = [vocab(f"term-{n:02d}", f"phrase {n}") for n in range(start, min(start + 10, 25))]
        arns.append(upsert(bda, library, *batch)["jobArn"])
    for size in (1, 7, 10, 25, 1000):
        assert [row["entityId"] for row in all_entities(bda, library, size)] == [f"term-{n:02d}" for n in range(25)]
    first = bda.list_data_automation_library_entities(libraryArn=library, entityType=VOCABULARY, maxResults=10)
    other = new_library(bda)
    upsert(bda, other, vocab("elsewhere", "p"))
    code, status, _, _ = error_of(
        bda.list_data_automation_library_entities,
        libraryArn=other,
        entityType=VOCABULARY,
        nextToken=first["nextToken"],
    )
    assert (code, status) == ("ValidationException", 400)
    code, status, _, _ = error_of(
        bda.list_data_automation_library_entities, libraryArn=library, entityType=VOCABULARY, nextToken="garbage!"
    )
    assert (code, status) == ("ValidationException", 400)

    seen, params = [], {"libraryArn": library, "maxResults": 2}
    while True:
        page = bda.list_data_automation_library_ingestion_jobs(**params)
        assert len(page["jobs"]) <= 2
        seen.extend(page["jobs"])
        if "nextToken" not in page:
            break
        params["nextToken"] = page["nextToken"]
    assert [job["jobArn"] for job in seen] == arns
    assert {(j["jobStatus"], j["operationType"], j["entityType"]) for j in seen} == {
        ("COMPLETED", "UPSERT", VOCABULARY)
    }
    assert all("completionTime" in job for job in seen)


def test_client_token_idempotency_and_tags(bda: Any) -> None:
    library = new_library(bda)
    token = uuid.uuid4().hex + "-retry"
    source = {"inlinePayload": {"upsertEntitiesInfo": [vocab("rx", "amoxicillin")]}}
    tags = [{"key": "team", "value": "pharmacy"}]
    first = upsert(bda, library, *source["inlinePayload"]["upsertEntitiesInfo"], clientToken=token, tags=tags)
    again = upsert(bda, library, *source["inlinePayload"]["upsertEntitiesInfo"], clientToken=token, tags=tags)
    assert again["jobArn"] == first["jobArn"]
    assert len(bda.list_data_automation_library_ingestion_jobs(libraryArn=library)["jobs"]) == 1
    code, status, _, _ = error_of(
        bda.invoke_data_automation_library_ingestion_job,
        libraryArn=library,
        entityType=VOCABULARY,
        operationType="UPSERT",
        inputConfiguration={"inlinePayload": {"upsertEntitiesInfo": [vocab("rx", "penicillin")]}},
        outputConfiguration={"s3Uri": f"s3://{OUT}/runs/"},
        clientToken=token,
    )
    assert (code, status) == ("ConflictException", 409)
    assert entity(bda, library, "rx")["phrases"] == [{"text": "amoxicillin"}]

    arn = first["jobArn"]
    assert bda.list_tags_for_resource(resourceARN=arn)["tags"] == tags
    bda.tag_resource(resourceARN=arn, tags=[{"key": "stage", "value": "test"}])
    bda.untag_resource(resourceARN=arn, tagKeys=["team"])
    assert bda.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "stage", "value": "test"}]
    ghost_job = arn[:-12] + "000000000000"
    code, status, _, _ = error_of(bda.list_tags_for_resource, resourceARN=ghost_job)
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_deleting_a_library_removes_its_entities_and_jobs(bda: Any, data_dir: Path) -> None:
    library, kept = new_library(bda), new_library(bda)
    job = upsert(bda, library, vocab("gone", "x"), vocab("also-gone", "y"))
    upsert(bda, kept, vocab("stays", "z"))
    library_id, kept_id = library.rsplit("/", 1)[1], kept.rsplit("/", 1)[1]

    def stored(kind_pattern: str, body_like: str = "%") -> int:
        with sqlite3.connect(data_dir / "resources.sqlite") as db:
            row = db.execute(
                "SELECT COUNT(*) FROM resources WHERE kind LIKE ? AND body LIKE ?", (kind_pattern, body_like)
            ).fetchone()
        return int(row[0])

    job_kind = "data-automation-library-ingestion-job"
    assert stored(f"data-automation-library/{library_id}/%") == 2
    assert stored(job_kind, f'%"library":"{library_id}"%') == 1
    assert bda.delete_data_automation_library(libraryArn=library)["status"] == "DELETING"
    assert stored(f"data-automation-library/{library_id}/%") == 0
    assert stored(job_kind, f'%"library":"{library_id}"%') == 0
    assert stored(f"data-automation-library/{kept_id}/%") == 1  # other libraries keep theirs
    code, status, _, _ = error_of(bda.list_tags_for_resource, resourceARN=job["jobArn"])
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert [row["entityId"] for row in all_entities(bda, kept)] == ["stays"]


def test_entities_and_jobs_survive_a_restart(tmp_path: Path) -> None:
    (tmp_path / "buckets" / OUT).mkdir(parents=True)
    server = start_server(tmp_path, "--credentials", CREDENTIALS, "--job-threads", "0")
    try:
        client = server.client("bedrock-data-automation")
        library = new_library(client)
        job = upsert(client, library, vocab("durable", "heparin"))
    finally:
        stop_server(server)
    again = start_server(tmp_path, "--credentials", CREDENTIALS, "--job-threads", "0")
    try:
        client = again.client("bedrock-data-automation")
        assert entity(client, library, "durable")["phrases"] == [{"text": "heparin"}]
        reread = client.get_data_automation_library_ingestion_job(libraryArn=library, jobArn=job["jobArn"])["job"]
        assert reread == job
    finally:
        stop_server(again)
