"""BDA control-plane operations: blueprints, projects, libraries and tags, on the resource store.

Library entities, library ingestion jobs and blueprint optimization have no handler yet, so they answer
``NotImplemented``.
"""

from __future__ import annotations

from medauto.services.bda.blueprints import BlueprintOperations
from medauto.services.bda.libraries import LibraryOperations
from medauto.services.bda.projects import ProjectOperations
from medauto.services.bda.tags import TagOperations
from medauto.storage.resources import ResourceStore


class BdaProvider(BlueprintOperations, ProjectOperations, LibraryOperations, TagOperations):
    def __init__(self, resources: ResourceStore) -> None:
        self._resources = resources

    @property
    def resources(self) -> ResourceStore:
        """The store the runtime reads projects and blueprints from (see ``services.bda.lookup``)."""
        return self._resources
