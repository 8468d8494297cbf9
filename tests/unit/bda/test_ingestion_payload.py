"""Reading library ingestion inputs from S3: manifests, payload documents, and what fails a job outright."""

from __future__ import annotations

import json

import pytest

from medauto.services.bda.api import LibraryIngestionJobOperationType as Op
from medauto.services.bda.ingestion_payload import MAX_INPUT_ENTITIES, PayloadError, S3Uri, s3_items


def lines(*rows: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows).encode()


def test_manifest_lines_are_checked_one_by_one() -> None:
    good = {"entityId": "a", "language": "EN", "phrases": [{"text": "x"}]}
    items = s3_items(Op.UPSERT, lines(good, "", {"language": "EN", "phrases": []}, "[1]"))
    assert [(i.position, i.entity_id, bool(i.problems)) for i in items] == [
        (1, "a", False),
        (3, None, True),
        (4, None, True),
    ]
    assert "line 3.phrases" in items[1].problems[0] and "greater than or equal to 1" in items[1].problems[0]
    assert items[0].entity == good


def test_delete_manifest_and_document() -> None:
    items = s3_items(Op.DELETE, lines({"entityId": "a"}, {"entityId": "no spaces"}, {"other": 1}))
    assert [(i.entity_id, bool(i.problems)) for i in items] == [("a", False), ("no spaces", True), (None, True)]
    document = json.dumps({"deleteEntitiesInfo": {"entityIds": ["a", "b"]}}).encode()
    assert [i.entity_id for i in s3_items(Op.DELETE, document)] == ["a", "b"]


def test_upsert_document_entries_must_be_vocabulary_unions() -> None:
    document = {"upsertEntitiesInfo": [{"vocabulary": {"language": "EN", "phrases": [{"text": "x"}]}}, {"other": {}}]}
    items = s3_items(Op.UPSERT, json.dumps(document).encode())
    assert not items[0].problems and items[1].problems


@pytest.mark.parametrize(
    ("operation", "data", "reason"),
    [
        (Op.UPSERT, b"\xff\xfe", "UTF-8"),
        (Op.UPSERT, b"", "no entities"),
        (Op.UPSERT, b"words\nmore words", "JSON Lines"),
        (Op.UPSERT, json.dumps({"deleteEntitiesInfo": {"entityIds": ["a"]}}).encode(), "upsertEntitiesInfo"),
        (Op.DELETE, json.dumps({"deleteEntitiesInfo": ["a"]}).encode(), "entityIds must be a list"),
        (Op.DELETE, lines(*({"entityId": f"e{n}"} for n in range(MAX_INPUT_ENTITIES + 1))), "the limit is"),
    ],
)
def test_unusable_inputs_fail_the_job(operation: Op, data: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        s3_items(operation, data)


def test_s3_uri_children() -> None:
    assert S3Uri.parse("s3://bucket").child("job", "r.json").uri == "s3://bucket/job/r.json"
    assert S3Uri.parse("s3://bucket/runs/").child("job", "r.json").uri == "s3://bucket/runs/job/r.json"
