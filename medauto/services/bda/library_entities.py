"""Library entities (custom vocabulary): how they are stored, changed and shown, and the Get/List operations.

Each library keeps its entities under a store kind of its own, ``data-automation-library/<library id>/vocabulary``,
with the entityId as both id and name: a library's entities list in creation order through the store's index
without touching other libraries, and deleting a library purges exactly that kind. Entity body:
``{"description"?, "language", "phrases": [{"text", "displayAsText"?}]}``; ``modified`` is lastModifiedTime.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from medauto.services.bda.api import EntityType
from medauto.services.bda.arns import Kind
from medauto.services.bda.errors import not_found
from medauto.services.bda.locate import Target, load, target
from medauto.services.bda.paging import expanded_page
from medauto.services.context import RequestContext, operation
from medauto.storage.resources import MODIFY_ATTEMPTS, NameTaken, Resource, ResourceStore, StaleResource

DEFAULT_PAGE = 100
_SCAN = 1000  # entities read per store call while counting or purging a library
ENTITY_MEMBERS = ("description", "language", "phrases")


def entity_kind(library_id: str, entity_type: str = EntityType.VOCABULARY) -> str:
    return f"{Kind.LIBRARY}/{library_id}/{entity_type.lower()}"


def new_entity_id() -> str:
    return str(uuid.uuid4())  # fits EntityId ([a-zA-Z0-9-_]+, at most 128)


def _scan(store: ResourceStore, account_id: str, region: str, kind: str) -> Iterator[Resource]:
    cursor: str | None = None
    while True:
        page, cursor = store.list(account_id, region, kind, _SCAN, cursor)
        yield from page
        if cursor is None:
            return


def upsert_entity(store: ResourceStore, library: Target, entity_id: str, info: dict[str, Any], at: datetime) -> None:
    """Create or replace (as a whole, never merged: AWS's "clobber" semantics) one vocabulary entity."""
    kind = entity_kind(library.resource_id)
    body = {member: info[member] for member in ENTITY_MEMBERS if member in info}
    for _ in range(MODIFY_ATTEMPTS):
        current = store.get(library.account_id, library.region, kind, entity_id)
        try:
            if current is None:
                fresh = Resource(library.account_id, library.region, kind, entity_id, entity_id, at, at, body)
                store.insert(fresh)
            else:
                store.replace(current.with_changes(body=body, modified=at))
            return
        except (NameTaken, ValueError, StaleResource):
            continue  # another job created, changed or deleted it in between: read it again
    raise StaleResource(f"{kind}/{entity_id} kept changing; gave up after {MODIFY_ATTEMPTS} attempts")


def delete_entity(store: ResourceStore, library: Target, entity_id: str) -> bool:
    return store.delete(library.account_id, library.region, entity_kind(library.resource_id), entity_id)


def purge_entities(store: ResourceStore, account_id: str, region: str, library_id: str) -> int:
    """Delete every entity of a library (its own deletion); returns how many went."""
    kind = entity_kind(library_id)
    doomed = [r.resource_id for r in _scan(store, account_id, region, kind)]
    return sum(store.delete(account_id, region, kind, resource_id) for resource_id in doomed)


def entity_types(store: ResourceStore, library: Resource) -> list[dict[str, Any]]:
    """``DataAutomationLibrary.entityTypes``: the types the library holds entities of, with their counts in
    ``entityMetadata`` (a JSON string). Counted when asked, so it is never out of step with the entities."""
    entities = phrases = 0
    for entity in _scan(store, library.account_id, library.region, entity_kind(library.resource_id)):
        entities += 1
        phrases += len(entity.body.get("phrases", []))
    if not entities:
        return []
    metadata = {"entityCount": entities, "phraseCount": phrases}
    return [{"entityType": EntityType.VOCABULARY.value, "entityMetadata": json.dumps(metadata)}]


def vocabulary_view(entity: Resource) -> dict[str, Any]:
    shape: dict[str, Any] = {"entityId": entity.resource_id}
    shape.update({member: entity.body[member] for member in ENTITY_MEMBERS if member in entity.body})
    shape["lastModifiedTime"] = entity.modified
    return shape


def vocabulary_summary(entity: Resource) -> dict[str, Any]:
    shape: dict[str, Any] = {"entityId": entity.resource_id}
    shape.update({member: entity.body[member] for member in ("description", "language") if member in entity.body})
    shape["numOfPhrases"] = len(entity.body.get("phrases", []))
    shape["lastModifiedTime"] = entity.modified
    return shape


class LibraryEntityOperations:
    """Mixed into the provider; needs ``_resources``."""

    _resources: ResourceStore

    def _entity_library(self, context: RequestContext, params: dict[str, Any]) -> Target:
        where = target(context, params["libraryArn"], Kind.LIBRARY, "libraryArn")
        load(self._resources, where)  # an unknown library is a 404, not an empty list
        return where

    @operation("GetDataAutomationLibraryEntity")
    def get_data_automation_library_entity(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._entity_library(context, params)
        entity_id = params["entityId"]
        kind = entity_kind(where.resource_id, params["entityType"])
        found = self._resources.get(where.account_id, where.region, kind, entity_id)
        if found is None:
            raise not_found(f"Entity {entity_id} of type {params['entityType']} was not found in library {where.arn}.")
        return {"entity": {"vocabulary": vocabulary_view(found)}}

    @operation("ListDataAutomationLibraryEntities")
    def list_data_automation_library_entities(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        where = self._entity_library(context, params)
        kind = entity_kind(where.resource_id, params["entityType"])

        def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
            return self._resources.list(where.account_id, where.region, kind, n, cursor)

        def rows(entity: Resource) -> list[dict[str, Any]]:
            return [{"vocabulary": vocabulary_summary(entity)}]

        # The token names its library, so one library's token is refused by another's listing.
        source = f"entities:{where.resource_id}"
        page, following = expanded_page(
            fetch, rows, params.get("maxResults", DEFAULT_PAGE), params.get("nextToken"), source
        )
        result: dict[str, Any] = {"entities": page}
        if following:
            result["nextToken"] = following
        return result
