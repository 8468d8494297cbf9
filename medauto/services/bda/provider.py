"""BDA control-plane operations: blueprints, projects, libraries (with their entities and ingestion jobs),
blueprint optimization and tags, on the resource store; ingestion jobs and optimizations read their S3 inputs and
write their results through the object store (optimizations on a background thread, with the extraction engine
the runtime uses).
"""

from __future__ import annotations

from medauto.engines.extraction.engines import DEFAULT_ENGINE
from medauto.engines.extraction.result import FieldExtractor
from medauto.services.bda.blueprints import BlueprintOperations
from medauto.services.bda.libraries import LibraryOperations
from medauto.services.bda.library_entities import LibraryEntityOperations
from medauto.services.bda.library_ingestion import LibraryIngestionOperations
from medauto.services.bda.optimization import OptimizationOperations
from medauto.services.bda.optimization_jobs import OptimizationRunner, OptimizationWorker
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
    OptimizationOperations,
    TagOperations,
):
    def __init__(self, resources: ResourceStore, objects: ObjectStore, extraction_engine: str = DEFAULT_ENGINE) -> None:
        self._resources = resources
        self._objects = objects

        def extractor() -> FieldExtractor:
            from medauto.engines import registry
            from medauto.engines.extraction.engines import ensure_registered

            ensure_registered()
            engine: FieldExtractor = registry.get(extraction_engine)
            return engine

        self._optimizations = OptimizationWorker(OptimizationRunner(resources, objects, extractor))

    @property
    def resources(self) -> ResourceStore:
        """The store the runtime reads projects and blueprints from (see ``services.bda.lookup``)."""
        return self._resources
