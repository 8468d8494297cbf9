"""BDA control-plane operations: blueprints, projects, libraries (with their entities and ingestion jobs) and
tags, on the resource store; ingestion jobs read their S3 inputs and write their results through the object store.

Blueprint optimization has no handler yet, so its operations answer ``NotImplemented``.
"""

from __future__ import annotations

from medauto.services.bda.blueprints import BlueprintOperations
from medauto.services.bda.libraries import LibraryOperations
from medauto.services.bda.library_entities import LibraryEntityOperations
from medauto.services.bda.library_ingestion import LibraryIngestionOperations
from medauto.services.bda.projects import ProjectOperations
from medauto.services.bda.tags import TagOperations
from medauto.storage.objects import ObjectStore
from medauto.storage.resources import ResourceStore


class BdaProvider(
    BlueprintOperations,
    ProjectOperations,
    LibraryOperations,
    LibraryEntityOperations,
    LibraryIngestionOperations,
    TagOperations,
):
    def __init__(self, resources: ResourceStore, objects: ObjectStore) -> None:
        self._resources = resources
        self._objects = objects

    @property
    def resources(self) -> ResourceStore:
        """The store the runtime reads projects and blueprints from (see ``services.bda.lookup``)."""
        return self._resources
