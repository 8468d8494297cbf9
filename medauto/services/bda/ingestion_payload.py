"""What a library ingestion job works on: the entities of its inline payload or of the S3 object it names.

An S3 input is either a JSON Lines manifest, one entity per line (AWS's documented format:
``{"entityId", "description", "language", "phrases"}`` for UPSERT, ``{"entityId"}`` for DELETE), or one JSON
document shaped like ``inlinePayload`` (``{"upsertEntitiesInfo": [...]}`` / ``{"deleteEntitiesInfo": {...}}``).
Entities read from S3 are checked against the same model shapes as inline ones; a bad entity is rejected on its
own (the job completes with errors), while an input that cannot be read at all fails the job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.model import Shape

from medauto.protocols.specs import Service, service_model
from medauto.protocols.validate import shape_violations
from medauto.services.bda.api import LibraryIngestionJobOperationType as Op

MAX_INPUT_BYTES = 10 * 1024 * 1024  # an S3 input is read whole inside the request, so it is bounded
MAX_INPUT_ENTITIES = 1000  # the most entities one S3 input may hold (EntityIdList's own maximum)
_PAYLOAD_KEYS = {Op.UPSERT: "upsertEntitiesInfo", Op.DELETE: "deleteEntitiesInfo"}


class PayloadError(Exception):
    """The input as a whole cannot be used (missing, unreadable, not JSON, the wrong operation)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One entity of the input: a VocabularyEntityInfo (UPSERT) or an entity id (DELETE)."""

    position: int  # 1-based: the entry of the payload, or the line of a manifest
    entity: dict[str, Any] | None = None
    entity_id: str | None = None
    problems: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class S3Uri:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Uri:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        return cls(bucket, key)

    def child(self, *parts: str) -> S3Uri:
        base = self.key.rstrip("/")
        return S3Uri(self.bucket, "/".join([base, *parts] if base else parts))

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _shape(name: str) -> Shape:
    return service_model(Service.BDA).shape_for(name)


def _problems(shape_name: str, value: Any, path: str) -> tuple[str, ...]:
    found = shape_violations(_shape(shape_name), value, path)
    return tuple(f"Value at '{where}' failed to satisfy constraint: {text}" for where, text in found)


def _upsert_item(position: int, value: Any, path: str) -> Item:
    problems = _problems("VocabularyEntityInfo", value, path)
    entity = value if isinstance(value, dict) else None
    entity_id = entity.get("entityId") if entity is not None else None
    return Item(position, entity, entity_id if isinstance(entity_id, str) else None, problems)


def _delete_item(position: int, value: Any, path: str) -> Item:
    problems = _problems("EntityId", value, path)
    return Item(position, None, value if isinstance(value, str) else None, problems)


def inline_items(operation: Op, payload: dict[str, Any]) -> list[Item]:
    """Entities of an ``inlinePayload`` (already checked against the model by request validation)."""
    if operation is Op.UPSERT:
        return [
            Item(i, entry["vocabulary"], entry["vocabulary"].get("entityId"))
            for i, entry in enumerate(payload["upsertEntitiesInfo"], 1)
        ]
    return [Item(i, None, entity_id) for i, entity_id in enumerate(payload["deleteEntitiesInfo"]["entityIds"], 1)]


def s3_items(operation: Op, data: bytes) -> list[Item]:
    """Entities of an S3 input; PayloadError when it cannot be used at all."""
    if len(data) > MAX_INPUT_BYTES:
        raise PayloadError(f"The input object is {len(data)} bytes; the limit is {MAX_INPUT_BYTES}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PayloadError("The input object is not UTF-8 text.") from None
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and whole.keys() & set(_PAYLOAD_KEYS.values()):
        items = _document_items(operation, whole)
    else:
        items = _manifest_items(operation, text)
    if not items:
        raise PayloadError("The input object holds no entities.")
    if len(items) > MAX_INPUT_ENTITIES:
        raise PayloadError(f"The input object holds {len(items)} entities; the limit is {MAX_INPUT_ENTITIES}.")
    return items


def _document_items(operation: Op, document: dict[str, Any]) -> list[Item]:
    wanted = _PAYLOAD_KEYS[operation]
    if set(document) & set(_PAYLOAD_KEYS.values()) != {wanted}:
        raise PayloadError(f"A {operation} job needs an input document with {wanted} (and no other payload).")
    if operation is Op.UPSERT:
        entries = document[wanted]
        if not isinstance(entries, list):
            raise PayloadError("upsertEntitiesInfo must be a list.")
        items = []
        for i, entry in enumerate(entries, 1):
            path = f"upsertEntitiesInfo.{i}.vocabulary"
            if isinstance(entry, dict) and set(entry) == {"vocabulary"}:
                items.append(_upsert_item(i, entry["vocabulary"], path))
            else:
                items.append(Item(i, problems=(f"upsertEntitiesInfo.{i} must hold exactly one vocabulary entity.",)))
        return items
    ids = document[wanted].get("entityIds") if isinstance(document[wanted], dict) else None
    if not isinstance(ids, list):
        raise PayloadError("deleteEntitiesInfo.entityIds must be a list.")
    return [_delete_item(i, entity_id, f"deleteEntitiesInfo.entityIds.{i}") for i, entity_id in enumerate(ids, 1)]


def _manifest_items(operation: Op, text: str) -> list[Item]:
    items: list[Item] = []
    objects = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            items.append(Item(number, problems=(f"Line {number} is not valid JSON.",)))
            continue
        if not isinstance(value, dict):
            items.append(Item(number, problems=(f"Line {number} is not a JSON object.",)))
            continue
        objects += 1
        if operation is Op.UPSERT:
            items.append(_upsert_item(number, value, f"line {number}"))
        else:
            items.append(_delete_item(number, value.get("entityId"), f"line {number}.entityId"))
    if items and not objects:
        raise PayloadError("The input object is neither a JSON payload document nor a JSON Lines manifest.")
    return items
